/**
 * Hostile input for the verifier. Whatever the text, verifyCode returns a Verdict (never throws),
 * the verdict is invalid, carries at least one error, every error code is one of ERROR_CODES, and
 * none came through the catch-all that turns an unexpected library exception into CBOR_INVALID
 * ("malformed input (…)"): each refusal is one the decoder meant. Where the refusing stage is
 * known, the code is asserted. Payload-level attacks are signed with a key made at run time, so they
 * get past the signature to the code that reads authentic claims.
 */
import fc from 'fast-check';
import { generateKeyPairSync } from 'node:crypto';
import { Zlib, zlibSync } from 'fflate';
import { encodeBase45 } from '../../core/base45';
import { concatBytes, fromHex, toHex } from '../../core/bytes';
import { Tag, encodeStrict, type CborValue } from '../../core/cbor';
import { encodeCoseSign1, encodeProtectedHeader, sigStructure } from '../../core/cose';
import { dccToCbor } from '../../core/dcc';
import { validateDccSchema } from '../../core/dcc-schema';
import { ERROR_CODES, type ErrorCode } from '../../core/errors';
import { decodeStages, signCode, verifyCode, type Verdict } from '../../core/hcert';
import { KeyStore, type TrustedKey } from '../../core/keys';
import { DEFAULT_LIMITS } from '../../core/limits';
import { publicKeyFromSpki } from '../../core/x509';
import { deflate } from '../../core/zlib';
import { nodeCrypto } from '../../node/crypto-node';
import { nodeEs256Signer } from '../../server/keys/es256-signer';
import { sampleDcc } from '../../bench/fixtures';

const NOW = 1_700_000_000;
const KID = new Uint8Array([0xde, 0xad, 0xbe, 0xef, 0, 1, 2, 3]);
const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const signer = nodeEs256Signer(new Uint8Array(pair.privateKey.export({ type: 'pkcs8', format: 'der' })));
const trusted: TrustedKey = { kid: KID, key: publicKeyFromSpki(new Uint8Array(pair.publicKey.export({ type: 'spki', format: 'der' }))), country: 'CN' };
const keys = new KeyStore([trusted]);
const opts = { keys, now: NOW, crypto: nodeCrypto, validateDccSchema };

const DCC = sampleDcc(2, 'CN');

const KNOWN: ReadonlySet<string> = new Set(ERROR_CODES);

/** A clean refusal: a Verdict, invalid, with known codes, none from the catch-all; returns the codes. */
async function refused(code: string, limits?: Parameters<typeof verifyCode>[1]['limits']): Promise<ErrorCode[]> {
  let v: Verdict;
  try {
    v = await verifyCode(code, { ...opts, limits });
  } catch (e) {
    throw new Error(`verifyCode threw on hostile input ${JSON.stringify(code.slice(0, 80))}: ${String(e)}`);
  }
  const codes = v.errors.map((e) => e.code);
  expect({ input: code.slice(0, 60), valid: v.valid, certificate: v.certificate }).toEqual({
    input: code.slice(0, 60),
    valid: false,
    certificate: v.signer ? v.certificate : null,
  });
  expect(codes.length).toBeGreaterThan(0);
  for (const e of v.errors) {
    expect({ code: e.code, known: KNOWN.has(e.code), catchAll: e.message.startsWith('malformed input (') }).toEqual({
      code: e.code,
      known: true,
      catchAll: false,
    });
    expect(typeof e.message).toBe('string');
  }
  return codes;
}

/** COSE bytes → an HC1 code, as an attacker would print it. */
const wrap = (cose: Uint8Array): string => 'HC1:' + encodeBase45(deflate(cose));
const hex = (h: string): Uint8Array => fromHex(h.replace(/\s+/g, ''));

/** A COSE_Sign1 over arbitrary claim bytes, really signed with the trusted key. */
async function signedClaims(claims: Uint8Array, protectedHeader = encodeProtectedHeader(-7, KID)): Promise<Uint8Array> {
  const signature = await signer.sign(sigStructure(protectedHeader, claims));
  return encodeCoseSign1(protectedHeader, claims, signature);
}

/** Claims {1: iss, 4: exp, 6: iat, -260: {1: dcc}} with a DCC of our choosing (any CBOR value). */
function claimsWith(dcc: CborValue, extra: [CborValue, CborValue][] = []): Uint8Array {
  return encodeStrict(new Map<CborValue, CborValue>([[1, 'CN'], [4, NOW + 1000], [6, NOW - 1000], [-260, new Map([[1, dcc]])], ...extra]));
}

let valid: Awaited<ReturnType<typeof signCode>>;
beforeAll(async () => {
  valid = await signCode({ format: 'dcc', content: dccToCbor(DCC), iss: 'CN', iat: NOW - 1000, exp: NOW + 1000, kid: KID, signer });
  // The baseline is valid, so each refusal below is caused by what the test changed.
  const v = await verifyCode(valid.code, opts);
  expect(v.errors).toEqual([]);
  expect(v.valid).toBe(true);
});

describe('hostile codes: text', () => {
  test('every truncation of a valid code is refused cleanly', async () => {
    for (let n = 0; n < valid.code.length; n++) await refused(valid.code.slice(0, n));
  });

  test('every single-character substitution in the base45 text is refused cleanly', async () => {
    const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
    const signed = toHex(decodeStages(valid.code).cose!);
    let unchanged = 0;
    for (let i = 4; i < valid.code.length; i++) {
      const c = valid.code[i];
      const other = alphabet[(alphabet.indexOf(c) + 1 + (i % 44)) % 45];
      const changed = valid.code.slice(0, i) + other + valid.code.slice(i + 1);
      // A change that falls in the padding bits of deflate's last byte, which inflate ignores,
      // leaves every signed byte as it was: that code is the original one, and may verify. (The
      // signature is made afresh each run, so whether a run meets such a position varies.)
      const stages = decodeStages(changed);
      if (stages.cose && toHex(stages.cose) === signed) {
        unchanged++;
        continue;
      }
      await refused(changed);
    }
    expect(unchanged).toBeLessThan(4);
  });

  test('a code far longer than any QR holds is SIZE_LIMIT before any work', async () => {
    expect(await refused('HC1:' + '0'.repeat(10_000_000))).toEqual(['SIZE_LIMIT']);
    expect(await refused('HC1:' + '0'.repeat(DEFAULT_LIMITS.maxCodeLength - 3))).toEqual(['SIZE_LIMIT']);
  });

  test('prefixes that are not ours are PREFIX_UNKNOWN', async () => {
    const body = valid.code.slice(4);
    for (const p of ['', 'HC1', 'hc1:', 'HC2:', 'HL0:', '\u0000HC1:', 'ＨＣ１:', 'ITHC2:', 'ITHC:', 'HC1;']) {
      expect(await refused(p + body)).toEqual(['PREFIX_UNKNOWN']);
    }
    // Not a prefix of another kind: whitespace and zero-width characters a paste brings along are
    // not part of any code, and are dropped before the prefix is read (core/pasted.ts).
    for (const p of [' HC1:', 'HC1\u200b:', '\r\nHC1:']) expect((await verifyCode(p + body, opts)).valid).toBe(true);
    expect(await refused('')).toEqual(['PREFIX_UNKNOWN']);
    expect(await refused('\ud800\udfff'.repeat(100))).toEqual(['PREFIX_UNKNOWN']);
  });

  test('a code that is not a string is caller misuse: TypeError (untrusted text always arrives as a string)', async () => {
    for (const x of [undefined, null, 42, {}, [], Symbol('x'), new Uint8Array(4)]) {
      await expect(verifyCode(x as string, opts)).rejects.toThrow(TypeError);
    }
  });

  test('characters outside base45, and impossible lengths, are BASE45_INVALID', async () => {
    for (const body of ['a', 'AB', '€€€', 'ABCD', 'GGW', '::::', '\u0000\u0000\u0000', 'A\uD800B']) {
      expect(await refused('HC1:' + body)).toEqual(['BASE45_INVALID']);
    }
  });

  test('random text after any prefix is refused cleanly', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('HC1:', 'ITHC1:', 'ITHCS1:', ''), fc.string({ unit: 'binary', maxLength: 300 }), async (p, s) => {
        await refused(p + s);
      }),
      { numRuns: 500 },
    );
  });
});

describe('hostile codes: zlib', () => {
  test('uncompressed COSE, and garbage, are ZLIB_INVALID', async () => {
    const cose = await signedClaims(claimsWith(dccToCbor(DCC)));
    expect(await refused('HC1:' + encodeBase45(cose))).toEqual(['ZLIB_INVALID']);
    expect(await refused('HC1:' + encodeBase45(new Uint8Array([0x78, 0x9c, 1, 2, 3, 4, 5, 6])))).toEqual(['ZLIB_INVALID']);
    const z = deflate(cose);
    z[z.length - 1] ^= 1; // Adler-32 trailer
    expect(await refused('HC1:' + encodeBase45(z))).toEqual(['ZLIB_INVALID']);
    expect(await refused('HC1:' + encodeBase45(z.subarray(0, z.length - 6)))).toEqual(['ZLIB_INVALID']);
  });

  test('a decompression bomb that fits in a QR stops at the inflate limit: SIZE_LIMIT', async () => {
    const bomb = zlibSync(new Uint8Array(5 * 1024 * 1024), { level: 9 });
    const code = 'HC1:' + encodeBase45(bomb);
    expect(code.length).toBeLessThanOrEqual(DEFAULT_LIMITS.maxCodeLength);
    expect(await refused(code)).toEqual(['SIZE_LIMIT']);
  });

  test('zlib of 50 MB of zeros, let past the length limit, is SIZE_LIMIT without inflating it (bounded memory)', async () => {
    // Compressed in 1 MB steps so that making the bomb does not itself hold 50 MB.
    const parts: Uint8Array[] = [];
    const z = new Zlib({ level: 9 }, (chunk) => parts.push(chunk));
    const mb = new Uint8Array(1024 * 1024);
    for (let i = 0; i < 50; i++) z.push(mb, i === 49);
    const code = 'HC1:' + encodeBase45(concatBytes(...parts));
    const before = process.memoryUsage();
    const codes = await refused(code, { maxCodeLength: code.length });
    const after = process.memoryUsage();
    expect(codes).toEqual(['SIZE_LIMIT']);
    // Inflating it would need 50 MB at once; the verifier stops after 64 KB.
    expect(after.rss - before.rss).toBeLessThan(32 * 1024 * 1024);
    expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(32 * 1024 * 1024);
  });

  test('random bytes, compressed, are refused cleanly (fuzzing the CBOR and COSE readers)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 600 }), async (b) => {
        await refused(wrap(b));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('hostile codes: CBOR', () => {
  const cases: [string, string, ErrorCode][] = [
    ['byte string claiming 2^64-1 bytes', '5bffffffffffffffff', 'CBOR_INVALID'],
    ['text string claiming 2^32-1 bytes', '7affffffff', 'CBOR_INVALID'],
    ['array claiming 2^64-1 items', '9bffffffffffffffff00', 'CBOR_INVALID'],
    ['map claiming 2^32-1 pairs', 'baffffffff0000', 'CBOR_INVALID'],
    ['array claiming 1000 items, holding 3', '9903e8010203', 'CBOR_INVALID'],
    ['reserved additional information 28', '1c', 'CBOR_INVALID'],
    ['two-byte simple value below 32', 'f818', 'CBOR_INVALID'],
    ['a lone break', 'ff', 'CBOR_INVALID'],
    ['an indefinite array never closed', '9f0101', 'CBOR_INVALID'],
    ['an indefinite string with a chunk of the other type', '5f6161ff', 'CBOR_INVALID'],
    ['an indefinite string nested in one', '5f5f4101ffff', 'CBOR_INVALID'],
    ['an indefinite map with a key and no value', 'bf01ff', 'CBOR_INVALID'],
    ['indefinite length on an integer', '1f', 'CBOR_INVALID'],
    ['trailing bytes after the item', 'd28440a0404000', 'CBOR_INVALID'],
    ['invalid UTF-8 in a text string', '62fffe', 'CBOR_INVALID'],
    ['a UTF-16 surrogate encoded as UTF-8', '63eda080', 'CBOR_INVALID'],
    ['an overlong UTF-8 encoding of "/"', '62c0af', 'CBOR_INVALID'],
    ['invalid UTF-8 in an indefinite text string', '7f62fffeff', 'CBOR_INVALID'],
  ];
  test.each(cases)('%s is %s', async (_name, h, code) => {
    expect(await refused(wrap(hex(h)))).toEqual([code]);
  });

  test('10,000 levels of nesting (definite, indefinite, tags, maps) are SIZE_LIMIT', async () => {
    const deep = (open: number[], close: number[] = []): Uint8Array =>
      new Uint8Array([...Array.from({ length: 10_000 }, () => open).flat(), 0, ...Array.from({ length: 10_000 }, () => close).flat()]);
    expect(await refused(wrap(deep([0x81])))).toEqual(['SIZE_LIMIT']);
    expect(await refused(wrap(deep([0x9f], [0xff])))).toEqual(['SIZE_LIMIT']);
    expect(await refused(wrap(deep([0xd8, 0x20])))).toEqual(['SIZE_LIMIT']);
    expect(await refused(wrap(deep([0xa1, 0x00])))).toEqual(['SIZE_LIMIT']);
    // Inside the protected header and inside the signed payload too.
    const deepBytes = deep([0x81]);
    expect(await refused(wrap(encodeStrict(new Tag([deepBytes, new Map(), claimsWith('x'), new Uint8Array(64)], 18))))).toEqual(['SIZE_LIMIT']);
    expect(await refused(wrap(await signedClaims(deepBytes)))).toEqual(['SIZE_LIMIT']);
  });

  test('100,000 items in one indefinite array are SIZE_LIMIT', async () => {
    const many = new Uint8Array(100_002);
    many[0] = 0x9f;
    many[100_001] = 0xff;
    expect(await refused(wrap(many))).toEqual(['SIZE_LIMIT']);
  });

  test('random well-formed CBOR as the COSE message is refused cleanly', async () => {
    const { value } = fc.letrec<{ value: CborValue }>((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.integer(),
        fc.string({ maxLength: 10 }),
        fc.uint8Array({ maxLength: 70 }),
        fc.constant(null),
        fc.boolean(),
        fc.array(tie('value'), { maxLength: 5 }),
        fc
          .uniqueArray(fc.tuple(fc.oneof(fc.integer({ min: -300, max: 10 }), fc.string({ maxLength: 3 })), tie('value')), {
            maxLength: 5,
            selector: ([k]) => `${typeof k}${k}`,
          })
          .map((e) => new Map(e)),
        fc.tuple(fc.constantFrom(18, 61, 0, 1, 24, 55799), tie('value')).map(([t, v]) => new Tag(v, t)),
      ),
    }));
    await fc.assert(
      fc.asyncProperty(value, async (v) => {
        await refused(wrap(encodeStrict(v)));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('hostile codes: COSE and CWT structure', () => {
  // Parts of a message whose shape is right, to vary one at a time.
  const ph = encodeProtectedHeader(-7, KID);
  const claims = claimsWith(dccToCbor(DCC));
  const sig = new Uint8Array(64);
  const msg = (items: CborValue[], tags: number[] = [18]): Uint8Array => encodeStrict(tags.reduceRight<CborValue>((v, t) => new Tag(v, t), items));

  const structural: [string, ErrorCode, () => Uint8Array][] = [
    ['not an array', 'COSE_INVALID', () => msg([])],
    ['three items', 'COSE_INVALID', () => msg([ph, new Map(), claims])],
    ['five items', 'COSE_INVALID', () => msg([ph, new Map(), claims, sig, sig])],
    ['a map instead of an array', 'COSE_INVALID', () => encodeStrict(new Tag(new Map([[1, ph]]), 18))],
    ['tag 17 (COSE_Mac0)', 'COSE_INVALID', () => msg([ph, new Map(), claims, sig], [17])],
    ['tag 98 (COSE_Sign)', 'COSE_INVALID', () => msg([ph, new Map(), claims, sig], [98])],
    ['tag 61 alone', 'COSE_INVALID', () => msg([ph, new Map(), claims, sig], [61])],
    ['tag 18 three times', 'COSE_INVALID', () => msg([ph, new Map(), claims, sig], [18, 18, 18])],
    ['tag 18 inside 61 inside 61', 'COSE_INVALID', () => msg([ph, new Map(), claims, sig], [61, 61, 18])],
    ['protected header as a map', 'COSE_INVALID', () => msg([new Map([[1, -7]]), new Map(), claims, sig])],
    ['protected header as an integer', 'COSE_INVALID', () => msg([7, new Map(), claims, sig])],
    ['protected header as text', 'COSE_INVALID', () => msg(['a1', new Map(), claims, sig])],
    ['protected header holding an array', 'COSE_INVALID', () => msg([encodeStrict([1, -7]), new Map(), claims, sig])],
    ['protected header holding malformed CBOR', 'CBOR_INVALID', () => msg([hex('a2'), new Map(), claims, sig])],
    ['unprotected header as an array', 'COSE_INVALID', () => msg([ph, [], claims, sig])],
    ['unprotected header as null', 'COSE_INVALID', () => msg([ph, null, claims, sig])],
    ['detached payload (nil)', 'COSE_INVALID', () => msg([ph, new Map(), null, sig])],
    ['payload as a map', 'COSE_INVALID', () => msg([ph, new Map(), new Map([[1, 'CN']]), sig])],
    ['payload as text', 'COSE_INVALID', () => msg([ph, new Map(), 'claims', sig])],
    ['signature as text', 'COSE_INVALID', () => msg([ph, new Map(), claims, 'sig'])],
    ['signature as an integer', 'COSE_INVALID', () => msg([ph, new Map(), claims, 0])],
    [
      'kid as an integer',
      'COSE_INVALID',
      () =>
        msg([
          encodeStrict(
            new Map<CborValue, CborValue>([
              [1, -7],
              [4, 7],
            ]),
          ),
          new Map(),
          claims,
          sig,
        ]),
    ],
    [
      'kid as text',
      'COSE_INVALID',
      () =>
        msg([
          encodeStrict(
            new Map<CborValue, CborValue>([
              [1, -7],
              [4, 'kid'],
            ]),
          ),
          new Map(),
          claims,
          sig,
        ]),
    ],
    ['kid as a map, unprotected', 'COSE_INVALID', () => msg([encodeStrict(new Map([[1, -7]])), new Map<CborValue, CborValue>([[4, new Map()]]), claims, sig])],
    [
      'alg as text',
      'ALG_UNSUPPORTED',
      () =>
        msg([
          encodeStrict(
            new Map<CborValue, CborValue>([
              [1, 'ES256'],
              [4, KID],
            ]),
          ),
          new Map(),
          claims,
          sig,
        ]),
    ],
    [
      'alg as bytes',
      'ALG_UNSUPPORTED',
      () =>
        msg([
          encodeStrict(
            new Map<CborValue, CborValue>([
              [1, new Uint8Array([0xf9])],
              [4, KID],
            ]),
          ),
          new Map(),
          claims,
          sig,
        ]),
    ],
    [
      'alg as a huge negative integer',
      'ALG_UNSUPPORTED',
      () =>
        msg([
          encodeStrict(
            new Map<CborValue, CborValue>([
              [1, -(2 ** 53 - 1)],
              [4, KID],
            ]),
          ),
          new Map(),
          claims,
          sig,
        ]),
    ],
    // JavaScript has one number type: a float -7.0 reads as -7, so the signature is what refuses it.
    ['alg as a float (-7.0)', 'SIGNATURE_INVALID', () => msg([hex('a2 01 fb c01c000000000000 04 48' + 'deadbeef00010203'), new Map(), claims, sig])],
    ['alg missing', 'ALG_UNSUPPORTED', () => msg([encodeStrict(new Map<CborValue, CborValue>([[4, KID]])), new Map(), claims, sig])],
    [
      'alg none-like (0)',
      'ALG_UNSUPPORTED',
      () =>
        msg([
          encodeStrict(
            new Map<CborValue, CborValue>([
              [1, 0],
              [4, KID],
            ]),
          ),
          new Map(),
          claims,
          sig,
        ]),
    ],
    [
      'alg ES384 (allowed nowhere by default)',
      'ALG_UNSUPPORTED',
      () =>
        msg([
          encodeStrict(
            new Map<CborValue, CborValue>([
              [1, -35],
              [4, KID],
            ]),
          ),
          new Map(),
          claims,
          sig,
        ]),
    ],
    ['kid missing', 'KID_UNKNOWN', () => msg([encodeStrict(new Map([[1, -7]])), new Map(), claims, sig])],
    [
      'kid empty',
      'KID_UNKNOWN',
      () =>
        msg([
          encodeStrict(
            new Map<CborValue, CborValue>([
              [1, -7],
              [4, new Uint8Array(0)],
            ]),
          ),
          new Map(),
          claims,
          sig,
        ]),
    ],
    ['claims as an array', 'CWT_INVALID', () => msg([ph, new Map(), encodeStrict([1, 2, 3]), sig])],
    ['claims as malformed CBOR', 'CWT_INVALID', () => msg([ph, new Map(), hex('a5'), sig])],
    ['claims without any certificate', 'CWT_INVALID', () => msg([ph, new Map(), encodeStrict(new Map<CborValue, CborValue>([[1, 'CN']])), sig])],
    ['an all-zero signature', 'SIGNATURE_INVALID', () => msg([ph, new Map(), claims, sig])],
    ['a 63-byte signature', 'SIGNATURE_INVALID', () => msg([ph, new Map(), claims, new Uint8Array(63).fill(1)])],
    ['a 10,000-byte signature', 'SIGNATURE_INVALID', () => msg([ph, new Map(), claims, new Uint8Array(10_000).fill(1)])],
    ['an empty signature', 'SIGNATURE_INVALID', () => msg([ph, new Map(), claims, new Uint8Array(0)])],
  ];
  test.each(structural)('%s → %s', async (_name, code, make) => {
    expect((await refused(wrap(make())))[0]).toBe(code);
  });

  // Claims that only a key holder could send: signed, so the verifier reads them as authentic.
  const signedCases: [string, ErrorCode, () => Uint8Array][] = [
    [
      'iss as an integer',
      'CWT_INVALID',
      () =>
        encodeStrict(
          new Map<CborValue, CborValue>([
            [1, 7],
            [-260, new Map([[1, dccToCbor(DCC)]])],
          ]),
        ),
    ],
    ['iat as text', 'CWT_INVALID', () => claimsWith(dccToCbor(DCC), [[6, '2021']])],
    ['exp as bytes', 'CWT_INVALID', () => claimsWith(dccToCbor(DCC), [[4, new Uint8Array(4)]])],
    ['exp of 2^63 (decoded as a bigint)', 'CWT_INVALID', () => claimsWith(dccToCbor(DCC), [[4, 2n ** 63n]])],
    ['exp as an unparseable tag-0 date', 'CWT_INVALID', () => claimsWith(dccToCbor(DCC), [[4, new Tag('never', 0)]])],
    [
      'exp as NaN',
      'CWT_INVALID',
      () => concatBytes(hex('a4 01 62 434e 06 1a'), u32(NOW - 1000), hex('04 f9 7e00 39 0103 a1 01'), encodeStrict(dccToCbor(DCC))),
    ],
    [
      'exp as infinity',
      'CWT_INVALID',
      () => concatBytes(hex('a4 01 62 434e 06 1a'), u32(NOW - 1000), hex('04 f9 7c00 39 0103 a1 01'), encodeStrict(dccToCbor(DCC))),
    ],
    ['cti as text', 'CWT_INVALID', () => claimsWith(dccToCbor(DCC), [[7, 'id']])],
    [
      'hcert as an array',
      'CWT_INVALID',
      () =>
        encodeStrict(
          new Map<CborValue, CborValue>([
            [1, 'CN'],
            [-260, [dccToCbor(DCC)]],
          ]),
        ),
    ],
    [
      'hcert without key 1',
      'CWT_INVALID',
      () =>
        encodeStrict(
          new Map<CborValue, CborValue>([
            [1, 'CN'],
            [-260, new Map([[2, dccToCbor(DCC)]])],
          ]),
        ),
    ],
    ['the DCC as bytes (EU case CBO1)', 'CWT_INVALID', () => claimsWith(encodeStrict(dccToCbor(DCC)))],
    ['the DCC as an array', 'CWT_INVALID', () => claimsWith([dccToCbor(DCC)])],
    ['the DCC as an integer', 'CWT_INVALID', () => claimsWith(42)],
    ['the DCC empty', 'SCHEMA_INVALID', () => claimsWith(new Map())],
    ['v as a map', 'SCHEMA_INVALID', () => claimsWith(dccToCbor({ ...DCC, v: { 0: DCC.v[0] } }))],
    ['v, t and r all present', 'SCHEMA_INVALID', () => claimsWith(dccToCbor({ ...DCC, t: DCC.v, r: DCC.v }))],
    ['100 vaccination entries', 'SCHEMA_INVALID', () => claimsWith(dccToCbor({ ...DCC, v: Array.from({ length: 100 }, () => DCC.v[0]) }))],
    ['5,000 items in v', 'SIZE_LIMIT', () => claimsWith(dccToCbor({ ...DCC, v: new Array(5000).fill(0) }))],
    ['nam as text', 'SCHEMA_INVALID', () => claimsWith(dccToCbor({ ...DCC, nam: 'Zhang San' }))],
    ['dn as a float (1.5)', 'SCHEMA_INVALID', () => splice(claimsWith(dccToCbor(DCC)), '62646e02', '62646ef93e00')],
    ['dt as an unparseable tag-0 date', 'SCHEMA_INVALID', () => claimsWith(dccWith('dt', new Tag('abcd', 0)))],
    ['dt as an infinite tag-1 epoch', 'SCHEMA_INVALID', () => splice(claimsWith(dccWith('dt', new Tag(0, 1))), '626474c100', '626474c1f97c00')],
    // cbor-x cannot make a Date of a 64-bit epoch and refuses the payload: a CWT that does not decode.
    ['dt as a 64-bit tag-1 epoch', 'CWT_INVALID', () => claimsWith(dccWith('dt', new Tag(2 ** 53 - 1, 1)))],
    ['dt as bytes', 'SCHEMA_INVALID', () => claimsWith(dccWith('dt', new Uint8Array([1, 2])))],
    [
      'integer keys in the DCC',
      'SCHEMA_INVALID',
      () =>
        claimsWith(
          new Map<CborValue, CborValue>([
            [1, 'x'],
            [2, 'y'],
          ]),
        ),
    ],
    ['a 16-deep DCC', 'SCHEMA_INVALID', () => claimsWith(nested(13))],
    ['a 17-deep DCC', 'SIZE_LIMIT', () => claimsWith(nested(14))],
  ];
  test.each(signedCases)('signed claims with %s → %s', async (_name, code, make) => {
    const codes = await refused(wrap(await signedClaims(make())));
    expect(codes).toContain(code);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test('signed oddities that are not errors: a "__proto__" field stays data; 2.0 is the integer 2 (as JSON Schema says)', async () => {
    const proto = await verifyCode(wrap(await signedClaims(claimsWith(dccWith('__proto__', new Map([['polluted', true]]))))), opts);
    expect(proto.errors).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const entry = (proto.certificate as { dcc: { json: { v: Record<string, unknown>[] } } }).dcc.json.v[0];
    expect(Object.getPrototypeOf(entry)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(entry, '__proto__')?.value).toEqual({ polluted: true });
    const float = await verifyCode(wrap(await signedClaims(splice(claimsWith(dccToCbor(DCC)), '62646e02', '62646ef94000'))), opts);
    expect(float.errors).toEqual([]);
    expect((float.certificate as { dcc: { json: { v: Record<string, unknown>[] } } }).dcc.json.v[0].dn).toBe(2);
  });

  test('a signed ITHC1 code whose certificate claim has the wrong shape is refused cleanly', async () => {
    for (const content of [42, 'x', new Uint8Array(3), [], new Map(), new Map<CborValue, CborValue>([[1, [[[]]]]]), nested(13)]) {
      const payload = encodeStrict(
        new Map<CborValue, CborValue>([
          [1, 'CN'],
          [4, NOW + 1000],
          [6, NOW - 1000],
          [-65537, content],
        ]),
      );
      const codes = await refused('ITHC1:' + encodeBase45(deflate(await signedClaims(payload))));
      expect(codes.length).toBeGreaterThan(0);
    }
  });

  test('a sealed ITHCS1 code with no key to open it is DECRYPT_FAILED; what is no CBOR item inside it is CBOR_INVALID', async () => {
    // A sealed code's base45 bytes are the COSE_Encrypt itself (no zlib): an HC1 body relabelled, or
    // any other bytes that are not one well-formed CBOR item, are refused before any key is needed.
    expect(await refused('ITHCS1:' + valid.code.slice(4))).toEqual(['CBOR_INVALID']);
    expect(await refused('ITHCS1:' + encodeBase45(deflate(new Uint8Array(100).fill(7))))).toEqual(['CBOR_INVALID']);
    const garbage = 'ITHCS1:' + encodeBase45(encodeStrict([new Uint8Array(100).fill(7)]));
    expect(await refused(garbage)).toEqual(['DECRYPT_FAILED']);
    const opened = await verifyCode(garbage, { ...opts, openSealed: async () => new Uint8Array([0xff]) });
    expect(opened.valid).toBe(false);
    expect(opened.errors.map((e) => e.code)).toEqual(['CBOR_INVALID']);
    const thrower = await verifyCode(garbage, {
      ...opts,
      openSealed: async () => {
        throw new Error('bad tag');
      },
    });
    expect(thrower.errors.map((e) => e.code)).toEqual(['DECRYPT_FAILED']);
  });

  test('every single-bit flip of a valid COSE message is refused cleanly', async () => {
    const cose = await signedClaims(claimsWith(dccToCbor(DCC)));
    for (let i = 0; i < cose.length; i++) {
      for (let bit = 0; bit < 8; bit++) {
        const flipped = cose.slice();
        flipped[i] ^= 1 << bit;
        await refused(wrap(flipped));
      }
    }
  });
});

function u32(n: number): Uint8Array {
  return new Uint8Array([(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
}

/** The DCC with one field of its vaccination entry replaced by any CBOR value. */
function dccWith(field: string, value: CborValue): CborValue {
  const m = dccToCbor(DCC) as Map<CborValue, CborValue>;
  const entry = new Map((m.get('v') as Map<CborValue, CborValue>[])[0]);
  entry.set(field, value);
  m.set('v', [entry]);
  return m;
}

/** Replaces the one occurrence of some bytes (hex) in encoded claims: for values the strict encoder will not write. */
function splice(bytes: Uint8Array, from: string, to: string): Uint8Array {
  const h = toHex(bytes);
  if (h.split(from).length !== 2) throw new Error(`${from} is not in the claims exactly once`);
  return fromHex(h.replace(from, to));
}

/** A DCC whose "nam" nests `depth` maps deep (plus the claims' own 3 levels). */
function nested(depth: number): CborValue {
  let v: CborValue = 'x';
  for (let i = 0; i < depth; i++) v = new Map([['a', v]]);
  return new Map<CborValue, CborValue>([
    ['ver', '1.3.0'],
    ['nam', v],
  ]);
}
