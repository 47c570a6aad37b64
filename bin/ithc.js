#!/usr/bin/env node
'use strict';
// A CommonJS shim so `ithc` starts without a TypeScript loader: it runs the esbuild bundle.
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
