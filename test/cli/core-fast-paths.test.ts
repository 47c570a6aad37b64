/**
 * The core's batch-verification fast paths (made for `ithc verify -` throughput) must behave exactly
 * as the straightforward code they replaced: Sig_structure assembled by hand, base45 decoded
 * without a closure per character, JSON conversion without defineProperty per key, and inflation
 * in one shot for small inputs (which the CLI uses too).
 */
import fc from 'fast-check';
import { zlibSync } from 'fflate';
import { sigStructure } from '../../core/cose';
import { encodeStrict, toJsonValue } from '../../core/cbor';
import { decodeBase45, encodeBase45 } from '../../core/base45';
import { inflate } from '../../core/zlib';
import { IthcError } from '../../core/errors';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';

/** The plain decoder (RFC 9285 §4.2), for comparison. */
function referenceBase45(s: string): Uint8Array {
  if (s.length % 3 === 1) throw new IthcError('BASE45_INVALID', `base45 text has an impossible length (${s.length})`);
  const digit = (k: number): number => {
    const v = ALPHABET.indexOf(s[k]);
    if (v < 0) throw new IthcError('BASE45_INVALID', `character ${JSON.stringify(s[k])} at position ${k} is not base45`);
    return v;
  };
  const out: number[] = [];
  let i = 0;
  for (; i + 2 < s.length; i += 3) {
    const n = digit(i) + digit(i + 1) * 45 + digit(i + 2) * 2025;
    if (n > 0xffff) throw new IthcError('BASE45_INVALID', `base45 group at position ${i} exceeds two bytes`);
    out.push(n >> 8, n & 0xff);
  }
  if (s.length % 3 === 2) {
    const n = digit(i) + digit(i + 1) * 45;
    if (n > 0xff) throw new IthcError('BASE45_INVALID', `base45 tail at position ${i} exceeds one byte`);
    out.push(n);
  }
  return new Uint8Array(out);
}

function outcome(f: () => Uint8Array): { bytes?: number[]; error?: string } {
  try {
    return { bytes: [...f()] };
  } catch (e) {
    return { error: e instanceof IthcError ? `${e.code}: ${e.message}` : `not an IthcError: ${String(e)}` };
  }
}

describe('sigStructure', () => {
  it('is byte for byte the strict encoding of ["Signature1", protected, aad, payload] at every head size', () => {
    const sizes = [0, 1, 23, 24, 255, 256, 65535, 65536, 70000];
    for (const a of sizes) {
      for (const c of sizes) {
        const prot = new Uint8Array(a).map((_, i) => i * 7);
        const payload = new Uint8Array(c).map((_, i) => i * 13);
        for (const aad of [new Uint8Array(0), new Uint8Array(30).fill(5)]) {
          expect({
            a,
            c,
            aad: aad.length,
            same: Buffer.from(sigStructure(prot, payload, aad)).equals(Buffer.from(encodeStrict(['Signature1', prot, aad, payload]))),
          }).toEqual({ a, c, aad: aad.length, same: true });
        }
      }
    }
  });
});

describe('decodeBase45', () => {
  it('agrees with the plain decoder on valid text, including every error position and message', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const text = encodeBase45(bytes);
        expect(outcome(() => decodeBase45(text))).toEqual({ bytes: [...bytes] });
      }),
    );
    const chars = fc.constantFrom(...ALPHABET, 'a', 'é', '\u0000', '\uffff', '😀', '_');
    fc.assert(
      fc.property(fc.array(chars, { maxLength: 30 }), (list) => {
        const text = list.join('');
        expect(outcome(() => decodeBase45(text))).toEqual(outcome(() => referenceBase45(text)));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('toJsonValue', () => {
  it('keeps "__proto__" as an own key without touching the prototype, and converts the rest as before', () => {
    const m = new Map<unknown, unknown>([
      ['__proto__', new Map([['polluted', true]])],
      ['constructor', 'c'],
      [1, 'one'],
      ['nested', new Map([['__proto__', 2]])],
    ]);
    const o = toJsonValue(m) as Record<string, unknown>;
    expect(Object.getPrototypeOf(o)).toBe(Object.prototype);
    expect(Object.keys(o)).toEqual(['1', '__proto__', 'constructor', 'nested']);
    expect(JSON.parse(JSON.stringify(o))).toEqual(JSON.parse('{"1":"one","__proto__":{"polluted":true},"constructor":"c","nested":{"__proto__":2}}'));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('inflate', () => {
  const MAX = 64 * 1024;
  const code = (f: () => unknown): string => {
    try {
      f();
      return 'ok';
    } catch (e) {
      return e instanceof IthcError ? e.code : `not an IthcError: ${String(e)}`;
    }
  };

  it('round-trips any data up to the limit, on the one-shot (small input) and the streaming path', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.boolean(), (data, compressible) => {
        const input = compressible ? data.map((b) => b & 3) : data;
        const z = zlibSync(input, { level: 6 });
        expect(Buffer.from(inflate(z, MAX)).equals(Buffer.from(input))).toBe(true);
      }),
    );
  });

  it('takes exactly maxBytes and refuses one more, whichever path the input takes', () => {
    for (const level of [9, 0] as const) {
      // level 9 compresses to a few bytes (one-shot path); level 0 stores 64 KB (streaming path).
      const exact = zlibSync(new Uint8Array(MAX).fill(7), { level });
      const over = zlibSync(new Uint8Array(MAX + 1).fill(7), { level });
      expect({ level, small: exact.length <= 1024, exact: code(() => inflate(exact, MAX)), over: code(() => inflate(over, MAX)) }).toEqual({
        level,
        small: level === 9,
        exact: 'ok',
        over: 'SIZE_LIMIT',
      });
    }
  });

  it('stops bombs and refuses corrupt or truncated streams with typed errors', () => {
    const smallBomb = zlibSync(new Uint8Array(1_000_000), { level: 9 });
    const bigBomb = zlibSync(new Uint8Array(8_000_000), { level: 9 });
    expect([smallBomb.length <= 1024, bigBomb.length > 1024]).toEqual([true, true]);
    expect(code(() => inflate(smallBomb, MAX))).toBe('SIZE_LIMIT');
    expect(code(() => inflate(bigBomb, MAX))).toBe('SIZE_LIMIT');
    const good = zlibSync(new TextEncoder().encode('a health certificate '.repeat(20)));
    const badSum = good.slice();
    badSum[badSum.length - 1] ^= 1;
    expect(code(() => inflate(badSum, MAX))).toBe('ZLIB_INVALID');
    for (let n = 0; n < good.length; n++) expect({ n, code: code(() => inflate(good.subarray(0, n), MAX)) }).toEqual({ n, code: 'ZLIB_INVALID' });
    // A stored block longer than the limit (one-shot path): refused by size, not mistaken for corruption.
    expect(code(() => inflate(zlibSync(new Uint8Array(500).fill(1), { level: 0 }), 100))).toBe('SIZE_LIMIT');
  });
});
