/**
 * How a certificate code becomes pixels: pure (no wx), so it is tested by rasterising its output
 * and decoding it again. The matrix comes from the core (core/qr.ts: alphanumeric mode, error
 * correction Q, HCERT §4.5); here it is laid out on whole device pixels with the 4-module quiet
 * zone ISO/IEC 18004 asks for, and drawn as runs of dark modules (one fillRect per run instead of
 * one per module: about half as many calls on a certificate code).
 */
import { qrMatrix, type QrMatrix } from '../lib/ithc-main';

export const QUIET_ZONE_MODULES = 4;

export interface QrRect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface QrLayout {
  matrix: QrMatrix;
  /** Pixels per module: a whole number, so every module edge is sharp. */
  modulePx: number;
  /** Side of the drawing including the quiet zone, in pixels. */
  sizePx: number;
  /** Where the drawing starts inside the available square (centred). */
  offsetPx: number;
  /** Dark runs, in pixels, relative to the available square. */
  runs: QrRect[];
}

/**
 * The last few matrices made, by code: encoding picks the best of eight masks (ISO/IEC 18004 §7.8.3),
 * the costliest step of drawing a code, and the same code is drawn again and again (the certificate
 * page on each showing, the full-screen view, the paper version). Bounded; matrices are immutable.
 */
const MATRIX_MEMO_SIZE = 8;
const matrices = new Map<string, QrMatrix>();

function memoMatrix(code: string): QrMatrix {
  const known = matrices.get(code);
  if (known) {
    // Most recently used last, so the oldest is evicted first.
    matrices.delete(code);
    matrices.set(code, known);
    return known;
  }
  const made = qrMatrix(code, 'Q');
  remember(code, made);
  return made;
}

/**
 * A matrix as kept on the phone beside the code it encodes, so a cold start draws the saved code
 * without choosing its mask again (measured here: 15–80 ms for a certificate code in Node's JIT,
 * more on a phone). `modules` packs six modules to a character (URL-safe base64 alphabet), row-major.
 */
export interface SavedQrMatrix {
  /** The code it encodes: a matrix is used only for exactly this code. */
  code: string;
  size: number;
  modules: string;
}

const PACK = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** QR versions 1–40 (ISO/IEC 18004 §5.3.1): 21 to 177 modules a side, in steps of 4. */
const MIN_SIDE = 21;
const MAX_SIDE = 177;

/** `code`'s matrix (error correction Q, as drawn) in the form kept on the phone. */
export function saveMatrix(code: string): SavedQrMatrix {
  const { size, modules } = memoMatrix(code);
  let packed = '';
  for (let i = 0; i < modules.length; i += 6) {
    let v = 0;
    for (let b = 0; b < 6; b++) v = (v << 1) | (modules[i + b] ? 1 : 0);
    packed += PACK[v];
  }
  return { code, size, modules: packed };
}

/**
 * Takes a matrix kept on the phone as `code`'s, so drawing it needs no encoding. False (and nothing
 * taken) when `saved` is not a well-formed matrix of exactly this code: then the code is encoded as
 * usual when drawn.
 */
export function rememberMatrix(code: string, saved: unknown): boolean {
  if (matrices.has(code)) return true;
  const s = saved as Partial<SavedQrMatrix> | null | undefined;
  if (!s || s.code !== code || typeof s.modules !== 'string' || typeof s.size !== 'number') return false;
  const size = s.size;
  if (!Number.isInteger(size) || size < MIN_SIDE || size > MAX_SIDE || (size - MIN_SIDE) % 4 !== 0) return false;
  const count = size * size;
  if (s.modules.length !== Math.ceil(count / 6)) return false;
  const modules = new Array<boolean>(count);
  for (let c = 0; c < s.modules.length; c++) {
    const v = PACK.indexOf(s.modules[c]);
    if (v < 0) return false;
    for (let b = 0; b < 6 && c * 6 + b < count; b++) modules[c * 6 + b] = ((v >> (5 - b)) & 1) === 1;
  }
  remember(code, { size, version: (size - 17) / 4, ecc: 'Q', modules });
  return true;
}

function remember(code: string, matrix: QrMatrix): void {
  matrices.set(code, matrix);
  if (matrices.size > MATRIX_MEMO_SIZE) matrices.delete(matrices.keys().next().value as string);
}

/** Lays `code` out in a square of `availablePx` pixels; throws RangeError when it cannot fit one pixel per module. */
export function qrLayout(code: string, availablePx: number): QrLayout {
  if (typeof code !== 'string' || code.length === 0) throw new TypeError('qrLayout needs a code');
  if (!Number.isFinite(availablePx) || availablePx <= 0) throw new RangeError('qrLayout needs a positive size');
  const matrix = memoMatrix(code);
  const side = matrix.size + 2 * QUIET_ZONE_MODULES;
  const modulePx = Math.floor(availablePx / side);
  if (modulePx < 1) throw new RangeError(`a ${matrix.size}-module code needs at least ${side} pixels, not ${availablePx}`);
  const sizePx = side * modulePx;
  const offsetPx = Math.floor((Math.floor(availablePx) - sizePx) / 2);
  const runs: QrRect[] = [];
  for (let r = 0; r < matrix.size; r++) {
    let c = 0;
    while (c < matrix.size) {
      if (!matrix.modules[r * matrix.size + c]) {
        c++;
        continue;
      }
      const start = c;
      while (c < matrix.size && matrix.modules[r * matrix.size + c]) c++;
      runs.push({
        x: offsetPx + (QUIET_ZONE_MODULES + start) * modulePx,
        y: offsetPx + (QUIET_ZONE_MODULES + r) * modulePx,
        w: (c - start) * modulePx,
        h: modulePx,
      });
    }
  }
  return { matrix, modulePx, sizePx, offsetPx, runs };
}

/** What drawing needs of a 2d context. */
export interface FillTarget {
  fillStyle: string;
  fillRect(x: number, y: number, w: number, h: number): void;
}

/** Paints the layout: white over the whole square (quiet zone included), then the dark runs in black. */
export function drawQr(ctx: FillTarget, layout: QrLayout, availablePx: number): void {
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, availablePx, availablePx);
  ctx.fillStyle = '#000000';
  for (const r of layout.runs) ctx.fillRect(r.x, r.y, r.w, r.h);
}
