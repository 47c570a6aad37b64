/**
 * bin/code-cache.js: the CLI's bundles load with the V8 code cache the build wrote beside them,
 * and a cache made from other source is never used, even one V8 itself would take.
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { Worker } from 'node:worker_threads';
import { sampleDcc, signDcc } from '../../bench/fixtures';
import { runNode } from '../support/build';
import { CODE_CACHES, ROOT, ensureBuilt, runCli, tempDir, trustFiles } from './helpers';

const { makeCodeCache, requireWithCodeCache } = require('../../bin/code-cache.js') as {
  makeCodeCache(file: string, exercise?: (exports: unknown) => Promise<unknown>): Promise<Buffer>;
  requireWithCodeCache(file: string): unknown;
};

beforeAll(() => ensureBuilt(), 300_000);

test.each(CODE_CACHES)('%s begins with the SHA-256 of its bundle, and this Node takes the rest', (cacheFile) => {
  const bundle = join(ROOT, cacheFile.replace(/\.v8-cache$/, ''));
  const source = readFileSync(bundle, 'utf8');
  const cache = readFileSync(join(ROOT, cacheFile));
  expect(cache.subarray(0, 32).equals(createHash('sha256').update(source).digest())).toBe(true);
  expect(new Script(Module.wrap(source), { filename: bundle, cachedData: cache.subarray(32) }).cachedDataRejected).toBe(false);
  // Node 20 loses import()'s handler in code from a cache: the build keeps import() out of these.
  expect(source).not.toMatch(/\bimport\(/);
});

test('a cache of other source of the same length is not used: V8 alone would run the old code', async () => {
  const dir = tempDir();
  const [a, b] = [join(dir, 'a.cjs'), join(dir, 'b.cjs')];
  writeFileSync(a, 'module.exports = 1 + 0;\n');
  writeFileSync(b, 'module.exports = 2 + 0;\n');
  const cacheOfA = await makeCodeCache(a);
  // What V8 does with it on its own: it checks the length only, and runs a's code.
  const unguarded = new Script(Module.wrap(readFileSync(b, 'utf8')), { filename: b, cachedData: cacheOfA.subarray(32) });
  expect(unguarded.cachedDataRejected).toBe(false);
  const m = { exports: {} as unknown };
  unguarded.runInThisContext().call(m.exports, m.exports, require, m, b, dir);
  expect(m.exports).toBe(1);
  // Beside b, as a stale build would leave it; and beside a, where it belongs.
  writeFileSync(`${b}.v8-cache`, cacheOfA);
  expect(requireWithCodeCache(b)).toBe(2);
  writeFileSync(`${a}.v8-cache`, cacheOfA);
  expect(requireWithCodeCache(a)).toBe(1);
});

test('a module loaded so requires beside itself and knows its own path, with its cache and without', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'beside.cjs'), 'module.exports = "beside";\n');
  writeFileSync(join(dir, 'main.cjs'), 'module.exports = { beside: require("./beside.cjs"), file: __filename, dir: __dirname };\n');
  for (const withCache of [false, true]) {
    if (withCache) writeFileSync(join(dir, 'main.cjs.v8-cache'), await makeCodeCache(join(dir, 'main.cjs')));
    expect(requireWithCodeCache(join(dir, 'main.cjs'))).toEqual({ beside: 'beside', file: join(dir, 'main.cjs'), dir });
  }
});

test('a cache made after an exercise keeps the functions it compiled, which the top level alone leaves uncompiled', async () => {
  const dir = tempDir();
  const file = join(dir, 'lazy.cjs');
  // V8 compiles a function when it is first called: the top level here calls none of them.
  const bodies = Array.from({ length: 50 }, (_, i) => `  f${i}(x) { let s = 0; for (let j = 0; j < x; j++) s += j * ${i} + (s >> 1); return s; },`);
  writeFileSync(file, `module.exports = {\n${bodies.join('\n')}\n};\n`);
  const bare = await makeCodeCache(file);
  const exercised = await makeCodeCache(file, async (m) => {
    for (const f of Object.values(m as Record<string, (x: number) => number>)) f(3);
    return Promise.resolve();
  });
  expect(exercised.length).toBeGreaterThan(bare.length + 50 * 40);
  // Both are caches of the same source: each loads, and every function answers as the module
  // loaded with no cache beside it does.
  type Lazy = Record<string, (x: number) => number>;
  const answers = (m: Lazy) => Object.entries(m).map(([name, f]) => [name, [0, 1, 4, 9].map(f)]);
  const plain = answers(requireWithCodeCache(file) as Lazy);
  expect(plain).toHaveLength(50);
  for (const cache of [bare, exercised]) {
    writeFileSync(`${file}.v8-cache`, cache);
    expect(answers(requireWithCodeCache(file) as Lazy)).toEqual(plain);
  }
});

test("the build made the CLI's caches after verifying codes: each holds more than its top level compiles", async () => {
  const cli = join(ROOT, 'dist/cli.cjs');
  expect(readFileSync(`${cli}.v8-cache`).length).toBeGreaterThan((await makeCodeCache(cli)).length * 1.1);
  // The worker's bundle listens for its settings when it loads, as in a worker bin/ithc.js started.
  const worker = join(ROOT, 'dist/cli-worker.cjs');
  const { WORKER_MARK, AWAIT_SETTINGS } = require('../../cli/workers') as typeof import('../../cli/workers');
  const w = new Worker(
    `const { parentPort } = require('node:worker_threads');
     require(${JSON.stringify(join(ROOT, 'bin/code-cache.js'))}).makeCodeCache(${JSON.stringify(worker)}).then((b) => { parentPort.postMessage(b.length); process.exit(0); });`,
    { eval: true, workerData: { [WORKER_MARK]: AWAIT_SETTINGS } },
  );
  const [bareLength] = (await once(w, 'message')) as [number];
  expect(readFileSync(`${worker}.v8-cache`).length).toBeGreaterThan(bareLength * 1.1);
});

test('the CLI without the caches beside its bundles (a build that made none) verifies as with them', async () => {
  // bin/ and dist/ copied without the .v8-cache files: bin/ithc.js finds its bundles at ../dist.
  const dir = tempDir();
  for (const f of ['bin/ithc.js', 'bin/ithc-worker.js', 'bin/code-cache.js', 'dist/cli.cjs', 'dist/cli-worker.cjs', 'dist/cli-prestart.cjs']) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    copyFileSync(join(ROOT, f), join(dir, f));
  }
  const trust = trustFiles();
  const now = Math.floor(Date.now() / 1000);
  const code = await signDcc(trust.dsc, sampleDcc(1), { iat: now - 3600, exp: now + 86400 });
  const codes = `${code}\n${code}\n`;
  const args = ['verify', '--json', '--trust', trust.list, '-'];
  const [bare, cached] = await Promise.all([runNode(join(dir, 'bin/ithc.js'), args, { input: codes }), runCli(args, { input: codes })]);
  expect(bare).toEqual(cached);
  expect(bare.code).toBe(0);
  expect(bare.stdout.split('\n').filter((l) => l.startsWith('{"valid":true'))).toHaveLength(2);
});

test('a bundle with characters outside ASCII loads as UTF-8, with its cache and without; an ASCII one reads the same either way', async () => {
  const dir = tempDir();
  const wide = join(dir, 'wide.cjs');
  writeFileSync(wide, 'module.exports = "中文 — \u{1f600} é"; // 2^32 − 1\n');
  const narrow = join(dir, 'narrow.cjs');
  writeFileSync(narrow, 'module.exports = "\\u4e2d\\u6587 \\u2014 \\u{1f600} \\u00e9"; // 2^32 \\u{2212} 1\n');
  for (const file of [wide, narrow]) {
    expect(requireWithCodeCache(file)).toBe('中文 — \u{1f600} é');
    const cache = await makeCodeCache(file);
    // The cache names the file's bytes, whatever they decode to.
    expect(cache.subarray(0, 32).equals(createHash('sha256').update(readFileSync(file)).digest())).toBe(true);
    writeFileSync(`${file}.v8-cache`, cache);
    expect(requireWithCodeCache(file)).toBe('中文 — \u{1f600} é');
  }
});
