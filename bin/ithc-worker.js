'use strict';
// A verification worker as bin/ithc.js starts it (cli/workers.ts): its bundle, with the code cache
// the build wrote beside it (bin/code-cache.js).
require('./code-cache.js').requireWithCodeCache(require('node:path').join(__dirname, '../dist/cli-worker.cjs'));
