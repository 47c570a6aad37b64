/**
 * Interface language, chosen in the app and independent of the phone's language (an officer abroad
 * may read English on a Chinese phone). Two languages: Chinese (default) and English.
 */
import { zh, type MessageKey, type Messages } from './zh';
import { en } from './en';
import { formatMessage, isMessageCode } from '../lib/ithc-main';

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
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole));
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
 * A failed cloud call in the user's language. A server error that names its sentence in the shared
 * catalogue (messageCode, params) is said in those words; one naming a sentence this build does not
 * have yet (a newer server) in the server's own bilingual text. Otherwise transport failures and
 * the server's stable codes have their own translations, and an unknown code is shown as itself
 * rather than as a blank. A wait the server asks for (retryAfter, seconds) is added.
 */
export function cloudErrorText(
  lang: Lang,
  error: { code: string; status?: number; retryAfter?: number; message?: string; messageCode?: string; params?: Readonly<Record<string, string | number>> },
): string {
  const key = Object.prototype.hasOwnProperty.call(TRANSPORT_MESSAGES, error.code)
    ? TRANSPORT_MESSAGES[error.code]
    : (serverErrorKey(error.code) ?? 'errorUnknown');
  const text = serverSentence(lang, error) ?? t(lang, key, { code: error.code, status: error.status ?? '' });
  if (error.retryAfter === undefined || error.retryAfter <= 0) return text;
  const time =
    error.retryAfter >= 90 ? t(lang, 'minutesShort', { n: Math.ceil(error.retryAfter / 60) }) : t(lang, 'secondsShort', { n: Math.ceil(error.retryAfter) });
  const ended = lang === 'zh' ? /[。！？]$/.test(text) : /[.!?]$/.test(text);
  return `${text}${lang === 'zh' ? (ended ? '' : '，') : ended ? ' ' : '. '}${t(lang, 'retryAfter', { time })}`;
}

/** The server's own sentence for an error: the catalogue's words for its messageCode, else its bilingual message. */
function serverSentence(lang: Lang, error: { message?: string; messageCode?: string; params?: Readonly<Record<string, string | number>> }): string | undefined {
  if (!error.messageCode) return undefined;
  if (error.messageCode.startsWith('server.') && isMessageCode(error.messageCode)) return formatMessage(lang, error.messageCode, error.params ?? {});
  return error.message ? pickLanguage(error.message, lang) : undefined;
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
