/** The user's interface preferences, kept on the device. */
import { DEFAULT_LANG, isLang, type Lang } from '../i18n/index';
import { readValue, writeValue } from '../adapters/storage';

const LANG_KEY = 'ithc.lang';

/** The chosen language; Chinese until the user chooses otherwise (never the phone's language). */
export function getLanguage(): Lang {
  const stored = readValue(LANG_KEY);
  return isLang(stored) ? stored : DEFAULT_LANG;
}

export function setLanguage(lang: Lang): void {
  if (!isLang(lang)) throw new TypeError(`unknown language: ${String(lang)}`);
  writeValue(LANG_KEY, lang);
}
