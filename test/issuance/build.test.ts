/**
 * What issuance puts into the comprehensive certificate (server/issuance/build.ts): every record's
 * facts, but not a nucleic-acid test's name, which the test type already says
 * (docs/ithc-certificate.md, "What our issuer leaves out"); the record itself keeps it.
 */
import { ithcRecordToDcc, readIthc, ithcToCbor } from '../../core/ithc';
import { buildCertificate, buildDccs } from '../../server/issuance/build';
import { demoRecordsFor } from '../../server/records/demo-records';
import type { NaatRecord } from '../../server/records/types';

const NOW = Date.UTC(2026, 10, 20, 4, 0, 0);
const subject = { personId: 'p-test', name: '张伟', birthDate: '1988-05-12', sex: 'male' as const, nationality: 'CN', document: { type: 'ordinary' as const, number: 'EH4180273', surnameLatin: 'ZHANG', givenNameLatin: 'WEI' } };

test("a nucleic-acid test's name stays in the record, out of the certificate and its HC1 code", () => {
  const records = demoRecordsFor('p-test', 0, NOW);
  const naat = records.find((r): r is NaatRecord => r.kind === 'naat')!;
  expect(naat.testName).toBeTruthy();
  const built = buildCertificate('CN', 'National Health Commission of the PRC', subject, records);
  const read = readIthc(ithcToCbor(built.input));
  expect(read.problems).toEqual([]);
  const [test] = read.certificate!.tests;
  expect(test).toMatchObject({ testType: 'LP6464-4', sampleTime: Math.floor(Date.parse(naat.sampledAt) / 1000), result: naat.result, testingCentre: naat.centre });
  expect(test.testName).toBeUndefined();
  const dcc = buildDccs('CN', read.certificate!, built.recordIdByDccRef).find((d) => d.type === 't')!;
  expect(dcc.recordId).toBe(naat._id);
  expect((dcc.dcc.t as Array<Record<string, unknown>>)[0].nm).toBeUndefined();
  // The mapping itself still carries a name when a certificate has one (other issuers may).
  const withName = { ...read.certificate!, tests: [{ ...test, testName: naat.testName }] };
  expect((ithcRecordToDcc(withName, { list: 'tests', index: 0 }, 'URN:UVCI:01:CN:X#1').t as Array<Record<string, unknown>>)[0].nm).toBe(naat.testName);
});
