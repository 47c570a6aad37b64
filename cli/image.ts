/**
 * A QR code read from a PNG or JPEG file (pngjs / jpeg-js to pixels, jsQR to text). Loaded only
 * when an image is given, so plain codes and batches do not pay for these libraries at start-up.
 *
 * Bounds: the file size, and the pixel count read from the image header before any pixel buffer is
 * allocated (a 20-byte PNG header can claim 4 billion pixels).
 */
import { PNG } from 'pngjs';
import * as jpeg from 'jpeg-js';
import jsQR from 'jsqr';
import { UsageError } from './args';

/** 16 megapixels: a 4K screenshot or a 12 MP phone photo, ~64 MB as RGBA. */
export const MAX_IMAGE_PIXELS = 16_000_000;
export const MAX_IMAGE_BYTES = 32 * 1024 * 1024;

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export type ImageKind = 'png' | 'jpeg';

export function imageKind(b: Uint8Array): ImageKind | undefined {
  if (b.length >= 24 && PNG_SIGNATURE.every((x, i) => b[i] === x)) return 'png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  return undefined;
}

/** The text of the QR code in an image file's bytes, or UsageError naming what went wrong. */
export function decodeQrImage(bytes: Uint8Array, name: string): string {
  const kind = imageKind(bytes);
  if (!kind) throw new UsageError(`${name} is neither a PNG nor a JPEG image`);
  const { width, height, data } = kind === 'png' ? readPng(bytes, name) : readJpeg(bytes, name);
  const pixels = new Uint8ClampedArray(data.buffer, data.byteOffset, width * height * 4);
  const qr = jsQR(pixels, width, height, { inversionAttempts: 'attemptBoth' });
  if (!qr || !qr.data) throw new UsageError(`no readable QR code found in ${name}`);
  return qr.data;
}

function readPng(bytes: Uint8Array, name: string): { width: number; height: number; data: Uint8Array } {
  // IHDR is the first chunk: width and height are big-endian at offsets 16 and 20.
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  checkPixels(view.getUint32(16), view.getUint32(20), name);
  try {
    const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    return { width: png.width, height: png.height, data: png.data };
  } catch (e) {
    throw new UsageError(`cannot read the PNG image ${name}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function readJpeg(bytes: Uint8Array, name: string): { width: number; height: number; data: Uint8Array } {
  try {
    const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_IMAGE_PIXELS / 1e6, maxMemoryUsageInMB: 256 });
    checkPixels(img.width, img.height, name);
    return img;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`cannot read the JPEG image ${name}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function checkPixels(width: number, height: number, name: string): void {
  if (width === 0 || height === 0) throw new UsageError(`${name} has no pixels`);
  if (width * height > MAX_IMAGE_PIXELS) throw new UsageError(`${name} is ${width}×${height} pixels; at most ${MAX_IMAGE_PIXELS / 1e6} megapixels are read`);
}
