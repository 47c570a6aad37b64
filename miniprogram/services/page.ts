/**
 * What every page shows the same way: the language's strings (`s`), the language and care mode.
 * Pages put `prefsData()` in their data and call `applyPrefs` on load and on show (the settings
 * page may have changed either in between).
 */
import { messages, t, type Lang, type Messages, type MessageKey } from '../i18n/index';
import { getPrefs } from './settings';
import { setTitle } from '../adapters/ui';

export interface PrefsData {
  lang: Lang;
  care: boolean;
  s: Messages;
}

export function prefsData(): PrefsData {
  const p = getPrefs();
  return { lang: p.lang, care: p.care, s: messages(p.lang) };
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
