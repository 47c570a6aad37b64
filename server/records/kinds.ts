/**
 * The server's half of the record-kind registry (docs/architecture.md §A record kind): for each
 * kind, which fields an ingested record of it may carry and how they are checked, which types of
 * source may send it, how a FHIR Bundle carries it, how a stored one is recognised, when it was
 * made, how many one certificate carries, and how a record becomes a certificate entry. The core's
 * half (its certificate list, the DCC mapping, the view) is core/record-kinds.ts, keyed by the same
 * kind; code that handles each kind iterates RECORD_KIND_LIST.
 *
 * Codes follow the EU DCC value sets (core/valuesets.ts) where one exists; antibody result, method
 * and unit use the ITHC code tables of the same module (docs/ithc-certificate.md), so every stored
 * record can be issued. Unknown codes are refused, deprecated ones too (they are for old
 * certificates, not new records), even in the sets the certificate reader keeps open.
 */
import { RECORD_KINDS as CORE_KINDS, type EntryOfKind, type RecordKind } from '../../core/record-kinds';
import { COVID_19, IGG_ASSAYS, IGG_METHODS, IGG_TARGETS, IGG_UNITS, TEST_TYPE_NAAT, VALUE_COMPARATORS, lookup, vaccineEncoding } from '../../core/valuesets';
import type { AntibodyTest } from '../../core/ithc';
import type { Doc } from '../store/store';
import { CERTIFICATE_TEXT_MAX, type FieldChecks, type FieldName } from './checks';
import type { SourceDoc } from './record-id';
import type { IggRecord, NaatRecord, VaccinationRecord } from './types';

export { RECORD_KIND_LIST, type RecordKind } from '../../core/record-kinds';

/** The stored record of each kind. */
export interface RecordOfKind {
  naat: NaatRecord;
  igg: IggRecord;
  vaccination: VaccinationRecord;
}

/** The fields every record has, whatever its kind (checked by validateRecord itself). */
export const COMMON_FIELDS: readonly FieldName[] = Object.freeze(['kind', 'sourceRecordId', 'country', 'issuer'] as const);

/** A kind's own part of a validated record: what is left after the store's and the common fields. */
export type OwnFields<R> = Omit<R, '_id' | 'personId' | 'sourceId' | 'receivedAt' | 'updatedAt' | 'kind' | 'sourceRecordId' | 'country' | 'issuer'>;

/** What a record's certificate entry is made with besides the record. */
export interface EntryContext {
  /** The certificate's issuer: the authority vouching for every record (the DCC's `is`). */
  readonly issuer: string;
  /**
   * Where the record was made, as the entry carries it (build.ts): the code of its source in the
   * published source list when `name` is that source's own name, else the name; keyed by the
   * kind's place field (core/record-kinds.ts `place`).
   */
  readonly place: (name: string) => Record<string, string | number>;
}

export interface RecordKindServer<K extends RecordKind> {
  readonly kind: K;
  /** The fields a record of this kind may carry besides COMMON_FIELDS; any other is refused. */
  readonly fields: readonly FieldName[];
  /** Checks the kind's own fields (COMMON_FIELDS are checked already); its part of the record when no problem was reported. */
  readonly validate: (c: FieldChecks) => OwnFields<RecordOfKind[K]>;
  /** A stored record of the kind is well-formed: the guard against a store edited by hand (./sources.ts). */
  readonly isStored: (d: Doc) => boolean;
  /** The types of source that may send it (a lab no vaccinations, a site no tests). */
  readonly sentBy: readonly SourceDoc['type'][];
  /** The FHIR resource it arrives as (server/ingest/fhir.ts reads each). */
  readonly fhir: 'Observation' | 'Immunization';
  /** When it was made, ms since the epoch: its sample time, or the day of vaccination. */
  readonly madeAt: (r: RecordOfKind[K]) => number;
  /** Order for display, newest first (./service.ts); 0 leaves ties to the caller. */
  readonly newestFirst: (a: RecordOfKind[K], b: RecordOfKind[K]) => number;
  /** Most records of the kind one certificate carries (the newest win); at most ITHC_LIMITS.maxRecords. */
  readonly perCertificate: number;
  /** Its entry in the certificate's list (core/record-kinds.ts `list`). */
  readonly toEntry: (r: RecordOfKind[K], at: EntryContext) => EntryOfKind[K];
}

export type RecordKindServerRegistry = { readonly [K in RecordKind]: RecordKindServer<K> };

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const METHOD_NAMES: readonly string[] = IGG_METHODS.map((m) => m.name);
const UNIT_NAMES: readonly string[] = IGG_UNITS.map((u) => u.name);
const TARGET_NAMES: readonly string[] = IGG_TARGETS.map((t) => t.name);
const COMPARATOR_NAMES: readonly string[] = VALUE_COMPARATORS.map((c) => c.name);

const seconds = (iso: string): number => Math.floor(Date.parse(iso) / 1000);
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
/** Sample times carry zones (+08:00 at home, Z or others abroad): compare instants, not strings. */
const sampledNewestFirst = (a: { sampledAt: string }, b: { sampledAt: string }): number => Date.parse(b.sampledAt) - Date.parse(a.sampledAt);

const describe = <K extends RecordKind>(d: RecordKindServer<K>): RecordKindServer<K> => Object.freeze(d);

export const SERVER_RECORD_KINDS: RecordKindServerRegistry = Object.freeze({
  naat: describe({
    kind: 'naat',
    fields: ['sampledAt', 'reportedAt', 'result', 'testName', 'centre'],
    validate(c) {
      const { input, ctx, name, fail } = c;
      const sampledAt = c.instant('sampledAt');
      // The sending laboratory itself unless the record names another (docs/ingestion.md: a source
      // with a registry code is then carried by its code).
      const centre = c.text('centre', true, ctx.defaultIssuer, CERTIFICATE_TEXT_MAX);
      const result = c.code('result', 'testResult', 'DCC test result (260415000 not detected, 260373001 detected)', true);
      const testName = c.text('testName', false);
      let reportedAt: string | undefined;
      if (input.reportedAt !== undefined && input.reportedAt !== null) {
        reportedAt = c.instant('reportedAt');
        if (reportedAt !== undefined && sampledAt !== undefined && Date.parse(reportedAt) < Date.parse(sampledAt))
          reportedAt = fail('reportedAt', 'INVALID', `${name('reportedAt')} is before ${name('sampledAt')}`);
      }
      const r: OwnFields<NaatRecord> = { sampledAt: sampledAt!, result: result as NaatRecord['result'], testType: 'LP6464-4', centre: centre! };
      if (testName !== undefined) r.testName = testName;
      if (reportedAt !== undefined) r.reportedAt = reportedAt;
      return r;
    },
    isStored: (d) =>
      typeof d.sampledAt === 'string' &&
      ISO_INSTANT.test(d.sampledAt) &&
      (d.result === '260415000' || d.result === '260373001') &&
      d.testType === 'LP6464-4' &&
      typeof d.centre === 'string',
    sentBy: ['lab'],
    fhir: 'Observation',
    madeAt: (r) => Date.parse(r.sampledAt),
    newestFirst: sampledNewestFirst,
    perCertificate: 3,
    // The lab's name for a nucleic-acid test is not carried (docs/ithc-certificate.md, "What our
    // issuer leaves out"): optional for NAATs in the DCC (nm), and what it says, a PCR test for
    // SARS-CoV-2, the test type and disease already say; in Chinese it costs ~80 of the code's
    // characters (the demo lab's is 20 characters, 59 bytes). The record keeps it.
    toEntry: (r, at) => ({
      country: r.country,
      issuer: at.issuer,
      disease: COVID_19,
      testType: r.testType ?? TEST_TYPE_NAAT,
      sampleTime: seconds(r.sampledAt),
      ...(r.reportedAt !== undefined ? { reportTime: seconds(r.reportedAt) } : {}),
      result: r.result,
      ...at.place(r.centre),
    }),
  }),
  igg: describe({
    kind: 'igg',
    fields: ['sampledAt', 'result', 'value', 'comparator', 'cutoff', 'unit', 'method', 'assayCode', 'assay', 'manufacturer', 'target', 'centre'],
    validate(c) {
      const { input, ctx, name, fail } = c;
      const sampledAt = c.instant('sampledAt');
      const centre = c.text('centre', true, ctx.defaultIssuer, CERTIFICATE_TEXT_MAX);
      let result: IggRecord['result'] | undefined;
      if (input.result === undefined || input.result === null) fail('result', 'REQUIRED', `${name('result')} is required`);
      else if (input.result !== 'positive' && input.result !== 'negative' && input.result !== 'indeterminate')
        fail('result', 'UNKNOWN_CODE', `${name('result')} must be positive, negative or indeterminate`);
      else result = input.result;
      let value: number | undefined;
      let unit: string | undefined;
      const hasValue = input.value !== undefined && input.value !== null;
      const hasUnit = input.unit !== undefined && input.unit !== null;
      if (hasValue) {
        if (typeof input.value !== 'number' || !Number.isFinite(input.value) || input.value < 0 || input.value > 1e6)
          fail('value', 'INVALID', `${name('value')} must be a number from 0 to 1000000`);
        else value = input.value;
        if (!hasUnit) fail('unit', 'REQUIRED', `${name('unit')} is required with a value`);
      }
      if (hasUnit) {
        if (typeof input.unit !== 'string' || !UNIT_NAMES.includes(input.unit))
          fail('unit', 'UNKNOWN_CODE', `${name('unit')} must be one of ${UNIT_NAMES.join(', ')}`);
        else unit = input.unit;
        if (!hasValue && (input.cutoff === undefined || input.cutoff === null)) fail('value', 'REQUIRED', `${name('value')} is required with a unit`);
      }
      const method = c.oneOf('method', METHOD_NAMES);
      const target = c.oneOf('target', TARGET_NAMES);
      const comparator = c.oneOf('comparator', COMPARATOR_NAMES) as IggRecord['comparator'];
      if (comparator !== undefined && !hasValue)
        fail('comparator', 'INVALID', `${name('comparator')} needs a ${name('value')}: it says the value is below or above the assay's range`);
      let cutoff: number | undefined;
      if (input.cutoff !== undefined && input.cutoff !== null) {
        cutoff = c.quantity('cutoff');
        if (!hasUnit && !hasValue) fail('unit', 'REQUIRED', `${name('unit')} is required with a threshold`);
      }
      let assayCode: number | undefined;
      if (input.assayCode !== undefined && input.assayCode !== null) {
        const code = input.assayCode;
        if (typeof code !== 'number' || !IGG_ASSAYS.some((a) => a.code === code))
          fail(
            'assayCode',
            'UNKNOWN_CODE',
            `${name('assayCode')} is not a code of the ITHC assay table (${IGG_ASSAYS.map((a) => `${a.code} ${a.manufacturer} ${a.name}`).join('; ')}); give the assay by name instead`,
          );
        else assayCode = code;
      }
      const assay = c.text('assay', false, undefined, CERTIFICATE_TEXT_MAX);
      const manufacturer = c.text('manufacturer', false, undefined, CERTIFICATE_TEXT_MAX);
      if (assayCode !== undefined && assay !== undefined) fail('assay', 'INVALID', `give the assay by ${name('assayCode')} or by ${name('assay')}, not both`);
      if (manufacturer !== undefined && assay === undefined)
        fail(
          'manufacturer',
          'INVALID',
          `${name('manufacturer')} goes with an assay given by name (${name('assay')}); an assay code names its manufacturer already`,
        );
      const r: OwnFields<IggRecord> = { sampledAt: sampledAt!, result: result!, centre: centre! };
      if (value !== undefined) r.value = value;
      if (comparator !== undefined) r.comparator = comparator;
      if (cutoff !== undefined) r.cutoff = cutoff;
      if (unit !== undefined) r.unit = unit;
      if (method !== undefined) r.method = method;
      if (assayCode !== undefined) r.assayCode = assayCode;
      if (assay !== undefined) r.assay = assay;
      if (manufacturer !== undefined) r.manufacturer = manufacturer;
      if (target !== undefined) r.target = target;
      return r;
    },
    isStored: (d) =>
      typeof d.sampledAt === 'string' &&
      ISO_INSTANT.test(d.sampledAt) &&
      (d.result === 'positive' || d.result === 'negative' || d.result === 'indeterminate') &&
      typeof d.centre === 'string',
    sentBy: ['lab'],
    fhir: 'Observation',
    madeAt: (r) => Date.parse(r.sampledAt),
    newestFirst: sampledNewestFirst,
    perCertificate: 2,
    toEntry: (r, at) => ({
      country: r.country,
      issuer: at.issuer,
      disease: COVID_19,
      method: (r.method ?? 'other') as AntibodyTest['method'],
      ...(r.assayCode !== undefined ? { assayCode: r.assayCode } : {}),
      ...(r.assay !== undefined ? { assay: r.assay } : {}),
      ...(r.manufacturer !== undefined ? { manufacturer: r.manufacturer } : {}),
      ...(r.target !== undefined ? { target: r.target as AntibodyTest['target'] } : {}),
      sampleTime: seconds(r.sampledAt),
      result: r.result,
      ...(r.value !== undefined && r.unit ? { value: decimalText(r.value) } : {}),
      ...(r.comparator !== undefined && r.value !== undefined && r.unit ? { comparator: r.comparator } : {}),
      ...(r.cutoff !== undefined && r.unit ? { cutoff: decimalText(r.cutoff) } : {}),
      ...(r.unit && (r.value !== undefined || r.cutoff !== undefined) ? { unit: r.unit as AntibodyTest['unit'] } : {}),
      ...at.place(r.centre),
    }),
  }),
  vaccination: describe({
    kind: 'vaccination',
    fields: ['date', 'disease', 'vaccine', 'product', 'manufacturer', 'dose', 'doses'],
    validate(c) {
      const { input, name, fail } = c;
      const date = c.calendarDate('date');
      const disease = input.disease === undefined || input.disease === null ? COVID_19 : c.code('disease', 'disease', 'DCC disease or agent targeted', true);
      const product = c.code('product', 'vaccineProduct', 'DCC vaccine medicinal product', true);
      const annexA = product !== undefined ? vaccineEncoding(product) : undefined;
      let manufacturer = c.code('manufacturer', 'vaccineManufacturer', 'DCC vaccine marketing authorisation holder or manufacturer', false);
      if (manufacturer === undefined && input.manufacturer === undefined && product !== undefined) {
        // Annex A names the authorisation holder for most products; only then may a site omit it.
        if (annexA) manufacturer = annexA.manufacturer;
        else fail('manufacturer', 'REQUIRED', `${name('manufacturer')} is required for ${product}`);
      }
      let vaccine = c.code('vaccine', 'vaccineProphylaxis', 'DCC vaccine or prophylaxis', false);
      if (vaccine === undefined && input.vaccine === undefined && product !== undefined) {
        // Annex A lists the generic COVID-19 vaccine concept and, for most products, a specific type: take the specific one.
        const usable = (code: string) => lookup('vaccineProphylaxis', code)?.inactive !== true && lookup('vaccineProphylaxis', code) !== undefined;
        const specific = annexA?.prophylaxis.find((code) => code !== '28531000087107' && usable(code)) ?? annexA?.prophylaxis.find(usable);
        if (specific) vaccine = specific;
        else fail('vaccine', 'REQUIRED', `${name('vaccine')} is required for ${product}`);
      }
      const dose = c.doseNumber('dose');
      const doses = c.doseNumber('doses');
      return { date: date!, disease: disease!, vaccine: vaccine!, product: product!, manufacturer: manufacturer!, dose: dose!, doses: doses! };
    },
    isStored: (d) =>
      typeof d.date === 'string' &&
      ISO_DATE.test(d.date) &&
      typeof d.product === 'string' &&
      typeof d.manufacturer === 'string' &&
      typeof d.vaccine === 'string' &&
      typeof d.disease === 'string' &&
      Number.isInteger(d.dose) &&
      Number.isInteger(d.doses),
    sentBy: ['vaccination-site'],
    fhir: 'Immunization',
    madeAt: (r) => Date.parse(r.date),
    newestFirst: (a, b) => cmp(b.date, a.date) || b.dose - a.dose,
    perCertificate: 4,
    toEntry: (r, at) => ({
      country: r.country,
      issuer: at.issuer,
      disease: r.disease || COVID_19,
      prophylaxis: r.vaccine,
      product: r.product,
      manufacturer: r.manufacturer,
      doseNumber: r.dose,
      // Boosters as the EU encodes them (docs/ithc-certificate.md §Doses and boosters): a dose past
      // the primary course is n/n. A site that wrote 3/2 (dose past the series) means the same: n/n.
      totalDoses: r.dose > r.doses ? r.dose : r.doses,
      date: r.date,
      // A vaccination's place is its issuer: the site that gave it.
      ...at.place(r.issuer),
    }),
  }),
});

/** A kind's server descriptor, for code that handles every kind alike (the union of the descriptors). */
export function serverKind(kind: RecordKind): RecordKindServer<RecordKind> {
  return SERVER_RECORD_KINDS[kind] as unknown as RecordKindServer<RecordKind>;
}

/** The place field of a kind's entries (core/record-kinds.ts), where EntryContext.place keys what it returns. */
export function placeField(kind: RecordKind): string {
  return CORE_KINDS[kind].place;
}

/** The kinds a type of source may send. */
export function kindsSentBy(type: SourceDoc['type']): RecordKind[] {
  return (Object.keys(SERVER_RECORD_KINDS) as RecordKind[]).filter((k) => SERVER_RECORD_KINDS[k].sentBy.includes(type));
}

/**
 * A decimal for the certificate (docs/ithc-certificate.md: up to 9 integer and 6 fraction digits,
 * no exponent): what the record says, as a lab prints it, rounded to six decimals where it has
 * more. Numbers are at most 1,000,000 (validated on ingestion).
 */
export function decimalText(n: number): string {
  const s = String(n);
  if (/^\d+(\.\d{1,6})?$/.test(s)) return s;
  return n.toFixed(6).replace(/\.?0+$/, '');
}
