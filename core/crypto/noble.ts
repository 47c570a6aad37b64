/**
 * The portable crypto provider: pure JavaScript, for runtimes without WebCrypto (the WeChat mini
 * program). ~500 P-256 verifications/s on one core here against ~19,000/s through OpenSSL, so the
 * native providers are preferred wherever they exist.
 */
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import type { AlgorithmInfo } from '../algorithms';
import { concatBytes } from '../bytes';
import type { PublicKeyMaterial } from '../keys';
import type { CryptoProvider, Signer } from './provider';
import { verifyRsaPss } from './rsa-pss';
import { ALGORITHMS } from '../algorithms';

const CURVES = { 'P-256': p256, 'P-384': p384, 'P-521': p521 } as const;
const HASH = { 'SHA-256': sha256, 'SHA-384': sha384, 'SHA-512': sha512 } as const;

export const nobleCrypto: CryptoProvider = {
  name: 'noble',
  verify(alg: AlgorithmInfo, key: PublicKeyMaterial, data: Uint8Array, signature: Uint8Array): Promise<boolean> {
    // verifySync never throws: a bad key or signature is false.
    return Promise.resolve(verifySync(alg, key, data, signature));
  },
};

export function verifySync(alg: AlgorithmInfo, key: PublicKeyMaterial, data: Uint8Array, signature: Uint8Array): boolean {
  try {
    if (alg.kty !== key.kty) return false;
    if (key.kty === 'RSA') return verifyRsaPss(alg.hash, key.n, key.e, data, signature);
    const curve = CURVES[key.crv];
    // The digest follows the COSE alg; the curve follows the key. Real certificates exist whose
    // P-384 key signs under an ES256 header (three Spanish EU test cases); OpenSSL- and Java-based
    // verifiers accept them as ECDSA with SHA-256 on the key's own curve, and so do we.
    const digest = HASH[alg.hash](data);
    const point = concatBytes(new Uint8Array([4]), key.x, key.y);
    // lowS: false — 53% of valid EU signatures are high-S; COSE does not require low-S.
    return curve.verify(signature, digest, point, { prehash: false, lowS: false, format: 'compact' });
  } catch {
    return false;
  }
}

/** An ES256 signer over a raw P-256 private scalar (32 bytes). Low-S, deterministic (RFC 6979). */
export function nobleEs256Signer(privateKey: Uint8Array): Signer {
  const key = privateKey.slice();
  return {
    alg: ALGORITHMS[-7],
    async sign(data: Uint8Array): Promise<Uint8Array> {
      return Promise.resolve(p256.sign(data, key, { prehash: true, lowS: true, format: 'compact' }));
    },
  };
}
