/**
 * Bounds on paper-version jobs in flight (rendering or waiting for a renderer), so that PDFs cannot
 * pile up without end: one caller may have `perCaller` jobs in flight, and the next is refused with
 * TOO_MANY_REQUESTS; all callers together `total`, and the next is refused with UNAVAILABLE. Both
 * refusals say when to try again (retryAfter: about as long as a job takes now), and come before
 * anything is rendered or stored.
 *
 * A caller is the OPENID that asks (a proxy printing for several relatives is one caller). The
 * local gateway wraps its renderer in these limits (node/pdf-pool.ts). A cloud function does not:
 * each of its instances serves one call at a time, so a count kept in one instance's memory never
 * sees a second job.
 */
import { ServiceError } from '../errors';
import type { PdfRenderer } from './service';

export interface PdfJobLimitSettings {
  /** Jobs one caller may have in flight. */
  perCaller: number;
  /** Jobs all callers together may have in flight. */
  total: number;
}

/**
 * Two per caller: a holder printing their own certificate and a relative's at once is ordinary;
 * more at once is a script. 32 in all: at ~0.3–1 s a job and one renderer, the last of them
 * waits about as long as a client waits for an answer before giving up.
 */
export const DEFAULT_PDF_JOB_LIMITS: Readonly<PdfJobLimitSettings> = Object.freeze({ perCaller: 2, total: 32 });

/** Before any job has finished: the time a job took here, rounded up (server/pdf/certificate-pdf.ts, ~0.3–1 s). */
const FIRST_ESTIMATE_MS = 1000;

export class PdfJobLimits {
  private readonly byCaller = new Map<string, number>();
  private inFlight = 0;
  /** Moving average of how long a job takes from acceptance to its end, ms. */
  private meanMs = FIRST_ESTIMATE_MS;

  constructor(
    private readonly renderer: PdfRenderer,
    private readonly settings: PdfJobLimitSettings,
    /** A monotonic clock in ms (performance.now), for the retryAfter estimate only. */
    private readonly now: () => number,
  ) {
    for (const k of ['perCaller', 'total'] as const) {
      if (!Number.isInteger(settings[k]) || settings[k] < 1) throw new RangeError(`${k} must be a whole number ≥ 1`);
    }
  }

  /** The limited renderer, for the app's paper settings. */
  readonly render: PdfRenderer = async (input, caller) => {
    const mine = this.byCaller.get(caller) ?? 0;
    if (mine >= this.settings.perCaller) {
      throw new ServiceError('TOO_MANY_REQUESTS', { retryAfter: this.retryAfter(), messageCode: 'server.printsInProgress', params: { n: mine } });
    }
    if (this.inFlight >= this.settings.total) {
      throw new ServiceError('UNAVAILABLE', {
        retryAfter: this.retryAfter(),
        messageCode: 'server.printBusy',
      });
    }
    this.byCaller.set(caller, mine + 1);
    this.inFlight++;
    const started = this.now();
    try {
      return await this.renderer(input, caller);
    } finally {
      this.meanMs = 0.8 * this.meanMs + 0.2 * Math.max(0, this.now() - started);
      this.inFlight--;
      const left = (this.byCaller.get(caller) ?? 1) - 1;
      if (left > 0) this.byCaller.set(caller, left);
      else this.byCaller.delete(caller);
    }
  };

  /** Jobs in flight, and the callers they belong to. */
  load(): { inFlight: number; callers: number } {
    return { inFlight: this.inFlight, callers: this.byCaller.size };
  }

  /** Whole seconds, at least 1. */
  private retryAfter(): number {
    return Math.max(1, Math.ceil(this.meanMs / 1000));
  }
}
