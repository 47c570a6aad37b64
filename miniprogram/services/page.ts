/**
 * What every page shows the same way: the language and care mode. Pages put `prefsData()` in their
 * data and call `applyPrefs` on load and on show (the settings page may have changed either in
 * between). The strings are not in a page's data: its WXML reads them from the generated WXS module
 * (miniprogram/i18n/strings.wxs, {{str[lang].key}}), so a language change sends `lang` alone; page
 * code that needs a string for a toast or a line it builds takes it from `messages(lang)`.
 */
import { t, type Lang, type MessageKey } from '../i18n/index';
import { getPrefs } from './settings';
import { setTitle } from '../adapters/ui';

export interface PrefsData {
  lang: Lang;
  care: boolean;
}

export function prefsData(): PrefsData {
  const p = getPrefs();
  return { lang: p.lang, care: p.care };
}

interface PageLike {
  data: { lang: Lang; care: boolean };
  setData(data: Record<string, unknown>): void;
}

/** Applies the stored preferences and sets the title; returns true when the language changed. */
export function applyPrefs(page: PageLike, titleKey: MessageKey): boolean {
  const next = prefsData();
  const changed = next.lang !== page.data.lang;
  if (changed || next.care !== page.data.care) page.setData({ ...next });
  setTitle(t(next.lang, titleKey));
  return changed;
}

const PATH_KEY = /^[A-Za-z_$][\w$]*$/;
const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The part of `next` that differs from `current`, as setData paths ('screen.statusText',
 * 'screen.tests[0].age'): objects with the same keys on both sides are compared key by key, arrays
 * of the same length item by item, and anything else (a value, an object that gained or lost keys,
 * a list that grew) is sent whole when its JSON differs. A certificate shown again with new ages
 * sends the ages, not the code and the records around them.
 */
export function changedPaths(current: Readonly<Record<string, unknown>>, next: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(next)) diff(current[key], next[key], key, out);
  return out;
}

function diff(before: unknown, value: unknown, path: string, out: Record<string, unknown>): void {
  if (value === before) return;
  if (isPlainObject(value) && isPlainObject(before) && sameKeys(value, before) && Object.keys(value).every((k) => PATH_KEY.test(k))) {
    for (const k of Object.keys(value)) diff(before[k], value[k], `${path}.${k}`, out);
  } else if (Array.isArray(value) && Array.isArray(before) && value.length === before.length) {
    value.forEach((item, i) => diff(before[i], item, `${path}[${i}]`, out));
  } else if (JSON.stringify(value) !== JSON.stringify(before)) {
    out[path] = value;
  }
}

function sameKeys(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k));
}

/** setData with only what changed (changedPaths against the page's data); nothing is sent when nothing changed. */
export function setChanged(page: { data: Record<string, unknown>; setData(data: Record<string, unknown>): void }, next: Record<string, unknown>): void {
  const patch = changedPaths(page.data, next);
  if (Object.keys(patch).length) page.setData(patch);
}
