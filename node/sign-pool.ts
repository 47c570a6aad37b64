/**
 * Signing in worker threads, for the local gateway (`npm start`): the CPU work of a new
 * certificate (CBOR, four ECDSA signatures, zlib, base45: server/issuance/sign.ts) runs beside
 * the thread that serves every request, instead of on it. Measured here (2 cores, `npm run bench`):
 * that work is about half of a new certificate's time on the serving thread.
 *
 * The threads are a node/worker-pool.ts pool. The private key crosses to a worker as a KeyObject
 * (structured clone; it is never exported to PEM or bytes for the trip), once per worker and key.
 * A worker that dies fails its pending jobs with an error (the requests get INTERNAL, nothing is
 * stored) and is replaced. If workers keep dying before they start, signing goes back to the
 * serving thread (slower, not wrong: a certificate is a few milliseconds of work there), and
 * `onFailure` is told why.
 */
import { toBase64 } from '../core/bytes';
import type { ActiveKey } from '../server/keys/service';
import { inThreadSigning, type SignJob, type SignOutcome, type SigningEngine, type SigningKeys } from '../server/issuance/sign';
import { WorkerPool } from './worker-pool';

/** A job as a signing worker receives it. */
export interface SignMessage {
  job: SignJob;
  /** base64 kids of the keys the job is signed with, one per format. */
  kid: { ithc: string; dcc: string };
  /** A key itself, the first time this worker is asked to sign with it. */
  key?: { ithc?: ActiveKey['privateKey']; dcc?: ActiveKey['privateKey'] };
}

export class WorkerSigning implements SigningEngine {
  private readonly pool: WorkerPool<SignMessage, SignOutcome>;

  /** `script` is the bundled node/sign-worker.ts (dist/sign-worker.cjs). */
  constructor(threads: number, script: string, onFailure: (why: string) => void = () => {}) {
    this.pool = new WorkerPool({ name: 'signing', threads, script, onFailure: (why) => onFailure(`${why}; signing on the serving thread`) });
  }

  get threads(): number {
    return this.pool.threads;
  }

  sign(job: SignJob, keys: SigningKeys): Promise<SignOutcome> {
    const kid = { ithc: toBase64(keys.ithc.kid), dcc: toBase64(keys.dcc.kid) };
    return this.pool.run(
      (sent) => {
        const key: NonNullable<SignMessage['key']> = {};
        for (const f of ['ithc', 'dcc'] as const) {
          if (sent.has(kid[f])) continue;
          sent.add(kid[f]);
          key[f] = keys[f].privateKey;
        }
        return key.ithc || key.dcc ? { job, kid, key } : { job, kid };
      },
      () => inThreadSigning.sign(job, keys),
    );
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
