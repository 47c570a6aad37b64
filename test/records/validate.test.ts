/** What a valid record is, independent of the format it came in. */
import { readFileSync } from 'node:fs';
import { validateRecord, type RecordFields, type ValidationContext } from '../../server/records/validate';
import { testWithTestdata, testdataPath } from '../support/testdata';

const NOW = Date.parse('2024-05-02T02:00:00Z');
const CTX: ValidationContext = { now: NOW, defaultCountry: 'CN', defaultIssuer: '默认机构' };
// The EU value sets, read only by the tests that need them (and only where they are).
const products = () =>
  JSON.parse(readFileSync(testdataPath('dcc-valuesets', 'vaccine-medicinal-product.json'), 'utf8')).valueSetValues as Record<string, { active: boolean }>;
const annexA = () =>
  JSON.parse(readFileSync(testdataPath('dcc-valuesets', 'vaccine-encoding-instructions.json'), 'utf8')).valueSetValues as Record<
    string,
    { 'vaccine-code': string; 'vaccine-manufacturer': string; 'sct-codes': string[] }
  >;

const naat: RecordFields = { kind: 'naat', sourceRecordId: 'N-1', sampledAt: '2024-05-01T09:30:00+08:00', result: '260415000', centre: '检测实验室' };
const vacc: RecordFields = { kind: 'vaccination', sourceRecordId: 'V-1', date: '2021-04-12', product: 'BBIBP-CorV', dose: 1, doses: 2 };

function problemsOf(f: RecordFields, ctx = CTX) {
  const r = validateRecord(f, ctx);
  return r.ok ? [] : r.problems;
}

describe('validateRecord', () => {
  test('a NAAT record takes the source defaults for country and issuer', () => {
    const r = validateRecord(naat, CTX);
    expect(r).toEqual({ ok: true, value: { ...naat, testType: 'LP6464-4', country: 'CN', issuer: '默认机构' } });
  });

  testWithTestdata('dcc-valuesets', 'a vaccination without manufacturer and vaccine type takes them from Annex A', () => {
    const r = validateRecord(vacc, CTX);
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    const row = Object.values(annexA()).find((v) => v['vaccine-code'] === 'BBIBP-CorV')!;
    expect(r.value).toMatchObject({ manufacturer: row['vaccine-manufacturer'], disease: '840539006' });
    // The specific type, not the generic "COVID-19 vaccine" concept.
    expect(row['sct-codes']).toContain((r.value as { vaccine: string }).vaccine);
    expect((r.value as { vaccine: string }).vaccine).not.toBe('28531000087107');
  });

  test('every problem of a record is reported, each with its field', () => {
    const p = problemsOf({ kind: 'naat', sourceRecordId: 'bad id with spaces', sampledAt: '2024-05-01 09:30', result: 'negative', centre: 7, testName: 7 });
    expect(p.map((x) => [x.field, x.code]).sort()).toEqual(
      [
        ['centre', 'INVALID'],
        ['result', 'UNKNOWN_CODE'],
        ['sampledAt', 'INVALID'],
        ['sourceRecordId', 'INVALID'],
        ['testName', 'INVALID'],
      ].sort(),
    );
  });

  test.each([
    ['no zone', '2024-05-01T09:30:00'],
    ['31 April', '2024-04-31T09:30:00+08:00'],
    ['hour 24', '2024-05-01T24:00:00Z'],
    ['in the future beyond skew', new Date(NOW + 6 * 60_000).toISOString()],
    ['before SARS-CoV-2', '2019-06-01T00:00:00Z'],
  ])('sample time refused: %s', (_, sampledAt) => {
    expect(problemsOf({ ...naat, sampledAt })).toEqual([expect.objectContaining({ field: 'sampledAt', code: 'INVALID' })]);
  });

  test('a sample time within the clock-skew allowance is accepted', () => {
    expect(problemsOf({ ...naat, sampledAt: new Date(NOW + 4 * 60_000).toISOString() })).toEqual([]);
  });

  testWithTestdata('dcc-valuesets', 'unknown and deprecated product codes are refused with distinct codes', () => {
    const deprecated = Object.entries(products()).find(([, v]) => !v.active)![0];
    expect(problemsOf({ ...vacc, product: 'Sputnik-XL' })).toEqual([expect.objectContaining({ field: 'product', code: 'UNKNOWN_CODE' })]);
    expect(problemsOf({ ...vacc, product: deprecated, manufacturer: 'ORG-100032020', vaccine: '1162643001' })).toEqual([
      expect.objectContaining({ field: 'product', code: 'DEPRECATED_CODE' }),
    ]);
  });

  test('fields of another kind are refused', () => {
    expect(problemsOf({ ...naat, dose: 1 })).toEqual([expect.objectContaining({ field: 'dose', code: 'UNKNOWN_FIELD' })]);
  });

  test('IgG value and unit come together; unit and method are from the ITHC tables', () => {
    const igg: RecordFields = { kind: 'igg', sourceRecordId: 'G-1', sampledAt: '2024-05-01T09:30:00+08:00', result: 'positive', centre: '检验科' };
    expect(problemsOf({ ...igg, value: 12 })).toEqual([expect.objectContaining({ field: 'unit', code: 'REQUIRED' })]);
    expect(problemsOf({ ...igg, unit: 'AU/mL' })).toEqual([expect.objectContaining({ field: 'value', code: 'REQUIRED' })]);
    expect(problemsOf({ ...igg, value: 12, unit: 'AU/mL', method: 'magic' })).toEqual([expect.objectContaining({ field: 'method', code: 'UNKNOWN_CODE' })]);
    expect(problemsOf({ ...igg, value: 12, unit: "[arb'U]/mL" })).toEqual([expect.objectContaining({ field: 'unit', code: 'UNKNOWN_CODE' })]);
    expect(problemsOf({ ...igg, value: 12, unit: 'BAU/mL', method: 'CLIA' })).toEqual([]);
  });

  test('text with control characters or a lone surrogate is refused, long text too', () => {
    expect(problemsOf({ ...naat, centre: 'a\u0007b' })).toEqual([expect.objectContaining({ field: 'centre', code: 'INVALID' })]);
    expect(problemsOf({ ...naat, centre: 'a\ud800b' })).toEqual([expect.objectContaining({ field: 'centre', code: 'INVALID' })]);
    // A testing centre is printed on certificates, which carry at most 80 characters of it.
    expect(problemsOf({ ...naat, centre: '检'.repeat(81) })).toEqual([expect.objectContaining({ field: 'centre', code: 'TOO_LONG' })]);
    expect(problemsOf({ ...naat, centre: '检'.repeat(80) })).toEqual([]);
    expect(problemsOf({ ...naat, testName: '检'.repeat(129) })).toEqual([expect.objectContaining({ field: 'testName', code: 'TOO_LONG' })]);
    expect(problemsOf({ ...naat, testName: '检'.repeat(128) })).toEqual([]);
  });

  test('a test that names no testing centre was made by the laboratory that sent it', () => {
    const { centre: _c, ...withoutCentre } = naat;
    const r = validateRecord(withoutCentre, CTX);
    expect(r.ok && r.value).toMatchObject({ centre: CTX.defaultIssuer });
    expect(problemsOf({ ...naat, centre: '' })).toEqual([]);
  });

  test('a NAAT report time is an instant with a zone, not before the sample and not in the future', () => {
    const r = validateRecord({ ...naat, reportedAt: '2024-05-01T15:30:00+08:00' }, CTX);
    expect(r.ok && r.value).toMatchObject({ reportedAt: '2024-05-01T15:30:00+08:00' });
    expect(problemsOf({ ...naat, reportedAt: '2024-05-01T09:29:59+08:00' })).toEqual([expect.objectContaining({ field: 'reportedAt', code: 'INVALID' })]);
    expect(problemsOf({ ...naat, reportedAt: '2024-05-01 15:30' })).toEqual([expect.objectContaining({ field: 'reportedAt', code: 'INVALID' })]);
    expect(problemsOf({ ...naat, reportedAt: '2024-05-03T00:00:00Z' })).toEqual([expect.objectContaining({ field: 'reportedAt', code: 'INVALID' })]);
  });

  test('what a foreign authority needs of an IgG result: assay, antigen target, threshold, censored values', () => {
    const igg: RecordFields = { kind: 'igg', sourceRecordId: 'G-2', sampledAt: '2024-05-01T09:30:00+08:00', result: 'negative', centre: '检验科' };
    const full = { ...igg, assayCode: 1, target: 'rbd', value: 0.4, comparator: '<', cutoff: 1, unit: 'AU/mL', method: 'CLIA' };
    const r = validateRecord(full, CTX);
    expect(r.ok && r.value).toMatchObject({ assayCode: 1, target: 'rbd', value: 0.4, comparator: '<', cutoff: 1, unit: 'AU/mL' });
    const byName = validateRecord({ ...igg, assay: 'SARS-CoV-2 N IgG ELISA', manufacturer: 'Example Diagnostics', target: 'nucleocapsid' }, CTX);
    expect(byName.ok && byName.value).toMatchObject({ assay: 'SARS-CoV-2 N IgG ELISA', manufacturer: 'Example Diagnostics', target: 'nucleocapsid' });
    // A threshold alone needs its unit, and may come without a value (a qualitative result with its cut-off).
    expect(problemsOf({ ...igg, cutoff: 1 })).toEqual([expect.objectContaining({ field: 'unit', code: 'REQUIRED' })]);
    expect(problemsOf({ ...igg, cutoff: 1, unit: 'S/CO' })).toEqual([]);
    const cases: Array<[RecordFields, string, string]> = [
      [{ ...full, assayCode: 999 }, 'assayCode', 'UNKNOWN_CODE'],
      [{ ...full, target: 'envelope' }, 'target', 'UNKNOWN_CODE'],
      [{ ...full, comparator: '<=' }, 'comparator', 'UNKNOWN_CODE'],
      [{ ...full, value: undefined }, 'comparator', 'INVALID'],
      [{ ...full, cutoff: -1 }, 'cutoff', 'INVALID'],
      [{ ...full, assay: 'X' }, 'assay', 'INVALID'],
      [{ ...full, manufacturer: 'Snibe' }, 'manufacturer', 'INVALID'],
      [{ ...igg, assay: 'A'.repeat(81) }, 'assay', 'TOO_LONG'],
    ];
    for (const [f, field, code] of cases) expect([f, problemsOf(f)]).toEqual([f, [expect.objectContaining({ field, code })]]);
  });

  test('dose numbers are integers 1..9 and dates are real and not in the future', () => {
    expect(problemsOf({ ...vacc, dose: 0 })).toEqual([expect.objectContaining({ field: 'dose', code: 'INVALID' })]);
    expect(problemsOf({ ...vacc, doses: 1.5 })).toEqual([expect.objectContaining({ field: 'doses', code: 'INVALID' })]);
    expect(problemsOf({ ...vacc, date: '2021-02-29' })).toEqual([expect.objectContaining({ field: 'date', code: 'INVALID' })]);
    expect(problemsOf({ ...vacc, date: '2024-05-04' })).toEqual([expect.objectContaining({ field: 'date', code: 'INVALID' })]);
    expect(problemsOf({ ...vacc, date: '2019-12-31' })).toEqual([expect.objectContaining({ field: 'date', code: 'INVALID' })]);
  });

  test('field names can be mapped (FHIR paths)', () => {
    const r = validateRecord({ ...naat, result: 'x' }, { ...CTX, fieldNames: { result: 'Observation.valueCodeableConcept' } });
    expect(r).toEqual({ ok: false, problems: [expect.objectContaining({ field: 'Observation.valueCodeableConcept', code: 'UNKNOWN_CODE' })] });
  });
});
