/**
 * How many verification workers `ithc verify -` runs, and starting them early.
 *
 * This module is light on purpose (node:os and node:worker_threads only): bin/ithc.js loads it as
 * a bundle of its own (dist/cli-prestart.cjs) and starts the workers before it loads the CLI, so
 * that each worker loads its bundle while the main thread loads its own, instead of after. On 2
 * cores that takes ~0.1 s off 20,000 codes (docs/performance.md).
 */
import { fstatSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/** The workerData key under which a worker receives its VerifierSettings (or AWAIT_SETTINGS). */
export const WORKER_MARK = 'ithc-verify-worker';
/** In place of the settings: the worker was started early and gets them as its first message. */
export const AWAIT_SETTINGS = 'await-settings';

/**
 * Verification workers: one fewer than the cores (at most 15), since the main thread verifies too
 * (cli/batch.ts); none on one core; or ITHC_WORKERS.
 */
export function defaultWorkerCount(env: NodeJS.ProcessEnv = process.env, cores = availableParallelism()): number {
  return workersChosen(env) ?? (cores < 2 ? 0 : Math.min(cores - 1, 15));
}

/** ITHC_WORKERS as a count (0 to 99), or undefined when it is not set to one. */
function workersChosen(env: NodeJS.ProcessEnv): number | undefined {
  const fromEnv = env.ITHC_WORKERS;
  return fromEnv !== undefined && /^\d{1,2}$/.test(fromEnv) ? Number(fromEnv) : undefined;
}

/** Workers started before anyone knew whether they would be needed. */
export interface EarlyWorkers {
  /** Up to n live workers, each waiting for its settings; the caller owns them from then on. */
  take(n: number): Worker[];
  /** Stops the workers nobody took. */
  close(): Promise<void>;
  /** Workers started, alive, and not yet taken. */
  readonly waiting: number;
}

/** Up to this many lines in all, `ithc verify -` verifies on the main thread without workers (cli/batch.ts). */
export const INLINE_LINES = 64;

/**
 * A file of codes on standard input no larger than this gets no early workers: it holds at most
 * INLINE_LINES codes of 256 characters, and real codes are longer (an HC1 code ~550), so its batch
 * runs on the main thread alone. Starting a worker and stopping it unused cost the main thread
 * ~8 ms, beside a one-code command's 0.12 s. A larger batch than guessed only starts its workers later.
 */
export const SMALL_INPUT_BYTES = INLINE_LINES * 256;

/**
 * A file of codes on standard input larger than SMALL_INPUT_BYTES and at most this (~15,000 codes
 * of 550 characters) is verified with no workers: on the main thread, its signatures on libuv's
 * thread pool (cli/batch.ts). One JavaScript thread then loads and warms up its JIT instead of two.
 * Measured on 2 cores, medians of 10, without workers against with one: 300 codes 0.188 s against
 * 0.218 s, 1,000 0.279 against 0.298, 4,000 0.591 against 0.612, 10,000 0.995 against 1.029, with
 * 14–26 % less CPU; 20,000 codes come out even (12,493 against 12,339 codes/s), and from 100,000
 * lines a worker is 7–10 % faster. A pipe or a terminal, whose length nobody knows, gets workers.
 */
export const POOLED_INPUT_BYTES = 8 * 1024 * 1024;

/**
 * How many workers a batch verification runs, given the size of the regular file on standard input
 * (stdinFileSize(); null for a pipe or terminal): ITHC_WORKERS when set; none for a file of
 * SMALL_INPUT_BYTES to POOLED_INPUT_BYTES; else defaultWorkerCount().
 */
export function batchWorkerCount(inputBytes: number | null, env: NodeJS.ProcessEnv = process.env, cores = availableParallelism()): number {
  if (workersChosen(env) === undefined && inputBytes !== null && inputBytes > SMALL_INPUT_BYTES && inputBytes <= POOLED_INPUT_BYTES) return 0;
  return defaultWorkerCount(env, cores);
}

/** The size of the regular file on standard input; null for a pipe, a terminal or anything else. */
export function stdinFileSize(): number | null {
  try {
    const st = fstatSync(0);
    return st.isFile() ? st.size : null;
  } catch {
    return null;
  }
}

/** Does this command line read codes from standard input (`ithc verify ... -`)? */
export function readsBatch(argv: readonly string[]): boolean {
  return argv[0] === 'verify' && argv.includes('-') && !argv.includes('--help') && !argv.includes('-h');
}

/**
 * Starts the workers a batch verification will want, or returns undefined when the command is not
 * one, or its input is a file too small to want them (`inputBytes`, stdinFileSize() when not given;
 * SMALL_INPUT_BYTES) or verified without them (batchWorkerCount). A small batch from a pipe is
 * verified without them (cli/batch.ts) and they are stopped unused: the price is their start-up on
 * otherwise idle cores.
 */
export function prestartWorkers(
  argv: readonly string[],
  script: string,
  env: NodeJS.ProcessEnv = process.env,
  cores = availableParallelism(),
  inputBytes?: number | null,
): EarlyWorkers | undefined {
  if (!readsBatch(argv)) return undefined;
  // Standard input is looked at only for a batch: every other command starts without the fstat.
  const bytes = inputBytes === undefined ? stdinFileSize() : inputBytes;
  const count = bytes !== null && bytes <= SMALL_INPUT_BYTES ? 0 : batchWorkerCount(bytes, env, cores);
  if (count === 0) return undefined;
  const waiting = new Set<Worker>();
  for (let i = 0; i < count; i++) {
    const w = new Worker(script, { workerData: { [WORKER_MARK]: AWAIT_SETTINGS } });
    waiting.add(w);
    // A worker that fails before it is taken is dropped; taken, its new owner hears of failures.
    const drop = (): void => {
      waiting.delete(w);
    };
    w.once('error', drop);
    w.once('exit', drop);
  }
  return {
    take(n) {
      const taken = [...waiting].slice(0, n);
      for (const w of taken) waiting.delete(w);
      return taken;
    },
    async close() {
      const rest = [...waiting];
      waiting.clear();
      await Promise.all(rest.map((w) => w.terminate()));
    },
    get waiting() {
      return waiting.size;
    },
  };
}
