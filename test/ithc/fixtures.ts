/**
 * Shared fixtures for the ITHC model tests and the golden vectors: a realistic comprehensive
 * certificate (two vaccinations, one nucleic-acid test, one IgG antibody test) for a fictitious
 * holder. The laboratory and the vaccination site travel by their codes in the source list
 * (SOURCES below, as a published list would name them).
 */
import type { IthcCertificateInput } from '../../core/ithc';
import { makeUvci } from '../../core/ithc';

/** 2021-06-01T02:30:00Z, a morning sample in Beijing (10:30 +08:00). */
export const SAMPLE_TIME = Date.UTC(2021, 5, 1, 2, 30) / 1000;

/** Issuer of the certificate and of its records (records inherit it: docs §Defaults). */
export const ISSUER = 'National Health Commission of the PRC';

/** The example's laboratory and vaccination site in a source list (fictitious codes and accreditation). */
export const LAB_CODE = 1101;
export const SITE_CODE = 2101;
export const SOURCES = [
  {
    code: LAB_CODE,
    type: 'lab' as const,
    name: '北京市疾病预防控制中心',
    nameLatin: 'Beijing Center for Disease Prevention and Control',
    country: 'CN',
    region: 'CN-BJ',
    accreditation: 'CNAS ML0000 (ISO 15189), example',
    validFrom: Date.UTC(2020, 0, 1) / 1000,
  },
  {
    code: SITE_CODE,
    type: 'vaccination-site' as const,
    name: '北京市东城区社区卫生服务中心预防接种门诊',
    nameLatin: 'Dongcheng Community Health Service Centre, Vaccination Clinic, Beijing',
    country: 'CN',
    region: 'CN-BJ',
    validFrom: Date.UTC(2020, 0, 1) / 1000,
  },
];

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
      documentIssuer: 'CN',
    },
    tests: [
      {
        disease: '840539006',
        testType: 'LP6464-4',
        sampleTime: SAMPLE_TIME,
        reportTime: SAMPLE_TIME + 6 * 3600,
        result: '260415000',
        testingCentreCode: LAB_CODE,
        country: 'CN',
        issuer: ISSUER,
      },
    ],
    antibodyTests: [
      {
        disease: '840539006',
        method: 'CLIA',
        assayCode: 1,
        target: 'rbd',
        sampleTime: SAMPLE_TIME,
        result: 'positive',
        value: '58.2',
        cutoff: '1.00',
        unit: 'AU/mL',
        testingCentreCode: LAB_CODE,
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
        vaccinationSiteCode: SITE_CODE,
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
        vaccinationSiteCode: SITE_CODE,
      },
    ],
  };
}
