/** The home page's flow: what it shows and where each entry leads. */
import { format, messages, type Lang } from '../i18n/index';

/**
 * The consular hotline of the Ministry of Foreign Affairs. 12308 is dialled as is inside China;
 * from abroad the same line is +86-10-12308, with +86-10-59913991 as the alternative number.
 */
export const CONSULAR_HOTLINE = Object.freeze({
  short: '12308',
  numbers: Object.freeze(['+86-10-12308', '+86-10-59913991']),
});

export type HomeEntryId = 'certificate' | 'relatives' | 'faq' | 'settings' | 'verify';

/** Pages behind the entries (the verifier for staff is a subpackage: it carries the verifying core). */
export const HOME_ROUTES: Readonly<Record<HomeEntryId, string>> = Object.freeze({
  certificate: '/pages/certificate/index',
  relatives: '/pages/relatives/index',
  faq: '/pages/faq/index',
  settings: '/pages/settings/index',
  verify: '/packageVerify/verify/index',
});

export interface HotlineView {
  /** As printed: +86-10-12308. */
  display: string;
  /** As dialled: +861012308. */
  dial: string;
  ariaLabel: string;
}

export interface HomeEntryView {
  id: HomeEntryId;
  label: string;
  hint: string;
  icon: string;
}

export interface HomeView {
  lang: Lang;
  care: boolean;
  hotlineShort: string;
  entries: HomeEntryView[];
  hotlines: HotlineView[];
}

export function dialString(display: string): string {
  return display.replace(/[-\s]/g, '');
}

export function buildHomeView(lang: Lang, care = false): HomeView {
  const m = messages(lang);
  return {
    lang,
    care,
    hotlineShort: CONSULAR_HOTLINE.short,
    // The icons are decorative glyphs; each entry's text is its accessible name.
    entries: [
      { id: 'relatives', label: m.forOthers, hint: m.forOthersHint, icon: '＋' },
      { id: 'faq', label: m.faq, hint: m.faqHint, icon: '？' },
      { id: 'settings', label: m.settings, hint: m.settingsHint, icon: '≡' },
      { id: 'verify', label: m.verifyEntry, hint: m.verifyEntryHint, icon: '✓' },
    ],
    hotlines: CONSULAR_HOTLINE.numbers.map((display) => ({
      display,
      dial: dialString(display),
      ariaLabel: format(m.callLabel, { number: display }),
    })),
  };
}

export function isHomeEntryId(value: unknown): value is HomeEntryId {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(HOME_ROUTES, value);
}
