/** Entry of the verification worker bundle (dist/cli-worker.cjs); see cli/batch.ts. */
import { workerData } from 'node:worker_threads';
import { runWorker, WORKER_MARK } from './worker';

runWorker(workerData[WORKER_MARK]);
