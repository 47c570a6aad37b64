/**
 * The native provider for Node (CLI, cloud functions, local gateway): OpenSSL through node:crypto,
 * ~15,000 P-256 verifications/s on one core here; synchronous (nodeCrypto), or on libuv's thread
 * pool (nodeCryptoPooled), ~28,000/s on both cores from one thread. Imported KeyObjects are cached
 * per key. Signing is the server's (server/keys/es256-signer.ts), which holds the private keys.
 */
import { createPublicKey, verify as nodeVerify, constants, type KeyObject, type VerifyKeyObjectInput } from 'node:crypto';
import type { AlgorithmInfo } from '../core/algorithms';
import type { CryptoProvider } from '../core/crypto/provider';
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

/** What node:crypto's verify takes for this key and algorithm, or undefined when the signature cannot be valid. */
function verifyParams(alg: AlgorithmInfo, key: PublicKeyMaterial, signature: Uint8Array): { hash: string; key: VerifyKeyObjectInput } | undefined {
  if (alg.kty !== key.kty) return undefined;
  const ko = keyObject(key);
  if (!ko) return undefined;
  if (key.kty === 'EC') {
    const size = key.crv === 'P-256' ? 32 : key.crv === 'P-384' ? 48 : 66;
    if (signature.length !== 2 * size) return undefined;
    // ieee-p1363 = raw r‖s as COSE carries it; OpenSSL accepts high-S, as COSE requires.
    return { hash: HASH[alg.hash], key: { key: ko, dsaEncoding: 'ieee-p1363' } };
  }
  // RFC 8017 §8.1.2 step 1: a signature is exactly as long as the modulus. OpenSSL also accepts
  // one with its leading zero bytes dropped, which the portable verifier (rsa-pss.ts) refuses;
  // found by test/crypto/cross-check.test.ts. Refused here too, so both paths agree.
  if (signature.length !== modulusLength(key.n)) return undefined;
  return { hash: HASH[alg.hash], key: { key: ko, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: HASH_LEN[alg.hash] } };
}

export function verifyNodeSync(alg: AlgorithmInfo, key: PublicKeyMaterial, data: Uint8Array, signature: Uint8Array): boolean {
  const p = verifyParams(alg, key, signature);
  if (!p) return false;
  try {
    return nodeVerify(p.hash, data, p.key, signature);
  } catch {
    return false;
  }
}

/**
 * The same check on libuv's thread pool (node:crypto verify with a callback): the calling thread
 * goes on decoding the next codes meanwhile, so one JavaScript thread keeps every core verifying.
 */
export function verifyNodePooled(alg: AlgorithmInfo, key: PublicKeyMaterial, data: Uint8Array, signature: Uint8Array): Promise<boolean> {
  const p = verifyParams(alg, key, signature);
  if (!p) return Promise.resolve(false);
  return new Promise((resolve) => {
    try {
      nodeVerify(p.hash, data, p.key, signature, (err, ok) => resolve(!err && ok));
    } catch {
      resolve(false);
    }
  });
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
    return Promise.resolve(verifyNodeSync(alg, key, data, signature));
  },
};

/**
 * node:crypto on the thread pool (verifyNodePooled), for verifying many codes at once (`ithc
 * verify -`): the caller must have several verifications in flight to gain anything.
 */
export const nodeCryptoPooled: CryptoProvider = {
  name: 'node:crypto (thread pool)',
  verify: verifyNodePooled,
};
