'use strict';
// Loads a CommonJS bundle of dist/ with the V8 code cache the build wrote beside it
// (`<bundle>.v8-cache`, scripts/build.mjs). Compiling dist/cli.cjs (1.7 MB) takes about 22 ms of
// the CLI's start, from the cache about 5 ms: V8 takes the functions compiled at build time.
//
// - The build makes each cache after the bundle verified sample codes (scripts/code-cache-train.cjs):
//   V8 compiles a function when it first runs, and the cache keeps what was compiled by the time it
//   was made, so the first code a user verifies runs without compiling the verification path.
// - The cache starts with the SHA-256 of the source file it was made from. V8's own check of a
//   cache is the source's length only: bytecode of another build would run against this source.
// - A cache that is missing, made from other source, or refused by this V8 (another version or
//   other flags) only means compiling, as `require` would.
// - A bundle loaded here may not use import(): Node 20 loses a script's import() handler when its
//   code comes from a cache. The build refuses to make a cache for such a bundle; the CLI's PDF
//   reader, which imports pdf.js, is a bundle of its own that `require` loads (cli/verify.ts).
const { isAscii } = require('node:buffer');
const { createHash } = require('node:crypto');
const { readFileSync } = require('node:fs');
const Module = require('node:module');
const { dirname } = require('node:path');
const vm = require('node:vm');

const HASH_BYTES = 32;

/** Runs the compiled wrapper as Node runs a CommonJS module; returns the module. */
function run(script, file) {
  const m = new Module(file, module);
  m.filename = file;
  m.paths = Module._nodeModulePaths(dirname(file));
  script.runInThisContext().call(m.exports, m.exports, Module.createRequire(file), m, file, dirname(file));
  m.loaded = true;
  return m;
}

/** The bundle's bytes, their SHA-256 and their text. */
function readSource(file) {
  const bytes = readFileSync(file);
  // The build keeps these bundles to ASCII (scripts/build-cache.mjs asciiOnly), which reads as
  // Latin-1 without UTF-8's checks; hashing the bytes, not the text, spares encoding it again. On
  // dist/cli.cjs (1.7 MB) the three take 2.8 ms, against 9.2 ms reading it as UTF-8 and hashing
  // the text (docs/performance.md).
  const source = isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
  return { source, hash: createHash('sha256').update(bytes).digest() };
}

/** `require(file)` for a bundle, with its code cache when one made from this source is there. */
function requireWithCodeCache(file) {
  const { source, hash } = readSource(file);
  let cachedData;
  try {
    const stored = readFileSync(`${file}.v8-cache`);
    if (stored.length > HASH_BYTES && stored.subarray(0, HASH_BYTES).equals(hash)) cachedData = stored.subarray(HASH_BYTES);
  } catch {
    // No cache was built: compile.
  }
  return run(new vm.Script(Module.wrap(source), { filename: file, cachedData }), file).exports;
}

/**
 * The code cache of `file` (the source's hash, then V8's data), made after its top level ran and
 * then `exercise(exports)`, awaited, so that what they compiled is kept too. For the build
 * (scripts/code-cache-train.cjs).
 */
async function makeCodeCache(file, exercise = async () => {}) {
  const { source, hash } = readSource(file);
  const script = new vm.Script(Module.wrap(source), { filename: file });
  await exercise(run(script, file).exports);
  return Buffer.concat([hash, script.createCachedData()]);
}

module.exports = { requireWithCodeCache, makeCodeCache };
