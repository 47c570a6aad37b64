import type { Messages } from './zh';

/** English strings; same keys and placeholders as ./zh.ts. */
export const en: Messages = {
  appTitle: 'International Travel Health Certificate',
  viewCertificate: 'View and show the International Travel Health Certificate',
  viewCertificateHint: 'Show the QR code to customs, airlines and your destination',
  forOthers: 'For others',
  forOthersHint: 'Look up and show certificates for family members',
  faq: 'FAQ',
  settings: 'Settings',
  switchLanguageShort: '中文',
  switchLanguageLabel: '切换到中文',
  faqHint: 'Where it is accepted, whether you must show it, help for elderly people',
  settingsHint: 'Language, care mode',
  hotlineTitle: 'Global Consular Protection and Services Hotline',
  hotlineHint: 'If you need help abroad, call',
  callLabel: 'Call {number}',
  pageUnavailable: 'Coming soon',
  callFailed: 'Could not start the call. Please dial {number}',
  errorNetwork: 'Network error. Check your connection and try again.',
  errorHttpStatus: 'The service is unavailable ({status}). Please try again later.',
  errorBadResponse: 'The service sent an unexpected answer. Please try again later.',
  errorCloudUnavailable: 'Cloud service unavailable: a mini program AppID with cloud development is needed.',
  errorUnknown: 'Something went wrong ({code}). Please try again later.',
};
