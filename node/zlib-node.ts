/**
 * The zlib stage of a code through Node's native zlib, for verifiers that run on Node (the CLI and
 * its workers): about a tenth of a code's CPU went to the pure-JavaScript inflater, which the
 * core keeps because the mini program has no native one. The contract is core/zlib.ts Inflater's,
 * refusal for refusal: the same header check, the output bound, the Adler-32 read from the last
 * four bytes (so bytes after the trailer are refused, as the core refuses them). One difference in
 * wording only: a stream that is both too long and corrupt further on is SIZE_LIMIT here (inflation
 * stops at the bound) where the core's one-shot path may read on and call it ZLIB_INVALID.
 */
import { inflateSync } from 'node:zlib';
import { IthcError } from '../core/errors';
import { adler32, isZlib, zlibTrailer, type Inflater } from '../core/zlib';

export const nativeInflate: Inflater = (data, maxBytes) => {
  if (!isZlib(data)) throw new IthcError('ZLIB_INVALID', 'data is not a zlib stream (bad header)');
  if (data.length < 8) throw new IthcError('ZLIB_INVALID', 'zlib stream is truncated');
  let out: Buffer;
  try {
    out = inflateSync(data, { maxOutputLength: maxBytes });
  } catch (e) {
    if ((e as { code?: unknown } | null)?.code === 'ERR_BUFFER_TOO_LARGE') throw new IthcError('SIZE_LIMIT', `inflated data exceeds ${maxBytes} bytes`);
    throw new IthcError('ZLIB_INVALID', `corrupt zlib stream (${e instanceof Error ? e.message : String(e)})`);
  }
  if (out.length > maxBytes) throw new IthcError('SIZE_LIMIT', `inflated data exceeds ${maxBytes} bytes`);
  if (zlibTrailer(data) !== adler32(out)) throw new IthcError('ZLIB_INVALID', 'zlib checksum mismatch');
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
};
