/**
 * The paper certificate: an A4 portrait, bilingual (Chinese and English) PDF of a signed ITHC.
 *
 * Page 1: the title, the holder, the certificate's identity and signature validity, the
 * comprehensive QR (ITHC1:) at a fixed 70 mm, every record with its date, issuer and validity, how
 * to verify, and the request to print at 100 %. Page 2 on: one single-record EU DCC QR (HC1:) per
 * record the DCC can express, for verifiers that read only DCCs.
 *
 * What is printed comes from the signed code itself (decoded here, never from a second copy of
 * the data), so the words on the paper and the QR beside them cannot disagree.
 *
 * Two clocks, never confused (server/issuance/policy.ts): a test result counts from its sample
 * time, so each test shows its sample time and its age at printing; the signature's expiry is
 * shown apart, as the date by which the holder must refresh the code.
 */
import { deflateSync } from 'node:zlib';
import { PDFContentStream, PDFDocument, PDFFont, PDFName, PDFPage, PDFRawStream, rgb, type RGB } from 'pdf-lib';
import { decodeStages } from '../../core/hcert';
import { readIthc, type IthcCertificate } from '../../core/ithc';
import { IGG_METHODS, IGG_RESULTS, IGG_TARGETS, IGG_UNITS, SEXES, TRAVEL_DOCUMENT_TYPES, TEST_TYPE_NAAT, iggAssayLabel, issuerLabel, label, ownLabel, type Lang } from '../../core/valuesets';
import type { SourceNameEntry } from '../issuance/build';
import { fontBytes, fontkitForPdfLib } from './fonts';
import { drawQr, MM, qrOuterSize, type PlacedQr } from './qr-vector';

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
  lang?: Lang;
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

/** Fixed UTC+8 (China Standard Time has no daylight saving). */
const CST_OFFSET_MS = 8 * 3600 * 1000;

function two(n: number): string {
  return String(n).padStart(2, '0');
}

function ymdhm(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`;
}

/** An instant in Beijing time and in UTC: officers abroad read the second. */
export function formatInstant(seconds: number): string {
  const ms = seconds * 1000;
  return `${ymdhm(ms + CST_OFFSET_MS)} UTC+8 (${ymdhm(ms).slice(11)} UTC${ymdhm(ms).slice(0, 10) !== ymdhm(ms + CST_OFFSET_MS).slice(0, 10) ? ' ' + ymdhm(ms).slice(0, 10) : ''})`;
}

/** Age of a result, in whole days and hours: "1 天 2 小时 / 1 d 2 h". */
export function formatAge(ms: number): { zh: string; en: string } | null {
  if (!(ms >= 0)) return null;
  const hours = Math.floor(ms / 3_600_000);
  const d = Math.floor(hours / 24), h = hours % 24;
  return d > 0 ? { zh: `${d} 天 ${h} 小时`, en: `${d} d ${h} h` } : { zh: `${h} 小时`, en: `${h} h` };
}

/** Reads the certificate out of its own code (no key needed: we signed it, and print what it says). */
export function certificateOfCode(code: string): { certificate: IthcCertificate; iat?: number; exp?: number; kid?: Uint8Array } {
  const st = decodeStages(code);
  if (st.error || st.format !== 'ithc' || st.claims?.ithc === undefined) {
    throw new TypeError(`not an open ITHC code: ${st.error?.message ?? st.format ?? 'no certificate claim'}`);
  }
  const r = readIthc(st.claims.ithc);
  if (!r.certificate) throw new TypeError(`the code's certificate is not readable: ${r.problems.join('; ')}`);
  return { certificate: r.certificate, iat: st.claims.iat, exp: st.claims.exp, kid: st.sign1?.kid };
}

// ---------------------------------------------------------------------------------------------
// A small typesetter: bilingual labels, wrapping of mixed Chinese and Latin text, page breaks.

interface Fonts {
  regular: PDFFont;
  bold: PDFFont;
}

/** Line-break opportunities: after each CJK character, after each space; Latin words stay whole. */
function segments(text: string): string[] {
  return text.match(/[\u2E80-\u9FFF\uF900-\uFAFF\uFF00-\uFFEF\u3000-\u303F]|[^\s\u2E80-\u9FFF\uF900-\uFAFF\uFF00-\uFFEF\u3000-\u303F]+\s*|\s+/g) ?? [];
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

class Sheet {
  page!: PDFPage;
  y = 0;
  pages: PDFPage[] = [];
  constructor(
    readonly doc: PDFDocument,
    readonly fonts: Fonts,
    readonly lang: Lang,
  ) {
    this.newPage();
  }

  newPage(): void {
    this.page = this.doc.addPage(A4);
    this.pages.push(this.page);
    this.y = A4[1] - MARGIN;
  }

  /** "中文 English" or "English 中文", the chosen language first. */
  bi(zh: string, en: string, sep = ' '): string {
    return this.lang === 'en' ? `${en}${sep}${zh}` : `${zh}${sep}${en}`;
  }

  ensure(height: number): void {
    if (this.y - height < MARGIN + 12 * MM) this.newPage();
  }

  text(s: string, x: number, y: number, size: number, opts: { bold?: boolean; color?: RGB } = {}): void {
    this.page.drawText(s, { x, y, size, font: opts.bold ? this.fonts.bold : this.fonts.regular, color: opts.color ?? INK });
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
  field(labelText: string, value: string, x: number, width: number, labelWidth: number, size = 9.5, valueOpts: { bold?: boolean; size?: number } = {}): void {
    const vsize = valueOpts.size ?? size;
    const lead = Math.max(size, vsize) * 1.4;
    const labelLines = wrapText(labelText, this.fonts.regular, size - 1, labelWidth - 4);
    const valueLines = wrapText(value, valueOpts.bold ? this.fonts.bold : this.fonts.regular, vsize, width - labelWidth);
    const n = Math.max(labelLines.length, valueLines.length);
    this.ensure(n * lead);
    for (let i = 0; i < n; i++) {
      this.y -= lead;
      if (labelLines[i]) this.text(labelLines[i], x, this.y + size * 0.3, size - 1, { color: GREY });
      if (valueLines[i]) this.text(valueLines[i], x + labelWidth, this.y + size * 0.3, vsize, { bold: valueOpts.bold });
    }
  }

  /** A table across the text width: column widths in mm, cells wrapped, rows kept whole. */
  table(head: string[], widthsMm: number[], rows: string[][], bold: boolean[] = []): void {
    const size = 8.5;
    const lead = size * 1.3;
    const pad = 1.6 * MM;
    const widths = widthsMm.map((w) => w * MM);
    const lay = (cells: string[], fonts: PDFFont[]) => cells.map((t, i) => wrapText(t, fonts[i], size, widths[i] - 2 * pad));
    const drawRow = (cells: string[][], fonts: PDFFont[], fillGrey: boolean, colors: RGB[]) => {
      const n = Math.max(...cells.map((c) => c.length));
      const height = n * lead + 2 * pad;
      this.ensure(height);
      const top = this.y;
      if (fillGrey) this.page.drawRectangle({ x: MARGIN, y: top - height, width: widths.reduce((a, b) => a + b, 0), height, color: rgb(0.93, 0.93, 0.93) });
      let x = MARGIN;
      cells.forEach((lines, i) => {
        lines.forEach((l, k) => this.page.drawText(l, { x: x + pad, y: top - pad - (k + 1) * lead + size * 0.3, size, font: fonts[i], color: colors[i] }));
        x += widths[i];
      });
      this.y = top - height;
      this.page.drawLine({ start: { x: MARGIN, y: this.y }, end: { x: MARGIN + widths.reduce((a, b) => a + b, 0), y: this.y }, thickness: 0.4, color: RULE });
    };
    const headFonts = head.map(() => this.fonts.regular);
    drawRow(lay(head, headFonts), headFonts, true, head.map(() => GREY));
    for (const r of rows) {
      const fonts = r.map((_, i) => (bold[i] ? this.fonts.bold : this.fonts.regular));
      drawRow(lay(r, fonts), fonts, false, r.map(() => INK));
    }
    this.y -= 3;
  }

  rule(x: number, width: number, color: RGB = RULE, thickness = 0.6): void {
    this.y -= 4;
    this.page.drawLine({ start: { x, y: this.y }, end: { x: x + width, y: this.y }, thickness, color });
    this.y -= 2;
  }

  /** A section title; `keep` points of what follows stay on the same page. */
  heading(zh: string, en: string, keep = 30): void {
    this.ensure(keep + 26);
    this.y -= 8;
    this.para(this.bi(zh, en, '  '), MARGIN, A4[0] - 2 * MARGIN, 11.5, { bold: true, color: ACCENT });
    this.rule(MARGIN, A4[0] - 2 * MARGIN);
  }
}

// ---------------------------------------------------------------------------------------------

function holderName(c: IthcCertificate): { native: string; latin: string } {
  const h = c.holder;
  const native = `${h.surname ?? ''}${h.givenName ?? ''}`;
  const latin = [h.surnameLatin, h.givenNameLatin].filter(Boolean).join(' ').replace(/</g, ' ');
  return { native, latin };
}

function both(zh: string, en: string, lang: Lang): string {
  return zh === en ? en : lang === 'en' ? `${en} / ${zh}` : `${zh} / ${en}`;
}

/** A testing centre or vaccination site: its name as carried, or, for a code, its names in both scripts when known. */
function placeLabel(name: string | undefined, code: number | undefined, sources: readonly SourceNameEntry[] | undefined, lang: Lang): string {
  if (name !== undefined) return name;
  const e = sources?.find((x) => x.code === code);
  if (!e) return both(`机构编码 ${code}`, `source code ${code}`, lang);
  return e.nameLatin ? both(e.name, e.nameLatin, lang) : e.name;
}

function valueLabel(set: Parameters<typeof label>[0], code: string, lang: Lang): string {
  return both(label(set, code, 'zh'), label(set, code, 'en'), lang);
}

/** Renders the paper certificate. Deterministic for the same input (fixed dates in the PDF's metadata). */
export async function renderCertificatePdf(input: CertificatePdfInput): Promise<CertificatePdf> {
  const lang: Lang = input.lang ?? 'zh';
  const { certificate: c, iat, exp, kid } = certificateOfCode(input.ithc);
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkitForPdfLib);
  const fonts: Fonts = {
    regular: await doc.embedFont(fontBytes('regular'), { subset: true }),
    bold: await doc.embedFont(fontBytes('bold'), { subset: true }),
  };
  const printed = new Date(input.printedAt);
  doc.setTitle('国际旅行健康证明 / International Travel Health Certificate');
  doc.setSubject(c.id);
  doc.setCreator('ITHC');
  doc.setProducer('ITHC (pdf-lib)');
  doc.setCreationDate(printed);
  doc.setModificationDate(printed);
  doc.setLanguage(lang === 'en' ? 'en' : 'zh-CN');

  const s = new Sheet(doc, fonts, lang);
  const qrs: CertificatePdf['qrs'] = [];
  const W = A4[0] - 2 * MARGIN;
  const bi = (zh: string, en: string) => s.bi(zh, en);

  // Title.
  const titles = lang === 'en' ? ['International Travel Health Certificate', '国际旅行健康证明'] : ['国际旅行健康证明', 'International Travel Health Certificate'];
  s.y -= 22;
  s.text(titles[0], MARGIN, s.y, lang === 'en' ? 19 : 22, { bold: true });
  s.y -= 20;
  s.text(titles[1], MARGIN, s.y, lang === 'en' ? 17 : 15, { bold: true });
  s.y -= 14;
  s.text(bi('中华人民共和国', "People's Republic of China") + ' · ' + c.issuer, MARGIN, s.y, 9, { color: GREY });
  s.rule(MARGIN, W, INK, 1.2);

  // The comprehensive QR, top right, at its fixed size.
  const main = qrOuterSize(input.ithc, MAIN_QR_MM);
  const qrX = A4[0] - MARGIN - main.outer;
  const qrTop = s.y - 2;
  const placed = drawQr(s.page, input.ithc, qrX, qrTop - main.outer, MAIN_QR_MM);
  qrs.push({ page: 0, code: input.ithc, placed });
  const captionY = qrTop - main.outer - 10;
  const capW = main.outer;
  const cap1 = bi('扫码核验（综合证明）', 'Scan to verify (comprehensive)');
  const cap2 = `ITHC1 · QR ${placed.matrix.version}-Q · ${MAIN_QR_MM} mm`;
  s.text(cap1, qrX + (capW - fonts.regular.widthOfTextAtSize(cap1, 8.5)) / 2, captionY, 8.5, { color: GREY });
  s.text(cap2, qrX + (capW - fonts.regular.widthOfTextAtSize(cap2, 8)) / 2, captionY - 11, 8, { color: GREY });

  // Holder, beside the QR.
  const colW = qrX - MARGIN - 6 * MM;
  const labelW = 37 * MM;
  const name = holderName(c);
  const h = c.holder;
  s.y -= 4;
  s.para(bi('持证人', 'Holder'), MARGIN, colW, 11.5, { bold: true, color: ACCENT });
  s.field(bi('姓名', 'Name'), name.native || name.latin, MARGIN, colW, labelW, 9.5, { bold: true, size: 15 });
  if (name.native && name.latin) s.field('', name.latin, MARGIN, colW, labelW, 9.5, { bold: true, size: 12 });
  s.field(bi('出生日期', 'Date of birth'), h.dateOfBirth, MARGIN, colW, labelW);
  s.field(bi('性别', 'Sex'), both(ownLabel(SEXES, h.sex, 'zh'), ownLabel(SEXES, h.sex, 'en'), lang), MARGIN, colW, labelW);
  s.field(bi('国籍', 'Nationality'), `${valueLabel('country', h.nationality, lang)} (${h.nationality})`, MARGIN, colW, labelW);
  s.field(bi('旅行证件', 'Travel document'), `${both(ownLabel(TRAVEL_DOCUMENT_TYPES, h.documentType, 'zh'), ownLabel(TRAVEL_DOCUMENT_TYPES, h.documentType, 'en'), lang)}`, MARGIN, colW, labelW);
  s.field(bi('证件号码', 'Document No.'), h.documentNumber, MARGIN, colW, labelW, 9.5, { bold: true, size: 11 });
  s.y -= 4;
  s.para(bi('证明', 'Certificate'), MARGIN, colW, 11.5, { bold: true, color: ACCENT });
  s.field(bi('证明编号', 'Certificate ID'), c.id, MARGIN, colW, labelW, 9.5, { size: 8.5 });
  // A listed issuer in both languages; any other as the certificate names it.
  s.field(bi('签发机构', 'Issued by'), both(issuerLabel(c.issuer, 'zh'), issuerLabel(c.issuer, 'en'), lang), MARGIN, colW, labelW);
  if (iat !== undefined) s.field(bi('签发时间', 'Issued'), formatInstant(iat), MARGIN, colW, labelW);
  if (exp !== undefined) {
    s.field(bi('签名有效期至', 'Signature valid until'), formatInstant(exp), MARGIN, colW, labelW, 9.5, { bold: true });
    s.field('', bi('此后请在小程序中更新证明；各项记录的日期不变。', 'Refresh the certificate in the mini program after this date; each record keeps its own date.'), MARGIN, colW, labelW, 8, { size: 7.5 });
  }
  s.y = Math.min(s.y, captionY - 16);

  // Print at 100 %, with a ruler to check it: right under the QR it is about.
  drawPrintNotice(s, W);

  // Records, as tables: one row per record.
  const age = (sampleTime: number) => {
    const a = formatAge(input.printedAt - sampleTime * 1000);
    return a ? s.bi(a.zh, a.en, ' / ') : '—';
  };
  const cell = (zh: string, en: string) => both(zh, en, lang);
  if (c.tests.length) {
    s.heading('核酸（病毒）检测', 'Nucleic-acid (viral) tests', 60);
    s.table(
      [bi('采样时间', 'Sample time'), bi('距打印', 'Age at printing'), bi('检测与结果', 'Test and result'), bi('检测机构', 'Testing centre'), bi('签发', 'Issuer')],
      [42, 22, 44, 42, 30],
      c.tests.map((t) => [
        formatInstant(t.sampleTime),
        age(t.sampleTime),
        `${t.testType === TEST_TYPE_NAAT ? cell('核酸检测', 'NAAT') : valueLabel('testType', t.testType, lang)}: ${valueLabel('testResult', t.result, lang)}${t.testName ? `\n${t.testName}` : ''}${t.device ? `\n${valueLabel('testManufacturer', t.device, lang)}` : ''}`,
        `${placeLabel(t.testingCentre, t.testingCentreCode, input.sources, lang)} (${t.country})`,
        t.issuer,
      ]),
      [false, false, true, false, false],
    );
  }
  if (c.antibodyTests.length) {
    s.heading('血清 IgG 抗体检测', 'Serum IgG antibody tests', 60);
    s.table(
      [bi('采样时间', 'Sample time'), bi('距打印', 'Age at printing'), bi('结果与方法', 'Result and method'), bi('检测机构', 'Testing centre'), bi('签发', 'Issuer')],
      [42, 22, 44, 42, 30],
      c.antibodyTests.map((t) => [
        formatInstant(t.sampleTime),
        age(t.sampleTime),
        [
          `${cell(ownLabel(IGG_RESULTS, t.result, 'zh'), ownLabel(IGG_RESULTS, t.result, 'en'))}${t.value !== undefined ? ` · ${t.comparator ?? ''}${t.value} ${t.unit ?? ''}`.trimEnd() : ''}`,
          t.cutoff !== undefined ? `${cell('阳性判定值', 'cut-off')} ${t.cutoff} ${t.unit ?? ''}`.trimEnd() : '',
          t.target !== undefined ? cell(ownLabel(IGG_TARGETS, t.target, 'zh'), ownLabel(IGG_TARGETS, t.target, 'en')) : '',
          cell(ownLabel(IGG_METHODS, t.method, 'zh'), ownLabel(IGG_METHODS, t.method, 'en')),
          t.assayCode !== undefined ? iggAssayLabel(t.assayCode, lang) : [t.assay, t.manufacturer].filter(Boolean).join(' · '),
        ]
          .filter(Boolean)
          .join('\n'),
        `${placeLabel(t.testingCentre, t.testingCentreCode, input.sources, lang)} (${t.country})`,
        t.issuer,
      ]),
      [false, false, true, false, false],
    );
  }
  if (c.tests.length || c.antibodyTests.length) {
    s.para(
      bi('检测结果自采样时间起算（非签发时间）；可接受多久由目的地入境规定决定。', 'A test result counts from its sample time, not from issuance; how long it is accepted is set by the destination\'s entry rules.'),
      MARGIN,
      W,
      8,
      { color: GREY },
    );
  }
  if (c.vaccinations.length) {
    s.heading('疫苗接种', 'Vaccinations', 60);
    s.table(
      [bi('剂次', 'Dose'), bi('接种日期', 'Date'), bi('疫苗', 'Vaccine'), bi('生产企业', 'Manufacturer'), bi('国家', 'Country'), bi('接种单位与签发', 'Site and issuer')],
      [18, 22, 52, 40, 18, 30],
      c.vaccinations.map((v) => [
        `${v.doseNumber}/${v.totalDoses}`,
        v.date,
        `${valueLabel('vaccineProduct', v.product, lang)}\n${valueLabel('vaccineProphylaxis', v.prophylaxis, lang)}`,
        valueLabel('vaccineManufacturer', v.manufacturer, lang),
        `${label('country', v.country, lang)} (${v.country})`,
        `${placeLabel(v.vaccinationSite, v.vaccinationSiteCode, input.sources, lang)}\n${v.issuer}`,
      ]),
      [true, true, false, false, false, false],
    );
  }

  // How to verify.
  s.heading('如何核验', 'How to verify');
  const kidText = kid ? ` (kid ${Buffer.from(kid).toString('base64')})` : '';
  s.para(`1. ${bi('网页核验（任何浏览器，首次打开后可离线使用）', 'Web verifier (any browser; works offline after the first visit)')}: ${input.links.webVerifier}`, MARGIN, W, 9);
  s.para(`2. ${bi('信任列表（签名证书）', 'Trust list (signing certificates)')}${kidText}: ${input.links.trustList}`, MARGIN, W, 9);
  // Only what an officer can actually use: the addresses above, and verifiers they already have.
  if (input.dcc?.length) {
    s.para(`3. ${bi('欧盟数字新冠证书（EU DCC）核验程序可读取后附各页的 HC1 二维码（使用上述信任列表）', 'Any EU Digital COVID Certificate (DCC) verifier reads the HC1 codes on the following pages, with the trust list above')}`, MARGIN, W, 9);
  }
  s.para(
    bi(
      '二维码经发证机构数字签名（COSE/ES256）。核验签名即可确认内容未被篡改；请同时核对持证人的旅行证件。',
      'The QR is digitally signed by the issuer (COSE, ES256). A valid signature shows the content is unaltered; check it against the holder\'s travel document.',
    ),
    MARGIN,
    W,
    8.5,
    { color: GREY },
  );

  if (input.dcc?.length) drawDccPages(s, input.dcc, qrs);
  drawFooters(s, c.id, input.printedAt);
  deflateContentStreams(doc);
  const bytes = await doc.save({ useObjectStreams: true });
  return { bytes, pages: s.pages.length, qrs };
}

/**
 * Compresses the pages' content streams with node:zlib rather than pdf-lib's own pako: the same
 * deflate format (a PDF reader cannot tell), but native code, where pako's JavaScript deflate of
 * the QR drawings was a fifth of a printout's CPU. Each stream is replaced by one holding its
 * deflated bytes, with the same dictionary (whose /Filter /FlateDecode pdf-lib already set).
 */
function deflateContentStreams(doc: PDFDocument): void {
  for (const [ref, object] of doc.context.enumerateIndirectObjects()) {
    if (!(object instanceof PDFContentStream) || !object.dict.has(PDFName.of('Filter'))) continue;
    doc.context.assign(ref, PDFRawStream.of(object.dict, deflateSync(object.getUnencodedContents())));
  }
}

function drawPrintNotice(s: Sheet, W: number): void {
  s.ensure(52);
  s.y -= 10;
  const boxTop = s.y;
  s.y -= 2;
  s.para(
    s.bi('请以 100% 实际尺寸打印，不要选择“适合页面”或缩放。', 'Print at 100% (actual size). Do not use "fit to page" or any scaling.'),
    MARGIN + 4 * MM,
    W - 8 * MM,
    10,
    { bold: true },
  );
  s.para(s.bi('下方标尺打印后应正好 50 毫米；综合证明二维码应为 70 毫米见方。', 'The bar below must measure exactly 50 mm on paper; the comprehensive QR must measure 70 mm.'), MARGIN + 4 * MM, W - 8 * MM, 8.5);
  s.y -= 8;
  const x = MARGIN + 4 * MM;
  const page = s.page;
  page.drawRectangle({ x, y: s.y, width: 50 * MM, height: 1.2 * MM, color: INK });
  for (let mm = 0; mm <= 50; mm += 10) page.drawLine({ start: { x: x + mm * MM, y: s.y }, end: { x: x + mm * MM, y: s.y - 2 * MM }, thickness: 0.5, color: INK });
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
  s.para(s.bi('单项记录二维码（欧盟数字新冠证书格式）', 'Single-record codes (EU Digital COVID Certificate format)'), MARGIN, W, 13, { bold: true });
  s.para(
    s.bi(
      '只识读欧盟数字新冠证书（HC1）的核验方可扫描以下二维码；每个二维码单独签名，内容与第 1 页的综合证明一致。',
      'For verifiers that read only EU DCCs (HC1). Each code is signed on its own and repeats one record of the comprehensive certificate on page 1.',
    ),
    MARGIN,
    W,
    9,
    { color: GREY },
  );
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
    const what = d.type === 't' ? s.bi('检测', 'Test') : s.bi('疫苗接种', 'Vaccination');
    const lines = [`${what} · HC1 · ${DCC_QR_MM} mm`, d.uci, `${s.bi('签名有效期至', 'Signature valid until')} ${formatInstant(d.expiresAt)}`];
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

function drawFooters(s: Sheet, id: string, printedAt: number): void {
  const n = s.pages.length;
  s.pages.forEach((page, i) => {
    const text = `${s.bi(`第 ${i + 1} 页，共 ${n} 页`, `Page ${i + 1} of ${n}`)} · ${s.bi('打印于', 'printed')} ${formatInstant(Math.floor(printedAt / 1000))} · ${id}`;
    page.drawLine({ start: { x: MARGIN, y: MARGIN + 6 * MM }, end: { x: A4[0] - MARGIN, y: MARGIN + 6 * MM }, thickness: 0.4, color: RULE });
    page.drawText(text, { x: MARGIN, y: MARGIN + 2 * MM, size: 7.5, font: s.fonts.regular, color: GREY });
  });
}
