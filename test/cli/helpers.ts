/**
 * Shared by the CLI tests: make sure the built CLI is current (build it when dist is missing or
 * older than its sources, once across parallel jest workers), run it as a child process, and
 * write trust fixtures made at run time.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { toBase64 } from '../../core/bytes';
import { decodeBase45, encodeBase45 } from '../../core/base45';
import { deflate, inflate } from '../../core/zlib';
import { encodeCoseSign1, parseCoseSign1 } from '../../core/cose';
import { encodeClaims } from '../../core/cwt';
import { dccToCbor } from '../../core/dcc';
import { dscList, makeDsc, pem, sampleDcc, type Dsc } from '../../bench/fixtures';

export const ROOT = resolve(__dirname, '../..');
export const BIN = join(ROOT, 'bin/ithc.js');
const OUTPUTS = ['dist/cli.cjs', 'dist/cli-worker.cjs'];
const SOURCES = ['cli', 'core', 'node', 'bin', 'scripts/build.mjs', 'package.json'];

function newestMtime(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let m = st.mtimeMs;
  for (const e of readdirSync(path)) m = Math.max(m, newestMtime(join(path, e)));
  return m;
}

function stale(): boolean {
  const outputs = OUTPUTS.map((o) => join(ROOT, o));
  if (!outputs.every(existsSync)) return true;
  const built = Math.min(...outputs.map((o) => statSync(o).mtimeMs));
  return SOURCES.some((s) => existsSync(join(ROOT, s)) && newestMtime(join(ROOT, s)) > built);
}

/** Builds dist/ when it is missing or stale. A lock directory keeps parallel test files from building at once. */
export async function ensureBuilt(): Promise<void> {
  const lock = join(ROOT, 'dist', '.build-lock');
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  while (stale()) {
    try {
      mkdirSync(lock);
    } catch {
      // Another test file is building. A lock older than a minute was left by a killed run.
      const st = statSync(lock, { throwIfNoEntry: false });
      if (st && Date.now() - st.mtimeMs > 60_000) rmSync(lock, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 100));
      continue;
    }
    try {
      if (stale()) {
        // Only the CLI's bundles: the other entries (cloud functions, ...) are not needed here.
        const r = spawnSync(process.execPath, ['scripts/build.mjs', ...OUTPUTS], { cwd: ROOT, encoding: 'utf8' });
        if (r.status !== 0) throw new Error(`build failed:\n${r.stderr}`);
      }
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/ithc.js ...args`, feeding `input` (text or a stream of chunks) to stdin. */
export function runCli(args: string[], opts: { input?: string | Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, ...opts.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
    feed(child.stdin, opts.input);
  });
}

export function feed(stdin: NodeJS.WritableStream, input: string | Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array> | undefined): void {
  // A child that exits early closes its stdin; that is its business, not a test failure.
  stdin.on('error', () => undefined);
  if (input === undefined) stdin.end();
  else if (typeof input === 'string') stdin.end(input);
  else Readable.from(input).pipe(stdin);
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'ithc-cli-test-'));
}

export interface TrustFiles {
  dir: string;
  dsc: Dsc;
  /** PEM certificate. */
  certPem: string;
  /** EU-style DSC list holding the certificate. */
  list: string;
}

/** A DSC made now, written as a PEM certificate and as a DSC list. */
export function trustFiles(opts: Parameters<typeof makeDsc>[0] = {}): TrustFiles {
  const dir = tempDir();
  const dsc = makeDsc({ country: 'XX', usage: ['v', 't', 'r'], ...opts });
  const certPem = join(dir, 'dsc.pem');
  const list = join(dir, 'dsc-list.json');
  writeFileSync(certPem, pem(dsc.der));
  writeFileSync(list, dscList([dsc]));
  return { dir, dsc, certPem, list };
}

export { toBase64 };

/** Parses JSON-lines output. */
export function jsonLines(stdout: string): Array<Record<string, unknown>> {
  return stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
}

/**
 * Peak resident memory of a running process (all its threads), from Linux's VmHWM, which only
 * grows: polling it until the process exits gives its peak. Undefined where /proc is unavailable.
 */
export function watchPeakRss(pid: number): { stop(): number | undefined } {
  let peakKb: number | undefined;
  const read = (): void => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) peakKb = Math.max(peakKb ?? 0, Number(m[1]));
    } catch {
      // The process has exited; the last reading stands.
    }
  };
  read();
  const timer = setInterval(read, 25);
  return {
    stop() {
      clearInterval(timer);
      return peakKb === undefined ? undefined : peakKb * 1024;
    },
  };
}

/** Runs the CLI with stdin from `input`, handing each stdout line to `onLine` instead of keeping them. */
export function streamCli(
  args: string[],
  input: Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>,
  onLine: (line: string, index: number) => void,
  env?: NodeJS.ProcessEnv,
): Promise<CliResult & { lines: number; peakRss?: number }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, ...env } });
    const rss = watchPeakRss(child.pid!);
    let partial = '';
    let lines = 0;
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      const parts = (partial + d).split('\n');
      partial = parts.pop()!;
      for (const p of parts) onLine(p, lines++);
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const peakRss = rss.stop();
      if (partial) onLine(partial, lines++);
      resolvePromise({ code, stdout: '', stderr, lines, peakRss });
    });
    feed(child.stdin, input);
  });
}

/**
 * The code's signature over other claims: well-formed at every stage, so that only the signature
 * check can tell. The claims name DCC number `other`.
 */
export function tamper(code: string, other = 999): string {
  const sign1 = parseCoseSign1(inflate(decodeBase45(code.slice(4)), 1 << 16));
  const claims = encodeClaims({ iss: 'XX', iat: 1_000_000_000, exp: 3_000_000_000, dcc: dccToCbor(sampleDcc(other)) });
  return 'HC1:' + encodeBase45(deflate(encodeCoseSign1(sign1.protectedBytes, claims, sign1.signature)));
}
