/**
 * The native provider for Node (CLI, cloud functions, local gateway): OpenSSL through node:crypto,
 * synchronous, ~19,000 P-256 verifications/s on one core here. Imported KeyObjects are cached per key.
 */
import { createPublicKey, createPrivateKey, sign as nodeSign, verify as nodeVerify, constants, type KeyObject } from 'node:crypto';
import { ALGORITHMS, type AlgorithmInfo } from '../core/algorithms';
import type { CryptoProvider, Signer } from '../core/crypto/provider';
import type { PublicKeyMaterial } from '../core/keys';

const HASH: Record<AlgorithmInfo['hash'], string> = { 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };
const cache = new WeakMap<PublicKeyMaterial, KeyObject | null>();

function keyObject(key: PublicKeyMaterial): KeyObject | null {
  let k = cache.get(key);
  if (k === undefined) {
    try {
      k = createPublicKey({ key: Buffer.from(key.spki.buffer, key.spki.byteOffset, key.spki.byteLength), format: 'der', type: 'spki' });
    } catch {
      k = null;
    }
    cache.set(key, k);
  }
  return k;
}

export function verifyNodeSync(alg: AlgorithmInfo, key: PublicKeyMaterial, data: Uint8Array, signature: Uint8Array): boolean {
  if (alg.kty !== key.kty) return false;
  const ko = keyObject(key);
  if (!ko) return false;
  try {
    if (key.kty === 'EC') {
      const size = key.crv === 'P-256' ? 32 : key.crv === 'P-384' ? 48 : 66;
      if (signature.length !== 2 * size) return false;
      // ieee-p1363 = raw r‖s as COSE carries it; OpenSSL accepts high-S, as COSE requires.
      return nodeVerify(HASH[alg.hash], data, { key: ko, dsaEncoding: 'ieee-p1363' }, signature);
    }
    // RFC 8017 §8.1.2 step 1: a signature is exactly as long as the modulus. OpenSSL also accepts
    // one with its leading zero bytes dropped, which the portable verifier (rsa-pss.ts) refuses;
    // found by test/crypto/cross-check.test.ts. Refused here too, so both paths agree.
    if (signature.length !== modulusLength(key.n)) return false;
    return nodeVerify(HASH[alg.hash], data, { key: ko, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: HASH_LEN[alg.hash] }, signature);
  } catch {
    return false;
  }
}

const HASH_LEN: Record<AlgorithmInfo['hash'], number> = { 'SHA-256': 32, 'SHA-384': 48, 'SHA-512': 64 };

/** The modulus length in bytes, ignoring any leading zero bytes of its encoding. */
function modulusLength(n: Uint8Array): number {
  let i = 0;
  while (i < n.length - 1 && n[i] === 0) i++;
  return n.length - i;
}

export const nodeCrypto: CryptoProvider = {
  name: 'node:crypto',
  async verify(alg, key, data, signature) {
    return verifyNodeSync(alg, key, data, signature);
  },
};

/** ES256 signer over a PKCS#8 PEM/DER private key (or its KeyObject). The key stays inside the KeyObject. */
export function nodeEs256Signer(pkcs8: string | Uint8Array | KeyObject): Signer {
  const key =
    typeof pkcs8 === 'object' && !(pkcs8 instanceof Uint8Array)
      ? pkcs8
      : createPrivateKey(typeof pkcs8 === 'string' ? { key: pkcs8, format: 'pem' } : { key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
  if (key.type !== 'private') throw new TypeError('ES256 signing needs a private key');
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') throw new TypeError('ES256 needs a P-256 private key');
  return {
    alg: ALGORITHMS[-7],
    async sign(data) {
      return new Uint8Array(nodeSign('sha256', data, { key, dsaEncoding: 'ieee-p1363' }));
    },
  };
}
