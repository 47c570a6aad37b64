/**
 * `npm start`: the local cloud. Every cloud function behind the gateway on 127.0.0.1, on the SQLite
 * store in the data folder (ITHC_DATA_DIR, default ./.data). First run seeds the demo registry,
 * documents and records and makes the keys. Then it issues the demo traveller's certificate through
 * the same functions the mini program calls, prints its QR, and keeps serving.
 */
import { createGateway } from '../server/gateway';
import { functionsFor } from '../server/functions/definitions';
import { appRoutes } from '../server/routes';
import { adminHttpRoute } from '../server/provision/operator-auth';
import { parseOperatorBootstrap } from '../server/provision/operators';
import { dataDir, openLocalApp } from './local';
import { DEMO_TRAVELLER_OPENID, demoRelativeFlow, demoTravellerFlow, seedDemo } from '../demo/seed';
import { qrTerminal } from './qr-image';
import { X509Certificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { WorkerSigning } from './sign-pool';
import { localPdfRendering } from './pdf-pool';

const consoleLogger = {
  error: (m: string, meta?: Record<string, unknown>) => process.stderr.write(`[error] ${m} ${meta ? JSON.stringify(meta) : ''}\n`),
  info: (m: string, meta?: Record<string, unknown>) => process.stdout.write(`[info] ${m} ${meta ? JSON.stringify(meta) : ''}\n`),
};

/**
 * New certificates are signed in worker threads (node/sign-pool.ts): ITHC_SIGN_THREADS of them,
 * by default one per core beyond the one that serves requests (at least one); 0 signs on the
 * serving thread.
 */
function signingThreads(): WorkerSigning | undefined {
  const configured = process.env.ITHC_SIGN_THREADS;
  const n = configured === undefined || configured === '' ? Math.min(4, Math.max(1, availableParallelism() - 1)) : Number(configured);
  if (!Number.isInteger(n) || n < 0 || n > 64) throw new Error(`ITHC_SIGN_THREADS must be a whole number 0–64, not ${JSON.stringify(configured)}`);
  return n === 0 ? undefined : new WorkerSigning(n, join(__dirname, 'sign-worker.cjs'), (why) => consoleLogger.error(why));
}

async function main(): Promise<void> {
  const dir = dataDir();
  const port = Number(process.env.ITHC_PORT ?? 8787);
  const operators = (process.env.ITHC_OPERATORS ?? 'local-operator').split(',').filter(Boolean);
  const signing = signingThreads();
  // The paper version renders in worker threads too, within limits on jobs in flight (node/pdf-pool.ts; ITHC_PDF_THREADS).
  const pdf = localPdfRendering(__dirname, process.env, (why) => consoleLogger.error(why));
  // Operators: ITHC_OPERATORS' OPENIDs and ITHC_OPERATOR_KEYS' ithc provision keys, and those added since (docs/deploy.md).
  const operatorBootstrap = parseOperatorBootstrap({ ITHC_OPERATORS: operators.join(','), ITHC_OPERATOR_KEYS: process.env.ITHC_OPERATOR_KEYS });
  const app = await openLocalApp(dir, { config: { operators }, signing, pdf: pdf.render, operatorBootstrap });
  const seeded = await seedDemo(app);
  // The CSCA certificate (public) beside the data: the mini program's build pins it for its verify
  // page (scripts/mp-bundle.mjs). `npm start` builds before it runs, so in a fresh folder the pin
  // follows from the next build.
  writeFileSync(join(dir, 'csca.pem'), new X509Certificate(await app.keys.cscaCertificate()).toString(), { mode: 0o644 });
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
  const base = await gateway.listen(port);
  // Before anything is printed: whoever reads the Gateway line may stop the server at once, and a
  // signal before its handler would end the process without closing the store.
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await gateway.close();
    await app.store.close();
    await signing?.close();
    await pdf.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());

  const view = await demoTravellerFlow(app);
  const relative = await demoRelativeFlow(app);
  const h = view.certificate.holder as Record<string, string>;
  const out = process.stdout;
  out.write(`\nITHC 国际旅行健康证明 — local cloud\n`);
  out.write(
    `data folder: ${dir}${seeded.citizens ? ` (seeded ${seeded.citizens} demo citizens, ${seeded.documents} documents, ${seeded.records} records)` : ''}\n\n`,
  );
  out.write(`Demo traveller: ${h.surname ?? ''}${h.givenName ?? ''} (${h.surnameLatin ?? ''} ${h.givenNameLatin ?? ''}), document ${h.documentNumber}\n`);
  out.write(`Certificate ${view.id}, valid until ${new Date(view.expiresAt).toISOString()}\n\n`);
  out.write(qrTerminal(view.codes.ithc) + '\n\n');
  out.write(`${view.codes.ithc}\n\n`);
  out.write(
    `Relative (代为查询): ${relative.relative.name} (${relative.relative.relationship}), certificate ${relative.certificate.id} — caller ${DEMO_TRAVELLER_OPENID} with {for: "${relative.relative.id}"}\n\n`,
  );
  out.write(`Gateway       ${base}   (POST /functions/<name>, caller header X-Ithc-Local-Caller)\n`);
  out.write(`Verifier      ${base}/verify/   (the web verifier: loads this deployment's signed trust list and CSCA by itself)\n`);
  out.write(`Trust list    ${base}/trustlist/signed   (CSCA: ${base}/trustlist/csca.pem; EU DSC-list shape: ${base}/trustlist)\n`);
  if (seeded.citizens) out.write(`Mini program  the verify page trusts the CSCA in ${join(dir, 'csca.pem')} from the next build (npm run build)\n`);
  out.write(`Ingestion     ${base}/ingest/records   (HMAC-signed, see docs/ingestion.md)\n`);
  // --trust and --csca read pipes, so process substitution works; the CSCA is the one beside the data.
  out.write(`Verify        node bin/ithc.js verify --trust <(curl -s ${base}/trustlist/signed) --csca ${join(dir, 'csca.pem')} '<code>'\n\n`);
  out.write('Ctrl-C stops the server.\n');
}

main().catch((e) => {
  process.stderr.write(`start failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
