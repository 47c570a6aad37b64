/**
 * The crypto providers against each other and against node:crypto called directly, with keys made
 * at run time: identical verify results on valid, high-S, tampered and wrong-length signatures for
 * ECDSA, and for RSA-PSS the portable verifier (core/crypto/rsa-pss.ts) against OpenSSL on 2048- and
 * 3072-bit keys (plus 2047 and 2050 bits, where the encoded message has fewer bits than the modulus).
 */
import fc from 'fast-check';
import {
  constants,
  createPublicKey,
  generateKeyPairSync,
  sign as nodeSign,
  verify as nodeVerify,
  webcrypto as nodeWebcrypto,
  type KeyObject,
} from 'node:crypto';
import { p256 } from '@noble/curves/nist.js';
import { ALGORITHMS, type AlgorithmInfo } from '../../core/algorithms';
import { nobleCrypto } from '../../core/crypto/noble';
import type { CryptoProvider } from '../../core/crypto/provider';
import { verifyRsaPss } from '../../core/crypto/rsa-pss';
import { webCrypto } from '../../core/crypto/webcrypto';
import type { PublicKeyMaterial } from '../../core/keys';
import { publicKeyFromSpki } from '../../core/x509';
import { nodeCrypto, nodeCryptoPooled } from '../../node/crypto-node';

const subtle = globalThis.crypto?.subtle ?? (nodeWebcrypto as unknown as Crypto).subtle;
const providers: Record<string, CryptoProvider> = {
  'node:crypto': nodeCrypto,
  'node:crypto (thread pool)': nodeCryptoPooled,
  noble: nobleCrypto,
  webcrypto: webCrypto(subtle),
};
const ES256 = ALGORITHMS[-7];
const PS256 = ALGORITHMS[-37];

interface Key {
  material: PublicKeyMaterial;
  publicKey: KeyObject;
  privateKey: KeyObject;
}

function ecKey(namedCurve: 'P-256' | 'P-384'): Key {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve });
  return { material: publicKeyFromSpki(new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }))), publicKey, privateKey };
}

function rsaKey(modulusLength: number, publicExponent = 65537): Key {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength, publicExponent });
  return { material: publicKeyFromSpki(new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }))), publicKey, privateKey };
}

/** Every provider's answer, plus node:crypto called directly as the reference. */
async function answers(alg: AlgorithmInfo, key: Key, data: Uint8Array, sig: Uint8Array): Promise<Record<string, boolean>> {
  const out: Record<string, boolean> = {};
  for (const [name, p] of Object.entries(providers)) out[name] = await p.verify(alg, key.material, data, sig);
  if (alg.kty === 'EC') {
    out.reference = nodeVerify('sha256', data, { key: key.publicKey, dsaEncoding: 'ieee-p1363' }, sig);
  } else {
    out.reference = nodeVerify('sha256', data, { key: key.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, sig);
    if (key.material.kty === 'RSA') out['rsa-pss.ts'] = verifyRsaPss('SHA-256', key.material.n, key.material.e, data, sig);
  }
  return out;
}

/** All answers equal `expected`. */
async function expectAll(alg: AlgorithmInfo, key: Key, data: Uint8Array, sig: Uint8Array, expected: boolean, what: string): Promise<void> {
  const a = await answers(alg, key, data, sig);
  expect({ what, ...a }).toEqual({ what, ...Object.fromEntries(Object.keys(a).map((k) => [k, expected])) });
}

// --- ECDSA P-256 ---------------------------------------------------------------------------------
const N = p256.Point.CURVE().n;
const toBig = (b: Uint8Array): bigint => BigInt('0x' + (Buffer.from(b).toString('hex') || '0'));
const toBytes = (n: bigint, len: number): Uint8Array => Uint8Array.from(Buffer.from(n.toString(16).padStart(len * 2, '0'), 'hex'));
/** The same signature with s replaced by n − s: equally valid, the other half of the range. */
function flipS(sig: Uint8Array): Uint8Array {
  return new Uint8Array([...sig.subarray(0, 32), ...toBytes(N - toBig(sig.subarray(32)), 32)]);
}
const isHighS = (sig: Uint8Array): boolean => toBig(sig.subarray(32)) > N / 2n;

describe('ECDSA P-256: node:crypto, noble and WebCrypto agree', () => {
  const key = ecKey('P-256');
  const signNode = (data: Uint8Array): Uint8Array => new Uint8Array(nodeSign('sha256', data, { key: key.privateKey, dsaEncoding: 'ieee-p1363' }));

  test('valid signatures verify, in their low-S and high-S forms', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 600 }), async (data) => {
        const sig = signNode(data);
        const other = flipS(sig);
        expect(isHighS(sig)).not.toBe(isHighS(other));
        await expectAll(ES256, key, data, sig, true, 'as signed');
        await expectAll(ES256, key, data, other, true, 'with s → n − s');
      }),
      { numRuns: 60 },
    );
  });

  test('any changed bit of signature or message fails everywhere', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 300 }), fc.nat(), fc.nat({ max: 7 }), fc.boolean(), async (data, at, bit, inSig) => {
        const sig = signNode(data);
        const s2 = sig.slice();
        const d2 = data.slice();
        if (inSig) s2[at % s2.length] ^= 1 << bit;
        else d2[at % d2.length] ^= 1 << bit;
        await expectAll(ES256, key, d2, s2, false, inSig ? 'signature bit' : 'message bit');
      }),
      { numRuns: 100 },
    );
  });

  test('wrong lengths, DER form and out-of-range r or s fail everywhere', async () => {
    const data = new TextEncoder().encode('cross-check');
    const sig = signNode(data);
    const der = new Uint8Array(nodeSign('sha256', data, { key: key.privateKey, dsaEncoding: 'der' }));
    const r = sig.subarray(0, 32);
    const s = sig.subarray(32);
    const variants: [string, Uint8Array][] = [
      ['empty', new Uint8Array(0)],
      ['63 bytes', sig.subarray(0, 63)],
      ['65 bytes', new Uint8Array([...sig, 0])],
      ['65 bytes, zero in front', new Uint8Array([0, ...sig])],
      ['96 bytes (a P-384 length)', new Uint8Array(96).fill(1)],
      ['DER instead of r‖s', der],
      ['r = 0', new Uint8Array([...new Uint8Array(32), ...s])],
      ['s = 0', new Uint8Array([...r, ...new Uint8Array(32)])],
      ['r = n', new Uint8Array([...toBytes(N, 32), ...s])],
      ['s = n', new Uint8Array([...r, ...toBytes(N, 32)])],
      ['s + n, when it fits in 32 bytes', new Uint8Array([...r, ...toBytes((toBig(s) + N) % 2n ** 256n, 32)])],
      ['all 0xff', new Uint8Array(64).fill(0xff)],
      ['r and s swapped', new Uint8Array([...s, ...r])],
    ];
    for (const [what, v] of variants) await expectAll(ES256, key, data, v, false, what);
  });

  test('a signature by another P-256 key fails everywhere', async () => {
    const other = ecKey('P-256');
    const data = new TextEncoder().encode('another key claims this kid');
    const sig = new Uint8Array(nodeSign('sha256', data, { key: other.privateKey, dsaEncoding: 'ieee-p1363' }));
    await expectAll(ES256, key, data, sig, false, 'other key');
    await expectAll(ES256, other, data, sig, true, 'its own key');
  });

  test('noble-made signatures (low-S, RFC 6979) verify everywhere', async () => {
    const secret = p256.utils.randomSecretKey();
    const point = p256.getPublicKey(secret, false);
    const jwk = {
      kty: 'EC',
      crv: 'P-256',
      x: Buffer.from(point.subarray(1, 33)).toString('base64url'),
      y: Buffer.from(point.subarray(33)).toString('base64url'),
    };
    const publicKey = createPublicKey({ key: jwk, format: 'jwk' });
    const k: Key = {
      material: publicKeyFromSpki(new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }))),
      publicKey,
      privateKey: undefined as unknown as KeyObject,
    };
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (data) => {
        const sig = p256.sign(data, secret, { prehash: true, lowS: true, format: 'compact' });
        expect(isHighS(sig)).toBe(false);
        await expectAll(ES256, k, data, sig, true, 'noble low-S');
        await expectAll(ES256, k, data, flipS(sig), true, 'noble, s → n − s');
      }),
      { numRuns: 30 },
    );
  });

  test('a P-384 key under an ES256 header (three Spanish EU cases): SHA-256 on P-384, the same everywhere', async () => {
    const k384 = ecKey('P-384');
    const data = new TextEncoder().encode('ES 401');
    const sig = new Uint8Array(nodeSign('sha256', data, { key: k384.privateKey, dsaEncoding: 'ieee-p1363' }));
    expect(sig.length).toBe(96);
    const a = await answers(ES256, k384, data, sig);
    expect(a).toEqual({ 'node:crypto': true, 'node:crypto (thread pool)': true, noble: true, webcrypto: true, reference: true });
    const bad = sig.slice();
    bad[10] ^= 1;
    expect(await answers(ES256, k384, data, bad)).toEqual({
      'node:crypto': false,
      'node:crypto (thread pool)': false,
      noble: false,
      webcrypto: false,
      reference: false,
    });
    // A 64-byte (P-256-sized) signature does not fit a P-384 key.
    expect(await answers(ES256, k384, data, sig.subarray(0, 64))).toEqual({
      'node:crypto': false,
      'node:crypto (thread pool)': false,
      noble: false,
      webcrypto: false,
      reference: false,
    });
  });

  test('an algorithm that does not match the key type fails everywhere, without throwing', async () => {
    const data = new TextEncoder().encode('x');
    const sig = signNode(data);
    for (const p of Object.values(providers)) expect(await p.verify(PS256, key.material, data, sig)).toBe(false);
  });
});

// --- RSA-PSS ---------------------------------------------------------------------------------------
describe.each([2048, 3072, 2047, 2050])('RSA-PSS %i-bit: rsa-pss.ts agrees with node:crypto (and every provider)', (bits) => {
  const key = rsaKey(bits);
  const signPss = (data: Uint8Array, saltLength = 32, hash = 'sha256'): Uint8Array =>
    new Uint8Array(nodeSign(hash, data, { key: key.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength }));

  test('valid signatures verify', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 600 }), async (data) => {
        await expectAll(PS256, key, data, signPss(data), true, 'as signed');
      }),
      { numRuns: 15 },
    );
  });

  test('any changed bit of signature or message fails', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 200 }), fc.nat(), fc.nat({ max: 7 }), fc.boolean(), async (data, at, bit, inSig) => {
        const sig = signPss(data);
        const s2 = sig.slice();
        const d2 = data.slice();
        if (inSig) s2[at % s2.length] ^= 1 << bit;
        else d2[at % d2.length] ^= 1 << bit;
        await expectAll(PS256, key, d2, s2, false, inSig ? 'signature bit' : 'message bit');
      }),
      { numRuns: 25 },
    );
  });

  test('wrong lengths, s ≥ n, other salt lengths, other hashes and PKCS#1 v1.5 fail', async () => {
    const data = new TextEncoder().encode('cross-check');
    const sig = signPss(data);
    expect(key.publicKey.asymmetricKeyDetails?.modulusLength).toBe(bits);
    const k = Math.ceil(bits / 8);
    expect(sig.length).toBe(k);
    const n = key.material.kty === 'RSA' ? key.material.n : new Uint8Array(0);
    const variants: [string, Uint8Array][] = [
      ['empty', new Uint8Array(0)],
      ['last byte cut off', sig.subarray(0, k - 1)],
      ['one byte long', new Uint8Array([0, ...sig])],
      ['s = n', toBytes(toBig(n), k)],
      ['s = n + 1 ', toBytes(toBig(n) + 1n, k)],
      ['all 0xff', new Uint8Array(k).fill(0xff)],
      ['zero', new Uint8Array(k)],
      ['salt length 0', signPss(data, 0)],
      ['salt length 20', signPss(data, 20)],
      ['salt length 64', signPss(data, 64)],
      ['PSS with SHA-384', signPss(data, 32, 'sha384')],
      ['PKCS#1 v1.5', new Uint8Array(nodeSign('sha256', data, { key: key.privateKey, padding: constants.RSA_PKCS1_PADDING }))],
    ];
    for (const [what, v] of variants) await expectAll(PS256, key, data, v, false, what);
  });

  test('a signature whose leading zero byte is dropped: OpenSSL takes it, RFC 8017 and every provider do not', async () => {
    // Find a signature that starts with a zero byte (1 in 256 for a whole-byte modulus, 1 in 4 at 2050 bits).
    let data: Uint8Array = new Uint8Array(0);
    let sig: Uint8Array = new Uint8Array(0);
    for (let i = 0; i < 5000 && sig[0] !== 0; i++) {
      data = new TextEncoder().encode(`leading zero ${i}`);
      sig = signPss(data);
    }
    expect(sig[0]).toBe(0);
    await expectAll(PS256, key, data, sig, true, 'full length');
    const short = sig.subarray(1);
    // RFC 8017 §8.1.2 step 1: "If the length of the signature S is not k octets, output invalid".
    expect(await answers(PS256, key, data, short)).toEqual({
      'node:crypto': false,
      'node:crypto (thread pool)': false,
      noble: false,
      webcrypto: false,
      'rsa-pss.ts': false,
      reference: true,
    });
  });
});

test('RSA-PSS with public exponent 3 and a signature by another key: the same everywhere', async () => {
  const k3 = rsaKey(2048, 3);
  const other = rsaKey(2048);
  const data = new TextEncoder().encode('e = 3');
  const sig = new Uint8Array(nodeSign('sha256', data, { key: k3.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }));
  await expectAll(PS256, k3, data, sig, true, 'e = 3');
  await expectAll(PS256, other, data, sig, false, 'another key');
});
