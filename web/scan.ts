/**
 * Reading QR codes in the browser: from camera frames, image files and PDF pages.
 *
 * Two decoders. The browser's own BarcodeDetector where it exists and reads QR codes (Chrome on
 * Android, ChromeOS and macOS, Safari); where it is missing (Chromium and Firefox on Linux and
 * Windows) or finds nothing, ZXing-C++ compiled to WebAssembly (zxing-wasm, core/qr-read.ts), which
 * reads photographed, scanned, tilted and blurred codes as well as zbar does. Its .wasm (~0.9 MB)
 * is fetched from this site on the first scan, never on page load, and the service worker keeps
 * it for offline use (web/sw.ts). PDFs are rendered with pdf.js (Mozilla), likewise loaded only
 * when a PDF is opened. The paper certificate's QR is vector art, so rendering is the only way to
 * read it back.
 *
 * An image or a PDF page may hold several codes (page 3 of the paper certificate holds three):
 * every one is returned, in reading order (top to bottom, left to right), page after page.
 */
import { prepareZXingModule, purgeZXingModule, readBarcodes, ZXING_WASM_SHA256 } from 'zxing-wasm/reader';
import { toHex } from '../core/bytes';
import { QR_READER_OPTIONS, readingOrder, readQrCodes, type FoundCode, type QrDecoder } from '../core/qr-read';

/** The .wasm's file name in this build (scripts/web-build.mjs): it carries a hash of its bytes. */
declare const __ZXING_WASM__: string;
/** pdf.js's file names in this build, likewise hashed: fetched on the first PDF, kept by the service worker from then on. */
declare const __PDFJS__: { api: string; worker: string };

interface DetectedBarcode {
  rawValue: string;
  cornerPoints: ReadonlyArray<{ x: number; y: number }>;
}
interface BarcodeDetectorLike {
  detect(source: ImageBitmapSource): Promise<DetectedBarcode[]>;
}
interface BarcodeDetectorCtor {
  new (opts: { formats: string[] }): BarcodeDetectorLike;
  getSupportedFormats(): Promise<string[]>;
}

let detector: Promise<BarcodeDetectorLike | null> | undefined;

/** The native detector when this browser has one that reads QR codes. */
export function nativeDetector(): Promise<BarcodeDetectorLike | null> {
  detector ??= (async () => {
    const Ctor = (globalThis as { BarcodeDetector?: BarcodeDetectorCtor }).BarcodeDetector;
    if (!Ctor) return null;
    try {
      return (await Ctor.getSupportedFormats()).includes('qr_code') ? new Ctor({ formats: ['qr_code'] }) : null;
    } catch {
      return null;
    }
  })();
  return detector;
}

async function detectNative(source: ImageBitmapSource): Promise<FoundCode[]> {
  const native = await nativeDetector();
  if (!native) return [];
  try {
    const found = await native.detect(source);
    return readingOrder(
      found
        .filter((b) => b.rawValue)
        .map((b) => {
          const xs = b.cornerPoints.map((p) => p.x),
            ys = b.cornerPoints.map((p) => p.y);
          return { text: b.rawValue, box: { left: Math.min(...xs), top: Math.min(...ys), right: Math.max(...xs), bottom: Math.max(...ys) } };
        }),
    );
  } catch {
    // A detector that fails on this source: ZXing reads it instead.
    return [];
  }
}

/** ZXing's WebAssembly could not be loaded (offline before the first scan, or a broken deployment). */
export class DecoderUnavailable extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'DecoderUnavailable';
  }
}

let zxingReady: Promise<void> | undefined;

/**
 * Loads ZXing's WebAssembly from this site (through the service worker, so from its cache once
 * used), checks it is the file this build's zxing-wasm expects, and instantiates it. A failed load
 * (offline before the first scan) is forgotten, so the next scan tries again.
 */
function loadZxing(): Promise<void> {
  zxingReady ??= (async () => {
    const url = new URL(__ZXING_WASM__, document.baseURI).href;
    const res = await fetch(url);
    if (!res.ok) throw new Error(`HTTP ${res.status} for ${__ZXING_WASM__}`);
    const wasmBinary = await res.arrayBuffer();
    const digest = toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', wasmBinary)));
    if (digest !== ZXING_WASM_SHA256) throw new Error(`${__ZXING_WASM__} is not the decoder this page was built with`);
    // locateFile too: zxing-wasm's default points at a CDN, and nothing here may reach one.
    await prepareZXingModule({ overrides: { wasmBinary, locateFile: () => url }, fireImmediately: true });
    keepForOffline(url);
  })().catch((e: unknown) => {
    zxingReady = undefined;
    purgeZXingModule();
    throw new DecoderUnavailable(e instanceof Error ? e.message : String(e));
  });
  return zxingReady;
}

/**
 * A page not yet controlled by the service worker (a scan in the first seconds of the first visit)
 * fetched the decoder past it: fetched once more when the worker takes over, it is cached then.
 */
function keepForOffline(url: string): void {
  const sw = 'serviceWorker' in navigator ? navigator.serviceWorker : undefined;
  if (!sw || sw.controller) return;
  sw.addEventListener('controllerchange', () => void fetch(url).catch(() => undefined), { once: true });
}

const zxingDecoder: QrDecoder = async (pixels) => {
  await loadZxing();
  return await readBarcodes(pixels as ImageData, QR_READER_OPTIONS);
};

/** Every code in a frame of pixels, in reading order: the native detector's, else ZXing's. */
export async function decodePixels(img: ImageData, opts: { enlarge?: boolean } = {}): Promise<FoundCode[]> {
  const native = await detectNative(img);
  if (native.length) return native;
  return readQrCodes(img, zxingDecoder, opts);
}

/** Largest side, in pixels, an image is decoded at: enough for a 177-module QR filling a tenth of a photo. */
const MAX_SIDE = 2400;

function canvasFor(width: number, height: number): { canvas: HTMLCanvasElement; ctx: CanvasRenderingContext2D } {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('no 2D canvas');
  return { canvas, ctx };
}

/** What a file is, from its first bytes (its name and type are the sender's word, not the content). */
export type FileKind = 'pdf' | 'image' | 'unknown';

/** Signatures of image formats browsers decode: PNG, JPEG, GIF, WebP, BMP, AVIF/HEIF, TIFF, ICO. */
function looksLikeImage(b: Uint8Array): boolean {
  const at = (o: number, s: string) => [...s].every((c, i) => b[o + i] === c.charCodeAt(0));
  return (
    (b[0] === 0x89 && at(1, 'PNG')) ||
    (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) ||
    at(0, 'GIF8') ||
    (at(0, 'RIFF') && at(8, 'WEBP')) ||
    at(0, 'BM') ||
    at(4, 'ftyp') ||
    at(0, 'II*\0') ||
    at(0, 'MM\0*') ||
    (b[0] === 0 && b[1] === 0 && b[2] === 1 && b[3] === 0)
  );
}

export async function fileKind(file: Blob): Promise<FileKind> {
  const head = new Uint8Array(await file.slice(0, 1024).arrayBuffer());
  // "%PDF-" at the start, or within the first 1024 bytes as PDF readers allow (ISO 32000-1, Annex H).
  if (new TextDecoder('latin1').decode(head).includes('%PDF-')) return 'pdf';
  return looksLikeImage(head) ? 'image' : 'unknown';
}

/** The file is not an image this browser decodes: `known` when its bytes are a known image format. */
export class NotAnImage extends Error {
  constructor(
    readonly known: boolean,
    reason: string,
  ) {
    super(reason);
    this.name = 'NotAnImage';
  }
}

/** Every QR code in an image file (PNG, JPEG, WebP, ...), in reading order. */
export async function decodeImageFile(file: Blob): Promise<FoundCode[]> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch (e) {
    const head = new Uint8Array(await file.slice(0, 16).arrayBuffer());
    throw new NotAnImage(looksLikeImage(head), e instanceof Error ? e.message : String(e));
  }
  try {
    const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
    const w = Math.max(1, Math.round(bitmap.width * scale)),
      h = Math.max(1, Math.round(bitmap.height * scale));
    const { ctx } = canvasFor(w, h);
    // A transparent PNG would read as black on black: paint white first.
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, w, h);
    ctx.drawImage(bitmap, 0, 0, w, h);
    return decodePixels(ctx.getImageData(0, 0, w, h));
  } finally {
    bitmap.close();
  }
}

interface PdfJs {
  GlobalWorkerOptions: { workerSrc: string };
  getDocument(src: { data: Uint8Array; isEvalSupported?: boolean; disableFontFace?: boolean; useSystemFonts?: boolean }): { promise: Promise<PdfDoc> };
}
interface PdfDoc {
  numPages: number;
  getPage(n: number): Promise<PdfPage>;
  destroy(): Promise<void>;
}
interface PdfPage {
  getViewport(o: { scale: number }): { width: number; height: number };
  render(o: { canvasContext: CanvasRenderingContext2D; viewport: unknown; background?: string }): { promise: Promise<void> };
}

let pdfjs: Promise<PdfJs> | undefined;

function loadPdfJs(base: string): Promise<PdfJs> {
  pdfjs ??= (async () => {
    // A URL held in a variable stays a real dynamic import (esbuild leaves it alone): pdf.js is
    // fetched only now, from this site, and the service worker keeps it for offline use.
    const url = new URL(__PDFJS__.api, base).href;
    const mod = (await import(/* @vite-ignore */ url)) as PdfJs;
    mod.GlobalWorkerOptions.workerSrc = new URL(__PDFJS__.worker, base).href;
    keepForOffline(url);
    keepForOffline(mod.GlobalWorkerOptions.workerSrc);
    return mod;
  })().catch((e) => {
    pdfjs = undefined;
    throw e;
  });
  return pdfjs;
}

/** A code found on a PDF page. */
export interface PdfCode extends FoundCode {
  /** 1-based. */
  page: number;
}

/** Renders the first pages of a PDF and returns every QR code on them, page by page in reading order. */
export async function decodePdfFile(file: Blob, base: string, maxPages = 3): Promise<PdfCode[]> {
  const lib = await loadPdfJs(base);
  const doc = await lib.getDocument({ data: new Uint8Array(await file.arrayBuffer()), isEvalSupported: false }).promise;
  try {
    const codes: PdfCode[] = [];
    for (let n = 1; n <= Math.min(doc.numPages, maxPages); n++) {
      const page = await doc.getPage(n);
      // 2.5 × 72 dpi = 180 dpi: a 0.5 mm module is 3.5 pixels.
      const viewport = page.getViewport({ scale: 2.5 });
      const { ctx } = canvasFor(Math.ceil(viewport.width), Math.ceil(viewport.height));
      await page.render({ canvasContext: ctx, viewport, background: '#ffffff' }).promise;
      for (const c of await decodePixels(ctx.getImageData(0, 0, ctx.canvas.width, ctx.canvas.height))) codes.push({ ...c, page: n });
    }
    return codes;
  } finally {
    await doc.destroy();
  }
}

/** Of several codes in one camera frame, the one nearest its centre: the one the officer aims at. */
function aimedAt(codes: readonly FoundCode[], width: number, height: number): FoundCode | undefined {
  const d = (c: FoundCode) => ((c.box.left + c.box.right) / 2 - width / 2) ** 2 + ((c.box.top + c.box.bottom) / 2 - height / 2) ** 2;
  return [...codes].sort((a, b) => d(a) - d(b))[0];
}

/** Scans camera frames until a code is read or `stop()` is called. */
export class CameraScanner {
  private stream: MediaStream | null = null;
  private timer: number | undefined;
  private stopped = false;

  constructor(private readonly video: HTMLVideoElement) {}

  /** Starts the camera; `onError` hears a decoder that could not be loaded (offline before the first scan). */
  async start(onCode: (code: string) => void, onError: (e: unknown) => void): Promise<void> {
    this.stopped = false;
    this.stream = await navigator.mediaDevices.getUserMedia({
      video: { facingMode: { ideal: 'environment' }, width: { ideal: 1280 }, height: { ideal: 720 } },
      audio: false,
    });
    this.video.srcObject = this.stream;
    this.video.setAttribute('playsinline', '');
    await this.video.play();
    const { ctx } = canvasFor(1, 1);
    const tick = async () => {
      if (this.stopped) return;
      const w = this.video.videoWidth,
        h = this.video.videoHeight;
      if (w && h) {
        let codes = await detectNative(this.video);
        if (!codes.length) {
          if (ctx.canvas.width !== w || ctx.canvas.height !== h) {
            ctx.canvas.width = w;
            ctx.canvas.height = h;
          }
          ctx.drawImage(this.video, 0, 0, w, h);
          try {
            // No enlarged second try on live frames: the officer moves the code closer instead.
            codes = await readQrCodes(ctx.getImageData(0, 0, w, h), zxingDecoder, { enlarge: false });
          } catch (e) {
            if (!this.stopped) {
              this.stop();
              onError(e);
            }
            return;
          }
        }
        const code = aimedAt(codes, w, h);
        if (code && !this.stopped) {
          this.stop();
          onCode(code.text);
          return;
        }
      }
      // ~5 frames a second: enough to catch a code held still, light on a phone's battery.
      this.timer = window.setTimeout(() => void tick(), 200);
    };
    void tick();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) window.clearTimeout(this.timer);
    for (const track of this.stream?.getTracks() ?? []) track.stop();
    this.stream = null;
    this.video.srcObject = null;
  }
}
