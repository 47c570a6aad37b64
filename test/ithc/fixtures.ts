/**
 * Shared fixtures for the ITHC model tests and the golden vectors: a realistic comprehensive
 * certificate (two vaccinations, one nucleic-acid test, one IgG antibody test) for a fictitious
 * holder.
 */
import type { IthcCertificateInput } from '../../core/ithc';
import { makeUvci } from '../../core/ithc';

/** 2021-06-01T02:30:00Z, a morning sample in Beijing (10:30 +08:00). */
export const SAMPLE_TIME = Date.UTC(2021, 5, 1, 2, 30) / 1000;

/** Issuer of the certificate and of its records (records inherit it: docs §Defaults). */
export const ISSUER = 'National Health Commission of the PRC';

export function exampleCertificate(): IthcCertificateInput {
  return {
    id: makeUvci('CN', '9F3K2M7Q4T8W1Z5X'),
    issuer: ISSUER,
    holder: {
      surname: '张',
      givenName: '伟',
      surnameLatin: 'ZHANG',
      givenNameLatin: 'WEI',
      dateOfBirth: '1985-03-12',
      sex: 'M',
      nationality: 'CN',
      documentType: 'ordinary',
      documentNumber: 'E12345678',
    },
    tests: [
      {
        disease: '840539006',
        testType: 'LP6464-4',
        sampleTime: SAMPLE_TIME,
        result: '260415000',
        testingCentre: '北京市疾病预防控制中心',
        country: 'CN',
        issuer: ISSUER,
      },
    ],
    antibodyTests: [
      {
        disease: '840539006',
        method: 'CLIA',
        sampleTime: SAMPLE_TIME,
        result: 'positive',
        value: '58.2',
        unit: 'AU/mL',
        testingCentre: '北京市疾病预防控制中心',
        country: 'CN',
        issuer: ISSUER,
      },
    ],
    vaccinations: [
      {
        disease: '840539006',
        prophylaxis: '1157024006',
        product: 'BBIBP-CorV',
        manufacturer: 'ORG-100020693',
        doseNumber: 1,
        totalDoses: 2,
        date: '2021-04-01',
        country: 'CN',
        issuer: ISSUER,
      },
      {
        disease: '840539006',
        prophylaxis: '1157024006',
        product: 'BBIBP-CorV',
        manufacturer: 'ORG-100020693',
        doseNumber: 2,
        totalDoses: 2,
        date: '2021-04-22',
        country: 'CN',
        issuer: ISSUER,
      },
    ],
  };
}
