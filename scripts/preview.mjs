#!/usr/bin/env node
// `npm run preview`: page previews of the mini program for reviewers without WeChat DevTools.
//
// 1. Renders every page and state (demo data from the real server; Chinese and English, each also
//    in care mode at WeChat's largest font size; docs/local.md lists the states)
//    through miniprogram-simulate — WeChat's own WXML compiler and WXSS — into .preview/html/
//    (test/miniprogram/preview/pages.preview.ts, run by jest because the pages are TypeScript).
// 2. Screenshots each HTML file in headless Chromium (Debian's /usr/bin/chromium, driven by
//    playwright-core) into .preview/<page>-<lang>[-care].png, 750 px wide (a 375-pt phone at 2x,
//    since simulate turns 1rpx into 1px).
//
// For people to look at, not pass/fail. Chinese needs a CJK font (Debian: fonts-noto-cjk).
//   npm run preview                    every page
//   npm run preview -- certificate     only names starting with "certificate"
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM, CHROMIUM_ARGS } from './chromium.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, '.preview');
const HTML = join(OUT, 'html');
const only = process.argv.slice(2);

if (!existsSync(CHROMIUM)) {
  process.stderr.write(`preview: no Chromium at ${CHROMIUM} (Debian: apt-get install chromium fonts-noto-cjk; or set ITHC_CHROMIUM)\n`);
  process.exit(2);
}

rmSync(HTML, { recursive: true, force: true });
mkdirSync(HTML, { recursive: true });
const jest = spawnSync(
  process.execPath,
  ['node_modules/jest/bin/jest.js', '--testMatch', '**/test/miniprogram/preview/pages.preview.ts', '--runInBand', '--silent'],
  { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ITHC_PREVIEW_ONLY: only.join(',') } },
);
if (jest.status !== 0) process.stderr.write('preview: some pages failed to render (see above); screenshotting the others\n');

const { chromium } = await import('playwright-core');
const userDataDir = join(OUT, '.chromium-profile');
rmSync(userDataDir, { recursive: true, force: true });
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: CHROMIUM,
  headless: true,
  viewport: { width: 750, height: 1334 },
  deviceScaleFactor: 1,
  args: [...CHROMIUM_ARGS],
});
const files = readdirSync(HTML)
  .filter((f) => f.endsWith('.html'))
  .sort();
const page = await context.newPage();
for (const f of files) {
  await page.goto(`file://${join(HTML, f)}`);
  await page.waitForLoadState('load');
  const png = join(OUT, f.replace(/\.html$/, '.png'));
  await page.screenshot({ path: png, fullPage: true });
  process.stdout.write(`${png}\n`);
}
await context.close();
rmSync(userDataDir, { recursive: true, force: true });
process.stdout.write(`${files.length} previews in ${OUT}\n`);
