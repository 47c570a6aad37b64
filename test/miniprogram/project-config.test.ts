/**
 * The WeChat DevTools project file and the mini program's app.json: the settings later issues and
 * DevTools rely on (miniprogramRoot, cloudfunctionRoot, the TypeScript compiler plugin).
 */
import fs from 'node:fs';
import path from 'node:path';

const REPO = path.resolve(__dirname, '../..');
const readJson = (file: string) => JSON.parse(fs.readFileSync(path.join(REPO, file), 'utf8'));

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

describe('project.config.json', () => {
  const config = readJson('project.config.json');

  test('points DevTools at existing mini program and cloud function folders', () => {
    expect(config.compileType).toBe('miniprogram');
    for (const key of ['miniprogramRoot', 'cloudfunctionRoot']) {
      expect(typeof config[key]).toBe('string');
      expect(fs.statSync(path.join(REPO, config[key])).isDirectory()).toBe(true);
    }
    expect(fs.existsSync(path.join(REPO, config.miniprogramRoot, 'app.json'))).toBe(true);
  });

  test('compiles TypeScript with the DevTools compiler plugin', () => {
    expect(config.setting.useCompilerPlugins).toContain('typescript');
  });

  test('asks for a base library with wx.requestFacialVerify (3.8.12 or later)', () => {
    expect(config.libVersion).toMatch(/^\d+\.\d+\.\d+$/);
    expect(compareVersions(config.libVersion, '3.8.12')).toBeGreaterThanOrEqual(0);
  });

  test('carries the placeholder AppID, never a real one', () => {
    expect(config.appid).toBe('touristappid');
  });
});

describe('app.json', () => {
  const app = readJson('miniprogram/app.json');

  test('loads components lazily and uses the current style', () => {
    expect(app.lazyCodeLoading).toBe('requiredComponents');
    expect(app.style).toBe('v2');
    expect(app.pages[0]).toBe('pages/home/index');
  });

  test('names a sitemap that exists', () => {
    const sitemap = readJson(path.join('miniprogram', app.sitemapLocation));
    expect(Array.isArray(sitemap.rules)).toBe(true);
  });
});

test('compareVersions orders base library versions numerically', () => {
  expect(compareVersions('3.10.0', '3.8.12')).toBe(1);
  expect(compareVersions('3.8.12', '3.8.12')).toBe(0);
  expect(compareVersions('3.8.2', '3.8.12')).toBe(-1);
});
