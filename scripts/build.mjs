#!/usr/bin/env node
// Builds the runnable bundles with esbuild: one CommonJS file per entry, dependencies bundled in,
// so that commands start without a TypeScript loader and without resolving hundreds of modules.
//
//   node scripts/build.mjs            builds every entry in ENTRIES, the web verifier, the fonts and
//                                     the mini program's bundles (buildAll)
//   node scripts/build.mjs dist/cli.cjs ...   builds only the named outputs
//   --force (or ITHC_BUILD_FORCE=1)   builds even what is up to date
//   --explain                         says why each output was built
//
// Only what changed is built: each output is recorded in dist/.build-manifest.json with the content
// hashes of the files it was made from and its options (scripts/build-cache.mjs), and skipped while
// those still hold, so a build with nothing changed takes well under a second. Steps that are not
// esbuild bundles record their inputs the same way, or compute their small output every time and
// write it only when it differs.
//
// Add an entry by adding a row to ENTRIES (e.g. dist/start.cjs from node/start.ts, a cloud
// function's index.js, the mini program's pre-bundled core with platform 'neutral').
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BuildCache, writeIfChanged } from './build-cache.mjs';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

/**
 * @typedef {object} Entry
 * @property {string} in        source, relative to the repository root
 * @property {string} out       output file, relative to the repository root
 * @property {'node' | 'neutral' | 'browser'} [platform]  default 'node'
 * @property {string} [target]  default 'node20'
 * @property {'cjs' | 'esm' | 'iife'} [format]  default 'cjs'
 * @property {string[]} [external]  packages left to require() at run time
 * @property {boolean} [optional]  skip silently when the source does not exist yet
 * @property {boolean} [minify]
 * @property {string} [cloudFunction]  a cloud function's name: also writes its package.json
 * @property {'main' | 'worker'} [codeCache]  also writes V8's code cache beside it (bin/code-cache.js),
 *   made after its top level ran on the main thread or in a verification worker; and keeps the
 *   bundle to ASCII (asciiOnly, scripts/build-cache.mjs)
 * @property {import('esbuild').BuildOptions} [options]  anything else esbuild takes (alias, define, banner, ...)
 */

/** Folders under cloudfunctions/ that are built into deployable functions. */
export const CLOUD_FUNCTIONS = ['identity', 'document', 'certificate', 'relatives', 'partners', 'admin', 'trustlist', 'ingest'];
/** The wx-server-sdk version the functions are deployed with (see cloudfunctions/README.md). */
const WX_SERVER_SDK_VERSION = '4.0.2';

/**
 * Timer triggers, written to each function's config.json (which WeChat DevTools deploys with the
 * function; cloudbaserc.json lists the same for the CloudBase CLI). Cron with seven fields:
 * second minute hour day month weekday year. Each runs the composition's timer of that name
 * (server/cloud/entry.ts).
 */
export const TRIGGERS = {
  // Expired paper certificates, nonces, face-check sessions and attempt counters
  // (server/provision/housekeeping.ts): every 10 minutes, so a PDF outlives its 15-minute link by
  // 10 minutes at most.
  admin: [{ name: 'housekeeping', type: 'timer', config: '0 */10 * * * * *' }],
};

/** Copies the CJK font files into the certificate function (skipped when the copies are current). */
export async function copyPdfFonts(cache = new BuildCache(ROOT)) {
  const pkg = dirname(require.resolve('@expo-google-fonts/noto-sans-sc/package.json'));
  const dir = join(ROOT, 'cloudfunctions', 'certificate', 'fonts');
  const files = ['400Regular/NotoSansSC_400Regular.ttf', '700Bold/NotoSansSC_700Bold.ttf'].map((f) => ({ src: join(pkg, f), dst: join(dir, f.split('/')[1]) }));
  await cache.run('cloudfunctions/certificate/fonts', { fonts: files.map((f) => cache.key(f.dst)) }, () => {
    for (const f of files) cache.writeOutput(f.dst, readFileSync(f.src));
    return { inputs: files.map((f) => f.src), outputs: files.map((f) => f.dst) };
  });
}

/**
 * The SQLite store's writer thread (server/store/sqlite-writer.ts) for the bundles in `dir` that
 * open a store: server/store/sqlite.ts starts it from beside the bundle it is in.
 * @param {string} dir
 * @returns {Entry}
 */
export function sqliteWriterEntry(dir) {
  return { in: 'server/store/sqlite-writer.ts', out: `${dir}/sqlite-writer.cjs`, external: ['better-sqlite3'] };
}

/** @type {Entry[]} */
export const ENTRIES = [
  // cbor-extract is cbor-x's optional native decoder: loaded from node_modules when installed,
  // otherwise cbor-x falls back to JavaScript. Bundling it would break its .node lookup.
  // bin/ithc.js loads the CLI with its code cache; the image and PDF reader is a bundle of its
  // own, since it imports pdf.js with import() (bin/code-cache.js).
  { in: 'cli/index.ts', out: 'dist/cli.cjs', external: ['cbor-extract'], codeCache: 'main' },
  // pdf.js (for `ithc verify file.pdf`) is ESM with a worker file and a native canvas beside it:
  // imported from node_modules when a PDF is given, never bundled. The zxing WebAssembly file is
  // read from node_modules by path (node/qr-reader.ts).
  { in: 'cli/image.ts', out: 'dist/cli-image.cjs', external: ['pdfjs-dist', 'zxing-wasm/reader/zxing_reader.wasm'] },
  // `ithc trustlist export` opens a local data folder: the server code, in a bundle of its own.
  { in: 'cli/trustlist-export.ts', out: 'dist/cli-trustlist.cjs', external: ['cbor-extract', 'better-sqlite3'] },
  // `ithc partners` opens a local data folder too: likewise a bundle of its own.
  { in: 'cli/partners-local.ts', out: 'dist/cli-partners.cjs', external: ['cbor-extract', 'better-sqlite3'] },
  // `ithc keys rotate-kek` re-wraps a local data folder's keys: likewise a bundle of its own.
  { in: 'cli/keys-local.ts', out: 'dist/cli-keys.cjs', external: ['cbor-extract', 'better-sqlite3'] },
  // `ithc store check|backup` opens a local data folder's SQLite file: likewise a bundle of its own.
  { in: 'cli/store-local.ts', out: 'dist/cli-store.cjs', external: ['cbor-extract', 'better-sqlite3'] },
  { in: 'cli/worker-entry.ts', out: 'dist/cli-worker.cjs', external: ['cbor-extract'], codeCache: 'worker' },
  // Tiny: bin/ithc.js starts the verification workers with it before it loads dist/cli.cjs.
  { in: 'cli/workers.ts', out: 'dist/cli-prestart.cjs' },
  // better-sqlite3 is a native addon: required from node_modules at run time, never bundled.
  { in: 'node/start.ts', out: 'dist/start.cjs', external: ['cbor-extract', 'better-sqlite3'] },
  // The SQLite store's writer thread, for dist/start.cjs, dist/demo.cjs and the CLI's data-folder bundles.
  sqliteWriterEntry('dist'),
  // The local cloud's signing threads (node/sign-pool.ts), loaded from beside dist/start.cjs.
  { in: 'node/sign-worker.ts', out: 'dist/sign-worker.cjs', external: ['cbor-extract'] },
  // The local cloud's PDF threads (node/pdf-pool.ts), likewise; without Brotli, as the cloud's pdf.js below.
  {
    in: 'node/pdf-worker.ts',
    out: 'dist/pdf-worker.cjs',
    external: ['cbor-extract'],
    options: { alias: { 'brotli/decompress.js': './server/pdf/no-woff2.cjs' } },
  },
  { in: 'node/demo.ts', out: 'dist/demo.cjs', external: ['cbor-extract', 'better-sqlite3'] },
  // Cloud functions: each a deployable Node project (index.js + package.json), wx-server-sdk
  // external (the cloud installs it from the generated package.json).
  ...CLOUD_FUNCTIONS.map((name) => ({
    in: `cloudfunctions/${name}/index.ts`,
    out: `cloudfunctions/${name}/index.js`,
    external: ['wx-server-sdk', 'cbor-extract'],
    cloudFunction: name,
    minify: true,
  })),
  // The certificate function's PDF renderer (pdf-lib, fontkit), a bundle beside its index.js that
  // the certificate.pdf action loads on first use (server/cloud/compose/certificate.ts).
  // Without Brotli, which fontkit needs only for WOFF2 fonts (server/pdf/no-woff2.cjs): 1.37 MB -> ~0.9 MB.
  {
    in: 'server/pdf/certificate-pdf.ts',
    out: 'cloudfunctions/certificate/pdf.js',
    external: ['cbor-extract'],
    minify: true,
    options: { alias: { 'brotli/decompress.js': './server/pdf/no-woff2.cjs' } },
  },
];

export const DCC_VALIDATOR_FILE = 'core/dcc-schema-validate.generated.ts';
const DCC_SCHEMA_DIR = 'core/schemas/dcc';
/** The schema files generateDccValidator reads. */
const DCC_SCHEMA_FILES = ['DCC', 'DCC.Core.Types', 'DCC.Types', 'DCC.ValueSets'].map((n) => `${DCC_SCHEMA_DIR}/${n}.schema.json`);

/**
 * The DCC schema validator as code (ajv standalone), compiled with the options core/dcc-schema.ts
 * uses at run time; its formats come from core/dcc-schema-formats.ts. See core/dcc-schema-precompiled.ts.
 * @returns {string} the file's content
 */
export function generateDccValidator() {
  const Ajv2020 = require('ajv/dist/2020').default;
  const { _ } = require('ajv');
  const addFormats = require('ajv-formats').default;
  const standaloneCode = require('ajv/dist/standalone').default;
  const schema = (name) => JSON.parse(readFileSync(join(ROOT, DCC_SCHEMA_DIR, `${name}.schema.json`), 'utf8'));
  const main = schema('DCC');
  const version = /Schema version (\d+\.\d+\.\d+)/.exec(main.$comment ?? '')?.[1];
  if (!version) throw new Error(`${DCC_SCHEMA_DIR}/DCC.schema.json: no "Schema version" in $comment`);
  // validateSchema: false — the vendored schema is fixed; checking it against the draft 2020-12
  // meta-schema would only slow generation. Every other option is core/dcc-schema.ts's.
  const ajv = new Ajv2020({
    allErrors: true,
    strict: false,
    validateSchema: false,
    code: { source: true, esm: true, lines: false, formats: _`require("./dcc-schema-formats").formats` },
  });
  addFormats(ajv, { mode: 'full', formats: ['date-time'] });
  ajv.addFormat('date', { type: 'string', validate: () => true });
  ajv.addSchema([schema('DCC.Core.Types'), schema('DCC.Types'), schema('DCC.ValueSets')]);
  const code = standaloneCode(ajv, ajv.compile(main));
  const ajvVersion = require('ajv/package.json').version;
  return [
    '// @ts-nocheck',
    `// GENERATED by scripts/build.mjs from ${DCC_SCHEMA_DIR}/*.schema.json (DCC schema ${version}) with ajv ${ajvVersion} standalone.`,
    '// Do not edit: run `npm run build`.',
    code,
    `export const SCHEMA_VERSION = ${JSON.stringify(version)};`,
    '',
  ].join('\n');
}

/** Regenerates the validator file when its content would change; returns whether it did. */
export async function writeDccValidator(cache = new BuildCache(ROOT)) {
  if (!existsSync(join(ROOT, DCC_SCHEMA_DIR, 'DCC.schema.json'))) return false;
  const file = join(ROOT, DCC_VALIDATOR_FILE);
  let wrote = false;
  // Generating takes ~0.4 s (ajv compiles the schema): skipped while the schema files, the
  // generator and the packages (ajv's version) are those it was last generated from.
  await cache.run(DCC_VALIDATOR_FILE, { generator: String(generateDccValidator) }, () => {
    const content = generateDccValidator();
    wrote = writeIfChanged(file, content);
    if (wrote) cache.wrote(file, content);
    return { inputs: DCC_SCHEMA_FILES, outputs: [file] };
  });
  return wrote;
}

/** The esbuild options of an entry (also what its manifest record fingerprints). */
export function esbuildOptions(e) {
  const { alias, ...options } = e.options ?? {};
  return {
    absWorkingDir: ROOT,
    entryPoints: [e.in],
    outfile: e.out,
    bundle: true,
    platform: e.platform ?? 'node',
    target: e.target ?? 'node20',
    format: e.format ?? 'cjs',
    external: e.external ?? [],
    // Readable output, so that stack traces from users name real functions. Measured on the
    // CLI: minifying halves the file but makes no measurable difference to start-up (~0.11 s).
    minify: e.minify ?? false,
    sourcemap: false,
    logLevel: 'warning',
    // tslib's CommonJS build, which the @peculiar ASN.1 modules require(): esbuild otherwise takes
    // its ESM build (the "module" condition) and, at each of their ~70 require()s, copies its
    // exports into a new object: 4 ms of a one-code command (docs/performance.md).
    alias: { tslib: 'tslib/tslib.js', ...alias },
    ...options,
  };
}

/**
 * Builds the given entries in parallel, each only when something it is made from changed since it
 * was last built (scripts/build-cache.mjs); resolves to the outputs it built.
 * @param {Entry[]} entries
 * @param {{ quiet?: boolean, force?: boolean, cache?: BuildCache }} [opts]  force: build them all; cache: the run's
 *   manifest, when a caller builds more than these (saved by that caller)
 */
export async function build(entries = ENTRIES, opts = {}) {
  const cache = opts.cache ?? new BuildCache(ROOT, { force: opts.force });
  const todo = entries.filter((e) => !e.optional || existsSync(join(ROOT, e.in)));
  const started = performance.now();
  const before = cache.built.length;
  try {
    if ((await writeDccValidator(cache)) && !opts.quiet) process.stderr.write(`regenerated ${DCC_VALIDATOR_FILE}\n`);
    // Each output is written beside and renamed over the old file (cache.bundle): a command starting
    // during a rebuild (a test, a batch run) loads either the old bundle or the new one, never half of one.
    // A bundle loaded with a code cache is kept to ASCII (asciiOnly): V8 then holds it, and the
    // loader reads and hashes it, as one byte a character (bin/code-cache.js).
    await Promise.all(todo.map((e) => cache.bundle(e.out, esbuildOptions(e), { asciiOnly: e.codeCache !== undefined })));
    const samples = codeCacheSamples(cache);
    try {
      for (const e of todo) if (e.codeCache) await writeCodeCache(cache, e.out, e.codeCache, samples);
    } finally {
      samples.remove();
    }
    // Each function's generated files: computed every time (cheap), written only when they differ.
    for (const e of todo) {
      if (!e.cloudFunction) continue;
      const pkg = {
        name: e.cloudFunction,
        version: '1.0.0',
        private: true,
        main: 'index.js',
        description: 'Generated by scripts/build.mjs: do not edit.',
        dependencies: { 'wx-server-sdk': WX_SERVER_SDK_VERSION },
      };
      const pkgFile = `cloudfunctions/${e.cloudFunction}/package.json`;
      cache.note(pkgFile, writeIfChanged(join(ROOT, pkgFile), JSON.stringify(pkg, null, 2) + '\n'));
      const config = join(ROOT, 'cloudfunctions', e.cloudFunction, 'config.json');
      if (TRIGGERS[e.cloudFunction])
        cache.note(cache.key(config), writeIfChanged(config, JSON.stringify({ triggers: TRIGGERS[e.cloudFunction] }, null, 2) + '\n'));
      else if (existsSync(config)) rmSync(config);
    }
  } finally {
    if (!opts.cache) cache.save();
  }
  const built = todo.map((e) => e.out).filter((out) => cache.built.includes(out));
  if (!opts.quiet) process.stderr.write(`${summary(cache.built.slice(before), todo.length, performance.now() - started)}\n`);
  return built;
}

/**
 * Sample codes for the code caches to be made after (scripts/code-cache-sample.ts): a bundle of
 * its own, made when a cache is, not shipped with the CLI.
 * @type {Entry}
 */
const CODE_CACHE_SAMPLE = { in: 'scripts/code-cache-sample.ts', out: 'dist/build/code-cache-sample.cjs', external: ['cbor-extract'] };
/**
 * Sample codes the training verifies: more than a batch the main thread keeps to itself
 * (cli/batch.ts INLINE_LINES), so that `worker` training hands batches to its worker.
 */
const CODE_CACHE_SAMPLE_CODES = 300;

/**
 * The sample codes of one build run (a folder with codes.txt and dsc.json), made the first time a
 * code cache is made and shared by the others (~0.25 s to sign them), removed when the run ends.
 * @param {BuildCache} cache
 */
function codeCacheSamples(cache) {
  let dir;
  return {
    sampler: join(ROOT, CODE_CACHE_SAMPLE.out),
    /** @returns {Promise<string>} */
    async dir() {
      if (dir) return dir;
      await cache.bundle(CODE_CACHE_SAMPLE.out, esbuildOptions(CODE_CACHE_SAMPLE));
      const made = mkdtempSync(join(tmpdir(), 'ithc-code-cache-'));
      const sample = spawnSync(process.execPath, [this.sampler, made, String(CODE_CACHE_SAMPLE_CODES)], { cwd: ROOT, encoding: 'utf8' });
      if (sample.status !== 0) {
        rmSync(made, { recursive: true, force: true });
        throw new Error(`could not make sample codes for the code caches: ${sample.stderr.slice(0, 2000)}`);
      }
      return (dir = made);
    },
    remove() {
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * V8's code cache of a bundle (`<out>.v8-cache`, read by bin/code-cache.js), made by this Node in a
 * process of its own after the bundle verified the sample codes (scripts/code-cache-train.cjs): on
 * the main thread, or for the verification worker's bundle in a worker started as bin/ithc.js starts it.
 * @param {BuildCache} cache
 * @param {string} out
 * @param {'main' | 'worker'} where
 * @param {ReturnType<typeof codeCacheSamples>} samples
 */
async function writeCodeCache(cache, out, where, samples) {
  const file = join(ROOT, out);
  const maker = join(ROOT, 'bin/code-cache.js');
  const trainer = join(ROOT, 'scripts/code-cache-train.cjs');
  // The worker's training runs `ithc verify -` from the CLI's bundle, which starts the worker.
  const uses = where === 'worker' ? ['dist/cli.cjs', 'dist/cli-prestart.cjs'].map((f) => join(ROOT, f)) : [];
  await cache.run(`${out}.v8-cache`, { node: process.version, where, codes: CODE_CACHE_SAMPLE_CODES }, async () => {
    // Node 20 loses import()'s handler in code taken from a cache (bin/code-cache.js).
    if (/\bimport\(/.test(readFileSync(file, 'utf8')))
      throw new Error(`${out} uses import(): it cannot load with a code cache; move that code to a bundle of its own`);
    const dir = await samples.dir();
    const made = join(dir, `${where}.v8-cache`);
    const codes = openSync(join(dir, 'codes.txt'), 'r');
    let run;
    try {
      run = spawnSync(process.execPath, [trainer, where, dir, made], { cwd: ROOT, stdio: [codes, 'ignore', 'pipe'], encoding: 'utf8', timeout: 120_000 });
    } finally {
      closeSync(codes);
    }
    if (run.status !== 0 || !existsSync(made)) throw new Error(`could not make the code cache of ${out}: ${String(run.stderr).slice(0, 2000)}`);
    cache.writeOutput(`${file}.v8-cache`, readFileSync(made));
    return { inputs: [file, maker, trainer, samples.sampler, ...uses], outputs: [`${file}.v8-cache`] };
  });
}

/** One line: what a build run made, or that everything was up to date. */
function summary(built, checked, ms) {
  const took = `${Math.round(ms)} ms`;
  return built.length ? `built ${built.join(', ')} in ${took}` : `up to date (${checked} outputs checked in ${took})`;
}

/**
 * Everything `npm run build` makes: the entries, the web verifier (dist/web, served by npm start at
 * /verify/), the PDF fonts the certificate function reads beside its index.js (server/pdf/fonts.ts),
 * and the mini program's core bundles and pinned CSCA (DevTools opens the project after a build).
 * Each is made again only when something it is made from changed; resolves to the manifest keys
 * built and those found up to date.
 * @param {{ force?: boolean, quiet?: boolean, explain?: boolean }} [opts]  explain: say why each output was built
 * @returns {Promise<{ built: string[], skipped: string[] }>}
 */
export async function buildAll(opts = {}) {
  const cache = new BuildCache(ROOT, { force: opts.force });
  const started = performance.now();
  try {
    await build(ENTRIES, { cache, quiet: true });
    await (await import('./web-build.mjs')).buildWeb({ cache, quiet: true });
    await copyPdfFonts(cache);
    await (await import('./mp-bundle.mjs')).bundleMiniprogram(undefined, { cache, quiet: true });
  } finally {
    cache.save();
  }
  if (!opts.quiet) process.stderr.write(`${summary(cache.built, cache.built.length + cache.skipped.length, performance.now() - started)}\n`);
  if (opts.explain) for (const [k, why] of cache.reasons) process.stderr.write(`  ${k}: ${why}\n`);
  return { built: [...cache.built], skipped: [...cache.skipped] };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.argv[2] === '--check-generated') {
    // Exit 1 when the checked-in generated validator differs from what the build would write.
    const file = join(ROOT, DCC_VALIDATOR_FILE);
    const fresh = existsSync(file) && readFileSync(file, 'utf8') === generateDccValidator();
    process.stdout.write(fresh ? 'up to date\n' : `${DCC_VALIDATOR_FILE} is stale: run npm run build\n`);
    process.exit(fresh ? 0 : 1);
  }
  const args = process.argv.slice(2);
  const force = args.includes('--force') || /^(1|true|yes)$/i.test(process.env.ITHC_BUILD_FORCE ?? '');
  const explain = args.includes('--explain');
  const unknownFlags = args.filter((a) => a.startsWith('--') && a !== '--force' && a !== '--explain');
  const only = args.filter((a) => !a.startsWith('--'));
  const entries = only.length ? ENTRIES.filter((e) => only.includes(e.out)) : ENTRIES;
  if (unknownFlags.length || (only.length && entries.length !== only.length)) {
    const unknown = [...unknownFlags, ...only.filter((o) => !ENTRIES.some((e) => e.out === o))];
    process.stderr.write(`unknown option(s) or output(s): ${unknown.join(', ')}\n`);
    process.exit(2);
  }
  (only.length ? build(entries, { force }) : buildAll({ force, explain })).catch((e) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
