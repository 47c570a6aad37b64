/**
 * bin/code-cache.js: the CLI's bundles load with the V8 code cache the build wrote beside them,
 * and a cache made from other source is never used, even one V8 itself would take.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { sampleDcc, signDcc } from '../../bench/fixtures';
import { runNode } from '../support/build';
import { CODE_CACHES, ROOT, ensureBuilt, runCli, tempDir, trustFiles } from './helpers';

const { makeCodeCache, requireWithCodeCache } = require('../../bin/code-cache.js') as {
  makeCodeCache(file: string): Buffer;
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

test('a cache of other source of the same length is not used: V8 alone would run the old code', () => {
  const dir = tempDir();
  const [a, b] = [join(dir, 'a.cjs'), join(dir, 'b.cjs')];
  writeFileSync(a, 'module.exports = 1 + 0;\n');
  writeFileSync(b, 'module.exports = 2 + 0;\n');
  const cacheOfA = makeCodeCache(a);
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

test('a module loaded so requires beside itself and knows its own path, with its cache and without', () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'beside.cjs'), 'module.exports = "beside";\n');
  writeFileSync(join(dir, 'main.cjs'), 'module.exports = { beside: require("./beside.cjs"), file: __filename, dir: __dirname };\n');
  for (const withCache of [false, true]) {
    if (withCache) writeFileSync(join(dir, 'main.cjs.v8-cache'), makeCodeCache(join(dir, 'main.cjs')));
    expect(requireWithCodeCache(join(dir, 'main.cjs'))).toEqual({ beside: 'beside', file: join(dir, 'main.cjs'), dir });
  }
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
