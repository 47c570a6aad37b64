/**
 * Coded values of the ITHC certificate (docs/ithc-certificate.md §Codes) and their labels.
 *
 * - The EU DCC value sets (disease, vaccine prophylaxis / product / manufacturer, test type and
 *   result, RAT device, country) wherever one exists: generated into valuesets.generated.ts by
 *   scripts/gen-valuesets.mjs, with Chinese labels added by us.
 * - Our own code tables where the DCC has none: IgG antibody result, method, unit, antigen target
 *   and assay; censored-value comparators; sex; the five Chinese travel document types; the
 *   issuing bodies. These are hand-written here and frozen: a code, once issued, keeps its
 *   meaning; new codes are appended.
 *
 * Closed sets (a certificate with an unknown code is invalid): disease, prophylaxis, test type,
 * test result, country and our own tables but the assays. Open sets (checked for form only, since
 * the EU keeps adding entries): vaccine product, vaccine manufacturer, RAT device; and our IgG
 * assay table, which grows as laboratories report other assays.
 */
import { VALUE_SET_DATA, VACCINE_ENCODINGS } from './valuesets.generated';
import type { DccValueSetName, ValueSetData, ValueSetEntry, VaccineEncoding } from './valuesets-types';

export type Lang = 'zh' | 'en';

export type { DccValueSetName, ValueSet, ValueSetData, ValueSetEntry, VaccineEncoding } from './valuesets-types';

export const VALUE_SETS: ValueSetData = VALUE_SET_DATA;

/** Sets whose codes are all known to every reader: an unknown code is an error. */
export const CLOSED_VALUE_SETS: readonly DccValueSetName[] = Object.freeze(['disease', 'vaccineProphylaxis', 'testType', 'testResult', 'country']);

export function lookup(set: DccValueSetName, code: string): ValueSetEntry | undefined {
  const values = VALUE_SETS[set].values;
  return Object.prototype.hasOwnProperty.call(values, code) ? values[code] : undefined;
}

/** A display label in the requested language, falling back to English, then to the code itself. */
export function label(set: DccValueSetName, code: string, lang: Lang = 'en'): string {
  const e = lookup(set, code);
  if (!e) return code;
  return (lang === 'zh' && e.zh) || e.en;
}

/** How the EU says a product is to be encoded (manufacturer, prophylaxis), when it is listed. */
export function vaccineEncoding(product: string): VaccineEncoding | undefined {
  return Object.prototype.hasOwnProperty.call(VACCINE_ENCODINGS, product) ? VACCINE_ENCODINGS[product] : undefined;
}

/** COVID-19 in the disease value set (SNOMED CT 840539006). */
export const COVID_19 = '840539006';
/** Nucleic acid amplification with probe detection (LOINC LP6464-4): a nucleic-acid test. */
export const TEST_TYPE_NAAT = 'LP6464-4';
/** Rapid immunoassay (LOINC LP217198-3): a rapid antigen test. */
export const TEST_TYPE_RAT = 'LP217198-3';
export const TEST_RESULT_NOT_DETECTED = '260415000';
export const TEST_RESULT_DETECTED = '260373001';

// ---------------------------------------------------------------------------------------------
// Our own code tables. Each maps a readable name (used in the verified certificate and in JSON)
// to the small integer carried in CBOR, with labels. Frozen; append only.

export interface OwnCode<N extends string> {
  readonly name: N;
  readonly code: number;
  readonly en: string;
  readonly zh: string;
}

function table<N extends string>(rows: ReadonlyArray<OwnCode<N>>): ReadonlyArray<OwnCode<N>> {
  return Object.freeze(rows.map((r) => Object.freeze({ ...r })));
}

/** Qualitative result of a serum IgG antibody test against SARS-CoV-2. */
export type IggResult = 'negative' | 'positive' | 'indeterminate';
export const IGG_RESULTS = table<IggResult>([
  { name: 'negative', code: 1, en: 'Negative (non-reactive)', zh: '阴性' },
  { name: 'positive', code: 2, en: 'Positive (reactive)', zh: '阳性' },
  { name: 'indeterminate', code: 3, en: 'Indeterminate (borderline)', zh: '可疑（临界）' },
]);

/** Laboratory method of an IgG antibody test. */
export type IggMethod = 'CLIA' | 'ELISA' | 'LFIA' | 'other';
export const IGG_METHODS = table<IggMethod>([
  { name: 'CLIA', code: 1, en: 'Chemiluminescence immunoassay', zh: '化学发光免疫分析法' },
  { name: 'ELISA', code: 2, en: 'Enzyme-linked immunosorbent assay', zh: '酶联免疫吸附法' },
  { name: 'LFIA', code: 3, en: 'Lateral flow immunoassay (colloidal gold or fluorescence)', zh: '免疫层析法（胶体金或荧光）' },
  { name: 'other', code: 9, en: 'Other immunoassay', zh: '其他免疫分析法' },
]);

/**
 * Unit of a quantitative IgG value. BAU/mL is the WHO international standard (NIBSC 20/136); the
 * others are assay-specific, so a value is comparable only with the same assay's cut-off.
 */
export type IggUnit = 'BAU/mL' | 'AU/mL' | 'U/mL' | 'S/CO';
export const IGG_UNITS = table<IggUnit>([
  { name: 'BAU/mL', code: 1, en: 'BAU/mL (WHO binding antibody units)', zh: 'BAU/mL（WHO 结合抗体单位）' },
  { name: 'AU/mL', code: 2, en: 'AU/mL (arbitrary units)', zh: 'AU/mL（任意单位）' },
  { name: 'U/mL', code: 3, en: 'U/mL', zh: 'U/mL' },
  { name: 'S/CO', code: 4, en: 'S/CO (signal to cut-off ratio, also COI)', zh: 'S/CO（样本信号值/临界值）' },
]);

/**
 * The antigen an IgG assay detects antibodies against. What a border may read from it
 * (docs/ithc-certificate.md §Antibody results): antibodies to the spike protein (or its
 * receptor-binding domain) follow vaccination or infection; antibodies to the nucleocapsid follow
 * infection (or a whole-virus inactivated vaccine such as BBIBP-CorV or CoronaVac).
 */
export type IggTarget = 'spike' | 'rbd' | 'nucleocapsid' | 'spike+nucleocapsid';
export const IGG_TARGETS = table<IggTarget>([
  { name: 'spike', code: 1, en: 'Spike protein (S, S1 or trimeric S)', zh: '刺突蛋白（S、S1 或三聚体 S）' },
  { name: 'rbd', code: 2, en: 'Spike receptor-binding domain (RBD)', zh: '刺突蛋白受体结合区（RBD）' },
  { name: 'nucleocapsid', code: 3, en: 'Nucleocapsid protein (N)', zh: '核衣壳蛋白（N）' },
  { name: 'spike+nucleocapsid', code: 4, en: 'Spike and nucleocapsid proteins', zh: '刺突蛋白和核衣壳蛋白' },
]);

/**
 * A censored quantitative value: below the assay's lower limit of quantification ("<0.40") or
 * above its upper one (">250"); the value is then that limit. As FHIR's Quantity.comparator.
 */
export type ValueComparator = '<' | '>';
export const VALUE_COMPARATORS = table<ValueComparator>([
  { name: '<', code: 1, en: 'less than (below the lower limit of quantification)', zh: '小于（低于定量下限）' },
  { name: '>', code: 2, en: 'greater than (above the upper limit of quantification)', zh: '大于（高于定量上限）' },
]);

/** An IgG assay in our assay table: who makes it and what it is called. */
export interface IggAssay {
  readonly code: number;
  /** The assay's name as its instructions for use give it. */
  readonly name: string;
  readonly manufacturer: string;
  /** The manufacturer's Chinese name, when it has one (a Chinese company). */
  readonly manufacturerZh?: string;
}

/**
 * Serum IgG assays by code (antibody test key 3). No public code set names antibody assays (the
 * EU's device list covers rapid antigen tests only), so these codes are ours. The table is open:
 * codes are appended as laboratories report other assays, never renumbered, and a reader that does
 * not know a code shows the code itself; what a result means travels in the certificate anyway
 * (antigen target, positivity threshold, unit, interpretation). An assay not in the table is
 * carried by name.
 */
export const IGG_ASSAYS: readonly IggAssay[] = Object.freeze(
  [
    {
      code: 1,
      name: 'MAGLUMI SARS-CoV-2 S-RBD IgG',
      manufacturer: 'Shenzhen New Industries Biomedical Engineering (Snibe)',
      manufacturerZh: '深圳市新产业生物医学工程股份有限公司',
    },
    { code: 2, name: 'SARS-CoV-2 IgG II Quant', manufacturer: 'Abbott' },
    { code: 3, name: 'SARS-CoV-2 IgG', manufacturer: 'Abbott' },
    { code: 4, name: 'LIAISON SARS-CoV-2 TrimericS IgG', manufacturer: 'DiaSorin' },
    { code: 5, name: 'Atellica IM SARS-CoV-2 IgG (sCOVG)', manufacturer: 'Siemens Healthineers' },
    { code: 6, name: 'Anti-SARS-CoV-2 QuantiVac ELISA (IgG)', manufacturer: 'EUROIMMUN' },
  ].map((a) => Object.freeze(a)),
);

export function iggAssay(code: number): IggAssay | undefined {
  return IGG_ASSAYS.find((a) => a.code === code);
}

/** "Manufacturer, assay" for display; an unknown code is shown as the code. */
export function iggAssayLabel(code: number, lang: Lang = 'en'): string {
  const a = iggAssay(code);
  if (!a) return lang === 'zh' ? `检测试剂编码 ${code}` : `assay code ${code}`;
  return `${(lang === 'zh' && a.manufacturerZh) || a.manufacturer}, ${a.name}`;
}

/** Sex as ICAO 9303 prints it (M, F, X), carried as ISO/IEC 5218 codes (0 not known, 1, 2). */
export type Sex = 'M' | 'F' | 'X';
export const SEXES = table<Sex>([
  { name: 'X', code: 0, en: 'Unspecified', zh: '未说明' },
  { name: 'M', code: 1, en: 'Male', zh: '男' },
  { name: 'F', code: 2, en: 'Female', zh: '女' },
]);

/** The five travel documents a holder may bind (Passport Law of the PRC, art. 3). */
export type TravelDocumentType = 'ordinary' | 'diplomatic' | 'service' | 'public-affairs' | 'travel-permit';
export const TRAVEL_DOCUMENT_TYPES = table<TravelDocumentType>([
  { name: 'ordinary', code: 1, en: 'Ordinary passport', zh: '普通护照' },
  { name: 'diplomatic', code: 2, en: 'Diplomatic passport', zh: '外交护照' },
  { name: 'service', code: 3, en: 'Service passport', zh: '公务护照' },
  { name: 'public-affairs', code: 4, en: 'Public affairs passport', zh: '公务普通护照' },
  { name: 'travel-permit', code: 5, en: 'Travel permit', zh: '旅行证' },
]);

/**
 * Issuers of ITHC certificates and records: the national bodies that sign or vouch for them. A
 * certificate names its issuer by this code when the issuer is listed (2 bytes instead of ~40), and
 * as text otherwise; the name is the English one the DCC's `is` field carries.
 */
export const ISSUERS = table<string>([
  { name: 'National Health Commission of the PRC', code: 1, en: 'National Health Commission of the PRC', zh: '中华人民共和国国家卫生健康委员会' },
  { name: 'General Administration of Customs of the PRC', code: 2, en: 'General Administration of Customs of the PRC', zh: '中华人民共和国海关总署' },
  { name: 'Chinese Center for Disease Control and Prevention', code: 3, en: 'Chinese Center for Disease Control and Prevention', zh: '中国疾病预防控制中心' },
]);

/** The Chinese or English name of an issuer; an issuer outside the table is shown as given. */
export function issuerLabel(name: string, lang: Lang = 'en'): string {
  const row = ISSUERS.find((r) => r.name === name);
  return row ? row[lang] : name;
}

export function ownByName<N extends string>(t: ReadonlyArray<OwnCode<N>>, name: N): OwnCode<N> {
  const row = t.find((r) => r.name === name);
  if (!row) throw new TypeError(`unknown code name ${JSON.stringify(name)}`);
  return row;
}

export function ownByCode<N extends string>(t: ReadonlyArray<OwnCode<N>>, code: number): OwnCode<N> | undefined {
  return t.find((r) => r.code === code);
}

export function ownLabel<N extends string>(t: ReadonlyArray<OwnCode<N>>, name: N, lang: Lang = 'en'): string {
  const row = t.find((r) => r.name === name);
  return row ? row[lang] : name;
}
