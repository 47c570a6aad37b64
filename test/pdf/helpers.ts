/**
 * Shared by the paper-version tests: a real issued certificate (the demo traveller's, through the
 * same services as the gateway), Debian's poppler tools, and reading the PDF's content streams.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFNumber, PDFRawStream, PDFRef, PDFStream } from 'pdf-lib';
import { PNG } from 'pngjs';
import type { App } from '../../server/app';
import type { CertificateView } from '../../server/functions/definitions';
import { openLocalApp } from '../../node/local';
import { demoTravellerFlow, seedDemo } from '../../demo/seed';

const made: string[] = [];

afterAll(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

export function tempDir(label: string): string {
  const d = mkdtempSync(join(tmpdir(), `ithc-pdf-${label}-`));
  made.push(d);
  return d;
}

/** The demo traveller's certificate, issued on a fresh embedded store. */
export async function issuedDemo(): Promise<{ app: App; view: CertificateView; dir: string }> {
  const dir = tempDir('app');
  const app = await openLocalApp(join(dir, 'data'));
  await seedDemo(app);
  const view = await demoTravellerFlow(app);
  return { app, view, dir };
}

/** Runs a poppler tool; fails the test with the reason when it is not installed (.ci/run installs poppler-utils). */
export function poppler(tool: 'pdftoppm' | 'pdftotext' | 'pdffonts', args: string[]): string {
  const r = spawnSync(tool, args, { encoding: 'utf8' });
  if (r.error) throw new Error(`${tool} is needed for this test (Debian: apt-get install poppler-utils): ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${tool} ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

/** Rasterises the PDF's pages at `dpi`, returning one PNG per page. */
export function rasterise(pdf: Uint8Array, dpi: number): PNG[] {
  const dir = tempDir('raster');
  const file = join(dir, 'in.pdf');
  writeFileSync(file, pdf);
  poppler('pdftoppm', ['-r', String(dpi), '-png', file, join(dir, 'page')]);
  return readdirSync(dir)
    .filter((f) => f.startsWith('page') && f.endsWith('.png'))
    .sort()
    .map((f) => PNG.sync.read(readFileSync(join(dir, f))));
}

/** RGBA bytes of a rectangle of a PNG, for jsQR. */
export function crop(png: PNG, x: number, y: number, w: number, h: number): { data: Uint8ClampedArray; width: number; height: number } {
  x = Math.max(0, Math.floor(x));
  y = Math.max(0, Math.floor(y));
  w = Math.min(png.width - x, Math.ceil(w));
  h = Math.min(png.height - y, Math.ceil(h));
  const out = new Uint8ClampedArray(w * h * 4);
  for (let r = 0; r < h; r++) out.set(png.data.subarray(((y + r) * png.width + x) * 4, ((y + r) * png.width + x + w) * 4), r * w * 4);
  return { data: out, width: w, height: h };
}

/** A page's content: its decoded content stream, and the decoded stream of each Form XObject it names. */
export interface PageContent {
  content: string;
  /** Form XObjects of the page's resources, by name (without the slash): their decoded stream and /Matrix. */
  forms: ReadonlyMap<string, { content: string; matrix: Matrix }>;
}

function decoded(stream: PDFStream): string {
  const raw = stream instanceof PDFRawStream ? stream.contents : stream.getContents();
  const filter = stream.dict.get(PDFName.of('Filter'));
  return Buffer.from(filter && filter.toString() === '/FlateDecode' ? inflateSync(raw) : raw).toString('latin1');
}

/** The decoded content stream of each page, with the forms it can draw. */
export async function pageContents(pdf: Uint8Array): Promise<PageContent[]> {
  const doc = await PDFDocument.load(pdf);
  return doc.getPages().map((page) => {
    const contents = page.node.get(PDFName.of('Contents'));
    const refs = contents instanceof PDFArray ? contents.asArray() : [contents];
    const content = refs
      .map((ref) => {
        const stream = ref instanceof PDFRef ? doc.context.lookup(ref) : ref;
        return stream instanceof PDFStream ? decoded(stream) : '';
      })
      .join('\n');
    const forms = new Map<string, { content: string; matrix: Matrix }>();
    const xobjects = page.node.Resources()?.lookupMaybe(PDFName.of('XObject'), PDFDict);
    for (const [name, ref] of xobjects?.entries() ?? []) {
      const form = doc.context.lookup(ref);
      if (!(form instanceof PDFStream) || form.dict.get(PDFName.of('Subtype'))?.toString() !== '/Form') continue;
      const m = form.dict.lookupMaybe(PDFName.of('Matrix'), PDFArray);
      const matrix = m ? (m.asArray().map((x) => (x as PDFNumber).asNumber()) as Matrix) : IDENTITY;
      forms.set(name.decodeText(), { content: decoded(form), matrix });
    }
    return { content, forms };
  });
}

/** A PDF transformation matrix [a b c d e f]: x' = a·x + c·y + e, y' = b·x + d·y + f. */
type Matrix = [number, number, number, number, number, number];
const IDENTITY: Matrix = [1, 0, 0, 1, 0, 0];

/** `m` applied after `ctm` (PDF's `cm`: the new CTM is m × ctm). */
function concat(m: Matrix, ctm: Matrix): Matrix {
  const [a, b, c, d, e, f] = m;
  const [A, B, C, D, E, F] = ctm;
  return [a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F];
}

type Rect = { x: number; y: number; w: number; h: number };

/**
 * The rectangles filled by a content stream, in page points, with the grey they were filled in:
 * follows q/Q, cm, g, re, f and Do into forms (with their /Matrix). The QR drawings use no other
 * operators; a rotated or skewed transformation is refused rather than measured wrong.
 */
function filledRects(content: string, forms: PageContent['forms'], ctm: Matrix, out: Array<Rect & { grey: number }>): void {
  const stack: Array<{ ctm: Matrix; grey: number }> = [];
  let grey = 0;
  let path: Rect[] = [];
  let operands: string[] = [];
  for (const token of content.match(/\/[^\s/\[\]()<>{}%]+|[^\s/\[\]()<>{}%]+/g) ?? []) {
    if (/^[-+.\d]/.test(token) || token.startsWith('/')) {
      operands.push(token);
      continue;
    }
    const n = operands.map(Number);
    if (token === 'q') stack.push({ ctm, grey });
    else if (token === 'Q') ({ ctm, grey } = stack.pop()!);
    else if (token === 'cm') ctm = concat(n as Matrix, ctm);
    else if (token === 'g') grey = n[0];
    else if (token === 're') {
      if (ctm[1] !== 0 || ctm[2] !== 0) throw new Error(`a rotated or skewed rectangle: ${ctm.join(' ')}`);
      const [x, y, w, h] = n;
      path.push({ x: ctm[0] * x + ctm[4], y: ctm[3] * y + ctm[5], w: ctm[0] * w, h: ctm[3] * h });
    } else if (token === 'f') {
      for (const r of path) out.push({ ...r, grey });
      path = [];
    } else if (token === 'Do') {
      const form = forms.get(operands[0].slice(1));
      if (!form) throw new Error(`${operands[0]} names no form of the page`);
      stack.push({ ctm, grey });
      filledRects(form.content, forms, concat(form.matrix, ctm), out);
      ({ ctm, grey } = stack.pop()!);
    }
    operands = [];
  }
}

export interface QrGeometry {
  /** The white ground: symbol plus quiet zone, points. */
  ground: Rect;
  /** Bounding box of the dark modules, points. */
  symbol: Rect;
  /** Every dark rectangle, points. */
  rects: Rect[];
}

/**
 * Every QR drawn on a page: the /ITHCQR marked-content sections, followed into the forms they
 * draw, and the rectangles filled there in page points (white ones the ground, black ones the modules).
 */
export function qrGeometries(page: PageContent): QrGeometry[] {
  const out: QrGeometry[] = [];
  const re = /\/ITHCQR BMC([\s\S]*?)EMC/g;
  for (const m of page.content.matchAll(re)) {
    const rects: Array<Rect & { grey: number }> = [];
    filledRects(m[1], page.forms, IDENTITY, rects);
    const grounds = rects.filter((r) => r.grey === 1);
    const dark = rects.filter((r) => r.grey === 0).map(({ x, y, w, h }) => ({ x, y, w, h }));
    if (grounds.length !== 1 || dark.length + 1 !== rects.length) throw new Error('a QR is one white ground and black modules');
    const { x, y, w, h } = grounds[0];
    const x0 = Math.min(...dark.map((r) => r.x)),
      y0 = Math.min(...dark.map((r) => r.y));
    const x1 = Math.max(...dark.map((r) => r.x + r.w)),
      y1 = Math.max(...dark.map((r) => r.y + r.h));
    out.push({ ground: { x, y, w, h }, symbol: { x: x0, y: y0, w: x1 - x0, h: y1 - y0 }, rects: dark });
  }
  return out;
}

export const PT_PER_MM = 72 / 25.4;
