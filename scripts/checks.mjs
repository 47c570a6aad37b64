#!/usr/bin/env node
// The static checks `npm test` runs before jest (scripts/test.mjs): the import rules of
// docs/architecture.md (dependency-cruiser, .dependency-cruiser.cjs), both typechecks (the root
// project, and the mini program with its own tsconfig and WeChat's typings), ESLint with
// typescript-eslint's type-checked rules (eslint.config.mjs) and the Prettier format (.prettierrc.json;
// `npx prettier --write .` formats).
//
//   node scripts/checks.mjs          run them all (npm run check); exit 1 when any fails
//   node scripts/checks.mjs imports  run the named ones only
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

/** The folders the import rules are checked over: every source folder of the repository. */
export const IMPORT_ROOTS = ['core', 'server', 'node', 'demo', 'cli', 'bin', 'web', 'miniprogram', 'cloudfunctions', 'bench', 'scripts', 'test'];

// The package's exports hide its package.json and bin: the file is named by path.
export const DEPCRUISE = join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
const TSC = require.resolve('typescript/bin/tsc');
export const ESLINT = join(ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js');
// ESLint's cache (git-ignored, under node_modules): a second run re-lints only the files whose content
// changed since, or all of them when the config did. A clean clone (CI) has none and lints everything.
// The cache keys on each file's own content, so a type changed in one file that makes another file's
// code unsafe shows once that file is linted again (edited, or any run without the cache).
export const ESLINT_CACHE = join(ROOT, 'node_modules', '.cache', 'eslint', '.eslintcache');
export const PRETTIER = join(ROOT, 'node_modules', 'prettier', 'bin', 'prettier.cjs');
export const PRETTIER_CACHE = join(ROOT, 'node_modules', '.cache', 'prettier', '.prettiercache');

/** Each check: a name and the command (run with this Node from the repository root). */
export const CHECKS = Object.freeze([
  { name: 'imports', args: [DEPCRUISE, '--config', '.dependency-cruiser.cjs', '--output-type', 'err', ...IMPORT_ROOTS] },
  { name: 'types', args: [TSC, '-p', 'tsconfig.json', '--noEmit'] },
  { name: 'miniprogram-types', args: [TSC, '-p', 'miniprogram/tsconfig.json', '--noEmit'] },
  // The page tests run against both projects' code, so they have a tsconfig of their own.
  { name: 'miniprogram-test-types', args: [TSC, '-p', 'test/miniprogram/tsconfig.json', '--noEmit'] },
  { name: 'lint', args: [ESLINT, '--max-warnings', '0', '--cache', '--cache-strategy', 'content', '--cache-location', ESLINT_CACHE, '.'] },
  { name: 'format', args: [PRETTIER, '--check', '--log-level', 'warn', '--cache', '--cache-strategy', 'content', '--cache-location', PRETTIER_CACHE, '.'] },
]);

/**
 * Runs the checks one after another (each uses a core fully; jest runs after them), printing each
 * one's output and a line with its result; resolves to the names of those that failed.
 * @param {readonly string[]} [only]  names to run; all when empty
 */
export function runChecks(only = []) {
  const failed = [];
  for (const c of CHECKS.filter((c) => only.length === 0 || only.includes(c.name))) {
    const started = performance.now();
    const run = spawnSync(process.execPath, c.args, { cwd: ROOT, stdio: 'inherit' });
    const ok = run.status === 0;
    if (!ok) failed.push(c.name);
    console.log(`check ${c.name}: ${ok ? 'ok' : 'FAILED'} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  }
  return failed;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const only = process.argv.slice(2);
  const unknown = only.filter((n) => !CHECKS.some((c) => c.name === n));
  if (unknown.length) {
    console.error(`unknown check(s): ${unknown.join(', ')} (known: ${CHECKS.map((c) => c.name).join(', ')})`);
    process.exit(2);
  }
  process.exit(runChecks(only).length ? 1 : 0);
}
