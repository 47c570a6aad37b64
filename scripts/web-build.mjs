#!/usr/bin/env node
// Builds the web verifier into plain files for any web server (and for `npm start`'s /verify/):
//
//   dist/web/index.html, styles.css, manifest.webmanifest, icon.svg   copied from web/
//   dist/web/app.js        web/main.ts and the core, one bundle (esbuild, platform browser)
//   dist/web/sw.js         the service worker, with this build's file list and version
//   dist/web/pdf.<hash>.min.mjs, pdf.worker.<hash>.min.mjs   pdf.js (pdfjs-dist), fetched on the
//                          first PDF opened; the service worker keeps it once fetched (lazy below)
//   dist/web/zxing-reader.<hash>.wasm   ZXing-C++ (zxing-wasm), the QR decoder, fetched on the first
//                          scan; the service worker keeps it once fetched (lazy below)
//   dist/web/<file>.br, <file>.gz   each file above compressed (brotli at quality 11, gzip at level 9),
//                          for servers that send a file's compressed copy to browsers that accept it
//                          (server/routes.ts; docs/reading-codes.md for a static host)
//
//   node scripts/web-build.mjs [--out DIR]
//
// Into dist/web, only when one of the files it is made from (web/, what it copies from node_modules,
// the bundles' inputs, this script) changed since the last build (scripts/build-cache.mjs); into
// another folder (--out), always. The files are made in a
// folder beside the output and moved into its place when complete.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants as zlibConstants, gzipSync } from 'node:zlib';
import { BuildCache, inputsOf } from './build-cache.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

const STATIC = ['index.html', 'styles.css', 'manifest.webmanifest', 'icon.svg'];
const PDFJS = { api: 'pdf.min.mjs', worker: 'pdf.worker.min.mjs' };
/** Files that are not worth compressing (already compressed formats). */
const PRECOMPRESSED = /\.(png|jpe?g|webp|woff2?)$/;

/** `name` with a hash of `bytes` before its extension(s): pdf.min.mjs → pdf.<hash>.min.mjs. */
function hashedName(name, bytes) {
  const h = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
  const dot = name.indexOf('.');
  return `${name.slice(0, dot)}.${h}${name.slice(dot)}`;
}

/**
 * The brotli and gzip copies of every file in `dir` (name.br, name.gz). Written at build time, so a
 * server only picks a file, never compresses per request.
 */
function compressAll(dir, names) {
  for (const f of names) {
    if (PRECOMPRESSED.test(f)) continue;
    const bytes = readFileSync(join(dir, f));
    writeFileSync(
      join(dir, `${f}.br`),
      brotliCompressSync(bytes, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 11, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: bytes.length } }),
    );
    writeFileSync(join(dir, `${f}.gz`), gzipSync(bytes, { level: 9 }));
  }
}

/**
 * The QR decoder's WebAssembly, named after a hash of its bytes: the service worker caches it on
 * first use rather than on install (most visits never scan), and a new build of the page keeps the
 * cached copy when the name, so the bytes, did not change (web/sw.ts).
 */
function copyZxingWasm(out, inputs) {
  const src = require.resolve('zxing-wasm/reader/zxing_reader.wasm');
  inputs.push(src);
  const bytes = readFileSync(src);
  const name = `zxing-reader.${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}.wasm`;
  writeFileSync(join(out, name), bytes);
  return name;
}

/**
 * @param {{ out?: string, quiet?: boolean, cache?: BuildCache }} [opts]  cache: the build run's
 *   manifest (saved by its owner); without one, dist/web uses a manifest of its own and --out none
 * @returns {Promise<{ out: string, files: Record<string, number>, version: string, lazy: string[] }>}
 */
export async function buildWeb(opts = {}) {
  const out = resolve(ROOT, opts.out ?? 'dist/web');
  const cache = opts.cache ?? (opts.out ? undefined : new BuildCache(ROOT));
  if (!cache) return (await buildWebFiles(out, opts)).result;
  /** @type {Awaited<ReturnType<typeof buildWebFiles>>['result'] | undefined} */
  let result;
  // One record for the folder: the service worker's version covers every file in it.
  await cache.run(cache.key(out), {}, async () => {
    const r = await buildWebFiles(out, opts);
    result = r.result;
    // Every file under web/ too, whether or not this script reads it: a file added there and copied
    // by a later version of this script is then never missed.
    return { inputs: [...r.inputs, fileURLToPath(import.meta.url), ...filesIn(join(ROOT, 'web'))], outputs: filesIn(out) };
  });
  if (!opts.cache) cache.save();
  return result ?? { out, ...JSON.parse(readFileSync(join(out, 'build.json'), 'utf8')) };
}

/** Every file under `dir` (absolute paths). */
function filesIn(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? filesIn(join(dir, d.name)) : [join(dir, d.name)]));
}

/** Builds the web verifier into `finalOut`; resolves to the result and the files it read. */
async function buildWebFiles(finalOut, opts) {
  const out = `${finalOut}.${process.pid}.tmp`;
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  /** @type {string[]} every file read from outside web/ (node_modules): a new copy from elsewhere adds its source here */
  const inputs = [];
  for (const f of STATIC) {
    inputs.push(join(ROOT, 'web', f));
    copyFileSync(join(ROOT, 'web', f), join(out, f));
  }
  const pdfjsDir = join(dirname(require.resolve('pdfjs-dist/package.json')), 'build');
  /** @type {{ api: string, worker: string }} */
  const pdfjs = { api: '', worker: '' };
  for (const [k, f] of Object.entries(PDFJS)) {
    inputs.push(join(pdfjsDir, f));
    const bytes = readFileSync(join(pdfjsDir, f));
    pdfjs[k] = hashedName(f, bytes);
    writeFileSync(join(out, pdfjs[k]), bytes);
  }
  const zxingWasm = copyZxingWasm(out, inputs);
  // Fetched only by the visits that need them (a PDF, a scan), then kept by the service worker.
  const lazy = [zxingWasm, pdfjs.api, pdfjs.worker];
  // Imported here: a build run that finds the web verifier up to date never loads esbuild.
  const { build } = await import('esbuild');

  const app = await build({
    absWorkingDir: ROOT,
    entryPoints: ['web/main.ts'],
    outfile: join(out, 'app.js'),
    bundle: true,
    platform: 'browser',
    format: 'iife',
    // Browsers of the last few years: WebCrypto, BigInt (noble), dynamic import (pdf.js).
    target: ['chrome90', 'firefox90', 'safari15', 'edge90'],
    minify: true,
    sourcemap: false,
    legalComments: 'linked',
    define: { 'process.env.NODE_ENV': '"production"', __ZXING_WASM__: JSON.stringify(zxingWasm), __PDFJS__: JSON.stringify(pdfjs) },
    logLevel: 'warning',
    metafile: true,
  });
  inputs.push(...inputsOf(app.metafile, ROOT, ROOT));

  // The service worker names every file of this build and a version derived from their bytes:
  // `files` are cached when it installs, `lazy` ones when first fetched.
  const files = ['index.html', 'app.js', ...STATIC.filter((f) => f !== 'index.html')];
  const hash = createHash('sha256');
  for (const f of [...files, ...lazy]) hash.update(f).update(readFileSync(join(out, f)));
  const version = hash.digest('hex').slice(0, 16);
  const sw = await build({
    absWorkingDir: ROOT,
    entryPoints: ['web/sw.ts'],
    outfile: join(out, 'sw.js'),
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: ['chrome90', 'firefox90', 'safari15'],
    minify: true,
    define: { __WEB_VERSION__: JSON.stringify(version), __WEB_FILES__: JSON.stringify(files), __WEB_LAZY__: JSON.stringify(lazy) },
    logLevel: 'warning',
    metafile: true,
  });
  inputs.push(...inputsOf(sw.metafile, ROOT, ROOT));

  const sizes = {};
  for (const f of [...files, ...lazy, 'sw.js']) sizes[f] = statSync(join(out, f)).size;
  compressAll(out, [...files, ...lazy, 'sw.js', ...readdirSync(out).filter((f) => f.endsWith('.LEGAL.txt'))]);
  writeFileSync(join(out, 'build.json'), JSON.stringify({ version, files: sizes, lazy }, null, 2) + '\n');
  // The finished folder replaces the old one: a server reading dist/web (npm start's /verify/) sees
  // it missing for the moment between the two calls, not half built for the seconds a build takes.
  if (existsSync(finalOut)) rmSync(finalOut, { recursive: true, force: true });
  renameSync(out, finalOut);
  if (!opts.quiet) {
    process.stderr.write(`built the web verifier in ${finalOut} (version ${version}):\n`);
    for (const [f, n] of Object.entries(sizes)) process.stderr.write(`  ${f.padEnd(36)} ${n.toLocaleString('en')} bytes\n`);
  }
  return { result: { out: finalOut, files: sizes, version, lazy }, inputs };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--out');
  buildWeb({ out: i > 0 ? process.argv[i + 1] : undefined }).catch((e) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
