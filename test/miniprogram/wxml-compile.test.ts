/** @jest-environment jsdom */
/**
 * Every WXML file of the mini program compiles with WeChat's own compiler (wcc, through
 * miniprogram-compiler), as DevTools would compile it; and the check really fails on broken WXML.
 * jsdom because the compiled templates expect a `window`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const MINIPROGRAM_ROOT = path.resolve(__dirname, '../../miniprogram');
const { wxmlToJs } = require('miniprogram-compiler') as { wxmlToJs: (root: string) => string };

function wxmlFiles(dir: string, root = dir): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : wxmlFiles(full, root);
    return entry.name.endsWith('.wxml') ? [path.relative(root, full).split(path.sep).join('/')] : [];
  });
}

/** Compiles a folder and returns the template function wcc generated for each file. */
function compile(root: string): (file: string) => unknown {
  (globalThis as { __webview_engine_version__?: number }).__webview_engine_version__ = 0.02;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- runs the templates WeChat's compiler generated, as the WeChat runtime does
  return new Function(wxmlToJs(root))() as (file: string) => unknown;
}

function withTempWxml(source: string, run: (root: string) => void): void {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ithc-wxml-'));
  try {
    fs.writeFileSync(path.join(root, 'page.wxml'), source);
    run(root);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

test('every WXML file of the mini program compiles with wcc', () => {
  const files = wxmlFiles(MINIPROGRAM_ROOT);
  expect(files).toContain('pages/home/index.wxml');
  const gwx = compile(MINIPROGRAM_ROOT);
  for (const file of files) expect({ file, template: typeof gwx(file) }).toEqual({ file, template: 'function' });
  // A path wcc was not given has no template, so 'function' above is a real answer.
  expect(gwx('pages/not-a-page/index.wxml')).toBeUndefined();
});

test('every page in app.json has its WXML, WXSS, JSON and TypeScript files', () => {
  const app = JSON.parse(fs.readFileSync(path.join(MINIPROGRAM_ROOT, 'app.json'), 'utf8')) as { pages: string[] };
  expect(app.pages.length).toBeGreaterThan(0);
  for (const page of app.pages) {
    for (const ext of ['.wxml', '.wxss', '.json', '.ts']) {
      expect({ page, ext, exists: fs.existsSync(path.join(MINIPROGRAM_ROOT, page + ext)) }).toEqual({ page, ext, exists: true });
    }
    JSON.parse(fs.readFileSync(path.join(MINIPROGRAM_ROOT, `${page}.json`), 'utf8'));
  }
});

// The same check on broken templates, so a compiler that silently accepted everything would be noticed.
test.each([
  ['an unclosed tag', '<view><text>hi</view>'],
  ['a broken {{ }} expression', '<view>{{ a + }}</view>'],
  ['wx:else without wx:if', '<view wx:else>x</view>'],
])('wcc rejects %s', (_name, source) => {
  withTempWxml(source, (root) => expect(() => wxmlToJs(root)).toThrow(/wxml/));
});

test('wcc accepts the same folder once the template is valid', () => {
  withTempWxml('<view wx:if="{{a}}">{{ a + 1 }}</view><view wx:else>x</view>', (root) => {
    expect(typeof compile(root)('page.wxml')).toBe('function');
  });
});
