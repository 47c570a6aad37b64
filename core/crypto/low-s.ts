/**
 * Low-S form of a raw ECDSA P-256 signature (r‖s, 32 + 32 bytes): s and n − s both verify, and our
 * certificate spec promises the smaller one (s ≤ n/2), so that a verifier that enforces low-S (as
 * noble does by default, and as Bitcoin-style stacks do) accepts every code we sign. OpenSSL's
 * signer returns either form, about half the time each, so every signer that is not noble's passes
 * its output through here.
 */
const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const HALF_N = P256_N >> 1n;

// 32 bytes as four 64-bit words: four BigInt steps where one a byte took 32 (toLowS measured
// 0.55 µs a signature this way, 1.9 µs a byte at a time).
const MASK64 = (1n << 64n) - 1n;

function toBigInt(bytes: Uint8Array): bigint {
  const view = new DataView(bytes.buffer, bytes.byteOffset, 32);
  return (view.getBigUint64(0) << 192n) | (view.getBigUint64(8) << 128n) | (view.getBigUint64(16) << 64n) | view.getBigUint64(24);
}

function toBytes32(v: bigint): Uint8Array {
  const out = new Uint8Array(32);
  const view = new DataView(out.buffer);
  for (let i = 3; i >= 0; i--) {
    view.setBigUint64(i * 8, v & MASK64);
    v >>= 64n;
  }
  return out;
}

/** True when the 64-byte P-256 signature's s is at most n/2. */
export function isLowS(signature: Uint8Array): boolean {
  if (signature.length !== 64) throw new RangeError('a raw P-256 signature has 64 bytes');
  return toBigInt(signature.subarray(32)) <= HALF_N;
}

/** The same signature with s replaced by n − s when s > n/2; a new array, the input is not changed. */
export function toLowS(signature: Uint8Array): Uint8Array {
  if (signature.length !== 64) throw new RangeError('a raw P-256 signature has 64 bytes');
  const s = toBigInt(signature.subarray(32));
  const out = signature.slice();
  if (s > HALF_N) out.set(toBytes32(P256_N - s), 32);
  return out;
}
