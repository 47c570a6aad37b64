/**
 * Hostile input lines for `ithc verify -`, deterministic (seeded), none of which is a valid code:
 * garbage at every stage of the pipeline, oversize lines, decompression bombs, malformed CBOR and
 * COSE, wrong prefixes, invalid UTF-8 and control characters, and damaged valid codes.
 * Lines are Buffers so that invalid UTF-8 reaches the command as bytes.
 */
import { encodeBase45 } from '../../core/base45';
import { encodeStrict, Tag, type CborValue } from '../../core/cbor';
import { deflate } from '../../core/zlib';
import { encodeClaims } from '../../core/cwt';
import { encodeProtectedHeader } from '../../core/cose';
import { utf8Encode } from '../../core/bytes';
import { prng } from '../../bench/prng';

const B45 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
const hc1 = (bytes: Uint8Array): string => 'HC1:' + encodeBase45(deflate(bytes));
const cose = (prot: Uint8Array, unprot: Map<CborValue, CborValue>, payload: Uint8Array, sig: Uint8Array): Uint8Array =>
  encodeStrict(new Tag([prot, unprot, payload, sig], 18));
const claims = encodeClaims({ iss: 'XX', iat: 1_900_000_000, exp: 1_900_100_000, dcc: new Map([['ver', '1.3.0']]) });
const sig = new Uint8Array(64).fill(7);

/** Structurally broken codes, one per kind, each reaching a different stage. */
function structural(): string[] {
  const deep = new Uint8Array(5000).fill(0x81); // [[[[...
  deep[deep.length - 1] = 0x00;
  const many = new Uint8Array([0x9a, 0x7f, 0xff, 0xff, 0xff]); // array claiming 2^31 items
  const longLen = new Uint8Array([0x5b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]); // bytes of length 2^64-1
  return [
    hc1(deep),
    hc1(many),
    hc1(longLen),
    hc1(new Uint8Array([0xff])),
    hc1(new Uint8Array([0x1c])), // reserved additional information
    hc1(encodeStrict(new Tag(new Map(), 18))),
    hc1(encodeStrict(new Tag([1, 2, 3, 4], 18))),
    hc1(encodeStrict(new Tag([new Uint8Array(0), new Map(), new Uint8Array(0)], 18))),
    hc1(encodeStrict(new Tag(new Tag([new Uint8Array(0), new Map(), claims, sig], 99), 18))),
    hc1(cose(new Uint8Array(0), new Map(), claims, sig)), // no alg anywhere
    hc1(cose(encodeProtectedHeader(-999, new Uint8Array(8)), new Map(), claims, sig)), // unknown alg
    hc1(cose(encodeStrict(new Map<CborValue, CborValue>([[1, -7]])), new Map(), claims, sig)), // no kid
    hc1(
      cose(
        encodeStrict(
          new Map<CborValue, CborValue>([
            [1, -7],
            [4, 'text kid'],
          ]),
        ),
        new Map(),
        claims,
        sig,
      ),
    ), // kid not bytes
    hc1(cose(encodeProtectedHeader(-7, new Uint8Array(8)), new Map(), encodeStrict(new Map<CborValue, CborValue>([[1, 'XX']])), sig)), // no hcert
    hc1(cose(encodeProtectedHeader(-7, new Uint8Array(8)), new Map(), utf8Encode('not cbor at all'), sig)),
    hc1(cose(encodeProtectedHeader(-7, new Uint8Array(8)), new Map(), claims, new Uint8Array(3))),
    hc1(cose(encodeProtectedHeader(-37, new Uint8Array(8)), new Map(), claims, sig)), // PS256, unknown kid
    // Decompression bombs: one under the code-length limit (refused while inflating), one over it.
    hc1(new Uint8Array(5_000_000)),
    hc1(new Uint8Array(20_000_000)),
    // Uncompressed COSE, which HCERT forbids.
    'HC1:' + encodeBase45(cose(encodeProtectedHeader(-7, new Uint8Array(8)), new Map(), claims, sig)),
    // The right structure under the wrong prefix, and a sealed code nobody can open here.
    'ITHC1:' + hc1(cose(encodeProtectedHeader(-7, new Uint8Array(8)), new Map(), claims, sig)).slice(4),
    'ITHCS1:' + encodeBase45(deflate(new Uint8Array(100).fill(1))),
  ];
}

export function hostileLines(count: number, damaged: readonly string[], seed = 1): Buffer[] {
  const rnd = prng(seed);
  const int = (n: number): number => Math.floor(rnd() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  const fixed = structural();
  const makers: Array<() => string | Buffer> = [
    () => '',
    () => ' \t ',
    () => Array.from({ length: 1 + int(200) }, () => String.fromCharCode(32 + int(95))).join(''),
    () =>
      Array.from({ length: 1 + int(100) }, () => String.fromCharCode(int(32)))
        .join('')
        .replace(/\n/g, ' '),
    () => Buffer.from(Array.from({ length: 1 + int(300) }, () => 0x80 + int(128))), // invalid UTF-8
    () => 'HC1:' + Array.from({ length: int(600) }, () => B45[int(45)]).join(''),
    () => 'HC1:' + encodeBase45(new Uint8Array(Array.from({ length: int(400) }, () => int(256)))),
    () => hc1(new Uint8Array(Array.from({ length: 1 + int(400) }, () => int(256)))),
    () => pick(fixed),
    () =>
      pick([
        'hc1:',
        'HC1',
        'HC2:',
        'HC1:HC1:',
        'ITHC1:',
        'ITHCS1:',
        'ITHC9:ABC',
        '{"valid":true}',
        '"\\u0000',
        '\u2028HC1:',
        '证书:二维码',
        '🦠HC1:',
        '\u202eHC1:',
        'HC1:AB\u0085CD',
        'HC1:A\u202eBC',
        'HC1:\u009b31m',
      ]),
    () => {
      const code = pick(damaged);
      return code.slice(0, int(code.length));
    },
    () => {
      const code = pick(damaged);
      const i = 4 + int(code.length - 4);
      let c = B45[int(45)];
      while (c === code[i]) c = B45[int(45)];
      return code.slice(0, i) + c + code.slice(i + 1);
    },
    () => 'HC1:' + 'A'.repeat(10_000 + int(10_000)),
    () => 'x'.repeat(200_000),
  ];
  const out: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    // Every structural case and every kind at least once, then at random.
    const v = i < fixed.length ? fixed[i] : i - fixed.length < makers.length ? makers[i - fixed.length]() : pick(makers)();
    out.push(Buffer.isBuffer(v) ? v : Buffer.from(v));
  }
  return out;
}
