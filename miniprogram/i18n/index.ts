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

/** The table key translating a server error code (server/errors.ts), when there is one. */
export function serverErrorKey(code: string): MessageKey | undefined {
  const key = `err_${code}`;
  return Object.prototype.hasOwnProperty.call(zh, key) ? (key as MessageKey) : undefined;
}

/**
 * A failed cloud call in the user's language: transport failures and the server's stable codes
 * have their own translations; an unknown code is shown as itself rather than as a blank. A wait
 * the server asks for (retryAfter, seconds) is added.
 */
export function cloudErrorText(lang: Lang, error: { code: string; status?: number; retryAfter?: number }): string {
  const key = Object.prototype.hasOwnProperty.call(TRANSPORT_MESSAGES, error.code) ? TRANSPORT_MESSAGES[error.code] : serverErrorKey(error.code) ?? 'errorUnknown';
  const text = t(lang, key, { code: error.code, status: error.status ?? '' });
  if (error.retryAfter === undefined || error.retryAfter <= 0) return text;
  const time = error.retryAfter >= 90 ? t(lang, 'minutesShort', { n: Math.ceil(error.retryAfter / 60) }) : t(lang, 'secondsShort', { n: Math.ceil(error.retryAfter) });
  return `${text}${lang === 'zh' ? '，' : '. '}${t(lang, 'retryAfter', { time })}`;
}

/**
 * The server writes what people read as "中文 / English" (docs/functions.md). Picks the part in
 * `lang`; text without the separator is returned whole.
 */
export function pickLanguage(bilingual: string, lang: Lang): string {
  const at = bilingual.indexOf(' / ');
  if (at < 0) return bilingual;
  return (lang === 'zh' ? bilingual.slice(0, at) : bilingual.slice(at + 3)).trim();
}
