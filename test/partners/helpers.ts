/**
 * A local app on a fresh data folder (real SQLite file, file secrets) with a manual clock and one
 * operator, for the partner, revocation and entry-rule tests. Folders are removed after the file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { call, openLocalApp } from '../../node/local';
import type { App } from '../../server/app';
import { ManualClock } from '../../server/clock';
import type { Envelope } from '../../server/functions/router';
import type { CollectionName, Doc } from '../../server/store/store';

export const OPERATOR = 'operator-1';
/** 2025-03-04T02:00:00Z: 10:00 in Beijing. */
export const NOW = Date.parse('2025-03-04T02:00:00Z');

const made: Array<{ dir: string; app?: App }> = [];

afterAll(async () => {
  for (const m of made.splice(0)) {
    await m.app?.store.close();
    rmSync(m.dir, { recursive: true, force: true });
  }
});

export function tempDir(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `ithc-${label}-`));
  made.push({ dir });
  return dir;
}

export async function openApp(label: string, now = NOW): Promise<{ app: App; clock: ManualClock; dataDir: string }> {
  const dataDir = join(tempDir(label), 'data');
  const clock = new ManualClock(now);
  const app = await openLocalApp(dataDir, { clock, config: { operators: [OPERATOR] } });
  made.push({ dir: dataDir, app });
  return { app, clock, dataDir };
}

/** The data of a successful call, or the test fails with the error envelope. */
export async function ok<T = any>(p: Promise<Envelope>): Promise<T> {
  const env = await p;
  if (!env.ok) throw new Error(`expected success, got ${env.error.code}: ${env.error.message} ${JSON.stringify(env.error.fields ?? {})}`);
  return env.data as T;
}

/** The error of a failed call. */
export async function err(p: Promise<Envelope>): Promise<Extract<Envelope, { ok: false }>['error']> {
  const env = await p;
  if (env.ok) throw new Error(`expected a failure, got ${JSON.stringify(env.data).slice(0, 300)}`);
  return env.error;
}

export { call };

/** Every document of some collections, for "nothing was written" checks. */
export async function contents(app: App, colls: CollectionName[] = ['partners', 'audit', 'certificates', 'revocations']): Promise<Record<string, Doc[]>> {
  const out: Record<string, Doc[]> = {};
  for (const c of colls) out[c] = await app.store.find(c, {}, { orderBy: { field: '_id', direction: 'asc' }, limit: 1000 });
  return out;
}
