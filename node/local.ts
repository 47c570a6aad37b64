/**
 * The embedded default: the whole system on one machine, on a SQLite file in a data folder, with
 * local stand-ins for what only WeChat's cloud provides (caller identity, facial verification).
 */
import { mkdirSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { createApp, DEFAULT_APP_CONFIG, type App, type AppConfig } from '../server/app';
import { systemClock, type Clock } from '../server/clock';
import Database from 'better-sqlite3';
import { FileSecretStore } from '../server/keys/secrets';
import { loadLocalCa } from '../server/keys/local';
import { loadKekRing, unwrapDoc, wrappedKeyDocId, type WrappedKeyDoc } from '../server/keys/vault';
import { LocalFileStorage } from '../server/pdf/storage';
import { verifyLinks, type PaperSettings, type PdfRenderer } from '../server/pdf/service';
import { openSqliteStore } from '../server/store/sqlite';
import { dispatch, type Envelope } from '../server/functions/router';
import { functionsFor } from '../server/functions/definitions';
import type { SigningEngine } from '../server/issuance/sign';
import type { OperatorBootstrap } from '../server/provision/operators';

/**
 * `signing`: where certificates are signed (node/sign-pool.ts); `pdf`: where the paper version is
 * rendered (node/pdf-pool.ts). Both default to the calling thread. `paper`: the paper version's
 * settings, by default PDFs in the data folder's `files` behind the gateway's own URLs.
 */
export async function openLocalApp(
  dir: string,
  opts: {
    clock?: Clock;
    config?: Partial<AppConfig>;
    signing?: SigningEngine;
    pdf?: PdfRenderer;
    paper?: PaperSettings;
    operatorBootstrap?: OperatorBootstrap;
  } = {},
): Promise<App> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const store = openSqliteStore(join(dir, 'ithc.sqlite'));
  const secrets = new FileSecretStore(join(dir, 'secrets'));
  const clock = opts.clock ?? systemClock;
  const base = process.env.ITHC_PUBLIC_BASE_URL ?? `http://127.0.0.1:${process.env.ITHC_PORT ?? 8787}`;
  const paper = opts.paper ?? { storage: new LocalFileStorage(join(dir, 'files'), clock), links: verifyLinks(base), render: opts.pdf };
  // The data folder's own CSCA stands in for the operator's offline one (server/keys/local.ts).
  const config = { ...DEFAULT_APP_CONFIG, ...(opts.config ?? {}) };
  const localCa = await loadLocalCa(secrets, { country: config.country, organisation: 'ITHC', clock });
  return createApp({ store, secrets, clock, config: opts.config, paper, signing: opts.signing, localCa, operatorBootstrap: opts.operatorBootstrap });
}

/**
 * A demo source's HMAC key from a data folder (another process may be serving it): what a lab is
 * handed when its source is added. Read through the store's wrapped keys and the folder's KEK.
 */
export async function sourceKeyFromDataDir(dir: string, sourceId: string): Promise<Uint8Array> {
  const ring = await loadKekRing(new FileSecretStore(join(dir, 'secrets')));
  // A read-only connection of its own, beside the store a server (or this process) holds open.
  const db = new Database(join(dir, 'ithc.sqlite'), { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare('SELECT doc FROM "keys" WHERE id = ?').get(wrappedKeyDocId('ingest-hmac', sourceId)) as { doc: string } | undefined;
    if (!row) throw new Error(`no ingestion key for ${sourceId} in ${dir}`);
    return unwrapDoc(ring, JSON.parse(row.doc) as WrappedKeyDoc, 'ingest-hmac', sourceId);
  } finally {
    db.close();
  }
}

export const stderrLogger = {
  error: (m: string, meta?: Record<string, unknown>) => process.stderr.write(`[error] ${m} ${meta ? JSON.stringify(meta) : ''}\n`),
  info: (m: string, meta?: Record<string, unknown>) => process.stderr.write(`[info] ${m} ${meta ? JSON.stringify(meta) : ''}\n`),
};

/** Calls a function as `openid` would through the gateway, returning its envelope. */
export async function call(app: App, fn: string, openid: string, event: Record<string, unknown>): Promise<Envelope> {
  const def = functionsFor(app).find((f) => f.name === fn);
  if (!def) throw new Error(`no function ${fn}`);
  return dispatch(def, event, { openid, operator: app.config.operators.includes(openid) }, stderrLogger);
}
