/**
 * QR codes for certificate codes (ISO/IEC 18004 via qrcode-generator). HCERT §4.5: alphanumeric
 * mode (the prefix and base45 use only its 45 characters, so ~5.5 bits a character instead of 8),
 * error correction Q recommended (25% of the code may be damaged and still read: folded paper,
 * a scratched screen). Pure: returns the module matrix; adapters draw it (canvas, PNG, PDF, terminal).
 */
import qrcode from 'qrcode-generator';

export type EccLevel = 'L' | 'M' | 'Q' | 'H';

export interface QrMatrix {
  /** Modules per side, without the quiet zone. */
  size: number;
  version: number;
  ecc: EccLevel;
  /** true = dark, row-major. */
  modules: boolean[];
}

const ALPHANUMERIC = /^[0-9A-Z $%*+\-./:]*$/;

export function qrMatrix(text: string, ecc: EccLevel = 'Q'): QrMatrix {
  const qr = qrcode(0, ecc);
  // A certificate code always fits alphanumeric mode; anything else (a URL, say) goes in byte mode.
  qr.addData(text, ALPHANUMERIC.test(text) ? 'Alphanumeric' : 'Byte');
  qr.make();
  const size = qr.getModuleCount();
  const modules = new Array<boolean>(size * size);
  for (let r = 0; r < size; r++) for (let c = 0; c < size; c++) modules[r * size + c] = qr.isDark(r, c);
  return { size, version: (size - 17) / 4, ecc, modules };
}

/**
 * Rasterises a matrix to 8-bit grey pixels (0 black, 255 white) with a quiet zone of `quiet`
 * modules (the standard asks for at least 4) and `scale` pixels per module.
 */
export function qrPixels(m: QrMatrix, scale: number, quiet = 4): { width: number; pixels: Uint8Array } {
  if (!Number.isInteger(scale) || scale < 1 || scale > 64) throw new RangeError('scale must be an integer from 1 to 64');
  const width = (m.size + 2 * quiet) * scale;
  const pixels = new Uint8Array(width * width).fill(255);
  for (let r = 0; r < m.size; r++) {
    for (let c = 0; c < m.size; c++) {
      if (!m.modules[r * m.size + c]) continue;
      const y0 = (r + quiet) * scale,
        x0 = (c + quiet) * scale;
      for (let y = y0; y < y0 + scale; y++) pixels.fill(0, y * width + x0, y * width + x0 + scale);
    }
  }
  return { width, pixels };
}
