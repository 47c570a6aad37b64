/**
 * The five travel documents of a PRC citizen, with their number formats and MRZ document codes.
 *
 * Sources and how sure we are (no official specification of the numbering is published; these
 * come from the documents themselves as described in public references, 2024–2026):
 * - Ordinary passport 普通护照: e-passports since 2012 are "E" + 8 digits; when that range ran out
 *   (April 2017) the second character became a letter, I and O excluded, + 7 digits (EA1234567).
 *   The pre-2012 machine-readable "97-2" passport was "G" + 8 digits; accepted as a format, though
 *   every one of them has expired by now (the expiry check refuses them). Older "14"/"15" + 7-digit
 *   numbers are not accepted: all expired before 2020.
 *   MRZ code "PO": seen on the public specimen (证件样本) of the e-passport,
 *   "POCHNZHENGJIAN<<YANGBEN…" / "E000000008CHN…", used as a test vector.
 * - Diplomatic passport 外交护照: "DE" + 7 digits. MRZ code "PD": seen on a published specimen.
 * - Service passport 公务护照: "SE" + 7 digits. MRZ code: not confirmed by any source we found.
 * - Public-affairs passport 公务普通护照: "PE" + 7 digits. MRZ code: not confirmed.
 * - Travel permit 旅行证 (issued by missions abroad in place of a passport): "T" + 8 digits,
 *   printed type "PT", MRZ starting "PTCHN".
 * For the two unconfirmed MRZ codes we accept any "P" code that no other type claims (or "P<"):
 * the MRZ document number, which must equal the number's type prefix, already ties the MRZ to the
 * type.
 */

export const DOCUMENT_TYPE_IDS = ['ordinary', 'diplomatic', 'service', 'public-affairs', 'travel-permit'] as const;
export type DocumentType = (typeof DOCUMENT_TYPE_IDS)[number];

export interface DocumentTypeInfo {
  zh: string;
  en: string;
  /** The whole number, upper case. */
  numberPattern: RegExp;
  /** Said to people when the number does not fit. */
  numberHint: { zh: string; en: string };
  /** MRZ document codes (first two characters of line 1) known for this type; null: unconfirmed, see header. */
  mrzCodes: readonly string[] | null;
}

export const DOCUMENT_TYPES: Readonly<Record<DocumentType, Readonly<DocumentTypeInfo>>> = Object.freeze({
  ordinary: Object.freeze({
    zh: '普通护照',
    en: 'ordinary passport',
    numberPattern: /^(E[0-9]{8}|E[A-HJ-NP-Z][0-9]{7}|G[0-9]{8})$/,
    numberHint: {
      zh: '普通护照号码为E加8位数字、E加字母加7位数字，或G加8位数字',
      en: 'an ordinary passport number is E + 8 digits, E + a letter + 7 digits, or G + 8 digits',
    },
    mrzCodes: Object.freeze(['PO', 'P<']),
  }),
  diplomatic: Object.freeze({
    zh: '外交护照',
    en: 'diplomatic passport',
    numberPattern: /^DE[0-9]{7}$/,
    numberHint: { zh: '外交护照号码为DE加7位数字', en: 'a diplomatic passport number is DE + 7 digits' },
    mrzCodes: Object.freeze(['PD']),
  }),
  service: Object.freeze({
    zh: '公务护照',
    en: 'service passport',
    numberPattern: /^SE[0-9]{7}$/,
    numberHint: { zh: '公务护照号码为SE加7位数字', en: 'a service passport number is SE + 7 digits' },
    mrzCodes: null,
  }),
  'public-affairs': Object.freeze({
    zh: '公务普通护照',
    en: 'passport for public affairs',
    numberPattern: /^PE[0-9]{7}$/,
    numberHint: { zh: '公务普通护照号码为PE加7位数字', en: 'a passport for public affairs number is PE + 7 digits' },
    mrzCodes: null,
  }),
  'travel-permit': Object.freeze({
    zh: '旅行证',
    en: 'travel permit',
    numberPattern: /^T[0-9]{8}$/,
    numberHint: { zh: '旅行证号码为T加8位数字', en: 'a travel permit number is T + 8 digits' },
    mrzCodes: Object.freeze(['PT']),
  }),
});

/** Whether an MRZ document code fits a type (see the header for the unconfirmed ones). */
export function mrzCodeFits(type: DocumentType, code: string): boolean {
  const known = DOCUMENT_TYPES[type].mrzCodes;
  if (known) return known.includes(code);
  if (code === 'P<') return true;
  if (!/^P[A-Z]$/.test(code)) return false;
  return !DOCUMENT_TYPE_IDS.some((t) => DOCUMENT_TYPES[t].mrzCodes?.includes(code));
}

/** The type a document number's format names, if any. */
export function typeOfNumber(number: string): DocumentType | undefined {
  return DOCUMENT_TYPE_IDS.find((t) => DOCUMENT_TYPES[t].numberPattern.test(number));
}
