/**
 * `ithc verify IMAGE`: a QR rendered at test time (qrcode-generator → pixels → pngjs / jpeg-js),
 * read back by the built command.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import qrcode from 'qrcode-generator';
import { PNG } from 'pngjs';
import * as jpeg from 'jpeg-js';
import { sampleDcc, signDcc } from '../../bench/fixtures';
import { ensureBuilt, jsonLines, runCli, tempDir, trustFiles, type TrustFiles } from './helpers';

const DAY = 86400;
const T0 = Date.UTC(2030, 0, 15) / 1000;
const AT = new Date(T0 * 1000).toISOString();

/** RGBA pixels of a QR code (level Q, alphanumeric mode as HCERT prescribes), `scale` px per module, 4-module quiet zone. */
function qrPixels(text: string, scale = 4): { width: number; height: number; data: Buffer } {
  const qr = qrcode(0, 'Q');
  qr.addData(text, 'Alphanumeric');
  qr.make();
  const modules = qr.getModuleCount();
  const size = (modules + 8) * scale;
  const data = Buffer.alloc(size * size * 4, 0xff);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const r = Math.floor(y / scale) - 4;
      const c = Math.floor(x / scale) - 4;
      if (r >= 0 && c >= 0 && r < modules && c < modules && qr.isDark(r, c)) {
        const o = (y * size + x) * 4;
        data[o] = data[o + 1] = data[o + 2] = 0;
      }
    }
  }
  return { width: size, height: size, data };
}

function writePng(file: string, img: { width: number; height: number; data: Buffer }): string {
  const png = new PNG({ width: img.width, height: img.height });
  img.data.copy(png.data);
  writeFileSync(file, PNG.sync.write(png));
  return file;
}

let trust: TrustFiles;
let code: string;
let dir: string;

beforeAll(async () => {
  await ensureBuilt();
  trust = trustFiles();
  code = await signDcc(trust.dsc, sampleDcc(7), { iat: T0 - DAY, exp: T0 + DAY });
  dir = tempDir();
});

it('verifies the code in a PNG image', async () => {
  const file = writePng(join(dir, 'qr.png'), qrPixels(code));
  const r = await runCli(['verify', '--json', '--trust', trust.list, '--at', AT, file]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(jsonLines(r.stdout)[0]).toMatchObject({ valid: true, format: 'dcc', payload: sampleDcc(7) });
});

it('verifies the code in a JPEG image (lossy) and in a file without an image extension', async () => {
  const jpg = join(dir, 'qr.jpg');
  writeFileSync(jpg, jpeg.encode(qrPixels(code, 5), 85).data);
  const bare = join(dir, 'scan');
  writeFileSync(bare, jpeg.encode(qrPixels(code, 5), 85).data);
  for (const file of [jpg, bare]) {
    const r = await runCli(['verify', '--json', '--trust', trust.list, '--at', AT, file]);
    expect({ file, code: r.code }).toEqual({ file, code: 0 });
    expect(jsonLines(r.stdout)[0].payload).toEqual(sampleDcc(7));
  }
});

it('gives the verdict of the code it read: an expired code in an image exits 1', async () => {
  const file = writePng(join(dir, 'qr-expired.png'), qrPixels(code));
  const r = await runCli(['verify', '--json', '--trust', trust.list, '--at', new Date((T0 + 2 * DAY) * 1000).toISOString(), file]);
  expect(r.code).toBe(1);
  expect(jsonLines(r.stdout)[0]).toMatchObject({ valid: false, errors: [{ code: 'EXPIRED' }] });
});

describe('an image that cannot be read is a usage error (exit 2)', () => {
  it('a PNG without a QR code', async () => {
    const blank = { width: 200, height: 200, data: Buffer.alloc(200 * 200 * 4, 0xff) };
    const r = await runCli(['verify', '--trust', trust.list, writePng(join(dir, 'blank.png'), blank)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no readable QR code/);
  });

  it('a truncated PNG', async () => {
    const full = PNG.sync.write(Object.assign(new PNG({ width: 100, height: 100 }), {}));
    const file = join(dir, 'truncated.png');
    writeFileSync(file, full.subarray(0, 60));
    const r = await runCli(['verify', '--trust', trust.list, file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot read the PNG image/);
  });

  it('a PNG header claiming more pixels than allowed (refused before decoding)', async () => {
    const png = Buffer.from(PNG.sync.write(new PNG({ width: 1, height: 1 })));
    png.writeUInt32BE(100_000, 16);
    png.writeUInt32BE(100_000, 20);
    const file = join(dir, 'huge.png');
    writeFileSync(file, png);
    const r = await runCli(['verify', '--trust', trust.list, file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/megapixels/);
  });

  it('a file that is no image at all, whatever its name says', async () => {
    for (const name of ['notes.txt', 'scan.png', 'certificate.pdf']) {
      const file = join(dir, name);
      writeFileSync(file, 'just some text');
      const r = await runCli(['verify', '--trust', trust.list, file]);
      expect({ name, code: r.code, stdout: r.stdout }).toEqual({ name, code: 2, stdout: '' });
      expect(r.stderr).toMatch(/is not an image \(PNG or JPEG\) or a PDF/);
    }
  });

  it('a PDF that pdf.js cannot read', async () => {
    const file = join(dir, 'broken.pdf');
    writeFileSync(file, '%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n');
    const r = await runCli(['verify', '--trust', trust.list, file]);
    // pdf.js's own warnings must not land among the results.
    expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 2, stdout: '' });
    expect(r.stderr).toMatch(/cannot read the PDF \S*broken\.pdf: \w/);
  });
});
