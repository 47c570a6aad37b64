/**
 * The embedded default: the whole system on one machine, on a SQLite file in a data folder, with
 * local stand-ins for what only WeChat's cloud provides (caller identity, facial verification).
 */
import { mkdirSync, chmodSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createApp, DEFAULT_APP_CONFIG, type App, type AppConfig } from '../server/app';
import { systemClock, type Clock } from '../server/clock';
import { DEMO_CITIZENS, seedCitizens } from '../server/identity/demo-citizens';
import { maskResidentId } from '../server/identity/resident-id';
import { DEMO_DOCUMENTS, seedDocumentRegistry } from '../server/documents/registry';
import { DEMO_SOURCES, seedRecords } from '../server/records/demo-records';
import Database from 'better-sqlite3';
import { createSourceKey } from '../server/ingest/signature';
import { FileSecretStore } from '../server/keys/secrets';
import { loadLocalCa } from '../server/keys/local';
import { loadKekRing, unwrapDoc, wrappedKeyDocId, type WrappedKeyDoc } from '../server/keys/vault';
import { LocalFileStorage } from '../server/pdf/storage';
import { verifyLinks, type PdfRenderer } from '../server/pdf/service';
import { seedDemoPartner } from '../server/partners/demo';
import { openSqliteStore } from '../server/store/sqlite';
import { dispatch, type Envelope } from '../server/functions/router';
import { functionsFor } from '../server/functions/definitions';
import type { SigningEngine } from '../server/issuance/sign';
import type { OperatorBootstrap } from '../server/provision/operators';

export function dataDir(explicit?: string): string {
  return resolve(explicit ?? process.env.ITHC_DATA_DIR ?? '.data');
}

/**
 * `signing`: where certificates are signed (node/sign-pool.ts); `pdf`: where the paper version is
 * rendered (node/pdf-pool.ts). Both default to the calling thread.
 */
export async function openLocalApp(dir: string, opts: { clock?: Clock; config?: Partial<AppConfig>; signing?: SigningEngine; pdf?: PdfRenderer; operatorBootstrap?: OperatorBootstrap } = {}): Promise<App> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const store = await openSqliteStore(join(dir, 'ithc.sqlite'));
  const secrets = new FileSecretStore(join(dir, 'secrets'));
  const clock = opts.clock ?? systemClock;
  const base = process.env.ITHC_PUBLIC_BASE_URL ?? `http://127.0.0.1:${process.env.ITHC_PORT ?? 8787}`;
  const paper = { storage: new LocalFileStorage(join(dir, 'files'), clock), links: verifyLinks(base), render: opts.pdf };
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

/** Seeds the demo registry, documents, records and source keys. Idempotent: a second run adds only what is missing. */
export async function seedDemo(app: App): Promise<{ citizens: number; documents: number; records: number }> {
  const citizens = await seedCitizens(app.store);
  const documents = await seedDocumentRegistry(app.store);
  const personIds = DEMO_CITIZENS.map((c) => app.personIds.personId(c.idNumber));
  const { records } = await seedRecords(app.store, personIds, app.clock);
  // Each demo lab gets its own HMAC key, made here on first run and kept wrapped in the store.
  for (const s of DEMO_SOURCES) await createSourceKey(app.vault, s._id);
  // The demo partner authority (SG): its encryption key pair is made here on first run, kept in the secrets.
  await seedDemoPartner(app);
  return { citizens, documents, records };
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

async function ok<T>(p: Promise<Envelope>, what: string): Promise<T> {
  const env = await p;
  if (!env.ok) throw new Error(`${what} failed: ${env.error.code} ${env.error.message}`);
  return env.data as T;
}

export const DEMO_TRAVELLER_OPENID = 'demo-traveller';

/** The traveller's whole first-use flow for a demo citizen: identity → passport → records → certificate. */
export async function demoTravellerFlow(app: App, openid = DEMO_TRAVELLER_OPENID, citizenIndex = 0) {
  const c = DEMO_CITIZENS[citizenIndex];
  const doc = DEMO_DOCUMENTS.find((d) => d.holderIdNumber === c.idNumber && d.status === 'valid' && d.expiresOn > new Date(app.clock.now()).toISOString().slice(0, 10));
  if (!doc) throw new Error(`no valid demo document for ${c.name}`);
  const person = { name: c.name, idNumber: c.idNumber };
  // Idempotent, like demoRelativeFlow: a restart of `npm start` reuses the identity and document it
  // made, instead of spending a face check (they are limited per caller) on every start.
  const status = await ok<{ verified: boolean; name?: string; idNumberMasked?: string }>(call(app, 'identity', openid, { action: 'status' }), 'identity status');
  if (!status.verified || status.name !== c.name || status.idNumberMasked !== maskResidentId(c.idNumber)) {
    const session = await ok<{ faceToken: string }>(call(app, 'identity', openid, { action: 'beginFaceCheck', ...person }), 'face check');
    await ok(call(app, 'identity', openid, { action: 'verify', ...person, faceToken: session.faceToken }), 'identity verification');
  }
  const current = await ok<{ number?: string } | null>(call(app, 'document', openid, { action: 'current' }), 'current document');
  if (!current || current.number !== doc.number) {
    await ok(call(app, 'document', openid, { action: 'bind', type: doc.type, number: doc.number, expiry: doc.expiresOn, mrz: doc.mrz }), 'passport verification');
  }
  return ok<import('../server/functions/definitions').CertificateView>(call(app, 'certificate', openid, { action: 'issue' }), 'issuance');
}

/**
 * 代为查询 in the demo: the demo traveller adds the first demo citizen born before 1950 as a parent
 * (that person present for the stand-in face check, consenting), binds their passport and issues
 * their certificate, all through the relatives and certificate functions. Idempotent: a relation
 * and document already made are reused. Verifies the traveller's identity first if needed.
 */
export async function demoRelativeFlow(app: App, openid = DEMO_TRAVELLER_OPENID) {
  const elderly = DEMO_CITIZENS.find((c) => c.birthDate < '1950-01-01');
  if (!elderly) throw new Error('no demo citizen born before 1950');
  const today = new Date(app.clock.now()).toISOString().slice(0, 10);
  const doc = DEMO_DOCUMENTS.find((d) => d.holderIdNumber === elderly.idNumber && d.status === 'valid' && d.expiresOn > today);
  if (!doc) throw new Error(`no valid demo document for ${elderly.name}`);

  const status = await ok<{ verified: boolean }>(call(app, 'identity', openid, { action: 'status' }), 'identity status');
  if (!status.verified) {
    const c = DEMO_CITIZENS[0];
    const me = { name: c.name, idNumber: c.idNumber };
    const s = await ok<{ faceToken: string }>(call(app, 'identity', openid, { action: 'beginFaceCheck', ...me }), 'face check');
    await ok(call(app, 'identity', openid, { action: 'verify', ...me, faceToken: s.faceToken }), 'identity verification');
  }

  type Relative = import('../server/relatives/service').RelativeView;
  const person = { name: elderly.name, idNumber: elderly.idNumber };
  const listed = await ok<Relative[]>(call(app, 'relatives', openid, { action: 'list' }), 'relatives list');
  let relative = listed.find((r) => r.name === elderly.name && r.idNumberMasked === maskResidentId(elderly.idNumber));
  if (!relative) {
    const s = await ok<{ faceToken: string }>(call(app, 'relatives', openid, { action: 'beginFaceCheck', ...person }), "relative's face check");
    relative = await ok<Relative>(call(app, 'relatives', openid, { action: 'add', ...person, relationship: 'parent', faceToken: s.faceToken, consent: true }), 'adding the relative');
  }
  if (!relative.document) {
    const bound = await ok<Relative['document']>(call(app, 'relatives', openid, { action: 'bindDocument', for: relative.id, type: doc.type, number: doc.number, expiry: doc.expiresOn, mrz: doc.mrz }), "relative's passport verification");
    relative = { ...relative, document: bound };
  }
  const certificate = await ok<import('../server/functions/definitions').CertificateView>(call(app, 'certificate', openid, { action: 'issue', for: relative.id }), "relative's issuance");
  return { relative, certificate };
}
