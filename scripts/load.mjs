#!/usr/bin/env node
// `npm run load [-- --seconds S --connections C --people N]`: sustained mixed load on the local
// gateway (dist/start.cjs, what `npm start` runs) in a temporary data folder, then checks:
//
//   - no errors: every request answered as it should (bench/mixed-load.ts checks each answer);
//   - memory flat: the server's mean RSS over the second half of the run is at most 10% above the
//     first half's (both after a warm-up of a fifth of the run: JIT, caches, the SQLite page cache);
//   - the store consistent once the server stopped (bench/store-check.ts): integrity_check, every
//     acknowledged certificate, record and nonce there, nothing half-written, counts that match.
//
// Traffic: issuance (stored certificates, and new ones after ingestion), certificate fetch, the
// trust list and signed lab ingestion, from C callers, for S seconds (default 30 s, 20 callers,
// 200 travellers). Only 127.0.0.1; bounded in time; stops by itself. Exit 0 when every check holds.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, build, sqliteWriterEntry } from './build.mjs';
import { serverMemory, startGateway } from './gateway.mjs';

const LOAD = 'dist/bench/gateway-load.cjs';
const args = process.argv.slice(2);
function option(name, fallback) {
  const i = args.indexOf(`--${name}`);
  const v = i >= 0 ? Number(args[i + 1]) : fallback;
  if (!Number.isFinite(v) || v <= 0) {
    process.stderr.write(`--${name} must be a positive number\n`);
    process.exit(2);
  }
  return v;
}
const SECONDS = option('seconds', 30);
const CONNECTIONS = option('connections', 20);
const PEOPLE = option('people', 200);
/** Largest growth of mean RSS from the first half of the run to the second. */
const FLAT = 1.1;

function node(argv, opts = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], ...opts });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${argv.join(' ')} exited with ${code}`))));
  });
}
const load = async (...a) => JSON.parse(await node([LOAD, ...a.map(String)]));

/** The server's resident set, its processes together (scripts/gateway.mjs). */
const rss = (pid) => serverMemory(pid);

const mean = (xs) => xs.reduce((a, x) => a + x, 0) / xs.length;
const mb = (b) => (b / 1048576).toFixed(1);

async function main() {
  await build([{ in: 'bench/gateway-load.ts', out: LOAD, external: ['cbor-extract', 'better-sqlite3', 'autocannon'] }, sqliteWriterEntry('dist/bench')], {
    quiet: true,
  });
  const dir = mkdtempSync(join(tmpdir(), 'ithc-load-'));
  const data = join(dir, 'data');
  const failures = [];
  try {
    await load('prepare', data, PEOPLE);
    const server = await startGateway(data);
    let run;
    const samples = [];
    try {
      await load('enrol', server.base, 0, PEOPLE, CONNECTIONS);
      const t0 = performance.now();
      const timer = setInterval(() => {
        const r = rss(server.child.pid);
        if (r !== null) samples.push({ t: (performance.now() - t0) / 1000, rss: r });
      }, 250);
      try {
        run = await load('mixed', server.base, data, SECONDS, CONNECTIONS, PEOPLE, join(dir, 'acknowledged.json'));
      } finally {
        clearInterval(timer);
      }
    } finally {
      server.child.kill('SIGTERM');
      const how = await server.exited;
      if (how !== 0) failures.push(`the server did not stop cleanly (${how}): ${server.stderr().slice(-500)}`);
      else if (/\[error\]/.test(server.stderr())) failures.push(`the server logged errors:\n${server.stderr().slice(-2000)}`);
    }
    const report = await load('check', data, join(dir, 'acknowledged.json'), PEOPLE);

    const total = Object.values(run.requests).reduce((a, n) => a + n, 0);
    if (run.errors) failures.push(`${run.errors} errors:\n  ${run.errorSamples.join('\n  ')}`);
    failures.push(...report.problems);
    let memory = 'not measured (no /proc)';
    if (samples.length >= 8) {
      const warm = samples.filter((s) => s.t >= run.seconds / 5);
      const mid = run.seconds / 5 + (run.seconds * 4) / 5 / 2;
      const first = mean(warm.filter((s) => s.t < mid).map((s) => s.rss));
      const second = mean(warm.filter((s) => s.t >= mid).map((s) => s.rss));
      const peak = Math.max(...samples.map((s) => s.rss));
      memory = `mean RSS ${mb(first)} MB → ${mb(second)} MB over the run's halves (×${(second / first).toFixed(3)}, flat means ≤ ×${FLAT}); peak ${mb(peak)} MB`;
      if (second > first * FLAT) failures.push(`memory grew: ${memory}`);
    }
    const lines = [
      `ITHC load test — ${CONNECTIONS} callers, ${PEOPLE} travellers, ${run.seconds.toFixed(1)} s on 127.0.0.1`,
      `requests: ${total.toLocaleString('en-US')} (${(total / run.seconds).toFixed(0)}/s): ${Object.entries(run.requests)
        .map(([k, n]) => `${k} ${n.toLocaleString('en-US')}`)
        .join(', ')}`,
      `errors: ${run.errors}`,
      `memory: ${memory}`,
      `acknowledged: ${run.acknowledged.certificates} certificates, ${run.acknowledged.records} ingested records, ${run.acknowledged.nonces} nonces`,
      `store: ${report.counts.certificates} certificates (${report.counts.loadCertificates} of the load's travellers), ${report.counts.auditIssuances} issuance audit entries, ${report.counts.records} records (${report.counts.loadRecords} from this run); integrity_check ${report.problems.some((p) => p.startsWith('integrity_check')) ? 'FAILED' : 'ok'}`,
      failures.length ? `FAILED:\n- ${failures.join('\n- ')}` : 'ok: no errors, memory flat, store consistent',
    ];
    process.stdout.write(lines.join('\n') + '\n');
    process.exitCode = failures.length ? 1 : 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
