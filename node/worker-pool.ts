/**
 * Worker threads for CPU work that must not run on the thread that serves every request: signing
 * (node/sign-pool.ts) and the paper certificate (node/pdf-pool.ts) in the local gateway.
 *
 * The pool side (`WorkerPool`) and the worker side (`serveJobs`) speak one protocol: a job is
 * `{id, job}`, its answer `{id, result}` or `{id, error}` (the error's text), and a worker that
 * has started says `{ready: true}` once.
 *
 * - Dispatch: each job goes to the least busy worker. With `perWorker` set, a worker holds at most
 *   that many jobs and the rest wait in the pool, first come first served, so that a worker that
 *   dies or hangs takes only its own jobs with it.
 * - A worker that dies fails the jobs it held (`WorkerJobError`, reason `died`) and is replaced; the
 *   jobs waiting in the pool go to the replacement. A job not answered within `jobTimeoutMs` ends
 *   its worker the same way (reason `timeout`).
 * - Workers that die before they are ready, three in a row, are not replaced again: the pool gives
 *   up on threads and tells `onFailure` why. From then on each job runs on the fallback its caller
 *   gave, or fails with reason `unavailable`.
 * - An idle worker does not keep the process alive; one with a job does.
 */
import { existsSync } from 'node:fs';
import { parentPort, Worker, type ResourceLimits } from 'node:worker_threads';

export interface JobRequest<J> {
  id: number;
  job: J;
}

export type JobReply<R> = { id: number; result: R } | { id: number; error: string } | { ready: true };

/** Why a job sent to the pool did not give a result. */
export type WorkerJobFailure = 'failed' | 'died' | 'timeout' | 'unavailable' | 'closed';

export class WorkerJobError extends Error {
  constructor(
    /** failed: the job threw in the worker; died/timeout: its worker ended; unavailable: no workers; closed: the pool was closed. */
    readonly reason: WorkerJobFailure,
    message: string,
  ) {
    super(message);
    this.name = 'WorkerJobError';
  }
}

export interface WorkerPoolOptions {
  /** What the workers do, for messages: "signing", "PDF". */
  name: string;
  threads: number;
  /** The bundled worker script (it calls serveJobs). */
  script: string;
  /** Jobs one worker holds at once; more wait in the pool. Default: no limit. */
  perWorker?: number;
  /** A job not answered within this many ms ends its worker (replaced). Default: no limit. */
  jobTimeoutMs?: number;
  /** V8 heap limits of each worker: a job that exhausts them ends its worker, not the process. */
  resourceLimits?: ResourceLimits;
  /** Told once, when the pool gives up on threads. */
  onFailure?: (why: string) => void;
  /** Told of each worker that ended while the pool was open, for the log. */
  onWorkerExit?: (why: string) => void;
}

interface Pending<R> {
  resolve: (r: R) => void;
  reject: (e: Error) => void;
}

interface Waiting<J, R> extends Pending<R> {
  message: (sent: Set<string>) => J;
  inThread?: () => Promise<R>;
}

interface Slot<R> {
  worker: Worker;
  running: Map<number, Pending<R> & { timer?: NodeJS.Timeout }>;
  /** What the caller already sent this worker (keys, ...), see `run`. */
  sent: Set<string>;
  ready: boolean;
  /** The job whose timeout ended this worker. */
  timedOut?: number;
}

/** Workers that may die before they are ready, in a row, before the pool gives up on threads. */
const MAX_FAILED_STARTS = 3;

export class WorkerPool<J, R> {
  private readonly slots: Slot<R>[] = [];
  private readonly waiting: Waiting<J, R>[] = [];
  private nextId = 1;
  private closed = false;
  private failedStarts = 0;
  private gaveUp?: string;
  private readonly perWorker: number;

  constructor(private readonly opts: WorkerPoolOptions) {
    const { threads, script } = opts;
    if (!Number.isInteger(threads) || threads < 1 || threads > 64) throw new RangeError('threads must be in 1..64');
    if (opts.perWorker !== undefined && !(Number.isInteger(opts.perWorker) && opts.perWorker >= 1))
      throw new RangeError('perWorker must be a whole number ≥ 1');
    if (!existsSync(script)) throw new Error(`the ${opts.name} worker ${script} does not exist: run npm run build`);
    this.perWorker = opts.perWorker ?? Infinity;
    for (let i = 0; i < threads; i++) this.slots.push(this.spawn());
  }

  /** Live worker threads (0 once the pool gave up on them). */
  get threads(): number {
    return this.slots.length;
  }

  /** Why the pool gave up on threads, once it did. */
  get broken(): string | undefined {
    return this.gaveUp;
  }

  /** Jobs held by workers, and jobs waiting for one. */
  load(): { running: number; waiting: number } {
    return { running: this.slots.reduce((n, s) => n + s.running.size, 0), waiting: this.waiting.length };
  }

  /**
   * Runs a job on a worker. `message` builds what the worker is sent when the job is dispatched,
   * given the set of what this caller already sent that worker (it may add to it: a key sent once
   * per worker). `inThread` runs the job here once the pool has given up on threads; without it
   * such a job fails with reason `unavailable`.
   */
  run(message: (sent: Set<string>) => J, inThread?: () => Promise<R>): Promise<R> {
    if (this.closed) return Promise.reject(new WorkerJobError('closed', `the ${this.opts.name} pool is closed`));
    if (this.slots.length === 0) return this.withoutThreads({ message, inThread, resolve: () => {}, reject: () => {} });
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ message, inThread, resolve, reject });
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.waiting.splice(0)) w.reject(new WorkerJobError('closed', `the ${this.opts.name} pool is closed`));
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private withoutThreads(w: Waiting<J, R>): Promise<R> {
    if (w.inThread) return w.inThread();
    return Promise.reject(new WorkerJobError('unavailable', `no ${this.opts.name} workers: ${this.gaveUp ?? 'none started'}`));
  }

  /** Sends waiting jobs to the least busy workers that have room. */
  private pump(): void {
    while (this.waiting.length > 0) {
      let slot: Slot<R> | undefined;
      for (const s of this.slots) if (s.running.size < this.perWorker && (!slot || s.running.size < slot.running.size)) slot = s;
      if (!slot) return;
      const w = this.waiting.shift()!;
      const id = this.nextId++;
      let request: JobRequest<J>;
      try {
        request = { id, job: w.message(slot.sent) };
      } catch (e) {
        w.reject(e instanceof Error ? e : new Error(String(e)));
        continue;
      }
      const entry: Pending<R> & { timer?: NodeJS.Timeout } = { resolve: w.resolve, reject: w.reject };
      if (this.opts.jobTimeoutMs !== undefined) {
        const s = slot;
        entry.timer = setTimeout(() => {
          s.timedOut = id;
          void s.worker.terminate();
        }, this.opts.jobTimeoutMs);
        entry.timer.unref();
      }
      slot.running.set(id, entry);
      // A worker with a job keeps the process alive until it answers.
      if (slot.running.size === 1) slot.worker.ref();
      slot.worker.postMessage(request);
    }
  }

  private spawn(): Slot<R> {
    const slot: Slot<R> = {
      worker: new Worker(this.opts.script, this.opts.resourceLimits ? { resourceLimits: this.opts.resourceLimits } : {}),
      running: new Map(),
      sent: new Set(),
      ready: false,
    };
    slot.worker.unref();
    slot.worker.on('message', (m: JobReply<R>) => {
      slot.ready = true;
      this.failedStarts = 0;
      if (!('id' in m)) return;
      const p = slot.running.get(m.id);
      if (!p) return;
      slot.running.delete(m.id);
      clearTimeout(p.timer);
      if (slot.running.size === 0) slot.worker.unref();
      if ('error' in m) p.reject(new WorkerJobError('failed', `${this.opts.name} worker: ${m.error}`));
      else p.resolve(m.result);
      this.pump();
    });
    const fail = (what: string) => {
      const why = slot.timedOut !== undefined ? `ended: a job ran over ${this.opts.jobTimeoutMs} ms` : what;
      for (const [id, p] of slot.running) {
        clearTimeout(p.timer);
        p.reject(
          id === slot.timedOut
            ? new WorkerJobError('timeout', `${this.opts.name} job not done in ${this.opts.jobTimeoutMs} ms; its worker was ended`)
            : new WorkerJobError('died', `${this.opts.name} worker ${why}`),
        );
      }
      slot.running.clear();
      const i = this.slots.indexOf(slot);
      if (i < 0 || this.closed) return;
      this.opts.onWorkerExit?.(`${this.opts.name} worker ${why}`);
      if (slot.ready || ++this.failedStarts < MAX_FAILED_STARTS) this.slots[i] = this.spawn();
      else {
        this.slots.splice(i, 1);
        if (this.gaveUp === undefined) {
          this.gaveUp = `${this.opts.name} workers keep failing (${why})`;
          this.opts.onFailure?.(this.gaveUp);
        }
        if (this.slots.length === 0) for (const w of this.waiting.splice(0)) this.withoutThreads(w).then(w.resolve, w.reject);
      }
      this.pump();
    };
    slot.worker.on('error', (e) => fail(`failed: ${e.message}`));
    slot.worker.on('exit', (code) => fail(`exited with ${code}`));
    return slot;
  }
}

/**
 * The worker side: answers each job with `handle`'s result or its error's text. Whatever the
 * worker must load before its first job is loaded before this is called; the pool counts the
 * worker as started once it says so.
 */
export function serveJobs<J, R>(handle: (job: J) => Promise<R>): void {
  if (!parentPort) throw new Error('this script runs as a worker thread of node/worker-pool.ts');
  const port = parentPort;
  port.on('message', (m: JobRequest<J>) => {
    void (async (): Promise<JobReply<R>> => {
      try {
        return { id: m.id, result: await handle(m.job) };
      } catch (e) {
        return { id: m.id, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
      }
    })().then((reply) => {
      try {
        port.postMessage(reply);
      } catch (e) {
        // A result that cannot cross threads (a function, a closed port): the job fails, the worker stays.
        port.postMessage({ id: m.id, error: `the result could not be sent: ${e instanceof Error ? e.message : String(e)}` } satisfies JobReply<R>);
      }
    });
  });
  port.postMessage({ ready: true } satisfies JobReply<R>);
}
