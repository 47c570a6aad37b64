/**
 * The vector QR of the paper version (server/pdf/qr-vector.ts): drawn as a form in module units
 * and placed on the page by a transformation, it must land where and as large as drawQr says, with
 * exactly the code's modules, and a code drawn twice in one document is one form placed twice.
 * Read back from the saved PDF's own content streams (test/pdf/helpers.ts follows the `Do`).
 */
import { PDFDict, PDFDocument, PDFName } from 'pdf-lib';
import { qrMatrix } from '../../core/qr';
import { drawQr, MM, QUIET_MODULES } from '../../server/pdf/qr-vector';
import { pageContents, qrGeometries, type QrGeometry } from './helpers';

// Any text of a code's length: what it says does not matter here, only its modules.
const CODE =
  'HC1:6BFOXN%TS3DH0YOJ58S S-W5HDC *M0II5XHC9B5G2+$N IOP-IA%NFQGRJPC%OQHIZC4.OI1RM8ZA.A5:S9MKN4NN3F85QNCY0O%0VZ001HOC9JU0D0HT0HB2PL/IB*09B9LW4T*8+DCMH0LDK2%K:XFE70*LP$V25$0Q:J:4MO1P0%0L0HD+9E/HY+4J6TH48S%4K.GJ2PT3QY:GQ3TE2I+-CPHN6D7LLK*2HG%89UV-0LZ 2ZJJ524-LH/CJTK96L6SR9MU9DHGZ%P WUQRENS431T1XCNCF+47AY0-IFO0500TGPN8F5G.41Q2E4T8ALW.INSV$ 07UV5SR+BNQHNML7 /KD3TU 4V4LB3MPRRCLE4ZQQ:J1A9JMEY6I$YR%/SE8P+HT';

/** Which modules of a `size`-module symbol the dark rectangles cover (row 0 at the top). */
function grid(g: QrGeometry, size: number): boolean[] {
  const module = g.symbol.w / size;
  const out = new Array<boolean>(size * size).fill(false);
  for (const r of g.rects) {
    const row = Math.round((g.symbol.y + g.symbol.h - (r.y + r.h)) / module);
    const c0 = Math.round((r.x - g.symbol.x) / module);
    for (let c = c0; c < c0 + Math.round(r.w / module); c++) out[row * size + c] = true;
  }
  return out;
}

describe('the vector QR', () => {
  it("is placed with its quiet zone at (x, y), at the size asked, with exactly the code's modules, and drawn once per document", async () => {
    const doc = await PDFDocument.create();
    const [one, two] = [doc.addPage([595, 842]), doc.addPage([595, 842])];
    const placed = [drawQr(one, CODE, 40.5, 300.25, 60), drawQr(two, CODE, 100, 80, 35), drawQr(two, CODE, 300, 500, 60)];
    const bytes = await doc.save({ useObjectStreams: true });

    const m = qrMatrix(CODE, 'Q');
    const pages = await pageContents(bytes);
    const geometries = pages.map((p) => qrGeometries(p));
    expect(geometries.map((g) => g.length)).toEqual([1, 2]);
    [geometries[0][0], ...geometries[1]].forEach((g, i) => {
      const p = placed[i];
      const side = (m.size + 2 * QUIET_MODULES) * p.module;
      expect(p.outer).toBeCloseTo(side, 9);
      expect(p.module * m.size).toBeCloseTo([60, 35, 60][i] * MM, 9);
      for (const [got, want] of [
        [g.ground.x, p.x],
        [g.ground.y, p.y],
        [g.ground.w, side],
        [g.ground.h, side],
        [g.symbol.x, p.x + QUIET_MODULES * p.module],
        [g.symbol.y, p.y + QUIET_MODULES * p.module],
        [g.symbol.w, p.symbol],
        [g.symbol.h, p.symbol],
      ])
        expect(got).toBeCloseTo(want, 6);
      // Every rectangle one module high, on the grid.
      for (const r of g.rects) expect(r.h).toBeCloseTo(p.module, 9);
      expect(grid(g, m.size)).toEqual(m.modules);
    });

    // One form in the file, named by both pages.
    const loaded = await PDFDocument.load(bytes);
    const refs = loaded.getPages().flatMap((page) => {
      const xobjects = page.node.Resources()!.lookup(PDFName.of('XObject'), PDFDict);
      return xobjects.values().map((v) => v.toString());
    });
    expect(refs).toHaveLength(3);
    expect(new Set(refs).size).toBe(1);
  });

  it('refuses a symbol too small or too large to print', async () => {
    const page = (await PDFDocument.create()).addPage();
    expect(() => drawQr(page, CODE, 0, 0, 9)).toThrow(RangeError);
    expect(() => drawQr(page, CODE, 0, 0, 191)).toThrow(RangeError);
  });
});
