/**
 * `ithc verify -`: one code per input line, one result per output line, in input order.
 *
 * Memory stays bounded whatever the input: input is read as a stream and paused while too many
 * batches are in flight or stdout is not draining; a line longer than any code is dropped as it
 * streams past and reported as SIZE_LIMIT; results wait for their turn only as long as the batches
 * before them, at most MAX_PENDING_PER_THREAD per verifying thread.
 *
 * Throughput. About three quarters of a code's cost is its ECDSA check in OpenSSL. The main thread
 * reads and splits lines and writes results, and verifies too: batches go to worker_threads, one
 * fewer than the cores (cli/workers.ts), while each has WORKER_QUEUE batches in hand, and the main
 * thread verifies a waiting batch itself when all have (Dispatcher); so every core verifies,
 * without a thread more than there are cores (each costs its start-up, its own JIT warm-up and
 * heap, measured: ~10 % of a 20,000-code batch's CPU on 2 cores). bin/ithc.js starts the workers
 * before it loads the CLI, so they load while it does. With ITHC_WORKERS=0 the main thread
 * verifies alone and hands the signature checks to libuv's thread pool (nodeCryptoPooled),
 * decoding the next codes meanwhile; so is a file of up to 8 MiB by default (cli/workers.ts
 * batchWorkerCount), where warming up one JavaScript thread, not two, saves more than a worker
 * gains. A small input is verified on the main thread alone, because starting workers costs more
 * than it saves for a few codes.
 */
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { DEFAULT_LIMITS } from '../core/limits';
import { makeVerifier, verifyBatch, type BatchLine, type BatchResult, type VerifierSettings, type VerifyFn } from './verifier';
import type { BatchReply, BatchRequest } from './worker';
import { INLINE_LINES, WORKER_MARK, defaultWorkerCount, type EarlyWorkers } from './workers';

/** Longer lines cannot hold a code even after trimming whitespace; their content is not kept. */
const MAX_LINE_CHARS = DEFAULT_LIMITS.maxCodeLength * 2;
/** Lines per message to a worker: large enough to amortise messaging, small enough to balance. */
const BATCH_LINES = 128;
/**
 * Batches each worker holds before the main thread verifies one itself: enough that a worker still
 * has work queued when the main thread, busy with a batch of its own (~15 ms), has not yet read
 * its replies.
 */
const WORKER_QUEUE = 3;
/** Batches in flight (verifying, or verified and waiting for their turn to be written) per verifying thread. */
const MAX_PENDING_PER_THREAD = 4;
/** Batches the main thread verifies at once when it works alone (~1,000 signatures queued). */
const MAX_PENDING_INLINE = 8;

export interface BatchRun {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  settings: VerifierSettings;
  /** The script a worker runs (dist/cli-worker.cjs, from cli/worker-entry.ts). */
  workerScript: string;
  /**
   * Number of workers; default defaultWorkerCount() (one fewer than the cores). With workers the
   * main thread verifies too; 0 verifies on the main thread only, signatures on the thread pool.
   */
  workers?: number;
  /** Workers bin/ithc.js started before the CLI loaded; the pool takes them before starting others. */
  early?: EarlyWorkers;
}

export interface BatchSummary {
  lines: number;
  invalid: number;
  /** Codes that could not be checked (core/outcome.ts) and were not invalid. */
  cannot: number;
}

export async function runBatch(run: BatchRun): Promise<BatchSummary> {
  const workerCount = run.workers ?? defaultWorkerCount();
  // Without workers, batches in flight on the main thread are what keeps the thread pool fed.
  const maxPending = workerCount > 0 ? (workerCount + 1) * MAX_PENDING_PER_THREAD : MAX_PENDING_INLINE;
  const splitter = new LineSplitter(MAX_LINE_CHARS);
  let inline: VerifyFn | undefined;
  const inlineVerifier = (): VerifyFn => (inline ??= makeVerifier({ ...run.settings, pooled: workerCount === 0 }));
  let pool: WorkerPool | undefined;
  let dispatcher: Dispatcher | undefined;
  let nextLine = 1;
  let invalid = 0;
  let cannot = 0;
  let pending = 0;
  let failure: unknown;
  let stopReading: (e: unknown) => void = () => undefined;
  let tail: Promise<void> = Promise.resolve();
  const input = run.input;

  const fail = (e: unknown): void => {
    if (failure !== undefined) return;
    failure = e;
    stopReading(e);
  };

  const submit = (lines: BatchLine[]): void => {
    const first = nextLine;
    nextLine += lines.length;
    let work: Promise<BatchResult>;
    if (workerCount > 0 && nextLine - 1 > INLINE_LINES && !pool) {
      pool = new WorkerPool(run.workerScript, workerCount, run.settings, run.early?.take(workerCount) ?? [], () => dispatcher?.pump());
      dispatcher = new Dispatcher(pool, (f, l) => verifyBatch(inlineVerifier(), run.settings, f, l));
    }
    if (dispatcher) work = dispatcher.run(first, lines);
    // On the main thread at once: a small input (workers would cost more than they save), or, with
    // ITHC_WORKERS=0, every batch, with signatures on the thread pool and a batch's codes verified
    // at once.
    else work = verifyBatch(inlineVerifier(), run.settings, first, lines, workerCount === 0);
    // A batch may fail (a worker died) before its turn to be written: handled here, at once.
    work.catch(fail);
    pending++;
    // Writes are chained so that results leave in input order, whichever batch finishes first.
    tail = tail
      .then(async () => {
        if (failure !== undefined) return;
        const r = await work;
        invalid += r.invalid;
        cannot += r.cannot;
        if (!run.output.write(r.output)) await once(run.output, 'drain');
        pending--;
        if (pending < maxPending) input.resume();
      })
      .catch(fail);
    if (pending >= maxPending) input.pause();
  };

  const dispatch = (lines: BatchLine[]): void => {
    for (let i = 0; i < lines.length; i += BATCH_LINES) submit(lines.slice(i, i + BATCH_LINES));
  };

  try {
    input.setEncoding('utf8');
    await new Promise<void>((resolve, reject) => {
      stopReading = (e) => {
        input.pause();
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- a worker's or the input's failure, passed on as it came
        reject(e);
      };
      input.on('data', (chunk: string) => {
        if (failure !== undefined) return;
        const lines: BatchLine[] = [];
        splitter.push(chunk, lines);
        if (lines.length) dispatch(lines);
      });
      input.on('end', () => {
        const lines: BatchLine[] = [];
        splitter.end(lines);
        if (lines.length) dispatch(lines);
        resolve();
      });
      input.on('error', reject);
    });
    await tail;
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- a worker's or the input's failure, passed on as it came
    if (failure !== undefined) throw failure;
    return { lines: nextLine - 1, invalid, cannot };
  } finally {
    await Promise.all([pool?.close(), run.early?.close()]);
  }
}

/** Splits a character stream into lines ("\n" or "\r\n"), never holding more than max characters of one. */
export class LineSplitter {
  private parts: string[] = [];
  private length = 0;
  private tooLong = false;

  constructor(private readonly max: number) {}

  push(chunk: string, out: BatchLine[]): void {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf('\n', start);
      this.add(chunk, start, nl < 0 ? chunk.length : nl);
      if (nl < 0) return;
      out.push(this.take());
      start = nl + 1;
    }
  }

  end(out: BatchLine[]): void {
    if (this.length > 0) out.push(this.take());
  }

  private add(chunk: string, s: number, e: number): void {
    if (e === s) return;
    this.length += e - s;
    if (this.tooLong) return;
    if (this.length > this.max) {
      this.tooLong = true;
      this.parts = [];
      return;
    }
    this.parts.push(s === 0 && e === chunk.length ? chunk : chunk.slice(s, e));
  }

  private take(): BatchLine {
    let line: BatchLine;
    if (this.tooLong) line = this.length;
    else {
      const s = this.parts.length === 1 ? this.parts[0] : this.parts.join('');
      line = s.endsWith('\r') ? s.slice(0, -1) : s;
    }
    this.parts = [];
    this.length = 0;
    this.tooLong = false;
    return line;
  }
}

/** Where a batch can be verified off the main thread: what Dispatcher needs of WorkerPool. */
export interface BatchWorkers {
  /** Does some worker have fewer than `queue` batches in flight? */
  hasRoom(queue: number): boolean;
  run(first: number, lines: BatchLine[]): Promise<BatchResult>;
}

interface Waiting {
  first: number;
  lines: BatchLine[];
  resolve: (r: BatchResult) => void;
  reject: (e: unknown) => void;
}

/**
 * Which thread verifies each batch. A worker takes a waiting batch whenever it has fewer than
 * WORKER_QUEUE in hand: when the batch comes, and after each of its replies (`pump`). The main
 * thread takes one waiting batch at a time, on a turn of its own (`defer`, setImmediate): after the
 * input and the replies that arrived meanwhile have been handled, so that a worker's freed room is
 * filled first. A main thread that verified each batch as it came in, whenever the workers were
 * full, would keep verifying while input comes faster than a read a turn (libuv reads a pipe until
 * it is empty), the worker's replies unread: on 2 cores the worker would sit idle a third of the
 * time, and 20,000 codes take 1.64–1.87 s through a pipe that way against 1.36–1.46 s taking turns
 * (docs/performance.md).
 */
export class Dispatcher {
  private readonly waiting: Waiting[] = [];
  private turnDue = false;

  constructor(
    private readonly workers: BatchWorkers,
    private readonly verifyHere: (first: number, lines: BatchLine[]) => Promise<BatchResult>,
    private readonly defer: (turn: () => void) => void = setImmediate,
  ) {}

  /** Verifies a batch on whichever thread is free first; resolves to its result. */
  run(first: number, lines: BatchLine[]): Promise<BatchResult> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ first, lines, resolve, reject });
      this.pump();
    });
  }

  /** Hands waiting batches to workers with room; asks for a turn of the main thread for the rest. */
  pump(): void {
    while (this.waiting.length > 0 && this.workers.hasRoom(WORKER_QUEUE)) {
      const b = this.waiting.shift()!;
      this.workers.run(b.first, b.lines).then(b.resolve, b.reject);
    }
    if (this.waiting.length > 0 && !this.turnDue) {
      this.turnDue = true;
      this.defer(() => this.turn());
    }
  }

  /** The main thread's turn: one waiting batch, then the next turn if any is still waiting. */
  private turn(): void {
    this.turnDue = false;
    const b = this.waiting.shift();
    if (!b) return;
    this.verifyHere(b.first, b.lines)
      .then(b.resolve, b.reject)
      .finally(() => this.pump());
  }
}

interface Job {
  resolve: (r: BatchResult) => void;
  reject: (e: unknown) => void;
  worker: PoolWorker;
}

interface PoolWorker {
  worker: Worker;
  inFlight: number;
}

class WorkerPool implements BatchWorkers {
  private readonly workers: PoolWorker[] = [];
  private readonly jobs = new Map<number, Job>();
  private seq = 0;

  /** `onReply` runs after each reply, when its worker has room for another batch. */
  constructor(script: string, count: number, settings: VerifierSettings, early: Worker[], onReply: () => void) {
    for (let i = 0; i < count; i++) {
      let worker: Worker;
      if (i < early.length) {
        // Started early and waiting: its settings go first, ahead of any batch.
        worker = early[i];
        worker.postMessage(settings);
      } else {
        worker = new Worker(script, { workerData: { [WORKER_MARK]: settings } });
      }
      const pw: PoolWorker = { worker, inFlight: 0 };
      pw.worker.on('message', (m: BatchReply) => {
        const job = this.jobs.get(m.seq);
        if (!job) return;
        this.jobs.delete(m.seq);
        pw.inFlight--;
        job.resolve(m);
        onReply();
      });
      const fail = (e: unknown): void => {
        for (const [seq, job] of this.jobs) {
          if (job.worker !== pw) continue;
          this.jobs.delete(seq);
          job.reject(e);
        }
      };
      pw.worker.on('error', fail);
      pw.worker.on('exit', (code) => fail(new Error(`verification worker stopped (exit code ${code})`)));
      this.workers.push(pw);
    }
  }

  /** Does some worker have fewer than `queue` batches in flight? */
  hasRoom(queue: number): boolean {
    for (const w of this.workers) if (w.inFlight < queue) return true;
    return false;
  }

  run(first: number, lines: BatchLine[]): Promise<BatchResult> {
    let w = this.workers[0];
    for (const x of this.workers) if (x.inFlight < w.inFlight) w = x;
    const seq = this.seq++;
    w.inFlight++;
    return new Promise((resolve, reject) => {
      this.jobs.set(seq, { resolve, reject, worker: w });
      const req: BatchRequest = { seq, first, lines };
      w.worker.postMessage(req);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }
}
