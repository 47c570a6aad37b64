/**
 * The real server in-process for mini program tests: the local app (node/local.ts) on a temporary
 * SQLite store with the demo data, at a fixed time, and a `wx.request` stand-in that routes the
 * mini program's local-mode calls (POST {gateway}/functions/<name>) into the same dispatcher the
 * gateway uses. Pages under test therefore see real CertificateViews, real error envelopes and real
 * `fields`, built by the server's own code path.
 */
import './node-globals';
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { call, openLocalApp } from '../../node/local';
import { demoTravellerFlow, seedDemo } from '../../demo/seed';
import { ManualClock } from '../../server/clock';
import type { App } from '../../server/app';
import { publishDscList } from '../../server/trust/dsc-list';
import type { CertificateView } from '../../miniprogram/services/certificate';

/** 2026-03-10 10:00 in Beijing: every demo passport is valid then. */
export const FIXED_NOW = Date.UTC(2026, 2, 10, 2, 0, 0);

/**
 * Each test of the file starts with fresh page modules and the mini program's clock stopped at
 * `at` (ms); the clock is restored after it.
 */
export function useFixedClock(at: number): void {
  beforeEach(() => {
    jest.resetModules();
    jest.spyOn(Date, 'now').mockReturnValue(at);
  });
  afterEach(() => jest.restoreAllMocks());
}

/**
 * The pages a test showed (it pushes them here), unloaded after it as WeChat unloads them, so that
 * their clocks stop. Call it before useFixedClock: the pages unload before the clock is restored.
 */
export function useShownPages(): { push(page: { instance: { onUnload?: () => unknown } }): void } {
  const shown: Array<{ instance: { onUnload?: () => unknown } }> = [];
  afterEach(async () => {
    for (const page of shown.splice(0)) await page.instance.onUnload?.();
  });
  return { push: (page) => void shown.push(page) };
}

export interface ServerFixture {
  app: App;
  clock: ManualClock;
  /** The demo traveller's certificate, issued through identity → document → certificate.issue. */
  view: CertificateView;
  trustList: unknown;
  openid: string;
  /** The server's temporary folder (data, and files tests write beside it). */
  dir: string;
  close(): Promise<void>;
}

export async function startServer(openid = 'mp-test-traveller', opts: { operators?: readonly string[] } = {}): Promise<ServerFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'ithc-mp-'));
  const clock = new ManualClock(FIXED_NOW);
  const app = await openLocalApp(dir, { clock, config: opts.operators ? { operators: opts.operators } : undefined });
  await seedDemo(app);
  const view = (await demoTravellerFlow(app, openid)) as unknown as CertificateView;
  const trustList = await publishDscList(app.keys, app.config.country, clock.now());
  return {
    app,
    clock,
    view,
    trustList,
    openid,
    dir,
    async close() {
      await app.store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

type RequestOptions = {
  url: string;
  data?: Record<string, unknown>;
  header?: Record<string, string>;
  success?: (r: unknown) => void;
  fail?: (e: unknown) => void;
};

/**
 * A wx.request that answers from the in-process server as `openid`, the way the local gateway
 * does (envelope as JSON, the failure's HTTP status). `offline()` makes it fail like a phone
 * without a connection. The mock's `idle()` (mp-env's settle waits on it) resolves when every call
 * in flight has answered, or is null when none is: the store does real I/O, which takes longer than
 * a few turns of the event loop.
 */
export function serverRequest(app: App, openid: string) {
  let online = true;
  const calls: Array<{ name: string; data: Record<string, unknown> }> = [];
  const inFlight = new Set<Promise<void>>();
  const request = jest.fn((options: RequestOptions) => {
    const name = /\/functions\/([A-Za-z0-9_-]+)$/.exec(options.url)?.[1] ?? '';
    const data = options.data ?? {};
    calls.push({ name, data });
    if (!online) {
      setTimeout(() => options.fail?.({ errMsg: 'request:fail net::ERR_INTERNET_DISCONNECTED' }), 0);
      return {};
    }
    const answered: Promise<void> = call(app, name, openid, data).then(
      (envelope) => {
        const status = envelope.ok ? 200 : statusOf(envelope.error.code);
        options.success?.({ statusCode: status, data: JSON.parse(JSON.stringify(envelope)), header: {}, errMsg: 'request:ok' });
      },
      (e) => options.fail?.({ errMsg: `request:fail ${String(e)}` }),
    );
    inFlight.add(answered);
    void answered.finally(() => inFlight.delete(answered));
    return {};
  });
  Object.assign(request, { idle: (): Promise<void> | null => (inFlight.size ? Promise.allSettled([...inFlight]).then(() => undefined) : null) });
  return {
    request,
    calls,
    offline() {
      online = false;
    },
    online() {
      online = true;
    },
  };
}

function statusOf(code: string): number {
  // The gateway's statuses (server/errors.ts); only "is it 2xx" matters to the client.
  return code === 'NOT_FOUND' ? 404 : code === 'INTERNAL' ? 500 : 400;
}

/** Makes `openid` act for demo citizen `citizenIndex` (relatives.beginFaceCheck → add → bindDocument); returns the relation. */
export async function addRelative(
  server: ServerFixture,
  citizenIndex: number,
  relationship = 'parent',
  openid = server.openid,
): Promise<{ id: string; name: string }> {
  const { DEMO_CITIZENS } = require('../../demo/citizens') as typeof import('../../demo/citizens');
  const { DEMO_DOCUMENTS } = require('../../demo/documents') as typeof import('../../demo/documents');
  const c = DEMO_CITIZENS[citizenIndex];
  const ok = async <T>(fn: string, event: Record<string, unknown>): Promise<T> => {
    const env = await call(server.app, fn, openid, event);
    if (!env.ok) throw new Error(`${fn}.${String(event.action)}: ${env.error.code} ${env.error.message}`);
    return env.data as T;
  };
  const session = await ok<{ faceToken: string }>('relatives', { action: 'beginFaceCheck', name: c.name, idNumber: c.idNumber });
  const rel = await ok<{ id: string; name: string }>('relatives', {
    action: 'add',
    name: c.name,
    idNumber: c.idNumber,
    relationship,
    faceToken: session.faceToken,
    consent: true,
  });
  const today = new Date(server.clock.now()).toISOString().slice(0, 10);
  const doc = DEMO_DOCUMENTS.find((d) => d.holderIdNumber === c.idNumber && d.status === 'valid' && d.expiresOn > today);
  if (doc) await ok('relatives', { action: 'bindDocument', for: rel.id, type: doc.type, number: doc.number, expiry: doc.expiresOn, mrz: doc.mrz });
  return { id: rel.id, name: rel.name };
}

/** The verify page's pinned CSCA module, as the page requires it (the build writes it; tests put their server's in its place with jest.doMock). */
export const TRUST_ANCHORS_MODULE = resolve(__dirname, '../../miniprogram/packageVerify/lib/trust-anchors');
const MP_BUNDLE = resolve(__dirname, '../../scripts/mp-bundle.mjs');

/** Runs the build's trust-anchor writer (scripts/mp-bundle.mjs writeTrustAnchors) with ITHC_MP_CSCA=pemFile, writing the module to `out`. */
export function writeTrustAnchors(pemFile: string, out: string): { status: number | null; stderr: string } {
  const script = `import { writeTrustAnchors } from ${JSON.stringify(pathToFileURL(MP_BUNDLE).href)}; writeTrustAnchors({ out: ${JSON.stringify(out)} });`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, ITHC_MP_CSCA: pemFile }, encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr };
}

/**
 * The trust-anchors module a build for this server would carry: its CSCA pinned by the build's own
 * writer, in the server's folder. Returns the module's path, for jest.doMock(TRUST_ANCHORS_MODULE, ...).
 */
export async function pinServerCsca(server: ServerFixture): Promise<string> {
  const pem = join(server.dir, 'csca.pem');
  writeFileSync(pem, new X509Certificate(await server.app.keys.cscaCertificate()).toString());
  const out = join(server.dir, 'trust-anchors.js');
  const r = writeTrustAnchors(pem, out);
  if (r.status !== 0) throw new Error(`pinning the CSCA failed: ${r.stderr}`);
  return out;
}
