/**
 * Load against the local gateway (`npm start`'s server, dist/start.cjs), for `npm run bench`
 * (issuance throughput) and `npm run load` (scripts/load.mjs: sustained mixed load). Bundled to
 * dist/bench/gateway-load.cjs and run in a process of its own, apart from the server it loads, so
 * that the figures are the server's and not shared with the load generator's heap.
 *
 *   prepare DIR N                 seeds the local app's data folder DIR with the demo data and N
 *                                 synthetic travellers (bench/people.ts); the server is not running
 *   enrol BASE FROM TO C          identity verification and document binding over HTTP for
 *                                 travellers FROM..TO-1, C at a time (not measured)
 *   reuse BASE C SECONDS          certificate.issue by travellers 0..C-1, C at once, for SECONDS,
 *                                 each already holding a valid certificate (autocannon)
 *   fresh BASE FROM TO C          certificate.issue once by each traveller FROM..TO-1, C at once:
 *                                 every request signs a new certificate (autocannon)
 *   mixed BASE DATA SECONDS C N OUT   sustained mixed load by travellers 0..N-1 (mixed-load.ts);
 *                                 the acknowledged writes go to the file OUT
 *   check DATA OUT N              the store after a run, the server stopped (store-check.ts)
 *   pdf BASE P O SECONDS          certificate.pdf by travellers 0..P-1, one each in flight, while
 *                                 travellers P..P+O-1 ask other actions (pdf-load.ts); all enrolled
 *
 * Every request goes to 127.0.0.1; every run is bounded by a request count or a duration.
 * Each mode prints one JSON line on stdout.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { openLocalApp } from '../node/local';
import { seedDemo } from '../demo/seed';
import { LOCAL_OPENID_HEADER } from '../server/gateway';
import { assertLoopback, callFn, enrol, must, pool } from './http';
import { mixedLoad } from './mixed-load';
import { pdfLoad } from './pdf-load';
import { loadPerson, seedLoadPeople, type LoadPerson } from './people';
import { checkStore } from './store-check';

// autocannon ships no type declarations; the members used here are typed where they are used.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- an import would need declarations it does not ship
const autocannon = require('autocannon') as (opts: Record<string, unknown>, cb: (err: Error | null, result: AutocannonResult) => void) => unknown;

interface AutocannonResult {
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  mismatches: number;
  '2xx': number;
  requests: { total: number; average: number };
  latency: { p50: number; p99: number; p90: number; max: number; average: number };
}

interface AutocannonClient {
  setHeaders(h: Record<string, string>): void;
}

interface AutocannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
}

// --- autocannon runs --------------------------------------------------------------------------

export interface PhaseResult {
  /** Acknowledged certificates per second over the phase. */
  perSecond: number;
  requests: number;
  p50: number;
  p99: number;
  /** Transport errors + timeouts + non-2xx + answers that were not the expected certificate. */
  errors: number;
  seconds: number;
  /** Distinct certificate ids handed out, and how many were signed during the phase. */
  distinct: number;
  signedDuringPhase: number;
  /** CPU time the load generator itself used during the phase, ms (it shares the server's cores). */
  loadCpuMs: number;
}

/**
 * The head of a certificate.issue answer, `{"ok":true,"data":{"id":…,"status":…,"issuedAt":…`
 * (the view's first members, server/functions/certificate.ts), read without parsing the whole
 * answer: at a thousand answers a second the load generator shares the server's two cores.
 */
const CERTIFICATE_HEAD = /^\{"ok":true,"data":\{"id":"(URN:UVCI:[^"]{1,80})","status":"(valid|expired|revoked)","issuedAt":(\d{1,15}),/;

export function certificateHead(body: string): { id: string; status: string; issuedAt: number } | null {
  const m = CERTIFICATE_HEAD.exec(body.slice(0, 200));
  return m ? { id: m[1], status: m[2], issuedAt: Number(m[3]) } : null;
}

/** An autocannon run and its wall time (autocannon's own `duration` is in coarse steps). */
async function run(opts: Record<string, unknown>): Promise<{ r: AutocannonResult; seconds: number; cpuMs: number }> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const r = await new Promise<AutocannonResult>((resolve, reject) => {
    autocannon(opts, (err, result) => (err ? reject(err) : resolve(result)));
  });
  const cpu = process.cpuUsage(cpu0);
  return { r, seconds: (performance.now() - t0) / 1000, cpuMs: (cpu.user + cpu.system) / 1000 };
}

function summarise(r: AutocannonResult, bad: number, ids: Set<string>, fresh: number, seconds: number, loadCpuMs: number): PhaseResult {
  return {
    loadCpuMs,
    perSecond: (r['2xx'] - bad) / seconds,
    requests: r.requests.total,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.timeouts + r.non2xx + bad,
    seconds,
    distinct: ids.size,
    signedDuringPhase: fresh,
  };
}

/**
 * The reuse path: `connections` callers, each already holding a valid certificate, ask again
 * (the normal repeat request: a traveller opening the certificate page). Every answer must be the
 * caller's stored certificate.
 */
export async function reusePhase(base: string, people: LoadPerson[], seconds: number): Promise<PhaseResult> {
  /** Certificate id → issuedAt of what each caller holds before the phase. */
  const held = new Map<string, number>();
  await pool(people.length, people.length, async (i) => {
    const c = await must(callFn(base, 'certificate', people[i].openid, { action: 'issue' }), `first issue for ${people[i].openid}`);
    held.set(c.id, c.issuedAt);
  });
  let client = 0;
  let bad = 0;
  const ids = new Set<string>();
  let fresh = 0;
  const {
    r,
    seconds: wall,
    cpuMs,
  } = await run({
    url: `${base}/functions/certificate`,
    connections: people.length,
    duration: seconds,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ action: 'issue' }),
    setupClient(c: AutocannonClient) {
      const p = people[client++ % people.length];
      c.setHeaders({ 'content-type': 'application/json', [LOCAL_OPENID_HEADER]: p.openid });
    },
    requests: [
      {
        onResponse(status: number, body: string) {
          if (status !== 200) return;
          const head = certificateHead(body);
          if (!head) {
            bad++;
            return;
          }
          ids.add(head.id);
          // Not the stored certificate, or the stored one signed again: not the reuse path.
          if (held.get(head.id) !== head.issuedAt) fresh++;
        },
      },
    ],
  });
  return summarise(r, bad, ids, fresh, wall, cpuMs);
}

/**
 * The fresh-signing path: every request is a traveller's first issue, so every answer is a
 * certificate signed for that request (one ITHC1 code and an HC1 code per test and vaccination)
 * and committed with its audit entry. `people` are enrolled and have no certificate yet.
 */
export async function freshPhase(base: string, people: LoadPerson[], connections: number): Promise<PhaseResult> {
  let next = 0;
  let bad = 0;
  const ids = new Set<string>();
  const started = Date.now();
  let fresh = 0;
  // autocannon ends an `amount` run at its next one-second tick: the phase ends at the last answer.
  const t0 = performance.now();
  let lastAt = t0;
  const { r, cpuMs } = await run({
    url: `${base}/functions/certificate`,
    connections,
    amount: people.length,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ action: 'issue' }),
    requests: [
      {
        setupRequest(req: AutocannonRequest) {
          const p = people[next++ % people.length];
          return { ...req, headers: { ...req.headers, [LOCAL_OPENID_HEADER]: p.openid } };
        },
        onResponse(status: number, body: string) {
          lastAt = performance.now();
          if (status !== 200) return;
          const head = certificateHead(body);
          if (!head) {
            bad++;
            return;
          }
          ids.add(head.id);
          // issuedAt is the signature's iat, whole seconds.
          if (head.issuedAt >= Math.floor(started / 1000) * 1000 && head.status === 'valid') fresh++;
        },
      },
    ],
  });
  return summarise(r, bad, ids, fresh, (lastAt - t0) / 1000, cpuMs);
}

// --- modes ------------------------------------------------------------------------------------

async function prepare(dir: string, n: number): Promise<object> {
  const app = await openLocalApp(dir);
  try {
    await seedDemo(app);
    const added = await seedLoadPeople(app, 0, n);
    return { people: n, added };
  } finally {
    await app.store.close();
  }
}

function people(from: number, to: number): LoadPerson[] {
  return Array.from({ length: to - from }, (_, i) => loadPerson(from + i));
}

async function enrolAll(base: string, from: number, to: number, connections: number): Promise<object> {
  assertLoopback(base);
  const list = people(from, to);
  const t0 = performance.now();
  await pool(list.length, connections, (i) => enrol(base, list[i]));
  return { enrolled: list.length, seconds: (performance.now() - t0) / 1000 };
}

async function cli(argv: string[]): Promise<void> {
  const [mode, a, b, c, d] = argv;
  let result: object;
  if (mode === 'prepare') result = await prepare(a, Number(b));
  else if (mode === 'enrol') result = await enrolAll(a, Number(b), Number(c), Number(d));
  else if (mode === 'reuse') {
    assertLoopback(a);
    result = await reusePhase(a, people(0, Number(b)), Number(c));
  } else if (mode === 'fresh') {
    assertLoopback(a);
    result = await freshPhase(a, people(Number(b), Number(c)), Number(d));
  } else if (mode === 'mixed') {
    const [, base, data, seconds, connections, n, out] = argv;
    const r = await mixedLoad({ base, dataDir: data, people: people(0, Number(n)), connections: Number(connections), seconds: Number(seconds) });
    writeFileSync(out, JSON.stringify({ runTag: r.runTag, ...r.acknowledged }));
    const { acknowledged, ...summary } = r;
    result = {
      ...summary,
      acknowledged: { certificates: acknowledged.certificates.length, records: acknowledged.records.length, nonces: acknowledged.nonces.length },
    };
  } else if (mode === 'pdf') {
    const p = Number(b);
    result = await pdfLoad(a, people(0, p), people(p, p + Number(c)), Number(d));
  } else if (mode === 'check') {
    result = await checkStore(a, JSON.parse(readFileSync(b, 'utf8')), people(0, Number(c)));
  } else throw new Error(`unknown mode ${mode}`);
  process.stdout.write(JSON.stringify(result) + '\n');
}

if (require.main === module) {
  cli(process.argv.slice(2)).catch((e) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  });
}
