/**
 * docs/ithc-certificate.md §Limits against core: every bound core keeps is in the table with its
 * value, and every row of the table is a bound core keeps. The first bounds are also checked by
 * behaviour (a code, an inflation, a CBOR value just inside and just past each), and the numbers the
 * other documents repeat are the table's.
 */
import { deflateSync } from 'node:zlib';
import { DEFAULT_LIMITS } from '../../core/limits';
import { ITHC_LIMITS } from '../../core/ithc';
import { SEAL_LIMITS } from '../../core/seal';
import { DEFAULT_TRUST_LIST_LIMITS, DEFAULT_TRUST_LIST_MAX_AGE } from '../../core/trustlist';
import { DEFAULT_SOURCE_LIST_LIMITS, DEFAULT_SOURCE_LIST_MAX_AGE, SOURCE_ENTRY_LIMITS } from '../../core/sourcelist';
import { DEFAULT_DSC_LIST_LIMITS } from '../../core/dsc-list';
import { RULE_LIMITS } from '../../core/rules';
import { MAX_CANDIDATES } from '../../core/pasted';
import { checkWellFormed } from '../../core/cbor';
import { decodeStages } from '../../core/hcert';
import { inflate } from '../../core/zlib';
import { IthcError } from '../../core/errors';
import { numberIn, codeIn, readDoc, section, tableAfter } from './markdown';

/** Every object of bounds core exports, and the single-number bounds, by the name the table uses. */
const GROUPS: Record<string, Readonly<Record<string, number>>> = {
  DEFAULT_LIMITS: DEFAULT_LIMITS,
  ITHC_LIMITS,
  SEAL_LIMITS,
  DEFAULT_TRUST_LIST_LIMITS: DEFAULT_TRUST_LIST_LIMITS,
  DEFAULT_SOURCE_LIST_LIMITS: DEFAULT_SOURCE_LIST_LIMITS,
  SOURCE_ENTRY_LIMITS,
  DEFAULT_DSC_LIST_LIMITS: DEFAULT_DSC_LIST_LIMITS,
  RULE_LIMITS,
};
const SINGLES: Record<string, number> = {
  MAX_CANDIDATES,
  DEFAULT_TRUST_LIST_MAX_AGE,
  DEFAULT_SOURCE_LIST_MAX_AGE,
};

const SPEC = readDoc('ithc-certificate.md');
const LIMITS = section(SPEC, '## Limits');
const rows = tableAfter(LIMITS, '| bound |').map(([bound, value, constant]) => ({
  bound,
  value: numberIn(value),
  constant: codeIn(constant),
}));

function real(constant: string): number | undefined {
  const [group, key] = constant.split('.');
  return key === undefined ? SINGLES[group] : GROUPS[group]?.[key];
}

test('the table has a row for every bound core keeps, with its value', () => {
  const documented = new Map(rows.map((r) => [r.constant, r.value]));
  const kept = [...Object.entries(GROUPS).flatMap(([g, o]) => Object.entries(o).map(([k, v]) => [`${g}.${k}`, v] as const)), ...Object.entries(SINGLES)];
  expect(kept.length).toBeGreaterThan(25);
  for (const [name, value] of kept) expect([name, documented.get(name)]).toEqual([name, value]);
});

test('every row of the table is a bound core keeps, with the value it has', () => {
  expect(new Set(rows.map((r) => r.constant)).size).toBe(rows.length);
  for (const r of rows) expect([r.constant, r.value]).toEqual([r.constant, real(r.constant)]);
});

test('the numbers that follow from the first rows', () => {
  // "the base45 text of an ITHC1: code is at most N characters (…), which decode to at most M bytes"
  const m =
    /base45 text of an `ITHC1:` code is at most ([\d,]+)\s+characters \(([\d,]+) less the (\d+) of the prefix\), which decode to at most ([\d,]+) bytes/.exec(
      LIMITS,
    );
  expect(m).not.toBeNull();
  const [chars, total, prefix, bytes] = m!.slice(1).map((x) => numberIn(x));
  expect(total).toBe(DEFAULT_LIMITS.maxCodeLength);
  expect(prefix).toBe('ITHC1:'.length);
  expect(chars).toBe(DEFAULT_LIMITS.maxCodeLength - 'ITHC1:'.length);
  // RFC 9285: three characters per two bytes, a last pair of characters for one byte.
  expect(bytes).toBe(Math.floor(chars / 3) * 2 + (chars % 3 === 2 ? 1 : 0));
  const depth = /an item nested\s+(\d+) levels deep and a value of ([\d,]+) items are refused, (\d+) levels and ([\d,]+) items are read/.exec(LIMITS);
  expect(depth).not.toBeNull();
  expect(depth!.slice(1).map((x) => numberIn(x))).toEqual([
    DEFAULT_LIMITS.maxCborDepth + 1,
    DEFAULT_LIMITS.maxCborItems + 1,
    DEFAULT_LIMITS.maxCborDepth,
    DEFAULT_LIMITS.maxCborItems,
  ]);
});

const sizeLimit = (f: () => unknown): string | undefined => {
  try {
    f();
    return undefined;
  } catch (e) {
    return e instanceof IthcError ? e.code : String(e);
  }
};

test('the code length, inflation and CBOR bounds hold as the table states them', () => {
  const row = (c: string) => rows.find((r) => r.constant === c)!.value;
  // A code: one character more than the bound is refused before any decoding.
  const maxCode = row('DEFAULT_LIMITS.maxCodeLength');
  expect(decodeStages('ITHC1:' + '0'.repeat(maxCode - 6)).error?.code).not.toBe('SIZE_LIMIT');
  expect(decodeStages('ITHC1:' + '0'.repeat(maxCode - 5)).error?.code).toBe('SIZE_LIMIT');
  // Inflation: exactly the bound is read, one byte more is refused.
  const maxInflated = row('DEFAULT_LIMITS.maxInflatedBytes');
  expect(inflate(new Uint8Array(deflateSync(Buffer.alloc(maxInflated))), DEFAULT_LIMITS.maxInflatedBytes).length).toBe(maxInflated);
  expect(sizeLimit(() => inflate(new Uint8Array(deflateSync(Buffer.alloc(maxInflated + 1))), DEFAULT_LIMITS.maxInflatedBytes))).toBe('SIZE_LIMIT');
  // Depth: n nested one-element arrays around 0 put the 0 n levels below the top item.
  const nested = (n: number) => Uint8Array.from([...Array(n).fill(0x81), 0x00]);
  const maxDepth = row('DEFAULT_LIMITS.maxCborDepth');
  expect(sizeLimit(() => checkWellFormed(nested(maxDepth)))).toBeUndefined();
  expect(sizeLimit(() => checkWellFormed(nested(maxDepth + 1)))).toBe('SIZE_LIMIT');
  // Items: an array of n − 1 zeros is n items with the array itself.
  const array = (n: number) => Uint8Array.from([0x99, (n - 1) >> 8, (n - 1) & 0xff, ...Array(n - 1).fill(0)]);
  const maxItems = row('DEFAULT_LIMITS.maxCborItems');
  expect(sizeLimit(() => checkWellFormed(array(maxItems)))).toBeUndefined();
  expect(sizeLimit(() => checkWellFormed(array(maxItems + 1)))).toBe('SIZE_LIMIT');
});

test("the numbers sealed-codes.md and trust-list.md repeat are the table's", () => {
  const sealed = section(readDoc('sealed-codes.md'), '## Opening');
  const opening =
    /a code of at most ([\d,]+) characters, CBOR\s+depth at most (\d+) and at most ([\d,]+) items; at most (\d+) recipients; a kid of at most (\d+) bytes/.exec(
      sealed,
    );
  expect(opening).not.toBeNull();
  expect(opening!.slice(1).map((x) => numberIn(x))).toEqual([
    DEFAULT_LIMITS.maxCodeLength,
    DEFAULT_LIMITS.maxCborDepth,
    DEFAULT_LIMITS.maxCborItems,
    SEAL_LIMITS.maxRecipients,
    SEAL_LIMITS.maxKidBytes,
  ]);
  expect(numberIn(/inflates past ([\d,]+) bytes/.exec(sealed)![1])).toBe(DEFAULT_LIMITS.maxInflatedBytes);
  expect(numberIn(/§Limits: at most\s+([\d,]+) bytes\)/.exec(section(readDoc('sealed-codes.md'), '### Content'))![1])).toBe(DEFAULT_LIMITS.maxInflatedBytes);

  const trust = readDoc('trust-list.md');
  const bounds = /Bounds first \([^)]*\): at most ([\d,]+) bytes \(16 MiB\), ([\d,]+) DSCs,\s+([\d,]+) revocation entries/.exec(trust);
  expect(bounds).not.toBeNull();
  expect(bounds!.slice(1).map((x) => numberIn(x))).toEqual([
    DEFAULT_TRUST_LIST_LIMITS.maxBytes,
    DEFAULT_TRUST_LIST_LIMITS.maxCertificates,
    DEFAULT_TRUST_LIST_LIMITS.maxRevocations,
  ]);
  expect(DEFAULT_TRUST_LIST_LIMITS.maxBytes).toBe(16 * 2 ** 20);
  const sources = /size \(at most ([\d,]+) bytes\s+\(32 MiB\), ([\d,]+)\s+sources\)/.exec(trust);
  expect(sources).not.toBeNull();
  expect(sources!.slice(1).map((x) => numberIn(x))).toEqual([DEFAULT_SOURCE_LIST_LIMITS.maxBytes, DEFAULT_SOURCE_LIST_LIMITS.maxSources]);
  expect(DEFAULT_SOURCE_LIST_LIMITS.maxBytes).toBe(32 * 2 ** 20);
  // Maximum ages the payload tables state as defaults.
  expect(numberIn(/default ([\d,]+): two days/.exec(trust)![1])).toBe(DEFAULT_TRUST_LIST_MAX_AGE);
  expect(numberIn(/default ([\d,]+): a week/.exec(trust)![1])).toBe(DEFAULT_SOURCE_LIST_MAX_AGE);
  // The source entry table: names 1–80, accreditation 1–120, codes up to 4,294,967,295.
  const entry = tableAfter(trust.slice(trust.indexOf('Each source:')), '| key | type | meaning |');
  const cell = (key: string) => entry.find((r) => r[0] === `\`${key}\``)![1];
  expect(cell('name')).toContain(`1–${SOURCE_ENTRY_LIMITS.maxName} characters`);
  expect(cell('nameLatin')).toContain(`1–${SOURCE_ENTRY_LIMITS.maxName} characters`);
  expect(cell('accreditation')).toContain(`1–${SOURCE_ENTRY_LIMITS.maxAccreditation} characters`);
  expect(cell('code')).toContain(`1 to ${SOURCE_ENTRY_LIMITS.maxCode.toLocaleString('en-US')}`);
});

test('the CDDL states the certificate bounds the table names', () => {
  const cddl = section(SPEC, '## The certificate in CDDL');
  expect(cddl).toContain(`[0*${ITHC_LIMITS.maxRecords} viral-test]`);
  expect(cddl).toContain(`[0*${ITHC_LIMITS.maxRecords} antibody-test]`);
  expect(cddl).toContain(`[0*${ITHC_LIMITS.maxRecords} vaccination]`);
  expect(cddl).toContain(`; 1 to ${ITHC_LIMITS.maxText} characters`);
  expect(cddl).toContain(`source-code = 1..${ITHC_LIMITS.maxCode}`);
  expect(cddl).toContain(`assay-code = 1..${ITHC_LIMITS.maxCode}`);
});
