/**
 * certificate.pdf under load, through the local gateway over HTTP, wired as `npm start` wires it
 * (node/pdf-pool.ts localPdfRendering with its default thread count, openLocalApp's `pdf`): while
 * ten callers' PDFs render, /health and another caller's certificate.get are answered; each of the
 * ten PDFs is served; a caller's third PDF at once is refused with 429 and Retry-After, and nothing
 * is stored for it.
 *
 * What is asserted is order (answered while PDFs were still in flight), never a duration: how long
 * things take is `npm run bench`'s business.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { enrol } from '../../bench/http';
import { loadPerson, seedLoadPeople, type LoadPerson } from '../../bench/people';
import { localPdfRendering, type PdfRendering } from '../../node/pdf-pool';
import { openLocalApp } from '../../node/local';
import { seedDemo } from '../../demo/seed';
import type { App } from '../../server/app';
import { BUNDLES, callFn, ensureBuilt, failure, httpGet, ok, serve, tempDir, type Served } from './helpers';

const PDFS = 10;

let app: App;
let served: Served;
let rendering: PdfRendering;
let dataDir: string;
let people: LoadPerson[];
const workerLog: string[] = [];

beforeAll(async () => {
  await ensureBuilt();
  dataDir = join(tempDir('pdf-load'), 'data');
  // What node/start.ts does, with no ITHC_PDF_THREADS set: the default.
  rendering = localPdfRendering(join(BUNDLES.pdfWorker, '..'), {}, (why) => workerLog.push(why));
  app = await openLocalApp(dataDir, { pdf: rendering.render });
  await seedDemo(app);
  await seedLoadPeople(app, 0, PDFS + 1);
  served = await serve(app);
  people = Array.from({ length: PDFS + 1 }, (_, i) => loadPerson(i));
  for (const p of people) {
    await enrol(served.base, p);
    await ok(callFn(served.base, 'certificate', p.openid, { action: 'issue' }));
  }
}, 180_000);

afterAll(async () => {
  await served?.close();
  await rendering?.close();
  await app?.store.close();
});

function storedPdfs(): string[] {
  try {
    return readdirSync(join(dataDir, 'files')).filter((f) => f.endsWith('.pdf'));
  } catch {
    return [];
  }
}

async function until(what: string, cond: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!cond()) throw new Error(`never: ${what}`);
}

test('while ten PDFs render, /health and another caller’s certificate are answered; then every PDF is served', async () => {
  expect(rendering.threads).toBeGreaterThanOrEqual(1);
  let done = 0;
  const pdfs = people.slice(0, PDFS).map((p) =>
    callFn(served.base, 'certificate', p.openid, { action: 'pdf' }).then((r) => {
      done++;
      return r;
    }),
  );
  // All ten accepted: each is rendering or waiting for a thread. (Rendered on the serving thread,
  // they never are: each request is read only after the PDF before it is done.)
  await until('ten PDF jobs in flight at once', () => rendering.load().inFlight === PDFS);

  const health = await httpGet(`${served.base}/health`);
  const pdfsDoneAtHealth = done;
  const inFlightAtHealth = rendering.load().inFlight;
  const other = await callFn(served.base, 'certificate', people[PDFS].openid, { action: 'get' });
  const pdfsDoneAtOther = done;

  expect(health.status).toBe(200);
  expect(other.status).toBe(200);
  expect(other.body.data.status).toBe('valid');
  expect({ pdfsDoneAtHealth: pdfsDoneAtHealth < PDFS, inFlightAtHealth: inFlightAtHealth > 0, pdfsDoneAtOther: pdfsDoneAtOther < PDFS }).toEqual({
    pdfsDoneAtHealth: true,
    inFlightAtHealth: true,
    pdfsDoneAtOther: true,
  });

  const replies = await Promise.all(pdfs);
  for (const r of replies) expect(r.status).toBe(200);
  const files = await Promise.all(replies.map((r) => fetch(`${served.base}${r.body.data.url}`)));
  for (const f of files) {
    expect(f.status).toBe(200);
    expect(
      Buffer.from(await f.arrayBuffer())
        .subarray(0, 5)
        .toString('latin1'),
    ).toBe('%PDF-');
  }
  expect(rendering.load()).toEqual({ inFlight: 0, callers: 0, waiting: 0 });
  expect(workerLog).toEqual([]);
}, 120_000);

test('a caller’s third PDF at once is refused with 429 and Retry-After, nothing stored for it; afterwards the caller prints again', async () => {
  const caller = people[0].openid;
  const before = storedPdfs().length;
  // Other callers' PDFs first, waiting for the renderer: the caller's two then wait behind them
  // while its third is read. Alone, a reprint (the caller printed in the test above) can be done
  // before the third request reaches the limit, which then has nothing to refuse.
  const others = people.slice(1, PDFS).map((p) => callFn(served.base, 'certificate', p.openid, { action: 'pdf' }));
  await until('other callers’ PDFs waiting for the renderer', () => rendering.load().waiting >= 4);
  const replies = await Promise.all([0, 1, 2].map(() => callFn(served.base, 'certificate', caller, { action: 'pdf' })));
  const refused = replies.filter((r) => r.status !== 200);
  expect(refused.map(failure)).toEqual([{ status: 429, ok: false, code: 'TOO_MANY_REQUESTS' }]);
  expect(Number(refused[0].headers.get('retry-after'))).toBe(refused[0].body.error.retryAfter);
  expect(refused[0].body.error.retryAfter).toBeGreaterThanOrEqual(1);
  for (const r of await Promise.all(others)) expect(r.status).toBe(200);
  // The caller's two and the others', nothing for the refused one.
  expect(storedPdfs().length - before).toBe(2 + others.length);
  expect(rendering.load()).toEqual({ inFlight: 0, callers: 0, waiting: 0 });
  await ok(callFn(served.base, 'certificate', caller, { action: 'pdf' }));
  expect(storedPdfs().length - before).toBe(3 + others.length);
}, 60_000);
