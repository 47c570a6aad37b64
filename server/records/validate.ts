/**
 * What a valid health record is, whatever format it arrived in (our JSON or FHIR, see
 * server/ingest). Input is untrusted: every field is checked for type, length and value set, and
 * every problem is reported with the field it concerns, so a lab can fix all of them in one round.
 *
 * Codes follow the EU DCC value sets (core/valuesets.ts) where one exists; antibody result, method
 * and unit use the ITHC code tables of the same module (docs/ithc-certificate.md), so every stored
 * record can be issued. Unknown codes are refused, deprecated ones too (they are for old
 * certificates, not new records), even in the sets the certificate reader keeps open.
 */
import type { IggRecord, NaatRecord, RecordKind, VaccinationRecord } from './types';
import { COVID_19, IGG_ASSAYS, IGG_METHODS, IGG_TARGETS, IGG_UNITS, VALUE_COMPARATORS, lookup, vaccineEncoding, type DccValueSetName } from '../../core/valuesets';
import { SOURCE_RECORD_ID_PATTERN } from './record-id';

/** Stable codes of a per-record rejection; the message says the rest in words. */
export type RejectionCode =
  | 'REQUIRED'
  | 'INVALID'
  | 'TOO_LONG'
  | 'UNKNOWN_CODE'
  | 'DEPRECATED_CODE'
  | 'UNKNOWN_FIELD'
  | 'UNSUPPORTED'
  | 'NOT_PERMITTED'
  | 'PERSON_UNKNOWN'
  | 'NAME_MISMATCH'
  | 'NOT_FOUND'
  | 'DUPLICATE';

export interface FieldProblem {
  field: string;
  code: RejectionCode;
  message: string;
}

type Body<R> = Omit<R, '_id' | 'personId' | 'sourceId' | 'receivedAt' | 'updatedAt'>;
/** A validated record before it is tied to a person, a source and a store id. */
export type RecordBody = Body<NaatRecord> | Body<IggRecord> | Body<VaccinationRecord>;

/** The fields a record may carry, all unvalidated. */
export interface RecordFields {
  kind?: unknown;
  sourceRecordId?: unknown;
  country?: unknown;
  issuer?: unknown;
  sampledAt?: unknown;
  result?: unknown;
  testName?: unknown;
  reportedAt?: unknown;
  centre?: unknown;
  value?: unknown;
  comparator?: unknown;
  cutoff?: unknown;
  unit?: unknown;
  method?: unknown;
  assayCode?: unknown;
  assay?: unknown;
  target?: unknown;
  date?: unknown;
  disease?: unknown;
  vaccine?: unknown;
  product?: unknown;
  manufacturer?: unknown;
  dose?: unknown;
  doses?: unknown;
}

export type FieldName = keyof RecordFields;

export interface ValidationContext {
  /** Now, in ms (the injected clock). */
  now: number;
  /** Used when a record names no country / issuer: the sending source's. */
  defaultCountry: string;
  /** Also the testing centre of a test that names none: the laboratory that sent it. */
  defaultIssuer: string;
  /** How to name a field in a problem (FHIR paths for FHIR input); defaults to the field name. */
  fieldNames?: Partial<Record<FieldName, string>>;
}

export const TEXT_MAX = 128;
/** What a certificate carries of a name it prints (testing centre, assay, manufacturer): 80 characters, the DCC's limit. */
export const CERTIFICATE_TEXT_MAX = 80;
/** Sample times may run ahead of our clock by this much (clock skew at the lab). */
export const FUTURE_SKEW_MS = 5 * 60 * 1000;
/** No SARS-CoV-2 test predates the first sequenced genome (January 2020); reject obvious typos. */
export const EARLIEST_SAMPLE = Date.UTC(2019, 11, 1);
/** No COVID-19 vaccination predates 2020 (the first emergency uses were in mid-2020). */
export const EARLIEST_VACCINATION = '2020-01-01';
const METHOD_NAMES: readonly string[] = IGG_METHODS.map((m) => m.name);
const UNIT_NAMES: readonly string[] = IGG_UNITS.map((u) => u.name);
const TARGET_NAMES: readonly string[] = IGG_TARGETS.map((t) => t.name);
const COMPARATOR_NAMES: readonly string[] = VALUE_COMPARATORS.map((c) => c.name);
const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):(\d{2}))$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function validateRecord(input: RecordFields, ctx: ValidationContext): { ok: true; value: RecordBody } | { ok: false; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const name = (f: FieldName): string => ctx.fieldNames?.[f] ?? f;
  const fail = (f: FieldName, code: RejectionCode, message: string): undefined => {
    problems.push({ field: name(f), code, message });
    return undefined;
  };

  const text = (f: FieldName, required: boolean, fallback?: string, max = TEXT_MAX): string | undefined => {
    const v = input[f];
    if (v === undefined || v === null) return required ? (fallback ?? fail(f, 'REQUIRED', `${name(f)} is required`)) : fallback;
    if (typeof v !== 'string') return fail(f, 'INVALID', `${name(f)} must be a string`);
    const t = v.trim();
    if (t.length === 0) return required ? (fallback ?? fail(f, 'REQUIRED', `${name(f)} is empty`)) : fallback;
    if (!isCleanText(t)) return fail(f, 'INVALID', `${name(f)} contains control characters or broken surrogates`);
    if ([...t].length > max) return fail(f, 'TOO_LONG', `${name(f)} is longer than ${max} characters`);
    return t;
  };

  /** A non-negative quantity up to 1,000,000 (a value or threshold of an IgG assay). */
  const quantity = (f: FieldName): number | undefined => {
    const v = input[f];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1e6) return fail(f, 'INVALID', `${name(f)} must be a number from 0 to 1000000`);
    return v;
  };

  /** One of a small table's names, or undefined when absent. */
  const oneOf = (f: FieldName, names: readonly string[]): string | undefined => {
    const v = input[f];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string' || !names.includes(v)) return fail(f, 'UNKNOWN_CODE', `${name(f)} must be one of ${names.join(', ')}`);
    return v;
  };

  const code = (f: FieldName, set: DccValueSetName, setName: string, required: boolean): string | undefined => {
    const v = input[f];
    if (v === undefined || v === null) return required ? fail(f, 'REQUIRED', `${name(f)} is required`) : undefined;
    if (typeof v !== 'string') return fail(f, 'INVALID', `${name(f)} must be a string code`);
    const entry = lookup(set, v);
    if (!entry) return fail(f, 'UNKNOWN_CODE', `${name(f)} ${JSON.stringify(clip(v))} is not in the ${setName} value set`);
    if (entry.inactive) return fail(f, 'DEPRECATED_CODE', `${name(f)} ${JSON.stringify(v)} is deprecated in the ${setName} value set`);
    return v;
  };

  const kind = input.kind;
  if (kind !== 'naat' && kind !== 'igg' && kind !== 'vaccination') {
    fail('kind', kind === undefined ? 'REQUIRED' : 'INVALID', `${name('kind')} must be one of naat, igg, vaccination`);
    return { ok: false, problems };
  }

  let sourceRecordId: string | undefined;
  if (input.sourceRecordId === undefined || input.sourceRecordId === null || input.sourceRecordId === '') fail('sourceRecordId', 'REQUIRED', `${name('sourceRecordId')} is required`);
  else if (typeof input.sourceRecordId !== 'string' || !SOURCE_RECORD_ID_PATTERN.test(input.sourceRecordId)) fail('sourceRecordId', 'INVALID', `${name('sourceRecordId')} must be 1 to 128 visible ASCII characters`);
  else sourceRecordId = input.sourceRecordId;

  let country: string | undefined = ctx.defaultCountry;
  if (input.country !== undefined && input.country !== null) {
    if (typeof input.country !== 'string' || !lookup('country', input.country)) {
      country = fail('country', 'UNKNOWN_CODE', `${name('country')} must be an ISO 3166-1 alpha-2 code`);
    } else country = input.country;
  }
  const issuer = text('issuer', true, ctx.defaultIssuer);

  const allowed = ALLOWED_FIELDS[kind];
  for (const f of Object.keys(input) as FieldName[]) {
    if (!allowed.has(f) && input[f] !== undefined) fail(f, 'UNKNOWN_FIELD', `${name(f)} does not belong to a ${kind} record`);
  }

  if (kind === 'naat' || kind === 'igg') {
    const sampledAt = instant('sampledAt');
    // The sending laboratory itself unless the record names another (docs/ingestion.md: a source
    // with a registry code is then carried by its code).
    const centre = text('centre', true, ctx.defaultIssuer, CERTIFICATE_TEXT_MAX);
    if (kind === 'naat') {
      const result = code('result', 'testResult', 'DCC test result (260415000 not detected, 260373001 detected)', true);
      const testName = text('testName', false);
      let reportedAt: string | undefined;
      if (input.reportedAt !== undefined && input.reportedAt !== null) {
        reportedAt = instant('reportedAt');
        if (reportedAt !== undefined && sampledAt !== undefined && Date.parse(reportedAt) < Date.parse(sampledAt)) reportedAt = fail('reportedAt', 'INVALID', `${name('reportedAt')} is before ${name('sampledAt')}`);
      }
      if (problems.length > 0) return { ok: false, problems };
      const r: Body<NaatRecord> = { kind, sourceRecordId: sourceRecordId!, country: country!, issuer: issuer!, sampledAt: sampledAt!, result: result as NaatRecord['result'], testType: 'LP6464-4', centre: centre! };
      if (testName !== undefined) r.testName = testName;
      if (reportedAt !== undefined) r.reportedAt = reportedAt;
      return { ok: true, value: r };
    }
    let result: IggRecord['result'] | undefined;
    if (input.result === undefined || input.result === null) fail('result', 'REQUIRED', `${name('result')} is required`);
    else if (input.result !== 'positive' && input.result !== 'negative' && input.result !== 'indeterminate') fail('result', 'UNKNOWN_CODE', `${name('result')} must be positive, negative or indeterminate`);
    else result = input.result;
    let value: number | undefined;
    let unit: string | undefined;
    const hasValue = input.value !== undefined && input.value !== null;
    const hasUnit = input.unit !== undefined && input.unit !== null;
    if (hasValue) {
      if (typeof input.value !== 'number' || !Number.isFinite(input.value) || input.value < 0 || input.value > 1e6) fail('value', 'INVALID', `${name('value')} must be a number from 0 to 1000000`);
      else value = input.value;
      if (!hasUnit) fail('unit', 'REQUIRED', `${name('unit')} is required with a value`);
    }
    if (hasUnit) {
      if (typeof input.unit !== 'string' || !UNIT_NAMES.includes(input.unit)) fail('unit', 'UNKNOWN_CODE', `${name('unit')} must be one of ${UNIT_NAMES.join(', ')}`);
      else unit = input.unit;
      if (!hasValue && (input.cutoff === undefined || input.cutoff === null)) fail('value', 'REQUIRED', `${name('value')} is required with a unit`);
    }
    const method = oneOf('method', METHOD_NAMES);
    const target = oneOf('target', TARGET_NAMES);
    const comparator = oneOf('comparator', COMPARATOR_NAMES) as IggRecord['comparator'];
    if (comparator !== undefined && !hasValue) fail('comparator', 'INVALID', `${name('comparator')} needs a ${name('value')}: it says the value is below or above the assay's range`);
    let cutoff: number | undefined;
    if (input.cutoff !== undefined && input.cutoff !== null) {
      cutoff = quantity('cutoff');
      if (!hasUnit && !hasValue) fail('unit', 'REQUIRED', `${name('unit')} is required with a threshold`);
    }
    let assayCode: number | undefined;
    if (input.assayCode !== undefined && input.assayCode !== null) {
      const c = input.assayCode;
      if (typeof c !== 'number' || !IGG_ASSAYS.some((a) => a.code === c)) fail('assayCode', 'UNKNOWN_CODE', `${name('assayCode')} is not a code of the ITHC assay table (${IGG_ASSAYS.map((a) => `${a.code} ${a.manufacturer} ${a.name}`).join('; ')}); give the assay by name instead`);
      else assayCode = c;
    }
    const assay = text('assay', false, undefined, CERTIFICATE_TEXT_MAX);
    const manufacturer = text('manufacturer', false, undefined, CERTIFICATE_TEXT_MAX);
    if (assayCode !== undefined && assay !== undefined) fail('assay', 'INVALID', `give the assay by ${name('assayCode')} or by ${name('assay')}, not both`);
    if (manufacturer !== undefined && assay === undefined) fail('manufacturer', 'INVALID', `${name('manufacturer')} goes with an assay given by name (${name('assay')}); an assay code names its manufacturer already`);
    if (problems.length > 0) return { ok: false, problems };
    const r: Body<IggRecord> = { kind, sourceRecordId: sourceRecordId!, country: country!, issuer: issuer!, sampledAt: sampledAt!, result: result!, centre: centre! };
    if (value !== undefined) r.value = value;
    if (comparator !== undefined) r.comparator = comparator;
    if (cutoff !== undefined) r.cutoff = cutoff;
    if (unit !== undefined) r.unit = unit;
    if (method !== undefined) r.method = method;
    if (assayCode !== undefined) r.assayCode = assayCode;
    if (assay !== undefined) r.assay = assay;
    if (manufacturer !== undefined) r.manufacturer = manufacturer;
    if (target !== undefined) r.target = target;
    return { ok: true, value: r };
  }

  // Vaccination.
  const date = calendarDate('date');
  const disease = input.disease === undefined || input.disease === null ? COVID_19 : code('disease', 'disease', 'DCC disease or agent targeted', true);
  const product = code('product', 'vaccineProduct', 'DCC vaccine medicinal product', true);
  const annexA = product !== undefined ? vaccineEncoding(product) : undefined;
  let manufacturer = code('manufacturer', 'vaccineManufacturer', 'DCC vaccine marketing authorisation holder or manufacturer', false);
  if (manufacturer === undefined && input.manufacturer === undefined && product !== undefined) {
    // Annex A names the authorisation holder for most products; only then may a site omit it.
    if (annexA) manufacturer = annexA.manufacturer;
    else fail('manufacturer', 'REQUIRED', `${name('manufacturer')} is required for ${product}`);
  }
  let vaccine = code('vaccine', 'vaccineProphylaxis', 'DCC vaccine or prophylaxis', false);
  if (vaccine === undefined && input.vaccine === undefined && product !== undefined) {
    // Annex A lists the generic COVID-19 vaccine concept and, for most products, a specific type: take the specific one.
    const usable = (c: string) => lookup('vaccineProphylaxis', c)?.inactive !== true && lookup('vaccineProphylaxis', c) !== undefined;
    const specific = annexA?.prophylaxis.find((c) => c !== '28531000087107' && usable(c)) ?? annexA?.prophylaxis.find(usable);
    if (specific) vaccine = specific;
    else fail('vaccine', 'REQUIRED', `${name('vaccine')} is required for ${product}`);
  }
  const dose = doseNumber('dose');
  const doses = doseNumber('doses');
  if (problems.length > 0) return { ok: false, problems };
  const r: Body<VaccinationRecord> = { kind, sourceRecordId: sourceRecordId!, country: country!, issuer: issuer!, date: date!, disease: disease!, vaccine: vaccine!, product: product!, manufacturer: manufacturer!, dose: dose!, doses: doses! };
  return { ok: true, value: r };

  function instant(f: FieldName): string | undefined {
    const v = input[f];
    if (v === undefined || v === null) return fail(f, 'REQUIRED', `${name(f)} is required`);
    if (typeof v !== 'string') return fail(f, 'INVALID', `${name(f)} must be an ISO 8601 date-time string`);
    const m = ISO_INSTANT.exec(v);
    if (!m || !validDate(+m[1], +m[2], +m[3]) || +m[4] > 23 || +m[5] > 59 || (m[6] !== undefined && +m[6] > 59) || (m[8] !== undefined && (+m[8] > 14 || +m[9] > 59))) {
      return fail(f, 'INVALID', `${name(f)} must be an ISO 8601 date-time with a time zone, e.g. 2024-05-01T09:30:00+08:00`);
    }
    const t = Date.parse(v);
    if (!Number.isFinite(t)) return fail(f, 'INVALID', `${name(f)} is not a valid date-time`);
    if (t > ctx.now + FUTURE_SKEW_MS) return fail(f, 'INVALID', `${name(f)} is in the future`);
    if (t < EARLIEST_SAMPLE) return fail(f, 'INVALID', `${name(f)} predates SARS-CoV-2 testing`);
    return v;
  }

  function calendarDate(f: FieldName): string | undefined {
    const v = input[f];
    if (v === undefined || v === null) return fail(f, 'REQUIRED', `${name(f)} is required`);
    if (typeof v !== 'string') return fail(f, 'INVALID', `${name(f)} must be a date string YYYY-MM-DD`);
    const m = ISO_DATE.exec(v);
    if (!m || !validDate(+m[1], +m[2], +m[3])) return fail(f, 'INVALID', `${name(f)} must be a calendar date YYYY-MM-DD`);
    // A date is local to the site: the latest zone on earth (UTC+14) bounds "today".
    const latest = new Date(ctx.now + 14 * 3600 * 1000).toISOString().slice(0, 10);
    if (v > latest) return fail(f, 'INVALID', `${name(f)} is in the future`);
    if (v < EARLIEST_VACCINATION) return fail(f, 'INVALID', `${name(f)} predates COVID-19 vaccines`);
    return v;
  }

  function doseNumber(f: FieldName): number | undefined {
    const v = input[f];
    if (v === undefined || v === null) return fail(f, 'REQUIRED', `${name(f)} is required`);
    // The DCC schema bounds dn and sd to 1..9.
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 9) return fail(f, 'INVALID', `${name(f)} must be an integer from 1 to 9`);
    return v;
  }
}

const COMMON: readonly FieldName[] = ['kind', 'sourceRecordId', 'country', 'issuer'];
const ALLOWED_FIELDS: Readonly<Record<RecordKind, ReadonlySet<FieldName>>> = Object.freeze({
  naat: new Set<FieldName>([...COMMON, 'sampledAt', 'reportedAt', 'result', 'testName', 'centre']),
  igg: new Set<FieldName>([...COMMON, 'sampledAt', 'result', 'value', 'comparator', 'cutoff', 'unit', 'method', 'assayCode', 'assay', 'manufacturer', 'target', 'centre']),
  vaccination: new Set<FieldName>([...COMMON, 'date', 'disease', 'vaccine', 'product', 'manufacturer', 'dose', 'doses']),
});

export const RECORD_FIELDS: ReadonlySet<string> = new Set<string>(Object.values(ALLOWED_FIELDS).flatMap((s) => [...s]));

function validDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d <= days;
}

/** No C0/C1 controls or DEL, and no unpaired surrogates (JSON escapes can produce them). */
export function isCleanText(s: string): boolean {
  return !/[\u0000-\u001f\u007f-\u009f]/.test(s) && !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);
}

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}
