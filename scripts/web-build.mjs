#!/usr/bin/env node
// Builds the web verifier into plain files for any web server (and for `npm start`'s /verify/):
//
//   dist/web/index.html, styles.css, manifest.webmanifest, icon.svg   copied from web/
//   dist/web/app.js        web/main.ts and the core, one bundle (esbuild, platform browser)
//   dist/web/sw.js         the service worker, with this build's file list and version
//   dist/web/pdf.min.mjs, pdf.worker.min.mjs   pdf.js (pdfjs-dist), loaded only for PDF uploads
//
//   node scripts/web-build.mjs [--out DIR]
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

const STATIC = ['index.html', 'styles.css', 'manifest.webmanifest', 'icon.svg'];
const PDFJS = ['pdf.min.mjs', 'pdf.worker.min.mjs'];

/**
 * @param {{ out?: string, quiet?: boolean }} [opts]
 * @returns {Promise<{ out: string, files: Record<string, number>, version: string }>}
 */
export async function buildWeb(opts = {}) {
  const out = resolve(ROOT, opts.out ?? 'dist/web');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  for (const f of STATIC) copyFileSync(join(ROOT, 'web', f), join(out, f));
  const pdfjsDir = join(dirname(require.resolve('pdfjs-dist/package.json')), 'build');
  for (const f of PDFJS) copyFileSync(join(pdfjsDir, f), join(out, f));

  await build({
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
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
  });

  // The service worker names every file of this build and a version derived from their bytes.
  const files = ['index.html', 'app.js', ...STATIC.filter((f) => f !== 'index.html'), ...PDFJS];
  const hash = createHash('sha256');
  for (const f of files) hash.update(f).update(readFileSync(join(out, f)));
  const version = hash.digest('hex').slice(0, 16);
  await build({
    absWorkingDir: ROOT,
    entryPoints: ['web/sw.ts'],
    outfile: join(out, 'sw.js'),
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: ['chrome90', 'firefox90', 'safari15'],
    minify: true,
    define: { __WEB_VERSION__: JSON.stringify(version), __WEB_FILES__: JSON.stringify(files) },
    logLevel: 'warning',
  });

  const sizes = {};
  for (const f of [...files, 'sw.js']) sizes[f] = statSync(join(out, f)).size;
  writeFileSync(join(out, 'build.json'), JSON.stringify({ version, files: sizes }, null, 2) + '\n');
  if (!opts.quiet) {
    process.stderr.write(`built the web verifier in ${out} (version ${version}):\n`);
    for (const [f, n] of Object.entries(sizes)) process.stderr.write(`  ${f.padEnd(22)} ${n.toLocaleString('en')} bytes\n`);
  }
  return { out, files: sizes, version };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--out');
  buildWeb({ out: i > 0 ? process.argv[i + 1] : undefined }).catch((e) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
