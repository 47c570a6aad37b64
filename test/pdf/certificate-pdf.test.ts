/**
 * The paper certificate, checked the way it will be checked from outside: rasterised at 150 dpi
 * by poppler and scanned with an independent QR reader (jsQR), its text extracted, its QR measured
 * in the PDF's own geometry and in the raster.
 */
import jsQR from 'jsqr';
import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { readOwnCode } from '../../core/hcert';
import { qrMatrix } from '../../core/qr';
import { certificateSections, codedLabel, format, renderValue, type Lang } from '../../core/view';
import { DCC_QR_MM, MAIN_QR_MM, renderCertificatePdf, wrapText, type CertificatePdf, type CertificatePdfInput } from '../../server/pdf/certificate-pdf';
import { paperWord } from '../../server/pdf/words';
import { sourceNamesFromJson } from '../../server/issuance/build';
import { crop, issuedDemo, pageContents, poppler, PT_PER_MM, qrGeometries, rasterise, tempDir, type QrGeometry } from './helpers';
import type { CertificateView } from '../../server/functions/definitions';
import type { App } from '../../server/app';

const DPI = 150;
const PX_PER_PT = DPI / 72;

let app: App;
let view: CertificateView;
let pdf: CertificatePdf;
let printedAt: number;
let input: CertificatePdfInput;

beforeAll(async () => {
  ({ app, view } = await issuedDemo());
  printedAt = view.issuedAt + 3 * 3600_000;
  input = {
    ithc: view.codes.ithc,
    dcc: view.codes.dcc,
    links: { trustList: 'https://ithc.example/trustlist', webVerifier: 'https://ithc.example/verify/' },
    printedAt,
    sources: sourceNamesFromJson(view.certificate),
  };
  // The first print in this process: nothing of it is kept yet.
  pdf = await renderCertificatePdf(input);
});

/** The PDF's text as poppler extracts it, without whitespace: pdftotext guesses spaces and line breaks from glyph gaps. */
function pdfText(bytes: Uint8Array): string {
  const file = join(tempDir('text'), 'c.pdf');
  writeFileSync(file, bytes);
  return poppler('pdftotext', ['-enc', 'UTF-8', file, '-']).replace(/\s+/g, '');
}
const squeeze = (t: string) => t.replace(/\s+/g, '');

let pagesAt150: ReturnType<typeof rasterise> | undefined;
/** The PDF rasterised once at 150 dpi, as the outside check does. */
function raster(): ReturnType<typeof rasterise> {
  return (pagesAt150 ??= rasterise(pdf.bytes, DPI));
}

afterAll(async () => {
  await app?.store.close();
});

/**
 * The error-correction level written in a QR's format information (ISO/IEC 18004 §7.9): the
 * 15 bits around the top-left finder, unmasked with 101010000010010; the first two bits are the
 * level (01 L, 00 M, 11 Q, 10 H).
 */
function eccLevel(dark: (row: number, col: number) => boolean): string {
  const cells: Array<[number, number]> = [];
  for (let c = 0; c <= 5; c++) cells.push([8, c]);
  cells.push([8, 7], [8, 8], [7, 8]);
  for (let r = 5; r >= 0; r--) cells.push([r, 8]);
  let bits = 0;
  for (const [r, c] of cells) bits = (bits << 1) | (dark(r, c) ? 1 : 0);
  const level = ((bits ^ 0b101010000010010) >> 13) & 0b11;
  return ['M', 'L', 'H', 'Q'][level];
}

/**
 * The module grid a QR's dark rectangles cover (row-major, row 0 at the top), each rectangle
 * snapped to whole modules of the measured symbol; a rectangle off the grid or outside the symbol fails.
 */
function moduleGrid(g: QrGeometry, size: number): boolean[] {
  const module = g.symbol.w / size;
  const grid = new Array<boolean>(size * size).fill(false);
  for (const r of g.rects) {
    const top = (g.symbol.y + g.symbol.h - (r.y + r.h)) / module;
    const left = (r.x - g.symbol.x) / module;
    const [row, c0, rows, cols] = [top, left, r.h / module, r.w / module].map((v) => {
      expect(Math.abs(v - Math.round(v))).toBeLessThan(1e-6);
      return Math.round(v);
    });
    expect(row + rows <= size && c0 + cols <= size && row >= 0 && c0 >= 0).toBe(true);
    for (let y = row; y < row + rows; y++) for (let c = c0; c < c0 + cols; c++) grid[y * size + c] = true;
  }
  return grid;
}

describe('the paper certificate', () => {
  it("is A4 portrait and its first page scans back, at 150 dpi, to exactly the certificate's code", async () => {
    const pages = raster();
    expect(pages.length).toBe(pdf.pages);
    const { PDFDocument } = await import('pdf-lib');
    for (const page of (await PDFDocument.load(pdf.bytes)).getPages()) {
      const { width, height } = page.getSize();
      expect(width / PT_PER_MM).toBeCloseTo(210, 1);
      expect(height / PT_PER_MM).toBeCloseTo(297, 1);
    }
    // 1240 × 1754 pixels at 150 dpi (poppler rounds up).
    expect(Math.abs(pages[0].width - (210 / 25.4) * DPI)).toBeLessThan(1.5);
    expect(Math.abs(pages[0].height - (297 / 25.4) * DPI)).toBeLessThan(1.5);
    const found = jsQR(new Uint8ClampedArray(pages[0].data), pages[0].width, pages[0].height);
    expect(found?.data).toBe(view.codes.ithc);
  });

  it('scans back every single-record DCC code from its own place on the later pages', async () => {
    const pages = raster();
    const contents = await pageContents(pdf.bytes);
    const scanned: string[] = [];
    contents.forEach((content, i) => {
      for (const g of qrGeometries(content)) {
        const h = pages[i].height;
        // PDF y points up from the bottom; PNG rows go down from the top.
        const img = crop(
          pages[i],
          g.ground.x * PX_PER_PT - 4,
          h - (g.ground.y + g.ground.h) * PX_PER_PT - 4,
          g.ground.w * PX_PER_PT + 8,
          g.ground.h * PX_PER_PT + 8,
        );
        const r = jsQR(img.data, img.width, img.height);
        if (r) scanned.push(r.data);
      }
    });
    expect(view.codes.dcc.length).toBeGreaterThan(0);
    expect(scanned).toEqual([view.codes.ithc, ...view.codes.dcc.map((d) => d.code)]);
  });

  it('holds both titles, the holder and the document number as text', () => {
    const text = pdfText(pdf.bytes);
    expect(text).toContain(squeeze(paperWord('zh', 'title')));
    expect(text).toContain(squeeze(paperWord('en', 'title')));
    const h = view.certificate.holder as Record<string, string>;
    expect(text).toContain(`${h.surname}${h.givenName}`);
    expect(text).toContain(h.documentNumber);
    expect(text).toContain(view.id);
    // The issuer, carried as its code, named in both languages.
    const issuer = view.certificate.issuer as string;
    expect(codedLabel('zh', 'issuer', issuer)).toBe('中华人民共和国国家卫生健康委员会');
    expect(text).toContain(squeeze(`${codedLabel('zh', 'issuer', issuer)} / ${codedLabel('en', 'issuer', issuer)}`));
    // The request to print at actual size, in both languages.
    for (const lang of ['zh', 'en'] as const) expect(text).toContain(squeeze(paperWord(lang, 'printActualSize')));
    expect(paperWord('en', 'printActualSize')).toMatch(/100%.*fit to page/);
  });

  it("prints the value of every line of the shared view of its content in Chinese and in English, under the catalogue's labels", () => {
    const text = pdfText(pdf.bytes);
    const { certificate } = readOwnCode(view.codes.ithc);
    const sections = certificateSections(
      { format: 'ithc', ithc: certificate },
      { now: Math.floor(printedAt / 1000), sources: new Map(sourceNamesFromJson(view.certificate).map((e) => [e.code, e])) },
    );
    const lines = sections.flatMap((s) => s.items.flatMap((i) => i.lines)).filter((l) => l.key !== 'antibody.meaning');
    expect(lines.map((l) => l.key)).toEqual(
      expect.arrayContaining(['holder.name', 'holder.dob', 'test.result', 'test.sampleAge', 'antibody.result', 'vaccination.dose', 'issuer.id']),
    );
    for (const lang of ['zh', 'en'] as Lang[]) {
      // Each section under its own title; the issuer's lines sit under the paper's "Certificate" with the signature's.
      for (const s of sections.filter((x) => x.key !== 'issuer'))
        expect({ lang, title: text.includes(squeeze(renderValue(lang, s.title))) }).toEqual({ lang, title: true });
      for (const l of lines) {
        // pdftotext joins a word broken after a hyphen at a line's end: compare without hyphens.
        const value = squeeze(renderValue(lang, l.value)).replace(/-/g, '');
        expect({ lang, key: l.key, value: text.replace(/-/g, '').includes(value) }).toEqual({ lang, key: l.key, value: true });
      }
    }
    // The paper's heads are the catalogue's labels, in both languages.
    for (const code of ['label.name', 'label.dob', 'label.sampleTime', 'label.centre', 'label.dose', 'label.vaccine', 'label.expiresAt'] as const) {
      expect(text).toContain(squeeze(`${format('zh', code)} ${format('en', code)}`));
    }
  });

  it('puts the chosen language first: English first when asked, Chinese first by default', async () => {
    const en = await renderCertificatePdf({
      ithc: view.codes.ithc,
      links: { trustList: 'https://t.example/', webVerifier: 'https://v.example/' },
      printedAt,
      lang: 'en',
    });
    const enText = pdfText(en.bytes);
    const zhText = pdfText(pdf.bytes);
    const first = (t: string, a: string, b: string) => t.indexOf(squeeze(a)) < t.indexOf(squeeze(b));
    expect(first(enText, paperWord('en', 'title'), paperWord('zh', 'title'))).toBe(true);
    expect(first(zhText, paperWord('zh', 'title'), paperWord('en', 'title'))).toBe(true);
    expect(enText).toContain(squeeze(`${format('en', 'section.holder')} ${format('zh', 'section.holder')}`));
    expect(zhText).toContain(squeeze(`${format('zh', 'section.holder')} ${format('en', 'section.holder')}`));
  });

  it('draws the main QR at a fixed 70 mm (≥ 40 mm) with a quiet zone of at least 4 modules, level Q, as vector rectangles', async () => {
    const [first] = await pageContents(pdf.bytes);
    const [g] = qrGeometries(first);
    const m = qrMatrix(view.codes.ithc, 'Q');
    const module = g.symbol.w / m.size;
    expect(g.symbol.w / PT_PER_MM).toBeGreaterThanOrEqual(40);
    expect(g.symbol.w / PT_PER_MM).toBeCloseTo(MAIN_QR_MM, 3);
    expect(g.symbol.h).toBeCloseTo(g.symbol.w, 6);
    // White ground around the symbol: at least 4 modules on each side.
    for (const margin of [
      g.symbol.x - g.ground.x,
      g.ground.x + g.ground.w - (g.symbol.x + g.symbol.w),
      g.symbol.y - g.ground.y,
      g.ground.y + g.ground.h - (g.symbol.y + g.symbol.h),
    ]) {
      expect(margin / module).toBeGreaterThanOrEqual(4 - 1e-6);
    }
    // The rectangles rebuild the module grid: exactly the code's matrix, whose format information says level Q.
    const grid = moduleGrid(g, m.size);
    expect(grid).toEqual(m.modules);
    expect(eccLevel((r, c) => grid[r * m.size + c])).toBe('Q');
  });

  it('keeps the quiet zone white and the symbol at its size in the printed raster', () => {
    const [page] = raster();
    const found = jsQR(new Uint8ClampedArray(page.data), page.width, page.height)!;
    const m = qrMatrix(view.codes.ithc, 'Q');
    // Finder pattern centres sit 3.5 modules in from the symbol's edges.
    const { topLeftFinderPattern: tl, topRightFinderPattern: tr, bottomLeftFinderPattern: bl } = found.location;
    const modulePx = Math.hypot(tr.x - tl.x, tr.y - tl.y) / (m.size - 7);
    const symbolMm = ((modulePx * m.size) / DPI) * 25.4;
    expect(symbolMm).toBeGreaterThan(MAIN_QR_MM - 1);
    expect(symbolMm).toBeLessThan(MAIN_QR_MM + 1);
    expect(Math.hypot(bl.x - tl.x, bl.y - tl.y) / (m.size - 7)).toBeCloseTo(modulePx, 0);
    // Every pixel of the 4-module band around the symbol is white (a little inside the band's
    // edges, for the rasteriser's anti-aliasing).
    const left = tl.x - 3.5 * modulePx,
      top = tl.y - 3.5 * modulePx,
      side = m.size * modulePx;
    const inset = 0.5 * modulePx;
    let dark = 0,
      checked = 0;
    for (let y = Math.floor(top - 4 * modulePx + inset); y < top + side + 4 * modulePx - inset; y++) {
      for (let x = Math.floor(left - 4 * modulePx + inset); x < left + side + 4 * modulePx - inset; x++) {
        const inside = x > left - inset && x < left + side + inset && y > top - inset && y < top + side + inset;
        if (inside) continue;
        checked++;
        const i = (y * page.width + x) * 4;
        if (page.data[i] < 200) dark++;
      }
    }
    expect(checked).toBeGreaterThan(1000);
    expect(dark).toBe(0);
  });

  it('draws each DCC QR at a fixed size of at least 40 mm', async () => {
    const contents = await pageContents(pdf.bytes);
    const all = contents.flatMap((c) => qrGeometries(c));
    expect(all).toHaveLength(1 + view.codes.dcc.length);
    all.slice(1).forEach((g, i) => {
      expect(g.symbol.w / PT_PER_MM).toBeCloseTo(DCC_QR_MM, 3);
      expect(g.symbol.w / PT_PER_MM).toBeGreaterThanOrEqual(40);
      const m = qrMatrix(view.codes.dcc[i].code, 'Q');
      expect(moduleGrid(g, m.size)).toEqual(m.modules);
    });
  });

  it('is the same file printed again, from the QR drawings, font subsets and deflated streams the process kept', async () => {
    const again = await renderCertificatePdf({ ...input });
    expect(Buffer.from(again.bytes).equals(Buffer.from(pdf.bytes))).toBe(true);
    // A later printing time changes the footer and the ages, and nothing kept stands in for them.
    const later = await renderCertificatePdf({ ...input, printedAt: printedAt + 86_400_000 });
    expect(Buffer.from(later.bytes).equals(Buffer.from(pdf.bytes))).toBe(false);
    expect(pdfText(later.bytes)).toContain(squeeze(renderValue('en', { kind: 'datetime', seconds: Math.floor((printedAt + 86_400_000) / 1000) })));
  });

  it('embeds the CJK font as a subset, and the whole PDF stays small', () => {
    const dir = tempDir('fonts');
    const file = join(dir, 'c.pdf');
    writeFileSync(file, pdf.bytes);
    const fonts = poppler('pdffonts', [file]);
    const rows = fonts.split('\n').slice(2).filter(Boolean);
    expect(rows.length).toBe(2);
    for (const row of rows) {
      expect(row).toMatch(/^NotoSansSC-(Regular|Bold)/);
      // emb = yes (an unembedded font would print in whatever the printer substitutes).
      expect(row).toMatch(/CID TrueType\s+Identity-H\s+yes/);
    }
    // One weight of the source font is ~10 MB; both subsets and the rest must be far smaller.
    const ttf = statSync(join(dirname(require.resolve('@expo-google-fonts/noto-sans-sc/package.json')), '400Regular/NotoSansSC_400Regular.ttf')).size;
    expect(ttf).toBeGreaterThan(5_000_000);
    expect(pdf.bytes.length).toBeLessThan(ttf / 20);
  });

  it("states each test's sample time and its age at printing, apart from the signature's expiry", () => {
    const text = pdfText(pdf.bytes);
    const tests = (view.certificate.tests as Array<{ sampleTime: string }>) ?? [];
    expect(tests.length).toBeGreaterThan(0);
    for (const t of tests) {
      const sampled = Date.parse(t.sampleTime) / 1000;
      for (const lang of ['zh', 'en'] as const) {
        expect(text).toContain(squeeze(renderValue(lang, { kind: 'age', seconds: printedAt / 1000 - sampled })));
        expect(text).toContain(squeeze(renderValue(lang, { kind: 'datetime', seconds: sampled })));
      }
    }
    // Three hours after issuance: the age is counted to the printing time, not to now.
    expect(renderValue('en', { kind: 'age', seconds: printedAt / 1000 - Date.parse(tests[0].sampleTime) / 1000 })).toMatch(/ago$/);
    for (const lang of ['zh', 'en'] as const) {
      expect(text).toContain(squeeze(format(lang, 'label.expiresAt')));
      expect(text).toContain(squeeze(renderValue(lang, { kind: 'datetime', seconds: view.expiresAt / 1000 })));
    }
  });
});

describe('reading the error-correction level back', () => {
  it('tells every level apart in matrices made for it', () => {
    for (const level of ['L', 'M', 'Q', 'H'] as const) {
      const m = qrMatrix(view.codes.dcc[0].code, level);
      expect(eccLevel((r, c) => m.modules[r * m.size + c])).toBe(level);
    }
  });
});

describe('text wrapping', () => {
  it('breaks Chinese anywhere, Latin between words, and over-long tokens by characters', async () => {
    const { PDFDocument } = await import('pdf-lib');
    const { fontkitForPdfLib, fontBytes } = await import('../../server/pdf/fonts');
    const doc = await PDFDocument.create();
    doc.registerFontkit(fontkitForPdfLib);
    const font = await doc.embedFont(fontBytes('regular'), { subset: true });
    const width = 100;
    const cases = [
      '北京市朝阳区疾病预防控制中心核酸检测实验室',
      "National Health Commission of the People's Republic of China",
      'URN:UVCI:01:CN:C77E4GRI3NRVQK5DAAAAAAAAAAAAAAAAAAAAAAAAA#V',
    ];
    for (const text of cases) {
      const lines = wrapText(text, font, 10, width);
      expect(lines.length).toBeGreaterThan(1);
      for (const l of lines) expect(font.widthOfTextAtSize(l, 10)).toBeLessThanOrEqual(width);
      expect(lines.join('').replace(/\s/g, '')).toBe(text.replace(/\s/g, ''));
    }
    // Latin words are never split when they fit on a line.
    for (const l of wrapText(cases[1], font, 10, width)) expect(cases[1].split(' ')).toEqual(expect.arrayContaining(l.split(' ')));
    // Punctuation stays with its words: no line starts with a closing mark or ends with an opening one.
    const punctuated = '新冠病毒灭活疫苗（Vero细胞）（国药集团北京生物），2026年12月6日 01:30（UTC）。「适合页面」';
    // (At widths where no such group is itself wider than the line, which is broken by characters.)
    for (const w of [60, 75, 90, 120]) {
      const lines = wrapText(punctuated, font, 10, w);
      expect(lines.join('').replace(/\s/g, '')).toBe(punctuated.replace(/\s/g, ''));
      for (const l of lines) {
        expect(l).not.toMatch(/^[）」』】〉》，。、；：！？]/);
        expect(l).not.toMatch(/[（「『【〈《]$/);
      }
    }
  });
});
