/**
 * zlib (RFC 1950) as used by HCERT. Inflation is bounded: a decompression bomb stops at the limit
 * instead of exhausting memory. fflate is pure JS and runs in the mini program.
 */
import { Unzlib, zlibSync } from 'fflate';
import { IthcError } from './errors';

export function isZlib(b: Uint8Array): boolean {
  // CMF 0x78 (deflate, 32K window) and a header checksum divisible by 31 (RFC 1950 §2.2).
  return b.length >= 2 && (b[0] & 0x0f) === 8 && (b[0] >> 4) <= 7 && ((b[0] << 8) | b[1]) % 31 === 0;
}

export function deflate(data: Uint8Array): Uint8Array {
  return zlibSync(data, { level: 9 });
}

/** Inflates a zlib stream, refusing output past maxBytes (SIZE_LIMIT) and corrupt input (ZLIB_INVALID). */
export function inflate(data: Uint8Array, maxBytes: number): Uint8Array {
  if (!isZlib(data)) throw new IthcError('ZLIB_INVALID', 'data is not a zlib stream (bad header)');
  const chunks: Uint8Array[] = [];
  let total = 0;
  let ended = false;
  const inf = new Unzlib((chunk, final) => {
    total += chunk.length;
    if (total > maxBytes) throw new IthcError('SIZE_LIMIT', `inflated data exceeds ${maxBytes} bytes`);
    chunks.push(chunk);
    if (final) ended = true;
  });
  // Feed in small slices so a bomb is caught after a bounded amount of output, not after fflate
  // has inflated a whole huge block into memory.
  try {
    const step = 256;
    for (let i = 0; i < data.length; i += step) inf.push(data.subarray(i, Math.min(data.length, i + step)), i + step >= data.length);
  } catch (e) {
    if (e instanceof IthcError) throw e;
    throw new IthcError('ZLIB_INVALID', `corrupt zlib stream (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!ended) throw new IthcError('ZLIB_INVALID', 'zlib stream is truncated');
  let out: Uint8Array;
  if (chunks.length === 1) out = chunks[0];
  else {
    out = new Uint8Array(total);
    let o = 0;
    for (const c of chunks) { out.set(c, o); o += c.length; }
  }
  // fflate does not check the Adler-32 trailer (RFC 1950 §2.2); a corrupted stream must not pass.
  const n = data.length;
  const trailer = n >= 6 ? ((data[n - 4] << 24) | (data[n - 3] << 16) | (data[n - 2] << 8) | data[n - 1]) >>> 0 : -1;
  if (trailer !== adler32(out)) throw new IthcError('ZLIB_INVALID', 'zlib checksum mismatch');
  return out;
}

function adler32(b: Uint8Array): number {
  let a = 1, s = 0;
  for (let i = 0; i < b.length; ) {
    // 5552 is the largest run before s can overflow 2^32 (zlib's NMAX).
    const end = Math.min(b.length, i + 5552);
    for (; i < end; i++) { a += b[i]; s += a; }
    a %= 65521; s %= 65521;
  }
  return ((s << 16) | a) >>> 0;
}
