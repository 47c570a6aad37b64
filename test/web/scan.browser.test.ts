/**
 * Reading codes in the web verifier, in Debian's Chromium (playwright-core), which has no built-in
 * BarcodeDetector: so every read here is ZXing-C++'s (zxing-wasm). The built files
 * (scripts/web-build.mjs) are served by the local gateway's /verify/ route on 127.0.0.1, which
 * also notes each path asked for.
 *
 * The codes are our own demo output (`npm run demo`): the ITHC code's QR PNG and the paper
 * certificate, whose page 3 holds three HC1 codes laid out two to a row in the order of
 * certificate.json's codes.dcc (server/pdf/certificate-pdf.ts), rendered as a scan by pdftoppm.
 * The camera is Chromium's fake device playing a y4m file written here: a photo of the printed
 * code (ImageMagick: on grey paper, tilted, blurred, noisy) at 640×480, at three zoom levels.
 */
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { createGateway } from '../../server/gateway';
import { webVerifierRoute } from '../../server/routes';
import { runDemo } from '../e2e/helpers';
import { CHROMIUM, CHROMIUM_ARGS } from '../../scripts/chromium.mjs';

const ROOT = resolve(__dirname, '../..');
const CONVERT = ['/usr/bin/convert-im6.q16', '/usr/bin/convert'].find(existsSync) ?? 'convert';

let work: string;
let demo: { out: string; certificate: { codes: { ithc: string; dcc: string[] } } };
let page3: string;
let gateway: ReturnType<typeof createGateway>;
let base: string;
/** Paths the server was asked for, in order. */
const asked: string[] = [];
let context: BrowserContext;
let page: Page;

function launch(profile: string, camera?: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(join(work, profile), {
    executablePath: CHROMIUM,
    headless: true,
    chromiumSandbox: false,
    args: [
      ...CHROMIUM_ARGS,
      ...(camera ? ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${camera}`] : []),
    ],
    permissions: camera ? ['camera'] : [],
    viewport: { width: 1100, height: 900 },
    locale: 'en-GB',
  });
}

async function open(p: Page): Promise<void> {
  await p.goto(`${base}/verify/`);
  await p.waitForSelector('body[data-ready="true"]');
}

async function loadTrust(p: Page): Promise<void> {
  await p.evaluate(() => document.getElementById('settings')!.setAttribute('open', ''));
  await p.setInputFiles('#trust-file', join(demo.out, 'trustlist.json'));
  await p.waitForFunction(() => /signing certificates loaded/.test(document.getElementById('trust-status')!.textContent ?? ''));
}

async function readVerdict(p: Page): Promise<{ valid: string; code: string }> {
  await p.waitForSelector('#result:not([hidden]) #verdict[data-valid]');
  return { valid: (await p.getAttribute('#verdict', 'data-valid'))!, code: await p.inputValue('#code') };
}

async function status(p: Page): Promise<string> {
  await p.waitForFunction(() => (document.getElementById('input-status')!.textContent ?? '') !== '');
  return (await p.textContent('#input-status'))!;
}

/** The listed codes of the last file: each one's verdict and label. */
async function listed(p: Page): Promise<Array<{ valid: string; text: string }>> {
  await p.waitForSelector('#found:not([hidden]) #found-list button');
  return p.$$eval('#found-list button', (bs) => bs.map((b) => ({ valid: (b as HTMLElement).dataset.valid!, text: b.textContent ?? '' })));
}

const wasmAsked = () => asked.filter((p) => p.endsWith('.wasm'));

/**
 * A y4m video (YUV4MPEG2, 4:2:0) of one grey 640×480 photo repeated: Chromium's fake camera plays
 * it in a loop. ImageMagick writes the photo's luma as raw bytes; the chroma planes are neutral.
 */
function photoVideo(name: string, qrSide: number): string {
  const raw = execFileSync(
    CONVERT,
    [
      '-size',
      '640x480',
      'xc:#cfc8b8',
      '(',
      join(demo.out, 'qr-ithc.png'),
      '-resize',
      `${qrSide}x${qrSide}`,
      '-bordercolor',
      'white',
      '-border',
      '24',
      '-background',
      '#cfc8b8',
      '-rotate',
      '5',
      ')',
      '-gravity',
      'center',
      '-composite',
      '-blur',
      '0x0.8',
      '-attenuate',
      '0.25',
      '+noise',
      'Gaussian',
      '-colorspace',
      'Gray',
      '-depth',
      '8',
      'gray:-',
    ],
    { maxBuffer: 1 << 22 },
  );
  expect(raw.length).toBe(640 * 480);
  const chroma = Buffer.alloc((640 / 2) * (480 / 2) * 2, 128);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), raw, chroma]);
  const file = join(work, `${name}.y4m`);
  writeFileSync(file, Buffer.concat([Buffer.from('YUV4MPEG2 W640 H480 F10:1 Ip A1:1 C420jpeg\n'), ...Array.from({ length: 10 }, () => frame)]));
  return file;
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is needed for this test at ${CHROMIUM} (Debian: apt-get install chromium)`);
  work = mkdtempSync(join(tmpdir(), 'ithc-web-scan-'));
  const webDir = join(work, 'web');
  execFileSync(process.execPath, [join(ROOT, 'scripts/web-build.mjs'), '--out', webDir], { stdio: 'pipe' });
  demo = await runDemo('web-scan');
  execFileSync('pdftoppm', ['-r', '150', '-png', '-f', '3', '-l', '3', join(demo.out, 'certificate.pdf'), join(work, 'page')]);
  page3 = join(
    work,
    readdirSync(work).find((f) => f.startsWith('page') && f.endsWith('.png'))!,
  );

  const log = async (req: { path: string }) => {
    asked.push(req.path);
    return undefined;
  };
  gateway = createGateway({ functions: [], localMode: false, operators: new Set(), routes: [log, webVerifierRoute(webDir)] });
  base = await gateway.listen(0);
  context = await launch('profile');
  page = context.pages()[0] ?? (await context.newPage());
  await open(page);
  await page.waitForSelector('#offline-status[data-ready="true"]');
}, 300_000);

afterAll(async () => {
  await context?.close();
  await gateway?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('reading codes in the web verifier', () => {
  it('the first visit fetches no QR decoder: its .wasm waits for the first scan', async () => {
    expect(asked).toContain('/verify/app.js');
    expect(asked).toContain('/verify/sw.js');
    expect(wasmAsked()).toEqual([]);
  });

  it('page 3 of the paper certificate, scanned: three codes in reading order, each verified, the first shown', async () => {
    // Before a trust list is loaded no signature can be checked: each code says so.
    await page.setInputFiles('#image-file', page3);
    expect((await listed(page)).map((i) => i.valid)).toEqual(['false', 'false', 'false']);
    expect(await status(page)).toMatch(/3 QR codes read/);
    // With the trust list, every code of the list is judged again when one is looked at.
    await loadTrust(page);
    await page.click('#found-list li:nth-child(1) button');
    await page.waitForFunction(() => [...document.querySelectorAll('#found-list button')].every((b) => (b as HTMLElement).dataset.valid === 'true'));
    const items = await listed(page);
    expect(items.map((i) => i.valid)).toEqual(['true', 'true', 'true']);
    expect(items.map((i) => i.text)).toEqual([expect.stringMatching(/code 1/), expect.stringMatching(/code 2/), expect.stringMatching(/code 3/)]);
    expect(await readVerdict(page)).toEqual({ valid: 'true', code: demo.certificate.codes.dcc[0] });
    expect(await page.textContent('#found-title')).toMatch(/3 codes/);
    // Each code of the list on a click: the codes as issued, in the order they are printed.
    for (const n of [3, 2, 1]) {
      const code = demo.certificate.codes.dcc[n - 1];
      await page.click(`#found-list li:nth-child(${n}) button`);
      await page.waitForFunction((c) => (document.getElementById('code') as HTMLTextAreaElement).value === c, code);
      expect(await readVerdict(page)).toEqual({ valid: 'true', code });
      expect(await page.getAttribute(`#found-list li:nth-child(${n}) button`, 'aria-current')).toBe('true');
    }
    // The decoder was fetched for this, once.
    expect(wasmAsked()).toHaveLength(1);
  });

  it("the paper certificate as a PDF: the ITHC code of page 1 first, then page 3's three", async () => {
    await page.click('#clear');
    await page.setInputFiles('#image-file', join(demo.out, 'certificate.pdf'));
    const items = await listed(page);
    expect(items).toHaveLength(4);
    expect(items[0].text).toMatch(/page 1, code 1/);
    expect(items.slice(1).map((i) => i.text)).toEqual([
      expect.stringMatching(/page 3, code 1/),
      expect.stringMatching(/page 3, code 2/),
      expect.stringMatching(/page 3, code 3/),
    ]);
    expect(await readVerdict(page)).toEqual({ valid: 'true', code: demo.certificate.codes.ithc });
  });

  it('a file that is not an image or a PDF says so, whatever its name', async () => {
    for (const name of ['notes.txt', 'scan.png', 'certificate.pdf']) {
      const file = join(work, `not-${name}`);
      writeFileSync(file, 'Dear officer, the code is below.\n');
      await page.click('#clear');
      await page.setInputFiles('#image-file', {
        name,
        mimeType: name.endsWith('.pdf') ? 'application/pdf' : name.endsWith('.png') ? 'image/png' : 'text/plain',
        buffer: readFileSync(file),
      });
      expect({ name, status: await status(page) }).toEqual({ name, status: expect.stringMatching(/not an image or a PDF/) });
      expect(await page.isHidden('#result')).toBe(true);
    }
  });

  it('a code pasted as e-mail wraps it (line breaks; spaces dropped where it wrapped): VALID', async () => {
    // Where a client can drop spaces depends on where the signature put them: of the demo's codes
    // (all signed by the loaded trust list), the one with the most spaces, so the case is always exercised.
    const code = [demo.certificate.codes.ithc, ...demo.certificate.codes.dcc].reduce((a, b) => (b.split(' ').length > a.split(' ').length ? b : a));
    const hard = code.replace(/(.{76})(?=.)/g, '$1\r\n');
    // Wrapped at a space once a line passes 20 columns, each space at a break dropped.
    const lines: string[] = [];
    let rest = code;
    for (let at = rest.indexOf(' ', 20); at > 0; at = rest.indexOf(' ', 20)) {
      lines.push(rest.slice(0, at));
      rest = rest.slice(at + 1);
    }
    const dropped = [...lines, rest].join('\n');
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const pasted of [hard, dropped]) {
      await page.click('#clear');
      await page.fill('#code', pasted);
      await page.click('#verify');
      expect({ pasted, valid: (await readVerdict(page)).valid }).toEqual({ pasted, valid: 'true' });
    }
  });

  it("offline after one scan: a reload reads images still (the decoder from the service worker's cache)", async () => {
    await context.setOffline(true);
    try {
      await page.reload();
      await page.waitForSelector('body[data-ready="true"]');
      await page.click('#clear');
      await page.setInputFiles('#image-file', join(demo.out, 'qr-ithc.png'));
      expect(await readVerdict(page)).toEqual({ valid: 'true', code: demo.certificate.codes.ithc });
    } finally {
      await context.setOffline(false);
    }
    expect(wasmAsked()).toHaveLength(1);
  });
});

describe('an update of the page', () => {
  it('keeps the decoder cached: offline after the update, images are still read, and the decoder was never fetched again', async () => {
    // A new build as the browser sees it: sw.js with another version, so a new cache (web/sw.ts).
    const webDir = join(work, 'web');
    const { version } = JSON.parse(readFileSync(join(webDir, 'build.json'), 'utf8')) as { version: string };
    const sw = readFileSync(join(webDir, 'sw.js'), 'utf8');
    expect(sw).toContain(version);
    const next = version.split('').reverse().join('');
    writeFileSync(join(webDir, 'sw.js'), sw.split(version).join(next));
    // The build's compressed copies too, as a build writes them (the server sends those first).
    writeFileSync(join(webDir, 'sw.js.br'), brotliCompressSync(readFileSync(join(webDir, 'sw.js'))));
    writeFileSync(join(webDir, 'sw.js.gz'), gzipSync(readFileSync(join(webDir, 'sw.js'))));
    const before = asked.length;
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())!.update());
    // The new worker installs (fetching the page's files, not the decoder) and replaces the old cache.
    for (let i = 0; JSON.stringify(await page.evaluate(() => caches.keys())) !== JSON.stringify([`ithc-verifier-${next}`]); i++) {
      if (i > 300) throw new Error(`the new service worker did not take over: caches ${JSON.stringify(await page.evaluate(() => caches.keys()))}`);
      await page.waitForTimeout(100);
    }
    expect(asked.slice(before)).toContain('/verify/sw.js');
    expect(asked.slice(before)).toContain('/verify/app.js');
    await context.setOffline(true);
    try {
      await page.reload();
      await page.waitForSelector('body[data-ready="true"]');
      await page.click('#clear');
      await page.setInputFiles('#image-file', join(demo.out, 'qr-ithc.png'));
      expect(await readVerdict(page)).toEqual({ valid: 'true', code: demo.certificate.codes.ithc });
    } finally {
      await context.setOffline(false);
    }
    expect(wasmAsked()).toHaveLength(1);
  });
});

describe("the camera (Chromium's fake device playing a photo of the printed code, 640×480)", () => {
  it.each([
    ['far', 260],
    ['middle', 340],
    ['near', 440],
  ])('%s (the code %i pixels wide): read and verified', async (name, side) => {
    const cam = await launch(`camera-${name}`, photoVideo(name, side));
    try {
      const p = cam.pages()[0] ?? (await cam.newPage());
      await open(p);
      await loadTrust(p);
      await p.click('#camera');
      expect(await readVerdict(p)).toEqual({ valid: 'true', code: demo.certificate.codes.ithc });
      // The camera is off once a code is read.
      expect(await p.isHidden('#camera-box')).toBe(true);
    } finally {
      await cam.close();
    }
  });
});
