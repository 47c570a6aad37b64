#!/usr/bin/env node
// Pre-bundles the pure core for the WeChat mini program. WeChat's "build npm" takes each
// package's `main`, which fails for @noble/* (ESM only) and cbor-x (a Node-only main), so the mini
// program never requires npm packages: it requires these two generated CommonJS files instead.
//
//   miniprogram/lib/ithc-main.js                main package: QR matrices (core/qr.ts), the
//                                               resident ID check (core/resident-id.ts, pure,
//                                               shared with the server rather than copied)
//                                               the value-set labels (core/valuesets.ts), and the
//                                               view model (core/view) with the Chinese and English
//                                               catalogue the traveller's certificate page renders
//                                               its records from and server errors are shown in
//                                               (an error's messageCode), the content read from its own
//                                               saved code (core/hcert.ts readOwnCode)
//   miniprogram/packageVerify/lib/ithc-verify.js  the verify subpackage: core/hcert.ts verifyCode
//                                               with the noble provider, the DSC-list reader and
//                                               the pre-compiled DCC schema validator (ajv
//                                               standalone code: mini programs forbid new Function),
//                                               the signed source list's check (core/sourcelist.ts),
//                                               the three verdicts (core/outcome.ts) and the shared
//                                               view model and message catalogue (core/view) the
//                                               officer's page renders in six languages
//
//   miniprogram/i18n/strings.wxs               the strings the pages' WXML shows, in both languages,
//                                               as a WXS module made from miniprogram/i18n/zh.ts and
//                                               en.ts: WXML reads {{str[lang].key}}, so a page keeps
//                                               only `lang` in its data and a language change sends
//                                               one word through setData, not the string table. A
//                                               WXML naming a key the tables lack fails the build
//
//   miniprogram/packageVerify/lib/strings.wxs  the officer's verify page's words in the six languages
//                                               of the shared catalogue: its own chrome
//                                               (packageVerify/i18n.ts) and the catalogue's line labels
//                                               and section titles (core/view), read in WXML as
//                                               {{str[lang].key}}, {{str.label(lang, key)}} and
//                                               {{str.section(lang, key)}}; a scan sends the values
//                                               and a language change the values written again, never
//                                               the words the page shows for every certificate
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
// .gitignore, miniprogram/i18n/.gitignore): `npm run build` writes them, after which WeChat DevTools can open the project. Their
// typings are the checked-in *.d.ts files beside them, which re-export the core's own types.
//
//   node scripts/mp-bundle.mjs           build all three (each only when what it is made from changed)
//   node scripts/mp-bundle.mjs --force   build them even when up to date (also ITHC_BUILD_FORCE=1)
//   node scripts/mp-bundle.mjs --check   exit 1 when an output is missing or would be built again
//
// The bundles are recorded in the build's manifest (scripts/build-cache.mjs) with the content hashes
// of the files esbuild read; the pinned CSCA is computed every time (one small file) and written
// only when it differs, so a new csca.pem or ITHC_MP_CSCA always reaches it. The strings module is
// computed every time too (two small tables and the WXML files) and written only when it differs.
//
// Target ES2020: noble needs BigInt literals, which no lower target can express. No Node built-ins
// (platform neutral); TextEncoder/TextDecoder come from scripts/mp-text-codec.mjs where the WeChat
// runtime lacks them. Nothing here needs randomness: the mini program only verifies and draws.
import { X509Certificate } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { BuildCache, writeIfChanged } from './build-cache.mjs';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Each bundle: its output and the modules it re-exports. */
export const MP_BUNDLES = Object.freeze([
  {
    out: 'miniprogram/lib/ithc-main.js',
    entry: [
      "export { qrMatrix } from './core/qr';",
      "export { checkResidentId, normaliseResidentIdInput, maskResidentId, chinaDate, MAX_ID_INPUT_LENGTH } from './core/resident-id';",
      "export { label, ownLabel, issuerLabel, IGG_RESULTS, IGG_METHODS, IGG_UNITS, SEXES, TRAVEL_DOCUMENT_TYPES, TEST_TYPE_NAAT, TEST_TYPE_RAT, TEST_RESULT_NOT_DETECTED, TEST_RESULT_DETECTED } from './core/valuesets';",
      "export { BEIJING_TIME, certificateSections, renderValue } from './core/view';",
      "export { format as formatMessage, isMessageCode } from './core/view';",
      "export { readOwnCode } from './core/hcert';",
      "export { RECORD_KINDS, RECORD_KIND_LIST } from './core/record-kinds';",
    ].join('\n'),
    // The traveller's pages ship in Chinese and English: the catalogue's other tables would take
    // ~100 KB of the main package's 512 KB. Left out, a message in another language reads in English.
    langs: ['zh', 'en'],
  },
  {
    out: 'miniprogram/packageVerify/lib/ithc-verify.js',
    entry: [
      "export { verifyCode, decodeStages, failedVerdict } from './core/hcert';",
      "export { nobleCrypto } from './core/crypto/noble';",
      "export { readDscList } from './core/dsc-list';",
      "export { KeyStore } from './core/keys';",
      "export { validateDccSchemaPrecompiled } from './core/dcc-schema-precompiled';",
      "export { verifyTrustList } from './core/trustlist';",
      "export { verifySourceList } from './core/sourcelist';",
      "export { fromBase64, toBase64 } from './core/bytes';",
      "export { outcomeOf, sealedRecipientKids } from './core/outcome';",
      "export { createVerifier, listState, mergeList, OlderList, signedTrustList } from './core/verifier';",
      "export { certificateView, missingValue, trustListValue, trustValue, renderValue, rawValue, format, msg, text, LANGS, LANG_NAMES, isLang, preferredLang, textDirection } from './core/view';",
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

export const STRINGS_WXS_OUT = 'miniprogram/i18n/strings.wxs';
/** The WXS module's name in WXML: `<wxs src="../../i18n/strings.wxs" module="str" />`, then {{str[lang].key}}. */
const STRINGS_MODULE = 'str';

/** Every .wxml file under `dir`, skipping the subpackages (the officer's verify page keeps its own strings). */
function wxmlFiles(dir, skip) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!skip.has(path)) out.push(...wxmlFiles(path, skip));
    } else if (entry.name.endsWith('.wxml')) out.push(path);
  }
  return out.sort();
}

/** What `contents` (TypeScript re-exporting the project's modules) exports, bundled and evaluated here. */
function evaluateTs(contents) {
  const built = buildSync({
    absWorkingDir: ROOT,
    stdin: { contents, resolveDir: ROOT, loader: 'ts' },
    bundle: true,
    write: false,
    format: 'cjs',
    platform: 'neutral',
    logLevel: 'silent',
  });
  const module = { exports: {} };
  new Function('module', 'exports', built.outputFiles[0].text)(module, module.exports);
  return module.exports;
}

/** The zh and en tables of miniprogram/i18n, evaluated from their TypeScript. */
function stringTables() {
  return evaluateTs("export { zh } from './miniprogram/i18n/zh'; export { en } from './miniprogram/i18n/en';");
}

/**
 * A string as a WXS literal. WeChat's WXS compiler (wcc) keeps the escapes \" \' \\ and \uXXXX
 * as the escape's own text (measured: "x\"y" shows as x\x22y), while \n and \t work; so a
 * double quote is joined in from a single-quoted literal and nothing else is escaped. A backslash or
 * another control character has no literal that survives: the build refuses it.
 */
function wxsString(text, key) {
  if (/[\\\u0000-\u0008\u000b-\u001f\u2028\u2029]/.test(text))
    throw new Error(`the string ${key} holds a backslash or a control character, which WXS cannot carry`);
  const quoted = (part) => `"${part.replace(/\n/g, '\\n').replace(/\t/g, '\\t')}"`;
  return text.split('"').map(quoted).join(` + '"' + `);
}

/**
 * The strings module: { text, keys }, every key of both tables. A key the main package's WXML names
 * as str[lang].key that is no key of the tables is a build error (it would show as blank text on a
 * phone); a lookup by a key from the data (str[lang][item.question]) takes a key the page code typed
 * as a MessageKey, so TypeScript checks it.
 */
export function stringsWxsModule() {
  const app = JSON.parse(readFileSync(join(ROOT, 'miniprogram/app.json'), 'utf8'));
  const skip = new Set((app.subpackages ?? app.subPackages ?? []).map((p) => join(ROOT, 'miniprogram', p.root)));
  const { zh, en } = stringTables();
  const problems = [];
  for (const file of wxmlFiles(join(ROOT, 'miniprogram'), skip)) {
    const wxml = readFileSync(file, 'utf8');
    for (const m of wxml.matchAll(new RegExp(`\\b${STRINGS_MODULE}\\[lang\\]\\.(\\w+)`, 'g'))) {
      if (!Object.prototype.hasOwnProperty.call(zh, m[1])) problems.push(`${relative(ROOT, file)}: ${m[1]} is no key of miniprogram/i18n/zh.ts`);
    }
  }
  if (problems.length) throw new Error(`the pages' strings cannot be built:\n  ${problems.join('\n  ')}`);
  const keys = Object.keys(zh);
  const table = (t) => `{\n${keys.map((k) => `    ${k}: ${wxsString(t[k], k)}`).join(',\n')}\n  }`;
  const text = [
    '// GENERATED by scripts/mp-bundle.mjs from miniprogram/i18n/zh.ts and en.ts: do not edit (npm run build).',
    `// The strings the pages show, read in WXML as {{${STRINGS_MODULE}[lang].key}}; WXS runs in the view layer, so they never travel through setData.`,
    `module.exports = {\n  zh: ${table(zh)},\n  en: ${table(en)}\n};`,
    '',
  ].join('\n');
  return { text, keys };
}

/** Writes a generated strings module to `out` when it differs; returns { out, count, written }. */
function writeWxsModule(out, { text, keys }) {
  return { out: relative(ROOT, out) || out, count: keys.length, written: writeIfChanged(out, text) };
}

export const VERIFY_STRINGS_WXS_OUT = 'miniprogram/packageVerify/lib/strings.wxs';

/** The verify page's chrome (six languages) and the shared catalogue, evaluated from their TypeScript. */
function verifyTables() {
  return evaluateTs("export { CHROME } from './miniprogram/packageVerify/i18n'; export { CATALOGUE } from './core/view/catalogue';");
}

/**
 * The catalogue's words a verify page shows for every certificate, by language: the line labels
 * (`label.*`) and section titles (`section.*`) that take no parameters, keyed by the code's last part
 * (label.sampleTime → sampleTime). The page sends such a label as that key and any other label (a
 * DCC field's path, the verifier's error code) as its text; `label` and `section` give the text of a
 * key and any other string as it is (a key is a camelCase word, which neither of those is).
 */
export function verifyWords(catalogue) {
  // The codes from English (the catalogue's reference); every language gives each as plain text.
  const codes = (prefix) =>
    Object.entries(catalogue.en)
      .filter(([code, m]) => code.startsWith(prefix) && typeof m === 'string' && !/\{[\w+-]+\}/.test(m))
      .map(([code]) => code);
  const words = (lang, messages, prefix) =>
    Object.fromEntries(
      codes(prefix).map((code) => {
        if (typeof messages[code] !== 'string')
          throw new Error(`the catalogue's ${lang} ${code} is not plain text, which the verify page's strings module needs`);
        return [code.slice(prefix.length), messages[code]];
      }),
    );
  return Object.fromEntries(
    Object.entries(catalogue).map(([lang, messages]) => [lang, { label: words(lang, messages, 'label.'), section: words(lang, messages, 'section.') }]),
  );
}

/**
 * The verify page's strings module: { text, keys } (the chrome's keys). A key the page's WXML names
 * as str[lang].key that the chrome lacks is a build error, as for the main package.
 */
export function verifyStringsWxsModule() {
  const { CHROME, CATALOGUE } = verifyTables();
  const words = verifyWords(CATALOGUE);
  const keys = Object.keys(CHROME.en);
  const problems = [];
  for (const file of wxmlFiles(join(ROOT, 'miniprogram/packageVerify'), new Set())) {
    for (const m of readFileSync(file, 'utf8').matchAll(new RegExp(`\\b${STRINGS_MODULE}\\[lang\\]\\.(\\w+)`, 'g'))) {
      if (!keys.includes(m[1])) problems.push(`${relative(ROOT, file)}: ${m[1]} is no key of miniprogram/packageVerify/i18n.ts`);
    }
  }
  if (problems.length) throw new Error(`the verify page's strings cannot be built:\n  ${problems.join('\n  ')}`);
  const object = (t, indent) =>
    `{\n${Object.keys(t)
      .map((k) => `${indent}  ${k}: ${wxsString(t[k], k)}`)
      .join(',\n')}\n${indent}}`;
  const langs = Object.keys(CHROME);
  const text = [
    '// GENERATED by scripts/mp-bundle.mjs from miniprogram/packageVerify/i18n.ts and core/view/messages: do not edit (npm run build).',
    `// The verify page's words in six languages, read in WXML ({{${STRINGS_MODULE}[lang].key}}, {{${STRINGS_MODULE}.label(lang, key)}}, {{${STRINGS_MODULE}.section(lang, key)}}); WXS runs in the view layer, so they never travel through setData.`,
    `var label = {\n${langs.map((l) => `  ${l}: ${object(words[l].label, '  ')}`).join(',\n')}\n};`,
    `var section = {\n${langs.map((l) => `  ${l}: ${object(words[l].section, '  ')}`).join(',\n')}\n};`,
    '// The text of a key of `table`; anything else (a label written out by the page) as it is.',
    'function word(table, lang, key) {\n  var w = table[lang][key];\n  return w === undefined ? key : w;\n}',
    'module.exports = {',
    ...langs.map((l) => `  ${l}: ${object(CHROME[l], '  ')},`),
    '  label: function (lang, key) {\n    return word(label, lang, key);\n  },',
    '  section: function (lang, key) {\n    return word(section, lang, key);\n  }',
    '};',
    '',
  ].join('\n');
  return { text, keys };
}

/**
 * An esbuild plugin that builds the message catalogue (core/view/catalogue.ts) with only the tables
 * of `langs`: each other language's table is an empty one, so its messages fall back to English.
 */
function catalogueLangs(langs) {
  return {
    // The languages in the name: the build's fingerprint takes the plugin's name and code, not what it closes over.
    name: `catalogue-langs:${langs.join(',')}`,
    setup(build) {
      build.onResolve({ filter: /^\.\/messages\/[a-z]{2}$/ }, (args) => {
        const lang = args.path.slice(-2);
        if (!args.importer.endsWith(join('core', 'view', 'catalogue.ts')) || langs.includes(lang)) return undefined;
        return { path: lang, namespace: 'catalogue-left-out' };
      });
      build.onLoad({ filter: /.*/, namespace: 'catalogue-left-out' }, (args) => ({ contents: `export const ${args.path} = {};`, loader: 'js' }));
    },
  };
}

/** The esbuild options of a bundle (also what its manifest record fingerprints). */
function bundleOptions(b) {
  return {
    ...(b.langs ? { plugins: [catalogueLangs(b.langs)] } : {}),
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
  let stringsCurrent = false;
  try {
    const file = join(ROOT, STRINGS_WXS_OUT);
    stringsCurrent = existsSync(file) && readFileSync(file, 'utf8') === stringsWxsModule().text;
  } catch {
    // A WXML naming an unknown key: stale, and the build says why.
  }
  let verifyStringsCurrent = false;
  try {
    const file = join(ROOT, VERIFY_STRINGS_WXS_OUT);
    verifyStringsCurrent = existsSync(file) && readFileSync(file, 'utf8') === verifyStringsWxsModule().text;
  } catch {
    // A WXML naming an unknown key: stale, and the build says why.
  }
  return [
    ...stale,
    ...(anchorsCurrent ? [] : [{ out: TRUST_ANCHORS_OUT }]),
    ...(stringsCurrent ? [] : [{ out: STRINGS_WXS_OUT }]),
    ...(verifyStringsCurrent ? [] : [{ out: VERIFY_STRINGS_WXS_OUT }]),
  ];
}

/**
 * Builds every bundle (or those named), each only when what it is made from changed, and the pinned
 * CSCA when it differs; resolves to { out, bytes, built } for each bundle.
 * @param {{ quiet?: boolean, force?: boolean, cache?: BuildCache }} [opts]  cache: the build run's manifest (saved by its owner)
 */
export async function bundleMiniprogram(bundles = MP_BUNDLES, opts = {}) {
  const cache = opts.cache ?? new BuildCache(ROOT, { force: opts.force });
  let anchors;
  let strings;
  let verifyStrings;
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
    strings = writeWxsModule(join(ROOT, STRINGS_WXS_OUT), stringsWxsModule());
    cache.note(STRINGS_WXS_OUT, strings.written);
    verifyStrings = writeWxsModule(join(ROOT, VERIFY_STRINGS_WXS_OUT), verifyStringsWxsModule());
    cache.note(VERIFY_STRINGS_WXS_OUT, verifyStrings.written);
  } finally {
    if (!opts.cache) cache.save();
  }
  if (!opts.quiet) {
    for (const r of results) process.stderr.write(`${r.built ? 'built' : 'up to date:'} ${r.out} (${(r.bytes / 1024).toFixed(1)} KB)\n`);
    process.stderr.write(`${anchors.written ? 'wrote' : 'up to date:'} ${anchors.out}: ${anchors.count} CSCA certificate(s) pinned from ${anchors.source}\n`);
    process.stderr.write(`${strings.written ? 'wrote' : 'up to date:'} ${strings.out}: ${strings.count} strings in Chinese and English\n`);
    process.stderr.write(
      `${verifyStrings.written ? 'wrote' : 'up to date:'} ${verifyStrings.out}: the verify page's ${verifyStrings.count} strings and the catalogue's labels in six languages\n`,
    );
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
