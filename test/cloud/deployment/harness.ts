/**
 * A fresh deployment of the BUILT cloud functions, for tests: copies cloudfunctions/<name>/ (the
 * output of `npm run build`: index.js, package.json, config.json, and the certificate function's
 * pdf.js and fonts) into a temporary folder, puts the stand-in wx-server-sdk where Node's resolution
 * finds it for them (node_modules/wx-server-sdk), and starts the stand-in runtime
 * (./host.ts) in a child process whose environment holds exactly the variables given.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { ROOT, ensureBundles } from '../../support/build';

export const FUNCTIONS = ['identity', 'document', 'certificate', 'relatives', 'partners', 'admin', 'trustlist', 'ingest'] as const;

const OUTPUTS = [
  ...FUNCTIONS.map((f) => join(ROOT, 'cloudfunctions', f, 'index.js')),
  join(ROOT, 'cloudfunctions/certificate/pdf.js'),
  join(ROOT, 'cloudfunctions/admin/config.json'),
  join(ROOT, 'cloudfunctions/certificate/fonts/NotoSansSC_400Regular.ttf'),
];
const SOURCES = ['core', 'server', ...FUNCTIONS.map((f) => `cloudfunctions/${f}/index.ts`), 'scripts/build.mjs', 'package.json'];

/** Runs `node scripts/build.mjs` when a function's bundle is missing or older than its sources. */
export function ensureFunctionsBuilt(): Promise<void> {
  return ensureBundles(OUTPUTS, SOURCES);
}

export type Envelope = { ok: true; data: any } | { ok: false; error: { code: string; message: string; fields?: Record<string, string>; retryAfter?: number } };

export interface Deployment {
  dir: string;
  /** The HTTP access service's address (stands for ITHC_PUBLIC_BASE_URL, which the functions print). */
  url: string;
  /** wx.cloud.callFunction({name, data: event}) by `openid`. */
  call(fn: string, event: Record<string, unknown>, openid: string): Promise<Envelope>;
  /** The platform's timer trigger `trigger` of `fn`. */
  timer(fn: string, trigger: string): Promise<any>;
  /** Moves the runtime's clock forward. */
  advance(ms: number): Promise<number>;
  now(): Promise<number>;
  dump(collection: string): Promise<Record<string, unknown>[]>;
  files(): Promise<Array<{ fileID: string; path: string; base64: string }>>;
  /** What the functions logged since the last call. */
  logs(): Promise<string[]>;
  /** How the next face check on the phone ends (WeChat's verify_ret: 10000 passed). */
  faceOutcome(verifyRet: number): Promise<void>;
  stop(): Promise<void>;
}

const made: string[] = [];
afterAll(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** The runtime folder: copies of the built functions and the stand-in SDK. Made once per test file. */
let prepared: Promise<string> | undefined;
function prepare(): Promise<string> {
  prepared ??= (async () => {
    await ensureFunctionsBuilt();
    const dir = mkdtempSync(join(tmpdir(), 'ithc-cloud-'));
    made.push(dir);
    for (const f of FUNCTIONS) {
      const from = join(ROOT, 'cloudfunctions', f);
      for (const entry of readdirSync(from)) {
        // The deployable project: what the build made (not the TypeScript entry).
        if (entry.endsWith('.ts')) continue;
        cpSync(join(from, entry), join(dir, 'functions', f, entry), { recursive: true });
      }
    }
    const sdkDir = join(dir, 'node_modules', 'wx-server-sdk');
    mkdirSync(sdkDir, { recursive: true });
    writeFileSync(join(sdkDir, 'package.json'), JSON.stringify({ name: 'wx-server-sdk', version: '0.0.0-stand-in', main: 'index.js', private: true }));
    await build({
      absWorkingDir: ROOT,
      entryPoints: ['test/cloud/deployment/wx-server-sdk.ts'],
      outfile: join(sdkDir, 'index.js'),
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      logLevel: 'warning',
    });
    await build({
      absWorkingDir: ROOT,
      entryPoints: ['test/cloud/deployment/host.ts'],
      outfile: join(dir, 'host.js'),
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      logLevel: 'warning',
    });
    return dir;
  })();
  return prepared;
}

/** Starts a fresh, empty deployment with exactly `env` as the functions' environment. */
export async function deploy(env: Record<string, string>): Promise<Deployment> {
  const dir = await prepare();
  if (!existsSync(join(dir, 'functions', 'admin', 'config.json'))) throw new Error('the build wrote no cloudfunctions/admin/config.json');
  const child: ChildProcess = fork(join(dir, 'host.js'), [dir, join(ROOT, 'cloudbaserc.json')], { env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let next = 0;
  const waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the cloud stand-in exited with ${code}`)));
    child.on('message', (m: any) => {
      if (m && typeof m.ready === 'number') return resolve(m.ready);
      const w = waiting.get(m.id);
      if (!w) return;
      waiting.delete(m.id);
      if (m.ok) w.resolve(m.result);
      else w.reject(new Error(m.error));
    });
  });
  const send = <T>(command: Record<string, unknown>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = ++next;
      waiting.set(id, { resolve: resolve, reject });
      child.send({ id, command });
    });
  return {
    dir,
    url: `http://127.0.0.1:${port}`,
    call: (fn, event, openid) => send({ type: 'call', fn, event, openid }),
    timer: (fn, trigger) => send({ type: 'timer', fn, trigger }),
    advance: (ms) => send({ type: 'advance', ms }),
    now: () => send({ type: 'now' }),
    dump: (collection) => send({ type: 'dump', collection }),
    files: () => send({ type: 'files' }),
    logs: () => send({ type: 'logs' }),
    faceOutcome: (verifyRet) => send({ type: 'faceOutcome', verifyRet }),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.removeAllListeners('exit');
        child.once('exit', () => resolve());
        child.kill();
      }),
  };
}
