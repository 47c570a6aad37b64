#!/usr/bin/env node
// Runs the static checks (scripts/checks.mjs: the import rules, both typechecks and lint), then jest once
// over every suite, and prints a plain "N passed, N failed" line that CI reads (jest's own summary is
// not a format CI recognises), after one "skipped:" line per skipped test, which names what it waits
// for (jest lists skipped tests only when it runs a single file). Each check counts as one test in
// that line. Arguments go to jest and make a targeted run: the checks are left out then
// (`node scripts/checks.mjs` runs them alone). Exit code 1 when a check or a test failed.
import { spawnSync } from 'node:child_process';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { runChecks, CHECKS } from './checks.mjs';

const jestArgs = process.argv.slice(2);
const checks = jestArgs.length ? [] : CHECKS;
const failedChecks = checks.length ? runChecks() : [];

const dir = mkdtempSync(join(tmpdir(), 'ithc-jest-'));
const out = join(dir, 'results.json');
const args = ['node_modules/jest/bin/jest.js', '--json', `--outputFile=${out}`, ...jestArgs];
const run = spawnSync(process.execPath, args, { stdio: 'inherit' });
let passed = 0,
  failed = 0,
  skipped = 0;
try {
  const r = JSON.parse(readFileSync(out, 'utf8'));
  passed = r.numPassedTests;
  failed = r.numFailedTests + r.numRuntimeErrorTestSuites;
  skipped = r.numPendingTests + r.numTodoTests;
  for (const file of r.testResults) {
    for (const t of file.assertionResults) {
      if (t.status === 'pending' || t.status === 'todo') console.log(`skipped: ${relative(process.cwd(), file.name)} › ${t.fullName}`);
    }
  }
} catch {
  failed = Math.max(1, failed);
}
rmSync(dir, { recursive: true, force: true });
for (const name of failedChecks) console.log(`failed: check ${name}`);
passed += checks.length - failedChecks.length;
failed += failedChecks.length;
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(run.status === 0 && failed === 0 ? 0 : 1);
