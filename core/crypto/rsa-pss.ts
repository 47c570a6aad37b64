/**
 * RSASSA-PSS verification (RFC 8017 §8.1.2 and EMSA-PSS-VERIFY §9.1.2), MGF1 with the same hash,
 * salt length = hash length (RFC 8230 §2). Needed only on the portable path: the mini program has
 * no WebCrypto, noble has no RSA, and PS256 is the DCC's secondary algorithm every verifier must
 * support. Verification uses only public data, so a BigInt modPow without constant-time care is fine.
 * Cross-checked against node:crypto in the tests.
 */
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { bytesEqual, concatBytes } from '../bytes';

type HashFn = (data: Uint8Array) => Uint8Array;
const HASHES: Record<string, { fn: HashFn; len: number }> = {
  'SHA-256': { fn: sha256, len: 32 },
  'SHA-384': { fn: sha384, len: 48 },
  'SHA-512': { fn: sha512, len: 64 },
};

function toBigInt(b: Uint8Array): bigint {
  let n = 0n;
  for (const x of b) n = (n << 8n) | BigInt(x);
  return n;
}

function toBytes(n: bigint, len: number): Uint8Array {
  const out = new Uint8Array(len);
  for (let i = len - 1; i >= 0; i--) {
    out[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  return out;
}

function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  let r = 1n;
  base %= mod;
  while (exp > 0n) {
    if (exp & 1n) r = (r * base) % mod;
    base = (base * base) % mod;
    exp >>= 1n;
  }
  return r;
}

function mgf1(hash: HashFn, hLen: number, seed: Uint8Array, len: number): Uint8Array {
  const out = new Uint8Array(len);
  const c = new Uint8Array(4);
  for (let counter = 0, o = 0; o < len; counter++) {
    c[0] = counter >>> 24;
    c[1] = (counter >>> 16) & 0xff;
    c[2] = (counter >>> 8) & 0xff;
    c[3] = counter & 0xff;
    const h = hash(concatBytes(seed, c));
    out.set(h.subarray(0, Math.min(hLen, len - o)), o);
    o += hLen;
  }
  return out;
}

export function verifyRsaPss(hashName: string, n: Uint8Array, e: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  const h = HASHES[hashName];
  if (!h) return false;
  const N = toBigInt(n);
  const k = Math.ceil(bitLength(N) / 8);
  if (signature.length !== k) return false;
  const s = toBigInt(signature);
  if (s >= N) return false;
  const modBits = bitLength(N);
  const emBits = modBits - 1;
  const emLen = Math.ceil(emBits / 8);
  const em = toBytes(modPow(s, toBigInt(e), N), k).subarray(k - emLen);
  const hLen = h.len,
    sLen = h.len;
  if (emLen < hLen + sLen + 2) return false;
  if (em[emLen - 1] !== 0xbc) return false;
  const maskedDB = em.subarray(0, emLen - hLen - 1);
  const H = em.subarray(emLen - hLen - 1, emLen - 1);
  const zeroBits = 8 * emLen - emBits;
  if (zeroBits > 0 && (maskedDB[0] & (0xff << (8 - zeroBits)) & 0xff) !== 0) return false;
  const db = mgf1(h.fn, hLen, H, emLen - hLen - 1);
  for (let i = 0; i < db.length; i++) db[i] ^= maskedDB[i];
  if (zeroBits > 0) db[0] &= 0xff >>> zeroBits;
  const psLen = emLen - hLen - sLen - 2;
  for (let i = 0; i < psLen; i++) if (db[i] !== 0) return false;
  if (db[psLen] !== 0x01) return false;
  const salt = db.subarray(db.length - sLen);
  const mPrime = concatBytes(new Uint8Array(8), h.fn(message), salt);
  return bytesEqual(h.fn(mPrime), H);
}

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}
