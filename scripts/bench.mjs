#!/usr/bin/env node
// `npm run bench`: throughput figures side by side, as ratios, in one run. No assertions.
//
// (a) Batch verification of the same N ES256 DCC codes (signed now with a key made now, trusted
//     through a generated DSC list), as whole processes from start to exit:
//       - `node bin/ithc.js verify --json -` (the default: the main thread and a worker per core
//         but one, started before the CLI loads, all verifying; with ITHC_WORKERS=0, the main
//         thread with the thread pool checking signatures; and with a worker per core, ITHC_WORKERS
//         set to the number of cores),
//       - bench/reference.cjs, a plain single-threaded node:crypto + zlib + cbor-x loop;
//       - bench/reference-cborg.mjs, a second, independent one: node:crypto + zlib + cborg, base45
//         written in it, the checks our verifier makes, the same JSON line per code (its output
//         is compared with ours byte for byte);
//     the default and the cbor-x reference with the codes streamed to them through a pipe, not
//     given as a file; the same for the codes five times over (start-up and warm-up weigh less);
//     one code, the whole command's median over 15 runs beside `node -e 0`; and the physical
//     limit: raw ECDSA P-256 verify through node:crypto on one and on both cores.
// (b) The portable path: verifyCode with the noble provider against raw noble p256.verify.
// (c) Signing: signCode with the node:crypto ES256 signer, and raw ECDSA P-256 signing.
// (d) Issuance through the local gateway (dist/start.cjs, what `npm start` runs) with
//     BENCH_CALLERS (50) concurrent callers, by autocannon in a process of its own
//     (bench/gateway-load.ts): the reuse path (each caller already holds a valid certificate and
//     asks again, for BENCH_ISSUE_SECONDS, default 5, after BENCH_WARMUP_SECONDS, default 2, of the
//     same requests not counted) and the fresh-signing path (each request is a
//     traveller's first issue: a new certificate signed and committed; BENCH_FRESH, default 5000,
//     travellers). Certificates/s, p50/p99 latency, errors, and the server's peak RSS (its processes together),
//     with the default serving processes (one per core, at most four), then the same with one (ITHC_PROCESSES=1).
// (e) Cloud-function bundles: size, and cold require time of each index.js in a fresh process
//     with a stub wx-server-sdk on the resolution path (median of 5).
// (f) QR sizes: the demo traveller's comprehensive code (2 vaccinations, a nucleic-acid and an IgG
//     test) and its sealed code, against the median single-record HC1 code of the EU test data
//     (dcc-testdata in $ITHC_TESTDATA, else ../shared/testdata), with QR versions at level Q. Without
//     that data the section says what is missing instead.
// (g) The mini program's main package as app.json defines it (subpackages excluded), and the
//     certificate page's render from the copy saved on the phone in miniprogram-simulate, against
//     its 100 ms target (scripts/bench-render.mjs).
// (h) The paper version through the local gateway (dist/start.cjs), by bench/pdf-load.ts in a
//     process of its own: PDF_CALLERS (10) travellers each keep a certificate.pdf request in flight
//     for BENCH_PDF_SECONDS (default 10) while PDF_OTHERS (4) others ask certificate.get and
//     identity.status; those other actions' p50/p99 beside the same with no PDFs rendering, and
//     PDFs/s, with the default PDF threads (one in each serving process) and with one per core in each (ITHC_PDF_THREADS).
//
// The machine is shared and its load varies, so each process measurement is repeated and the
// best (least disturbed) run is kept. Environment: BENCH_CODES (default 20000), BENCH_ROUNDS (5 for
// the whole-process runs in (a), which are short and most exposed to load; 3 for the others),
// BENCH_ROWS (which rows to run, e.g. "a,d"; default all of them).
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, openSync, closeSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CLOUD_FUNCTIONS, ENTRIES, ROOT, build, sqliteWriterEntry } from './build.mjs';
import { serverCpuMs, serverMemory, startGateway } from './gateway.mjs';
import { measureRender, renderLines } from './bench-render.mjs';

const require = createRequire(import.meta.url);

const N = Number(process.env.BENCH_CODES ?? 20000);
const PROCESS_ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const ROUNDS = Math.min(PROCESS_ROUNDS, 3);
const LONG_REPEAT = 5;
const LONG_ROUNDS = Math.min(PROCESS_ROUNDS, 2);
const ONE_CODE_ROUNDS = 15;
const NOBLE_CODES = 400;
const LIB = 'dist/bench/lib.cjs';
const LOAD = 'dist/bench/gateway-load.cjs';
const CALLERS = Number(process.env.BENCH_CALLERS ?? 50);
const ISSUE_SECONDS = Number(process.env.BENCH_ISSUE_SECONDS ?? 5);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
const FRESH = Number(process.env.BENCH_FRESH ?? 5000);
/** Targets of (d) at BENCH_CALLERS (50) concurrent callers: certificates/s on each path, p99 latency, errors. */
const REUSE_PER_SECOND = 3000;
const FRESH_PER_SECOND = 1500;
const ISSUE_P99_MS = 100;
const TESTDATA = join(resolve(ROOT, process.env.ITHC_TESTDATA || '../shared/testdata'), 'dcc-testdata');
const PDF_CALLERS = 10;
const PDF_OTHERS = 4;
const PDF_SECONDS = Number(process.env.BENCH_PDF_SECONDS ?? 10);
/** Targets of (h): other actions' p99 while PDFs render, and PDFs a second on 2 cores. */
const PDF_OTHER_P99_MS = 100;
const PDF_PER_SECOND = 20;
/** Rows to run (BENCH_ROWS, e.g. "a,d"); default every row. */
const ROWS = new Set((process.env.BENCH_ROWS || 'a,b,c,d,e,f,g,h').split(',').map((r) => r.trim().toLowerCase()));

/** Runs node with `args`; `stdin` a file given as the child's standard input, or with `pipe` streamed to it through a pipe. */
function run(args, { stdin, stdout, env, pipe = false } = {}) {
  return new Promise((resolve, reject) => {
    const fdIn = stdin && !pipe ? openSync(stdin, 'r') : stdin ? 'pipe' : 'ignore';
    const fdOut = stdout ? openSync(stdout, 'w') : 'pipe';
    const started = performance.now();
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: [fdIn, fdOut, 'inherit'], env: { ...process.env, ...env } });
    if (fdIn === 'pipe') {
      // A child that stops reading early closes the pipe: its exit code tells, not EPIPE here.
      child.stdin.on('error', () => undefined);
      createReadStream(stdin).pipe(child.stdin);
    }
    let text = '';
    child.stdout?.on('data', (d) => (text += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = (performance.now() - started) / 1000;
      if (typeof fdIn === 'number') closeSync(fdIn);
      if (typeof fdOut === 'number') closeSync(fdOut);
      resolve({ code, seconds, text });
    });
  });
}

async function lib(...args) {
  const r = await run([LIB, ...args.map(String)]);
  if (r.code !== 0) throw new Error(`bench mode ${args[0]} failed`);
  return JSON.parse(r.text);
}

/**
 * The default variant's name, with what `ithc verify -` runs for `bytes` on standard input (null:
 * a pipe) as the CLI decides it (cli/workers.ts batchWorkerCount, from the built bundle).
 */
function defaultName(bytes) {
  const workers = require(join(ROOT, 'dist/cli-prestart.cjs')).batchWorkerCount(bytes, process.env);
  const threads = workers === 0 ? 'main thread + thread pool, no worker' : `main thread + ${workers} worker${workers === 1 ? '' : 's'}`;
  return `ithc verify --json - (default: ${threads})`;
}

/** Valid lines in a JSON-lines output file. */
function countValid(file) {
  let n = 0;
  for (const line of readFileSync(file, 'utf8').split('\n')) if (line.startsWith('{"valid":true')) n++;
  return n;
}

async function load(...args) {
  const r = await run([LOAD, ...args.map(String)]);
  if (r.code !== 0) throw new Error(`gateway load mode ${args[0]} failed`);
  return JSON.parse(r.text);
}

/** The server's resident set in bytes, its processes together (scripts/gateway.mjs), or null. */
const rss = serverMemory;

/** Runs `task` while sampling the process's RSS every 100 ms; resolves to [result, peak bytes or null]. */
async function withPeakRss(pid, task) {
  let peak = rss(pid);
  const timer = setInterval(() => {
    const now = rss(pid);
    if (now !== null) peak = Math.max(peak ?? 0, now);
  }, 100);
  try {
    const result = await task();
    const last = rss(pid);
    if (last !== null) peak = Math.max(peak ?? 0, last);
    return [result, peak];
  } finally {
    clearInterval(timer);
  }
}

/** (d): issuance through the local gateway, both paths; `env` adds to the server's environment; FRESH travellers sign anew. */
async function issuance(dir, env = {}) {
  const data = join(dir, `gateway-data-${Object.keys(env).length ? 'variant' : 'default'}`);
  const people = CALLERS + FRESH;
  await load('prepare', data, people);
  const server = await startGateway(data, env);
  try {
    const enrol = await load('enrol', server.base, 0, people, CALLERS);
    // The same requests for WARMUP_SECONDS first, not counted: the rate asked for is the one the
    // server keeps up, not that of its first seconds, while the JIT still compiles the path.
    if (WARMUP_SECONDS > 0) await load('reuse', server.base, CALLERS, WARMUP_SECONDS);
    // The server's CPU over each phase, every process and thread: with the load generator's own,
    // what a request costs these cores.
    const phase = async (task) => {
      const cpu0 = serverCpuMs(server.child.pid);
      const [r, peak] = await withPeakRss(server.child.pid, task);
      return { ...r, peak, serverCpuMs: serverCpuMs(server.child.pid) - cpu0 };
    };
    const reuse = await phase(() => load('reuse', server.base, CALLERS, ISSUE_SECONDS));
    const fresh = await phase(() => load('fresh', server.base, CALLERS, people, CALLERS));
    return {
      enrol,
      processes: server.processes,
      reuse,
      fresh,
      hwm: rss(server.child.pid, 'VmHWM'),
    };
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
  }
}

/** (h): certificate.pdf through the local gateway, with the default PDF threads (one per serving process) and with one per core in each. */
async function pdfs(dir) {
  const data = join(dir, 'pdf-data');
  const people = PDF_CALLERS + PDF_OTHERS;
  await load('prepare', data, people);
  const runs = [];
  for (const [label, env] of [
    ['the default (one PDF thread per serving process)', {}],
    [`ITHC_PDF_THREADS=${cpus().length} (one per core in each serving process)`, { ITHC_PDF_THREADS: String(cpus().length) }],
  ]) {
    const server = await startGateway(data, env);
    try {
      // Enrolment is idempotent: the second server finds everyone enrolled.
      await load('enrol', server.base, 0, people, people);
      runs.push({ label, ...(await load('pdf', server.base, PDF_CALLERS, PDF_OTHERS, PDF_SECONDS)) });
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  }
  return runs;
}

/** Median wall time of `require(file)` in a fresh node process, ms (the time inside the process, start-up excluded). */
async function coldRequire(file, nodePath, rounds = 5) {
  const times = [];
  for (let i = 0; i < rounds; i++) {
    const r = await run(['-e', `const t0 = performance.now(); require(${JSON.stringify(file)}); process.stdout.write(String(performance.now() - t0));`], {
      env: { NODE_PATH: nodePath },
    });
    if (r.code !== 0) throw new Error(`require(${file}) failed`);
    times.push(Number(r.text));
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1];
}

function folderBytes(dir) {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) n += e.isDirectory() ? folderBytes(join(dir, e.name)) : statSync(join(dir, e.name)).size;
  return n;
}

/** (e): each cloud function's index.js, and the certificate function's lazily loaded PDF renderer. */
async function bundles(dir) {
  // A stub wx-server-sdk on the resolution path: nothing of it runs at require time.
  const stub = join(dir, 'stub', 'node_modules', 'wx-server-sdk');
  mkdirSync(stub, { recursive: true });
  writeFileSync(
    join(stub, 'index.js'),
    "exports.DYNAMIC_CURRENT_ENV = 'stub'; exports.init = () => {}; exports.database = () => { throw new Error('stub'); }; exports.getWXContext = () => ({});\n",
  );
  const nodePath = join(dir, 'stub', 'node_modules');
  const out = [];
  for (const name of CLOUD_FUNCTIONS) {
    const file = join(ROOT, 'cloudfunctions', name, 'index.js');
    out.push({ name: `${name}/index.js`, bytes: statSync(file).size, ms: await coldRequire(file, nodePath) });
  }
  const pdf = join(ROOT, 'cloudfunctions', 'certificate', 'pdf.js');
  const extra = existsSync(pdf)
    ? { name: 'certificate/pdf.js (loaded by certificate.pdf only)', bytes: statSync(pdf).size, ms: await coldRequire(pdf, nodePath) }
    : null;
  return { functions: out, pdf: extra, certificateFolder: folderBytes(join(ROOT, 'cloudfunctions', 'certificate')) };
}

/** (f): the demo's codes (npm run demo) against the EU test data. */
async function qrSizes(dir) {
  const demo = join(dir, 'demo');
  const r = await run([join(ROOT, 'dist/demo.cjs'), '--out', demo, '--data', join(dir, 'demo-data')]);
  if (r.code !== 0) throw new Error('npm run demo failed');
  return lib('sizes', demo, TESTDATA);
}

/** (g): the main package as app.json defines it: every file outside the subpackages' roots, minus project.config.json's packOptions.ignore. */
function miniProgramMain() {
  const root = join(ROOT, 'miniprogram');
  const app = JSON.parse(readFileSync(join(root, 'app.json'), 'utf8'));
  const subRoots = (app.subpackages ?? app.subPackages ?? []).map((p) => p.root.replace(/\/+$/, ''));
  const ignore = JSON.parse(readFileSync(join(ROOT, 'project.config.json'), 'utf8')).packOptions?.ignore ?? [];
  const ignored = (rel, name) =>
    ignore.some(
      (i) =>
        (i.type === 'file' && (i.value === rel || i.value === name)) ||
        (i.type === 'suffix' && name.endsWith(i.value)) ||
        (i.type === 'prefix' && name.startsWith(i.value)) ||
        (i.type === 'folder' && (rel === i.value || rel.startsWith(i.value.replace(/\/+$/, '') + '/'))),
    );
  let bytes = 0;
  let files = 0;
  const walk = (rel) => {
    for (const e of readdirSync(join(root, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (!subRoots.includes(r)) walk(r);
      } else if (!ignored(r, e.name)) {
        bytes += statSync(join(root, r)).size;
        files++;
      }
    }
  };
  walk('');
  return { bytes, files, subpackages: subRoots };
}

const fmt = (x) => Math.round(x).toLocaleString('en-US');
const ratio = (x) => x.toFixed(2);

/** (f)'s lines: the demo's codes against the EU median. */
function qrSection(qr) {
  const eu = qr.euSingleRecord.medianChars;
  const qrRows = [
    ['demo ITHC1: 2 vaccinations + nucleic-acid + IgG test (one code)', qr.ithc.chars, qr.ithc.qrVersion],
    ['demo ITHCS1: the same, sealed to the demo partner authority', qr.sealed.chars, qr.sealed.qrVersion],
    ['    sealed with the ephemeral y in full (pointCompression: false)', qr.sealedFullPoint.chars, qr.sealedFullPoint.qrVersion],
    [`EU test data: median single-record HC1 (${qr.euSingleRecord.cases} codes)`, eu, qr.euSingleRecord.qrVersion],
  ].map(([a, b, c]) => [`    ${a}`, fmt(b), String(c), ratio(b / eu)]);
  const qw = Math.max(...qrRows.map((r) => r[0].length)) + 2;
  return [
    '(f) QR sizes, level Q',
    `${''.padEnd(qw)}${'chars'.padStart(7)}${'QR ver'.padStart(8)}${'÷ EU'.padStart(7)}`,
    ...qrRows.map(([a, b, c, d]) => `${a.padEnd(qw)}${b.padStart(7)}${c.padStart(8)}${d.padStart(7)}`),
    `    sealed overhead: +${fmt(qr.sealed.overheadChars)} characters (×${qr.sealed.ratio.toFixed(2)}); with y in full +${fmt(qr.sealedFullPoint.overheadChars)} (×${qr.sealedFullPoint.ratio.toFixed(2)})`,
    // The targets of docs/ithc-certificate.md §Size (core/seal-size.ts SIZE_TARGETS).
    `    target: the open code ≤ ${qr.targets.openChars} characters and below the EU median: ${qr.ithc.chars} — ${qr.ithc.chars <= qr.targets.openChars && qr.ithc.chars < eu ? 'met' : 'NOT MET'}`,
    `    target: sealed overhead ≤ ${qr.targets.sealedOverheadChars} characters: +${qr.sealed.overheadChars} — ${qr.sealed.overheadChars <= qr.targets.sealedOverheadChars ? 'met' : 'NOT MET'}`,
    `    the open code's COSE_Sign1 ${fmt(qr.ithc.coseBytes)} bytes, zlib ${fmt(qr.ithc.compressedBytes)}; the demo's HC1 codes: ${qr.dcc.join(', ')} characters`,
  ];
}

async function main() {
  const t0 = performance.now();
  // The CLI's bundles (current, whatever ran before) and the bench's own in-process half.
  const cli = ENTRIES.filter((e) => ['dist/cli.cjs', 'dist/cli-worker.cjs', 'dist/cli-prestart.cjs'].includes(e.out));
  await build(
    [
      ...cli,
      { in: 'bench/lib.ts', out: LIB, external: ['cbor-extract'] },
      // The load generator of (d) and (h): autocannon from node_modules (a devDependency);
      // better-sqlite3 is a native addon. Its store's writer thread, beside it.
      ...(ROWS.has('d') || ROWS.has('h')
        ? [{ in: 'bench/gateway-load.ts', out: LOAD, external: ['cbor-extract', 'better-sqlite3', 'autocannon'] }, sqliteWriterEntry('dist/bench')]
        : []),
    ],
    { quiet: true },
  );
  const dir = mkdtempSync(join(tmpdir(), 'ithc-bench-'));
  try {
    const load = loadavg()[0];
    const gen = await lib('generate', dir, N);
    const codes = join(dir, 'codes.txt');
    const dsc = join(dir, 'dsc.json');
    const out = join(dir, 'out.jsonl');

    // The two references first: the ratios of (a) are against each of them.
    const variants = [
      { name: 'reference loop (node:crypto + zlib + cbor-x, 1 thread)', args: ['bench/reference.cjs', dsc] },
      { name: 'reference loop (node:crypto + zlib + cborg, 1 thread)', args: ['bench/reference-cborg.mjs', dsc] },
      // The default: the main thread and a worker per core but one, started by bin/ithc.js before
      // the CLI loads, all verifying (cli/workers.ts, cli/batch.ts); none for a file of up to 8 MiB.
      {
        name: defaultName(statSync(codes).size),
        args: ['bin/ithc.js', 'verify', '--json', '--trust', dsc, '-'],
      },
      // No workers: the main thread decodes, libuv's thread pool checks signatures (cli/batch.ts).
      {
        name: 'ithc verify --json - (ITHC_WORKERS=0: main thread + thread pool)',
        args: ['bin/ithc.js', 'verify', '--json', '--trust', dsc, '-'],
        env: { ITHC_WORKERS: '0' },
      },
      // A worker per core as well as the main thread: one thread more than there are cores.
      {
        name: `ithc verify --json - (ITHC_WORKERS=${cpus().length})`,
        args: ['bin/ithc.js', 'verify', '--json', '--trust', dsc, '-'],
        env: { ITHC_WORKERS: String(cpus().length) },
      },
    ];
    const best = variants.map(() => Infinity);
    const disagreements = [];
    // Equal work: the cborg reference prints the very lines ours does (checked on the first round).
    const outputs = new Map();
    for (let r = 0; r < (ROWS.has('a') ? PROCESS_ROUNDS : 0); r++) {
      // Interleaved, so that a burst of load elsewhere hits every variant alike.
      for (const [i, v] of variants.entries()) {
        const res = await run(v.args, { stdin: codes, stdout: out, env: v.env });
        const valid = countValid(out);
        if (valid !== N) disagreements.push(`${v.name}: ${valid} of ${N} valid (exit ${res.code})`);
        if (r === 0 && (i === 1 || i === 2)) outputs.set(i, createHash('sha256').update(readFileSync(out)).digest('hex'));
        best[i] = Math.min(best[i], res.seconds);
      }
    }
    // The same codes through a pipe, as `cat codes.txt | ithc verify -` or a scanner's feed gives
    // them: a pipe is read until it is empty, so input comes in bursts, not a read a turn as from a file.
    const piped = [variants[0], { ...variants[2], name: defaultName(null) }];
    const pipedBest = piped.map(() => Infinity);
    for (let r = 0; r < (ROWS.has('a') ? PROCESS_ROUNDS : 0); r++) {
      for (const [i, v] of piped.entries()) {
        const res = await run(v.args, { stdin: codes, stdout: out, env: v.env, pipe: true });
        const valid = countValid(out);
        if (valid !== N) disagreements.push(`${v.name} through a pipe: ${valid} of ${N} valid (exit ${res.code})`);
        pipedBest[i] = Math.min(pipedBest[i], res.seconds);
      }
    }
    const sameLines = outputs.size === 2 && outputs.get(1) === outputs.get(2);
    if (outputs.size === 2 && !sameLines) disagreements.push(`${variants[1].name}: its output differs from ${variants[2].name}'s`);

    // A longer batch, the same codes LONG_REPEAT times over (nothing is cached, so a repeat costs
    // what a new code does): start-up and JIT warm-up weigh less, the steady rate shows.
    const longCodes = join(dir, 'codes-long.txt');
    writeFileSync(longCodes, readFileSync(codes, 'utf8').repeat(LONG_REPEAT));
    const longVariants = variants.slice(0, 4).map((v, i) => (i === 2 ? { ...v, name: defaultName(statSync(longCodes).size) } : v));
    const longBest = longVariants.map(() => Infinity);
    for (let r = 0; r < (ROWS.has('a') ? LONG_ROUNDS : 0); r++) {
      for (const [i, v] of longVariants.entries()) {
        const res = await run(v.args, { stdin: longCodes, stdout: out, env: v.env });
        const valid = countValid(out);
        if (valid !== N * LONG_REPEAT) disagreements.push(`${v.name} (long batch): ${valid} of ${N * LONG_REPEAT} valid (exit ${res.code})`);
        longBest[i] = Math.min(longBest[i], res.seconds);
      }
    }

    // One code, as an officer's script runs it: the whole command from start to exit, median of
    // ONE_CODE_ROUNDS, beside Node's own start-up (node -e 0), the floor under any command.
    const oneCode = join(dir, 'one-code.txt');
    writeFileSync(oneCode, readFileSync(codes, 'utf8').split('\n')[0] + '\n');
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const single = { ours: [], node: [] };
    for (let r = 0; r < (ROWS.has('a') ? ONE_CODE_ROUNDS : 0); r++) {
      const res = await run(variants[2].args, { stdin: oneCode, stdout: out });
      if (countValid(out) !== 1) disagreements.push(`one code: not valid (exit ${res.code})`);
      single.ours.push(res.seconds);
      single.node.push((await run(['-e', '0'])).seconds);
    }

    let raw1 = 0;
    let raw2 = 0;
    for (let r = 0; r < (ROWS.has('a') ? ROUNDS : 0); r++) {
      raw1 = Math.max(raw1, (await lib('raw-node', dir, 0, N)).perSecond);
      // Both cores: two processes at once, each over half the codes; done when the slower is.
      const halves = await Promise.all([lib('raw-node', dir, 0, N / 2), lib('raw-node', dir, N / 2, N)]);
      raw2 = Math.max(raw2, N / Math.max(...halves.map((h) => h.seconds)));
    }
    const noble = ROWS.has('b') ? await lib('noble', dir, NOBLE_CODES, ROUNDS) : null;
    const issue = ROWS.has('d') ? await issuance(dir) : null;
    // The same with one serving process (node/start.ts).
    const issueOne = ROWS.has('d') ? await issuance(dir, { ITHC_PROCESSES: '1' }) : null;
    const cloud = ROWS.has('e') ? await bundles(dir) : null;
    const qr = ROWS.has('f') && existsSync(TESTDATA) ? await qrSizes(dir) : null;
    const mp = ROWS.has('g') ? miniProgramMain() : null;
    const render = ROWS.has('g') ? measureRender() : null;
    const pdf = ROWS.has('h') ? await pdfs(dir) : null;

    // Rates ÷ each reference's, measured in the same rounds: [÷ the cbor-x loop, ÷ the cborg loop].
    const both = (rate, refs) => refs.map((ref) => ratio(rate / ref));
    const refRates = [N / best[0], N / best[1]];
    const longRefRates = [(N * LONG_REPEAT) / longBest[0], (N * LONG_REPEAT) / longBest[1]];
    const rows = [
      ...(ROWS.has('a')
        ? [
            [`(a) batch verify, ${fmt(N)} codes, whole processes (best of ${PROCESS_ROUNDS})`, '', '', ''],
            ...variants.map((v, i) => [`    ${v.name}`, fmt(N / best[i]), ...both(N / best[i], refRates)]),
            [`    the same through a pipe (best of ${PROCESS_ROUNDS}; ratio against the cbor-x reference through a pipe):`, '', '', ''],
            ...piped.map((v, i) => [`      ${v.name}`, fmt(N / pipedBest[i]), ratio(pipedBest[0] / pipedBest[i]), '']),
            [`    the same ${LONG_REPEAT} times over (${fmt(N * LONG_REPEAT)} lines, best of ${LONG_ROUNDS}):`, '', '', ''],
            ...longVariants.map((v, i) => [`      ${v.name}`, fmt((N * LONG_REPEAT) / longBest[i]), ...both((N * LONG_REPEAT) / longBest[i], longRefRates)]),
            [
              `    one code, whole process (median of ${ONE_CODE_ROUNDS}): ${median(single.ours).toFixed(3)} s, target ≤ 0.15 s; Node's own start-up (node -e 0) ${median(single.node).toFixed(3)} s`,
              '',
              '',
              '',
            ],
            ['    raw ECDSA P-256 verify, node:crypto, 1 core (in process)', fmt(raw1), ...both(raw1, refRates)],
            ['    raw ECDSA P-256 verify, node:crypto, 2 cores (in process)', fmt(raw2), ...both(raw2, refRates)],
          ]
        : []),
      ...(noble
        ? [
            [`(b) portable path, noble, ${NOBLE_CODES} codes, 1 core (in process)`, '', '', ''],
            ['    raw p256.verify', fmt(noble.rawPerSecond), '1.00', ''],
            ['    verifyCode with the noble provider (whole pipeline)', fmt(noble.pipelinePerSecond), ratio(noble.pipelinePerSecond / noble.rawPerSecond), ''],
          ]
        : []),
      ...(ROWS.has('c')
        ? [
            ['(c) signing, 1 core (in process)', '', '', ''],
            ['    signCode, node:crypto ES256 signer', fmt(gen.signPerSecond), ratio(gen.signPerSecond / gen.rawSignPerSecond), ''],
            ['    raw ECDSA P-256 sign, node:crypto', fmt(gen.rawSignPerSecond), '1.00', ''],
          ]
        : []),
    ];
    // A certificate here needs 4 signatures (the ITHC1 code and 3 HC1 codes): one core's bare
    // signing ceiling is raw sign/s ÷ 4, the yardstick that makes the figures comparable across machines.
    const ceiling = gen.rawSignPerSecond / 4;
    const issueLines = issue ? issuanceLines(issue, ceiling, issueOne) : [];
    const bundleLines = cloud ? bundleSection(cloud) : [];
    const qrLines = !ROWS.has('f')
      ? []
      : qr
        ? qrSection(qr)
        : [
            `(f) QR sizes: not measured; needs the EU test data: dcc-testdata not found at ${TESTDATA} (published at https://github.com/eu-digital-green-certificates/dgc-testdata; set ITHC_TESTDATA)`,
          ];
    const mpLines = mp
      ? [
          `(g) mini program main package (app.json, subpackages ${mp.subpackages.join(', ') || 'none'} excluded): ${kb(mp.bytes)} KB in ${mp.files} files, ${ratio(mp.bytes / (2 * 1048576))} of WeChat's 2 MB limit`,
          ...(render ? renderLines(render).map((l) => `    ${l}`) : []),
        ]
      : [];
    const pdfLines = pdf ? pdfSection(pdf) : [];
    const w = Math.max(0, ...rows.map((r) => r[0].length)) + 2;
    const sections = [
      rows.length
        ? [
            `${''.padEnd(w)}${'codes/s'.padStart(10)}${'ratio'.padStart(9)}${(ROWS.has('a') ? 'cborg ref' : '').padStart(11)}`,
            ...rows.map(([a, b, c, d]) => `${a.padEnd(w)}${b.padStart(10)}${c.padStart(9)}${d.padStart(11)}`),
            '',
            ...(ROWS.has('a')
              ? [
                  'ratios in (a) are against each reference loop, measured in the same rounds: "ratio" the cbor-x one (bench/reference.cjs),',
                  '"cborg ref" the cborg one (bench/reference-cborg.mjs); targets ≥ 1.7 × at 20,000 codes, ≥ 1.9 × at 100,000 lines.',
                  `the cborg reference's output ${sameLines ? 'is' : 'is NOT'} byte for byte ours over the ${fmt(N)} codes.`,
                ]
              : []),
            ...(noble || ROWS.has('c') ? ['in (b) against raw noble verify; in (c) against raw signing.'] : []),
          ]
        : [],
      issueLines,
      bundleLines,
      qrLines,
      mpLines,
      pdfLines,
    ].filter((x) => x.length);
    const lines = [
      `ITHC benchmark — node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model.trim() ?? '?'}), load average at start ${load.toFixed(2)}${ROWS.size < 8 ? `; rows ${[...ROWS].join(', ')}` : ''}`,
      `codes: ES256 vaccination DCCs, ${Math.round(gen.meanCodeChars)} characters on average`,
      '',
      ...sections.flatMap((x) => [...x, '']),
    ];
    if (disagreements.length) lines.push('WARNING: outputs disagree with the expected verdicts:', ...disagreements.map((d) => `  ${d}`));
    lines.push(`(bench took ${((performance.now() - t0) / 1000).toFixed(0)} s)`);
    process.stdout.write(lines.join('\n') + '\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const mb = (b) => (b === null || b === undefined ? 'n/a' : (b / 1048576).toFixed(0));
const kb = (b) => fmt(b / 1024);
/** "2 serving processes": how many served a row (d) run. */
const servedBy = (run) => `${run.processes} serving process${run.processes === 1 ? '' : 'es'}`;

/**
 * What a request costs the machine's cores, server and load generator, and the rate those costs
 * allow at most if the cores did nothing else: the ceiling this machine puts on row (d).
 */
function cpuLine(run) {
  const cores = cpus().length;
  const per = (r) => ({ server: r.serverCpuMs / r.requests, load: r.loadCpuMs / r.requests });
  const [reuse, fresh] = [per(run.reuse), per(run.fresh)];
  const most = (c) => fmt((cores * 1000) / (c.server + c.load));
  return (
    `    CPU a request (${servedBy(run)}; server, every thread + the load generator): repeat ${reuse.server.toFixed(2)} + ${reuse.load.toFixed(2)} ms, ` +
    `new certificate ${fresh.server.toFixed(2)} + ${fresh.load.toFixed(2)} ms; ${cores} cores doing nothing else allow at most ${most(reuse)}/s and ${most(fresh)}/s`
  );
}

/** (d)'s lines. */
function issuanceLines(issue, ceiling, one) {
  const served = servedBy(issue);
  const issueRows = [
    [`reuse path: stored certificate still valid (the normal repeat request; ${served})`, issue.reuse, REUSE_PER_SECOND],
    [`fresh-signing path: a new certificate signed for every request (${served})`, issue.fresh, FRESH_PER_SECOND],
    ...(one
      ? [
          ['ITHC_PROCESSES=1, reuse path', one.reuse, REUSE_PER_SECOND],
          ['ITHC_PROCESSES=1, fresh-signing path', one.fresh, FRESH_PER_SECOND],
        ]
      : []),
  ].map(([name, r, target]) => [
    `    ${name}`,
    fmt(r.perSecond),
    `≥ ${fmt(target)}`,
    String(Math.round(r.p50)),
    String(Math.round(r.p99)),
    `≤ ${ISSUE_P99_MS}`,
    String(r.errors),
    mb(r.peak),
    ratio(r.perSecond / ceiling),
  ]);
  const iw = Math.max(...issueRows.map((r) => r[0].length)) + 2;
  const issueWidths = [9, 9, 8, 8, 7, 8, 13, 8];
  const issueLine = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(iw) : c.padStart(issueWidths[i - 1]))).join('');
  const issueLines = [
    `(d) issuance through the local gateway (dist/start.cjs), ${CALLERS} concurrent callers (autocannon), 127.0.0.1`,
    issueLine(['', 'certs/s', 'target', 'p50 ms', 'p99 ms', 'target', 'errors', 'peak RSS MB', 'ratio']),
    ...issueRows.map(issueLine),
    `    targets at ${CALLERS} callers: ≥ ${fmt(REUSE_PER_SECOND)} repeat requests/s, ≥ ${fmt(FRESH_PER_SECOND)} new certificates/s, p99 ≤ ${ISSUE_P99_MS} ms, no errors`,
    `    (reuse: ${fmt(issue.reuse.requests)} requests in ${issue.reuse.seconds.toFixed(1)} s, ${issue.reuse.signedDuringPhase} signed again; fresh: ${fmt(issue.fresh.requests)} requests in ${issue.fresh.seconds.toFixed(1)} s, ${fmt(issue.fresh.signedDuringPhase)} certificates signed, ${fmt(issue.fresh.distinct)} distinct; server peak RSS over the run ${mb(issue.hwm)} MB)`,
    `    ratio: certificates/s ÷ one core's bare signing ceiling (raw ECDSA sign/s ÷ 4 signatures a certificate) = ${fmt(ceiling)}/s`,
    ...[issue, one].filter(Boolean).map((run) => cpuLine(run)),
  ];
  return issueLines;
}

/** (e)'s lines. */
function bundleSection(cloud) {
  const bundleRows = [...cloud.functions, ...(cloud.pdf ? [cloud.pdf] : [])].map((b) => [
    `    ${b.name}`,
    kb(b.bytes),
    b.ms.toFixed(0),
    ratio(b.bytes / 1048576),
    ratio(b.ms / 150),
  ]);
  const bw = Math.max(...bundleRows.map((r) => r[0].length)) + 2;
  const bundleLines = [
    '(e) cloud-function bundles: size, cold require in a fresh process (stub wx-server-sdk; median of 5)',
    `${''.padEnd(bw)}${'KB'.padStart(8)}${'ms'.padStart(7)}${'÷1 MB'.padStart(8)}${'÷150 ms'.padStart(9)}`,
    ...bundleRows.map(([a, b, c, d, e]) => `${a.padEnd(bw)}${b.padStart(8)}${c.padStart(7)}${d.padStart(8)}${e.padStart(9)}`),
    `    the certificate function's folder in all (index.js, pdf.js, the two CJK fonts it embeds subsets of): ${kb(cloud.certificateFolder)} KB`,
  ];
  return bundleLines;
}

/** (h)'s lines. */
function pdfSection(pdf) {
  const ms = (x) => (Number.isFinite(x) ? String(Math.round(x)) : 'n/a');
  const pdfRows = pdf.flatMap((r) => [
    [`    ${r.label}: no PDFs rendering`, ms(r.baseline.p50), ms(r.baseline.p99), '', '', '', '', String(r.baseline.errors)],
    [
      `    ${r.label}: ${PDF_CALLERS} PDFs in flight`,
      ms(r.during.p50),
      ms(r.during.p99),
      `≤ ${PDF_OTHER_P99_MS}`,
      r.pdf.perSecond.toFixed(1),
      `≥ ${PDF_PER_SECOND}`,
      `${ms(r.pdf.p50)}/${ms(r.pdf.p99)}`,
      String(r.during.errors + r.pdf.errors),
    ],
  ]);
  const pw = Math.max(...pdfRows.map((r) => r[0].length)) + 2;
  const pdfHead = ['other p50', 'other p99', 'target', 'PDFs/s', 'target', 'PDF p50/p99', 'errors'];
  const pdfWidths = [11, 11, 8, 8, 8, 13, 8];
  const pdfLine = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(pw) : c.padStart(pdfWidths[i - 1]))).join('');
  const pdfLines = [
    `(h) certificate.pdf through the local gateway (dist/start.cjs): ${PDF_CALLERS} callers each keep a PDF request in flight for ${PDF_SECONDS} s while ${PDF_OTHERS} others ask certificate.get / identity.status (ms)`,
    pdfLine(['', ...pdfHead]),
    ...pdfRows.map(pdfLine),
    `    targets: other actions' p99 ≤ ${PDF_OTHER_P99_MS} ms while ${PDF_CALLERS} PDFs render; ≥ ${PDF_PER_SECOND} PDFs/s on 2 cores`,
    ...pdf.flatMap((r) => [...r.baseline.errorSamples, ...r.during.errorSamples, ...r.pdf.errorSamples].slice(0, 3).map((e) => `    error (${r.label}): ${e}`)),
  ];
  return pdfLines;
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
