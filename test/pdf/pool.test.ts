/**
 * The paper version rendered in worker threads (node/pdf-pool.ts, what `npm start` renders with):
 * the same PDF as the pure renderer in this thread; a worker that crashes or hangs mid-job fails
 * that job with a typed error and the pool goes on; the limits on jobs in flight refuse the job
 * beyond them, per caller and in all, and hold nothing once the jobs are done; workers that cannot
 * start make PDFs UNAVAILABLE, nothing else.
 *
 * The crash and the hang come from a stand-in script around the real worker (dist/pdf-worker.cjs)
 * that ends or blocks its thread on one marked job: nothing else can make a worker die on cue.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pdfRendering, pdfThreadsSetting, type PdfRendering } from '../../node/pdf-pool';
import type { App } from '../../server/app';
import { ServiceError } from '../../server/errors';
import { readOwnCode } from '../../core/hcert';
import { format } from '../../core/view';
import { renderCertificatePdf, type CertificatePdfInput } from '../../server/pdf/certificate-pdf';
import { BUNDLES, ensureBuilt } from '../e2e/helpers';
import { issuedDemo, poppler, tempDir } from './helpers';

let app: App;
let input: CertificatePdfInput;
const open: PdfRendering[] = [];

beforeAll(async () => {
  await ensureBuilt();
  const demo = await issuedDemo();
  app = demo.app;
  input = {
    ithc: demo.view.codes.ithc,
    dcc: demo.view.codes.dcc,
    links: { trustList: 'https://ithc.example/trustlist', webVerifier: 'https://ithc.example/verify/' },
    printedAt: demo.view.issuedAt + 3_600_000,
  };
}, 120_000);

afterAll(async () => {
  await Promise.all(open.map((r) => r.close()));
  await app?.store.close();
});

function rendering(opts: Parameters<typeof pdfRendering>[0]): PdfRendering {
  const r = pdfRendering(opts);
  open.push(r);
  return r;
}

/**
 * The real worker, but a job printed at `printedAt` runs `action` in the worker first (its
 * listener comes before the worker's own). `setImmediate(() => process.exit(n))` ends the thread
 * once the render has begun and yields for the first time.
 */
function standInWorker(label: string, printedAt: number, action: string): string {
  const script = join(tempDir(label), 'worker.cjs');
  writeFileSync(
    script,
    [
      "const { parentPort } = require('node:worker_threads');",
      `parentPort.on('message', (m) => { if (m.job && m.job.printedAt === ${printedAt}) { ${action} } });`,
      `require(${JSON.stringify(BUNDLES.pdfWorker)});`,
      '',
    ].join('\n'),
  );
  return script;
}

/** The ServiceError `p` is refused with; anything else fails the test. */
async function refusal(p: Promise<unknown>): Promise<ServiceError> {
  const e: unknown = await p.then(
    () => new Error('it succeeded'),
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(ServiceError);
  return e as ServiceError;
}

const idle = { inFlight: 0, callers: 0, waiting: 0 };

test('worker threads render the same PDF, byte for byte, as the renderer in this thread', async () => {
  const pool = rendering({ threads: 2, script: BUNDLES.pdfWorker });
  const en: CertificatePdfInput = { ...input, lang: 'en' };
  const [zhThreaded, enThreaded] = await Promise.all([pool.render(input, 'caller-a'), pool.render(en, 'caller-b')]);
  const [zhHere, enHere] = [await renderCertificatePdf(input), await renderCertificatePdf(en)];
  expect(Buffer.from(zhThreaded.bytes).equals(Buffer.from(zhHere.bytes))).toBe(true);
  expect(Buffer.from(enThreaded.bytes).equals(Buffer.from(enHere.bytes))).toBe(true);
  expect(Buffer.from(zhThreaded.bytes).equals(Buffer.from(enThreaded.bytes))).toBe(false);
  expect({ pages: zhThreaded.pages, qrs: zhThreaded.qrs }).toEqual({ pages: zhHere.pages, qrs: zhHere.qrs });
  // And it is a PDF a reader opens: poppler finds the certificate's id in its text.
  const file = join(tempDir('pool-text'), 'zh.pdf');
  writeFileSync(file, zhThreaded.bytes);
  expect(poppler('pdftotext', [file, '-']).replace(/\s+/g, '')).toContain(readOwnCode(input.ithc).certificate.id);
  expect(pool.load()).toEqual(idle);
});

test('a worker that crashes mid-job fails that job with UNAVAILABLE; the job behind it and later ones render', async () => {
  const crashAt = input.printedAt + 1;
  const exits: string[] = [];
  const pool = rendering({
    threads: 1,
    script: standInWorker('pool-crash', crashAt, 'setImmediate(() => process.exit(7));'),
    onWorkerExit: (why) => exits.push(why),
  });
  const expected = await renderCertificatePdf(input);
  const crashing = pool.render({ ...input, printedAt: crashAt }, 'caller-a');
  // Waits in the pool behind the crashing job (one job per worker), then goes to the replacement.
  const behind = pool.render(input, 'caller-b');
  const e = await refusal(crashing);
  expect(e.toJSON()).toEqual({
    code: 'UNAVAILABLE',
    messageCode: 'server.printFailed',
    message: `${format('zh', 'server.printFailed')} / ${format('en', 'server.printFailed')}`,
    retryAfter: 1,
  });
  expect(Buffer.from((await behind).bytes).equals(Buffer.from(expected.bytes))).toBe(true);
  expect(Buffer.from((await pool.render(input, 'caller-a')).bytes).equals(Buffer.from(expected.bytes))).toBe(true);
  expect(exits).toEqual([expect.stringMatching(/PDF worker exited with 7/)]);
  expect(pool.threads).toBe(1);
  expect(pool.load()).toEqual(idle);
});

test('a job that never ends is cut off at the time limit, its worker replaced', async () => {
  const hangAt = input.printedAt + 2;
  const exits: string[] = [];
  const pool = rendering({ threads: 1, script: standInWorker('pool-hang', hangAt, 'for (;;) {}'), jobTimeoutMs: 3000, onWorkerExit: (why) => exits.push(why) });
  const e = await refusal(pool.render({ ...input, printedAt: hangAt }, 'caller-a'));
  expect(e.code).toBe('UNAVAILABLE');
  expect(exits).toEqual([expect.stringMatching(/PDF worker ended: a job ran over 3000 ms/)]);
  expect((await pool.render(input, 'caller-a')).pages).toBeGreaterThanOrEqual(2);
  expect(pool.load()).toEqual(idle);
});

test('limits: the job beyond a caller’s limit is refused at once, others go on; the total is bounded; nothing is held afterwards', async () => {
  const pool = rendering({ threads: 1, script: BUNDLES.pdfWorker, limits: { perCaller: 2, total: 4 } });
  const a = [pool.render(input, 'caller-a'), pool.render(input, 'caller-a')];
  const third = await refusal(pool.render(input, 'caller-a'));
  expect(third.code).toBe('TOO_MANY_REQUESTS');
  expect(third.status).toBe(429);
  expect(Number.isInteger(third.retryAfter) && third.retryAfter! >= 1).toBe(true);
  // Another caller is not held back by caller-a's limit, up to the total of 4.
  const b = pool.render(input, 'caller-b');
  const c = pool.render(input, 'caller-c');
  expect(pool.load()).toEqual({ inFlight: 4, callers: 3, waiting: 3 });
  const full = await refusal(pool.render(input, 'caller-d'));
  expect(full.toJSON()).toMatchObject({ code: 'UNAVAILABLE', retryAfter: expect.any(Number) });
  const done = await Promise.all([...a, b, c]);
  expect(done.map((d) => d.pages)).toEqual(done.map(() => done[0].pages));
  expect(pool.load()).toEqual(idle);
  // The counts went back to nothing: caller-a again has two jobs at once, and a third is refused again.
  const again = [pool.render(input, 'caller-a'), pool.render(input, 'caller-a')];
  expect((await refusal(pool.render(input, 'caller-a'))).code).toBe('TOO_MANY_REQUESTS');
  await Promise.all(again);
  expect(pool.load()).toEqual(idle);
});

test('failed jobs release their place too', async () => {
  const crashAt = input.printedAt + 3;
  const pool = rendering({ threads: 1, script: standInWorker('pool-release', crashAt, 'process.exit(9);'), limits: { perCaller: 1, total: 8 } });
  await refusal(pool.render({ ...input, printedAt: crashAt }, 'caller-a'));
  expect(pool.load()).toEqual(idle);
  expect((await pool.render(input, 'caller-a')).pages).toBeGreaterThanOrEqual(2);
});

test('workers that cannot start: PDFs are refused with UNAVAILABLE after three tries, and the reason is told once', async () => {
  const script = join(tempDir('pool-broken'), 'broken.cjs');
  writeFileSync(script, 'process.exit(3);\n');
  const failures: string[] = [];
  const pool = rendering({ threads: 1, script, onFailure: (why) => failures.push(why) });
  for (let i = 0; i < 10 && failures.length === 0; i++) expect((await refusal(pool.render(input, 'caller-a'))).code).toBe('UNAVAILABLE');
  expect(failures).toEqual([expect.stringMatching(/PDF workers keep failing \(exited with 3\); PDFs are refused/)]);
  expect(pool.threads).toBe(0);
  const e = await refusal(pool.render(input, 'caller-a'));
  expect(e.code).toBe('UNAVAILABLE');
  expect(e.retryAfter).toBeUndefined();
  expect(pool.load()).toEqual(idle);
});

test('a missing worker script is refused when the pool is made', () => {
  expect(() => pdfRendering({ threads: 1, script: join(tempDir('pool-missing'), 'nope.cjs') })).toThrow(/does not exist/);
});

test('ITHC_PDF_THREADS: a whole number 0–64; by default the cores beyond the serving thread’s, 1 to 4', () => {
  expect([1, 2, 3, 8, 64].map((cores) => pdfThreadsSetting(undefined, cores))).toEqual([1, 1, 2, 4, 4]);
  expect(pdfThreadsSetting('', 2)).toBe(1);
  expect(pdfThreadsSetting('0', 2)).toBe(0);
  expect(pdfThreadsSetting('3', 2)).toBe(3);
  for (const bad of ['-1', '1.5', 'two', '65']) expect(() => pdfThreadsSetting(bad, 2)).toThrow(/ITHC_PDF_THREADS/);
});

test('with 0 threads (ITHC_PDF_THREADS=0) PDFs render on this thread, the same bytes, within the same limits', async () => {
  const here = rendering({ threads: 0, limits: { perCaller: 2, total: 32 } });
  const jobs = [here.render(input, 'caller-a'), here.render(input, 'caller-a')];
  expect((await refusal(here.render(input, 'caller-a'))).code).toBe('TOO_MANY_REQUESTS');
  const expected = await renderCertificatePdf(input);
  for (const pdf of await Promise.all(jobs)) expect(Buffer.from(pdf.bytes).equals(Buffer.from(expected.bytes))).toBe(true);
  expect(here.load()).toEqual(idle);
});
