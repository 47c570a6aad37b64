/**
 * Incremental builds (scripts/build-cache.mjs): an output is built again exactly when something it is
 * made from changed. The decisions run on a small fixture with real esbuild bundles (three entries,
 * two of them sharing a core file, and a step whose input lies outside the sources); the pinned CSCA
 * through the mini program build's own writer; and one run of the real build, twice. Also what the
 * build makes of the CLI's bundles: ASCII only, with tslib's CommonJS build.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BuildCache, MANIFEST, asciiOnly, staleReason } from '../../scripts/build-cache.mjs';
import { certificatePem, createCsca } from '../../server/keys/ca';
import { ROOT } from '../support/build';

const made: string[] = [];
afterAll(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempDir(label: string): string {
  const d = mkdtempSync(join(tmpdir(), `ithc-build-${label}-`));
  made.push(d);
  return d;
}

interface Fixture {
  root: string;
  /** A file outside the sources that one step reads (as the pinned CSCA reads a data folder's csca.pem). */
  external: string;
  write(file: string, text: string): void;
  writeExternal(text: string): void;
  /** Waits until the last write is older than the cache's coarse-clock margin, as a person's save before a build. */
  settle(): Promise<void>;
  /** One build run of the fixture; resolves to the keys it built, sorted. */
  build(opts?: { force?: boolean; minifyA?: boolean }): Promise<string[]>;
}

function fixture(): Fixture {
  const root = tempDir('fixture');
  const external = join(tempDir('external'), 'anchor.pem');
  // File times come from the kernel's coarse clock, so the cache counts a write within a few
  // milliseconds of a build's start as made during it. A person saves, then builds: let that much
  // time pass between a write and the next build.
  let lastWrite = 0;
  const write = (file: string, text: string) => {
    const path = join(root, file);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
    lastWrite = Date.now();
  };
  write('package-lock.json', '{"lockfileVersion":3}\n');
  write('tsconfig.json', '{"compilerOptions":{"target":"ES2022"}}\n');
  write('src/core/shared.ts', "export const shared = 'one';\n");
  write('src/a.ts', "import { shared } from './core/shared';\nconsole.log('a', shared);\n");
  write('src/b.ts', "import { shared } from './core/shared';\nconsole.log('b', shared);\n");
  write('src/c.ts', "console.log('c');\n");
  writeFileSync(external, 'anchor one\n');
  lastWrite = Date.now();
  const settle = async () => {
    const wait = lastWrite + 50 - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  };
  return {
    root,
    external,
    write,
    writeExternal(text) {
      writeFileSync(external, text);
      lastWrite = Date.now();
    },
    settle,
    async build(opts = {}) {
      await settle();
      const cache = new BuildCache(root, { force: opts.force });
      for (const name of ['a', 'b', 'c']) {
        await cache.bundle(`out/${name}.js`, {
          absWorkingDir: root,
          entryPoints: [`src/${name}.ts`],
          outfile: `out/${name}.js`,
          bundle: true,
          platform: 'node',
          format: 'cjs',
          minify: name === 'a' && !!opts.minifyA,
          logLevel: 'silent',
        });
      }
      // A step that is not esbuild, with its input outside the sources.
      await cache.run('out/anchor.txt', { step: 'anchor' }, () => {
        cache.writeOutput(join(root, 'out/anchor.txt'), readFileSync(external, 'utf8').toUpperCase());
        return { inputs: [external], outputs: [join(root, 'out/anchor.txt')] };
      });
      cache.save();
      return [...cache.built].sort();
    },
  };
}

const ALL = ['out/a.js', 'out/anchor.txt', 'out/b.js', 'out/c.js'];

describe('an incremental build (fixture with real esbuild bundles)', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = fixture();
    expect(await f.build()).toEqual(ALL);
    expect(readFileSync(join(f.root, 'out/a.js'), 'utf8')).toContain('one');
  });

  it('builds nothing the second time, and records every input esbuild read', async () => {
    expect(await f.build()).toEqual([]);
    const manifest = JSON.parse(readFileSync(join(f.root, MANIFEST), 'utf8'));
    expect(Object.keys(manifest.outputs).sort()).toEqual(ALL);
    expect(Object.keys(manifest.outputs['out/a.js'].inputs).sort()).toEqual(['src/a.ts', 'src/core/shared.ts', 'tsconfig.json']);
    expect(Object.keys(manifest.outputs['out/c.js'].inputs).sort()).toEqual(['src/c.ts', 'tsconfig.json']);
    // The external input is recorded by its absolute path.
    expect(Object.keys(manifest.outputs['out/anchor.txt'].inputs)).toEqual([f.external]);
  });

  it('builds nothing when files are touched or rewritten with the same content', async () => {
    const later = new Date(Date.now() + 60_000);
    for (const file of ['src/core/shared.ts', 'src/a.ts', 'out/b.js']) utimesSync(join(f.root, file), later, later);
    f.write('src/c.ts', "console.log('c');\n");
    f.writeExternal('anchor one\n');
    expect(await f.build()).toEqual([]);
  });

  it('rebuilds exactly the bundles that include a changed core file', async () => {
    f.write('src/core/shared.ts', "export const shared = 'two';\n");
    expect(await f.build()).toEqual(['out/a.js', 'out/b.js']);
    expect(readFileSync(join(f.root, 'out/a.js'), 'utf8')).toContain('two');
    expect(readFileSync(join(f.root, 'out/b.js'), 'utf8')).toContain('two');
    expect(await f.build()).toEqual([]);
  });

  it('rebuilds only the entry whose own file changed', async () => {
    f.write('src/c.ts', "console.log('c changed');\n");
    expect(await f.build()).toEqual(['out/c.js']);
  });

  it('rebuilds a deleted output, and one changed by hand', async () => {
    rmSync(join(f.root, 'out/c.js'));
    writeFileSync(join(f.root, 'out/b.js'), 'edited by hand\n');
    expect(await f.build()).toEqual(['out/b.js', 'out/c.js']);
    expect(existsSync(join(f.root, 'out/c.js'))).toBe(true);
    expect(readFileSync(join(f.root, 'out/b.js'), 'utf8')).toContain('two');
  });

  it('rebuilds the step whose input outside the sources changed, and nothing else', async () => {
    f.writeExternal('anchor two\n');
    expect(await f.build()).toEqual(['out/anchor.txt']);
    expect(readFileSync(join(f.root, 'out/anchor.txt'), 'utf8')).toBe('ANCHOR TWO\n');
  });

  it('rebuilds an output whose build options changed', async () => {
    expect(await f.build({ minifyA: true })).toEqual(['out/a.js']);
    expect(await f.build({ minifyA: true })).toEqual([]);
    expect(await f.build()).toEqual(['out/a.js']);
  });

  it('rebuilds everything when the installed packages (package-lock.json) or a tsconfig.json changed', async () => {
    f.write('package-lock.json', '{"lockfileVersion":3,"packages":{}}\n');
    expect(await f.build()).toEqual(ALL);
    f.write('tsconfig.json', '{"compilerOptions":{"target":"ES2020"}}\n');
    expect(await f.build()).toEqual(['out/a.js', 'out/b.js', 'out/c.js']);
  });

  it('rebuilds everything when forced', async () => {
    expect(await f.build({ force: true })).toEqual(ALL);
    expect(await f.build()).toEqual([]);
  });

  it('rebuilds everything when the manifest is missing or unreadable', async () => {
    writeFileSync(join(f.root, MANIFEST), '{ not json');
    expect(await f.build()).toEqual(ALL);
    rmSync(join(f.root, MANIFEST));
    expect(await f.build()).toEqual(ALL);
  });

  it('does not trust a record when an input changed while the step ran', async () => {
    await f.settle();
    const cache = new BuildCache(f.root);
    await cache.run('out/raced.txt', {}, () => {
      cache.writeOutput(join(f.root, 'out/raced.txt'), readFileSync(join(f.root, 'src/c.ts')));
      // Someone saves the source after the step read it.
      f.write('src/c.ts', "console.log('c saved during the build');\n");
      return { inputs: [join(f.root, 'src/c.ts')], outputs: [join(f.root, 'out/raced.txt')] };
    });
    cache.save();
    const next = new BuildCache(f.root);
    expect(next.staleReason('out/raced.txt', next.fingerprint({}))).toBe('not built before');
  });

  it('keeps the records of builds that saved meanwhile', async () => {
    await f.settle();
    const one = new BuildCache(f.root);
    const two = new BuildCache(f.root);
    for (const [cache, name] of [
      [one, 'one'],
      [two, 'two'],
    ] as const) {
      await cache.run(`out/${name}.txt`, {}, () => {
        cache.writeOutput(join(f.root, `out/${name}.txt`), name);
        return { inputs: [join(f.root, 'src/c.ts')], outputs: [join(f.root, `out/${name}.txt`)] };
      });
    }
    one.save();
    two.save();
    const after = new BuildCache(f.root);
    expect(after.staleReason('out/one.txt', after.fingerprint({}))).toBeNull();
    expect(after.staleReason('out/two.txt', after.fingerprint({}))).toBeNull();
  });
});

describe('staleReason', () => {
  const record = { fingerprint: 'fp', inputs: { 'a.ts': 'h1', 'new.ts': null }, outputs: { 'out.js': 'o1' } };
  const hashes = (over: Record<string, string | null>) => (file: string) =>
    file in over ? over[file] : ({ 'a.ts': 'h1', 'new.ts': null, 'out.js': 'o1' } as Record<string, string | null>)[file];

  it('names what changed', () => {
    expect(staleReason(record, 'fp', hashes({}))).toBeNull();
    expect(staleReason(undefined, 'fp', hashes({}))).toBe('not built before');
    expect(staleReason(record, 'other', hashes({}))).toBe('build options or packages changed');
    expect(staleReason(record, 'fp', hashes({ 'out.js': null }))).toBe('out.js is missing');
    expect(staleReason(record, 'fp', hashes({ 'out.js': 'o2' }))).toBe('out.js was changed');
    expect(staleReason(record, 'fp', hashes({ 'a.ts': 'h2' }))).toBe('a.ts changed');
    expect(staleReason(record, 'fp', hashes({ 'a.ts': null }))).toBe('a.ts was removed');
    // A file that was looked for and absent (a resolution candidate) and now exists.
    expect(staleReason(record, 'fp', hashes({ 'new.ts': 'h3' }))).toBe('new.ts appeared');
  });
});

describe('the pinned CSCA (scripts/mp-bundle.mjs writeTrustAnchors)', () => {
  it('is written when its source changed, and only then', () => {
    const dir = tempDir('anchors');
    const pem = join(dir, 'csca.pem');
    const out = join(dir, 'trust-anchors.js');
    const csca = () => certificatePem(createCsca({ country: 'CN', organisation: 'ITHC', now: Date.now() }).certificate);
    const first = csca();
    const second = csca();
    const module = pathToFileURL(join(ROOT, 'scripts/mp-bundle.mjs')).href;
    // One child process for the sequence: each step changes the source, then writes twice.
    const script = `
      import { writeFileSync, utimesSync } from 'node:fs';
      import { writeTrustAnchors } from ${JSON.stringify(module)};
      const pem = ${JSON.stringify(pem)}, out = ${JSON.stringify(out)};
      const env = { ITHC_MP_CSCA: pem };
      const steps = [];
      const write = (e = env) => writeTrustAnchors({ out, env: e }).written;
      writeFileSync(pem, ${JSON.stringify(first)});
      steps.push(write(), write());
      const later = new Date(Date.now() + 60000);
      utimesSync(pem, later, later);
      steps.push(write());
      writeFileSync(pem, ${JSON.stringify(second)});
      steps.push(write(), write());
      // No ITHC_MP_CSCA and a data folder without csca.pem: nothing pinned, which differs again.
      steps.push(write({ ITHC_DATA_DIR: ${JSON.stringify(join(dir, 'empty-data'))} }));
      console.log(JSON.stringify(steps));
    `;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual([true, false, false, true, false, true]);
    expect(readFileSync(out, 'utf8')).toContain('PINNED_CSCAS: Object.freeze([])');
  });
});

describe('the real build (scripts/build.mjs buildAll)', () => {
  it('run twice, builds nothing the second time, and accounts for every output', () => {
    const script = `
      import { buildAll, ENTRIES } from ${JSON.stringify(pathToFileURL(join(ROOT, 'scripts/build.mjs')).href)};
      import { MP_BUNDLES, TRUST_ANCHORS_OUT } from ${JSON.stringify(pathToFileURL(join(ROOT, 'scripts/mp-bundle.mjs')).href)};
      const first = await buildAll({ quiet: true });
      const second = await buildAll({ quiet: true });
      const expected = [...ENTRIES.filter((e) => !e.optional).map((e) => e.out), 'dist/web', 'cloudfunctions/certificate/fonts', ...MP_BUNDLES.map((b) => b.out), TRUST_ANCHORS_OUT];
      console.log(JSON.stringify({ first, second, expected }));
    `;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', maxBuffer: 16 << 20 });
    expect(r.status).toBe(0);
    const { first, second, expected } = JSON.parse(r.stdout) as {
      first: { built: string[]; skipped: string[] };
      second: { built: string[]; skipped: string[] };
      expected: string[];
    };
    expect([...first.built, ...first.skipped]).toEqual(expect.arrayContaining(expected));
    expect(second.built).toEqual([]);
    expect(second.skipped).toEqual(expect.arrayContaining(expected));
  });
});

describe('asciiOnly (scripts/build-cache.mjs): a bundle kept to ASCII means what it meant', () => {
  const utf8 = (s: string) => new TextEncoder().encode(s);
  const run = (bytes: Uint8Array): unknown => {
    const m = { exports: {} as unknown };
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the bundle text under test, run as Node would run it
    new Function('module', new TextDecoder().decode(bytes))(m);
    return m.exports;
  };

  test('an ASCII bundle is returned as it is', () => {
    const bytes = utf8('module.exports = "plain"; // a comment\n');
    expect(asciiOnly(bytes)).toBe(bytes);
  });

  test('characters outside ASCII, in comments and anywhere esbuild leaves them, become escapes that mean the same', () => {
    // A comment as a dependency writes it, and a string, an identifier and a template literal,
    // though esbuild escapes those itself.
    const source = 'const \u03c0 = 3; /* 2^32 \u2212 1, 44\u22c532 */ // \u00a7DCC\nmodule.exports = ["\u4e2d\u{1f600}", `\u00e9`, \u03c0];\n';
    const out = asciiOnly(utf8(source));
    expect([...out].every((b) => b < 0x80)).toBe(true);
    expect(new TextDecoder().decode(out)).toContain('/* 2^32 \\u{2212} 1, 44\\u{22c5}32 */ // \\u{a7}DCC');
    expect(run(out)).toEqual(run(utf8(source)));
    expect(run(out)).toEqual(['\u4e2d\u{1f600}', '\u00e9', 3]);
  });

  test('refuses a line or paragraph separator, which ends a // comment where its escape would not', () => {
    expect(() => asciiOnly(utf8('// a comment\u2028module.exports = 1;\n'))).toThrow(/U\+2028 or U\+2029/);
  });

  test("the CLI's bundles, which load with a code cache, are ASCII", () => {
    for (const f of ['dist/cli.cjs', 'dist/cli-worker.cjs'])
      expect({ f, ascii: readFileSync(join(ROOT, f)).every((b) => b < 0x80) }).toEqual({ f, ascii: true });
  });
});

test("tslib is bundled once, as CommonJS: the ESM build would be copied into a new object at each of the ASN.1 modules' require()s", () => {
  const cli = readFileSync(join(ROOT, 'dist/cli.cjs'), 'utf8');
  // The ASN.1 modules that read DSC lists are in the CLI's bundle and require tslib ~70 times.
  expect(cli.match(/require_tslib\(\)/g)?.length ?? 0).toBeGreaterThan(10);
  expect(cli).not.toMatch(/__toCommonJS\(tslib_es6_exports\)/);
});
