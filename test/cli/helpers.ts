/**
 * Shared by the CLI tests: make sure the built CLI is current (build it when dist is missing or
 * older than its sources, once across parallel jest workers), run it as a child process, and
 * write trust fixtures made at run time.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../cli/main';
import { ROOT, ensureBundles, feed, runNode, type ProcessInput, type ProcessResult } from '../support/build';
import { toBase64 } from '../../core/bytes';
import { decodeBase45, encodeBase45 } from '../../core/base45';
import { deflate, inflate } from '../../core/zlib';
import { encodeCoseSign1, parseCoseSign1 } from '../../core/cose';
import { encodeClaims } from '../../core/cwt';
import { dccToCbor } from '../../core/dcc';
import { dscList, makeDsc, pem, sampleDcc, type Dsc } from '../../bench/fixtures';

export { ROOT };
export const BIN = join(ROOT, 'bin/ithc.js');
const OUTPUTS = ['dist/cli.cjs', 'dist/cli-image.cjs', 'dist/cli-worker.cjs', 'dist/cli-prestart.cjs', 'dist/cli-store.cjs'];
/** What the build writes beside two of them (bin/code-cache.js). */
export const CODE_CACHES = ['dist/cli.cjs.v8-cache', 'dist/cli-worker.cjs.v8-cache'];
const SOURCES = ['cli', 'core', 'node', 'bin', 'server/store', 'scripts/build.mjs', 'package.json'];

/** Builds the CLI's bundles when missing or stale (only those: the rest of the build is not needed here). */
export function ensureBuilt(): Promise<void> {
  return ensureBundles(
    [...OUTPUTS, ...CODE_CACHES].map((o) => join(ROOT, o)),
    SOURCES,
    OUTPUTS,
  );
}

export type CliResult = ProcessResult;

/** Runs `node bin/ithc.js ...args`, feeding `input` (text or a stream of chunks) to stdin. */
export function runCli(args: string[], opts: { input?: ProcessInput; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  return runNode(BIN, args, { input: opts.input, env: opts.env });
}

const made: string[] = [];
// Each test file that makes temporary folders removes them when it ends.
afterAll(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

export function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'ithc-cli-test-'));
  made.push(d);
  return d;
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
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
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

/**
 * `ithc ARGS` through main() in this process, standard input given, output collected. No worker
 * script: inputs this small are verified on the main thread.
 */
export async function runMain(args: string[], stdin = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (d) => (stdout += d));
  err.on('data', (d) => (stderr += d));
  const input = new PassThrough();
  input.end(stdin);
  const code = await main(args, { stdin: input, stdout: out, stderr: err, workerScript: '' });
  return { code, stdout, stderr };
}
