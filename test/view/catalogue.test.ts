/**
 * The message catalogue is complete: every message code (the English table's keys) and every
 * error code of core/errors.ts has a text in each of the six languages, and each translation keeps
 * the English placeholders, so no surface ever falls back to a key or loses a value. Plurals follow
 * each language's CLDR categories through Intl.PluralRules, and without Intl the 'other' form.
 */
import { ERROR_CODES } from '../../core/errors';
import {
  BEIJING_TIME,
  CATALOGUE,
  LANGS,
  errorMessage,
  format,
  formatDateTime,
  formatDuration,
  placeholders,
  renderValue,
  type Lang,
  type MessageCode,
} from '../../core/view';
import type { Message } from '../../core/view';
import { en } from '../../core/view/messages/en';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHROME } from '../../web/i18n';

const CODES = Object.keys(en) as MessageCode[];
const forms = (m: Message): Array<[string, string]> =>
  typeof m === 'string' ? [['text', m]] : Object.entries(m).filter((e): e is [string, string] => typeof e[1] === 'string');
/** English's placeholders for a message: those of its 'other' form (every form of a message takes the same parameters). */
const englishPlaceholders = (code: MessageCode) => placeholders(typeof en[code] === 'string' ? en[code] : (en[code] as { other: string }).other);

describe('the message catalogue', () => {
  it('has the six UN languages', () => {
    expect(Object.keys(CATALOGUE).sort()).toEqual(['ar', 'en', 'es', 'fr', 'ru', 'zh']);
    expect([...LANGS].sort()).toEqual(Object.keys(CATALOGUE).sort());
  });

  it('explains every error code in every language', () => {
    expect(ERROR_CODES.length).toBeGreaterThan(0);
    for (const lang of LANGS) {
      for (const code of ERROR_CODES) {
        const m = CATALOGUE[lang][errorMessage(code)];
        expect({ lang, code, ok: typeof m === 'string' && m.trim().length > 0 }).toEqual({ lang, code, ok: true });
      }
    }
  });

  it.each(LANGS)('%s has a non-empty text for every message code and nothing else', (lang) => {
    const table = CATALOGUE[lang];
    expect(Object.keys(table).sort()).toEqual([...CODES].sort());
    for (const code of CODES) {
      const m = table[code];
      const texts = forms(m);
      expect({ code, empty: texts.length === 0 || texts.some(([, t]) => !t.trim()), other: typeof m === 'string' || typeof m.other === 'string' }).toEqual({
        code,
        empty: false,
        other: true,
      });
    }
  });

  it.each(LANGS)('%s keeps the placeholders of the English text in every form', (lang) => {
    for (const code of CODES) {
      const want = englishPlaceholders(code);
      for (const [form, t] of forms(CATALOGUE[lang][code])) {
        // CLDR's one/two/zero forms may say the number in words (Arabic "يومان"): {n} may be left out there only.
        const got = placeholders(t);
        const expected = ['zero', 'one', 'two'].includes(form) ? want.filter((p) => p !== 'n' || got.includes('n')) : want;
        expect({ lang, code, form, placeholders: got }).toEqual({ lang, code, form, placeholders: expected });
      }
    }
  });

  it.each(LANGS)('%s gives a form for each plural category the counts we show (0 to 1000) fall in, where a message has plural forms', (lang) => {
    // French and Spanish 'many' is for millions ("1 000 000 de jours"): no count here reaches it, so 'other' serves.
    const rules = new Intl.PluralRules(lang);
    const categories = [...new Set(Array.from({ length: 1001 }, (_, n) => rules.select(n)))];
    for (const code of CODES) {
      const m = CATALOGUE[lang][code];
      // A plain text is allowed where the language can say it without agreement ("عدد الشهادات: {n}").
      if (typeof m === 'string' || typeof en[code] === 'string') continue;
      expect({ code, forms: categories.filter((c) => !(c in m)) }).toEqual({ code, forms: [] });
    }
  });
});

describe('format', () => {
  it('fills placeholders and leaves a missing one visible', () => {
    expect(format('en', 'trust.replaced', { old: 3, new: 4 })).toBe('Version 3 replaced by version 4.');
    expect(format('en', 'trust.replaced', { old: 3 })).toBe('Version 3 replaced by version {new}.');
  });

  it('refuses a code that is not in the catalogue', () => {
    expect(() => format('en', 'no.such.code' as MessageCode)).toThrow(TypeError);
  });

  it('chooses plural forms by the language: Russian one/few/many, Arabic two and few, French 0 and 1 singular, Chinese none', () => {
    const ru = [1, 2, 5, 11, 21, 22, 25].map((n) => format('ru', 'unit.days', { n }));
    expect(ru).toEqual(['1 день', '2 дня', '5 дней', '11 дней', '21 день', '22 дня', '25 дней']);
    expect([1, 2, 3, 11, 100].map((n) => format('ar', 'unit.days', { n }))).toEqual(['يوم واحد', 'يومان', '3 أيام', '11 يومًا', '100 يوم']);
    expect([0, 1, 2].map((n) => format('fr', 'unit.hours', { n }))).toEqual(['0 heure', '1 heure', '2 heures']);
    expect([1, 2].map((n) => format('en', 'unit.minutes', { n }))).toEqual(['1 minute', '2 minutes']);
    expect(format('zh', 'unit.days', { n: 1 })).toBe('1 天');
    expect(formatDuration('ru', 26 * 3600)).toBe('1 день 2 часа');
    expect(formatDuration('ar', 2 * 86400 + 3 * 3600)).toBe('يومان و3 ساعات');
  });

  it('without Intl.PluralRules (a partial runtime), takes the other form instead of failing', () => {
    const saved = Intl.PluralRules;
    jest.isolateModules(() => {
      try {
        (Intl as { PluralRules?: unknown }).PluralRules = undefined;
        // A fresh copy of the module: its cache of plural rules starts empty.

        const fresh = require('../../core/view/catalogue') as typeof import('../../core/view/catalogue');
        expect(fresh.format('ru', 'unit.days', { n: 5 })).toBe(
          CATALOGUE.ru['unit.days'] && (CATALOGUE.ru['unit.days'] as { other: string }).other.replace('{n}', '5'),
        );
        expect(fresh.format('en', 'unit.days', { n: 1 })).toBe('1 days');
      } finally {
        (Intl as { PluralRules?: unknown }).PluralRules = saved;
      }
    });
  });

  it.each(LANGS)('%s: every message formats with the English parameters and leaves no placeholder behind', (lang: Lang) => {
    for (const code of CODES) {
      const params = Object.fromEntries(englishPlaceholders(code).map((p) => [p, p === 'n' || p === 'm' ? 3 : `<${p}>`]));
      expect(format(lang, code, params)).not.toMatch(/\{[\w+-]+\}/);
    }
  });
});

describe("the web page's own chrome", () => {
  const keys = Object.keys(CHROME.en).sort();
  it.each(LANGS)('%s has every key, with the English placeholders', (lang) => {
    expect(Object.keys(CHROME[lang]).sort()).toEqual(keys);
    for (const key of keys as Array<keyof typeof CHROME.en>) {
      const m = CHROME.en[key];
      const want = placeholders(typeof m === 'string' ? m : m.other);
      for (const [form, t] of forms(CHROME[lang][key])) {
        expect({ lang, key, form, placeholders: placeholders(t) }).toEqual({ lang, key, form, placeholders: want });
      }
    }
  });

  it('names every text the page marks for translation (data-t in index.html)', () => {
    const html = readFileSync(join(__dirname, '../../web/index.html'), 'utf8');
    const used = [...new Set([...html.matchAll(/data-t="([^"]+)"/g)].map((m) => m[1]))];
    expect(used.length).toBeGreaterThan(10);
    expect(used.filter((k) => !keys.includes(k))).toEqual([]);
  });
});

describe('instants in a display zone', () => {
  // 2026-03-08T17:30:00Z: the evening before in UTC is the next morning in Beijing.
  const instant = Date.UTC(2026, 2, 8, 17, 30) / 1000;

  test('without a zone an instant is UTC, named as such', () => {
    for (const lang of LANGS) expect(renderValue(lang, { kind: 'datetime', seconds: instant })).toBe(formatDateTime(lang, instant));
    expect(renderValue('en', { kind: 'datetime', seconds: instant })).toMatch(/8 Mar 2026.*17:30 UTC$/);
    expect(renderValue('zh', { kind: 'datetime', seconds: instant })).toMatch(/8日.*17:30（UTC）$/);
  });

  test('Beijing time shifts the wall clock by 8 hours and names the zone, nested values included', () => {
    for (const lang of LANGS) {
      const beijing = renderValue(lang, { kind: 'datetime', seconds: instant }, BEIJING_TIME);
      // The same wall clock as UTC eight hours later, under the zone's own name.
      const shifted = stripZone(lang, formatDateTime(lang, instant + 8 * 3600), 'value.utc');
      expect(beijing).toBe(format(lang, 'value.inZone', { time: shifted, zone: format(lang, 'value.zone.beijing') }));
      const nested = renderValue(lang, { kind: 'list', separator: '; ', items: [{ kind: 'datetime', seconds: instant }] }, BEIJING_TIME);
      expect(nested).toBe(beijing);
    }
    expect(renderValue('zh', { kind: 'datetime', seconds: instant }, BEIJING_TIME)).toContain('9日');
    expect(renderValue('en', { kind: 'datetime', seconds: instant }, BEIJING_TIME)).toContain('01:30');
  });
});

/** The `{time}` a zone message was filled with: the message's text around it taken off. */
function stripZone(lang: Lang, written: string, code: MessageCode): string {
  const [before, after] = format(lang, code, { time: '\u0000' }).split('\u0000');
  expect(written.startsWith(before) && written.endsWith(after)).toBe(true);
  return written.slice(before.length, written.length - after.length);
}
