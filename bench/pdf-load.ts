/**
 * The paper version under load, for `npm run bench` (h): how other actions fare while PDFs render,
 * and how many PDFs a second the local gateway makes. Run by bench/gateway-load.ts (`pdf` mode) in
 * a process of its own, against dist/start.cjs.
 *
 * `pdfCallers` travellers each keep one certificate.pdf request in flight (a closed loop: the next
 * is sent when the last is answered), while `otherCallers` others, in closed loops too, ask what a
 * holder asks most: certificate.get and identity.status, in turn. First the other callers alone
 * (the baseline), then both together. Every answer is checked; latencies are measured here, from
 * sending a request to reading its whole answer. 127.0.0.1 only; bounded by time.
 */
import { assertLoopback, callFn, must, type Reply } from './http';
import type { LoadPerson } from './people';

export interface Latencies {
  requests: number;
  errors: number;
  p50: number;
  p99: number;
  /** The first few errors, for the report. */
  errorSamples: string[];
}

export interface PdfLoadResult {
  /** Other actions with no PDFs rendering. */
  baseline: Latencies;
  /** Other actions while `pdfCallers` PDFs are in flight. */
  during: Latencies;
  /** The PDF requests themselves in that phase. */
  pdf: Latencies & { perSecond: number };
  seconds: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

class Recorder {
  private readonly ms: number[] = [];
  errors = 0;
  readonly errorSamples: string[] = [];

  async time(what: string, call: () => Promise<Reply>, check: (r: Reply) => boolean): Promise<void> {
    const t0 = performance.now();
    let r: Reply | undefined;
    let failure: string | undefined;
    try {
      r = await call();
      if (!check(r)) failure = `${what}: HTTP ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`;
    } catch (e) {
      failure = `${what}: ${e instanceof Error ? e.message : String(e)}`;
    }
    this.ms.push(performance.now() - t0);
    if (failure !== undefined) {
      this.errors++;
      if (this.errorSamples.length < 5) this.errorSamples.push(failure);
    }
  }

  summary(): Latencies {
    const sorted = [...this.ms].sort((a, b) => a - b);
    return { requests: sorted.length, errors: this.errors, p50: percentile(sorted, 50), p99: percentile(sorted, 99), errorSamples: this.errorSamples };
  }
}

const answered = (r: Reply) => r.status === 200 && r.body?.ok === true;

/** Closed loops of other actions by `people` until `stop()`. */
async function otherActions(base: string, people: readonly LoadPerson[], rec: Recorder, stop: () => boolean): Promise<void> {
  await Promise.all(
    people.map(async (p) => {
      for (let i = 0; !stop(); i++) {
        if (i % 2 === 0)
          await rec.time(
            'certificate.get',
            () => callFn(base, 'certificate', p.openid, { action: 'get' }),
            (r) => answered(r) && r.body.data?.status === 'valid',
          );
        else
          await rec.time(
            'identity.status',
            () => callFn(base, 'identity', p.openid, { action: 'status' }),
            (r) => answered(r) && r.body.data?.verified === true,
          );
      }
    }),
  );
}

function deadline(seconds: number): () => boolean {
  const end = performance.now() + seconds * 1000;
  return () => performance.now() >= end;
}

/**
 * `pdfCallers` and `others` are enrolled travellers (bench/http.ts enrol); each gets its
 * certificate first (not measured).
 */
export async function pdfLoad(base: string, pdfCallers: readonly LoadPerson[], others: readonly LoadPerson[], seconds: number): Promise<PdfLoadResult> {
  assertLoopback(base);
  for (const p of [...pdfCallers, ...others]) await must(callFn(base, 'certificate', p.openid, { action: 'issue' }), `issue for ${p.openid}`);
  // Warm-up, not measured: each PDF thread's first job, the server's first answers.
  await Promise.all(pdfCallers.slice(0, 4).map((p) => callFn(base, 'certificate', p.openid, { action: 'pdf' })));

  const baseline = new Recorder();
  await otherActions(base, others, baseline, deadline(Math.max(2, seconds / 2)));

  const during = new Recorder();
  const pdf = new Recorder();
  let pdfs = 0;
  let stopPdfs = false;
  const t0 = performance.now();
  let lastPdfAt = t0;
  const pdfLoops = Promise.all(
    pdfCallers.map(async (p) => {
      while (!stopPdfs) {
        await pdf.time(
          'certificate.pdf',
          () => callFn(base, 'certificate', p.openid, { action: 'pdf' }),
          (r) => answered(r) && typeof r.body.data?.url === 'string',
        );
        pdfs++;
        lastPdfAt = performance.now();
      }
    }),
  );
  // The other callers run alongside, and stop first: every one of their requests meets PDFs in flight.
  await otherActions(base, others, during, deadline(seconds));
  stopPdfs = true;
  await pdfLoops;
  const errorsOfPdf = pdf.summary().errors;
  return {
    baseline: baseline.summary(),
    during: during.summary(),
    pdf: { ...pdf.summary(), perSecond: (pdfs - errorsOfPdf) / ((lastPdfAt - t0) / 1000) },
    seconds: (lastPdfAt - t0) / 1000,
  };
}
