/**
 * Shared by the end-to-end tests: temporary data folders, the built bundles (dist/), the local
 * gateway on 127.0.0.1 port 0, HTTP calls with fetch, signed ingestion requests, store snapshots
 * (to prove that nothing was written), the `ithc` CLI as a child process, and QR decoding.
 *
 * Everything runs on loopback and in temporary folders; nothing here reaches the network.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { ROOT, ensureBundles, runNode, type ProcessResult } from '../support/build';
import { fromBase64 } from '../../core/bytes';
import type { CryptoProvider } from '../../core/crypto/provider';
import { validateDccSchema } from '../../core/dcc-schema';
import { readDscList } from '../../core/dsc-list';
import { verifyCode, type Verdict } from '../../core/hcert';
import { KeyStore } from '../../core/keys';
import type { App } from '../../server/app';
import { DEMO_DOCUMENTS, type DemoDocument } from '../../demo/documents';
import { functionsFor } from '../../server/functions/definitions';
import { createGateway, LOCAL_OPENID_HEADER } from '../../server/gateway';
import type { DemoCitizen } from '../../demo/citizens';
import { chinaDate } from '../../core/resident-id';
import { signRequest } from '../../server/ingest/signature';
import { sourceKeyFromDataDir as readSourceKey } from '../../node/local';
import { appRoutes } from '../../server/routes';
import { COLLECTIONS, type CollectionName, type Doc, type Store } from '../../server/store/store';

export { ROOT };
export const INGEST_PATH = '/ingest/records';

// --- temporary folders -----------------------------------------------------------------------

const made: string[] = [];

afterAll(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A fresh folder under the OS temp dir, removed after the test file. */
export function tempDir(label: string): string {
  const d = mkdtempSync(join(tmpdir(), `ithc-e2e-${label}-`));
  made.push(d);
  return d;
}

// --- the built bundles -----------------------------------------------------------------------

/** What `npm run build` makes and these tests run: the CLI, the local cloud, the demo. */
export const BUNDLES = Object.freeze({
  cli: join(ROOT, 'dist/cli.cjs'),
  cliWorker: join(ROOT, 'dist/cli-worker.cjs'),
  /** Starts the verification workers before the CLI loads (bin/ithc.js, cli/workers.ts). */
  cliPrestart: join(ROOT, 'dist/cli-prestart.cjs'),
  start: join(ROOT, 'dist/start.cjs'),
  /** The local server's signing threads (node/sign-pool.ts), loaded from beside start.cjs. */
  signWorker: join(ROOT, 'dist/sign-worker.cjs'),
  /** The local server's PDF threads (node/pdf-pool.ts), loaded from beside start.cjs. */
  pdfWorker: join(ROOT, 'dist/pdf-worker.cjs'),
  /** The certificate cloud function's PDF renderer, loaded beside its index.js on first use. */
  certificatePdf: join(ROOT, 'cloudfunctions/certificate/pdf.js'),
  demo: join(ROOT, 'dist/demo.cjs'),
});
const BIN = join(ROOT, 'bin/ithc.js');

const SOURCES = ['cli', 'core', 'node', 'server', 'bin', 'scripts/build.mjs', 'package.json'];

/** Runs `node scripts/build.mjs` (what `npm run build` runs) when a bundle is missing or older than its sources. */
export function ensureBuilt(): Promise<void> {
  return ensureBundles(Object.values(BUNDLES), SOURCES);
}

export { runNode, type ProcessResult };

// --- the local server as `npm start` runs it ---------------------------------------------------

export interface LocalServer {
  child: ChildProcess;
  base: string;
  port: number;
  /** The primary's exit code (null when a signal ended it). */
  exited: Promise<number | null>;
  /** Everything it printed so far, standard output and error. */
  output(): string;
  /** Its standard error so far. */
  stderr(): string;
}

const servers = new Set<ChildProcess>();

// A failed assertion must not leave a server running.
afterAll(() => {
  for (const child of servers) if (child.exitCode === null && child.signalCode === null) killServer(child);
});

/**
 * `node dist/start.cjs` on `dataDir` and an OS-chosen port of 127.0.0.1, in a process group of its
 * own (the primary and its serving processes: node/start.ts); resolves once it prints its gateway,
 * rejects with its output if it exits first.
 */
export function startLocalServer(dataDir: string, env: Record<string, string> = {}): Promise<LocalServer> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BUNDLES.start], {
      env: { ...process.env, ITHC_DATA_DIR: dataDir, ITHC_PORT: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    servers.add(child);
    let out = '';
    let err = '';
    let settled = false;
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      err += d;
      out += d;
    });
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /^Gateway\s+(http:\/\/127\.0\.0\.1:(\d+))/m.exec(out);
      if (m && !settled) {
        settled = true;
        resolve({ child, base: m[1], port: Number(m[2]), exited, output: () => out, stderr: () => err });
      }
    });
    child.on('error', reject);
    void exited.then((code) => {
      if (settled) return;
      settled = true;
      // The usual cause: the bundle carries better-sqlite3, whose native addon cannot be found from dist/.
      const hint = /bindings file/.test(err) ? '\n(dist/start.cjs bundles better-sqlite3: its entry in scripts/build.mjs needs external better-sqlite3)' : '';
      reject(Object.assign(new Error(`dist/start.cjs exited with ${code} before serving:${hint}\n${err.slice(0, 800)}\n${out.slice(-2000)}`), { output: out }));
    });
  });
}

/** SIGKILL to the server's process group: the primary and every serving process die at the same instant, as in a power cut. */
export function killServer(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch (e) {
    // ESRCH: the group is gone already.
    if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
  }
}

/** The serving processes below the server's primary (Linux /proc), by pid. */
export function servingProcesses(child: ChildProcess): number[] {
  return readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
}

export interface DemoRun {
  out: string;
  data: string;
  certificate: any;
  trustlist: any;
}

/** Builds if needed and runs `npm run demo -- --out OUT --data DATA` in a fresh folder; reads its JSON outputs. */
export async function runDemo(label: string): Promise<DemoRun> {
  await ensureBuilt();
  const dir = tempDir(label);
  const out = join(dir, 'out');
  const data = join(dir, 'data');
  const r = await runNode(BUNDLES.demo, ['--out', out, '--data', data]);
  if (r.code !== 0) throw new Error(`demo exited with ${r.code}:\n${r.stderr}`);
  return {
    out,
    data,
    certificate: JSON.parse(readFileSync(join(out, 'certificate.json'), 'utf8')),
    trustlist: JSON.parse(readFileSync(join(out, 'trustlist.json'), 'utf8')),
  };
}

/** The CLI's --json line for one code. */
export interface CliVerdict {
  valid: boolean;
  format: string | null;
  kid: string | null;
  issuer: string | null;
  errors: { code: string; message: string }[];
  payload: any;
}

/** `ithc verify --json --trust FILE -` with one code per stdin line; one verdict per code, in order. */
export async function cliVerify(trustFile: string, codes: readonly string[]): Promise<{ exit: number | null; verdicts: CliVerdict[]; stderr: string }> {
  const r = await runNode(BIN, ['verify', '--json', '--trust', trustFile, '-'], { input: codes.join('\n') + '\n' });
  const lines = r.stdout.split('\n').filter((l) => l.trim() !== '');
  return { exit: r.code, verdicts: lines.map((l) => JSON.parse(l) as CliVerdict), stderr: r.stderr };
}

// --- the gateway and HTTP --------------------------------------------------------------------

export interface Served {
  base: string;
  close(): Promise<void>;
}

/** The app's functions and routes behind the gateway on 127.0.0.1, an OS-chosen port. */
export async function serve(app: App, opts: { localMode?: boolean; operators?: readonly string[] } = {}): Promise<Served> {
  const gw = createGateway({
    functions: functionsFor(app),
    localMode: opts.localMode ?? true,
    operators: new Set(opts.operators ?? app.config.operators),
    routes: appRoutes(app),
  });
  const base = await gw.listen(0);
  return { base, close: () => gw.close() };
}

export interface Reply {
  status: number;
  headers: Headers;
  /** Parsed JSON (the envelope), or the raw text when the answer is not JSON. */
  body: any;
}

/** A response as status, headers and body (parsed when it is JSON, else the text). */
export async function reply(res: Response): Promise<Reply> {
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: keep the text for the assertion message.
  }
  return { status: res.status, headers: res.headers, body };
}

/**
 * POST /functions/<fn> as `openid` (the local caller header; none when undefined). `event` is sent
 * as JSON unless `raw` gives the exact body.
 */
export async function callFn(base: string, fn: string, openid: string | undefined, event: unknown, raw?: string | Uint8Array): Promise<Reply> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (openid !== undefined) headers[LOCAL_OPENID_HEADER] = openid;
  // Copied into a fresh ArrayBuffer: fetch's types take only ArrayBuffer-backed views.
  const body = raw === undefined ? JSON.stringify(event) : typeof raw === 'string' ? raw : Uint8Array.from(raw);
  const res = await fetch(`${base}/functions/${fn}`, { method: 'POST', headers, body });
  return reply(res);
}

export async function httpGet(url: string): Promise<Reply> {
  return reply(await fetch(url));
}

/** The data of a successful call; fails the test with the error otherwise. */
export async function ok<T = any>(p: Promise<Reply>): Promise<T> {
  const r = await p;
  if (r.status !== 200 || r.body?.ok !== true) throw new Error(`expected success, got HTTP ${r.status}: ${JSON.stringify(r.body).slice(0, 500)}`);
  return r.body.data as T;
}

/** The error envelope's code and HTTP status, for compact assertions. */
export function failure(r: Reply): { status: number; ok: unknown; code: unknown } {
  return { status: r.status, ok: r.body?.ok, code: r.body?.error?.code };
}

// --- demo people and their documents ---------------------------------------------------------

/** A valid, unexpired demo document of the citizen (as the demo flow picks it). */
export function bindableDocument(c: DemoCitizen, nowMs = Date.now()): DemoDocument {
  const today = chinaDate(nowMs);
  const d = DEMO_DOCUMENTS.find((x) => x.holderIdNumber === c.idNumber && x.status === 'valid' && x.expiresOn > today);
  if (!d) throw new Error(`no bindable demo document for ${c.name}`);
  return d;
}

/** The bind request for a document; `mrz` null sends none. */
export function documentForm(d: DemoDocument, mrz: string | string[] | null = d.mrz.join('\n')) {
  return { action: 'bind', type: d.type, number: d.number, expiry: d.expiresOn, ...(mrz !== null ? { mrz } : {}) };
}

/** beginFaceCheck → verify over HTTP; returns the identity view. */
export async function verifyIdentity(base: string, openid: string, c: Pick<DemoCitizen, 'name' | 'idNumber'>): Promise<any> {
  const person = { name: c.name, idNumber: c.idNumber };
  const session = await ok(callFn(base, 'identity', openid, { action: 'beginFaceCheck', ...person }));
  return ok(callFn(base, 'identity', openid, { action: 'verify', ...person, faceToken: session.faceToken }));
}

/** Identity, then the citizen's bindable document with its MRZ. */
export async function verifyAndBind(base: string, openid: string, c: DemoCitizen): Promise<DemoDocument> {
  await verifyIdentity(base, openid, c);
  const d = bindableDocument(c);
  await ok(callFn(base, 'document', openid, documentForm(d)));
  return d;
}

// --- signed ingestion ------------------------------------------------------------------------

/** A source's HMAC key as the local server keeps it: wrapped in its store, under the data folder's KEK. */
export async function sourceKeyFromDataDir(dataDir: string, sourceId: string): Promise<Uint8Array> {
  return readSourceKey(dataDir, sourceId);
}

export interface IngestRequestParts {
  headers: Record<string, string>;
  body: Uint8Array;
}

/** Signs `body` (JSON) for `sourceId` as docs/ingestion.md describes. */
export function signedIngest(sourceId: string, key: Uint8Array, body: unknown, opts: { now?: number; nonce?: string } = {}): IngestRequestParts {
  const bytes = new TextEncoder().encode(JSON.stringify(body));
  const headers = signRequest({ method: 'POST', path: INGEST_PATH, body: bytes, sourceId, key, now: opts.now ?? Date.now(), nonce: opts.nonce });
  return { headers: { ...headers, 'content-type': 'application/json' }, body: bytes };
}

export async function postIngest(base: string, req: IngestRequestParts): Promise<Reply> {
  return reply(await fetch(`${base}${INGEST_PATH}`, { method: 'POST', headers: req.headers, body: Uint8Array.from(req.body) }));
}

/** A nucleic-acid test result in our JSON ingestion format. */
export function naatRecord(c: Pick<DemoCitizen, 'name' | 'idNumber'>, sourceRecordId: string, sampledAtMs: number) {
  return {
    kind: 'naat',
    sourceRecordId,
    person: { idNumber: c.idNumber, name: c.name },
    sampledAt: new Date(sampledAtMs).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    result: '260415000',
    centre: '北京市朝阳区疾病预防控制中心核酸检测实验室',
  };
}

// --- store snapshots -------------------------------------------------------------------------

/** Every document of every collection, by "collection/id". */
export type Snapshot = Map<string, string>;

export async function snapshot(store: Store): Promise<Snapshot> {
  const out: Snapshot = new Map();
  for (const coll of COLLECTIONS) {
    for (let skip = 0; ; skip += 1000) {
      const page = await store.find(coll, {}, { limit: 1000, skip });
      for (const d of page) out.set(`${coll}/${d._id}`, JSON.stringify(d));
      if (page.length < 1000) break;
    }
  }
  return out;
}

export interface Change {
  coll: CollectionName;
  id: string;
  before?: Doc;
  after?: Doc;
}

export function changes(before: Snapshot, after: Snapshot): Change[] {
  const out: Change[] = [];
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    const b = before.get(key);
    const a = after.get(key);
    if (a === b) continue;
    const slash = key.indexOf('/');
    out.push({
      coll: key.slice(0, slash) as CollectionName,
      id: key.slice(slash + 1),
      ...(b !== undefined ? { before: JSON.parse(b) as Doc } : {}),
      ...(a !== undefined ? { after: JSON.parse(a) as Doc } : {}),
    });
  }
  return out;
}

/**
 * What identity verification writes on a failed verification (server/identity/service.ts): its
 * attempt counters, its face-check session closed as failed (or opened and closed, when the
 * snapshot was taken before beginFaceCheck) and one failure audit entry. Nothing else may change.
 */
export function isFailedVerificationWrite(c: Change): boolean {
  if (c.coll === 'attempts') return c.after !== undefined;
  if (c.coll === 'faceChecks') return c.after?.status === 'failed';
  return c.coll === 'audit' && c.before === undefined && c.after?.action === 'identity.verify' && c.after?.outcome === 'failure';
}

/** The changes not covered by `allowed` (none: nothing was written). */
export function unexpectedChanges(before: Snapshot, after: Snapshot, allowed: (c: Change) => boolean = () => false): string[] {
  return changes(before, after)
    .filter((c) => !allowed(c))
    .map((c) => `${c.before ? (c.after ? 'changed' : 'removed') : 'added'} ${c.coll}/${c.id}`);
}

// --- verification with core ------------------------------------------------------------------

export function trustedKeysOf(trustListJson: string): KeyStore {
  const list = readDscList(trustListJson);
  if (list.problems.length) throw new Error(`trust list problems: ${JSON.stringify(list.problems)}`);
  return new KeyStore(list.keys);
}

export function verifyWithCore(code: string, keys: KeyStore, crypto: CryptoProvider, nowSeconds = Math.floor(Date.now() / 1000)): Promise<Verdict> {
  return verifyCode(code, { keys, now: nowSeconds, crypto, validateDccSchema });
}

/** Does every DSC of the list chain to the list's CSCA (signature and issuer name)? */
export function dscsChainToCsca(list: { certificates: { rawData: string }[]; ithcCertificates?: { rawData: string }[]; csca: string }): boolean[] {
  const csca = new X509Certificate(Buffer.from(list.csca, 'base64'));
  // The DCC signers, then the ITHC signers (docs/trust-list.md).
  return [...list.certificates, ...(list.ithcCertificates ?? [])].map((c) => {
    const dsc = new X509Certificate(Buffer.from(fromBase64(c.rawData)));
    return dsc.checkIssued(csca) && dsc.verify(csca.publicKey);
  });
}

// --- QR ---------------------------------------------------------------------------------------

/** Decodes a PNG QR image with jsQR (an independent reader); null when it finds no code. */
export function decodeQrPng(png: Uint8Array): string | null {
  const img = PNG.sync.read(Buffer.from(png));
  const found = jsQR(new Uint8ClampedArray(img.data.buffer, img.data.byteOffset, img.data.length), img.width, img.height);
  return found ? found.data : null;
}

export function writeJson(path: string, value: unknown): void {
  writeFileSync(path, JSON.stringify(value, null, 2));
}
