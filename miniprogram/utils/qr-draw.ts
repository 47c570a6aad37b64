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

/** Lays `code` out in a square of `availablePx` pixels; throws RangeError when it cannot fit one pixel per module. */
export function qrLayout(code: string, availablePx: number): QrLayout {
  if (typeof code !== 'string' || code.length === 0) throw new TypeError('qrLayout needs a code');
  if (!Number.isFinite(availablePx) || availablePx <= 0) throw new RangeError('qrLayout needs a positive size');
  const matrix = qrMatrix(code, 'Q');
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
