'use strict';
// Makes the V8 code cache of one of the CLI's bundles after it verified sample codes
// (scripts/build.mjs runs it in a process of its own; bin/code-cache.js says why).
//
//   node scripts/code-cache-train.cjs main   SAMPLE_DIR OUT   dist/cli.cjs, standard input SAMPLE_DIR/codes.txt
//   node scripts/code-cache-train.cjs worker SAMPLE_DIR OUT   dist/cli-worker.cjs, the same
//
// SAMPLE_DIR holds codes.txt and dsc.json (scripts/code-cache-sample.ts). `main` loads the CLI's
// bundle and runs `ithc verify` on a code given as an argument, then on the codes on standard input
// (the main thread verifies some of those batches itself, cli/batch.ts). `worker` runs
// `ithc verify -` as bin/ithc.js does, with one early worker whose bundle loads through
// makeCodeCache: the cache is made when that worker has verified its first batch, and only then is
// its reply let through.
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { isMainThread, parentPort } = require('node:worker_threads');
const { makeCodeCache } = require('../bin/code-cache.js');

const DIST = join(__dirname, '..', 'dist');
const ENV_OUT = 'ITHC_CODE_CACHE_OUT';

function fail(message) {
  process.stderr.write(`code-cache-train: ${message}\n`);
  process.exit(1);
}

/** Runs the CLI and fails unless it exits 0 (every sample code valid). */
async function cli(run, argv, early) {
  await run(argv, early);
  if (process.exitCode !== 0 && process.exitCode !== undefined) fail(`ithc ${argv.join(' ')} exited ${process.exitCode}`);
}

async function trainMain(sample, out) {
  const trust = join(sample, 'dsc.json');
  const first = readFileSync(join(sample, 'codes.txt'), 'utf8').split('\n')[0];
  const cache = await makeCodeCache(join(DIST, 'cli.cjs'), async ({ run }) => {
    await cli(run, ['verify', '--trust', trust, first]);
    await cli(run, ['verify', '--json', '--trust', trust, '-']);
  });
  writeFileSync(out, cache);
}

async function trainWorker(sample, out) {
  process.env[ENV_OUT] = out;
  process.env.ITHC_WORKERS = '1';
  const argv = ['verify', '--json', '--trust', join(sample, 'dsc.json'), '-'];
  const early = require(join(DIST, 'cli-prestart.cjs')).prestartWorkers(argv, __filename);
  if (!early) fail('no verification worker was started');
  await cli(require(join(DIST, 'cli.cjs')).run, argv, early);
}

/** In the worker: the bundle loaded through makeCodeCache, its first reply held until the cache is written. */
async function inWorker() {
  const post = parentPort.postMessage.bind(parentPort);
  let held;
  const firstReply = new Promise((resolve) => {
    parentPort.postMessage = (message, transfer) => {
      held = [message, transfer];
      parentPort.postMessage = post;
      resolve();
    };
  });
  writeFileSync(process.env[ENV_OUT], await makeCodeCache(join(DIST, 'cli-worker.cjs'), () => firstReply));
  post(...held);
}

if (!isMainThread) {
  inWorker().catch((e) => {
    throw e;
  });
} else {
  const [where, sample, out] = process.argv.slice(2);
  if (!sample || !out || (where !== 'main' && where !== 'worker')) fail('usage: code-cache-train.cjs main|worker SAMPLE_DIR OUT');
  (where === 'main' ? trainMain : trainWorker)(sample, out).catch((e) => fail(e instanceof Error ? e.stack : String(e)));
}
