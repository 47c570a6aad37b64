/**
 * Base45 (RFC 9285) by property: round trip, exact output alphabet and length, and a decoder that on
 * any string either returns bytes that re-encode to that very string (the encoding is unique) or
 * fails with IthcError BASE45_INVALID, never with anything else.
 */
import fc from 'fast-check';
import { decodeBase45, encodeBase45 } from '../../core/base45';
import { IthcError } from '../../core/errors';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';

/** decodeBase45 as a total function: bytes, or the error code it failed with. */
function decodeOutcome(s: string): { bytes: Uint8Array } | { code: string } {
  try {
    return { bytes: decodeBase45(s) };
  } catch (e) {
    if (!(e instanceof IthcError)) throw e;
    return { code: e.code };
  }
}

describe('base45 properties', () => {
  test('decode(encode(bytes)) = bytes, in the alphabet and at the RFC 9285 length', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), (bytes) => {
        const s = encodeBase45(bytes);
        expect(s.length).toBe(Math.floor(bytes.length / 2) * 3 + (bytes.length % 2) * 2);
        for (const ch of s) expect(ALPHABET).toContain(ch);
        expect(decodeBase45(s)).toEqual(bytes);
      }),
      { numRuns: 300 },
    );
  });

  test('any string: bytes that re-encode to it, or BASE45_INVALID', () => {
    const anyString = fc.string({ unit: 'binary', maxLength: 200 });
    // Mostly-alphabet strings reach the group-overflow checks (a triple above 65535, a pair above 255).
    const alphabetString = fc.string({ unit: fc.constantFrom(...ALPHABET), maxLength: 200 });
    const nearlyAlphabet = fc.string({
      unit: fc.oneof(
        { weight: 20, arbitrary: fc.constantFrom(...ALPHABET) },
        { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
      ),
      maxLength: 200,
    });
    let decoded = 0;
    let refused = 0;
    fc.assert(
      fc.property(fc.oneof(anyString, alphabetString, nearlyAlphabet), (s) => {
        const r = decodeOutcome(s);
        if ('bytes' in r) {
          decoded++;
          expect(encodeBase45(r.bytes)).toBe(s);
        } else {
          refused++;
          expect(r.code).toBe('BASE45_INVALID');
        }
      }),
      { numRuns: 2000 },
    );
    // Both branches were exercised (else the property says little).
    expect(decoded).toBeGreaterThan(50);
    expect(refused).toBeGreaterThan(50);
  });

  test('the boundaries of a group: 65535 decodes, 65536 does not; 255 in a pair decodes, 256 does not', () => {
    // Values written as base45 digits (least significant first), derived, not copied.
    const digits = (n: number, count: number): string => Array.from({ length: count }, (_, i) => ALPHABET[Math.floor(n / 45 ** i) % 45]).join('');
    expect(decodeBase45(digits(65535, 3))).toEqual(new Uint8Array([0xff, 0xff]));
    expect(decodeOutcome(digits(65536, 3))).toEqual({ code: 'BASE45_INVALID' });
    expect(decodeBase45(digits(255, 2))).toEqual(new Uint8Array([0xff]));
    expect(decodeOutcome(digits(256, 2))).toEqual({ code: 'BASE45_INVALID' });
    expect(decodeOutcome('A')).toEqual({ code: 'BASE45_INVALID' });
  });
});
