import type { Lang } from './lang';
import { LOCALE } from './lang';

/**
 * The shape of a catalogue entry: a text with {placeholders}, or plural forms chosen by the number
 * in the parameter `n` (CLDR categories; every language gives at least `other`).
 */
export interface Plural {
  readonly zero?: string;
  readonly one?: string;
  readonly two?: string;
  readonly few?: string;
  readonly many?: string;
  readonly other: string;
}

export type Message = string | Plural;

export type PluralCategory = keyof Plural;

/** Parameters of a message: text as given, numbers written with Latin digits. */
export type Params = Readonly<Record<string, string | number>>;

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

export function pluralForm(lang: Lang, m: Message, n: number | undefined): string {
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
