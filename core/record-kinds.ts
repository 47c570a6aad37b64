/**
 * The kinds of health record a certificate carries, one descriptor each: the core's half of the
 * record-kind registry (docs/architecture.md §A record kind). What the certificate and every
 * verifier need to know of a kind is here: its list in the certificate, what a signing key must be
 * allowed to sign for it, where its entries name their place, its checks across fields, whether and
 * how an EU DCC carries it, and the words and line keys the view model shows it with.
 *
 * The server's half (validation of an ingested record, which sources may send it, how a record
 * becomes a certificate entry, how many a certificate takes) is server/records/kinds.ts, keyed by
 * the same kind. Everything that handles "each kind" iterates RECORD_KIND_LIST, so a kind cannot be
 * left out of one place and not another; test/records/kinds.test.ts checks each kind end to end.
 *
 * The CBOR form of each list (its key and field table) is the format, in ithc-fields.ts.
 */
import type { CborValue } from './cbor';
import { ITHC_KEYS } from './ithc-fields';
import { child, type Path, type Problems } from './ithc-kinds';
import type { AntibodyTest, IthcCertificate, SourceNames, Vaccination, ViralTest } from './ithc-model';
import type { CertificateType } from './keys';
import type { MessageCode } from './view/messages/types';

/** The kinds of record, in the certificate's order: tests, antibody tests, vaccinations. */
export type RecordKind = 'naat' | 'igg' | 'vaccination';

/** The certificate's record lists (IthcCertificate), one per kind. */
export type RecordList = 'tests' | 'antibodyTests' | 'vaccinations';

/** The list each kind's entries go into. */
export interface ListOfKind {
  naat: 'tests';
  igg: 'antibodyTests';
  vaccination: 'vaccinations';
}

/** One certificate entry of a kind, as IthcCertificate holds it. */
export interface EntryOfKind {
  naat: ViralTest;
  igg: AntibodyTest;
  vaccination: Vaccination;
}

/** Any certificate entry. */
export type RecordEntry = EntryOfKind[RecordKind];

/** How a DCC carries an entry of a kind: as one `t` or `v` entry of a single-record HC1 code. */
export interface DccMapping<E> {
  /** The DCC's entry array (and the certificate type a DSC's key usage must allow). */
  readonly type: 't' | 'v';
  /** The entry rules' name of such a record (core/rules.ts: basis kind and CertLogic `type`). */
  readonly ruleBasis: 'test' | 'vaccination';
  readonly ruleType: 'Test' | 'Vaccination';
  /** The DCC entry of one certificate entry, `uci` its own identifier. */
  readonly entry: (e: E, uci: string, sources?: SourceNames) => Record<string, unknown>;
}

export interface RecordKindCore<K extends RecordKind> {
  readonly kind: K;
  readonly list: ListOfKind[K];
  /** The entry in words, for problems in a certificate ("an antibody test"). */
  readonly noun: string;
  /** What a signing key must be allowed to sign for a certificate with such entries (IthcCertificate.recordTypes). */
  readonly keyUsage: CertificateType;
  /** The field that names where the record was made: by name, or by code in `${place}Code`. */
  readonly place: 'testingCentre' | 'vaccinationSite';
  /** Fields that are instants in seconds, written as ISO 8601 in the readable JSON (ithcToJson). */
  readonly instants: readonly (keyof EntryOfKind[K] & string)[];
  /** Rules across an entry's fields, checked on its raw CBOR map (readIthc). */
  readonly check?: (entry: Map<CborValue, CborValue>, at: Path, p: Problems) => void;
  /** How the EU DCC carries it; null when it cannot. */
  readonly dcc: DccMapping<EntryOfKind[K]> | null;
  /** The view model (core/view/certificate.ts): its summary section's key and title, and the prefix of its lines' keys. */
  readonly view: { readonly section: string; readonly title: MessageCode; readonly line: string };
}

export type RecordKindRegistry = { readonly [K in RecordKind]: RecordKindCore<K> };

const iso = (seconds: number): string => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');

/** Longest testing centre the DCC's `tc` takes. */
const DCC_TC_MAX = 80;

/** A descriptor, frozen: the registry is a constant table. */
const describe = <K extends RecordKind>(d: RecordKindCore<K>): RecordKindCore<K> => Object.freeze(d);

export const RECORD_KINDS: RecordKindRegistry = Object.freeze({
  naat: describe({
    kind: 'naat',
    list: 'tests',
    noun: 'test',
    keyUsage: 't',
    place: 'testingCentre',
    instants: ['sampleTime', 'reportTime'],
    check(t: Map<CborValue, CborValue>, at: Path, p: Problems) {
      const T = ITHC_KEYS.test;
      const sample = t.get(T.sampleTime);
      const report = t.get(T.reportTime);
      if (typeof sample === 'number' && typeof report === 'number' && report < sample) {
        p.add(at, `reports its result (key ${T.reportTime}) before the sample was taken (key ${T.sampleTime})`);
      }
    },
    dcc: {
      type: 't',
      ruleBasis: 'test',
      ruleType: 'Test',
      /**
       * A testing centre given by code becomes the DCC's free-text `tc` through `sources` (its
       * Latin-script name, which an EU verifier can show, else its name); without a name, or with
       * one longer than the DCC's 80 characters, `tc` (optional in the DCC) is left out.
       */
      entry(t: ViralTest, uci: string, sources?: SourceNames) {
        const entry: Record<string, unknown> = { tg: t.disease, tt: t.testType };
        if (t.testName !== undefined) entry.nm = t.testName;
        if (t.device !== undefined) entry.ma = t.device;
        entry.sc = iso(t.sampleTime);
        entry.tr = t.result;
        const names = t.testingCentreCode !== undefined ? sources?.(t.testingCentreCode) : undefined;
        const tc = t.testingCentre ?? names?.nameLatin ?? names?.name;
        if (tc !== undefined && [...tc].length <= DCC_TC_MAX) entry.tc = tc;
        return Object.assign(entry, { co: t.country, is: t.issuer, ci: uci });
      },
    },
    view: { section: 'tests', title: 'section.tests', line: 'test' },
  }),
  igg: describe({
    kind: 'igg',
    list: 'antibodyTests',
    noun: 'antibody test',
    keyUsage: 't',
    place: 'testingCentre',
    instants: ['sampleTime'],
    check(a: Map<CborValue, CborValue>, at: Path, p: Problems) {
      const A = ITHC_KEYS.antibodyTest;
      if (a.has(A.value) && !a.has(A.unit)) p.add(at, `has a quantitative value (key ${A.value}) without its unit (key ${A.unit})`);
      if (a.has(A.cutoff) && !a.has(A.unit)) p.add(at, `has a positivity threshold (key ${A.cutoff}) without its unit (key ${A.unit})`);
      if (a.has(A.unit) && !a.has(A.value) && !a.has(A.cutoff))
        p.add(at, `has a unit (key ${A.unit}) without a quantitative value (key ${A.value}) or threshold (key ${A.cutoff})`);
      if (a.has(A.comparator) && !a.has(A.value)) p.add(at, `has a comparator (key ${A.comparator}) without a quantitative value (key ${A.value})`);
      if (a.has(A.manufacturer) && typeof a.get(A.assay) === 'number')
        p.add(at, `has a manufacturer (key ${A.manufacturer}) beside an assay code (key ${A.assay}), which names the manufacturer already`);
    },
    // The DCC has no antibody test type (docs/ithc-certificate.md §DCC).
    dcc: null,
    view: { section: 'antibody', title: 'section.antibody', line: 'antibody' },
  }),
  vaccination: describe({
    kind: 'vaccination',
    list: 'vaccinations',
    noun: 'vaccination',
    keyUsage: 'v',
    place: 'vaccinationSite',
    instants: [],
    dcc: {
      type: 'v',
      ruleBasis: 'vaccination',
      ruleType: 'Vaccination',
      entry: (v: Vaccination, uci: string) => ({
        tg: v.disease,
        vp: v.prophylaxis,
        mp: v.product,
        ma: v.manufacturer,
        dn: v.doseNumber,
        sd: v.totalDoses,
        dt: v.date,
        co: v.country,
        is: v.issuer,
        ci: uci,
      }),
    },
    view: { section: 'vaccinations', title: 'section.vaccinations', line: 'vaccination' },
  }),
});

/** Every kind, in the certificate's order. */
export const RECORD_KIND_LIST: readonly RecordKind[] = Object.freeze(Object.keys(RECORD_KINDS) as RecordKind[]);

/** A kind's descriptor, for code that handles every kind alike (the union of the descriptors). */
export function recordKind(kind: RecordKind): RecordKindCore<RecordKind> {
  return RECORD_KINDS[kind] as unknown as RecordKindCore<RecordKind>;
}

/** The kind whose entries a certificate list holds. */
export function kindOfList(list: RecordList): RecordKindCore<RecordKind> {
  const k = RECORD_KIND_LIST.find((x) => RECORD_KINDS[x].list === list);
  if (k === undefined) throw new RangeError(`no record kind has the list ${String(list)}`);
  return recordKind(k);
}

export function isRecordKind(v: unknown): v is RecordKind {
  return typeof v === 'string' && Object.prototype.hasOwnProperty.call(RECORD_KINDS, v);
}

/** A certificate's entries of one kind. */
export function entriesOf(cert: Pick<IthcCertificate, RecordList>, kind: RecordKind): readonly RecordEntry[] {
  return cert[RECORD_KINDS[kind].list];
}

/** The code of the place an entry names by code, if it does. */
export function placeCodeOf(kind: RecordKind, e: RecordEntry): number | undefined {
  return (e as unknown as Record<string, number | undefined>)[`${RECORD_KINDS[kind].place}Code`];
}

/** The path of the i-th entry of a kind's list in a certificate, for problems. */
export function entryPath(kind: RecordKind, i: number): Path {
  const list = RECORD_KINDS[kind].list;
  return child(child({ name: '', keys: [] }, list, ITHC_KEYS.certificate[list]), i, i);
}
