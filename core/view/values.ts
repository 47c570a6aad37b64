/**
 * Typed values of the view model and how each is written in a language: a date, an instant, a
 * duration or an age, a coded value with its value set, a message, a name that has a Chinese and a
 * Latin-script form. The view model holds values, never finished text, so one view renders in any
 * of the six languages without being built again.
 *
 * Dates and times go through Intl.DateTimeFormat where the runtime has it (in UTC: a certificate's
 * instants are not in the officer's zone), and are written in ISO 8601 where it has not.
 */
import { IGG_ASSAYS, iggAssayLabel, issuerLabel, label, lookup, type DccValueSetName } from '../valuesets';
import { format, isMessageCode, type MessageCode } from './catalogue';
import { LOCALE, type Lang } from './lang';

/** Our own code tables (core/valuesets.ts) and the EU value sets a coded value may come from. */
export type CodedSet = DccValueSetName | 'iggResult' | 'iggTarget' | 'iggMethod' | 'iggUnit' | 'sex' | 'documentType' | 'issuer' | 'assay';

export type ParamValue = string | number | Value;

export type Value =
  /** Text as the certificate gives it (a document number, a name written in one script). */
  | { readonly kind: 'text'; readonly text: string }
  /** A name (or text) with a Chinese form and a Latin-script form: Chinese readers get the first, every other the second (or the first when there is no second). */
  | { readonly kind: 'name'; readonly zh: string; readonly latin?: string }
  /** A catalogue message, its parameters values in turn. */
  | { readonly kind: 'message'; readonly code: MessageCode; readonly params?: Readonly<Record<string, ParamValue>> }
  /** A calendar date, YYYY-MM-DD (or YYYY-MM, YYYY when only that is known): not an instant. */
  | { readonly kind: 'date'; readonly date: string }
  /** An instant, seconds since the epoch, shown in UTC. */
  | { readonly kind: 'datetime'; readonly seconds: number }
  | { readonly kind: 'duration'; readonly seconds: number }
  /** How long before the validation time something happened (negative: after it). */
  | { readonly kind: 'age'; readonly seconds: number }
  | { readonly kind: 'coded'; readonly set: CodedSet; readonly code: string }
  /** Values written one after another with a separator ("; " for lists, ", " for parts). */
  | { readonly kind: 'list'; readonly items: readonly Value[]; readonly separator: string };

export const text = (t: string): Value => ({ kind: 'text', text: t });
export const msg = (code: MessageCode, params?: Readonly<Record<string, ParamValue>>): Value =>
  params ? { kind: 'message', code, params } : { kind: 'message', code };
export const coded = (set: CodedSet, code: string): Value => ({ kind: 'coded', set, code });

/**
 * Where instants are shown. Verifiers and the paper show UTC (a certificate's instants are not in
 * the officer's zone); the traveller's own screens may show a fixed zone of their country, named.
 */
export interface DisplayZone {
  /** Offset from UTC in minutes (a fixed zone: no daylight saving rules are applied). */
  readonly offsetMinutes: number;
  /** The zone's name in the catalogue, e.g. 'value.zone.beijing'. */
  readonly name: MessageCode;
}

/** China's standard time, UTC+8 all year: what the traveller's own screens show. */
export const BEIJING_TIME: DisplayZone = Object.freeze({ offsetMinutes: 480, name: 'value.zone.beijing' });

/** A value written in `lang`; instants in UTC unless `zone` is given. */
export function renderValue(lang: Lang, v: Value, zone?: DisplayZone): string {
  switch (v.kind) {
    case 'text':
      return v.text;
    case 'name':
      return lang === 'zh' ? v.zh : (v.latin ?? v.zh);
    case 'message': {
      const params: Record<string, string | number> = {};
      for (const [k, p] of Object.entries(v.params ?? {})) params[k] = typeof p === 'object' ? renderValue(lang, p, zone) : p;
      return format(lang, v.code, params);
    }
    case 'date':
      return formatDate(lang, v.date);
    case 'datetime':
      return formatDateTime(lang, v.seconds, zone);
    case 'duration':
      return formatDuration(lang, v.seconds);
    case 'age':
      return v.seconds >= 0
        ? format(lang, 'value.ago', { duration: formatDuration(lang, v.seconds) })
        : format(lang, 'value.inFuture', { duration: formatDuration(lang, -v.seconds) });
    case 'coded':
      return codedLabel(lang, v.set, v.code);
    case 'list':
      return v.items.map((x) => renderValue(lang, x, zone)).join(v.separator);
  }
}

/**
 * The value as a program reads it, the same in every language: ISO 8601 for dates and instants,
 * seconds for durations, the code for coded values. Renderers put it beside the text (a data
 * attribute, a JSON field) so tests and tools need not parse words.
 */
export function rawValue(v: Value): string {
  switch (v.kind) {
    case 'text':
      return v.text;
    case 'name':
      return v.latin ?? v.zh;
    case 'message':
      return v.code;
    case 'date':
      return v.date;
    case 'datetime':
      return isoSeconds(v.seconds);
    case 'duration':
    case 'age':
      return String(v.seconds);
    case 'coded':
      return v.code;
    case 'list':
      return v.items.map(rawValue).join(v.separator);
  }
}

// --- coded values -----------------------------------------------------------------------------

const regionNames = new Map<Lang, ((code: string) => string | undefined) | null>();

/** A country's name in `lang` (Intl.DisplayNames where present), else the EU value set's label. */
function countryName(lang: Lang, code: string): string {
  let names = regionNames.get(lang);
  if (names === undefined) {
    names = null;
    try {
      const DisplayNames = (Intl as { DisplayNames?: new (l: string[], o: { type: 'region' }) => { of(c: string): string | undefined } }).DisplayNames;
      if (typeof DisplayNames === 'function') {
        const d = new DisplayNames([LOCALE[lang]], { type: 'region' });
        names = (c) => d.of(c);
      }
    } catch {
      names = null;
    }
    regionNames.set(lang, names);
  }
  if (names && /^[A-Z]{2}$/.test(code)) {
    try {
      const n = names(code);
      if (n && n !== code) return n;
    } catch {
      // An unknown region: the value set's label below.
    }
  }
  return label('country', code, lang === 'zh' ? 'zh' : 'en');
}

/** A coded value in `lang`: the catalogue's words for the closed sets, the registered name for the open ones, the code when nothing knows it. */
export function codedLabel(lang: Lang, set: CodedSet, code: string): string {
  const key = `vs.${set}.${code}`;
  if (isMessageCode(key)) return format(lang, key);
  const zh = lang === 'zh' ? 'zh' : 'en';
  switch (set) {
    case 'country':
      return countryName(lang, code);
    case 'issuer':
      return issuerLabel(code, zh);
    case 'assay': {
      const n = Number(code);
      return IGG_ASSAYS.some((a) => a.code === n) ? iggAssayLabel(n, zh) : format(lang, 'value.assayUnknown', { code });
    }
    case 'iggResult':
    case 'iggTarget':
    case 'iggMethod':
    case 'iggUnit':
    case 'sex':
    case 'documentType':
      return code;
    default:
      return lookup(set, code) ? label(set, code, zh) : code;
  }
}

// --- dates, times, durations ------------------------------------------------------------------

function isoSeconds(s: number): string {
  return new Date(s * 1000).toISOString().replace('.000Z', 'Z');
}

type DateFormatter = (d: Date) => string;
const dateFormats = new Map<string, DateFormatter | null>();

function dateFormatter(lang: Lang, kind: 'day' | 'month' | 'time'): DateFormatter | null {
  const key = `${lang}|${kind}`;
  let f = dateFormats.get(key);
  if (f === undefined) {
    f = null;
    try {
      if (typeof Intl !== 'undefined' && typeof Intl.DateTimeFormat === 'function') {
        const opts: Intl.DateTimeFormatOptions =
          kind === 'month'
            ? { year: 'numeric', month: 'long', timeZone: 'UTC' }
            : kind === 'day'
              ? { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' }
              : { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'UTC' };
        const dtf = new Intl.DateTimeFormat(LOCALE[lang], opts);
        f = (d) => dtf.format(d);
      }
    } catch {
      // A runtime without time zone data: ISO 8601 below.
      f = null;
    }
    dateFormats.set(key, f);
  }
  return f;
}

/** A calendar date (YYYY-MM-DD, YYYY-MM or YYYY) in `lang`; anything else as given. */
export function formatDate(lang: Lang, date: string): string {
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(date);
  if (!m || !m[2]) return date;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, m[3] ? Number(m[3]) : 1));
  if (Number.isNaN(d.getTime())) return date;
  const f = dateFormatter(lang, m[3] ? 'day' : 'month');
  return f ? f(d) : date;
}

/** An instant to the minute in `lang`: in UTC, or in `zone` with its name. */
export function formatDateTime(lang: Lang, seconds: number, zone?: DisplayZone): string {
  // The wall clock of a fixed zone is UTC's shifted by its offset, written by the UTC formatter.
  const d = new Date((seconds + (zone ? zone.offsetMinutes * 60 : 0)) * 1000);
  if (Number.isNaN(d.getTime())) return String(seconds);
  const f = dateFormatter(lang, 'time');
  const time = f ? f(d) : d.toISOString().slice(0, 16).replace('T', ' ');
  return zone ? format(lang, 'value.inZone', { time, zone: format(lang, zone.name) }) : format(lang, 'value.utc', { time });
}

/** A duration in days and hours, hours, or minutes, with the plural forms of `lang`. */
export function formatDuration(lang: Lang, seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) {
    const days = format(lang, 'unit.days', { n: d });
    return h > 0 ? format(lang, 'unit.join', { a: days, b: format(lang, 'unit.hours', { n: h }) }) : days;
  }
  if (h > 0) return format(lang, 'unit.hours', { n: h });
  return format(lang, 'unit.minutes', { n: m });
}
