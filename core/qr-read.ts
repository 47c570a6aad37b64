/**
 * Reading QR codes out of pixels: what every reader adapter shares (the web page's camera, image
 * and PDF uploads; `ithc verify IMAGE|PDF`). The decoder itself is ZXing-C++ compiled to
 * WebAssembly (the zxing-wasm package), which each adapter loads its own way (a file in Node, a
 * fetched asset in the browser) and passes in as `QrDecoder`; this module is pure.
 *
 * What it adds to one decoder call:
 * - a second try on a 2× enlarged copy when the first finds nothing in a small image: ZXing's
 *   detector wants about 3 pixels a module, and a code photographed from afar or a page scanned
 *   at low resolution has fewer (measured: a 606-px QR scaled to 35 % is read only this way);
 * - every code found, in reading order (top to bottom, then left to right: rows are codes whose
 *   vertical extents overlap), each text once;
 * - only codes that decoded without error (a misread is never passed on as a code).
 */

/** RGBA pixels, as a canvas's ImageData (which this is, in the browser). */
export interface Pixels {
  readonly data: Uint8ClampedArray;
  readonly width: number;
  readonly height: number;
}

export interface Point {
  x: number;
  y: number;
}

/** One symbol as a decoder reports it (the fields of zxing-wasm's ReadResult used here). */
export interface DecodedSymbol {
  text: string;
  isValid: boolean;
  position: { topLeft: Point; topRight: Point; bottomLeft: Point; bottomRight: Point };
}

export type QrDecoder = (pixels: Pixels) => Promise<readonly DecodedSymbol[]>;

/** A code read from an image: its text and where it was (pixels of the image given). */
export interface FoundCode {
  text: string;
  box: { left: number; top: number; right: number; bottom: number };
}

/**
 * zxing-wasm's ReaderOptions for certificate codes: QR only (the HCERT format), up to 16 codes in
 * one image (a paper certificate has at most four), the text exactly as encoded ('Plain': no GS1
 * or other "human readable" rewriting), every other option at ZXing's own default (tryHarder,
 * tryRotate, tryInvert, tryDownscale: on).
 */
export const QR_READER_OPTIONS = Object.freeze({ formats: ['QRCode'] as ['QRCode'], maxNumberOfSymbols: 16, textMode: 'Plain' as const });

/** Below this many pixels the enlarged second try is made: 4 MP becomes 16 MP, the most read at once. */
const UPSCALE_BELOW_PIXELS = 4_000_000;

/**
 * Reads every QR code in the pixels, in reading order. `enlarge: false` skips the enlarged second
 * try (live camera frames: the next frame comes closer).
 */
export async function readQrCodes(pixels: Pixels, decode: QrDecoder, opts: { enlarge?: boolean } = {}): Promise<FoundCode[]> {
  let found = ordered(await decode(pixels), 1);
  if (found.length === 0 && opts.enlarge !== false && pixels.width * pixels.height < UPSCALE_BELOW_PIXELS) found = ordered(await decode(upscale2x(pixels)), 2);
  return found;
}

function ordered(symbols: readonly DecodedSymbol[], scale: number): FoundCode[] {
  const codes: FoundCode[] = [];
  for (const s of symbols) {
    if (!s.isValid || !s.text) continue;
    const p = s.position;
    const xs = [p.topLeft.x, p.topRight.x, p.bottomLeft.x, p.bottomRight.x].map((v) => v / scale);
    const ys = [p.topLeft.y, p.topRight.y, p.bottomLeft.y, p.bottomRight.y].map((v) => v / scale);
    codes.push({ text: s.text, box: { left: Math.min(...xs), top: Math.min(...ys), right: Math.max(...xs), bottom: Math.max(...ys) } });
  }
  return readingOrder(codes);
}

/**
 * Top to bottom, then left to right. Codes side by side on a tilted page do not share a top edge,
 * so a row is every code whose vertical extent overlaps the first one's by at least half of the
 * smaller height. The same text twice (one code printed twice) is kept once, at its first place.
 */
export function readingOrder(codes: readonly FoundCode[]): FoundCode[] {
  const rest = [...codes].sort((a, b) => a.box.top - b.box.top || a.box.left - b.box.left);
  const out: FoundCode[] = [];
  while (rest.length) {
    const first = rest[0];
    const row = rest.filter((c) => overlap(first, c) >= 0.5 * Math.min(first.box.bottom - first.box.top, c.box.bottom - c.box.top));
    row.sort((a, b) => a.box.left - b.box.left);
    for (const c of row) rest.splice(rest.indexOf(c), 1);
    out.push(...row);
  }
  const seen = new Set<string>();
  return out.filter((c) => !seen.has(c.text) && (seen.add(c.text), true));
}

function overlap(a: FoundCode, b: FoundCode): number {
  return Math.min(a.box.bottom, b.box.bottom) - Math.max(a.box.top, b.box.top);
}

/** The pixels at twice the size, bilinear (each new pixel the mean of its 1, 2 or 4 neighbours). */
export function upscale2x(src: Pixels): Pixels {
  const { width: w, height: h, data: s } = src;
  const W = w * 2,
    H = h * 2;
  const d = new Uint8ClampedArray(W * H * 4);
  for (let y = 0; y < H; y++) {
    const y0 = y >> 1,
      y1 = Math.min(h - 1, y0 + (y & 1));
    for (let x = 0; x < W; x++) {
      const x0 = x >> 1,
        x1 = Math.min(w - 1, x0 + (x & 1));
      const a = (y0 * w + x0) * 4,
        b = (y0 * w + x1) * 4,
        c = (y1 * w + x0) * 4,
        e = (y1 * w + x1) * 4;
      const o = (y * W + x) * 4;
      for (let k = 0; k < 4; k++) d[o + k] = (s[a + k] + s[b + k] + s[c + k] + s[e + k] + 2) >> 2;
    }
  }
  return { data: d, width: W, height: H };
}
