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
 *
 * Every request goes to 127.0.0.1; every run is bounded by a request count or a duration.
 * Each mode prints one JSON line on stdout.
 */
import { openLocalApp, seedDemo } from '../node/local';
import { LOCAL_OPENID_HEADER } from '../server/gateway';
import { loadPerson, seedLoadPeople, type LoadPerson } from './people';

// autocannon ships no type declarations; the members used here are typed where they are used.
// eslint-disable-next-line @typescript-eslint/no-require-imports
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

export function assertLoopback(base: string): void {
  const u = new URL(base);
  if (u.hostname !== '127.0.0.1') throw new Error(`load runs only against 127.0.0.1, not ${u.hostname}`);
}

// --- calls ------------------------------------------------------------------------------------

export interface Reply {
  status: number;
  body: any;
}

export async function callFn(base: string, fn: string, openid: string, event: unknown): Promise<Reply> {
  const res = await fetch(`${base}/functions/${fn}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [LOCAL_OPENID_HEADER]: openid },
    body: JSON.stringify(event),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // keep the text for the error message
  }
  return { status: res.status, body };
}

async function must(r: Promise<Reply>, what: string): Promise<any> {
  const x = await r;
  if (x.status !== 200 || x.body?.ok !== true) throw new Error(`${what}: HTTP ${x.status} ${JSON.stringify(x.body).slice(0, 300)}`);
  return x.body.data;
}

/** Identity verification and document binding for one traveller (what the mini program does first). */
export async function enrol(base: string, p: LoadPerson): Promise<void> {
  const person = { name: p.citizen.name, idNumber: p.citizen.idNumber };
  const status = await must(callFn(base, 'identity', p.openid, { action: 'status' }), `identity status of ${p.openid}`);
  if (!status.verified) {
    const s = await must(callFn(base, 'identity', p.openid, { action: 'beginFaceCheck', ...person }), `face check of ${p.openid}`);
    await must(callFn(base, 'identity', p.openid, { action: 'verify', ...person, faceToken: s.faceToken }), `verification of ${p.openid}`);
  }
  const current = await must(callFn(base, 'document', p.openid, { action: 'current' }), `document of ${p.openid}`);
  if (!current) {
    const d = p.document;
    await must(callFn(base, 'document', p.openid, { action: 'bind', type: d.type, number: d.number, expiry: d.expiresOn, mrz: d.mrz.join('\n') }), `binding for ${p.openid}`);
  }
}

/** Runs `task(i)` for i in 0..n-1 with at most `width` at once. */
export async function pool(n: number, width: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, n) }, async () => {
      while (next < n) await task(next++);
    }),
  );
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
}

function run(opts: Record<string, unknown>): Promise<AutocannonResult> {
  return new Promise((resolve, reject) => {
    autocannon(opts, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

function summarise(r: AutocannonResult, bad: number, ids: Set<string>, fresh: number): PhaseResult {
  return {
    perSecond: r['2xx'] / r.duration,
    requests: r.requests.total,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.timeouts + r.non2xx + bad,
    seconds: r.duration,
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
  const r = await run({
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
        onResponse(status: number, body: string, _ctx: unknown, headers: Record<string, string>) {
          void headers;
          if (status !== 200) return;
          const b = JSON.parse(body);
          if (!b.ok) {
            bad++;
            return;
          }
          ids.add(b.data.id);
          // Not the stored certificate, or the stored one signed again: not the reuse path.
          if (held.get(b.data.id) !== b.data.issuedAt) fresh++;
        },
      },
    ],
  });
  return summarise(r, bad, ids, fresh);
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
  const r = await run({
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
          if (status !== 200) return;
          const b = JSON.parse(body);
          if (!b.ok) {
            bad++;
            return;
          }
          ids.add(b.data.id);
          if (b.data.issuedAt >= Math.floor(started / 1000) * 1000) fresh++;
        },
      },
    ],
  });
  return summarise(r, bad, ids, fresh);
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
  } else throw new Error(`unknown mode ${mode}`);
  process.stdout.write(JSON.stringify(result) + '\n');
}

if (require.main === module) {
  cli(process.argv.slice(2)).catch((e) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  });
}

