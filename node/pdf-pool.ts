/**
 * The paper certificate rendered beside the serving thread, for the local gateway (`npm start`).
 * A PDF is ~0.1 s of CPU the first time a certificate is printed (pdf-lib, subsets of a CJK font,
 * a QR matrix per code: server/pdf/certificate-pdf.ts) and about a seventh of that when printed again
 * (its QR matrices and drawings, text layouts and font subsets are kept in the worker); on the thread that serves every request, ten
 * at once held a /health request for seconds. Here they run in worker threads (node/worker-pool.ts, the worker
 * is node/pdf-worker.ts bundled to dist/pdf-worker.cjs), behind the limits on jobs in flight of
 * server/pdf/limits.ts: per caller, and in all.
 *
 * Each worker renders one PDF at a time; further jobs wait in the pool, so a worker that crashes
 * (or runs out of its heap, or takes longer than `jobTimeoutMs`) fails only its own job, with
 * UNAVAILABLE and a retryAfter, and is replaced. Nothing is stored for a failed job.
 *
 * Unlike signing, there is no fallback to the serving thread: if the workers cannot start, PDFs
 * are refused with UNAVAILABLE (and `onFailure` says why) while every other action goes on, since
 * rendering on the serving thread is what stalls them. With 0 threads (ITHC_PDF_THREADS=0) PDFs
 * render on the serving thread, within the same limits.
 *
 * The renderer itself stays a pure function of its input (renderCertificatePdf), tested in-process;
 * the workers return the same bytes (deterministic output).
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { ServiceError } from '../server/errors';
import { renderCertificatePdf, type CertificatePdf, type CertificatePdfInput } from '../server/pdf/certificate-pdf';
import { DEFAULT_PDF_JOB_LIMITS, PdfJobLimits, type PdfJobLimitSettings } from '../server/pdf/limits';
import type { PdfRenderer } from '../server/pdf/service';
import { WorkerJobError, WorkerPool } from './worker-pool';

export interface PdfRenderingOptions {
  /** Worker threads; 0 renders on the calling thread. */
  threads: number;
  /** The bundled node/pdf-worker.ts (dist/pdf-worker.cjs); needed when threads > 0. */
  script?: string;
  limits?: Partial<PdfJobLimitSettings>;
  /** A job not done in this time ends its worker. Default 30 s (a PDF takes well under 2 s here). */
  jobTimeoutMs?: number;
  /** Told once, when the workers keep failing to start and PDFs are refused from then on. */
  onFailure?: (why: string) => void;
  /** Told of each worker that ended unasked (a crash, a timeout). */
  onWorkerExit?: (why: string) => void;
}

export interface PdfRendering {
  /** For the app's paper settings (openLocalApp's `pdf`). */
  render: PdfRenderer;
  threads: number;
  /** Jobs accepted and not yet done, the callers they belong to, and the jobs waiting for a worker. */
  load(): { inFlight: number; callers: number; waiting: number };
  close(): Promise<void>;
}

/** Heap of a PDF worker: a job uses ~15 MB of it; a runaway one ends its worker, not the server. */
const WORKER_HEAP_MB = 256;

export function pdfRendering(opts: PdfRenderingOptions): PdfRendering {
  const settings: PdfJobLimitSettings = { ...DEFAULT_PDF_JOB_LIMITS, ...opts.limits };
  if (opts.threads === 0) {
    const limits = new PdfJobLimits(renderCertificatePdf, settings, () => performance.now());
    return { render: limits.render, threads: 0, load: () => ({ ...limits.load(), waiting: 0 }), close: async () => {} };
  }
  if (!opts.script) throw new TypeError('the PDF worker script is needed for threads > 0');
  const pool = new WorkerPool<CertificatePdfInput, CertificatePdf>({
    name: 'PDF',
    threads: opts.threads,
    script: opts.script,
    perWorker: 1,
    jobTimeoutMs: opts.jobTimeoutMs ?? 30_000,
    resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
    onFailure: opts.onFailure && ((why) => opts.onFailure!(`${why}; PDFs are refused until the server restarts`)),
    onWorkerExit: opts.onWorkerExit,
  });
  const inWorker: PdfRenderer = (input) => pool.run(() => input).catch(typedFailure);
  const limits = new PdfJobLimits(inWorker, settings, () => performance.now());
  return {
    render: limits.render,
    get threads() {
      return pool.threads;
    },
    load: () => ({ ...limits.load(), waiting: pool.load().waiting }),
    close: () => pool.close(),
  };
}

/** A pool failure as the caller sees it; a render that threw stays an error of its own (INTERNAL). */
function typedFailure(e: unknown): never {
  if (!(e instanceof WorkerJobError) || e.reason === 'failed') throw e;
  if (e.reason === 'died' || e.reason === 'timeout') {
    throw new ServiceError('UNAVAILABLE', { messageCode: 'server.printFailed', retryAfter: 1 });
  }
  throw new ServiceError('UNAVAILABLE', { messageCode: 'server.printUnavailable' });
}

/**
 * ITHC_PDF_THREADS: a whole number 0–64; by default one per core beyond the one that serves
 * requests (at least one, at most four), so that PDFs never take the serving thread's core.
 */
export function pdfThreadsSetting(value: string | undefined, cores = availableParallelism()): number {
  const n = value === undefined || value === '' ? Math.min(4, Math.max(1, cores - 1)) : Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 64) throw new Error(`ITHC_PDF_THREADS must be a whole number 0–64, not ${JSON.stringify(value)}`);
  return n;
}

/** The local gateway's PDF rendering (node/start.ts): ITHC_PDF_THREADS threads of `dir`/pdf-worker.cjs. */
export function localPdfRendering(dir: string, env: NodeJS.ProcessEnv, log: (why: string) => void): PdfRendering {
  return pdfRendering({ threads: pdfThreadsSetting(env.ITHC_PDF_THREADS), script: join(dir, 'pdf-worker.cjs'), onFailure: log, onWorkerExit: log });
}
