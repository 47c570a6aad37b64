/**
 * Shared by the paper-version tests: a real issued certificate (the demo traveller's, through the
 * same services as the gateway), Debian's poppler tools, and reading the PDF's content streams.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { PDFArray, PDFDocument, PDFName, PDFRawStream, PDFRef, PDFStream } from 'pdf-lib';
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

/** The decoded content stream of each page. */
export async function pageContents(pdf: Uint8Array): Promise<string[]> {
  const doc = await PDFDocument.load(pdf);
  return doc.getPages().map((page) => {
    const contents = page.node.get(PDFName.of('Contents'));
    const refs = contents instanceof PDFArray ? contents.asArray() : [contents];
    return refs
      .map((ref) => {
        const stream = ref instanceof PDFRef ? doc.context.lookup(ref) : ref;
        if (!(stream instanceof PDFStream)) return '';
        const raw = stream instanceof PDFRawStream ? stream.contents : stream.getContents();
        const filter = stream.dict.get(PDFName.of('Filter'));
        return Buffer.from(filter && filter.toString() === '/FlateDecode' ? inflateSync(raw) : raw).toString('latin1');
      })
      .join('\n');
  });
}

export interface QrGeometry {
  /** The white ground: symbol plus quiet zone, points. */
  ground: { x: number; y: number; w: number; h: number };
  /** Bounding box of the dark modules, points. */
  symbol: { x: number; y: number; w: number; h: number };
  /** Every dark rectangle, points. */
  rects: Array<{ x: number; y: number; w: number; h: number }>;
}

/** Every QR drawn in a content stream: the /ITHCQR marked-content sections and their rectangles. */
export function qrGeometries(content: string): QrGeometry[] {
  const out: QrGeometry[] = [];
  const re = /\/ITHCQR BMC([\s\S]*?)EMC/g;
  for (const m of content.matchAll(re)) {
    const rects = [...m[1].matchAll(/(-?[\d.]+) (-?[\d.]+) (-?[\d.]+) (-?[\d.]+) re/g)].map((r) => ({ x: +r[1], y: +r[2], w: +r[3], h: +r[4] }));
    const [ground, ...dark] = rects;
    const x0 = Math.min(...dark.map((r) => r.x)),
      y0 = Math.min(...dark.map((r) => r.y));
    const x1 = Math.max(...dark.map((r) => r.x + r.w)),
      y1 = Math.max(...dark.map((r) => r.y + r.h));
    out.push({ ground, symbol: { x: x0, y: y0, w: x1 - x0, h: y1 - y0 }, rects: dark });
  }
  return out;
}

export const PT_PER_MM = 72 / 25.4;
