/** @jest-environment jsdom */
/**
 * The strings module the build writes (miniprogram/i18n/strings.wxs, from zh.ts and en.ts), read
 * through WeChat's own compiler: every string of both languages comes out exactly as in the
 * tables, quotes, line breaks and all (wcc keeps most escapes as text, so the generator avoids them).
 */
import './bundles';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MINIPROGRAM_ROOT } from './simulate-page';
import { zh } from '../../miniprogram/i18n/zh';
import { en } from '../../miniprogram/i18n/en';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ithc-wxs-'));
  fs.mkdirSync(path.join(dir, 'i18n'));
  fs.mkdirSync(path.join(dir, 'probe'));
  fs.copyFileSync(path.join(MINIPROGRAM_ROOT, 'i18n/strings.wxs'), path.join(dir, 'i18n/strings.wxs'));
  fs.writeFileSync(
    path.join(dir, 'probe/index.wxml'),
    '<wxs src="../i18n/strings.wxs" module="str" />\n<text wx:for="{{keys}}" wx:key="*this" class="s">{{str[lang][item]}}</text>\n',
  );
  fs.writeFileSync(path.join(dir, 'probe/index.json'), '{"component":true}');
  fs.writeFileSync(path.join(dir, 'probe/index.js'), 'Component({ data: { lang: "zh", keys: [] } })');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test.each([
  ['zh', zh],
  ['en', en],
] as const)('every %s string reads back exactly', (lang, table) => {
  jest.resetModules();
  delete (globalThis as { wx?: unknown }).wx;
  const simulate = require('miniprogram-simulate');
  const comp = simulate.render(simulate.load(path.join(dir, 'probe/index'), { rootPath: dir }));
  comp.attach(document.createElement('parent-wrapper'));
  const keys = Object.keys(zh);
  comp.setData({ lang, keys });
  const shown = comp.querySelectorAll('.s').map((n: { dom: HTMLElement }) => n.dom.textContent);
  expect(shown).toEqual(keys.map((k) => (table as Record<string, string>)[k]));
});
