/**
 * Reading QR codes in the browser: from camera frames, image files and PDF pages.
 *
 * The browser's own BarcodeDetector is used where it exists and reads QR codes (Chrome on Android,
 * ChromeOS and macOS, Safari); elsewhere jsQR, a maintained pure-JS decoder, reads the pixels.
 * PDFs are rendered with pdf.js (Mozilla), loaded only when a PDF is picked: it is ~1.7 MB and most
 * checks never need it. The paper certificate's QR is vector art, so rendering is the only way to
 * read it back.
 */
import jsQR from 'jsqr';

interface DetectedBarcode {
  rawValue: string;
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

/** Decodes the first QR code in a frame of pixels, or null. */
export async function decodePixels(img: ImageData): Promise<string | null> {
  const native = await nativeDetector();
  if (native) {
    try {
      const found = await native.detect(img);
      if (found.length) return found[0].rawValue;
    } catch {
      // Fall through to jsQR.
    }
  }
  const r = jsQR(img.data, img.width, img.height, { inversionAttempts: 'attemptBoth' });
  return r ? r.data : null;
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

/** Decodes a QR code from an image file (PNG, JPEG, WebP, ...). */
export async function decodeImageFile(file: Blob): Promise<string | null> {
  const bitmap = await createImageBitmap(file);
  try {
    const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
    const w = Math.max(1, Math.round(bitmap.width * scale)), h = Math.max(1, Math.round(bitmap.height * scale));
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
    const url = new URL('pdf.min.mjs', base).href;
    const mod = (await import(/* @vite-ignore */ url)) as PdfJs;
    mod.GlobalWorkerOptions.workerSrc = new URL('pdf.worker.min.mjs', base).href;
    return mod;
  })().catch((e) => {
    pdfjs = undefined;
    throw e;
  });
  return pdfjs;
}

/** Renders the first pages of a PDF and decodes the first QR code found. */
export async function decodePdfFile(file: Blob, base: string, maxPages = 3): Promise<string | null> {
  const lib = await loadPdfJs(base);
  const doc = await lib.getDocument({ data: new Uint8Array(await file.arrayBuffer()), isEvalSupported: false }).promise;
  try {
    for (let n = 1; n <= Math.min(doc.numPages, maxPages); n++) {
      const page = await doc.getPage(n);
      // 2.5 × 72 dpi = 180 dpi: a 0.5 mm module is 3.5 pixels.
      const viewport = page.getViewport({ scale: 2.5 });
      const { ctx } = canvasFor(Math.ceil(viewport.width), Math.ceil(viewport.height));
      await page.render({ canvasContext: ctx, viewport, background: '#ffffff' }).promise;
      const found = await decodePixels(ctx.getImageData(0, 0, ctx.canvas.width, ctx.canvas.height));
      if (found) return found;
    }
    return null;
  } finally {
    await doc.destroy();
  }
}

/** Scans camera frames until a code is read or `stop()` is called. */
export class CameraScanner {
  private stream: MediaStream | null = null;
  private timer: number | undefined;
  private stopped = false;

  constructor(private readonly video: HTMLVideoElement) {}

  async start(onCode: (code: string) => void): Promise<void> {
    this.stopped = false;
    this.stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: { ideal: 'environment' }, width: { ideal: 1280 }, height: { ideal: 720 } }, audio: false });
    this.video.srcObject = this.stream;
    this.video.setAttribute('playsinline', '');
    await this.video.play();
    const { ctx } = canvasFor(1, 1);
    const tick = async () => {
      if (this.stopped) return;
      const w = this.video.videoWidth, h = this.video.videoHeight;
      if (w && h) {
        let code: string | null = null;
        const native = await nativeDetector();
        if (native) {
          try {
            const found = await native.detect(this.video);
            code = found[0]?.rawValue ?? null;
          } catch {
            code = null;
          }
        } else {
          ctx.canvas.width = w;
          ctx.canvas.height = h;
          ctx.drawImage(this.video, 0, 0, w, h);
          code = await decodePixels(ctx.getImageData(0, 0, w, h));
        }
        if (code && !this.stopped) {
          this.stop();
          onCode(code);
          return;
        }
      }
      // ~5 frames a second: enough to catch a code held still, light on a phone's battery.
      this.timer = window.setTimeout(tick, 200);
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
