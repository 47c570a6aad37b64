/** The FAQ: where the certificate is recognised, whether it must be shown, help for elderly people, the hotline. */
import { t, type Lang, type MessageKey } from '../i18n/index';

export interface FaqItem {
  id: string;
  question: string;
  answer: string;
}

const ITEMS: ReadonlyArray<[MessageKey, MessageKey]> = [
  ['faqQ1', 'faqA1'],
  ['faqQ2', 'faqA2'],
  ['faqQ3', 'faqA3'],
  ['faqQ4', 'faqA4'],
  ['faqQ5', 'faqA5'],
  ['faqQ6', 'faqA6'],
];

export function faqItems(lang: Lang): FaqItem[] {
  return ITEMS.map(([q, a], i) => ({ id: `q${i + 1}`, question: t(lang, q), answer: t(lang, a) }));
}
