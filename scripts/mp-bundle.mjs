#!/usr/bin/env node
// Pre-bundles the pure core for the WeChat mini program (issue 5). WeChat's "build npm" takes each
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
// Both are generated and git-ignored (miniprogram/lib/.gitignore, miniprogram/packageVerify/lib/
// .gitignore): `npm run build` writes them, after which WeChat DevTools can open the project. Their
// typings are the checked-in *.d.ts files beside them, which re-export the core's own types.
//
//   node scripts/mp-bundle.mjs           build both
//   node scripts/mp-bundle.mjs --check   exit 1 when an output is missing or older than its sources
//
// Target ES2020: noble needs BigInt literals, which no lower target can express. No Node built-ins
// (platform neutral); TextEncoder/TextDecoder come from scripts/mp-text-codec.mjs where the WeChat
// runtime lacks them. Nothing here needs randomness: the mini program only verifies and draws.
import { build } from 'esbuild';
import { existsSync, mkdirSync, readdirSync, renameSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Each bundle: its output, the modules it re-exports, and the sources that make it stale. */
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
    ].join('\n'),
  },
]);

/** What the bundles are made of: any change here makes them stale. */
const SOURCES = ['core', 'server/identity/resident-id.ts', 'cli/dcc-schema-precompiled.ts', 'cli/dcc-schema-validate.generated.ts', 'cli/dcc-schema-formats.ts', 'scripts/mp-bundle.mjs', 'scripts/mp-text-codec.mjs', 'package-lock.json'];

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let m = st.mtimeMs;
  for (const e of readdirSync(path)) m = Math.max(m, newestMtime(join(path, e)));
  return m;
}

/** Outputs that are missing or older than their sources. */
export function staleBundles() {
  const sources = Math.max(...SOURCES.map((s) => newestMtime(join(ROOT, s))));
  return MP_BUNDLES.filter((b) => !existsSync(join(ROOT, b.out)) || statSync(join(ROOT, b.out)).mtimeMs < sources);
}

/** Builds every bundle (or those named); resolves to { out, bytes } for each. */
export async function bundleMiniprogram(bundles = MP_BUNDLES, opts = {}) {
  const results = await Promise.all(
    bundles.map(async (b) => {
      const out = join(ROOT, b.out);
      mkdirSync(dirname(out), { recursive: true });
      // Written beside the output and renamed into place, so a test file reading the bundle while
      // another process rebuilds it never sees half a file.
      const tmp = `${out}.${process.pid}.tmp`;
      await build({
        absWorkingDir: ROOT,
        stdin: { contents: b.entry, resolveDir: ROOT, sourcefile: `${b.out} (entry)`, loader: 'ts' },
        outfile: tmp,
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
      });
      renameSync(tmp, out);
      return { out: b.out, bytes: statSync(out).size };
    }),
  );
  if (!opts.quiet) for (const r of results) process.stderr.write(`built ${r.out} (${(r.bytes / 1024).toFixed(1)} KB)\n`);
  return results;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.argv[2] === '--check') {
    const stale = staleBundles();
    process.stdout.write(stale.length ? `stale: ${stale.map((b) => b.out).join(', ')} (run npm run build)\n` : 'up to date\n');
    process.exit(stale.length ? 1 : 0);
  }
  bundleMiniprogram().catch((e) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
