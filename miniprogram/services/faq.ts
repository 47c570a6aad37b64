/**
 * The FAQ: how to apply and who can, what to do when authentication fails, records that are missing,
 * wrong or not yet synced, a renewed passport, who the app cannot serve yet and where they go
 * instead, where the certificate is used, help for elderly people, and the consular hotline as it is
 * dialled from inside China and from abroad.
 */
import { format, t, type Lang, type MessageKey } from '../i18n/index';
import { CONSULAR_HOTLINE, dialString } from './home';

/** One question: its topic and the keys of its question and answer (the page's WXML reads the texts from the strings module). */
export interface FaqItem {
  id: FaqTopic;
  question: MessageKey;
  answer: MessageKey;
}

export type FaqTopic =
  'apply' | 'who' | 'notServed' | 'authFailed' | 'records' | 'passport' | 'where' | 'mustShow' | 'elderly' | 'qrData' | 'offline' | 'contact';

/** In the order people need them: getting the certificate first, then using it. */
const ITEMS: ReadonlyArray<[FaqTopic, MessageKey, MessageKey]> = [
  ['apply', 'faqApplyQ', 'faqApplyA'],
  ['who', 'faqWhoQ', 'faqWhoA'],
  ['notServed', 'faqNotServedQ', 'faqNotServedA'],
  ['authFailed', 'faqAuthFailedQ', 'faqAuthFailedA'],
  ['records', 'faqRecordsQ', 'faqRecordsA'],
  ['passport', 'faqPassportQ', 'faqPassportA'],
  ['where', 'faqQ1', 'faqA1'],
  ['mustShow', 'faqQ2', 'faqA2'],
  ['elderly', 'faqQ3', 'faqA3'],
  ['qrData', 'faqQ4', 'faqA4'],
  ['offline', 'faqQ5', 'faqA5'],
  ['contact', 'faqQ6', 'faqA6'],
];

export const FAQ_ROUTE = '/pages/faq/index';

export function isFaqTopic(v: unknown): v is FaqTopic {
  return typeof v === 'string' && ITEMS.some(([id]) => id === v);
}

/** The FAQ opened on one question (the auth steps open the one about their own trouble). */
export function faqRoute(topic: FaqTopic): string {
  return `${FAQ_ROUTE}?open=${topic}`;
}

/** The questions in order; the same in every language, so a language change sends none of them. */
export function faqItems(): FaqItem[] {
  return ITEMS.map(([id, question, answer]) => ({ id, question, answer }));
}

export interface HotlineChoice {
  id: 'domestic' | 'abroad' | 'abroadAlt';
  /** Where to dial it from, and the number as printed: "在中国境内拨打 12308". */
  label: string;
  /** As dialled: 12308, +861012308. */
  dial: string;
  display: string;
}

/**
 * The hotline as each caller must dial it. The app does not guess where the phone is (a SIM or a
 * locale says little about where its owner stands): every way is shown, labelled.
 */
export function hotlineChoices(lang: Lang): HotlineChoice[] {
  const [abroad, abroadAlt] = CONSULAR_HOTLINE.numbers;
  const choice = (id: HotlineChoice['id'], key: MessageKey, display: string): HotlineChoice => ({
    id,
    label: format(t(lang, key), { number: display }),
    dial: dialString(display),
    display,
  });
  return [choice('domestic', 'callDomestic', CONSULAR_HOTLINE.short), choice('abroad', 'callAbroad', abroad), choice('abroadAlt', 'callAbroadAlt', abroadAlt)];
}
