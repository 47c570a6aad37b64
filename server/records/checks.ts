/**
 * The checks of one field of an ingested record, shared by every record kind
 * (server/records/kinds.ts) and by validateRecord (./validate.ts). Input is untrusted: every field
 * is checked for type, length and value set, and each problem is reported with the field it
 * concerns (in the names of the format the record arrived in), so a lab can fix all of them in one
 * round.
 */
import { lookup, type DccValueSetName } from '../../core/valuesets';

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
const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):(\d{2}))$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The checks of one record's fields; each reports what is wrong and returns undefined, or returns the value. */
export interface FieldChecks {
  readonly input: RecordFields;
  readonly ctx: ValidationContext;
  /** Problems so far. */
  readonly problems: FieldProblem[];
  /** How the field is named in the record's format. */
  readonly name: (f: FieldName) => string;
  readonly fail: (f: FieldName, code: RejectionCode, message: string) => undefined;
  /** Clean text of at most `max` characters; `fallback` stands in for an absent one. */
  readonly text: (f: FieldName, required: boolean, fallback?: string, max?: number) => string | undefined;
  /** A non-negative quantity up to 1,000,000 (a value or threshold of an IgG assay). */
  readonly quantity: (f: FieldName) => number | undefined;
  /** One of a small table's names, or undefined when absent. */
  readonly oneOf: (f: FieldName, names: readonly string[]) => string | undefined;
  /** An active code of an EU DCC value set. */
  readonly code: (f: FieldName, set: DccValueSetName, setName: string, required: boolean) => string | undefined;
  /** An instant with a zone, not in the future, not before SARS-CoV-2 testing. */
  readonly instant: (f: FieldName) => string | undefined;
  /** A calendar date, not in the future, not before COVID-19 vaccines. */
  readonly calendarDate: (f: FieldName) => string | undefined;
  /** A dose number or series length, 1 to 9. */
  readonly doseNumber: (f: FieldName) => number | undefined;
}

export function fieldChecks(input: RecordFields, ctx: ValidationContext): FieldChecks {
  const problems: FieldProblem[] = [];
  const name = (f: FieldName): string => ctx.fieldNames?.[f] ?? f;
  const fail = (f: FieldName, code: RejectionCode, message: string): undefined => {
    problems.push({ field: name(f), code, message });
    return undefined;
  };
  return {
    input,
    ctx,
    problems,
    name,
    fail,
    text(f, required, fallback, max = TEXT_MAX) {
      const v = input[f];
      if (v === undefined || v === null) return required ? (fallback ?? fail(f, 'REQUIRED', `${name(f)} is required`)) : fallback;
      if (typeof v !== 'string') return fail(f, 'INVALID', `${name(f)} must be a string`);
      const t = v.trim();
      if (t.length === 0) return required ? (fallback ?? fail(f, 'REQUIRED', `${name(f)} is empty`)) : fallback;
      if (!isCleanText(t)) return fail(f, 'INVALID', `${name(f)} contains control characters or broken surrogates`);
      if ([...t].length > max) return fail(f, 'TOO_LONG', `${name(f)} is longer than ${max} characters`);
      return t;
    },
    quantity(f) {
      const v = input[f];
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1e6) return fail(f, 'INVALID', `${name(f)} must be a number from 0 to 1000000`);
      return v;
    },
    oneOf(f, names) {
      const v = input[f];
      if (v === undefined || v === null) return undefined;
      if (typeof v !== 'string' || !names.includes(v)) return fail(f, 'UNKNOWN_CODE', `${name(f)} must be one of ${names.join(', ')}`);
      return v;
    },
    code(f, set, setName, required) {
      const v = input[f];
      if (v === undefined || v === null) return required ? fail(f, 'REQUIRED', `${name(f)} is required`) : undefined;
      if (typeof v !== 'string') return fail(f, 'INVALID', `${name(f)} must be a string code`);
      const entry = lookup(set, v);
      if (!entry) return fail(f, 'UNKNOWN_CODE', `${name(f)} ${JSON.stringify(clip(v))} is not in the ${setName} value set`);
      if (entry.inactive) return fail(f, 'DEPRECATED_CODE', `${name(f)} ${JSON.stringify(v)} is deprecated in the ${setName} value set`);
      return v;
    },
    instant(f) {
      const v = input[f];
      if (v === undefined || v === null) return fail(f, 'REQUIRED', `${name(f)} is required`);
      if (typeof v !== 'string') return fail(f, 'INVALID', `${name(f)} must be an ISO 8601 date-time string`);
      const m = ISO_INSTANT.exec(v);
      if (
        !m ||
        !validDate(+m[1], +m[2], +m[3]) ||
        +m[4] > 23 ||
        +m[5] > 59 ||
        (m[6] !== undefined && +m[6] > 59) ||
        (m[8] !== undefined && (+m[8] > 14 || +m[9] > 59))
      ) {
        return fail(f, 'INVALID', `${name(f)} must be an ISO 8601 date-time with a time zone, e.g. 2024-05-01T09:30:00+08:00`);
      }
      const t = Date.parse(v);
      if (!Number.isFinite(t)) return fail(f, 'INVALID', `${name(f)} is not a valid date-time`);
      if (t > ctx.now + FUTURE_SKEW_MS) return fail(f, 'INVALID', `${name(f)} is in the future`);
      if (t < EARLIEST_SAMPLE) return fail(f, 'INVALID', `${name(f)} predates SARS-CoV-2 testing`);
      return v;
    },
    calendarDate(f) {
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
    },
    doseNumber(f) {
      const v = input[f];
      if (v === undefined || v === null) return fail(f, 'REQUIRED', `${name(f)} is required`);
      // The DCC schema bounds dn and sd to 1..9.
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 9) return fail(f, 'INVALID', `${name(f)} must be an integer from 1 to 9`);
      return v;
    },
  };
}

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
