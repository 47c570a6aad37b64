/**
 * From a verified person, their bound travel document and their records to the certificate
 * contents (data model B, core/ithc.ts) and the single-record DCCs. Pure: no store, no clock.
 *
 * Identifiers are derived, never random, so that the same records give the same certificate id
 * (issuance is idempotent) and a corrected record gives a new one.
 */
import { createHash } from 'node:crypto';
import { COVID_19, TEST_TYPE_NAAT } from '../../core/valuesets';
import { dccRecords, ithcRecordToDcc, makeUvci, type AntibodyTest, type IthcCertificate, type IthcCertificateInput, type SourceNames, type Vaccination, type ViralTest } from '../../core/ithc';
import type { DccJson } from '../../core/dcc';
import type { SourceDoc } from '../records/record-id';
import { sourceListEntry } from '../trust/source-list';
import type { HealthRecord } from '../records/types';

export interface IssuanceSubject {
  personId: string;
  /** Chinese name as verified (e.g. 张伟); split into surname / given name by the document's Latin name. */
  name: string;
  birthDate: string;
  sex: 'male' | 'female';
  nationality: string;
  document: {
    type: 'ordinary' | 'diplomatic' | 'service' | 'public-affairs' | 'travel-permit';
    number: string;
    /** The state that issued it, ISO 3166-1 alpha-2 (the MRZ's alpha-3 CHN is CN). */
    issuingState: string;
    surnameLatin: string;
    givenNameLatin: string;
  };
}

/**
 * The subject of a certificate: a verified person, the travel document bound to them, and the
 * Latin name the document registry holds for it. Every document type here is issued by the PRC to
 * its citizens, hence the nationality.
 */
export function issuanceSubject(
  who: Pick<IssuanceSubject, 'personId' | 'name' | 'birthDate' | 'sex'>,
  doc: Pick<IssuanceSubject['document'], 'type' | 'number'>,
  entry: { surname: string; givenNames: string },
): IssuanceSubject {
  return {
    personId: who.personId,
    name: who.name,
    birthDate: who.birthDate,
    sex: who.sex,
    nationality: 'CN',
    document: { type: doc.type, number: doc.number, issuingState: 'CN', surnameLatin: entry.surname, givenNameLatin: entry.givenNames },
  };
}

/** Upper bound per list in one certificate (core/ithc.ts ITHC_LIMITS): the newest records win. */
const PER_LIST = { naat: 3, igg: 2, vaccination: 4 } as const;

/**
 * Splits a Chinese name into surname and given name using the Latin name's syllable count as a
 * guide: the ICAO surname tells how many characters belong to it (ZHANG → 1, OUYANG → 2).
 */
export function splitChineseName(name: string, surnameLatin: string): { surname: string; givenName?: string } {
  const chars = [...name.replace(/[\u00B7\u2022\u30FB\uFF0E\u2027.]/g, '')];
  const syllables = countPinyinSyllables(surnameLatin);
  const n = Math.min(Math.max(1, syllables), chars.length);
  const surname = chars.slice(0, n).join('');
  const given = chars.slice(n).join('');
  return given ? { surname, givenName: given } : { surname };
}

const PINYIN_SYLLABLE = /(zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?(iang|iong|uang|ueng|ang|eng|ing|ong|ian|iao|uai|uan|van|ai|ei|ao|ou|an|en|in|un|vn|ia|ie|iu|ua|uo|ui|ue|ve|er|a|o|e|i|u|v)(?![aeiouv])/g;

function countPinyinSyllables(latin: string): number {
  const s = latin.toLowerCase().replace(/[^a-z]/g, '');
  const m = s.match(PINYIN_SYLLABLE);
  return m ? m.length : 1;
}

function sha(...parts: string[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex');
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Base32 (RFC 4648 alphabet: A–Z 2–7) of a hex digest's leading bits: fits the UVCI opaque charset. */
function opaque(hex: string, chars = 16): string {
  let out = '';
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < hex.length && out.length < chars; i++) {
    acc = ((acc << 4) | parseInt(hex[i], 16)) & 0xff;
    bits += 4;
    if (bits >= 5) {
      bits -= 5;
      out += BASE32[(acc >> bits) & 31];
    }
  }
  return out;
}

/** A stable fingerprint of the records that go into a certificate (ids and content). */
export function recordsFingerprint(records: readonly HealthRecord[]): string {
  const parts = records
    .map((r) => {
      const { receivedAt: _r, ...content } = r as HealthRecord & Record<string, unknown>;
      return `${r._id}=${sha(JSON.stringify(content, Object.keys(content).sort()))}`;
    })
    .sort();
  return sha(...parts);
}

/**
 * `fingerprint` is recordsFingerprint(records), when the caller has it already. `generation` counts
 * the certificates of these same inputs that ended because their holder deleted the account
 * (server/issuance/service.ts): a returning holder gets a new id, since a revoked id is never signed
 * again. Generation 0 is the id as it always was.
 */
export function certificateId(country: string, subject: IssuanceSubject, records: readonly HealthRecord[], fingerprint = recordsFingerprint(records), generation = 0): string {
  if (!Number.isSafeInteger(generation) || generation < 0) throw new RangeError(`generation must be a non-negative integer: ${generation}`);
  const parts = [subject.personId, subject.document.type, subject.document.number, subject.name, fingerprint];
  return makeUvci(country, opaque(sha('ithc/cert/v1', ...parts, ...(generation > 0 ? [`generation=${generation}`] : []))));
}

export function dccId(country: string, certId: string, recordId: string): string {
  return makeUvci(country, opaque(sha('ithc/dcc/v1', certId, recordId)));
}

function seconds(iso: string): number {
  return Math.floor(Date.parse(iso) / 1000);
}

/** Selects the records a certificate carries: newest first, bounded per list, then in date order. */
export function selectRecords(records: readonly HealthRecord[]): HealthRecord[] {
  const when = (r: HealthRecord) => (r.kind === 'vaccination' ? Date.parse(r.date) : Date.parse(r.sampledAt));
  const pick = (kind: HealthRecord['kind']) =>
    records
      .filter((r) => r.kind === kind)
      .sort((a, b) => when(b) - when(a) || (a._id < b._id ? -1 : 1))
      .slice(0, PER_LIST[kind])
      .sort((a, b) => when(a) - when(b) || (a._id < b._id ? -1 : 1));
  return [...pick('vaccination'), ...pick('naat'), ...pick('igg')];
}

export interface BuiltCertificate {
  input: IthcCertificateInput;
  /** The records the certificate carries (selectRecords), in the certificate's order. */
  records: HealthRecord[];
  /** recordsFingerprint of the records the certificate carries. */
  fingerprint: string;
  /** The source record id behind each DCC-expressible entry, in dccRecords() order. */
  recordIdByDccRef: Map<string, string>;
  /** The names of the sources the certificate names by code (for display and the DCC's tc). */
  sourceNames: SourceNameEntry[];
}

/** A coded source's names, as the published source list gives them: structured-clonable (it may cross to a worker thread). */
export interface SourceNameEntry {
  code: number;
  name: string;
  nameLatin?: string;
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

/**
 * Where a record was made, as the certificate carries it: the code of its source in the published
 * source list when the record was made by that source itself (a test whose testing centre is the
 * sending laboratory's name; a vaccination whose issuer is the sending site's name), else the name
 * the record gives. A source the list does not hold (no code: one abroad, one not registered) is
 * carried by name.
 */
function place(source: SourceDoc | undefined, name: string): { code: number } | { name: string } {
  const listed = source ? sourceListEntry(source) : undefined;
  return listed && source!.name === name ? { code: listed.code } : { name };
}

/**
 * `sources` are the records' sources by id (the `sources` collection); a record whose source is not
 * given is carried by name.
 */
export function buildCertificate(country: string, issuer: string, subject: IssuanceSubject, all: readonly HealthRecord[], sources: ReadonlyMap<string, SourceDoc> = new Map()): BuiltCertificate {
  const records = selectRecords(all);
  const fingerprint = recordsFingerprint(records);
  const { surname, givenName } = splitChineseName(subject.name, subject.document.surnameLatin);
  const tests: ViralTest[] = [];
  const antibodyTests: AntibodyTest[] = [];
  const vaccinations: Vaccination[] = [];
  const recordIdByDccRef = new Map<string, string>();
  const named = new Map<number, SourceNameEntry>();
  const at = (r: HealthRecord, name: string, field: 'testingCentre' | 'vaccinationSite'): Record<string, string | number> => {
    const source = sources.get(r.sourceId);
    const p = place(source, name);
    if ('code' in p) {
      named.set(p.code, { code: p.code, name: source!.name, ...(source!.nameLatin !== undefined ? { nameLatin: source!.nameLatin } : {}) });
      return { [`${field}Code`]: p.code };
    }
    return { [field]: p.name };
  };
  for (const r of records) {
    // The DCC's `is` is the certificate issuer, the authority vouching for the record (HCERT
    // value "Certificate Issuer"), not the lab; the lab is the testing centre. Using the
    // certificate's issuer lets the encoding omit it per record (docs/ithc-certificate.md).
    const common = { country: r.country, issuer };
    if (r.kind === 'naat') {
      recordIdByDccRef.set(`tests/${tests.length}`, r._id);
      // The lab's name for a nucleic-acid test is not carried (docs/ithc-certificate.md, "What our
      // issuer leaves out"): optional for NAATs in the DCC (nm), and what it says, a PCR test for
      // SARS-CoV-2, the test type and disease already say; in Chinese it costs ~80 of the code's
      // characters (the demo lab's is 20 characters, 59 bytes). The record keeps it.
      tests.push({
        ...common,
        disease: COVID_19,
        testType: r.testType ?? TEST_TYPE_NAAT,
        sampleTime: seconds(r.sampledAt),
        ...(r.reportedAt !== undefined ? { reportTime: seconds(r.reportedAt) } : {}),
        result: r.result,
        ...at(r, r.centre, 'testingCentre'),
      } as ViralTest);
    } else if (r.kind === 'igg') {
      antibodyTests.push({
        ...common,
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
        ...at(r, r.centre, 'testingCentre'),
      } as AntibodyTest);
    } else {
      recordIdByDccRef.set(`vaccinations/${vaccinations.length}`, r._id);
      // Boosters as the EU encodes them (docs/ithc-certificate.md §Doses and boosters): a dose past
      // the primary course is n/n. A site that wrote 3/2 (dose past the series) means the same: n/n.
      const totalDoses = r.dose > r.doses ? r.dose : r.doses;
      vaccinations.push({
        ...common,
        disease: r.disease || COVID_19,
        prophylaxis: r.vaccine,
        product: r.product,
        manufacturer: r.manufacturer,
        doseNumber: r.dose,
        totalDoses,
        date: r.date,
        ...at(r, r.issuer, 'vaccinationSite'),
      } as Vaccination);
    }
  }
  const input: IthcCertificateInput = {
    id: certificateId(country, subject, records, fingerprint),
    issuer,
    holder: {
      surname,
      ...(givenName ? { givenName } : {}),
      surnameLatin: subject.document.surnameLatin,
      ...(subject.document.givenNameLatin ? { givenNameLatin: subject.document.givenNameLatin } : {}),
      dateOfBirth: subject.birthDate,
      sex: subject.sex === 'male' ? 'M' : 'F',
      nationality: subject.nationality,
      documentType: subject.document.type,
      documentNumber: subject.document.number,
      documentIssuer: subject.document.issuingState,
    },
    tests,
    antibodyTests,
    vaccinations,
  };
  return { input, records, fingerprint, recordIdByDccRef, sourceNames: [...named.values()].sort((a, b) => a.code - b.code) };
}

/**
 * The names of coded sources from a stored readable certificate (ithcToJson with names, as issuance
 * stores it): each entry that has a code and the name beside it.
 */
export function sourceNamesFromJson(certificate: Record<string, unknown> | undefined): SourceNameEntry[] {
  const out = new Map<number, SourceNameEntry>();
  const take = (e: unknown, field: 'testingCentre' | 'vaccinationSite') => {
    if (!e || typeof e !== 'object') return;
    const o = e as Record<string, unknown>;
    const code = o[`${field}Code`];
    const name = o[field];
    const latin = o[`${field}Latin`];
    if (typeof code === 'number' && typeof name === 'string') out.set(code, { code, name, ...(typeof latin === 'string' ? { nameLatin: latin } : {}) });
  };
  for (const list of ['tests', 'antibodyTests'] as const) for (const e of asArray(certificate?.[list])) take(e, 'testingCentre');
  for (const e of asArray(certificate?.vaccinations)) take(e, 'vaccinationSite');
  return [...out.values()];
}

function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** The names of coded sources, as core/ithc.ts SourceNames. */
export function sourceNamesOf(entries: readonly SourceNameEntry[] = []): SourceNames {
  const byCode = new Map(entries.map((e) => [e.code, e]));
  return (code) => byCode.get(code);
}

/** One DCC per record the DCC can express, each with its own UVCI; a coded testing centre gets its name in `tc` from `sourceNames`. */
export function buildDccs(country: string, cert: IthcCertificate, recordIdByDccRef: Map<string, string>, sourceNames: readonly SourceNameEntry[] = []): Array<{ recordId: string; type: 't' | 'v'; dcc: DccJson }> {
  const names = sourceNamesOf(sourceNames);
  return dccRecords(cert).map((ref) => {
    const recordId = recordIdByDccRef.get(`${ref.list}/${ref.index}`) ?? `${ref.list}/${ref.index}`;
    return { recordId, type: ref.list === 'tests' ? ('t' as const) : ('v' as const), dcc: ithcRecordToDcc(cert, ref, dccId(country, cert.id, recordId), names) };
  });
}
