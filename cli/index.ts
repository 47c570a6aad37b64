/**
 * Entry of the CLI bundle (dist/cli.cjs, built by scripts/build.mjs; bin/ithc.js loads it).
 * Verification workers run a bundle of their own (dist/cli-worker.cjs, cli/worker-entry.ts): it
 * leaves out what only the command line needs (certificate parsing, images), so each starts faster.
 */
import { join } from 'node:path';
import { main } from './main';
import { batchWorkerCount, stdinFileSize, type EarlyWorkers } from './workers';

/**
 * Runs the command line; `early` are the verification workers bin/ithc.js started (cli/workers.ts).
 * Resolves when the command is done, its exit status in process.exitCode.
 */
export function run(argv: readonly string[] = process.argv.slice(2), early?: EarlyWorkers): Promise<void> {
  const io = {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    workerScript: join(__dirname, 'cli-worker.cjs'),
    early,
    // Decided as bin/ithc.js decided whether to start workers early (cli/workers.ts prestartWorkers).
    batchWorkers: () => batchWorkerCount(stdinFileSize()),
  };
  // A reader that goes away (`ithc verify - | head`) is not an error of ours.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 1);
    throw e;
  });
  // main reports every error itself and resolves to the exit status.
  return (
    main(argv, io)
      // Workers nobody took (a small batch, a usage error) must not keep the process alive.
      .finally(() => early?.close())
      .then((status) => {
        process.exitCode = status;
      })
  );
}
