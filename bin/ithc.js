#!/usr/bin/env node
'use strict';
// A CommonJS shim so `ithc` starts without a TypeScript loader: it runs the esbuild bundle.

// With ITHC_WORKERS=0, `verify -` checks signatures on libuv's thread pool (cli/batch.ts): one
// pool thread per core, unless the user chose. Set before anything uses the pool, which reads it
// once, when it starts.
if (process.env.UV_THREADPOOL_SIZE === undefined) process.env.UV_THREADPOOL_SIZE = String(Math.max(1, require('node:os').availableParallelism()));
// cbor-x's native string extractor (cbor-extract) speeds up large CBOR only; a code's is small,
// and finding and loading the addon cost each thread ~15 ms of start-up. Decoding is the same.
if (process.env.CBOR_NATIVE_ACCELERATION_DISABLED === undefined) process.env.CBOR_NATIVE_ACCELERATION_DISABLED = 'true';
const argv = process.argv.slice(2);
let cli;
let early;
try {
  const { join } = require('node:path');
  // `ithc verify -` wants a worker per core: started first, they load their bundle while the
  // CLI's loads (cli/workers.ts).
  early = require('../dist/cli-prestart.cjs').prestartWorkers(argv, join(__dirname, 'ithc-worker.js'));
  // With the code cache the build wrote beside it (bin/code-cache.js).
  cli = require('./code-cache.js').requireWithCodeCache(join(__dirname, '../dist/cli.cjs'));
} catch (e) {
  const missing = e && (e.code === 'MODULE_NOT_FOUND' || e.code === 'ENOENT') && /dist[\\/]cli(-prestart)?\.cjs/.exec(e.message);
  if (missing) {
    process.stderr.write(`ithc: ${missing[0].replace(/\\/g, '/')} is missing; run "npm run build" first\n`);
    process.exit(2);
  }
  throw e;
}
cli.run(argv, early);
