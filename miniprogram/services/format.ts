/**
 * Dates, times and ages as people read them, in the chosen language. Dates of birth and vaccination
 * dates are calendar dates (never shifted by a time zone); instants are shown in Beijing time
 * (UTC+8, no daylight saving), so a traveller abroad and an officer see the same time.
 */
import { t, type Lang, type MessageKey } from '../i18n/index';

const BEIJING_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;
const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** YYYY-MM-DD, YYYY-MM or YYYY as a date in `lang` (a partial date stays partial). */
export function formatDate(lang: Lang, date: string): string {
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(date);
  if (!m) return date;
  const [, y, mo, d] = m;
  if (lang === 'zh') return `${y}年${mo ? `${Number(mo)}月` : ''}${d ? `${Number(d)}日` : ''}`;
  return [d ? String(Number(d)) : '', mo ? MONTHS_EN[Number(mo) - 1] : '', y].filter(Boolean).join(' ');
}

/** The Beijing calendar date of an instant, YYYY-MM-DD. */
export function beijingDate(ms: number): string {
  return new Date(ms + BEIJING_MS).toISOString().slice(0, 10);
}

/** An instant (ms) as a Beijing date and time in `lang`, zone named: 2026年11月27日 09:30（北京时间）. */
export function formatInstant(lang: Lang, ms: number): string {
  return beijingDateTime(lang, ms, 16);
}

/** The same to the second, for a clock that shows the screen is live: 2026年11月27日 09:30:05（北京时间）. */
export function formatClock(lang: Lang, ms: number): string {
  return beijingDateTime(lang, ms, 19);
}

function beijingDateTime(lang: Lang, ms: number, timeEnd: 16 | 19): string {
  if (!Number.isFinite(ms)) return '';
  const iso = new Date(ms + BEIJING_MS).toISOString();
  const zone = t(lang, 'beijingTime');
  return `${formatDate(lang, iso.slice(0, 10))} ${iso.slice(11, timeEnd)}${lang === 'zh' ? `（${zone}）` : ` (${zone})`}`;
}

/** "label：value" / "label: value". */
export function labelled(lang: Lang, label: string, value: string): string {
  return `${label}${lang === 'zh' ? '：' : ': '}${value}`;
}

/** How long ago an instant was: "2小时前", "3 days ago". */
export function ageOfInstant(lang: Lang, thenMs: number, nowMs: number): string {
  const diff = nowMs - thenMs;
  if (diff < -60_000) return t(lang, 'ageFuture');
  if (diff < 60_000) return t(lang, 'ageJustNow');
  if (diff < 3_600_000) return counted(lang, Math.floor(diff / 60_000), 'ageOneMinute', 'ageMinutes');
  if (diff < DAY_MS) return counted(lang, Math.floor(diff / 3_600_000), 'ageOneHour', 'ageHours');
  return ageInDays(lang, Math.floor(diff / DAY_MS));
}

function ageInDays(lang: Lang, days: number): string {
  if (days < 60) return counted(lang, days, 'ageOneDay', 'ageDays');
  if (days < 730) return counted(lang, Math.floor(days / 30.44), 'ageOneMonth', 'ageMonths');
  return counted(lang, Math.floor(days / 365.25), 'ageOneYear', 'ageYears');
}

/** English needs the singular for one ("1 day ago"); Chinese reads the same either way. */
function counted(lang: Lang, n: number, one: MessageKey, many: MessageKey): string {
  return n === 1 ? t(lang, one) : t(lang, many, { n });
}

/** A document number with its middle hidden: EH4180273 → EH****273. */
export function maskDocumentNumber(number: string): string {
  if (number.length <= 5) return '*'.repeat(number.length);
  return `${number.slice(0, 2)}${'*'.repeat(number.length - 5)}${number.slice(-3)}`;
}
