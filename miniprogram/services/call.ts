/**
 * Cloud calls as pages see them: a loading indicator while the call runs (or none, for a refresh
 * behind what the page already shows), and failures already translated into the user's language,
 * with each form field's problem in that language too.
 */
import { callFunction, type CloudError, type CloudResult } from './cloud';
import { cloudErrorText, pickLanguage, t, type Lang } from '../i18n/index';
import { hideLoading, showLoading } from '../adapters/ui';

/** A failure ready to show: the sentence, and what is wrong with each form field. */
export interface ShownError {
  code: string;
  message: string;
  /** Field name → what to fix, in the user's language. */
  fields: Record<string, string>;
  /** The call never reached the server (offline, timeout): a cached copy may stand in. */
  offline: boolean;
}

export type Outcome<T> = { ok: true; data: T } | { ok: false; error: ShownError };

let pending = 0;

/**
 * Calls a cloud function with a loading indicator. Concurrent calls share one indicator, which
 * goes away when the last of them ends.
 */
export async function callWithLoading<T>(lang: Lang, name: string, data: Record<string, unknown> = {}): Promise<Outcome<T>> {
  if (pending++ === 0) showLoading(t(lang, 'loading'));
  let result: CloudResult<T>;
  try {
    result = await callFunction<T>(name, data);
  } finally {
    if (--pending === 0) hideLoading();
  }
  return result.ok ? result : { ok: false, error: shownError(lang, result.error) };
}

/**
 * Calls a cloud function without any indicator: for a refresh behind a saved copy the page already
 * shows, which nothing may cover (the transport's timeout, config.ts requestTimeoutMs, bounds it).
 */
export async function callQuietly<T>(lang: Lang, name: string, data: Record<string, unknown> = {}): Promise<Outcome<T>> {
  const result = await callFunction<T>(name, data);
  return result.ok ? result : { ok: false, error: shownError(lang, result.error) };
}

export function shownError(lang: Lang, error: CloudError): ShownError {
  const fields: Record<string, string> = {};
  for (const [key, text] of Object.entries(error.fields ?? {})) {
    // "idNumber.checkDigit" is a detail of "idNumber": the form shows it under its field.
    const field = key.split('.')[0];
    const picked = pickLanguage(text, lang);
    // The server writes English details in lower case, to follow a colon; alone under a field they start a sentence.
    const said = lang === 'en' ? picked.charAt(0).toUpperCase() + picked.slice(1) : picked;
    fields[field] = fields[field] && fields[field] !== said ? `${fields[field]}${lang === 'zh' ? '；' : '; '}${said}` : said;
  }
  return {
    code: error.code,
    message: cloudErrorText(lang, error),
    fields,
    offline: error.source === 'transport' && error.code === 'NETWORK',
  };
}
