/**
 * Deflate in the zlib format PDF's FlateDecode reads, with node:zlib: native code, several times
 * faster than pdf-lib's own pako.
 */
import { deflateSync } from 'node:zlib';

/**
 * The deflated bytes as a Uint8Array of the realm this code runs in. pdf-lib tells bytes from text
 * with `instanceof Uint8Array`, and node:zlib's Buffer is of Node's own realm: where the renderer
 * runs in another (a vm context, a test environment), pdf-lib would take it for text. A view, not
 * a copy.
 */
export function zlibDeflate(bytes: Uint8Array): Uint8Array {
  // Typed as this realm's Buffer, which is what TypeScript cannot see is not always so.
  const out: { buffer: ArrayBufferLike; byteOffset: number; byteLength: number } = deflateSync(bytes);
  return out instanceof Uint8Array ? out : new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}
