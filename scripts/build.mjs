#!/usr/bin/env node
// Builds the runnable bundles with esbuild: one CommonJS file per entry, dependencies bundled in,
// so that commands start without a TypeScript loader and without resolving hundreds of modules.
//
//   node scripts/build.mjs            builds every entry in ENTRIES
//   node scripts/build.mjs dist/cli.cjs ...   builds only the named outputs
//
// Add an entry by adding a row to ENTRIES (e.g. dist/start.cjs from node/start.ts, a cloud
// function's index.js, the mini program's pre-bundled core with platform 'neutral').
import { build as esbuild } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

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
 * @property {import('esbuild').BuildOptions} [options]  anything else esbuild takes (alias, define, banner, ...)
 */

/** Folders under cloudfunctions/ that are built into deployable functions. */
export const CLOUD_FUNCTIONS = ['identity', 'document', 'certificate', 'relatives', 'partners', 'admin', 'trustlist', 'ingest'];
/** The wx-server-sdk version the functions are deployed with (see cloudfunctions/README.md). */
const WX_SERVER_SDK_VERSION = '4.0.2';

/** Copies the CJK font files into the certificate function (skipped when already there). */
export function copyPdfFonts() {
  const pkg = dirname(require.resolve('@expo-google-fonts/noto-sans-sc/package.json'));
  const dir = join(ROOT, 'cloudfunctions', 'certificate', 'fonts');
  mkdirSync(dir, { recursive: true });
  for (const f of ['400Regular/NotoSansSC_400Regular.ttf', '700Bold/NotoSansSC_700Bold.ttf']) {
    const src = join(pkg, f);
    const dst = join(dir, f.split('/')[1]);
    if (!existsSync(dst) || statSync(dst).size !== statSync(src).size) copyFileSync(src, dst);
  }
}

/** @type {Entry[]} */
export const ENTRIES = [
  // cbor-extract is cbor-x's optional native decoder: loaded from node_modules when installed,
  // otherwise cbor-x falls back to JavaScript. Bundling it would break its .node lookup.
  { in: 'cli/index.ts', out: 'dist/cli.cjs', external: ['cbor-extract'] },
  // `ithc trustlist export` opens a local data folder: the server code, in a bundle of its own.
  { in: 'cli/trustlist-export.ts', out: 'dist/cli-trustlist.cjs', external: ['cbor-extract', 'better-sqlite3'] },
  // `ithc partners` opens a local data folder too: likewise a bundle of its own.
  { in: 'cli/partners-local.ts', out: 'dist/cli-partners.cjs', external: ['cbor-extract', 'better-sqlite3'] },
  { in: 'cli/worker-entry.ts', out: 'dist/cli-worker.cjs', external: ['cbor-extract'] },
  // Tiny: bin/ithc.js starts the verification workers with it before it loads dist/cli.cjs.
  { in: 'cli/workers.ts', out: 'dist/cli-prestart.cjs' },
  // better-sqlite3 is a native addon: required from node_modules at run time, never bundled.
  { in: 'node/start.ts', out: 'dist/start.cjs', external: ['cbor-extract', 'better-sqlite3'] },
  // The local cloud's signing threads (node/sign-pool.ts), loaded from beside dist/start.cjs.
  { in: 'node/sign-worker.ts', out: 'dist/sign-worker.cjs', external: ['cbor-extract'] },
  { in: 'node/demo.ts', out: 'dist/demo.cjs', external: ['cbor-extract', 'better-sqlite3'] },
  // Cloud functions: each a deployable Node project (index.js + package.json), wx-server-sdk
  // external (the cloud installs it from the generated package.json).
  ...CLOUD_FUNCTIONS.map((name) => ({ in: `cloudfunctions/${name}/index.ts`, out: `cloudfunctions/${name}/index.js`, external: ['wx-server-sdk', 'cbor-extract'], cloudFunction: name, minify: true })),
  // The certificate function's PDF renderer (pdf-lib, fontkit), a bundle beside its index.js that
  // the certificate.pdf action loads on first use (server/cloud/compose/certificate.ts).
  // Without Brotli, which fontkit needs only for WOFF2 fonts (server/pdf/no-woff2.cjs): 1.37 MB -> ~0.9 MB.
  { in: 'server/pdf/certificate-pdf.ts', out: 'cloudfunctions/certificate/pdf.js', external: ['cbor-extract'], minify: true, options: { alias: { 'brotli/decompress.js': './server/pdf/no-woff2.cjs' } } },
];

export const DCC_VALIDATOR_FILE = 'cli/dcc-schema-validate.generated.ts';
const DCC_SCHEMA_DIR = 'core/schemas/dcc';

/**
 * The DCC schema validator as code (ajv standalone), compiled with the options core/dcc-schema.ts
 * uses at run time; its formats come from cli/dcc-schema-formats.ts. See cli/dcc-schema-precompiled.ts.
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
export function writeDccValidator() {
  if (!existsSync(join(ROOT, DCC_SCHEMA_DIR, 'DCC.schema.json'))) return false;
  const file = join(ROOT, DCC_VALIDATOR_FILE);
  const content = generateDccValidator();
  if (existsSync(file) && readFileSync(file, 'utf8') === content) return false;
  writeFileSync(file, content);
  return true;
}

/**
 * Builds the given entries in parallel; resolves to the outputs written.
 * @param {Entry[]} entries
 * @param {{ quiet?: boolean }} [opts]
 */
export async function build(entries = ENTRIES, opts = {}) {
  const todo = entries.filter((e) => !e.optional || existsSync(join(ROOT, e.in)));
  const started = performance.now();
  if (writeDccValidator() && !opts.quiet) process.stderr.write(`regenerated ${DCC_VALIDATOR_FILE}\n`);
  await Promise.all(
    todo.map(async (e) => {
      const result = await esbuild({
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
        ...e.options,
        write: false,
      });
      // Written beside and renamed over the old file: a command starting during a rebuild (a test,
      // a batch run) loads either the old bundle or the new one, never half of one.
      for (const f of result.outputFiles) {
        mkdirSync(dirname(f.path), { recursive: true });
        const tmp = `${f.path}.${process.pid}.tmp`;
        writeFileSync(tmp, f.contents);
        renameSync(tmp, f.path);
      }
    }),
  );
  for (const e of todo) {
    if (!e.cloudFunction) continue;
    const pkg = { name: e.cloudFunction, version: '1.0.0', private: true, main: 'index.js', description: 'Generated by scripts/build.mjs: do not edit.', dependencies: { 'wx-server-sdk': WX_SERVER_SDK_VERSION } };
    writeFileSync(join(ROOT, 'cloudfunctions', e.cloudFunction, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
  }
  if (!opts.quiet) {
    const ms = Math.round(performance.now() - started);
    process.stderr.write(`built ${todo.map((e) => e.out).join(', ')} in ${ms} ms\n`);
  }
  return todo.map((e) => e.out);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.argv[2] === '--check-generated') {
    // Exit 1 when the checked-in generated validator differs from what the build would write.
    const file = join(ROOT, DCC_VALIDATOR_FILE);
    const fresh = existsSync(file) && readFileSync(file, 'utf8') === generateDccValidator();
    process.stdout.write(fresh ? 'up to date\n' : `${DCC_VALIDATOR_FILE} is stale: run npm run build\n`);
    process.exit(fresh ? 0 : 1);
  }
  const only = process.argv.slice(2);
  const entries = only.length ? ENTRIES.filter((e) => only.includes(e.out)) : ENTRIES;
  if (only.length && entries.length !== only.length) {
    process.stderr.write(`unknown output(s): ${only.filter((o) => !ENTRIES.some((e) => e.out === o)).join(', ')}\n`);
    process.exit(2);
  }
  build(entries)
    .then(async () => {
      if (only.length) return;
      // The web verifier (dist/web, served by npm start at /verify/), the PDF fonts the
      // certificate function reads beside its index.js (server/pdf/fonts.ts), and the mini
      // program's core bundles.
      const { buildWeb } = await import('./web-build.mjs');
      await buildWeb({ quiet: true });
      copyPdfFonts();
      // The core pre-bundled into the mini program (DevTools opens the project after a build).
      await (await import('./mp-bundle.mjs')).bundleMiniprogram(undefined, { quiet: true });
    })
    .catch((e) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
