/**
 * The languages every verifier surface speaks: the six official languages of the United Nations.
 * The officer picks one; it is independent of the holder's, and of the language a certificate is
 * written in (names and places stay as the certificate gives them).
 */
export const LANGS = Object.freeze(['ar', 'zh', 'en', 'fr', 'ru', 'es'] as const);
export type Lang = (typeof LANGS)[number];

/** Each language's name in itself, for a language picker. */
export const LANG_NAMES: Readonly<Record<Lang, string>> = Object.freeze({
  ar: 'العربية',
  zh: '中文',
  en: 'English',
  fr: 'Français',
  ru: 'Русский',
  es: 'Español',
});

/**
 * The locale Intl formats dates and plurals with. Arabic with Latin digits, as codes, kids and
 * document numbers are written; English as written internationally (day month year).
 */
export const LOCALE: Readonly<Record<Lang, string>> = Object.freeze({ ar: 'ar-u-nu-latn', zh: 'zh-CN', en: 'en-GB', fr: 'fr', ru: 'ru', es: 'es' });

/** The tag for the document's lang attribute (no Unicode extension). */
export function documentLang(lang: Lang): string {
  return lang === 'zh' ? 'zh-CN' : lang;
}

/** Arabic is written right to left; the other five left to right. */
export function textDirection(lang: Lang): 'rtl' | 'ltr' {
  return lang === 'ar' ? 'rtl' : 'ltr';
}

export function isLang(s: unknown): s is Lang {
  return typeof s === 'string' && (LANGS as readonly string[]).includes(s);
}

/** The first of a list of preferred languages (a browser's navigator.languages, a system locale) that we speak, else English. */
export function preferredLang(languages: readonly string[]): Lang {
  for (const l of languages) {
    const base = l.toLowerCase().split(/[-_]/)[0];
    if (isLang(base)) return base;
  }
  return 'en';
}
