/**
 * QR reading in Node (core/qr-read.ts over ZXing-C++): the WebAssembly decoder is read from the
 * zxing-wasm package's own file, never fetched (the package's default would load it from a CDN),
 * and PDF pages are rendered with pdf.js (pdfjs-dist, over its @napi-rs/canvas) when a PDF is given.
 * Both load on first use: a command that reads no image pays for neither.
 */
import { readFileSync } from 'node:fs';
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';
import { QR_READER_OPTIONS, readQrCodes, type FoundCode, type Pixels, type QrDecoder } from '../core/qr-read';

let prepared = false;

/** The decoder, its WebAssembly loaded from node_modules/zxing-wasm on the first call. */
export const nodeQrDecoder: QrDecoder = async (pixels) => {
  if (!prepared) {
    const wasm = readFileSync(require.resolve('zxing-wasm/reader/zxing_reader.wasm'));
    prepareZXingModule({ overrides: { wasmBinary: wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) } });
    prepared = true;
  }
  return readBarcodes({ data: pixels.data, width: pixels.width, height: pixels.height, colorSpace: 'srgb' } as ImageData, QR_READER_OPTIONS);
};

/** Every QR code in the pixels, in reading order. */
export function readQrCodesNode(pixels: Pixels): Promise<FoundCode[]> {
  return readQrCodes(pixels, nodeQrDecoder);
}

/** One rendered page of a PDF. */
export interface PdfPagePixels {
  /** 1-based. */
  page: number;
  pixels: Pixels;
}

export interface PdfRenderLimits {
  /** Pages rendered, from the first. */
  maxPages: number;
  /** Most pixels of one rendered page; a larger page is rendered at a lower resolution. */
  maxPixels: number;
}

/** Resolution pages are rendered at: 180 dpi makes a 0.5 mm module 3.5 pixels (the web verifier's too). */
const PDF_SCALE = 180 / 72;

interface PdfJsNode {
  getDocument(src: {
    data: Uint8Array;
    isEvalSupported: boolean;
    disableFontFace: boolean;
    useSystemFonts: boolean;
    stopAtErrors: boolean;
    verbosity: number;
  }): { promise: Promise<PdfDocNode> };
}
interface PdfDocNode {
  numPages: number;
  getPage(n: number): Promise<PdfPageNode>;
  destroy(): Promise<void>;
  canvasFactory: { create(w: number, h: number): { canvas: unknown; context: { getImageData(x: number, y: number, w: number, h: number): Pixels } } };
}
interface PdfPageNode {
  getViewport(o: { scale: number }): { width: number; height: number };
  render(o: { canvasContext: unknown; viewport: unknown; background: string }): { promise: Promise<void> };
}

/**
 * Renders the first `maxPages` pages of a PDF, one at a time (a page's pixels can be dropped before
 * the next is drawn). Throws what pdf.js throws for a PDF it cannot read; the caller words it.
 */
export async function* renderPdfPages(bytes: Uint8Array, limits: PdfRenderLimits): AsyncGenerator<PdfPagePixels & { numPages: number }> {
  // pdf.js is ESM only: a real dynamic import (a CommonJS bundle cannot require it).
  const pdfjs = (await import('pdfjs-dist/legacy/build/pdf.mjs')) as unknown as PdfJsNode;
  // A copy: pdf.js takes the buffer over. Verbosity 0: pdf.js would print its warnings on stdout,
  // among the results.
  const doc = await pdfjs.getDocument({
    data: bytes.slice(),
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    stopAtErrors: false,
    verbosity: 0,
  }).promise;
  try {
    for (let n = 1; n <= Math.min(doc.numPages, limits.maxPages); n++) {
      const page = await doc.getPage(n);
      const unit = page.getViewport({ scale: 1 });
      const scale = Math.min(PDF_SCALE, Math.sqrt(limits.maxPixels / Math.max(1, unit.width * unit.height)));
      const viewport = page.getViewport({ scale });
      const w = Math.max(1, Math.floor(viewport.width)),
        h = Math.max(1, Math.floor(viewport.height));
      const { context } = doc.canvasFactory.create(w, h);
      await page.render({ canvasContext: context, viewport, background: '#ffffff' }).promise;
      yield { page: n, numPages: doc.numPages, pixels: context.getImageData(0, 0, w, h) };
    }
  } finally {
    await doc.destroy();
  }
}
