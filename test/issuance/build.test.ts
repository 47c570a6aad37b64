/**
 * What issuance puts into the comprehensive certificate (server/issuance/build.ts): every record's
 * facts, but not a nucleic-acid test's name, which the test type already says
 * (docs/ithc-certificate.md, "What our issuer leaves out"); the record itself keeps it.
 */
import { ithcRecordToDcc, ithcToJson, readIthc, ithcToCbor } from '../../core/ithc';
import { buildCertificate, buildDccs, decimalText, sourceNamesFromJson, sourceNamesOf } from '../../server/issuance/build';
import { DEMO_SOURCES, demoRecordsFor } from '../../demo/records';
import type { IggRecord, NaatRecord, VaccinationRecord } from '../../server/records/types';
import { TEST_SUBJECT } from './fixtures';

const NOW = Date.UTC(2026, 10, 20, 4, 0, 0);
const subject = TEST_SUBJECT;

test("a nucleic-acid test's name stays in the record, out of the certificate and its HC1 code", () => {
  const records = demoRecordsFor('p-test', 0, NOW);
  const naat = records.find((r): r is NaatRecord => r.kind === 'naat')!;
  expect(naat.testName).toBeTruthy();
  const built = buildCertificate('CN', 'National Health Commission of the PRC', subject, records);
  const read = readIthc(ithcToCbor(built.input));
  expect(read.problems).toEqual([]);
  const [test] = read.certificate!.tests;
  expect(test).toMatchObject({
    testType: 'LP6464-4',
    sampleTime: Math.floor(Date.parse(naat.sampledAt) / 1000),
    result: naat.result,
    testingCentre: naat.centre,
  });
  expect(test.testName).toBeUndefined();
  const dcc = buildDccs('CN', read.certificate!, built.recordIdByDccRef).find((d) => d.type === 't')!;
  expect(dcc.recordId).toBe(naat._id);
  expect((dcc.dcc.t as Array<Record<string, unknown>>)[0].nm).toBeUndefined();
  // The mapping itself still carries a name when a certificate has one (other issuers may).
  const withName = { ...read.certificate!, tests: [{ ...test, testName: naat.testName }] };
  expect((ithcRecordToDcc(withName, { list: 'tests', index: 0 }, 'URN:UVCI:01:CN:X#1').t as Array<Record<string, unknown>>)[0].nm).toBe(naat.testName);
});

describe('where a record was made: by the source-list code when the source itself made it, else by name', () => {
  const sources = new Map(DEMO_SOURCES.map((s) => [s._id, s]));
  const records = demoRecordsFor('p-test', 0, NOW);
  const built = buildCertificate('CN', 'National Health Commission of the PRC', subject, records, sources);
  const cert = readIthc(ithcToCbor(built.input)).certificate!;
  const byId = (id: string) => DEMO_SOURCES.find((s) => s._id === id)!;

  test('the demo laboratories and vaccination site travel by code, with their names kept beside the certificate', () => {
    const naat = records.find((r) => r.kind === 'naat')!;
    const igg = records.find((r) => r.kind === 'igg')!;
    const vac = records.find((r) => r.kind === 'vaccination')!;
    expect(cert.tests[0]).toMatchObject({ testingCentreCode: byId(naat.sourceId).code });
    expect(cert.tests[0].testingCentre).toBeUndefined();
    expect(cert.antibodyTests[0]).toMatchObject({ testingCentreCode: byId(igg.sourceId).code });
    expect(cert.vaccinations.map((v) => v.vaccinationSiteCode)).toEqual([byId(vac.sourceId).code, byId(vac.sourceId).code]);
    expect(built.sourceNames).toEqual(
      [naat.sourceId, igg.sourceId, vac.sourceId]
        .map((id) => ({ code: byId(id).code, name: byId(id).name, nameLatin: byId(id).nameLatin }))
        .sort((a, b) => a.code! - b.code!),
    );
    // The DCC's free-text tc: the laboratory's Latin-script name.
    const dcc = buildDccs('CN', cert, built.recordIdByDccRef, built.sourceNames).find((d) => d.type === 't')!;
    expect((dcc.dcc.t as Array<Record<string, unknown>>)[0].tc).toBe(byId(naat.sourceId).nameLatin);
  });

  test('a test whose testing centre is not the sending laboratory, or a source without a code, is carried by name', () => {
    const naat = records.find((r): r is NaatRecord => r.kind === 'naat')!;
    const elsewhere = { ...naat, centre: '北京市朝阳区疾病预防控制中心（分部）' };
    const other = buildCertificate('CN', 'National Health Commission of the PRC', subject, [elsewhere], sources);
    expect(other.input.tests![0]).toMatchObject({ testingCentre: elsewhere.centre });
    expect(other.input.tests![0].testingCentreCode).toBeUndefined();
    const unregistered = new Map([[naat.sourceId, { ...byId(naat.sourceId), code: undefined }]]);
    const byName = buildCertificate('CN', 'National Health Commission of the PRC', subject, [naat], unregistered);
    expect(byName.input.tests![0]).toMatchObject({ testingCentre: naat.centre });
    expect(byName.sourceNames).toEqual([]);
  });

  test('what a foreign authority needs of a test: report time, and of an IgG result the assay, target, threshold and unit', () => {
    const naat = records.find((r): r is NaatRecord => r.kind === 'naat')!;
    const igg = records.find((r): r is IggRecord => r.kind === 'igg')!;
    expect(cert.tests[0].reportTime).toBe(Date.parse(naat.reportedAt!) / 1000);
    expect(cert.antibodyTests[0]).toMatchObject({
      assayCode: igg.assayCode,
      target: igg.target,
      value: String(igg.value),
      cutoff: String(igg.cutoff),
      unit: igg.unit,
      result: igg.result,
    });
    expect(cert.holder.documentIssuer).toBe('CN');
  });

  test('the stored readable certificate names each coded source, and those names come back for the paper version', () => {
    const json = ithcToJson(cert, { sources: sourceNamesOf(built.sourceNames) });
    expect(sourceNamesFromJson(json)).toEqual(expect.arrayContaining(built.sourceNames));
    expect(sourceNamesFromJson(json)).toHaveLength(built.sourceNames.length);
  });
});

test('a booster a site wrote as 3/2 is carried as the EU encodes it, 3/3; the primary course stays n/m', () => {
  const [v1, v2] = demoRecordsFor('p-test', 0, NOW).filter((r): r is VaccinationRecord => r.kind === 'vaccination');
  const booster: VaccinationRecord = { ...v2, _id: 'rec-booster', sourceRecordId: 'JZ-B', date: '2021-11-20', dose: 3, doses: 2 };
  const built = buildCertificate('CN', 'National Health Commission of the PRC', subject, [v1, v2, booster]);
  expect(built.input.vaccinations!.map((v) => `${v.doseNumber}/${v.totalDoses}`)).toEqual(['1/2', '2/2', '3/3']);
});

test('decimal text for the certificate never uses an exponent', () => {
  expect(decimalText(26.8)).toBe('26.8');
  expect(decimalText(250)).toBe('250');
  expect(decimalText(0.0000025)).toBe('0.000003');
  expect(decimalText(1e-9)).toBe('0');
  for (const n of [26.8, 250, 0.4, 0.0000025, 1e-9, 999999.5]) expect(decimalText(n)).toMatch(/^(0|[1-9]\d{0,8})(\.\d{1,6})?$/);
});
