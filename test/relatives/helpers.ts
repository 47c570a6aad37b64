/**
 * Shared by the relatives tests: an app on a SQLite file in a temporary folder (the demo seeded,
 * a ManualClock), calls through the function table as a given caller (node/local.ts `call`), the
 * identity and relative flows, and store snapshots that prove nothing was written.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { call, openLocalApp } from '../../node/local';
import { seedDemo } from '../../demo/seed';
import type { App } from '../../server/app';
import { ManualClock } from '../../server/clock';
import { verifyLinks } from '../../server/pdf/service';
import { LocalFileStorage } from '../../server/pdf/storage';
import { DEMO_DOCUMENTS, type DemoDocument } from '../../demo/documents';
import type { Envelope } from '../../server/functions/router';
import type { ServiceErrorJson } from '../../server/errors';
import type { DemoCitizen } from '../../demo/citizens';
import { chinaDate } from '../../core/resident-id';
import type { RelativeView } from '../../server/relatives/service';
import { COLLECTIONS, type Store } from '../../server/store/store';

const opened: { app: App; dir: string }[] = [];

afterAll(async () => {
  for (const { app, dir } of opened.splice(0)) {
    await app.store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

export interface TestApp {
  app: App;
  clock: ManualClock;
  dir: string;
}

/** A seeded local app in a fresh folder; closed and removed after the test file. */
export async function openTestApp(label: string, operators: string[] = []): Promise<TestApp> {
  const dir = mkdtempSync(join(tmpdir(), `ithc-relatives-${label}-`));
  const clock = new ManualClock(Date.now());
  // The printable version (certificate.pdf) stores its files in a folder of the test's, as npm start does in its data folder.
  const paper = { storage: new LocalFileStorage(join(dir, 'files'), clock), links: verifyLinks('http://127.0.0.1:8787') };
  const app = await openLocalApp(join(dir, 'data'), { clock, config: { operators }, paper });
  opened.push({ app, dir });
  await seedDemo(app);
  return { app, clock, dir };
}

/**
 * A call as `openid`, one second after the previous one, so that audit entries are ordered by
 * time without ties (the relative's log is newest first).
 */
export async function callAs(t: TestApp, fn: string, openid: string, event: Record<string, unknown>): Promise<Envelope> {
  t.clock.advance(1000);
  return call(t.app, fn, openid, event);
}

export async function ok<T = any>(p: Promise<Envelope>): Promise<T> {
  const env = await p;
  if (!env.ok) throw new Error(`expected success, got ${env.error.code}: ${env.error.message}`);
  return env.data as T;
}

export async function failed(p: Promise<Envelope>): Promise<ServiceErrorJson> {
  const env = await p;
  if (env.ok) throw new Error(`expected a failure, got ${JSON.stringify(env.data).slice(0, 300)}`);
  return env.error;
}

/** The caller verifies their own identity as `c`. */
export async function verifySelf(t: TestApp, openid: string, c: Pick<DemoCitizen, 'name' | 'idNumber'>): Promise<void> {
  const person = { name: c.name, idNumber: c.idNumber };
  const s = await ok(callAs(t, 'identity', openid, { action: 'beginFaceCheck', ...person }));
  await ok(callAs(t, 'identity', openid, { action: 'verify', ...person, faceToken: s.faceToken }));
}

/** The relative's face check, opened by the proxy with the relative present. */
export async function relativeFaceToken(t: TestApp, proxy: string, c: Pick<DemoCitizen, 'name' | 'idNumber'>): Promise<string> {
  const s = await ok(callAs(t, 'relatives', proxy, { action: 'beginFaceCheck', name: c.name, idNumber: c.idNumber }));
  return s.faceToken as string;
}

/** beginFaceCheck → add with consent: the relative as the proxy now sees them. */
export async function addRelative(t: TestApp, proxy: string, c: Pick<DemoCitizen, 'name' | 'idNumber'>, relationship = 'parent'): Promise<RelativeView> {
  const faceToken = await relativeFaceToken(t, proxy, c);
  return ok(callAs(t, 'relatives', proxy, { action: 'add', name: c.name, idNumber: c.idNumber, relationship, faceToken, consent: true }));
}

/** The citizen's valid, unexpired demo document. */
export function demoDocumentOf(c: DemoCitizen, nowMs: number): DemoDocument {
  const today = chinaDate(nowMs);
  const d = DEMO_DOCUMENTS.find((x) => x.holderIdNumber === c.idNumber && x.status === 'valid' && x.expiresOn > today);
  if (!d) throw new Error(`no bindable demo document for ${c.name}`);
  return d;
}

export function documentInput(d: DemoDocument) {
  return { type: d.type, number: d.number, expiry: d.expiresOn, mrz: [...d.mrz] };
}

/** Every document of every collection: equal snapshots mean nothing was written. */
export async function snapshot(store: Store): Promise<string> {
  const out: Record<string, unknown[]> = {};
  for (const c of COLLECTIONS) {
    const docs = await store.find(c, {}, { limit: 1000, orderBy: { field: '_id', direction: 'asc' } });
    if (docs.length === 1000) throw new Error(`snapshot: more than 1000 documents in ${c}`);
    if (docs.length) out[c] = docs;
  }
  return JSON.stringify(out);
}
