/** @jest-environment jsdom */
/**
 * How long the certificate page takes to render from the copy saved on the phone, in
 * miniprogram-simulate (WeChat's WXML compiler and exparser): from creating the page to the saved
 * certificate on screen with its QR drawn, while the cloud's answer is held (the page must not wait
 * for it). The saved copy is the one the app itself writes (services/certificate.ts writeCached).
 * WXML compilation and loading the page's modules (simulate.load; WeChat compiles at build time
 * and loads the code when the app starts) are outside the timing. The first round is the page's
 * first opening, the others open it again in the same app.
 *
 * Each opening is split into what the simulator does and what the app does:
 * - simulator: creating the page (j-component and exparser build the tree, WXSS inserted into
 *   jsdom), rendering each setData (template evaluation, diff, jsdom updates), rasterising the QR
 *   into the test canvas's pixels (a phone's canvas does that natively), and this bench's own
 *   polling of the tree; each timed where it happens;
 * - app: the rest of the CPU time (reading storage, building the screen, the QR layout and drawing
 *   calls, the components' code);
 * - waiting: wall time with no CPU used here (event-loop turns, a busy machine).
 * Then the app's stages alone, each timed once from a fresh module registry (cold, as on a phone's
 * first opening): reading the copy, building the screen, and the QR matrix taken from the saved
 * copy or encoded anew.
 * Run by scripts/bench-render.mjs (not by `npm test`: its name does not end in .test.ts); writes
 * the figures as JSON to ITHC_BENCH_OUT. ITHC_BENCH_RENDER_NO_MATRIX=1 opens a copy saved without
 * its QR matrix (as older versions saved it), for comparison. Measures, asserts nothing about time.
 */
import '../bundles';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, type ServerFixture, FIXED_NOW } from '../server-fixture';
import { createEnv, FakeCanvas } from '../mp-env';
import { MINIPROGRAM_ROOT, textOf } from '../simulate-page';

const ROUNDS = Number(process.env.ITHC_BENCH_RENDER_ROUNDS ?? 30);
const OUT = process.env.ITHC_BENCH_OUT;
let server: ServerFixture;

beforeAll(async () => {
  server = await startServer('bench-render');
});
afterAll(async () => server?.close());

const cpuMs = (since?: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
};

/** Sums the CPU time spent inside `fn`'s outermost calls into `into[key]`. */
function timed<A extends unknown[], R>(fn: (...args: A) => R, into: Record<string, number>, key: string): (...args: A) => R {
  let depth = 0;
  return function (this: unknown, ...args: A): R {
    if (depth++ > 0) {
      try {
        return fn.apply(this, args);
      } finally {
        depth--;
      }
    }
    const before = process.cpuUsage();
    try {
      return fn.apply(this, args);
    } finally {
      depth--;
      into[key] += cpuMs(before);
    }
  };
}

type Split = { wall: number; cpu: number; create: number; setData: number; raster: number; poll: number };

test('certificate page from its saved copy', async () => {
  jest.spyOn(Date, 'now').mockReturnValue(FIXED_NOW + 3_600_000);
  const holder = server.view.certificate.holder;
  const name = `${holder.surname}${holder.givenName}`;
  // The cloud's answer never comes during the measurement: what is on screen came from storage.
  const env = createEnv({ request: jest.fn() });
  // The copy as the app saves it after a fetch, written by the app's own code in a registry of its own.
  jest.isolateModules(() => {
    const { writeCached } = require('../../../miniprogram/services/certificate') as typeof import('../../../miniprogram/services/certificate');
    if (!writeCached(null, server.view, FIXED_NOW)) throw new Error('the copy was not saved');
  });
  const saved = env.storage.store.get('ithc.cert.self') as { qr?: unknown };
  // ITHC_BENCH_RENDER_NO_MATRIX=1: a copy saved by an older version, without the QR matrix beside it.
  if (process.env.ITHC_BENCH_RENDER_NO_MATRIX === '1') delete saved.qr;

  // Compiled once, as WeChat compiles WXML at build time; each round opens a new page from it.
  const id = env.simulate.load(path.join(MINIPROGRAM_ROOT, 'pages/certificate/index'), { rootPath: MINIPROGRAM_ROOT });
  // Every component's setData renders synchronously inside exparser's Component#setData.
  const acc: Record<string, number> = { create: 0, setData: 0, raster: 0, poll: 0 };
  const exparser = require('miniprogram-exparser') as { Component: { prototype: { setData: (...a: unknown[]) => unknown } } };
  exparser.Component.prototype.setData = timed(exparser.Component.prototype.setData, acc, 'setData');
  const getContext = FakeCanvas.prototype.getContext;
  FakeCanvas.prototype.getContext = function (this: FakeCanvas, kind: string) {
    const ctx = getContext.call(this, kind);
    ctx.fillRect = timed(ctx.fillRect, acc, 'raster');
    return ctx;
  };
  const drawn = () => env.canvases.reduce((n, c) => n + c.fillRects, 0);
  const splits: Split[] = [];
  let firstPayloadKeys: string[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const k of Object.keys(acc)) acc[k] = 0;
    const drawnBefore = drawn();
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const page = timed(
      () => {
        const p = env.simulate.render(id);
        p.attach(document.createElement('parent-wrapper'));
        return p;
      },
      acc,
      'create',
    )();
    if (round === 0) {
      const setData = page.instance.setData as (d: Record<string, unknown>) => void;
      page.instance.setData = (d: Record<string, unknown>) => {
        if (!firstPayloadKeys.length) firstPayloadKeys = Object.keys(d);
        setData.call(page.instance, d);
      };
    }
    page.instance.onLoad({});
    const shown = timed(
      () => {
        const node = page.querySelector('.holder-name');
        return Boolean(node && textOf(node.toJSON()).trim() === name && drawn() > drawnBefore);
      },
      acc,
      'poll',
    );
    // Until the holder is on screen and the QR component has drawn the code (its canvas query answers on a later turn).
    for (let turns = 0; turns < 1000 && !shown(); turns++) await env.simulate.sleep(0);
    const wall = performance.now() - started;
    splits.push({ wall, cpu: cpuMs(cpuBefore), create: acc.create, setData: acc.setData, raster: acc.raster, poll: acc.poll });
    expect(drawn()).toBeGreaterThan(drawnBefore);
  }
  // The first setData already carries the certificate: the page never paints a loading state first.
  expect(firstPayloadKeys).toEqual(expect.arrayContaining(['state', 'screen', 'person']));

  if (OUT) fs.writeFileSync(OUT, JSON.stringify({ rounds: ROUNDS, splits, stages: coldStages(env.storage.store, Boolean(saved.qr)) }));
});

/**
 * The app's stages for the first opening, each from a fresh module registry (so cold), in the
 * order the page runs them; the QR matrix both ways: from the matrix saved beside the copy, and
 * encoded anew (a copy saved without one).
 */
function coldStages(store: Map<string, unknown>, savedWithMatrix: boolean) {
  const stages = { savedWithMatrix, readCopy: 0, buildScreen: 0, matrixSaved: 0, matrixEncoded: 0, layoutAndDraw: 0 };
  const modules = () => ({
    cert: require('../../../miniprogram/services/certificate') as typeof import('../../../miniprogram/services/certificate'),
    qr: require('../../../miniprogram/utils/qr-draw') as typeof import('../../../miniprogram/utils/qr-draw'),
  });
  const noCanvas = { fillStyle: '', fillRect: () => undefined };
  const kept = store.get('ithc.cert.self') as { view: { codes: { ithc: string } }; qr?: unknown };
  const code = kept.view.codes.ithc;
  jest.isolateModules(() => {
    const { qr } = modules();
    const t = performance.now();
    qr.rememberMatrix(code, kept.qr);
    stages.matrixSaved = performance.now() - t;
  });
  jest.isolateModules(() => {
    const { cert, qr } = modules();
    // Reading the copy hands its saved matrix to the drawing code (unpacking it, timed above too).
    let t = performance.now();
    const copy = cert.readCached(null);
    stages.readCopy = performance.now() - t;
    if (!copy) throw new Error('no saved copy');
    t = performance.now();
    cert.buildCertificateScreen('zh', copy, Date.now());
    stages.buildScreen = performance.now() - t;
    t = performance.now();
    const layout = qr.qrLayout(code, 540);
    qr.drawQr(noCanvas, layout, 540);
    stages.layoutAndDraw = performance.now() - t;
  });
  jest.isolateModules(() => {
    const { qr } = modules();
    const t = performance.now();
    qr.qrLayout(code, 540);
    stages.matrixEncoded = performance.now() - t;
  });
  return stages;
}
