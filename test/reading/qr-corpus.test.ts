/**
 * The decoding corpus: our own demo output (`npm run demo`: the ITHC code's QR PNG and the paper
 * certificate rendered by poppler's pdftoppm) made into the photos and scans an officer gets, with
 * ImageMagick at test time: scaled 35–95 %, rotated up to ±15°, blurred, JPEG at quality 35–70,
 * seen in perspective, noisy, on tinted paper, the printed page at 100–150 dpi, and a few of
 * these at once as a phone photo. Each image is read by our reader, the CLI's own code path
 * (cli/image.ts: ZXing-C++, bundled as the CLI is), and by zbarimg (Debian zbar-tools), the reader officers' tools are
 * often built on. Ours must read at least as many codes as zbarimg, and every text it reads must be
 * a code that was issued, exactly; the page holding three codes must come back in reading order.
 * Both rates are printed on one line.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { ROOT, runDemo, tempDir } from '../e2e/helpers';

const run = promisify(execFile);

/** ImageMagick 6 as Debian installs it (convert-im6.q16 behind the convert alternative). */
const CONVERT = ['/usr/bin/convert-im6.q16', '/usr/bin/convert'].find(existsSync) ?? 'convert';

interface Sample {
  name: string;
  /** The codes it holds, in reading order. */
  codes: string[];
  file: string;
}

let samples: Sample[];
let issued: Set<string>;
let workDir: string;

/** Width and height from a PNG's IHDR. */
function pngSize(file: string): [number, number] {
  const b = readFileSync(file);
  return [b.readUInt32BE(16), b.readUInt32BE(20)];
}

/** Perspective: the top edge pulled in, as a page photographed from below and to the side. */
function perspective(file: string): string[] {
  const [w, h] = pngSize(file);
  const p = (x: number, y: number) => `${Math.round(x)},${Math.round(y)}`;
  return [
    '-virtual-pixel',
    'white',
    '-distort',
    'Perspective',
    [p(0, 0), p(w * 0.05, h * 0.04), p(w, 0), p(w * 0.93, h * 0.08), p(0, h), p(w * 0.01, h * 0.97), p(w, h), p(w * 0.99, h * 0.94)].join(' '),
  ];
}

/** Runs `tasks` two at a time (the machine has two cores, shared). */
async function inPairs<T>(tasks: Array<() => Promise<T>>): Promise<T[]> {
  const out: T[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(
    [0, 1].map(async () => {
      while (next < tasks.length) {
        const i = next++;
        out[i] = await tasks[i]();
      }
    }),
  );
  return out;
}

beforeAll(async () => {
  for (const tool of [CONVERT, 'zbarimg', 'pdftoppm']) {
    const found = tool.includes('/') ? existsSync(tool) : (process.env.PATH ?? '').split(delimiter).some((d) => existsSync(join(d, tool)));
    if (!found) throw new Error(`${tool} is needed for this test (Debian: imagemagick, zbar-tools, poppler-utils)`);
  }
  const demo = await runDemo('qr-corpus');
  const ithc: string = demo.certificate.codes.ithc;
  const dcc: string[] = demo.certificate.codes.dcc;
  issued = new Set([ithc, ...dcc]);
  const dir = tempDir('qr-corpus');
  workDir = dir;
  const pdf = join(demo.out, 'certificate.pdf');
  for (const dpi of [100, 120, 150]) {
    for (const page of [1, 3])
      await run('pdftoppm', ['-r', String(dpi), '-png', '-f', String(page), '-l', String(page), pdf, join(dir, `page${page}-${dpi}dpi`)]);
  }
  const rendered = (prefix: string) =>
    join(
      dir,
      readdirSync(dir).find((f) => f.startsWith(prefix) && f.endsWith('.png'))!,
    );
  const sources = {
    qr: { file: join(demo.out, 'qr-ithc.png'), codes: [ithc] },
    page1: { file: rendered('page1-150dpi'), codes: [ithc] },
    page3: { file: rendered('page3-150dpi'), codes: dcc },
  };
  type Source = keyof typeof sources;
  const made: Array<{ name: string; from: Source; args: string[]; ext?: string }> = [];
  const add = (name: string, from: Source, args: string[], ext = 'png') => made.push({ name, from, args, ext });
  for (const s of [35, 45, 55, 65, 75, 85, 95]) for (const from of ['qr', 'page1'] as const) add(`${from}-scaled-${s}`, from, ['-resize', `${s}%`]);
  for (const s of [60, 80]) add(`page3-scaled-${s}`, 'page3', ['-resize', `${s}%`]);
  for (const r of [-15, -9, -4, 4, 9, 15])
    for (const from of ['qr', 'page1'] as const) add(`${from}-rotated-${r}`, from, ['-background', 'white', '-rotate', String(r)]);
  for (const r of [-6, 6]) add(`page3-rotated-${r}`, 'page3', ['-background', 'white', '-rotate', String(r)]);
  for (const b of ['0.7', '1', '1.5']) for (const from of ['qr', 'page1'] as const) add(`${from}-blurred-${b}`, from, ['-blur', `0x${b}`]);
  add('page3-blurred-1', 'page3', ['-blur', '0x1']);
  for (const q of [35, 50, 70]) {
    add(`qr-jpeg-${q}`, 'qr', ['-resize', '60%', '-quality', String(q)], 'jpg');
    add(`page1-jpeg-${q}`, 'page1', ['-resize', '70%', '-quality', String(q)], 'jpg');
  }
  add('page3-jpeg-50', 'page3', ['-resize', '70%', '-quality', '50'], 'jpg');
  for (const from of ['qr', 'page1', 'page3'] as const) add(`${from}-perspective`, from, perspective(sources[from].file));
  for (const n of ['0.3', '0.6']) for (const from of ['qr', 'page1'] as const) add(`${from}-noise-${n}`, from, ['-attenuate', n, '+noise', 'Gaussian']);
  for (const from of ['qr', 'page1', 'page3'] as const)
    add(`${from}-tinted`, from, [
      '(',
      '+clone',
      '-fill',
      '#eadcb8',
      '-colorize',
      '100',
      ')',
      '-compose',
      'multiply',
      '-composite',
      '-attenuate',
      '0.2',
      '+noise',
      'Gaussian',
    ]);
  add(
    'qr-phone',
    'qr',
    ['-resize', '50%', '-background', 'white', '-rotate', '8', '-blur', '0x0.8', '-attenuate', '0.3', '+noise', 'Gaussian', '-quality', '45'],
    'jpg',
  );
  add('page1-phone', 'page1', ['-resize', '60%', '-background', 'white', '-rotate', '-6', '-blur', '0x0.8', '-quality', '50'], 'jpg');
  add('page3-phone', 'page3', ['-resize', '80%', '-background', 'white', '-rotate', '4', '-blur', '0x1', '-quality', '60'], 'jpg');

  samples = [];
  for (const dpi of [100, 120, 150]) {
    samples.push({ name: `page1-printed-${dpi}dpi`, codes: [ithc], file: rendered(`page1-${dpi}dpi`) });
    samples.push({ name: `page3-printed-${dpi}dpi`, codes: dcc, file: rendered(`page3-${dpi}dpi`) });
  }
  await inPairs(
    made.map((m) => async () => {
      const file = join(dir, `${m.name}.${m.ext}`);
      await run(CONVERT, [sources[m.from].file, ...m.args, '-depth', '8', file]);
      samples.push({ name: m.name, codes: sources[m.from].codes, file });
    }),
  );
}, 600_000);

/**
 * Our reader, as `ithc verify FILE` runs it: cli/image.ts bundled the way scripts/build.mjs bundles
 * the CLI, run in a plain Node process over every file; a file it finds no code in gives none.
 * Not in jest's own process: its sandbox slows pngjs's PNG filters ~20-fold (measured: 5.8 s
 * instead of 0.23 s for one 150-dpi page), which would make this test take minutes.
 */
async function oursAll(files: string[], dir: string): Promise<string[][]> {
  const bundle = join(dir, 'qr-reader.cjs');
  await build({
    absWorkingDir: ROOT,
    entryPoints: ['cli/image.ts'],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['cbor-extract', 'pdfjs-dist', 'zxing-wasm/reader/zxing_reader.wasm'],
    logLevel: 'error',
  });
  const script = `
    const { readFileSync } = require('node:fs');
    const { readFileCodes } = require(${JSON.stringify(bundle)});
    (async () => {
      const out = [];
      for (const f of ${JSON.stringify(files)}) {
        try {
          out.push((await readFileCodes(new Uint8Array(readFileSync(f)), f)).map((c) => c.text));
        } catch (e) {
          if (!/no readable QR code/.test(e.message)) throw e;
          out.push([]);
        }
      }
      process.stdout.write(JSON.stringify(out));
    })().catch((e) => { console.error(e); process.exit(1); });`;
  // The bundle sits outside the repository: the package's .wasm is found through NODE_PATH.
  const { stdout } = await run(process.execPath, ['-e', script], { env: { ...process.env, NODE_PATH: join(ROOT, 'node_modules') }, maxBuffer: 64 << 20 });
  return JSON.parse(stdout) as string[][];
}

async function zbarimg(file: string): Promise<string[]> {
  try {
    const { stdout } = await run('zbarimg', ['-q', '--raw', '-Sdisable', '-Sqrcode.enable', file], { maxBuffer: 1 << 20 });
    return stdout.split('\n').filter(Boolean);
  } catch (e) {
    // Exit status 4: no symbol found.
    if ((e as { code?: number }).code === 4) return [];
    throw e;
  }
}

it('reads the corpus at least as often as zbarimg, every text exactly a code that was issued', async () => {
  expect(samples.length).toBeGreaterThanOrEqual(60);
  const [read, zbar] = await Promise.all([
    oursAll(
      samples.map((x) => x.file),
      workDir,
    ),
    inPairs(samples.map((x) => () => zbarimg(x.file))),
  ]);
  const results = samples.map((s, i) => ({ s, ours: read[i], zbar: zbar[i] }));
  let total = 0,
    oursRead = 0,
    zbarRead = 0;
  const misread: string[] = [];
  const outOfOrder: string[] = [];
  const zbarOnly: string[] = [];
  for (const r of results) {
    total += r.s.codes.length;
    for (const t of r.ours) if (!issued.has(t)) misread.push(`${r.s.name}: ${t.slice(0, 40)}`);
    const oursHere = r.s.codes.filter((c) => r.ours.includes(c)).length;
    const zbarHere = r.s.codes.filter((c) => r.zbar.includes(c)).length;
    oursRead += oursHere;
    zbarRead += zbarHere;
    if (zbarHere > oursHere) zbarOnly.push(r.s.name);
    if (oursHere === r.s.codes.length && JSON.stringify(r.ours) !== JSON.stringify(r.s.codes)) outOfOrder.push(r.s.name);
  }
  const pct = (n: number) => `${((100 * n) / total).toFixed(1)} %`;
  console.log(
    `QR corpus: ${samples.length} images, ${total} codes; ours (ZXing-C++) read ${oursRead} (${pct(oursRead)}), zbarimg ${zbarRead} (${pct(zbarRead)})${zbarOnly.length ? `; zbarimg alone read more in: ${zbarOnly.join(', ')}` : ''}`,
  );
  expect(misread).toEqual([]);
  expect(outOfOrder).toEqual([]);
  expect(oursRead).toBeGreaterThanOrEqual(zbarRead);
  // The printed pages themselves, at every resolution, are read in full.
  for (const r of results.filter((x) => /printed/.test(x.s.name))) expect({ name: r.s.name, read: r.ours }).toEqual({ name: r.s.name, read: r.s.codes });
}, 600_000);
