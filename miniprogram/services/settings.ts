/** The user's interface preferences, kept on the device: language and care mode. */
import { DEFAULT_LANG, isLang, type Lang } from '../i18n/index';
import { readValue, writeValue } from '../adapters/storage';

const LANG_KEY = 'ithc.lang';
const CARE_KEY = 'ithc.care';

/** The chosen language; Chinese until the user chooses otherwise (never the phone's language). */
export function getLanguage(): Lang {
  const stored = readValue(LANG_KEY);
  return isLang(stored) ? stored : DEFAULT_LANG;
}

export function setLanguage(lang: Lang): void {
  if (!isLang(lang)) throw new TypeError(`unknown language: ${String(lang)}`);
  writeValue(LANG_KEY, lang);
}

/** Care mode (关怀模式): larger text and higher contrast on every page. Off until chosen. */
export function getCareMode(): boolean {
  return readValue(CARE_KEY) === true;
}

export function setCareMode(on: boolean): void {
  if (typeof on !== 'boolean') throw new TypeError('care mode is on or off');
  writeValue(CARE_KEY, on);
}

/** What every page reads on show: the language and the care mode. */
export interface Prefs {
  lang: Lang;
  care: boolean;
}

export function getPrefs(): Prefs {
  return { lang: getLanguage(), care: getCareMode() };
}
