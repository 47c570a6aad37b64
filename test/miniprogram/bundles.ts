/**
 * The mini program requires the pre-bundled core (miniprogram/lib/ithc-main.js,
 * miniprogram/packageVerify/lib/ithc-verify.js), which `npm run build` generates and git ignores.
 * Test files import this module first: it runs scripts/mp-bundle.mjs when a bundle is missing or
 * older than its sources, so `npx jest test/miniprogram` works on a fresh clone too. The script
 * writes each bundle to a temporary file and renames it, so parallel test files never read half a file.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const SCRIPT = path.join(ROOT, 'scripts/mp-bundle.mjs');

function ensureBundles(): void {
  const check = spawnSync(process.execPath, [SCRIPT, '--check'], { cwd: ROOT, encoding: 'utf8' });
  if (check.status === 0) return;
  const built = spawnSync(process.execPath, [SCRIPT], { cwd: ROOT, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`scripts/mp-bundle.mjs failed:\n${built.stderr}`);
}

ensureBundles();

export const BUNDLES = Object.freeze({
  main: path.join(ROOT, 'miniprogram/lib/ithc-main.js'),
  verify: path.join(ROOT, 'miniprogram/packageVerify/lib/ithc-verify.js'),
});
