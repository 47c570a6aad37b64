#!/usr/bin/env node
'use strict';
// A CommonJS shim so `ithc` starts without a TypeScript loader: it runs the esbuild bundle.

// Signatures are checked on libuv's thread pool (cli/batch.ts): one pool thread per core, unless
// the user chose. Set before anything uses the pool, which reads it once, when it starts.
if (process.env.UV_THREADPOOL_SIZE === undefined) process.env.UV_THREADPOOL_SIZE = String(Math.max(1, require('node:os').availableParallelism()));
let cli;
try {
  cli = require('../dist/cli.cjs');
} catch (e) {
  if (e && e.code === 'MODULE_NOT_FOUND' && /dist[\\/]cli\.cjs/.test(e.message)) {
    process.stderr.write('ithc: dist/cli.cjs is missing; run "npm run build" first\n');
    process.exit(2);
  }
  throw e;
}
cli.run(process.argv.slice(2));
