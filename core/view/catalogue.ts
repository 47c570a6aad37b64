/**
 * The message catalogue: every word a verifier shows (verdicts, what is missing, trust state,
 * labels, error codes, coded values), in the six languages of core/view/lang.ts, and `format`,
 * which fills a message in. The same table serves the web page, the CLI, the mini program and the
 * PDF: a surface holds no words of its own beyond its own chrome.
 *
 * Plurals: a message with plural forms is chosen by its parameter `n`, through Intl.PluralRules
 * where the runtime has it; where it has not (some mini program runtimes), the `other` form.
 * Nothing here reads a clock or the platform beyond Intl.
 */
import type { ErrorCode } from '../errors';
import type { Lang } from './lang';
import { fillMessage, pluralCategory, pluralForm, type Params } from './message';
import { ar } from './messages/ar';
import { en } from './messages/en';
import { es } from './messages/es';
import { fr } from './messages/fr';
import { ru } from './messages/ru';
import { zh } from './messages/zh';

import type { MessageCode, Messages } from './messages/types';

export type { MessageCode, Messages };
export { fillMessage, pluralCategory };

export const CATALOGUE: Readonly<Record<Lang, Messages>> = Object.freeze({ ar, zh, en, fr, ru, es });

/** The message code that explains an error code. */
export function errorMessage(code: ErrorCode): MessageCode {
  return `error.${code}`;
}

export function isMessageCode(code: string): code is MessageCode {
  return Object.prototype.hasOwnProperty.call(en, code);
}

/** The text of a message in `lang` before its placeholders are filled: the plural form for `n`. */
export function messageText(lang: Lang, code: MessageCode, n?: number): string {
  return pluralForm(lang, CATALOGUE[lang][code] ?? en[code], n);
}

/**
 * A catalogue message in `lang`, filled in (fillMessage; numbers written with Latin digits). A code
 * not in the catalogue is a bug in the caller: it throws.
 */
export function format(lang: Lang, code: MessageCode, params: Params = {}): string {
  if (!isMessageCode(code)) throw new TypeError(`unknown message code ${JSON.stringify(code)}`);
  return fillMessage(lang, CATALOGUE[lang][code] ?? en[code], params);
}

/** The placeholders a text uses, sorted: what every translation of a message must keep. */
export function placeholders(text: string): string[] {
  return [...new Set([...text.matchAll(/\{([\w+-]+)\}/g)].map((m) => m[1]))].sort();
}
