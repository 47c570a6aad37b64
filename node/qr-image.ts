/** QR codes as PNG files and as terminal blocks (Node adapters over core/qr.ts). */
import { PNG } from 'pngjs';
import { qrMatrix, qrPixels, type EccLevel } from '../core/qr';

export function qrPng(text: string, opts: { scale?: number; ecc?: EccLevel } = {}): Buffer {
  const { width, pixels } = qrPixels(qrMatrix(text, opts.ecc ?? 'Q'), opts.scale ?? 6);
  const png = new PNG({ width, height: width, colorType: 0, inputColorType: 0, bitDepth: 8, inputHasAlpha: false });
  // pngjs keeps RGBA internally whatever it writes.
  for (let i = 0; i < pixels.length; i++) {
    png.data[i * 4] = png.data[i * 4 + 1] = png.data[i * 4 + 2] = pixels[i];
    png.data[i * 4 + 3] = 255;
  }
  return PNG.sync.write(png, { colorType: 0 });
}

/**
 * Two modules per character cell with half blocks, dark on light whatever the terminal's theme,
 * so a phone camera can read it off the screen.
 */
export function qrTerminal(text: string, ecc: EccLevel = 'Q'): string {
  const m = qrMatrix(text, ecc);
  const quiet = 2;
  const n = m.size + 2 * quiet;
  const dark = (r: number, c: number) => r >= quiet && c >= quiet && r < m.size + quiet && c < m.size + quiet && m.modules[(r - quiet) * m.size + (c - quiet)];
  const lines: string[] = [];
  for (let r = 0; r < n; r += 2) {
    let line = '\x1b[30;47m';
    for (let c = 0; c < n; c++) {
      const top = dark(r, c),
        bottom = r + 1 < n && dark(r + 1, c);
      line += top && bottom ? '█' : top ? '▀' : bottom ? '▄' : ' ';
    }
    lines.push(line + '\x1b[0m');
  }
  return lines.join('\n');
}
