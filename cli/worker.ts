/**
 * A verification worker (worker_threads): builds its own verifier from the settings it was started
 * with, then verifies each batch it is sent and replies with the rendered lines.
 */
import { parentPort } from 'node:worker_threads';
import { makeVerifier, verifyBatch, type BatchLine, type BatchResult, type VerifierSettings } from './verifier';

/** Message to a worker. */
export interface BatchRequest {
  seq: number;
  first: number;
  lines: BatchLine[];
}

/** Message from a worker. */
export interface BatchReply extends BatchResult {
  seq: number;
}

export function runWorker(settings: VerifierSettings): void {
  const port = parentPort;
  if (!port) throw new TypeError('runWorker must run inside a worker thread');
  const verify = makeVerifier(settings);
  const encoder = new TextEncoder();
  // One batch at a time: the next starts only after the previous reply, so batches do not
  // interleave on their awaits and the earliest batch (the one output is waiting for) finishes first.
  let chain: Promise<void> = Promise.resolve();
  port.on('message', (m: BatchRequest) => {
    chain = chain
      .then(async () => {
        const r = await verifyBatch(verify, settings, m.first, m.lines);
        // Encoded here and transferred, not cloned: the main thread then only writes bytes out
        // (measured: cloning the text cost each worker ~4% of its time).
        const bytes = encoder.encode(r.output as string);
        const reply: BatchReply = { seq: m.seq, output: bytes, invalid: r.invalid, cannot: r.cannot };
        port.postMessage(reply, [bytes.buffer]);
      })
      .catch((e) => {
        // verifyBatch reports every code's problems itself; reaching here is a bug. Crash the
        // worker so the main thread fails the run loudly instead of waiting for a reply forever.
        setImmediate(() => {
          throw e;
        });
      });
  });
}
