#!/usr/bin/env node
// The offline DevTools build: runs miniprogram-ci's getCompiledResult — the compiler
// WeChat DevTools and the upload use — on this project, without a network or an AppID, and reports
// each package's size against WeChat's limits (2 MB per package, the main package held to 512 KB here).
//
//   node scripts/mp-compile.mjs            compile; exit 1 on a compile error or a size over its limit
//   node scripts/mp-compile.mjs --zip F    also keep the compiled package as a zip
//
// miniprogram-ci is ~275 MB with ~1,100 packages (measured: `npm install` ~60 s on this machine), so it
// is not a devDependency: on first use it is installed, pinned, into a cache folder outside the
// repository (ITHC_MP_CI_DIR, default ~/.cache/ithc-mp-ci) and reused after that.
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleMiniprogram } from './mp-bundle.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const MINIPROGRAM_CI = 'miniprogram-ci@2.1.42';
const CACHE = resolve(process.env.ITHC_MP_CI_DIR ?? join(homedir(), '.cache', 'ithc-mp-ci'));
const MAIN_LIMIT = 512 * 1024;
const PACKAGE_LIMIT = 2 * 1024 * 1024;

function loadCi() {
  const req = createRequire(join(CACHE, 'package.json'));
  const version = MINIPROGRAM_CI.split('@')[1];
  let installed = false;
  try {
    installed = req('miniprogram-ci/package.json').version === version;
  } catch {
    installed = false;
  }
  if (!installed) {
    process.stderr.write(`mp-compile: installing ${MINIPROGRAM_CI} into ${CACHE} (once; ~275 MB)\n`);
    mkdirSync(CACHE, { recursive: true });
    if (!existsSync(join(CACHE, 'package.json'))) writeFileSync(join(CACHE, 'package.json'), '{"private":true}\n');
    const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--save-exact', MINIPROGRAM_CI], { cwd: CACHE, stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`npm install ${MINIPROGRAM_CI} failed`);
  }
  return { ci: req('miniprogram-ci'), config: req('miniprogram-ci/dist/config/config') };
}

async function main() {
  const zipAt = process.argv.indexOf('--zip');
  const zipPath = zipAt > 0 ? resolve(process.argv[zipAt + 1]) : undefined;
  await bundleMiniprogram(undefined, { quiet: true });
  const { ci, config } = loadCi();
  const work = mkdtempSync(join(tmpdir(), 'ithc-mp-compile-'));
  // The Project wants an upload key even though nothing is uploaded: a throwaway one, made here and
  // deleted afterwards (never a real key, never in the repository).
  const keyPath = join(work, 'throwaway-upload.key');
  writeFileSync(keyPath, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }), { mode: 0o600 });
  const project = new ci.Project({
    appid: 'touristappid',
    type: 'miniProgram',
    projectPath: ROOT,
    privateKeyPath: keyPath,
    ignores: ['node_modules/**/*', 'dist/**/*', '.preview/**/*', 'test/**/*', 'cloudfunctions/**/*'],
  });
  // Offline: the project attributes would otherwise be fetched from WeChat with the AppID.
  project.attr = async () => config.DefaultProjectAttr;
  let files;
  try {
    files = await ci.getCompiledResult(
      { project, desc: 'offline compile check', setting: { useProjectConfig: true }, onProgressUpdate: () => undefined },
      zipPath ?? join(work, 'compiled.zip'),
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  // Package sizes: every compiled file belongs to the subpackage whose root it is under, else the main package.
  const app = JSON.parse((await import('node:fs')).readFileSync(join(ROOT, 'miniprogram/app.json'), 'utf8'));
  const roots = (app.subpackages ?? app.subPackages ?? []).map((s) => s.root.replace(/\/?$/, '/'));
  const sizes = new Map([['main', 0], ...roots.map((r) => [r, 0])]);
  for (const [name, content] of Object.entries(files)) {
    const bytes = typeof content === 'string' ? Buffer.byteLength(content) : content.length;
    const clean = name.replace(/^\/+/, '').replace(/^miniprogram\//, '');
    const root = roots.find((r) => clean.startsWith(r)) ?? 'main';
    sizes.set(root, sizes.get(root) + bytes);
  }
  let failed = false;
  process.stdout.write(`compiled ${Object.keys(files).length} files with ${MINIPROGRAM_CI} (offline)\n`);
  for (const [root, bytes] of sizes) {
    const limit = root === 'main' ? MAIN_LIMIT : PACKAGE_LIMIT;
    const over = bytes > limit;
    failed ||= over;
    process.stdout.write(
      `  ${root === 'main' ? 'main package' : `subpackage ${root}`}: ${(bytes / 1024).toFixed(1)} KB (limit ${limit / 1024} KB)${over ? '  OVER' : ''}\n`,
    );
  }
  if (zipPath) process.stdout.write(`zip: ${zipPath}\n`);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  process.stderr.write(`mp-compile failed: ${e && e.stack ? e.stack : String(e)}\n`);
  process.exit(1);
});
