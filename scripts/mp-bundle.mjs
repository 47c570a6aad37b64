#!/usr/bin/env node
// Pre-bundles the pure core for the WeChat mini program. WeChat's "build npm" takes each
// package's `main`, which fails for @noble/* (ESM only) and cbor-x (a Node-only main), so the mini
// program never requires npm packages: it requires these two generated CommonJS files instead.
//
//   miniprogram/lib/ithc-main.js                main package: QR matrices (core/qr.ts), the
//                                               resident ID check (server/identity/resident-id.ts,
//                                               pure, shared with the server rather than copied)
//                                               and the value-set labels (core/valuesets.ts)
//   miniprogram/packageVerify/lib/ithc-verify.js  the verify subpackage: core/hcert.ts verifyCode
//                                               with the noble provider, the DSC-list reader and
//                                               the pre-compiled DCC schema validator (ajv
//                                               standalone code: mini programs forbid new Function)
//
//   miniprogram/packageVerify/lib/trust-anchors.js  the CSCA certificate(s) the verify page trusts
//                                               to sign the trust list (public certificates only),
//                                               pinned at build time: from ITHC_MP_CSCA (a PEM
//                                               file: what a release build names), else the local
//                                               data folder's csca.pem (ITHC_DATA_DIR, default
//                                               .data; `npm start` writes it), else none, and the
//                                               page then says it cannot verify
//
// All are generated and git-ignored (miniprogram/lib/.gitignore, miniprogram/packageVerify/lib/
// .gitignore): `npm run build` writes them, after which WeChat DevTools can open the project. Their
// typings are the checked-in *.d.ts files beside them, which re-export the core's own types.
//
//   node scripts/mp-bundle.mjs           build all three (each only when what it is made from changed)
//   node scripts/mp-bundle.mjs --force   build them even when up to date (also ITHC_BUILD_FORCE=1)
//   node scripts/mp-bundle.mjs --check   exit 1 when an output is missing or would be built again
//
// The bundles are recorded in the build's manifest (scripts/build-cache.mjs) with the content hashes
// of the files esbuild read; the pinned CSCA is computed every time (one small file) and written
// only when it differs, so a new csca.pem or ITHC_MP_CSCA always reaches it.
//
// Target ES2020: noble needs BigInt literals, which no lower target can express. No Node built-ins
// (platform neutral); TextEncoder/TextDecoder come from scripts/mp-text-codec.mjs where the WeChat
// runtime lacks them. Nothing here needs randomness: the mini program only verifies and draws.
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BuildCache, writeIfChanged } from './build-cache.mjs';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Each bundle: its output and the modules it re-exports. */
export const MP_BUNDLES = Object.freeze([
  {
    out: 'miniprogram/lib/ithc-main.js',
    entry: [
      "export { qrMatrix } from './core/qr';",
      "export { checkResidentId, normaliseResidentIdInput, maskResidentId, chinaDate, MAX_ID_INPUT_LENGTH } from './server/identity/resident-id';",
      "export { label, ownLabel, issuerLabel, IGG_RESULTS, IGG_METHODS, IGG_UNITS, SEXES, TRAVEL_DOCUMENT_TYPES, TEST_TYPE_NAAT, TEST_TYPE_RAT, TEST_RESULT_NOT_DETECTED, TEST_RESULT_DETECTED } from './core/valuesets';",
    ].join('\n'),
  },
  {
    out: 'miniprogram/packageVerify/lib/ithc-verify.js',
    entry: [
      "export { verifyCode, decodeStages } from './core/hcert';",
      "export { nobleCrypto } from './core/crypto/noble';",
      "export { readDscList } from './core/dsc-list';",
      "export { KeyStore } from './core/keys';",
      "export { validateDccSchemaPrecompiled } from './cli/dcc-schema-precompiled';",
      "export { verifyTrustList } from './core/trustlist';",
      "export { fromBase64 } from './core/bytes';",
      "export { sealedRecipientKids } from './core/outcome';",
    ].join('\n'),
  },
]);

export const TRUST_ANCHORS_OUT = 'miniprogram/packageVerify/lib/trust-anchors.js';

/** Where the pinned CSCA comes from: ITHC_MP_CSCA (required to be usable when set), else the local data folder's csca.pem if present. */
export function trustAnchorSource(env = process.env) {
  if (env.ITHC_MP_CSCA) return { path: resolve(env.ITHC_MP_CSCA), required: true };
  return { path: join(env.ITHC_DATA_DIR ? resolve(env.ITHC_DATA_DIR) : join(ROOT, '.data'), 'csca.pem'), required: false };
}

/**
 * The CSCA certificates in a PEM text, as base64 DER. Refuses a file with a private key in it (the
 * bundle ships to every phone), one without a certificate, and a certificate that is not a CA.
 */
export function readTrustAnchors(pem, what) {
  if (/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(pem)) throw new Error(`${what} holds a private key: the mini program pins public CSCA certificates only`);
  const ders = [...pem.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)].map((m) => Buffer.from(m[1].replace(/\s+/g, ''), 'base64'));
  if (!ders.length) throw new Error(`${what} holds no PEM certificate`);
  return ders.map((der, i) => {
    let cert;
    try {
      cert = new X509Certificate(der);
    } catch (e) {
      throw new Error(`${what}: certificate ${i + 1} cannot be read (${e instanceof Error ? e.message : String(e)})`);
    }
    if (!cert.ca) throw new Error(`${what}: certificate ${i + 1} ("${cert.subject.replace(/\n/g, ', ')}") is not a CA certificate; pin the CSCA`);
    return der.toString('base64');
  });
}

/** The module pinning the CSCA certificates from trustAnchorSource(env): { text, count, source }. */
function trustAnchorsModule(env) {
  const src = trustAnchorSource(env);
  let anchors = [];
  if (src.required || existsSync(src.path)) {
    let pem;
    try {
      pem = readFileSync(src.path, 'utf8');
    } catch (e) {
      throw new Error(`cannot read the CSCA to pin (${src.path}): ${e.code ?? String(e)}`);
    }
    anchors = readTrustAnchors(pem, src.path);
  }
  const source = anchors.length ? relative(ROOT, src.path) || src.path : 'nothing (no ITHC_MP_CSCA, no csca.pem in the data folder)';
  const text = [
    '// GENERATED by scripts/mp-bundle.mjs: do not edit (npm run build).',
    `// The CSCA certificates (DER, base64) the verify page trusts to sign the trust list, pinned from ${source}.`,
    "'use strict';",
    `module.exports = { PINNED_CSCAS: Object.freeze(${JSON.stringify(anchors)}) };`,
    '',
  ].join('\n');
  return { text, count: anchors.length, source };
}

/**
 * Writes the verify page's pinned CSCA certificates (TRUST_ANCHORS_OUT, or `out`) when they differ
 * from the file's; returns { out, count, source, written }. Computed every time: the source is a
 * file outside the sources (a data folder's csca.pem, ITHC_MP_CSCA) that any run may change.
 */
export function writeTrustAnchors(opts = {}) {
  const out = opts.out ?? join(ROOT, TRUST_ANCHORS_OUT);
  const { text, count, source } = trustAnchorsModule(opts.env ?? process.env);
  const written = writeIfChanged(out, text);
  return { out: relative(ROOT, out) || out, count, source, written };
}

/** The esbuild options of a bundle (also what its manifest record fingerprints). */
function bundleOptions(b) {
  return {
    absWorkingDir: ROOT,
    stdin: { contents: b.entry, resolveDir: ROOT, sourcefile: `${b.out} (entry)`, loader: 'ts' },
    outfile: join(ROOT, b.out),
    bundle: true,
    platform: 'neutral',
    mainFields: ['module', 'main'],
    conditions: ['import', 'default'],
    format: 'cjs',
    target: 'es2020',
    minify: true,
    legalComments: 'eof',
    inject: [join(ROOT, 'scripts/mp-text-codec.mjs')],
    banner: { js: `// GENERATED by scripts/mp-bundle.mjs from the ITHC core: do not edit (npm run build).` },
    logLevel: 'warning',
  };
}

/** Outputs that are missing or would be built again (their sources, options or packages changed, or the pinned CSCA differs). */
export function staleBundles(env = process.env) {
  const cache = new BuildCache(ROOT);
  const stale = MP_BUNDLES.filter((b) => cache.staleReason(b.out, cache.fingerprint(bundleOptions(b))) !== null);
  let anchorsCurrent = false;
  try {
    const file = join(ROOT, TRUST_ANCHORS_OUT);
    anchorsCurrent = existsSync(file) && readFileSync(file, 'utf8') === trustAnchorsModule(env).text;
  } catch {
    // An unusable CSCA file: stale, and the build says why.
  }
  return anchorsCurrent ? stale : [...stale, { out: TRUST_ANCHORS_OUT }];
}

/**
 * Builds every bundle (or those named), each only when what it is made from changed, and the pinned
 * CSCA when it differs; resolves to { out, bytes, built } for each bundle.
 * @param {{ quiet?: boolean, force?: boolean, cache?: BuildCache }} [opts]  cache: the build run's manifest (saved by its owner)
 */
export async function bundleMiniprogram(bundles = MP_BUNDLES, opts = {}) {
  const cache = opts.cache ?? new BuildCache(ROOT, { force: opts.force });
  let anchors;
  let results;
  try {
    // Each bundle is written beside its place and renamed over (cache.bundle), so a test file
    // reading it while another process rebuilds it never sees half a file.
    results = await Promise.all(
      bundles.map(async (b) => {
        const built = await cache.bundle(b.out, bundleOptions(b));
        return { out: b.out, bytes: statSync(join(ROOT, b.out)).size, built };
      }),
    );
    anchors = writeTrustAnchors();
    cache.note(TRUST_ANCHORS_OUT, anchors.written);
  } finally {
    if (!opts.cache) cache.save();
  }
  if (!opts.quiet) {
    for (const r of results) process.stderr.write(`${r.built ? 'built' : 'up to date:'} ${r.out} (${(r.bytes / 1024).toFixed(1)} KB)\n`);
    process.stderr.write(`${anchors.written ? 'wrote' : 'up to date:'} ${anchors.out}: ${anchors.count} CSCA certificate(s) pinned from ${anchors.source}\n`);
  }
  return results;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.argv[2] === '--check') {
    const stale = staleBundles();
    process.stdout.write(stale.length ? `stale: ${stale.map((b) => b.out).join(', ')} (run npm run build)\n` : 'up to date\n');
    process.exit(stale.length ? 1 : 0);
  }
  bundleMiniprogram(undefined, { force: process.argv.includes('--force') || /^(1|true|yes)$/i.test(process.env.ITHC_BUILD_FORCE ?? '') }).catch((e) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
