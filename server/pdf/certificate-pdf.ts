/**
 * The paper certificate: an A4 portrait, bilingual (Chinese and English) PDF of a signed ITHC.
 *
 * Page 1: the title, the holder, the certificate's identity and signature validity, the
 * comprehensive QR (ITHC1:) at a fixed 70 mm, every record with its date, issuer and validity, how
 * to verify, and the request to print at 100 %. Page 2 on: one single-record EU DCC QR (HC1:) per
 * record the DCC can express, for verifiers that read only DCCs.
 *
 * What is printed comes from the signed code itself (decoded here, never from a second copy of
 * the data), so the words on the paper and the QR beside them cannot disagree. Its lines are the
 * shared view model's (core/view certificateSections, the same lines every verifier shows), written
 * with the shared catalogue in Chinese and English; the paper's own instructions are in ./words.ts.
 * Instants are printed in UTC, as every surface prints them.
 *
 * Two clocks, never confused (server/issuance/policy.ts): a test result counts from its sample
 * time, so each test shows its sample time and its age at printing; the signature's expiry is
 * shown apart, as the date by which the holder must refresh the code.
 */
import { createHash } from 'node:crypto';
import { cleanText, degrees, drawLinesOfText, lineSplit, PDFContentStream, PDFDocument, PDFFont, PDFName, PDFPage, PDFRawStream, rgb, type RGB } from 'pdf-lib';
import { readOwnCode } from '../../core/hcert';
import { certificateSections, documentLang, msg, renderValue, signatureLines, type Item, type Line, type Section, type Value } from '../../core/view';
import { RECORD_KIND_LIST, RECORD_KINDS, type RecordKind } from '../../core/record-kinds';
import type { SourceNameEntry } from '../issuance/build';
import { fontBytes, fontkitForPdfLib } from './fonts';
import { drawQr, MM, qrOuterSize, type PlacedQr } from './qr-vector';
import { paperWord, type PaperLang, type PaperWord } from './words';
import { zlibDeflate } from './deflate';
import { Recent } from './recent';

/** Where an officer finds the means to verify (printed on the certificate). */
export interface VerifyLinks {
  /** Our published trust list (signing certificates). */
  trustList: string;
  /** The web verifier for officers abroad. */
  webVerifier: string;
}

export interface CertificatePdfInput {
  /** The comprehensive code (ITHC1:), as issued. */
  ithc: string;
  /** Single-record DCCs (HC1:) of the same certificate, with what each holds. */
  dcc?: ReadonlyArray<{ type: 't' | 'v'; uci: string; code: string; expiresAt: number }>;
  links: VerifyLinks;
  /** When the PDF is made, ms since the epoch: ages of test results are given at this time. */
  printedAt: number;
  /** The language printed first; both are always printed. Default zh. */
  lang?: PaperLang;
  /** Names of the testing centres and vaccination sites the certificate gives by code (the issuer's source list). */
  sources?: readonly SourceNameEntry[];
}

export interface CertificatePdf {
  bytes: Uint8Array;
  pages: number;
  /** Where each QR went (page index, placement), for callers that check the geometry. */
  qrs: Array<{ page: number; code: string; placed: PlacedQr }>;
}

/** Side of the comprehensive code's symbol, without its quiet zone. */
export const MAIN_QR_MM = 70;
/** Side of each single-record DCC symbol. */
export const DCC_QR_MM = 60;

const A4: [number, number] = [210 * MM, 297 * MM];
const MARGIN = 15 * MM;
const INK = rgb(0, 0, 0);
const GREY = rgb(0.33, 0.33, 0.33);
const RULE = rgb(0.7, 0.7, 0.7);
const ACCENT = rgb(0.6, 0.05, 0.05);
const TEXT_WIDTH_MM = (A4[0] - 2 * MARGIN) / MM;

/** A value in the two languages, the chosen one first; one text when both read the same (a number, a code, a name in one script). */
type Both = readonly [string] | readonly [string, string];

/** Both forms on one line ("中文 / English") where that fits in `width`, else one under the other. */
function fit(both: Both, font: PDFFont, size: number, width: number): string {
  if (both.length === 1) return both[0];
  const inline = `${both[0]} / ${both[1]}`;
  return font.widthOfTextAtSize(inline, size) <= width ? inline : `${both[0]}\n${both[1]}`;
}

/**
 * The shared view's values and the paper's own words in both languages, the chosen one first.
 * Values are written by core/view's renderValue; the paper adds no words of its own about them.
 */
class Bilingual {
  readonly first: PaperLang;
  readonly second: PaperLang;
  constructor(lang: PaperLang) {
    [this.first, this.second] = lang === 'en' ? ['en', 'zh'] : ['zh', 'en'];
  }

  /** A value in both languages (once where they read the same). */
  value(v: Value): Both {
    const a = renderValue(this.first, v);
    const b = renderValue(this.second, v);
    return a === b ? [a] : [a, b];
  }

  /** A label or a title: "姓名 Name". */
  label(v: Value, sep = ' '): string {
    const a = renderValue(this.first, v);
    const b = renderValue(this.second, v);
    return a === b ? a : `${a}${sep}${b}`;
  }

  /** A line with its label, in each language in turn ("签名有效期至 2027年1月6日", "Signature valid until 6 Jan 2027"); the value once when it reads the same in both. */
  line(l: Pick<Line, 'label' | 'value'>): Both {
    const v = this.value(l.value);
    if (v.length === 1) return [`${this.label(l.label)} ${v[0]}`];
    return [`${renderValue(this.first, l.label)} ${v[0]}`, `${renderValue(this.second, l.label)} ${v[1]}`];
  }

  /** One of the paper's own messages in both languages, each with its parameters written in that language. */
  word(key: PaperWord, params: Readonly<Record<string, string | number | Value>> = {}, sep = ' '): string {
    const one = (lang: PaperLang) =>
      paperWord(lang, key, Object.fromEntries(Object.entries(params).map(([k, p]) => [k, typeof p === 'object' ? renderValue(lang, p) : p])));
    return `${one(this.first)}${sep}${one(this.second)}`;
  }
}

/** Each page's resource name for each font it shows. */
const fontKeys = new WeakMap<PDFPage, Map<PDFFont, PDFName>>();

/** pdf-lib's own line height for a line break in drawn text (PDFPage's default). */
const PDF_LIB_LINE_HEIGHT = 24;

/**
 * `text` in `font` at (x, y): the operators pdf-lib's `page.drawText` writes, with the font named
 * once per page. drawText adds a new name for the font to the page's resources each time the font
 * differs from the page's current one, and again to restore it: with two weights in turn, hundreds
 * of names a page, each new one checked against all before it (a twentieth of a printout's CPU).
 */
function drawTextAt(page: PDFPage, text: string, o: { x: number; y: number; size: number; font: PDFFont; color: RGB }): void {
  let keys = fontKeys.get(page);
  if (!keys) fontKeys.set(page, (keys = new Map<PDFFont, PDFName>()));
  let key = keys.get(o.font);
  if (!key) keys.set(o.font, (key = page.node.newFontDictionary(o.font.name, o.font.ref)));
  page.pushOperators(
    ...drawLinesOfText(
      lineSplit(cleanText(text)).map((line) => o.font.encodeText(line)),
      { color: o.color, font: key, size: o.size, rotate: degrees(0), xSkew: degrees(0), ySkew: degrees(0), x: o.x, y: o.y, lineHeight: PDF_LIB_LINE_HEIGHT },
    ),
  );
}

// ---------------------------------------------------------------------------------------------
// A small typesetter: bilingual labels, wrapping of mixed Chinese and Latin text, page breaks.

interface Fonts {
  regular: PDFFont;
  bold: PDFFont;
}

/**
 * Line-break opportunities: after each CJK character, after each space; Latin words stay whole,
 * closing punctuation (）」，。、；：) stays with what it closes and opening punctuation (（「) with
 * what it opens, so neither starts or ends a line on its own.
 */
const CJK = '\\u2E80-\\u9FFF\\uF900-\\uFAFF\\uFF00-\\uFFEF\\u3000-\\u303F';
const OPEN = '[\\uFF08\\u300C\\u300E\\u3010\\u3008\\u300A]';
const CLOSE = '[\\uFF09\\u300D\\u300F\\u3011\\u3009\\u300B\\uFF0C\\u3002\\u3001\\uFF1B\\uFF1A\\uFF01\\uFF1F]';
const SEGMENT = new RegExp(`${OPEN}+[^\\s${CJK}]+${CLOSE}*\\s*|${OPEN}*[${CJK}]${CLOSE}*|[^\\s${CJK}]+${CLOSE}*\\s*|\\s+`, 'g');

function segments(text: string): string[] {
  return text.match(SEGMENT) ?? [];
}

export function wrapText(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  for (const para of text.split('\n')) {
    let line = '';
    for (const seg of segments(para)) {
      const next = line + seg;
      if (font.widthOfTextAtSize(next.trimEnd(), size) <= width) {
        line = next;
        continue;
      }
      if (line.trim()) lines.push(line.trimEnd());
      line = seg.trimStart();
      // A single token wider than the line (a long URL or code) is broken by characters.
      while (font.widthOfTextAtSize(line, size) > width && line.length > 1) {
        let cut = line.length - 1;
        while (cut > 1 && font.widthOfTextAtSize(line.slice(0, cut), size) > width) cut--;
        lines.push(line.slice(0, cut));
        line = line.slice(cut);
      }
    }
    lines.push(line.trimEnd());
  }
  return lines;
}

/** Type size and cell padding of the record tables. */
const TABLE_SIZE = 8.5;
const TABLE_PAD = 1.6 * MM;

class Sheet {
  page!: PDFPage;
  y = 0;
  pages: PDFPage[] = [];
  constructor(
    readonly doc: PDFDocument,
    readonly fonts: Fonts,
    readonly bi: Bilingual,
  ) {
    this.newPage();
  }

  newPage(): void {
    this.page = this.doc.addPage(A4);
    this.pages.push(this.page);
    this.y = A4[1] - MARGIN;
  }

  ensure(height: number): void {
    if (this.y - height < MARGIN + 12 * MM) this.newPage();
  }

  text(s: string, x: number, y: number, size: number, opts: { bold?: boolean; color?: RGB } = {}): void {
    drawTextAt(this.page, s, { x, y, size, font: opts.bold ? this.fonts.bold : this.fonts.regular, color: opts.color ?? INK });
  }

  /** Wrapped text at the cursor; moves the cursor below it. */
  para(s: string, x: number, width: number, size: number, opts: { bold?: boolean; color?: RGB; gap?: number } = {}): void {
    const font = opts.bold ? this.fonts.bold : this.fonts.regular;
    const lead = size * 1.35;
    for (const line of wrapText(s, font, size, width)) {
      this.ensure(lead);
      this.y -= lead;
      this.text(line, x, this.y + size * 0.25, size, opts);
    }
    this.y -= opts.gap ?? 0;
  }

  /** A label column and a value column. */
  field(
    labelText: string,
    value: string | Both,
    x: number,
    width: number,
    labelWidth: number,
    size = 9.5,
    valueOpts: { bold?: boolean; size?: number } = {},
  ): void {
    const vsize = valueOpts.size ?? size;
    const lead = Math.max(size, vsize) * 1.4;
    const font = valueOpts.bold ? this.fonts.bold : this.fonts.regular;
    const labelLines = wrapText(labelText, this.fonts.regular, size - 1, labelWidth - 4);
    const valueLines = wrapText(typeof value === 'string' ? value : fit(value, font, vsize, width - labelWidth), font, vsize, width - labelWidth);
    const n = Math.max(labelLines.length, valueLines.length);
    this.ensure(n * lead);
    for (let i = 0; i < n; i++) {
      this.y -= lead;
      if (labelLines[i]) this.text(labelLines[i], x, this.y + size * 0.3, size - 1, { color: GREY });
      if (valueLines[i]) this.text(valueLines[i], x + labelWidth, this.y + size * 0.3, vsize, { bold: valueOpts.bold });
    }
  }

  /**
   * A table across the text width under its title: column widths in mm, cells wrapped, rows kept
   * whole, and the title, the head and the first row on one page.
   */
  table(title: string, head: string[], widthsMm: number[], rows: string[][], bold: boolean[] = []): void {
    const size = TABLE_SIZE;
    const lead = size * 1.3;
    const pad = TABLE_PAD;
    const widths = widthsMm.map((w) => w * MM);
    const lay = (cells: string[], fonts: PDFFont[]) => cells.map((t, i) => wrapText(t, fonts[i], size, widths[i] - 2 * pad));
    const heightOf = (cells: string[][]) => Math.max(...cells.map((c) => c.length)) * lead + 2 * pad;
    const headFonts = head.map(() => this.fonts.regular);
    const headCells = lay(head, headFonts);
    const rowFonts = rows.map((r) => r.map((_, i) => (bold[i] ? this.fonts.bold : this.fonts.regular)));
    const rowCells = rows.map((r, k) => lay(r, rowFonts[k]));
    this.heading(title, heightOf(headCells) + (rowCells.length ? heightOf(rowCells[0]) : 0));
    const drawRow = (cells: string[][], fonts: PDFFont[], fillGrey: boolean, colors: RGB[]) => {
      const height = heightOf(cells);
      this.ensure(height);
      const top = this.y;
      if (fillGrey) this.page.drawRectangle({ x: MARGIN, y: top - height, width: widths.reduce((a, b) => a + b, 0), height, color: rgb(0.93, 0.93, 0.93) });
      let x = MARGIN;
      cells.forEach((lines, i) => {
        lines.forEach((l, k) => drawTextAt(this.page, l, { x: x + pad, y: top - pad - (k + 1) * lead + size * 0.3, size, font: fonts[i], color: colors[i] }));
        x += widths[i];
      });
      this.y = top - height;
      this.page.drawLine({ start: { x: MARGIN, y: this.y }, end: { x: MARGIN + widths.reduce((a, b) => a + b, 0), y: this.y }, thickness: 0.4, color: RULE });
    };
    drawRow(
      headCells,
      headFonts,
      true,
      head.map(() => GREY),
    );
    rowCells.forEach((cells, k) =>
      drawRow(
        cells,
        rowFonts[k],
        false,
        cells.map(() => INK),
      ),
    );
    this.y -= 3;
  }

  rule(x: number, width: number, color: RGB = RULE, thickness = 0.6): void {
    this.y -= 4;
    this.page.drawLine({ start: { x, y: this.y }, end: { x: x + width, y: this.y }, thickness, color });
    this.y -= 2;
  }

  /** A section title, already in both languages; `keep` points of what follows stay on the same page. */
  heading(title: string, keep = 30): void {
    this.ensure(keep + 26);
    this.y -= 8;
    this.para(title, MARGIN, A4[0] - 2 * MARGIN, 11.5, { bold: true, color: ACCENT });
    this.rule(MARGIN, A4[0] - 2 * MARGIN);
  }
}

// ---------------------------------------------------------------------------------------------

/** A line of the view model's sections by its key. */
function lineOf(sections: readonly Section[], key: string): Line | undefined {
  for (const s of sections) for (const item of s.items) for (const l of item.lines) if (l.key === key) return l;
  return undefined;
}

/** A line of a record in a table cell: its value, or "label: value" where the column head does not say what it is. */
type CellLine = string | { readonly key: string; readonly labelled: true };

/** A column of a record table: its head, its share of the width, and the record's lines it holds, one under another. */
interface Column {
  readonly head: string;
  /** Relative width: the columns that hold something share the text width in these proportions. */
  readonly weight: number;
  readonly lines: readonly CellLine[];
  readonly bold?: boolean;
  /** Lines of a record that no column names land here, labelled, so a line added to the view is never lost on paper. */
  readonly rest?: boolean;
}

const keyOf = (c: CellLine): string => (typeof c === 'string' ? c : c.key);

/** A record kind's table on paper: its columns (which of the kind's view lines go in which), the lines left off, whether its rows show sample ages. */
interface PaperTable {
  columns(bi: Bilingual): Column[];
  readonly omit?: readonly string[];
  readonly sampleAges?: boolean;
}

/** Each record kind's table (core/record-kinds.ts): a kind without one does not typecheck. */
const PAPER_TABLES: { readonly [K in RecordKind]: PaperTable } = {
  naat: {
    sampleAges: true,
    columns: (bi) => [
      { head: bi.label(msg('label.sampleTime')), weight: 48, lines: ['test.sampleTime', { key: 'test.reportTime', labelled: true }] },
      { head: bi.word('ageAtPrinting'), weight: 24, lines: ['test.sampleAge'] },
      { head: bi.word('testAndResult'), weight: 48, lines: ['test.type', 'test.result', 'test.name', 'test.device'], bold: true, rest: true },
      { head: bi.label(msg('label.centre')), weight: 44, lines: ['test.centre', 'test.country'] },
      { head: bi.label(msg('label.issuedBy')), weight: 30, lines: ['test.issuer'] },
    ],
  },
  igg: {
    sampleAges: true,
    columns: (bi) => [
      { head: bi.label(msg('label.sampleTime')), weight: 44, lines: ['antibody.sampleTime'] },
      { head: bi.word('ageAtPrinting'), weight: 24, lines: ['antibody.sampleAge'] },
      {
        head: bi.word('resultAndMethod'),
        weight: 58,
        lines: [
          'antibody.result',
          'antibody.value',
          { key: 'antibody.cutoff', labelled: true },
          { key: 'antibody.target', labelled: true },
          'antibody.method',
          'antibody.assay',
        ],
        bold: true,
        rest: true,
      },
      { head: bi.label(msg('label.centre')), weight: 44, lines: ['antibody.centre', 'antibody.country'] },
      { head: bi.label(msg('label.issuedBy')), weight: 30, lines: ['antibody.issuer'] },
    ],
    // What a result means follows from the result and target printed beside it; in both
    // languages it would triple the row, so it stays on the verifier's screen.
    omit: ['antibody.meaning'],
  },
  vaccination: {
    columns: (bi) => [
      { head: bi.label(msg('label.dose')), weight: 20, lines: ['vaccination.dose'], bold: true },
      { head: bi.label(msg('label.date')), weight: 25, lines: ['vaccination.date'], bold: true },
      { head: bi.label(msg('label.vaccine')), weight: 46, lines: ['vaccination.product', 'vaccination.type'], rest: true },
      { head: bi.label(msg('label.manufacturer')), weight: 34, lines: ['vaccination.manufacturer'] },
      { head: bi.label(msg('label.country')), weight: 18, lines: ['vaccination.country'] },
      { head: bi.label(msg('label.site')), weight: 42, lines: ['vaccination.site'] },
      { head: bi.label(msg('label.issuedBy')), weight: 30, lines: ['vaccination.issuer'] },
    ],
  },
};

/**
 * A view section as a titled table, one row per record; a column no record has a line for is left
 * out. `omit` names lines the paper leaves out on purpose.
 */
function recordTable(s: Sheet, section: Section, all: readonly Column[], omit: readonly string[] = []): void {
  const placed = new Set([...all.flatMap((c) => c.lines.map(keyOf)), ...omit]);
  const used = (c: Column) =>
    section.items.some(
      (item) => (c.rest && item.lines.some((l) => !placed.has(l.key))) || c.lines.some((spec) => item.lines.some((l) => l.key === keyOf(spec))),
    );
  const columns = all.filter(used);
  const total = columns.reduce((a, c) => a + c.weight, 0);
  const mm = columns.map((c) => (c.weight / total) * TEXT_WIDTH_MM);
  const cell = (item: Item, c: Column, k: number): string => {
    const font = c.bold ? s.fonts.bold : s.fonts.regular;
    const width = mm[k] * MM - 2 * TABLE_PAD;
    const out: string[] = [];
    for (const spec of c.lines) {
      const l = item.lines.find((x) => x.key === keyOf(spec));
      if (l) out.push(fit(typeof spec === 'string' ? s.bi.value(l.value) : s.bi.line(l), font, TABLE_SIZE, width));
    }
    if (c.rest) for (const l of item.lines) if (!placed.has(l.key)) out.push(fit(s.bi.line(l), font, TABLE_SIZE, width));
    return out.join('\n');
  };
  s.table(
    s.bi.label(section.title, '  '),
    columns.map((c) => c.head),
    mm,
    section.items.map((item) => columns.map((c, k) => cell(item, c, k))),
    columns.map((c) => c.bold === true),
  );
}

/** Renders the paper certificate. Deterministic for the same input (fixed dates in the PDF's metadata). */
export async function renderCertificatePdf(input: CertificatePdfInput): Promise<CertificatePdf> {
  const bi = new Bilingual(input.lang ?? 'zh');
  const { certificate: c, iat, exp, kid } = readOwnCode(input.ithc);
  // Our own code read back from the store, not a verification: its content's lines as every
  // verifier shows them, with the ages of samples counted to the printing time.
  const printedAt = Math.floor(input.printedAt / 1000);
  const sections = certificateSections({ format: 'ithc', ithc: c }, { now: printedAt, sources: new Map((input.sources ?? []).map((e) => [e.code, e])) });
  const signature = signatureLines({ format: null, kid: null, issuer: null, alg: null, issuedAt: iat ?? null, expiresAt: exp ?? null, signer: null });
  const section = (key: string) => sections.find((x) => x.key === key);

  const doc = await PDFDocument.create();
  deflateNatively(doc);
  doc.registerFontkit(fontkitForPdfLib);
  const fonts: Fonts = {
    regular: await doc.embedFont(fontBytes('regular'), { subset: true }),
    bold: await doc.embedFont(fontBytes('bold'), { subset: true }),
  };
  const printed = new Date(input.printedAt);
  doc.setTitle(bi.word('title', {}, ' / '));
  doc.setSubject(c.id);
  doc.setCreator('ITHC');
  doc.setProducer('ITHC (pdf-lib)');
  doc.setCreationDate(printed);
  doc.setModificationDate(printed);
  doc.setLanguage(documentLang(bi.first));

  const s = new Sheet(doc, fonts, bi);
  const qrs: CertificatePdf['qrs'] = [];
  const W = A4[0] - 2 * MARGIN;

  // Title.
  s.y -= 22;
  s.text(paperWord(bi.first, 'title'), MARGIN, s.y, bi.first === 'en' ? 19 : 22, { bold: true });
  s.y -= 20;
  s.text(paperWord(bi.second, 'title'), MARGIN, s.y, bi.first === 'en' ? 17 : 15, { bold: true });
  s.y -= 14;
  const issuer = lineOf(sections, 'issuer.name');
  s.text(bi.word('state') + (issuer ? ` · ${bi.value(issuer.value).join(' / ')}` : ''), MARGIN, s.y, 9, { color: GREY });
  s.rule(MARGIN, W, INK, 1.2);

  // The comprehensive QR, top right, at its fixed size.
  const main = qrOuterSize(input.ithc, MAIN_QR_MM);
  const qrX = A4[0] - MARGIN - main.outer;
  const qrTop = s.y - 2;
  const placed = drawQr(s.page, input.ithc, qrX, qrTop - main.outer, MAIN_QR_MM);
  qrs.push({ page: 0, code: input.ithc, placed });
  const captionY = qrTop - main.outer - 10;
  const capW = main.outer;
  const cap1 = bi.word('scanToVerify');
  const cap2 = `ITHC1 · QR ${placed.matrix.version}-Q · ${MAIN_QR_MM} mm`;
  s.text(cap1, qrX + (capW - fonts.regular.widthOfTextAtSize(cap1, 8.5)) / 2, captionY, 8.5, { color: GREY });
  s.text(cap2, qrX + (capW - fonts.regular.widthOfTextAtSize(cap2, 8)) / 2, captionY - 11, 8, { color: GREY });

  // Holder, beside the QR: the view's holder lines, the name large.
  const colW = qrX - MARGIN - 6 * MM;
  const labelW = 37 * MM;
  const holder = section('holder');
  s.y -= 4;
  if (holder) {
    s.para(bi.label(holder.title), MARGIN, colW, 11.5, { bold: true, color: ACCENT });
    for (const l of holder.items.flatMap((i) => i.lines)) {
      if (l.key === 'holder.name') s.field(bi.label(l.label), bi.value(l.value), MARGIN, colW, labelW, 9.5, { bold: true, size: 15 });
      // Right under the name it repeats: no label needed.
      else if (l.key === 'holder.nameLatin') s.field('', bi.value(l.value), MARGIN, colW, labelW, 9.5, { bold: true, size: 12 });
      else s.field(bi.label(l.label), bi.value(l.value), MARGIN, colW, labelW);
    }
  }
  // The certificate: its issuer and identifier, when it was signed and until when the signature holds.
  s.y -= 4;
  s.para(bi.word('certificate'), MARGIN, colW, 11.5, { bold: true, color: ACCENT });
  for (const l of [...(section('issuer')?.items.flatMap((i) => i.lines) ?? []), ...signature]) {
    if (l.key === 'issuer.id') s.field(bi.label(l.label), bi.value(l.value), MARGIN, colW, labelW, 9.5, { size: 8.5 });
    else if (l.key === 'signature.expiresAt') {
      s.field(bi.label(l.label), bi.value(l.value), MARGIN, colW, labelW, 9.5, { bold: true });
      s.field('', bi.word('refresh'), MARGIN, colW, labelW, 8, { size: 7.5 });
    } else s.field(bi.label(l.label), bi.value(l.value), MARGIN, colW, labelW);
  }
  s.y = Math.min(s.y, captionY - 16);

  // Print at 100 %, with a ruler to check it: right under the QR it is about.
  drawPrintNotice(s, W);

  // Records, as tables: one row per record, its cells the view's lines; kind by kind, in the certificate's order.
  let agesPrinted = false;
  const agesNote = () => s.para(bi.word('countsFromSample'), MARGIN, W, 8, { color: GREY });
  for (const kind of RECORD_KIND_LIST) {
    const table = PAPER_TABLES[kind];
    // Ages count from the sample: said once, under the last table that shows them.
    if (agesPrinted && !table.sampleAges) {
      agesNote();
      agesPrinted = false;
    }
    const records = section(RECORD_KINDS[kind].view.section);
    if (!records) continue;
    recordTable(s, records, table.columns(bi), table.omit);
    if (table.sampleAges) agesPrinted = true;
  }
  if (agesPrinted) agesNote();

  // How to verify.
  s.heading(bi.word('howToVerify', {}, '  '));
  const kidText = kid ? ` (kid ${Buffer.from(kid).toString('base64')})` : '';
  s.para(`1. ${bi.word('webVerifier')}: ${input.links.webVerifier}`, MARGIN, W, 9);
  s.para(`2. ${bi.word('trustList')}${kidText}: ${input.links.trustList}`, MARGIN, W, 9);
  // Only what an officer can actually use: the addresses above, and verifiers they already have.
  if (input.dcc?.length) s.para(`3. ${bi.word('dccVerifiers')}`, MARGIN, W, 9);
  s.para(bi.word('signedNote'), MARGIN, W, 8.5, { color: GREY });

  if (input.dcc?.length) drawDccPages(s, input.dcc, qrs);
  drawFooters(s, c.id, printedAt);
  deflateContentStreams(doc);
  const bytes = await doc.save({ useObjectStreams: true });
  return { bytes, pages: s.pages.length, qrs };
}

/**
 * Compresses the pages' content streams with node:zlib rather than pdf-lib's own pako: the same
 * deflate format (a PDF reader cannot tell), but native code, several times faster than pako's
 * JavaScript (./qr-vector.ts deflates the QR forms itself). Each stream is replaced by one holding its
 * deflated bytes, with the same dictionary (whose /Filter /FlateDecode pdf-lib already set).
 */
function deflateContentStreams(doc: PDFDocument): void {
  for (const [ref, object] of doc.context.enumerateIndirectObjects()) {
    if (!(object instanceof PDFContentStream) || !object.dict.has(PDFName.of('Filter'))) continue;
    doc.context.assign(ref, PDFRawStream.of(object.dict, zlibDeflate(object.getUnencodedContents())));
  }
}

/**
 * Font files and ToUnicode maps deflated lately, by the SHA-256 of their bytes. A certificate
 * printed again embeds the same subsets (server/pdf/fonts.ts keeps them) and the same maps, and
 * deflating them was most of what compression cost a printout; hashing them is a tenth of that.
 * The deflated bytes are shared: pdf-lib only copies them into the file. Bounded: ~70 KB a
 * certificate (two subsets, two maps), 64 entries ~1.2 MB of a PDF worker's heap.
 */
const deflated = new Recent<Uint8Array>(64);

function deflateOnce(bytes: Uint8Array): Uint8Array {
  return deflated.get(createHash('sha256').update(bytes).digest('base64'), () => zlibDeflate(bytes));
}

/**
 * Makes pdf-lib compress the streams it compresses as it embeds them (the font subsets and their
 * ToUnicode maps) with node:zlib rather than pako, for the reason deflateContentStreams gives (pako
 * deflating the two font files was a sixth of a printout's CPU), and each of them once while it is
 * kept. Same format, same dictionary.
 */
function deflateNatively(doc: PDFDocument): void {
  const context = doc.context;
  context.flateStream = (contents, dict = {}) =>
    context.stream(deflateOnce(typeof contents === 'string' ? Buffer.from(contents, 'latin1') : contents), { ...dict, Filter: 'FlateDecode' });
}

function drawPrintNotice(s: Sheet, W: number): void {
  s.ensure(52);
  s.y -= 10;
  const boxTop = s.y;
  s.y -= 2;
  s.para(s.bi.word('printActualSize'), MARGIN + 4 * MM, W - 8 * MM, 10, { bold: true });
  s.para(s.bi.word('printRuler', { qr: MAIN_QR_MM }), MARGIN + 4 * MM, W - 8 * MM, 8.5);
  s.y -= 8;
  const x = MARGIN + 4 * MM;
  const page = s.page;
  page.drawRectangle({ x, y: s.y, width: 50 * MM, height: 1.2 * MM, color: INK });
  for (let mm = 0; mm <= 50; mm += 10)
    page.drawLine({ start: { x: x + mm * MM, y: s.y }, end: { x: x + mm * MM, y: s.y - 2 * MM }, thickness: 0.5, color: INK });
  s.text('0', x - 1.5, s.y - 5.5 * MM, 7);
  s.text('50 mm', x + 50 * MM - 8, s.y - 5.5 * MM, 7);
  s.y -= 7 * MM;
  page.drawRectangle({ x: MARGIN, y: s.y, width: W, height: boxTop - s.y, borderColor: INK, borderWidth: 1 });
}

function drawDccPages(s: Sheet, dcc: NonNullable<CertificatePdfInput['dcc']>, qrs: CertificatePdf['qrs']): void {
  const W = A4[0] - 2 * MARGIN;
  const perRow = 2;
  let col = 0;
  let rowTop = 0;
  let rowHeight = 0;
  s.newPage();
  s.y -= 6;
  s.para(s.bi.word('dccHeading'), MARGIN, W, 13, { bold: true });
  s.para(s.bi.word('dccLead'), MARGIN, W, 9, { color: GREY });
  s.rule(MARGIN, W);
  rowTop = s.y;
  dcc.forEach((d, i) => {
    const size = qrOuterSize(d.code, DCC_QR_MM);
    const cell = W / perRow;
    if (col === 0) {
      if (i > 0) rowTop -= rowHeight;
      if (rowTop - (size.outer + 40) < MARGIN + 12 * MM) {
        s.newPage();
        rowTop = s.y - 6;
      }
      rowHeight = 0;
    }
    const x = MARGIN + col * cell + (cell - size.outer) / 2;
    const placed = drawQr(s.page, d.code, x, rowTop - size.outer, DCC_QR_MM);
    qrs.push({ page: s.pages.length - 1, code: d.code, placed });
    const what = s.bi.label(msg(d.type === 't' ? 'record.t' : 'record.v'));
    const lines = [
      `${what} · HC1 · ${DCC_QR_MM} mm`,
      d.uci,
      ...s.bi.line({ label: msg('label.expiresAt'), value: { kind: 'datetime', seconds: d.expiresAt } }),
    ];
    let ty = rowTop - size.outer - 11;
    for (const [k, line] of lines.entries()) {
      const fs = k === 0 ? 9 : 7.5;
      const font = k === 0 ? s.fonts.bold : s.fonts.regular;
      for (const l of wrapText(line, font, fs, cell - 8)) {
        s.text(l, MARGIN + col * cell + (cell - font.widthOfTextAtSize(l, fs)) / 2, ty, fs, { bold: k === 0, color: k === 0 ? INK : GREY });
        ty -= fs * 1.4;
      }
    }
    rowHeight = Math.max(rowHeight, rowTop - ty + 10);
    col = (col + 1) % perRow;
  });
}

/** `printedAt` in seconds since the epoch. */
function drawFooters(s: Sheet, id: string, printedAt: number): void {
  const n = s.pages.length;
  const W = A4[0] - 2 * MARGIN;
  const printed = s.bi.word('printed', { at: { kind: 'datetime', seconds: printedAt } }, ' / ');
  s.pages.forEach((page, i) => {
    const text = `${s.bi.word('page', { n: i + 1, total: n }, ' / ')} · ${printed} · ${id}`;
    // One line: smaller type rather than a line running off the page.
    const size = Math.min(7.5, (7.5 * W) / s.fonts.regular.widthOfTextAtSize(text, 7.5));
    page.drawLine({ start: { x: MARGIN, y: MARGIN + 6 * MM }, end: { x: A4[0] - MARGIN, y: MARGIN + 6 * MM }, thickness: 0.4, color: RULE });
    drawTextAt(page, text, { x: MARGIN, y: MARGIN + 2 * MM, size, font: s.fonts.regular, color: GREY });
  });
}
