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
import { LOCALE } from './lang';
import type { Message, Params, PluralCategory } from './message';
import { ar } from './messages/ar';
import { en } from './messages/en';
import { es } from './messages/es';
import { fr } from './messages/fr';
import { ru } from './messages/ru';
import { zh } from './messages/zh';

import type { MessageCode, Messages } from './messages/types';

export type { MessageCode, Messages };

export const CATALOGUE: Readonly<Record<Lang, Messages>> = Object.freeze({ ar, zh, en, fr, ru, es });

/** The message code that explains an error code. */
export function errorMessage(code: ErrorCode): MessageCode {
  return `error.${code}`;
}

export function isMessageCode(code: string): code is MessageCode {
  return Object.prototype.hasOwnProperty.call(en, code);
}

type PluralSelect = (n: number) => PluralCategory;
const pluralRules = new Map<Lang, PluralSelect>();

/** The plural category of `n` in `lang`: Intl.PluralRules where it exists, else 'other'. */
export function pluralCategory(lang: Lang, n: number): PluralCategory {
  let select = pluralRules.get(lang);
  if (!select) {
    select = () => 'other';
    try {
      if (typeof Intl !== 'undefined' && typeof Intl.PluralRules === 'function') {
        const rules = new Intl.PluralRules(LOCALE[lang]);
        select = (x) => rules.select(x);
      }
    } catch {
      // A runtime with a partial Intl (no data for this locale): the 'other' form.
    }
    pluralRules.set(lang, select);
  }
  return select(n);
}

/** The text of a message in `lang` before its placeholders are filled: the plural form for `n`. */
export function messageText(lang: Lang, code: MessageCode, n?: number): string {
  return pluralForm(lang, CATALOGUE[lang][code] ?? en[code], n);
}

function pluralForm(lang: Lang, m: Message, n: number | undefined): string {
  if (typeof m === 'string') return m;
  const form = n === undefined ? 'other' : pluralCategory(lang, n);
  return m[form] ?? m.other;
}

/**
 * A message of any table (a surface's own chrome uses this too) filled in: the plural form for
 * params.n, then `{name}` replaced by params.name. A placeholder without its parameter stays as
 * written, so a missing parameter shows rather than hides.
 */
export function fillMessage(lang: Lang, m: Message, params: Params = {}): string {
  const n = params.n;
  return pluralForm(lang, m, typeof n === 'number' ? n : undefined).replace(/\{([\w+-]+)\}/g, (whole, k: string) =>
    Object.prototype.hasOwnProperty.call(params, k) ? String(params[k]) : whole,
  );
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
