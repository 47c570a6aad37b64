/**
 * How many verification workers `ithc verify -` runs, and starting them early.
 *
 * This module is light on purpose (node:os and node:worker_threads only): bin/ithc.js loads it as
 * a bundle of its own (dist/cli-prestart.cjs) and starts the workers before it loads the CLI, so
 * that each worker loads its bundle while the main thread loads its own, instead of after. On 2
 * cores that took ~0.1 s off 20,000 codes (docs/performance.md).
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
  const fromEnv = env.ITHC_WORKERS;
  if (fromEnv !== undefined && /^\d{1,2}$/.test(fromEnv)) return Number(fromEnv);
  return cores < 2 ? 0 : Math.min(cores - 1, 15);
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
const SMALL_INPUT_BYTES = INLINE_LINES * 256;

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
 * SMALL_INPUT_BYTES). A small batch from a pipe is verified without them (cli/batch.ts) and they are
 * stopped unused: the price is their start-up on otherwise idle cores.
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
  const count = bytes !== null && bytes <= SMALL_INPUT_BYTES ? 0 : defaultWorkerCount(env, cores);
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
