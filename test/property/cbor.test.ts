/**
 * Strict CBOR (what we sign) by property: decode(encode(v)) = v; deterministic encoding in the sense
 * of RFC 8949 §4.2.1 (map keys in bytewise order of their encodings, shortest heads); bytes stable
 * under any permutation of map entries; re-encoding a decoded value gives the same bytes.
 */
import fc from 'fast-check';
import { checkWellFormed, decodeLenient, encodeStrict, type CborValue } from '../../core/cbor';
import { IthcError } from '../../core/errors';
import { toHex } from '../../core/bytes';

/** Integers around every head-size boundary, and arbitrary safe integers. */
const boundaryInts = [0, 1, 23, 24, 255, 256, 65535, 65536, 2 ** 32 - 1, 2 ** 32, Number.MAX_SAFE_INTEGER - 1, Number.MAX_SAFE_INTEGER]
  .flatMap((n) => [n, -n, -n - 1])
  .filter(Number.isSafeInteger);
const int = fc.oneof(fc.constantFrom(...boundaryInts), fc.integer(), fc.maxSafeInteger());
const text = fc.string({ unit: 'binary', maxLength: 40 });
const key = fc.oneof(int, text);

const { value: cborValue } = fc.letrec<{ value: CborValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    int,
    text,
    fc.uint8Array({ maxLength: 40 }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 5 }),
    fc
      .uniqueArray(fc.tuple(key, tie('value')), { maxLength: 6, selector: ([k]) => `${typeof k}:${String(k)}` })
      .map((entries) => new Map<CborValue, CborValue>(entries)),
  ),
}));

/** A comparable plain form: byte strings as hex, maps as entry lists, bigints as numbers when safe. */
function plain(v: unknown): unknown {
  // -0 is the integer 0 on the wire (CBOR integers have no sign of zero).
  if (Object.is(v, -0)) return 0;
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : `${v}n`;
  if (v instanceof Uint8Array) return { bytes: toHex(v) };
  if (Array.isArray(v)) return v.map(plain);
  // Entry order is not part of a map's value (the encoder sorts them): compare sorted by key.
  if (v instanceof Map)
    return { map: [...v.entries()].map(([k, x]) => [plain(k), plain(x)]).sort((a, b) => (JSON.stringify(a[0]) < JSON.stringify(b[0]) ? -1 : 1)) };
  return v;
}

/** The same value with every map's entries reordered by a seeded shuffle. */
function permuted(v: CborValue, seed: number): CborValue {
  let s = seed >>> 0 || 1;
  const next = (): number => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
  const walk = (x: CborValue): CborValue => {
    if (Array.isArray(x)) return x.map(walk);
    if (x instanceof Map) {
      const entries = [...x.entries()].map(([k, y]) => [k, walk(y)] as [CborValue, CborValue]);
      for (let i = entries.length - 1; i > 0; i--) {
        const j = next() % (i + 1);
        [entries[i], entries[j]] = [entries[j], entries[i]];
      }
      return new Map(entries);
    }
    return x;
  };
  return walk(v);
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** Every map in a decoded value (cbor-x keeps the encoded order) has strictly ascending encoded keys. */
function keysSorted(v: unknown): boolean {
  if (Array.isArray(v)) return v.every(keysSorted);
  if (v instanceof Map) {
    const keys = [...v.keys()].map((k) => encodeStrict(k as CborValue));
    for (let i = 1; i < keys.length; i++) if (compareBytes(keys[i - 1], keys[i]) >= 0) return false;
    return [...v.values()].every(keysSorted);
  }
  return true;
}

/** RFC 8949 §3: the head of an argument takes 1, 2, 3, 5 or 9 bytes. */
function headSize(arg: number): number {
  return arg < 24 ? 1 : arg < 256 ? 2 : arg < 65536 ? 3 : arg < 2 ** 32 ? 5 : 9;
}

describe('strict CBOR properties', () => {
  test('decode(encode(v)) = v', () => {
    fc.assert(
      fc.property(cborValue, (v) => {
        expect(plain(decodeLenient(encodeStrict(v), { maxCborDepth: 64, maxCborItems: 100000 }))).toEqual(plain(v));
      }),
      { numRuns: 500 },
    );
  });

  test('map keys are in bytewise order of their encodings', () => {
    fc.assert(
      fc.property(cborValue, (v) => {
        expect(keysSorted(decodeLenient(encodeStrict(v), { maxCborDepth: 64, maxCborItems: 100000 }))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  test('the bytes do not depend on the order in which map entries were inserted', () => {
    fc.assert(
      fc.property(cborValue, fc.integer(), (v, seed) => {
        expect(toHex(encodeStrict(permuted(v, seed)))).toBe(toHex(encodeStrict(v)));
      }),
      { numRuns: 500 },
    );
  });

  test('re-encoding what was decoded gives the same bytes', () => {
    fc.assert(
      fc.property(cborValue, (v) => {
        const bytes = encodeStrict(v);
        expect(toHex(encodeStrict(decodeLenient(bytes, { maxCborDepth: 64, maxCborItems: 100000 })))).toBe(toHex(bytes));
      }),
      { numRuns: 500 },
    );
  });

  test('a map of more distinct keys than the encoder keeps the encodings of is still in order, whichever order it was built in', () => {
    // core/cbor.ts keeps the encodings of the first 1,024 number and text keys it sorts by: these
    // 3,000 of each, in any order, sort the same on both sides of that table's end.
    const texts = Array.from({ length: 3000 }, (_, i) => `key-${String(i).padStart(5, '0')}`);
    const numbers = Array.from({ length: 3000 }, (_, i) => i * 7919 - 5_000_000);
    const map = new Map<CborValue, CborValue>([...texts, ...numbers].map((k) => [k, typeof k]));
    const limits = { maxCborDepth: 4, maxCborItems: 100_000 };
    for (const seed of [1, 2]) {
      const decoded = decodeLenient(encodeStrict(permuted(map, seed)), limits) as Map<CborValue, CborValue>;
      expect(keysSorted(decoded)).toBe(true);
      // Non-negative integers first (major type 0), then negative ones, then text: each in its own order.
      const positives = numbers.filter((n) => n >= 0).sort((a, b) => a - b);
      const negatives = numbers.filter((n) => n < 0).sort((a, b) => b - a);
      expect([...decoded.keys()]).toEqual([...positives, ...negatives, ...texts]);
    }
  });

  test('-0 is written as the integer 0', () => {
    expect(toHex(encodeStrict(-0))).toBe('00');
  });

  test('integers, strings, arrays and maps use the shortest head', () => {
    fc.assert(
      fc.property(int, (n) => {
        expect(encodeStrict(n).length).toBe(headSize(n >= 0 ? n : -1 - n));
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.nat({ max: 70000 }), (len) => {
        expect(encodeStrict(new Uint8Array(len)).length).toBe(headSize(len) + len);
        expect(encodeStrict('a'.repeat(len)).length).toBe(headSize(len) + len);
      }),
      { numRuns: 60 },
    );
    fc.assert(
      fc.property(fc.nat({ max: 300 }), (n) => {
        expect(encodeStrict(new Array<CborValue>(n).fill(0)).length).toBe(headSize(n) + n);
        const m = new Map<CborValue, CborValue>(Array.from({ length: n }, (_, i) => [i, 0] as [CborValue, CborValue]));
        expect(encodeStrict(m).length).toBe(headSize(n) + Array.from({ length: n }, (_, i) => headSize(i) + 1).reduce((a, b) => a + b, 0));
      }),
      { numRuns: 60 },
    );
  });

  test('floats, undefined and plain objects are refused as caller misuse (TypeError)', () => {
    fc.assert(
      fc.property(fc.double({ noInteger: true }), (x) => {
        expect(() => encodeStrict(x)).toThrow(TypeError);
      }),
      { numRuns: 100 },
    );
    expect(() => encodeStrict(undefined)).toThrow(TypeError);
    expect(() => encodeStrict({ a: 1 } as unknown as CborValue)).toThrow(TypeError);
  });
});

describe('text strings in untrusted CBOR', () => {
  const fatal = new TextDecoder('utf-8', { fatal: true });
  const head = (n: number): number[] => (n < 24 ? [0x60 | n] : n < 256 ? [0x78, n] : [0x79, n >> 8, n & 0xff]);
  const accepted = (bytes: Uint8Array): boolean => {
    try {
      checkWellFormed(new Uint8Array([...head(bytes.length), ...bytes]));
      return true;
    } catch (e) {
      expect(e).toBeInstanceOf(IthcError);
      expect((e as IthcError).code).toBe('CBOR_INVALID');
      return false;
    }
  };
  const utf8ish = fc.uint8Array({ maxLength: 12 }).map((b) => b.map((x, i) => (i % 2 ? 0x80 | (x & 0x3f) : x)));

  test('are accepted exactly when they are UTF-8 (as a fatal TextDecoder judges)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 12 }),
          utf8ish,
          fc.string({ unit: 'binary', maxLength: 12 }).map((s) => new TextEncoder().encode(s)),
        ),
        (bytes) => {
          let valid = true;
          try {
            fatal.decode(bytes);
          } catch {
            valid = false;
          }
          expect(accepted(bytes)).toBe(valid);
        },
      ),
      { numRuns: 5000 },
    );
  });
});
