/**
 * core/dcc-schema.ts against the schema repository's own material (dcc-schema, test/support/testdata.ts):
 * the copied files are the 1.3.3 release unchanged, its valid tests and examples pass and its invalid
 * tests fail, and the release choice documented in the module holds on the EU test data.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { DCC_SCHEMA_VERSION, dccSchemaValidator, validateDccSchema } from '../../core/dcc-schema';
import { readDcc } from '../../core/dcc';
import { decodeStages } from '../../core/hcert';
import { toJsonValue } from '../../core/cbor';
import { describeWithTestdata, testdataPath } from '../support/testdata';
import { listCaseFiles, loadCase } from './dcc-case';

const SCHEMA_DIR = testdataPath('dcc-schema');
const COPY_DIR = path.resolve(__dirname, '../../core/schemas/dcc');
const readJson = (file: string): unknown => JSON.parse(fs.readFileSync(file, 'utf8'));
const jsonFiles = (dir: string): string[] =>
  fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => path.join(dir, f));

describe('DCC schema validator', () => {
  test('messages name the field; a DCC failing everywhere gets a bounded list', () => {
    expect(validateDccSchema({ ver: '1.3.0', nam: { fnt: 'a' }, dob: '1990-01-01', t: [{}] }).some((m) => m.includes('/nam/fnt'))).toBe(true);
    const huge = { ver: 1, nam: 2, dob: 3, v: Array.from({ length: 200 }, () => ({ dn: 'x', sd: 'y' })) };
    const problems = validateDccSchema(huge);
    expect(problems.length).toBe(21);
    expect(problems[20]).toMatch(/more schema violations$/);
    expect(validateDccSchema(null)).not.toEqual([]);
    expect(validateDccSchema('a string')).not.toEqual([]);
  });

  test('one validator, compiled once', () => {
    expect(dccSchemaValidator()).toBe(validateDccSchema);
  });
});

describeWithTestdata('dcc-schema', 'DCC schema validator on the schema repository', () => {
  test('core/schemas/dcc holds the four leading schema files of the shared release, unchanged', () => {
    const copied = fs
      .readdirSync(COPY_DIR)
      .filter((f) => f.endsWith('.json'))
      .sort();
    expect(copied).toEqual(['DCC.Core.Types.schema.json', 'DCC.Types.schema.json', 'DCC.ValueSets.schema.json', 'DCC.schema.json']);
    for (const f of copied) expect(fs.readFileSync(path.join(COPY_DIR, f), 'utf8')).toBe(fs.readFileSync(path.join(SCHEMA_DIR, f), 'utf8'));
    expect((readJson(path.join(COPY_DIR, 'DCC.schema.json')) as { $comment: string }).$comment).toBe(`Schema version ${DCC_SCHEMA_VERSION}`);
  });

  const valid = [
    ...jsonFiles(path.join(SCHEMA_DIR, 'test/valid')),
    ...['vaccination', 'test', 'recovery'].flatMap((d) => jsonFiles(path.join(SCHEMA_DIR, 'examples', d))),
  ];
  const invalid = jsonFiles(path.join(SCHEMA_DIR, 'test/invalid'));

  test('the schema repository has its tests (a vanished folder fails here)', () => {
    expect(valid.length).toBeGreaterThanOrEqual(30);
    expect(invalid.length).toBeGreaterThanOrEqual(6);
  });

  test.each(valid.map((f) => [path.relative(SCHEMA_DIR, f), f]))('valid: %s', (_name, file) => {
    expect(validateDccSchema(readJson(file))).toEqual([]);
  });

  test.each(invalid.map((f) => [path.relative(SCHEMA_DIR, f), f]))('invalid: %s', (_name, file) => {
    const problems = validateDccSchema(readJson(file));
    expect(problems.length).toBeGreaterThan(0);
    for (const p of problems) expect(p).toMatch(/^DCC schema 1\.3\.3: /);
  });

  test('a date may carry a time (schema FAQ, Postel), but must still be a date', () => {
    const base = readJson(path.join(SCHEMA_DIR, 'test/valid/V-min-data.json')) as { v: Array<Record<string, unknown>> };
    const withDt = (dt: unknown): unknown => ({ ...base, v: [{ ...base.v[0], dt }] });
    expect(validateDccSchema(withDt('2021-03-18'))).toEqual([]);
    expect(validateDccSchema(withDt('2021-03-18T22:54:00+02:00'))).toEqual([]);
    expect(validateDccSchema(withDt('2021-02-30'))).not.toEqual([]);
    expect(validateDccSchema(withDt('abcde'))).not.toEqual([]);
    expect(validateDccSchema(withDt('2021-03-18T25:00:00Z'))).not.toEqual([]);
    expect(validateDccSchema(withDt(20210318))).not.toEqual([]);
  });
});

describeWithTestdata(['dcc-schema', 'dcc-testdata'], 'DCC schema validator on the EU test data', () => {
  test('release choice: 1.3.x for every ver disagrees with fewer EU schema flags than the release each ver names', () => {
    // The older releases, as published (tags 1.0.0–1.3.2), compiled the way upstream compiles them.
    const byRelease = new Map<string, (d: unknown) => boolean>();
    for (const tag of fs.readdirSync(path.join(SCHEMA_DIR, 'tags'))) {
      const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: false });
      addFormats(ajv);
      let main: object | undefined;
      for (const f of jsonFiles(path.join(SCHEMA_DIR, 'tags', tag))) {
        if (f.includes('combined')) continue;
        const s = readJson(f) as object;
        if (/D[GC]C\.schema\.json$/.test(f)) main = s;
        else ajv.addSchema(s);
      }
      const v = ajv.compile(main!);
      byRelease.set(tag, (d) => v(d));
    }
    const ours = (d: unknown): boolean => validateDccSchema(d).length === 0;
    let disagreeOurs = 0;
    let disagreePerVer = 0;
    let compared = 0;
    for (const c of listCaseFiles().map(loadCase)) {
      const expected = c.expected.SCHEMAVALIDATION;
      if (expected === undefined || !c.raw.PREFIX) continue;
      const dcc = decodeStages(c.raw.PREFIX).claims?.dcc;
      if (dcc === undefined) continue;
      const json = toJsonValue(dcc) as { ver?: string };
      const single = readDcc(dcc, () => []).problems.length === 0;
      const perVer = byRelease.get(String(json.ver)) ?? ours;
      compared++;
      if ((single && ours(json)) !== expected) disagreeOurs++;
      if ((single && perVer(json)) !== expected) disagreePerVer++;
    }
    expect(compared).toBeGreaterThan(500);
    expect(disagreeOurs).toBeLessThan(disagreePerVer);
  });
});
