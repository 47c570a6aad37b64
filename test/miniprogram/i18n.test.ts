/** The mini program's two string tables and the helpers over them. */
import { zh } from '../../miniprogram/i18n/zh';
import { en } from '../../miniprogram/i18n/en';
import { cloudErrorText, format, isLang, messages, otherLang, t, LANGUAGES } from '../../miniprogram/i18n/index';
import { TRANSPORT_ERROR_CODES } from '../../miniprogram/services/cloud';

const HAN = /\p{Script=Han}/u;
const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
// Strings that name the other language on purpose (the language switch).
const NAMES_OTHER_LANGUAGE = new Set(['switchLanguageShort', 'switchLanguageLabel']);
// Each language named in its own script in both tables (the settings page's language choice).
const LANGUAGE_NAMES = { langZh: '中文', langEn: 'English' } as const;

test('English has exactly the Chinese keys, each non-empty with the same placeholders', () => {
  expect(Object.keys(en).sort()).toEqual(Object.keys(zh).sort());
  for (const key of Object.keys(zh) as (keyof typeof zh)[]) {
    expect({ key, zh: zh[key].trim() !== '', en: en[key].trim() !== '' }).toEqual({ key, zh: true, en: true });
    expect({ key, placeholders: placeholders(en[key]) }).toEqual({ key, placeholders: placeholders(zh[key]) });
  }
});

test('English strings contain no Chinese and Chinese strings are Chinese, except the language switch', () => {
  for (const key of Object.keys(zh) as (keyof typeof zh)[]) {
    if (key in LANGUAGE_NAMES) {
      expect({ key, zh: zh[key], en: en[key] }).toEqual({
        key,
        zh: LANGUAGE_NAMES[key as keyof typeof LANGUAGE_NAMES],
        en: LANGUAGE_NAMES[key as keyof typeof LANGUAGE_NAMES],
      });
    } else if (NAMES_OTHER_LANGUAGE.has(key)) {
      expect({ key, zh: HAN.test(zh[key]), en: HAN.test(en[key]) }).toEqual({ key, zh: false, en: true });
    } else {
      expect({ key, zh: HAN.test(zh[key]), en: HAN.test(en[key]) }).toEqual({ key, zh: true, en: false });
    }
  }
});

test('format fills placeholders and leaves unknown ones visible', () => {
  expect(format('Call {number} now', { number: '+86-10-12308' })).toBe('Call +86-10-12308 now');
  expect(format('{a}{b}{a}', { a: 1 })).toBe('1{b}1');
  expect(t('en', 'callLabel', { number: '12308' })).toBe(en.callLabel.replace('{number}', '12308'));
});

test('language helpers', () => {
  expect(LANGUAGES).toEqual(['zh', 'en']);
  for (const lang of LANGUAGES) {
    expect(isLang(lang)).toBe(true);
    expect(otherLang(otherLang(lang))).toBe(lang);
    expect(otherLang(lang)).not.toBe(lang);
  }
  expect(isLang('fr')).toBe(false);
  expect(isLang(undefined)).toBe(false);
  expect(() => messages('fr' as never)).toThrow(TypeError);
});

test('every transport error has its own translated message in both languages', () => {
  for (const lang of LANGUAGES) {
    const texts = TRANSPORT_ERROR_CODES.map((code) => cloudErrorText(lang, { code, status: 503 }));
    expect(new Set(texts).size).toBe(TRANSPORT_ERROR_CODES.length);
    const fallback = cloudErrorText(lang, { code: 'SOMETHING_NEW' });
    expect(fallback).toContain('SOMETHING_NEW');
    expect(texts).not.toContain(fallback);
    for (const text of texts) expect(text).not.toMatch(/\{\w+\}/);
  }
  expect(cloudErrorText('en', { code: 'HTTP_STATUS', status: 503 })).toContain('503');
});
