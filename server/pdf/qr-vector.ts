/**
 * A QR code drawn into a PDF page as vector rectangles: crisp at any print resolution, unlike an
 * embedded bitmap that a printer driver resamples. HCERT §4.5 / ISO/IEC 18004:
 * - error correction Q (the matrix comes from core/qr.ts, which defaults to it);
 * - black modules on a white ground, with a white quiet zone of 4 modules on every side (the
 *   printout's own white paper is not relied on: a coloured or recycled sheet still gets white);
 * - a fixed physical size, chosen by the caller in millimetres, so a scanner held at the usual
 *   distance always meets the same module size.
 *
 * Adjacent dark modules of a row are merged into one rectangle, and all rectangles are filled as
 * one path: a single fill leaves no hairline seams between modules where anti-aliasing rasterisers
 * would otherwise draw faint white lines through black areas.
 *
 * The symbol is a Form XObject (ISO 32000-1 §8.10) drawn in module units, one unit a module, its
 * origin the quiet zone's lower-left corner; the page places it with a `cm` that scales a unit to
 * the module's size in points and moves it to its place. Its rectangles are then small whole
 * numbers, written here as one string: the same rectangles as points with fractions, one pdf-lib
 * operator each, were half the CPU a PDF cost (operator objects, number formatting). The form's
 * stream depends on the matrix alone, so it is made once per matrix and kept beside it, and a code
 * drawn twice in one document is one XObject placed twice.
 *
 * The placement is wrapped in a marked-content section tagged /ITHCQR so that tests (and auditors)
 * can find the symbol in the content stream, and follow its `Do` to the form.
 */
import {
  beginMarkedContent,
  concatTransformationMatrix,
  drawObject,
  endMarkedContent,
  popGraphicsState,
  pushGraphicsState,
  type PDFDocument,
  type PDFPage,
  type PDFRef,
} from 'pdf-lib';
import { qrMatrix, type EccLevel, type QrMatrix } from '../../core/qr';
import { zlibDeflate } from './deflate';
import { Recent } from './recent';

export const MM = 72 / 25.4;

/** The quiet zone the standard asks for, in modules. */
export const QUIET_MODULES = 4;

export const QR_MARK = 'ITHCQR';

export interface PlacedQr {
  matrix: QrMatrix;
  /** Lower-left corner of the quiet zone, PDF points. */
  x: number;
  y: number;
  /** Side of the symbol without its quiet zone, points. */
  symbol: number;
  /** Side of one module, points. */
  module: number;
  /** Side including the quiet zone, points. */
  outer: number;
}

/**
 * Matrices of the codes drawn lately, by level and text. Choosing a QR's mask is most of the CPU a
 * first printout of a code costs (the encoder lays the symbol out and scores it under all eight
 * masks), and one certificate is printed again and again (a holder prints, then prints once more
 * for the other passport; every page size and language re-renders the same codes): each matrix is
 * computed once per code, both to size and to draw it, and kept for the next printout. The matrix
 * is a pure function of (text, level), so a cached one is exactly the one that would be computed.
 * Bounded: 128 codes are 32 certificates of four codes each (the comprehensive one and three
 * DCCs), a few dozen KB a matrix and its drawing, so the cache stays within ~10 MB of a PDF
 * worker's 256 MB heap.
 */
const matrices = new Recent<QrMatrix>(128);

/** The QR matrix of `text` at `ecc` (core/qr.ts), computed once while it stays among the recent ones. */
export function cachedQrMatrix(text: string, ecc: EccLevel = 'Q'): QrMatrix {
  return matrices.get(`${ecc}${text}`, () => {
    const m = qrMatrix(text, ecc);
    // Shared between printouts, so nobody may change it.
    Object.freeze(m.modules);
    return Object.freeze(m);
  });
}

/** The outer side (symbol + quiet zones) of a QR of `text` drawn with a symbol of `symbolMm`. */
export function qrOuterSize(text: string, symbolMm: number, ecc: EccLevel = 'Q'): { matrix: QrMatrix; outer: number; module: number } {
  const matrix = cachedQrMatrix(text, ecc);
  const module = (symbolMm * MM) / matrix.size;
  return { matrix, outer: module * (matrix.size + 2 * QUIET_MODULES), module };
}

/**
 * The symbol's drawing in module units, deflated: the white ground over the whole quiet zone, then
 * each row's runs of dark modules as `x y w 1 re`, filled once. PDF's y axis points up; the
 * matrix's row 0 is the top row. Kept while its matrix is (a WeakMap on the cached matrix).
 */
const drawings = new WeakMap<QrMatrix, Uint8Array>();

function drawing(matrix: QrMatrix): Uint8Array {
  let bytes = drawings.get(matrix);
  if (bytes) return bytes;
  const n = matrix.size;
  const side = n + 2 * QUIET_MODULES;
  const m = matrix.modules;
  let s = `1 g\n0 0 ${side} ${side} re\nf\n0 g\n`;
  for (let r = 0; r < n; r++) {
    const y = side - QUIET_MODULES - (r + 1);
    let c = 0;
    while (c < n) {
      if (!m[r * n + c]) {
        c++;
        continue;
      }
      const start = c;
      while (c < n && m[r * n + c]) c++;
      s += `${QUIET_MODULES + start} ${y} ${c - start} 1 re\n`;
    }
  }
  s += 'f\n';
  bytes = zlibDeflate(Buffer.from(s, 'latin1'));
  drawings.set(matrix, bytes);
  return bytes;
}

/** Each document's QR forms, by matrix: a code drawn twice is one XObject. */
const forms = new WeakMap<PDFDocument, Map<QrMatrix, PDFRef>>();

function formOf(doc: PDFDocument, matrix: QrMatrix): PDFRef {
  let mine = forms.get(doc);
  if (!mine) forms.set(doc, (mine = new Map<QrMatrix, PDFRef>()));
  let ref = mine.get(matrix);
  if (!ref) {
    const side = matrix.size + 2 * QUIET_MODULES;
    const stream = doc.context.stream(drawing(matrix), {
      Type: 'XObject',
      Subtype: 'Form',
      BBox: [0, 0, side, side],
      // It names no resources; an empty dictionary says so rather than inheriting the page's.
      Resources: {},
      Filter: 'FlateDecode',
    });
    ref = doc.context.register(stream);
    mine.set(matrix, ref);
  }
  return ref;
}

/**
 * Draws `text` as a QR whose quiet zone's lower-left corner is at (x, y) and whose symbol (without
 * the quiet zone) is `symbolMm` millimetres wide.
 */
export function drawQr(page: PDFPage, text: string, x: number, y: number, symbolMm: number, ecc: EccLevel = 'Q'): PlacedQr {
  if (!(symbolMm >= 10 && symbolMm <= 190)) throw new RangeError('a printed QR symbol is between 10 and 190 mm wide');
  const { matrix, outer, module } = qrOuterSize(text, symbolMm, ecc);
  const name = page.node.newXObject('QR', formOf(page.doc, matrix));
  page.pushOperators(
    beginMarkedContent(QR_MARK),
    pushGraphicsState(),
    concatTransformationMatrix(module, 0, 0, module, x, y),
    drawObject(name),
    popGraphicsState(),
    endMarkedContent(),
  );
  return { matrix, x, y, symbol: matrix.size * module, module, outer };
}
