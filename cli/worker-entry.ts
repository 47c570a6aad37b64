/** Entry of the verification worker bundle (dist/cli-worker.cjs); see cli/batch.ts. */
import { parentPort, workerData } from 'node:worker_threads';
import { runWorker } from './worker';
import { AWAIT_SETTINGS, WORKER_MARK } from './workers';
import type { VerifierSettings } from './verifier';

const given = (workerData as Record<string, VerifierSettings | typeof AWAIT_SETTINGS>)[WORKER_MARK];
// Started early (cli/workers.ts): the settings are the first message, the batches come after.
if (given === AWAIT_SETTINGS) parentPort!.once('message', (settings: VerifierSettings) => runWorker(settings));
else runWorker(given);
