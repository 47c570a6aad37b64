/**
 * Sealed codes (core/seal.ts, docs/sealed-codes.md): round trip through verifyCode, refusals with
 * DECRYPT_FAILED for a wrong key and for every altered part, the exact COSE structure the issue
 * specifies, and interop with an opener written independently on node:crypto/WebCrypto.
 */
import fc from 'fast-check';
import { Decoder, Tag } from 'cbor-x';
import { decodeBase45, encodeBase45 } from '../../core/base45';
import { toBase64 } from '../../core/bytes';
import { decodeLenient, encodeStrict, type CborValue } from '../../core/cbor';
import { validateDccSchema } from '../../core/dcc-schema';
import { decodeStages, verifyCode } from '../../core/hcert';
import { KeyStore } from '../../core/keys';
import { nobleCrypto } from '../../core/crypto/noble';
import { openSealed, sealCode, sealSign1, sealedCodeContent, sealedOpener, SEAL_ALGORITHMS, SEAL_LIMITS, type OpeningKey } from '../../core/seal';
import { deflateRaw } from '../../core/zlib';
import { isIthcError } from '../../core/errors';
import { p256 as nobleP256 } from '@noble/curves/nist.js';
import { nodeCrypto } from '../../node/crypto-node';
import { coseOfSealedCode, independentOpen } from './independent-opener';
import { NOW, makeAuthority, rng, signedIthc, type Authority, type SignedIthc } from './fixtures';

const rawDecoder = new Decoder({ mapsAsObjects: false, useRecords: false });

let ithc: SignedIthc;
let authority: Authority;
let keys: KeyStore;

beforeAll(async () => {
  ithc = await signedIthc();
  authority = makeAuthority();
  keys = new KeyStore([ithc.trusted]);
});

const verify = (code: string, openers?: OpeningKey[]) =>
  verifyCode(code, { keys, now: NOW, crypto: nodeCrypto, validateDccSchema, ...(openers ? { openSealed: sealedOpener(openers) } : {}) });

const seal = (recipients: Authority[] = [authority]) =>
  sealCode(
    ithc.signed.cose,
    recipients.map((a) => ({ kid: a.kid, publicKey: a.publicKey })),
    rng,
  );

/** Decodes a sealed code's COSE_Encrypt, lets `edit` change the array, and re-encodes it into a code. */
function tamper(code: string, edit: (msg: CborValue[]) => void): string {
  const cose = sealedCodeContent(code);
  const tag = decodeLenient(cose) as Tag;
  const msg = tag.value as CborValue[];
  edit(msg);
  return 'ITHCS1:' + encodeBase45(encodeStrict(new Tag(msg, 96)));
}

function expectDecryptFailed(f: () => unknown, message?: RegExp): void {
  try {
    f();
  } catch (e) {
    expect(isIthcError(e) && e.code).toBe('DECRYPT_FAILED');
    if (message) expect((e as Error).message).toMatch(message);
    return;
  }
  throw new Error('expected DECRYPT_FAILED, but the code opened');
}

function errorCode(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (isIthcError(e)) return e.code;
    throw e;
  }
  return 'opened';
}

describe('round trip', () => {
  test('a sealed code opens with the authority key into the exact COSE_Sign1 and verifies like the open code', async () => {
    const code = seal();
    expect(code.startsWith('ITHCS1:')).toBe(true);
    expect(openSealed(sealedCodeContent(code), [{ privateKey: authority.privateKey }])).toEqual(ithc.signed.cose);
    const sealed = await verify(code, [{ privateKey: authority.privateKey }]);
    const open = await verify(ithc.signed.code);
    expect(open.valid).toBe(true);
    expect(sealed.errors).toEqual([]);
    expect(sealed.valid).toBe(true);
    expect(sealed.format).toBe('sealed');
    expect(sealed.kid).toBe(toBase64(ithc.dsc.kid));
    expect(sealed.certificate).toEqual(open.certificate);
  });

  test('the portable (noble) and native providers agree on the opened certificate', async () => {
    const code = seal();
    const v = await verifyCode(code, {
      keys,
      now: NOW,
      crypto: nobleCrypto,
      validateDccSchema,
      openSealed: sealedOpener([{ privateKey: authority.privateKey }]),
    });
    expect(v.valid).toBe(true);
  });

  test('each seal uses a fresh ephemeral key and IV, and each opens', () => {
    const a = seal();
    const b = seal();
    expect(a).not.toBe(b);
    for (const c of [a, b]) expect(openSealed(sealedCodeContent(c), [{ privateKey: authority.privateKey }])).toEqual(ithc.signed.cose);
  });

  test('the public key may be given as SubjectPublicKeyInfo DER', () => {
    const cose = sealSign1(ithc.signed.cose, [{ kid: authority.kid, publicKey: authority.spki }], rng);
    expect(openSealed(cose, [{ privateKey: authority.privateKey }])).toEqual(ithc.signed.cose);
  });

  test('a key with the recipient kid opens; among several keys the right one is found', () => {
    const other = makeAuthority('other');
    const cose = sealedCodeContent(seal());
    expect(openSealed(cose, [{ kid: authority.kid, privateKey: authority.privateKey }])).toEqual(ithc.signed.cose);
    expect(openSealed(cose, [{ privateKey: other.privateKey }, { privateKey: authority.privateKey }])).toEqual(ithc.signed.cose);
  });
});

describe('no matching key → DECRYPT_FAILED', () => {
  test("another authority's key: the verdict says no matching key", async () => {
    const v = await verify(seal(), [{ privateKey: makeAuthority('other').privateKey }]);
    expect(v.valid).toBe(false);
    expect(v.certificate).toBeNull();
    expect(v.errors.map((e) => e.code)).toEqual(['DECRYPT_FAILED']);
    expect(v.errors[0].message).toMatch(/no matching key/);
  });

  test('a key whose kid differs is not tried, and the message names the kid sealed for', () => {
    expectDecryptFailed(
      () => openSealed(sealedCodeContent(seal()), [{ kid: new Uint8Array([1, 2, 3]), privateKey: authority.privateKey }]),
      new RegExp(`no matching key.*${toBase64(authority.kid).replace(/[+/]/g, '.')}.*none of the 1 key given has that kid`),
    );
  });

  test('no key at all: DECRYPT_FAILED, from openSealed and from verifyCode without an opener', async () => {
    expectDecryptFailed(() => openSealed(sealedCodeContent(seal()), []), /no matching key/);
    const v = await verify(seal());
    expect(v.errors.map((e) => e.code)).toEqual(['DECRYPT_FAILED']);
  });
});

describe('altered codes → DECRYPT_FAILED', () => {
  const flip = (b: Uint8Array, i: number): Uint8Array => {
    const c = b.slice();
    c[(i + c.length) % c.length] ^= 0x01;
    return c;
  };
  const cases: Array<[string, (m: CborValue[]) => void]> = [
    ['a ciphertext byte', (m) => (m[2] = flip(m[2] as Uint8Array, 5))],
    ['the authentication tag', (m) => (m[2] = flip(m[2] as Uint8Array, -1))],
    [
      'the protected header (an added parameter, alg still A256GCM)',
      (m) =>
        (m[0] = encodeStrict(
          new Map<CborValue, CborValue>([
            [1, 3],
            [99, 1],
          ]),
        )),
    ],
    ['the IV', (m) => (m[1] as Map<CborValue, CborValue>).set(5, flip((m[1] as Map<CborValue, CborValue>).get(5) as Uint8Array, 0))],
    [
      'the recipient protected header (bound into the KDF context)',
      (m) =>
        ((m[3] as CborValue[][])[0][0] = encodeStrict(
          new Map<CborValue, CborValue>([
            [1, -25],
            [99, 1],
          ]),
        )),
    ],
    [
      'the ephemeral key (another valid point)',
      (m) => {
        const other = makeAuthority('x');
        const key = ((m[3] as CborValue[][])[0][1] as Map<CborValue, CborValue>).get(-1) as Map<CborValue, CborValue>;
        key.set(-2, other.publicKey.slice(1, 33));
        key.set(-3, other.publicKey.slice(33));
      },
    ],
  ];
  test.each(cases)('%s', async (_name, edit) => {
    const code = tamper(seal(), edit);
    expectDecryptFailed(() => openSealed(sealedCodeContent(code), [{ privateKey: authority.privateKey }]), /no matching key/);
    const v = await verify(code, [{ privateKey: authority.privateKey }]);
    expect(v.errors.map((e) => e.code)).toEqual(['DECRYPT_FAILED']);
  });

  test('the unaltered code re-encoded the same way still opens (the tamper helper itself changes nothing)', () => {
    const code = tamper(seal(), () => undefined);
    expect(openSealed(sealedCodeContent(code), [{ privateKey: authority.privateKey }])).toEqual(ithc.signed.cose);
  });
});

describe('structure (the issue\'s "Sealed codes" section)', () => {
  test('COSE_Encrypt tag 96; A256GCM protected; IV unprotected; one ECDH-ES + HKDF-256 recipient with an EC2 P-256 ephemeral key and the kid', () => {
    const code = seal();
    // Code: ITHCS1: + base45(tagged COSE_Encrypt): no zlib around the ciphertext.
    const cose = decodeBase45(code.slice('ITHCS1:'.length));
    expect(cose).toEqual(decodeStages(code).cose);
    expect(cose[0]).toBe(0xd8);
    expect(cose[1]).toBe(96);
    const top = rawDecoder.decode(cose) as Tag;
    expect(top).toBeInstanceOf(Tag);
    expect(top.tag).toBe(96);
    const [prot, unprot, ciphertext, recipients] = top.value as [Uint8Array, Map<number, unknown>, Uint8Array, unknown[][]];
    expect(rawDecoder.decode(prot)).toEqual(new Map([[1, 3]]));
    expect([...unprot.keys()]).toEqual([5]);
    expect((unprot.get(5) as Uint8Array).length).toBe(12);
    // The plaintext is the COSE_Sign1 in raw DEFLATE (RFC 1951: no zlib header or checksum), the
    // open code's zlib stream without its 2-byte header and 4-byte Adler-32; AES-GCM adds its 16-byte tag.
    expect(ciphertext.length).toBe(deflateRaw(ithc.signed.cose).length + 16);
    expect(deflateRaw(ithc.signed.cose)).toEqual(ithc.signed.compressed.subarray(2, ithc.signed.compressed.length - 4));
    expect(recipients).toHaveLength(1);
    const [rProt, rUnprot, rCiphertext] = recipients[0] as [Uint8Array, Map<number, unknown>, Uint8Array];
    expect(rawDecoder.decode(rProt)).toEqual(new Map([[1, -25]]));
    expect(new Set(rUnprot.keys())).toEqual(new Set([4, -1]));
    expect(Buffer.from(rUnprot.get(4) as Uint8Array)).toEqual(Buffer.from(authority.kid));
    const epk = rUnprot.get(-1) as Map<number, unknown>;
    expect(new Set(epk.keys())).toEqual(new Set([1, -1, -2, -3]));
    expect(epk.get(1)).toBe(2);
    expect(epk.get(-1)).toBe(1);
    expect((epk.get(-2) as Uint8Array).length).toBe(32);
    // RFC 9053 §7.1.1 point compression: y is its sign bit.
    expect(typeof epk.get(-3)).toBe('boolean');
    // Direct key agreement: nothing is wrapped.
    expect(rCiphertext.length).toBe(0);
  });

  test('the plaintext is the tagged COSE_Sign1 (tag 18)', () => {
    const plain = openSealed(sealedCodeContent(seal()), [{ privateKey: authority.privateKey }]);
    const decoded = rawDecoder.decode(plain) as Tag;
    expect(decoded.tag).toBe(18);
  });
});

describe("the ephemeral key's y: a sign bit by default, the full coordinate on request", () => {
  /** The same random bytes twice, so two seals use the same ephemeral key and IV. */
  const replaying = (): (() => (n: number) => Uint8Array) => {
    const tape: Uint8Array[] = [];
    return () => {
      let i = 0;
      return (n) => {
        if (i === tape.length) tape.push(rng(n));
        return tape[i++];
      };
    };
  };
  const ephemeralOf = (cose: Uint8Array) =>
    ((((rawDecoder.decode(cose) as Tag).value as unknown[])[3] as unknown[][])[0][1] as Map<number, unknown>).get(-1) as Map<number, unknown>;

  test('the sign bit is the parity of the y the full form carries; the compressed form is 33 bytes shorter', () => {
    for (let i = 0; i < 16; i++) {
      const tape = replaying();
      const full = sealSign1(ithc.signed.cose, [{ kid: authority.kid, publicKey: authority.publicKey, pointCompression: false }], tape());
      const compact = sealSign1(ithc.signed.cose, [{ kid: authority.kid, publicKey: authority.publicKey }], tape());
      const y = ephemeralOf(full).get(-3) as Uint8Array;
      expect(y).toHaveLength(32);
      expect(ephemeralOf(compact).get(-3)).toBe((y[31] & 1) === 1);
      expect(full.length - compact.length).toBe(33);
      for (const cose of [full, compact]) expect(openSealed(cose, [{ privateKey: authority.privateKey }])).toEqual(ithc.signed.cose);
    }
  });

  test('the full form opens with the independent implementation too', async () => {
    const cose = sealSign1(ithc.signed.cose, [{ kid: authority.kid, publicKey: authority.publicKey, pointCompression: false }], rng);
    expect(new Uint8Array(await independentOpen(cose, authority.jwk))).toEqual(ithc.signed.cose);
  });

  test('a flipped sign bit still opens: ECDH uses only x of the shared point, which ±P share', () => {
    const code = tamper(seal(), (m) => {
      const key = ((m[3] as CborValue[][])[0][1] as Map<CborValue, CborValue>).get(-1) as Map<CborValue, CborValue>;
      key.set(-3, !key.get(-3));
    });
    expect(openSealed(sealedCodeContent(code), [{ privateKey: authority.privateKey }])).toEqual(ithc.signed.cose);
  });

  test('an x with no point on P-256 under a sign bit: COSE_INVALID', () => {
    const x = new Uint8Array(32);
    // About half of all x have no y; find one by counting up.
    while (nobleP256.utils.isValidPublicKey(Uint8Array.of(2, ...x), true)) x[31]++;
    const code = tamper(seal(), (m) => {
      const key = ((m[3] as CborValue[][])[0][1] as Map<CborValue, CborValue>).get(-1) as Map<CborValue, CborValue>;
      key.set(-2, x);
    });
    expect(errorCode(() => openSealed(sealedCodeContent(code), [{ privateKey: authority.privateKey }]))).toBe('COSE_INVALID');
  });

  test('pointCompression must be a boolean', () => {
    expect(() =>
      sealSign1(ithc.signed.cose, [{ kid: authority.kid, publicKey: authority.publicKey, pointCompression: 'no' as unknown as boolean }], rng),
    ).toThrow(TypeError);
  });
});

describe('an independent RFC 9052/9053 implementation (node:crypto + WebCrypto) opens our codes', () => {
  test('single recipient (ECDH-ES + HKDF-256, direct)', async () => {
    const plain = await independentOpen(coseOfSealedCode(seal()), authority.jwk);
    expect(new Uint8Array(plain)).toEqual(ithc.signed.cose);
  });

  test('several recipients (ECDH-ES + A256KW): each authority key opens the same message', async () => {
    const second = makeAuthority('SG-demo-2');
    const code = seal([authority, second]);
    for (const a of [authority, second]) expect(new Uint8Array(await independentOpen(coseOfSealedCode(code), a.jwk))).toEqual(ithc.signed.cose);
  });

  test('and fails with a key the code was not sealed for', async () => {
    await expect(independentOpen(coseOfSealedCode(seal()), makeAuthority('other').jwk)).rejects.toThrow(/no recipient/);
  });
});

describe('several recipients', () => {
  test('use ECDH-ES + A256KW with a 40-byte wrapped key each (direct agreement allows one recipient, RFC 9052 §8.5.4)', () => {
    const second = makeAuthority('SG-demo-2');
    const cose = sealedCodeContent(seal([authority, second]));
    const recipients = ((rawDecoder.decode(cose) as Tag).value as unknown[])[3] as [Uint8Array, Map<number, unknown>, Uint8Array][];
    expect(recipients).toHaveLength(2);
    for (const [p, u, c] of recipients) {
      expect(rawDecoder.decode(p)).toEqual(new Map([[1, SEAL_ALGORITHMS.ECDH_ES_A256KW]]));
      expect(c.length).toBe(40);
      expect(u.has(4)).toBe(true);
    }
    for (const a of [authority, second]) expect(openSealed(cose, [{ privateKey: a.privateKey }])).toEqual(ithc.signed.cose);
    expectDecryptFailed(() => openSealed(cose, [{ privateKey: makeAuthority('z').privateKey }]), /no matching key/);
  });

  test('a message with two direct-agreement recipients is refused as malformed', () => {
    const code = tamper(seal(), (m) => {
      const r = (m[3] as CborValue[][])[0];
      m[3] = [r, r];
    });
    expect(errorCode(() => openSealed(sealedCodeContent(code), [{ privateKey: authority.privateKey }]))).toBe('COSE_INVALID');
  });
});

describe('bounds and malformed messages', () => {
  const open = (code: string) => errorCode(() => openSealed(sealedCodeContent(code), [{ privateKey: authority.privateKey }]));

  test(`more than ${SEAL_LIMITS.maxRecipients} recipients: SIZE_LIMIT before any key is tried`, () => {
    const code = tamper(seal(), (m) => {
      const r = (m[3] as CborValue[][])[0];
      m[3] = Array.from({ length: SEAL_LIMITS.maxRecipients + 1 }, () => r);
    });
    expect(open(code)).toBe('SIZE_LIMIT');
  });

  test('an ephemeral key off the curve: COSE_INVALID', () => {
    const code = tamper(seal(), (m) => {
      const key = ((m[3] as CborValue[][])[0][1] as Map<CborValue, CborValue>).get(-1) as Map<CborValue, CborValue>;
      key.set(-3, new Uint8Array(32).fill(7));
    });
    expect(open(code)).toBe('COSE_INVALID');
  });

  test('another content algorithm (A128GCM, 1): ALG_UNSUPPORTED', () => {
    expect(open(tamper(seal(), (m) => (m[0] = encodeStrict(new Map<CborValue, CborValue>([[1, 1]])))))).toBe('ALG_UNSUPPORTED');
  });

  test('another recipient algorithm (ECDH-SS, -27): ALG_UNSUPPORTED', () => {
    expect(open(tamper(seal(), (m) => ((m[3] as CborValue[][])[0][0] = encodeStrict(new Map<CborValue, CborValue>([[1, -27]])))))).toBe('ALG_UNSUPPORTED');
  });

  test('a wrong IV length, no recipients, a wrong tag, an array of three: COSE_INVALID', () => {
    expect(open(tamper(seal(), (m) => (m[1] as Map<CborValue, CborValue>).set(5, new Uint8Array(8))))).toBe('COSE_INVALID');
    expect(open(tamper(seal(), (m) => (m[3] = [])))).toBe('COSE_INVALID');
    expect(open(tamper(seal(), (m) => m.pop()))).toBe('COSE_INVALID');
    const wrongTag = 'ITHCS1:' + encodeBase45(encodeStrict(new Tag((decodeLenient(sealedCodeContent(seal())) as Tag).value as CborValue, 97)));
    expect(open(wrongTag)).toBe('COSE_INVALID');
  });

  test('critical header parameters are refused', () => {
    expect(
      open(
        tamper(
          seal(),
          (m) =>
            (m[0] = encodeStrict(
              new Map<CborValue, CborValue>([
                [1, 3],
                [2, [99]],
                [99, 1],
              ]),
            )),
        ),
      ),
    ).toBe('COSE_INVALID');
  });

  test('not CBOR at all: CBOR_INVALID', () => {
    expect(open('ITHCS1:' + encodeBase45(new Uint8Array([0xff, 0x00, 0x01])))).toBe('CBOR_INVALID');
  });

  test('an open code is not a sealed one', () => {
    expect(errorCode(() => sealedCodeContent(ithc.signed.code))).toBe('PREFIX_UNKNOWN');
  });
});

describe('misuse throws TypeError', () => {
  test('untagged plaintext, no recipients, a bad public key, a short random source, a bad private key', () => {
    const r = [{ kid: authority.kid, publicKey: authority.publicKey }];
    expect(() => sealSign1(ithc.signed.cose.subarray(1), r, rng)).toThrow(TypeError);
    expect(() => sealSign1(ithc.signed.cose, [], rng)).toThrow(TypeError);
    expect(() => sealSign1(ithc.signed.cose, [{ kid: authority.kid, publicKey: new Uint8Array(65).fill(4) }], rng)).toThrow(TypeError);
    expect(() => sealSign1(ithc.signed.cose, r, (n) => new Uint8Array(n - 1))).toThrow(TypeError);
    expect(() => openSealed(sealedCodeContent(seal()), [{ privateKey: new Uint8Array(31) }])).toThrow(TypeError);
  });
});

describe('any single altered byte of the COSE_Encrypt', () => {
  test('gives a typed error or, when it hit an unauthenticated hint (the kid), the original plaintext: never other data, never a crash', () => {
    const cose = sealedCodeContent(seal());
    const original = toBase64(ithc.signed.cose);
    let opened = 0;
    fc.assert(
      fc.property(fc.nat(cose.length - 1), fc.integer({ min: 1, max: 255 }), (i, x) => {
        const altered = cose.slice();
        altered[i] ^= x;
        try {
          const plain = openSealed(altered, [{ privateKey: authority.privateKey }]);
          opened++;
          return toBase64(plain) === original;
        } catch (e) {
          return isIthcError(e);
        }
      }),
      { numRuns: 300 },
    );
    // Most bytes are authenticated (ciphertext, tag, headers, IV, ephemeral key): few alterations open.
    expect(opened).toBeLessThan(30);
  });
});

describe('the plaintext: the COSE_Sign1 in raw DEFLATE, bounded when inflated', () => {
  /**
   * A direct-agreement COSE_Encrypt around any plaintext, built here step by step from
   * docs/sealed-codes.md (noble for the ECDH, HKDF and AES-GCM): what a careless or hostile sender
   * could put inside a correctly encrypted code.
   */
  async function sealPlaintext(plaintext: Uint8Array): Promise<string> {
    const { hkdf } = await import('@noble/hashes/hkdf.js');
    const { sha256 } = await import('@noble/hashes/sha2.js');
    const { gcm } = await import('@noble/ciphers/aes.js');
    const { kdfContext, encStructure } = await import('../../core/seal');
    const secret = nobleP256.utils.randomSecretKey();
    const eph = nobleP256.getPublicKey(secret, false);
    const shared = nobleP256.getSharedSecret(secret, authority.publicKey, true).slice(1);
    const rProt = encodeStrict(new Map<CborValue, CborValue>([[1, -25]]));
    const cek = hkdf(sha256, shared, undefined, kdfContext(3, rProt), 32);
    const prot = encodeStrict(new Map<CborValue, CborValue>([[1, 3]]));
    const iv = rng(12);
    const epk = new Map<CborValue, CborValue>([
      [1, 2],
      [-1, 1],
      [-2, eph.slice(1, 33)],
      [-3, eph.slice(33)],
    ]);
    const recipient = [
      rProt,
      new Map<CborValue, CborValue>([
        [4, authority.kid],
        [-1, epk],
      ]),
      new Uint8Array(0),
    ];
    const msg = [prot, new Map<CborValue, CborValue>([[5, iv]]), gcm(cek, iv, encStructure(prot)).encrypt(plaintext), [recipient]];
    return 'ITHCS1:' + encodeBase45(encodeStrict(new Tag(msg, 96)));
  }

  test('the builder above matches ours: a correctly deflated COSE_Sign1 verifies', async () => {
    const v = await verify(await sealPlaintext(deflateRaw(ithc.signed.cose)), [{ privateKey: authority.privateKey }]);
    expect(v.errors).toEqual([]);
    expect(v.valid).toBe(true);
  });

  test('a plaintext that is no deflate stream (the COSE_Sign1 itself, not compressed): ZLIB_INVALID', async () => {
    // 0xd2 as the first byte of a deflate stream is a block of the reserved type 3.
    const v = await verify(await sealPlaintext(ithc.signed.cose), [{ privateKey: authority.privateKey }]);
    expect(v.errors.map((e) => e.code)).toEqual(['ZLIB_INVALID']);
  });

  test('a deflate stream cut short: ZLIB_INVALID', async () => {
    const d = deflateRaw(ithc.signed.cose);
    const v = await verify(await sealPlaintext(d.subarray(0, d.length - 3)), [{ privateKey: authority.privateKey }]);
    expect(v.errors.map((e) => e.code)).toEqual(['ZLIB_INVALID']);
  });

  test('a decompression bomb inside the encryption stops at the inflated-size limit: SIZE_LIMIT', async () => {
    const bomb = deflateRaw(new Uint8Array(4 * 1024 * 1024));
    const v = await verify(await sealPlaintext(bomb), [{ privateKey: authority.privateKey }]);
    expect(v.errors.map((e) => e.code)).toEqual(['SIZE_LIMIT']);
  });
});
