/**
 * zlib (RFC 1950) as used by HCERT, and raw DEFLATE (RFC 1951), which sealed codes use inside
 * their encryption (docs/sealed-codes.md: AES-GCM authenticates the plaintext, so zlib's header
 * and checksum would only add six bytes). Inflation is bounded: a decompression bomb stops at the
 * limit instead of exhausting memory. fflate is pure JS and runs in the mini program.
 */
import { Inflate, Unzlib, deflateSync, inflateSync, unzlibSync, zlibSync } from 'fflate';
import { IthcError } from './errors';

export function isZlib(b: Uint8Array): boolean {
  // CMF 0x78 (deflate, 32K window) and a header checksum divisible by 31 (RFC 1950 §2.2).
  return b.length >= 2 && (b[0] & 0x0f) === 8 && b[0] >> 4 <= 7 && ((b[0] << 8) | b[1]) % 31 === 0;
}

export function deflate(data: Uint8Array): Uint8Array {
  return zlibSync(data, { level: 9 });
}

/** Raw DEFLATE (RFC 1951): no zlib header, no Adler-32. */
export function deflateRaw(data: Uint8Array): Uint8Array {
  return deflateSync(data, { level: 9 });
}

/**
 * Inflates raw DEFLATE, refusing output past maxBytes (SIZE_LIMIT) and corrupt or truncated input
 * (ZLIB_INVALID). There is no checksum: use it only on data authenticated otherwise.
 */
export function inflateRaw(data: Uint8Array, maxBytes: number): Uint8Array {
  // The shortest deflate stream (an empty final fixed-Huffman block) is 2 bytes; fflate, given
  // fewer, would hand back the whole output buffer as if it were output.
  if (data.length < 2) throw new IthcError('ZLIB_INVALID', 'deflate stream is truncated');
  if (data.length <= ONE_SHOT_MAX_INPUT) {
    if (scratch.length !== maxBytes + 1) scratch = new Uint8Array(maxBytes + 1);
    let out: Uint8Array;
    try {
      out = inflateSync(data, { out: scratch });
    } catch (e) {
      if ((e as { name?: unknown } | null)?.name === 'RangeError') throw new IthcError('SIZE_LIMIT', `inflated data exceeds ${maxBytes} bytes`);
      throw new IthcError('ZLIB_INVALID', `corrupt deflate stream (${e instanceof Error ? e.message : String(e)})`);
    }
    if (out.length > maxBytes) throw new IthcError('SIZE_LIMIT', `inflated data exceeds ${maxBytes} bytes`);
    return out.slice();
  }
  return inflateStreaming(data, maxBytes, new Inflate(), 'deflate');
}

/**
 * Largest compressed input inflated in one shot. Real codes compress to ~400 bytes (PS256 ~600);
 * at deflate's ~1:1032 worst ratio a one-shot bomb of this size makes ~1 MB of (discarded) output,
 * a few milliseconds. Larger inputs go through the streaming inflater in small slices, which stops
 * soon after the limit instead of inflating the whole input first.
 */
const ONE_SHOT_MAX_INPUT = 1024;
/** Scratch output buffer, reused: inflation is synchronous, so no two calls share it at once. */
let scratch = new Uint8Array(0);

/**
 * What inflating the zlib stage of a code means, whoever does it: the bytes of the stream or an
 * IthcError, SIZE_LIMIT past maxBytes of output, ZLIB_INVALID for a bad header, a truncated or
 * corrupt stream, a wrong Adler-32, or bytes after the trailer. `inflate` below is the pure one,
 * which every surface uses (for a code's few hundred bytes node:zlib is no faster: each call builds
 * a stream object and a native zlib state); a platform may pass another with this contract.
 */
export type Inflater = (data: Uint8Array, maxBytes: number) => Uint8Array;

/** The last four bytes of a zlib stream as the Adler-32 they carry (RFC 1950 §2.2). */
export function zlibTrailer(data: Uint8Array): number {
  const n = data.length;
  return ((data[n - 4] << 24) | (data[n - 3] << 16) | (data[n - 2] << 8) | data[n - 1]) >>> 0;
}

/** Inflates a zlib stream, refusing output past maxBytes (SIZE_LIMIT) and corrupt input (ZLIB_INVALID). */
export function inflate(data: Uint8Array, maxBytes: number): Uint8Array {
  if (!isZlib(data)) throw new IthcError('ZLIB_INVALID', 'data is not a zlib stream (bad header)');
  // Header (2) + the shortest deflate stream (2) + Adler-32 (4). Shorter is truncated; and fflate,
  // given no deflate data at all, would hand back the whole output buffer as if it were output.
  if (data.length < 8) throw new IthcError('ZLIB_INVALID', 'zlib stream is truncated');
  const out = data.length <= ONE_SHOT_MAX_INPUT ? inflateOneShot(data, maxBytes) : inflateStreaming(data, maxBytes, new Unzlib(), 'zlib');
  // fflate does not check the Adler-32 trailer (RFC 1950 §2.2); a corrupted stream must not pass.
  if (zlibTrailer(data) !== adler32(out)) throw new IthcError('ZLIB_INVALID', 'zlib checksum mismatch');
  return out;
}

/**
 * Into a fixed buffer one byte larger than the limit: fflate never grows a buffer it was given and
 * drops writes past its end, so memory stays at maxBytes + 1. Measured ~4x faster per code than
 * the streaming inflater, which allocates a 128 KB window per pushed slice.
 */
function inflateOneShot(data: Uint8Array, maxBytes: number): Uint8Array {
  if (scratch.length !== maxBytes + 1) scratch = new Uint8Array(maxBytes + 1);
  let out: Uint8Array;
  try {
    out = unzlibSync(data, { out: scratch });
  } catch (e) {
    // A stored block larger than the room left is refused by the typed array itself. (By name: the
    // error comes from the typed array's realm, which under a test sandbox is not this module's.)
    if ((e as { name?: unknown } | null)?.name === 'RangeError') throw new IthcError('SIZE_LIMIT', `inflated data exceeds ${maxBytes} bytes`);
    throw new IthcError('ZLIB_INVALID', `corrupt zlib stream (${e instanceof Error ? e.message : String(e)})`);
  }
  if (out.length > maxBytes) throw new IthcError('SIZE_LIMIT', `inflated data exceeds ${maxBytes} bytes`);
  // Copy off the scratch buffer: callers keep the result.
  return out.slice();
}

function inflateStreaming(data: Uint8Array, maxBytes: number, inf: Unzlib | Inflate, what: 'zlib' | 'deflate'): Uint8Array {
  const chunks: Uint8Array[] = [];
  let total = 0;
  let ended = false;
  inf.ondata = (chunk, final) => {
    total += chunk.length;
    if (total > maxBytes) throw new IthcError('SIZE_LIMIT', `inflated data exceeds ${maxBytes} bytes`);
    chunks.push(chunk);
    if (final) ended = true;
  };
  // Feed in small slices so a bomb is caught after a bounded amount of output, not after fflate
  // has inflated a whole huge block into memory.
  try {
    const step = 256;
    for (let i = 0; i < data.length; i += step) inf.push(data.subarray(i, Math.min(data.length, i + step)), i + step >= data.length);
  } catch (e) {
    if (e instanceof IthcError) throw e;
    throw new IthcError('ZLIB_INVALID', `corrupt ${what} stream (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!ended) throw new IthcError('ZLIB_INVALID', `${what} stream is truncated`);
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

export function adler32(b: Uint8Array): number {
  let a = 1,
    s = 0;
  for (let i = 0; i < b.length;) {
    // 5552 is the largest run before s can overflow 2^32 (zlib's NMAX).
    const end = Math.min(b.length, i + 5552);
    for (; i < end; i++) {
      a += b[i];
      s += a;
    }
    a %= 65521;
    s %= 65521;
  }
  return ((s << 16) | a) >>> 0;
}
