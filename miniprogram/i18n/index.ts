/**
 * Interface language, chosen in the app and independent of the phone's language (an officer abroad
 * may read English on a Chinese phone). Two languages: Chinese (default) and English.
 */
import { zh, type MessageKey, type Messages } from './zh';
import { en } from './en';

export type { MessageKey, Messages };

export const LANGUAGES = Object.freeze(['zh', 'en'] as const);
export type Lang = (typeof LANGUAGES)[number];
export const DEFAULT_LANG: Lang = 'zh';

const TABLES: Readonly<Record<Lang, Messages>> = Object.freeze({ zh, en });

export function isLang(value: unknown): value is Lang {
  return value === 'zh' || value === 'en';
}

/** The whole table for one language, for a page's view model. */
export function messages(lang: Lang): Messages {
  const table = TABLES[lang];
  if (!table) throw new TypeError(`unknown language: ${String(lang)}`);
  return table;
}

/** Fills {name} placeholders; a placeholder without a value is left visible rather than blanked. */
export function format(template: string, params: Readonly<Record<string, string | number>> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole,
  );
}

export function t(lang: Lang, key: MessageKey, params?: Readonly<Record<string, string | number>>): string {
  return format(messages(lang)[key], params);
}

export function otherLang(lang: Lang): Lang {
  return lang === 'zh' ? 'en' : 'zh';
}

const TRANSPORT_MESSAGES: Readonly<Record<string, MessageKey>> = Object.freeze({
  NETWORK: 'errorNetwork',
  HTTP_STATUS: 'errorHttpStatus',
  BAD_RESPONSE: 'errorBadResponse',
  CLOUD_UNAVAILABLE: 'errorCloudUnavailable',
});

/**
 * A failed cloud call in the user's language. Function error codes get their own translations as the
 * functions land; until a code has one, the user sees the code itself rather than a blank.
 */
export function cloudErrorText(lang: Lang, error: { code: string; status?: number }): string {
  const key = Object.prototype.hasOwnProperty.call(TRANSPORT_MESSAGES, error.code) ? TRANSPORT_MESSAGES[error.code] : 'errorUnknown';
  return t(lang, key, { code: error.code, status: error.status ?? '' });
}
