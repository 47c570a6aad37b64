/**
 * ITHC1's zlib preset dictionary (core/ithc-dictionary.ts, docs/ithc-certificate.md "Layers"):
 * frozen — its DICTID is the one the specification states —, used by every ITHC1 code we sign and
 * by no HC1 code, and a stream asking for any other dictionary is refused by name.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeBase45 } from '../../core/base45';
import { IthcError } from '../../core/errors';
import { ITHC_DICTIONARY } from '../../core/ithc-dictionary';
import { deflate, dictionaryId, inflate } from '../../core/zlib';

const spec = readFileSync(join(__dirname, '../../docs/ithc-certificate.md'), 'utf8');
const vectors = JSON.parse(readFileSync(join(__dirname, '../golden/vectors.json'), 'utf8')).cases as Array<{ NAME: string; PREFIX: string; COSE: string }>;

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
    return undefined;
  } catch (e) {
    return e instanceof IthcError ? e.code : String(e);
  }
}

test('the dictionary is the one the specification names (its Adler-32, the DICTID of every ITHC1 code)', () => {
  const stated = /Its\s+Adler-32, `([0-9a-f]{8})`, is the DICTID/.exec(spec.replace(/\n/g, ' '));
  expect(stated).not.toBeNull();
  expect(dictionaryId(ITHC_DICTIONARY).toString(16).padStart(8, '0')).toBe(stated![1]);
  // Within deflate's 32 KiB window, as a preset dictionary must be to be used whole.
  expect(ITHC_DICTIONARY.length).toBeLessThanOrEqual(32768);
});

test.each(vectors.map((v) => [v.NAME, v] as const))('golden vector %s: its zlib header names the dictionary, and inflating gives its COSE_Sign1', (_name, v) => {
  const z = decodeBase45(v.PREFIX.slice('ITHC1:'.length));
  expect(z[1] & 0x20).toBe(0x20);
  expect(((z[2] << 24) | (z[3] << 16) | (z[4] << 8) | z[5]) >>> 0).toBe(dictionaryId(ITHC_DICTIONARY));
  expect(Buffer.from(inflate(z, 65536, ITHC_DICTIONARY)).toString('hex')).toBe(v.COSE);
});

test('a stream that needs the dictionary is refused without it, and one that needs another is refused by its DICTID', () => {
  const cose = Buffer.from(vectors[0].COSE, 'hex');
  const z = deflate(cose, ITHC_DICTIONARY);
  expect(codeOf(() => inflate(z, 65536))).toBe('ZLIB_INVALID');
  const other = new TextEncoder().encode('some other dictionary');
  const zOther = deflate(cose, other);
  expect(codeOf(() => inflate(zOther, 65536, ITHC_DICTIONARY))).toBe('ZLIB_INVALID');
  expect(() => inflate(zOther, 65536, ITHC_DICTIONARY)).toThrow(new RegExp(dictionaryId(other).toString(16).padStart(8, '0')));
  // A stream without a dictionary still inflates where one is allowed: the header says which.
  expect(Buffer.from(inflate(deflate(cose), 65536, ITHC_DICTIONARY)).equals(cose)).toBe(true);
});

test('the dictionary shortens what it is for: the demo-like Chinese institution text', () => {
  const text = new TextEncoder().encode('北京市朝阳区疾病预防控制中心核酸检测实验室北京市海淀医院检验科National Health Commission of the PRC');
  expect(deflate(text, ITHC_DICTIONARY).length).toBeLessThan(deflate(text).length - 40);
});
