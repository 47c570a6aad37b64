/**
 * A destination authority's P-256 key as sealed codes name it (docs/sealed-codes.md): its
 * SubjectPublicKeyInfo and the kid derived from it. Apart from core/seal.ts so that naming keys
 * (the CLI reads --key files before every verification) does not load the AES tables and P-256
 * arithmetic that only opening a sealed code needs (~15 ms at start-up).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes } from './bytes';

/** SubjectPublicKeyInfo of a P-256 key, up to the uncompressed point (RFC 5480): 26 fixed bytes. */
export const P256_SPKI_PREFIX = Uint8Array.from([
  0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
]);

/** SubjectPublicKeyInfo DER (RFC 5480) of an uncompressed P-256 point 04 ‖ x ‖ y. */
export function p256Spki(point: Uint8Array): Uint8Array {
  if (!(point instanceof Uint8Array) || point.length !== 65 || point[0] !== 4) throw new TypeError('p256Spki needs an uncompressed P-256 point (65 bytes)');
  return concatBytes(P256_SPKI_PREFIX, point);
}

/**
 * A kid derived from an authority key: the first 8 bytes of SHA-256 over its SPKI (as a DSC's kid is
 * over its certificate). The demo authority is registered under it; the web verifier names a loaded
 * key by it. A real partner registers whatever kid its own system uses.
 */
export function authorityKid(spki: Uint8Array): Uint8Array {
  return sha256(spki).subarray(0, 8);
}
