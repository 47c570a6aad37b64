/**
 * Shared by tests that run the built bundles: build them when they are missing or older than their
 * sources (once across parallel jest workers, through a lock directory), and run a node script as a
 * child process.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';

export const ROOT = resolve(__dirname, '../..');

function newestMtime(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let m = st.mtimeMs;
  for (const e of readdirSync(path)) m = Math.max(m, newestMtime(join(path, e)));
  return m;
}

/** Outputs (absolute paths) missing or older than the newest of `sources` (paths relative to ROOT). */
export function staleOutputs(outputs: readonly string[], sources: readonly string[]): string[] {
  const newest = Math.max(
    ...sources
      .map((s) => join(ROOT, s))
      .filter(existsSync)
      .map(newestMtime),
  );
  return outputs.filter((o) => !existsSync(o) || statSync(o).mtimeMs < newest);
}

/**
 * Runs `node scripts/build.mjs ...buildArgs` when an output is stale. Sources edited while the
 * build ran leave outputs "older" than them; only outputs still missing afterwards are an error.
 */
export async function ensureBundles(outputs: readonly string[], sources: readonly string[], buildArgs: readonly string[] = []): Promise<void> {
  if (!staleOutputs(outputs, sources).length) return;
  const lock = join(ROOT, 'dist', '.build-lock');
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Another test file is building. A lock older than a minute was left by a killed run.
      const st = statSync(lock, { throwIfNoEntry: false });
      if (st && Date.now() - st.mtimeMs > 60_000) rmSync(lock, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    if (staleOutputs(outputs, sources).length) {
      const r = spawnSync(process.execPath, ['scripts/build.mjs', ...buildArgs], { cwd: ROOT, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`node scripts/build.mjs failed:\n${r.stderr}`);
    }
    const missing = outputs.filter((o) => !existsSync(o));
    if (missing.length) throw new Error(`the build did not produce ${missing.join(', ')}`);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export type ProcessInput = string | Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>;

export function feed(stdin: NodeJS.WritableStream, input: ProcessInput | undefined): void {
  // A child that exits early closes its stdin; that is its business, not a test failure.
  stdin.on('error', () => undefined);
  if (input === undefined) stdin.end();
  else if (typeof input === 'string') stdin.end(input);
  else Readable.from(input).pipe(stdin);
}

/** Runs `node script ...args` to the end, feeding `input` to stdin. */
export function runNode(script: string, args: string[], opts: { input?: ProcessInput; env?: NodeJS.ProcessEnv } = {}): Promise<ProcessResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [script, ...args], { cwd: ROOT, env: { ...process.env, ...opts.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
    feed(child.stdin, opts.input ?? '');
  });
}
