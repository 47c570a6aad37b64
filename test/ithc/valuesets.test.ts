/**
 * The generated value sets against their source (dcc-valuesets, test/support/testdata.ts), and the UVCI
 * checksum against the identifiers issuers actually wrote in the EU test data.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { makeUvci, uvciCheckCharacter, uvciChecksumValid } from '../../core/ithc';
import {
  CLOSED_VALUE_SETS,
  IGG_METHODS,
  IGG_RESULTS,
  IGG_UNITS,
  ISSUERS,
  SEXES,
  TRAVEL_DOCUMENT_TYPES,
  VALUE_SETS,
  issuerLabel,
  label,
  lookup,
  vaccineEncoding,
  type DccValueSetName,
} from '../../core/valuesets';
import { VALUE_SET_RELEASE } from '../../core/valuesets.generated';
import { describeWithTestdata, testWithTestdata, testdataPath } from '../support/testdata';

const SOURCE = testdataPath('dcc-valuesets');

const FILES: Record<DccValueSetName, string> = {
  disease: 'disease-agent-targeted.json',
  vaccineProphylaxis: 'vaccine-prophylaxis.json',
  vaccineProduct: 'vaccine-medicinal-product.json',
  vaccineManufacturer: 'vaccine-mah-manf.json',
  testType: 'test-type.json',
  testResult: 'test-result.json',
  testManufacturer: 'test-manf-example.json',
  country: 'country-2-codes.json',
};

type Source = { valueSetId: string; valueSetDate: string; valueSetValues: Record<string, { display: string; active: boolean }> };
const source = (f: string): Source => JSON.parse(readFileSync(path.join(SOURCE, f), 'utf8'));

describeWithTestdata('dcc-valuesets', 'generated value sets match the EU source (regenerate with scripts/gen-valuesets.mjs when they do not)', () => {
  test('release', () => {
    expect(readFileSync(path.join(SOURCE, 'README.md'), 'utf8')).toContain(`Release: ${VALUE_SET_RELEASE}`);
  });

  test.each(Object.entries(FILES) as Array<[DccValueSetName, string]>)('%s has every code, label and status of %s', (name, file) => {
    const src = source(file);
    const set = VALUE_SETS[name];
    expect(set.id).toBe(src.valueSetId);
    expect(set.date).toBe(src.valueSetDate);
    expect(Object.keys(set.values).sort()).toEqual(Object.keys(src.valueSetValues).sort());
    for (const [code, v] of Object.entries(src.valueSetValues)) {
      expect(set.values[code].en).toBe(v.display);
      expect(set.values[code].inactive === true).toBe(v.active === false);
    }
  });

  test('every encoding instruction names a product and manufacturer of the value sets', () => {
    const src = JSON.parse(readFileSync(path.join(SOURCE, 'vaccine-encoding-instructions.json'), 'utf8')).valueSetValues as Record<
      string,
      { 'vaccine-code': string; 'vaccine-manufacturer': string; 'sct-codes': string[] }
    >;
    for (const e of Object.values(src)) {
      const product = e['vaccine-code'].replace(/ \(deprecated\)$/, '');
      const enc = vaccineEncoding(product);
      expect(enc).toEqual({ manufacturer: e['vaccine-manufacturer'], prophylaxis: e['sct-codes'] });
      expect(lookup('vaccineManufacturer', enc!.manufacturer)).toBeDefined();
    }
  });
});

describe('Chinese products and labels', () => {
  test.each([
    ['BBIBP-CorV', 'ORG-100020693'],
    ['WIBP-CorV', 'Sinopharm-WIBP'],
    ['CoronaVac', 'Sinovac-Biotech'],
    ['Convidecia', 'ORG-100013793'],
  ])('%s is present with its manufacturer %s, both labelled in Chinese', (product, manufacturer) => {
    expect(vaccineEncoding(product)?.manufacturer).toBe(manufacturer);
    expect(label('vaccineProduct', product, 'zh')).not.toBe(lookup('vaccineProduct', product)!.en);
    expect(label('vaccineManufacturer', manufacturer, 'zh')).toMatch(/[\u4e00-\u9fff]/);
  });

  test('closed sets and countries have Chinese labels for every code', () => {
    for (const name of CLOSED_VALUE_SETS) {
      for (const [code, e] of Object.entries(VALUE_SETS[name].values))
        expect([name, code, e.zh]).toEqual([name, code, expect.stringMatching(/[\u4e00-\u9fff]/)]);
    }
    expect(label('country', 'TW', 'zh')).toBe('中国台湾');
    expect(label('country', 'CN', 'zh')).toBe('中国');
  });

  test('labels fall back to English, then to the code', () => {
    expect(label('vaccineProduct', 'EU/1/20/1528', 'zh')).toBe('Comirnaty');
    expect(label('vaccineProduct', 'Not-A-Product', 'zh')).toBe('Not-A-Product');
    expect(lookup('country', 'toString')).toBeUndefined();
  });
});

describe('own code tables', () => {
  test.each([
    ['IgG result', IGG_RESULTS],
    ['IgG method', IGG_METHODS],
    ['IgG unit', IGG_UNITS],
    ['sex', SEXES],
    ['travel document type', TRAVEL_DOCUMENT_TYPES],
    ['issuer', ISSUERS],
  ] as const)('%s: unique names and codes, labelled in both languages, frozen', (_n, table) => {
    expect(new Set(table.map((r) => r.code)).size).toBe(table.length);
    expect(new Set(table.map((r) => r.name)).size).toBe(table.length);
    for (const r of table) {
      expect(r.en.length).toBeGreaterThan(0);
      expect(r.zh).toMatch(/[\u4e00-\u9fff]|^[A-Za-z/]+$/);
    }
    expect(Object.isFrozen(table)).toBe(true);
    expect(Object.isFrozen(table[0])).toBe(true);
  });

  test('issuers: the readable name is the English one the DCC carries; issuerLabel names it in either language', () => {
    for (const r of ISSUERS) expect(r.name).toBe(r.en);
    expect(issuerLabel('National Health Commission of the PRC', 'zh')).toBe('中华人民共和国国家卫生健康委员会');
    expect(issuerLabel('National Health Commission of the PRC')).toBe('National Health Commission of the PRC');
    // An issuer outside the table is shown as the certificate names it, in both languages.
    expect(issuerLabel('Macao SAR Health Bureau', 'zh')).toBe('Macao SAR Health Bureau');
  });

  test('the five Chinese travel documents', () => {
    expect(TRAVEL_DOCUMENT_TYPES.map((t) => t.zh)).toEqual(['普通护照', '外交护照', '公务护照', '公务普通护照', '旅行证']);
  });
});

describe('UVCI checksum', () => {
  /** Every `ci` in the EU test data of issuers that use the Annex 2 checksum (AT, DK). */
  function issuedUvcis(): string[] {
    const out: string[] = [];
    const walk = (dir: string): void => {
      for (const f of readdirSync(dir)) {
        const p = path.join(dir, f);
        if (statSync(p).isDirectory()) walk(p);
        else if (f.endsWith('.json')) {
          const text = readFileSync(p, 'utf8');
          for (const m of text.matchAll(/"ci"\s*:\s*"(URN:UVCI:01:(?:AT|DK):[^"]*#.)"/g)) out.push(m[1]);
        }
      }
    };
    for (const c of ['AT', 'DK']) walk(testdataPath('dcc-testdata', c));
    return [...new Set(out)];
  }

  testWithTestdata('dcc-testdata', 'agrees with the check characters Austria and Denmark issued', () => {
    const ucis = issuedUvcis();
    expect(ucis.length).toBeGreaterThan(3);
    for (const u of ucis) expect([u, uvciChecksumValid(u)]).toEqual([u, true]);
  });

  test('catches a changed character and a swap of neighbours', () => {
    const u = makeUvci('CN', '9F3K2M7Q4T8W1Z5X');
    expect(uvciChecksumValid(u)).toBe(true);
    expect(uvciChecksumValid(u.replace('9F3K', '8F3K'))).toBe(false);
    expect(uvciChecksumValid(u.replace('9F3K', 'F93K'))).toBe(false);
    expect(uvciChecksumValid(u.slice(0, -2))).toBe(false);
  });

  test('makeUvci refuses what a UVCI cannot hold', () => {
    expect(() => makeUvci('CHN', 'ABC')).toThrow(TypeError);
    expect(() => makeUvci('CN', 'abc')).toThrow(TypeError);
    expect(() => makeUvci('CN', 'A'.repeat(51))).toThrow(TypeError);
    expect(() => uvciCheckCharacter('URN:UVCI:01:CN:a')).toThrow(TypeError);
  });
});
