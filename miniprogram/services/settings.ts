/** The user's interface preferences, kept on the device: language and care mode. */
import { DEFAULT_LANG, isLang, type Lang } from '../i18n/index';
import { readValue, writeValue } from '../adapters/storage';
import { wechatFontSize } from '../adapters/font';

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

/**
 * The WeChat font size (px) from which care mode turns itself on. WeChat's standard size is 17 and
 * its steps go 17, 18, 20, 22 and up: 20 is the first size clearly chosen for reading ease, and the
 * size at which the normal layout's 28rpx hints are smaller than the user asked for everywhere else.
 */
export const CARE_FONT_SIZE = 20;

/** Where the care mode in force comes from: the user's own choice in Settings, or WeChat's font size. */
export type CareSource = 'chosen' | 'fontSize' | 'default';

/**
 * Care mode (关怀模式): larger text and higher contrast on every page. The user's choice in
 * Settings wins, on or off; until they choose, it follows WeChat's font size (on from
 * CARE_FONT_SIZE).
 */
export function getCareState(): { care: boolean; source: CareSource } {
  const chosen = readValue(CARE_KEY);
  if (chosen === true || chosen === false) return { care: chosen, source: 'chosen' };
  const size = wechatFontSize();
  return size !== undefined && size >= CARE_FONT_SIZE ? { care: true, source: 'fontSize' } : { care: false, source: 'default' };
}

export function getCareMode(): boolean {
  return getCareState().care;
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
