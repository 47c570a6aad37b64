/**
 * The QR codes in an image or PDF file: PNG (pngjs) and JPEG (jpeg-js) to pixels, PDF pages
 * rendered with pdf.js, then ZXing-C++ (node/qr-reader.ts) reads every code, in reading order.
 * Loaded only when a file is given, so plain codes and batches do not pay for these libraries at
 * start-up.
 *
 * Bounds: the file size; the pixel count read from the image header before any pixel buffer is
 * allocated (a 20-byte PNG header can claim 4 billion pixels); for a PDF, the pages read and the
 * pixels a page is rendered at.
 */
import { PNG } from 'pngjs';
import * as jpeg from 'jpeg-js';
import type { Pixels } from '../core/qr-read';
import { readQrCodesNode, renderPdfPages } from '../node/qr-reader';
import { UsageError } from './args';

/** 16 megapixels: a 4K screenshot or a 12 MP phone photo, ~64 MB as RGBA. */
export const MAX_IMAGE_PIXELS = 16_000_000;
export const MAX_IMAGE_BYTES = 32 * 1024 * 1024;
/** Pages of a PDF read, from the first: the paper certificate has three. */
export const MAX_PDF_PAGES = 10;

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export type FileKind = 'png' | 'jpeg' | 'pdf';

export function fileKind(b: Uint8Array): FileKind | undefined {
  if (b.length >= 24 && PNG_SIGNATURE.every((x, i) => b[i] === x)) return 'png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  // "%PDF-": at the start, or within the first 1024 bytes as readers allow (ISO 32000-1, Annex H).
  const head = new TextDecoder('latin1').decode(b.subarray(0, 1024));
  if (head.includes('%PDF-')) return 'pdf';
  return undefined;
}

/** A code read from a file, and where: the page of a PDF, the place in reading order. */
export interface FileCode {
  text: string;
  file: string;
  page?: number;
  /** 1-based, in reading order on its image or page. */
  index: number;
  /** How many codes its image or page holds. */
  of: number;
}

/**
 * Every QR code in an image or PDF file's bytes: in reading order (top to bottom, left to right),
 * page after page. UsageError when the file is not a PNG, JPEG or PDF, cannot be read, or holds no
 * readable code. `warn` hears what was left out (pages past MAX_PDF_PAGES).
 */
export async function readFileCodes(bytes: Uint8Array, name: string, warn: (message: string) => void = () => undefined): Promise<FileCode[]> {
  const kind = fileKind(bytes);
  if (!kind) throw new UsageError(`${name} is not an image (PNG or JPEG) or a PDF`);
  const out: FileCode[] = [];
  if (kind === 'pdf') {
    try {
      for await (const p of renderPdfPages(bytes, { maxPages: MAX_PDF_PAGES, maxPixels: MAX_IMAGE_PIXELS })) {
        if (p.page === 1 && p.numPages > MAX_PDF_PAGES) warn(`${name} has ${p.numPages} pages; only the first ${MAX_PDF_PAGES} are read`);
        const found = await readQrCodesNode(p.pixels);
        found.forEach((c, i) => out.push({ text: c.text, file: name, page: p.page, index: i + 1, of: found.length }));
      }
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      const hint = /canvas/i.test(msg) ? '; render the page to a PNG (e.g. pdftoppm -r 150 -png) and give that' : '';
      throw new UsageError(`cannot read the PDF ${name}: ${msg}${hint}`);
    }
  } else {
    const found = await readQrCodesNode(kind === 'png' ? readPng(bytes, name) : readJpeg(bytes, name));
    found.forEach((c, i) => out.push({ text: c.text, file: name, index: i + 1, of: found.length }));
  }
  if (out.length === 0) throw new UsageError(`no readable QR code found in ${name}`);
  return out;
}

function readPng(bytes: Uint8Array, name: string): Pixels {
  // IHDR is the first chunk: width and height are big-endian at offsets 16 and 20.
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  checkPixels(view.getUint32(16), view.getUint32(20), name);
  try {
    const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    return rgba(png.width, png.height, png.data);
  } catch (e) {
    throw new UsageError(`cannot read the PNG image ${name}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function readJpeg(bytes: Uint8Array, name: string): Pixels {
  try {
    const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_IMAGE_PIXELS / 1e6, maxMemoryUsageInMB: 256 });
    checkPixels(img.width, img.height, name);
    return rgba(img.width, img.height, img.data);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`cannot read the JPEG image ${name}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function rgba(width: number, height: number, data: Uint8Array): Pixels {
  return { width, height, data: new Uint8ClampedArray(data.buffer, data.byteOffset, width * height * 4) };
}

function checkPixels(width: number, height: number, name: string): void {
  if (width === 0 || height === 0) throw new UsageError(`${name} has no pixels`);
  if (width * height > MAX_IMAGE_PIXELS) throw new UsageError(`${name} is ${width}×${height} pixels; at most ${MAX_IMAGE_PIXELS / 1e6} megapixels are read`);
}
