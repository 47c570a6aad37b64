/**
 * `npm start`: the local cloud. Every cloud function behind the gateway on 127.0.0.1, on the SQLite
 * store in the data folder (ITHC_DATA_DIR, default ./.data). First run seeds the demo registry,
 * documents and records and makes the keys. Then it issues the demo traveller's certificate through
 * the same functions the mini program calls, prints its QR, and keeps serving.
 *
 * Requests are served by ITHC_PROCESSES processes (node:cluster; by default one per core, at most
 * four), each with the whole app on the one SQLite file: the store is written to by several
 * processes as safely as by one (server/store/sqlite.ts: every transaction is checked against the
 * file at commit, and each process commits through its own writer thread), and nothing the app
 * keeps in memory needs to be shared (signing keys are re-read from the store as in the cloud,
 * where instances scale out the same way). The primary process seeds, issues the demo, prints,
 * then only starts the serving processes (each accepts connections from the listening socket they
 * share), replaces one that dies, and stops them on SIGINT or SIGTERM. With ITHC_PROCESSES=1 (and
 * on one core) one process does all of it.
 *
 * What each costs and brings (docs/performance.md, row (d)): each serving process holds the whole
 * app, its writer thread and its signing threads (about 300 MB under 50 callers). On 2 cores a
 * second one answers 1.4 to 1.8 times the repeat requests, which only read and are most of what
 * travellers ask; new certificates come no faster than with one, since their signing,
 * commits and requests keep both cores busy either way, and with a longer tail (more threads share
 * the cores). Four at most by default keeps the memory near a gigabyte on a large machine;
 * ITHC_PROCESSES sets more.
 */
import cluster, { type Worker } from 'node:cluster';
import { createGateway } from '../server/gateway';
import { functionsFor } from '../server/functions/definitions';
import { appRoutes } from '../server/routes';
import { adminHttpRoute } from '../server/provision/operator-auth';
import { parseOperatorBootstrap } from '../server/provision/operators';
import { dataDir } from './data-dir';
import { openLocalApp } from './local';
import { DEMO_TRAVELLER_OPENID, demoRelativeFlow, demoTravellerFlow, seedDemo } from '../demo/seed';
import { qrTerminal } from './qr-image';
import { X509Certificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { WorkerSigning } from './sign-pool';
import { localPdfRendering } from './pdf-pool';
import type { App } from '../server/app';

const consoleLogger = {
  error: (m: string, meta?: Record<string, unknown>) => process.stderr.write(`[error] ${m} ${meta ? JSON.stringify(meta) : ''}\n`),
  info: (m: string, meta?: Record<string, unknown>) => process.stdout.write(`[info] ${m} ${meta ? JSON.stringify(meta) : ''}\n`),
};

/** Serving processes by default: one per core, at most this many (see above). */
const DEFAULT_MAX_PROCESSES = 4;

/** Serving processes: ITHC_PROCESSES, a whole number 1–64; by default one per core, at most four. */
function servingProcesses(): number {
  const configured = process.env.ITHC_PROCESSES;
  const n = configured === undefined || configured === '' ? Math.min(DEFAULT_MAX_PROCESSES, availableParallelism()) : Number(configured);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new Error(`ITHC_PROCESSES must be a whole number 1–64, not ${JSON.stringify(configured)}`);
  return n;
}

/**
 * New certificates are signed in worker threads (node/sign-pool.ts): ITHC_SIGN_THREADS of them in
 * each serving process, by default the cores beyond those that serve requests shared out among the
 * serving processes (at least one each, at most four); 0 signs on the serving thread.
 */
function signingThreads(processes: number): WorkerSigning | undefined {
  const configured = process.env.ITHC_SIGN_THREADS;
  const n =
    configured === undefined || configured === '' ? Math.min(4, Math.max(1, Math.floor((availableParallelism() - processes) / processes))) : Number(configured);
  if (!Number.isInteger(n) || n < 0 || n > 64) throw new Error(`ITHC_SIGN_THREADS must be a whole number 0–64, not ${JSON.stringify(configured)}`);
  return n === 0 ? undefined : new WorkerSigning(n, join(__dirname, 'sign-worker.cjs'), (why) => consoleLogger.error(why));
}

interface Settings {
  dir: string;
  port: number;
  operators: string[];
  processes: number;
}

function settings(): Settings {
  return {
    dir: dataDir(),
    port: Number(process.env.ITHC_PORT ?? 8787),
    operators: (process.env.ITHC_OPERATORS ?? 'local-operator').split(',').filter(Boolean),
    processes: servingProcesses(),
  };
}

/** The app on the data folder; `threads`: sign and render in worker threads (a serving process), else on this thread (the primary's demo). */
async function openApp(s: Settings, threads: boolean): Promise<{ app: App; close(): Promise<void> }> {
  const signing = threads ? signingThreads(s.processes) : undefined;
  // The paper version renders in worker threads too, within limits on jobs in flight (node/pdf-pool.ts; ITHC_PDF_THREADS).
  const pdf = threads ? localPdfRendering(__dirname, process.env, (why) => consoleLogger.error(why)) : undefined;
  // Operators: ITHC_OPERATORS' OPENIDs and ITHC_OPERATOR_KEYS' ithc provision keys, and those added since (docs/deploy.md).
  const operatorBootstrap = parseOperatorBootstrap({ ITHC_OPERATORS: s.operators.join(','), ITHC_OPERATOR_KEYS: process.env.ITHC_OPERATOR_KEYS });
  const app = await openLocalApp(s.dir, { config: { operators: s.operators }, signing, pdf: pdf?.render, operatorBootstrap });
  return {
    app,
    async close() {
      await app.store.close();
      await signing?.close();
      await pdf?.close();
    },
  };
}

/** The gateway over `app` on the port (a serving process; in a cluster every one shares the primary's port). */
async function listen(s: Settings, app: App): Promise<{ base: string; close(): Promise<void> }> {
  // The gateway answers for loopback names and, when set, the public base URL's host (server/gateway.ts).
  const publicBaseUrl = process.env.ITHC_PUBLIC_BASE_URL || undefined;
  const functions = functionsFor(app);
  // POST /admin: the admin function for `ithc provision`, signed with an operator key, as in the cloud.
  const adminRoute = adminHttpRoute(
    functions.find((f) => f.name === 'admin')!,
    { directory: app.operators, store: app.store, clock: app.clock, logger: consoleLogger },
  );
  const gateway = createGateway({
    functions,
    localMode: true,
    operators: { has: (openid) => app.operators.isOperator(openid) },
    routes: [...appRoutes(app), adminRoute],
    logger: consoleLogger,
    publicBaseUrl,
  });
  const base = await gateway.listen(s.port);
  return { base, close: () => gateway.close() };
}

/** Seeds a new data folder and writes the CSCA certificate (public) beside it. */
async function prepare(s: Settings, app: App): Promise<Awaited<ReturnType<typeof seedDemo>>> {
  const seeded = await seedDemo(app);
  // The mini program's build pins this CSCA for its verify page (scripts/mp-bundle.mjs). `npm
  // start` builds before it runs, so in a fresh folder the pin follows from the next build.
  writeFileSync(join(s.dir, 'csca.pem'), new X509Certificate(await app.keys.cscaCertificate()).toString(), { mode: 0o644 });
  return seeded;
}

/** The demo traveller's and relative's certificates, issued through the functions, as the banner shows them. */
async function demo(app: App): Promise<{ view: Awaited<ReturnType<typeof demoTravellerFlow>>; relative: Awaited<ReturnType<typeof demoRelativeFlow>> }> {
  return { view: await demoTravellerFlow(app), relative: await demoRelativeFlow(app) };
}

function printBanner(s: Settings, base: string, seeded: Awaited<ReturnType<typeof seedDemo>>, { view, relative }: Awaited<ReturnType<typeof demo>>): void {
  const h = view.certificate.holder as Record<string, string>;
  const out = process.stdout;
  out.write(`\nITHC 国际旅行健康证明 — local cloud\n`);
  out.write(
    `data folder: ${s.dir}${seeded.citizens ? ` (seeded ${seeded.citizens} demo citizens, ${seeded.documents} documents, ${seeded.records} records)` : ''}\n\n`,
  );
  out.write(`Demo traveller: ${h.surname ?? ''}${h.givenName ?? ''} (${h.surnameLatin ?? ''} ${h.givenNameLatin ?? ''}), document ${h.documentNumber}\n`);
  out.write(`Certificate ${view.id}, valid until ${new Date(view.expiresAt).toISOString()}\n\n`);
  out.write(qrTerminal(view.codes.ithc) + '\n\n');
  out.write(`${view.codes.ithc}\n\n`);
  out.write(
    `Relative (代为查询): ${relative.relative.name} (${relative.relative.relationship}), certificate ${relative.certificate.id} — caller ${DEMO_TRAVELLER_OPENID} with {for: "${relative.relative.id}"}\n\n`,
  );
  out.write(
    `Gateway       ${base}   (POST /functions/<name>, caller header X-Ithc-Local-Caller${s.processes > 1 ? `; ${s.processes} serving processes` : ''})\n`,
  );
  out.write(`Verifier      ${base}/verify/   (the web verifier: loads this deployment's signed trust list and CSCA by itself)\n`);
  out.write(`Trust list    ${base}/trustlist/signed   (CSCA: ${base}/trustlist/csca.pem; EU DSC-list shape: ${base}/trustlist)\n`);
  if (seeded.citizens) out.write(`Mini program  the verify page trusts the CSCA in ${join(s.dir, 'csca.pem')} from the next build (npm run build)\n`);
  out.write(`Ingestion     ${base}/ingest/records   (HMAC-signed, see docs/ingestion.md)\n`);
  // --trust and --csca read pipes, so process substitution works; the CSCA is the one beside the data.
  out.write(`Verify        node bin/ithc.js verify --trust <(curl -s ${base}/trustlist/signed) --csca ${join(s.dir, 'csca.pem')} '<code>'\n\n`);
  out.write('Ctrl-C stops the server.\n');
}

/** Stops serving, closes the app, and exits 0: once, however often it is asked. */
function stopper(gateway: { close(): Promise<void> }, opened: { close(): Promise<void> }): () => Promise<void> {
  let stopping = false;
  return async () => {
    if (stopping) return;
    stopping = true;
    await gateway.close();
    await opened.close();
    process.exit(0);
  };
}

/** One process does all of it (ITHC_PROCESSES=1). */
async function single(s: Settings): Promise<void> {
  const opened = await openApp(s, true);
  const seeded = await prepare(s, opened.app);
  const gateway = await listen(s, opened.app);
  // Before anything is printed: whoever reads the Gateway line may stop the server at once, and a
  // signal before its handler would end the process without closing the store.
  const stop = stopper(gateway, opened);
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  printBanner(s, gateway.base, seeded, await demo(opened.app));
}

/** A message from a serving process to the primary. */
type FromServing = { listening: string };

/** A serving process of the cluster: the app and the gateway, until the primary says stop (SIGTERM) or goes away. */
async function serving(s: Settings): Promise<void> {
  const opened = await openApp(s, true);
  const gateway = await listen(s, opened.app);
  const stop = stopper(gateway, opened);
  process.on('SIGTERM', () => void stop());
  // Ctrl-C reaches the whole process group: the primary stops each serving process in turn.
  process.on('SIGINT', () => undefined);
  process.send!({ listening: gateway.base } satisfies FromServing);
}

/** Deaths of serving processes within RESTART_WINDOW_MS after which the primary gives up instead of starting more. */
const MAX_RESTARTS = 5;
const RESTART_WINDOW_MS = 60_000;

/** The primary: seeds, issues the demo, then runs `s.processes` serving processes, replacing one that dies. */
async function primary(s: Settings): Promise<void> {
  // The demo is issued before any serving process opens the file: the keys are made once, here.
  const opened = await openApp(s, false);
  const seeded = await prepare(s, opened.app);
  const shown = await demo(opened.app);
  await opened.close();

  // Each serving process accepts connections itself from the shared socket: a connection is never
  // handed to a process that has just died (with round-robin hand-off the primary may pass one to a
  // process it does not know is gone yet, and that connection then hangs until the client gives up).
  cluster.schedulingPolicy = cluster.SCHED_NONE;
  let stopping = false;
  const deaths: number[] = [];
  const start = () =>
    new Promise<string>((resolve, reject) => {
      const w = cluster.fork();
      w.on('message', (m: FromServing) => {
        if (typeof m?.listening === 'string') resolve(m.listening);
      });
      w.once('exit', (code, signal) => {
        reject(new Error(`serving process exited (${signal ?? code}) before it listened`));
        if (stopping) return;
        consoleLogger.error('serving process exited', { pid: w.process.pid, code, signal });
        const now = Date.now();
        deaths.push(now);
        while (deaths.length && now - deaths[0] > RESTART_WINDOW_MS) deaths.shift();
        if (deaths.length > MAX_RESTARTS) {
          consoleLogger.error(`serving processes died ${deaths.length} times in ${RESTART_WINDOW_MS / 1000} s: stopping`);
          void stop(1);
          return;
        }
        start().catch((e: unknown) => consoleLogger.error('a replacement serving process did not start', { error: String(e) }));
      });
    });
  const stop = async (code = 0) => {
    if (stopping) return;
    stopping = true;
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((r) => {
            if (w.isDead()) return r();
            w.once('exit', () => r());
            w.process.kill('SIGTERM');
          }),
      ),
    );
    process.exit(code);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  const bases = await Promise.all(Array.from({ length: s.processes }, start));
  printBanner(s, bases[0], seeded, shown);
}

async function main(): Promise<void> {
  const s = settings();
  if (cluster.isWorker) return serving(s);
  return s.processes === 1 ? single(s) : primary(s);
}

main().catch((e) => {
  process.stderr.write(`start failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
