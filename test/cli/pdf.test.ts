/**
 * `ithc verify` on our own paper certificate: the PDF that `npm run demo -- --out DIR` writes (the
 * built dist/demo.cjs in a child process), given to the built CLI directly and as its page 3
 * rendered by poppler's pdftoppm, as a scanner would. Page 1 holds the ITHC code, page 3 the three
 * HC1 codes, laid out two to a row in the order of certificate.json's codes.dcc
 * (server/pdf/certificate-pdf.ts), which is therefore their reading order.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runDemo, tempDir } from '../e2e/helpers';
import { jsonLines, runCli } from './helpers';
import { format } from '../../core/view';

let out: string;
let certificate: { codes: { ithc: string; dcc: string[] }; dcc: Array<{ uci: string; code: string }> };
let page3: string;

beforeAll(async () => {
  ({ out, certificate } = await runDemo('cli-pdf'));
  expect(certificate.codes.dcc).toHaveLength(3);
  const dir = tempDir('cli-pdf-page');
  const r = spawnSync('pdftoppm', ['-r', '150', '-png', '-f', '3', '-l', '3', join(out, 'certificate.pdf'), join(dir, 'page')], { encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new Error(`pdftoppm (Debian: poppler-utils) is needed: ${r.error?.message ?? r.stderr}`);
  page3 = join(
    dir,
    readdirSync(dir).find((f) => f.endsWith('.png'))!,
  );
  expect(existsSync(page3)).toBe(true);
}, 300_000);

describe('ithc verify on the paper certificate', () => {
  it('page 3 as a scan (PNG at 150 dpi): all three codes, in reading order, each VALID', async () => {
    const r = await runCli(['verify', '--json', '--trust', join(out, 'trustlist.json'), page3]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = jsonLines(r.stdout);
    expect(lines.map((l) => l.valid)).toEqual([true, true, true]);
    expect(lines.map((l) => (l.source as { index: number }).index)).toEqual([1, 2, 3]);
    // The codes read are the codes issued, in the order they are printed.
    expect(lines.map(uciOf)).toEqual(certificate.dcc.map((d) => d.uci));
  });

  it('the PDF itself: one code on page 1, three on page 3, one text line each', async () => {
    const pdf = join(out, 'certificate.pdf');
    const r = await runCli(['verify', '--trust', join(out, 'trustlist.json'), pdf]);
    // Several codes: the trust list in use goes to stderr, so stdout stays one line per code.
    // The DCC signer and the ITHC signer, from the EU shape's two arrays.
    const listed = JSON.parse(readFileSync(join(out, 'trustlist.json'), 'utf8'));
    expect([listed.certificates.length, listed.ithcCertificates.length]).toEqual([1, 1]);
    expect(r.stderr).toBe(`ithc: ${format('en', 'trust.verdict', { lists: format('en', 'trust.lineDsc', { source: join(out, 'trustlist.json'), n: 2 }) })}\n`);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n').filter(Boolean);
    expect(lines.map((l) => l.split('  ')[0])).toEqual([`${pdf} p1`, `${pdf} p3 #1`, `${pdf} p3 #2`, `${pdf} p3 #3`]);
    for (const l of lines) expect(l).toContain(`  ✔ ${format('en', 'verdict.valid')}  `);

    const json = await runCli(['verify', '--json', '--trust', join(out, 'trustlist.json'), pdf]);
    expect(json.code).toBe(0);
    const results = jsonLines(json.stdout);
    expect(results.map((l) => l.source)).toEqual([
      { file: pdf, page: 1, index: 1 },
      { file: pdf, page: 3, index: 1 },
      { file: pdf, page: 3, index: 2 },
      { file: pdf, page: 3, index: 3 },
    ]);
    expect(results.map((l) => l.format)).toEqual(['ithc', 'dcc', 'dcc', 'dcc']);
    expect(results.slice(1).map(uciOf)).toEqual(certificate.dcc.map((d) => d.uci));
  });

  it('an image and a code together: one line per code, in the order given', async () => {
    const r = await runCli(['verify', '--trust', join(out, 'trustlist.json'), certificate.codes.ithc, page3]);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n').filter(Boolean);
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(new RegExp(`^ITHC1:.{18}… {2}✔ ${format('en', 'verdict.valid')}`));
    expect(lines.slice(1).map((l) => l.split('  ')[0])).toEqual([`${page3} #1`, `${page3} #2`, `${page3} #3`]);
  });
});

/** The certificate identifier of an HC1 code's verified payload. */
function uciOf(line: Record<string, unknown>): string | undefined {
  const p = line.payload as { v?: Array<{ ci: string }>; t?: Array<{ ci: string }>; r?: Array<{ ci: string }> } | null;
  return (p?.v ?? p?.t ?? p?.r)?.[0]?.ci;
}
