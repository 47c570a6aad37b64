/**
 * Signing in worker threads, for the local gateway (`npm start`): the CPU work of a new
 * certificate (CBOR, four ECDSA signatures, zlib, base45: server/issuance/sign.ts) runs beside
 * the thread that serves every request, instead of on it. Measured here (2 cores, `npm run bench`):
 * that work is about half of a new certificate's time on the serving thread.
 *
 * The private key crosses to a worker as a KeyObject (structured clone; it is never exported to
 * PEM or bytes for the trip), once per worker and key. A worker that dies fails its pending jobs
 * with an error (the requests get INTERNAL, nothing is stored) and is replaced. Workers that die
 * before answering anything, three times in a row, are not replaced again: signing goes back to
 * the serving thread (slower, not wrong), and `onFailure` is told why.
 */
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { toBase64 } from '../core/bytes';
import type { ActiveKey } from '../server/keys/service';
import { inThreadSigning, type SignJob, type SignOutcome, type SigningEngine } from '../server/issuance/sign';

export interface SignRequest {
  id: number;
  job: SignJob;
  /** base64 kid of the key the job is signed with. */
  kid: string;
  /** The key itself, the first time this worker is asked to sign with it. */
  key?: ActiveKey['privateKey'];
}

export type SignReply = { id: number; outcome: SignOutcome } | { id: number; error: string };

interface Slot {
  worker: Worker;
  pending: Map<number, { resolve: (o: SignOutcome) => void; reject: (e: Error) => void }>;
  kids: Set<string>;
  /** It has answered at least once. */
  answered: boolean;
}

/** Workers that may die before answering, in a row, before the pool gives up on threads. */
const MAX_FAILED_STARTS = 3;

export class WorkerSigning implements SigningEngine {
  private readonly slots: Slot[] = [];
  private nextId = 1;
  private closed = false;
  private failedStarts = 0;
  /** Why the threads were given up, once they were. */
  private broken?: string;

  /** `script` is the bundled node/sign-worker.ts (dist/sign-worker.cjs). */
  constructor(
    threads: number,
    private readonly script: string,
    private readonly onFailure: (why: string) => void = () => {},
  ) {
    if (!Number.isInteger(threads) || threads < 1 || threads > 64) throw new RangeError('threads must be in 1..64');
    if (!existsSync(script)) throw new Error(`the signing worker ${script} does not exist: run npm run build`);
    for (let i = 0; i < threads; i++) this.slots.push(this.spawn());
  }

  get threads(): number {
    return this.slots.length;
  }

  private spawn(): Slot {
    const slot: Slot = { worker: new Worker(this.script), pending: new Map(), kids: new Set(), answered: false };
    // The gateway's server keeps the process alive; an idle signing thread must not.
    slot.worker.unref();
    slot.worker.on('message', (m: SignReply) => {
      slot.answered = true;
      this.failedStarts = 0;
      const p = slot.pending.get(m.id);
      if (!p) return;
      slot.pending.delete(m.id);
      if ('error' in m) p.reject(new Error(`signing worker: ${m.error}`));
      else p.resolve(m.outcome);
    });
    const fail = (why: string) => {
      for (const p of slot.pending.values()) p.reject(new Error(`signing worker ${why}`));
      slot.pending.clear();
      const i = this.slots.indexOf(slot);
      if (i < 0 || this.closed) return;
      if (!slot.answered && ++this.failedStarts >= MAX_FAILED_STARTS) {
        this.broken ??= `signing workers keep failing (${why}); signing on the serving thread`;
        this.slots.splice(i, 1);
        this.onFailure(this.broken);
        return;
      }
      this.slots[i] = this.spawn();
    };
    slot.worker.on('error', (e) => fail(`failed: ${e.message}`));
    slot.worker.on('exit', (code) => fail(`exited with ${code}`));
    return slot;
  }

  sign(job: SignJob, key: ActiveKey): Promise<SignOutcome> {
    if (this.closed) return Promise.reject(new Error('signing pool is closed'));
    if (this.slots.length === 0) return inThreadSigning.sign(job, key);
    // The least busy thread.
    let slot = this.slots[0];
    for (const s of this.slots) if (s.pending.size < slot.pending.size) slot = s;
    const kid = toBase64(key.kid);
    const id = this.nextId++;
    const request: SignRequest = { id, job, kid };
    if (!slot.kids.has(kid)) {
      request.key = key.privateKey;
      slot.kids.add(kid);
    }
    return new Promise<SignOutcome>((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      slot.worker.postMessage(request);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
