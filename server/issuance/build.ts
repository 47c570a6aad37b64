/**
 * From a verified person, their bound travel document and their records to the certificate
 * contents (data model B, core/ithc.ts) and the single-record DCCs. Pure: no store, no clock.
 *
 * Identifiers are derived, never random, so that the same records give the same certificate id
 * (issuance is idempotent) and a corrected record gives a new one.
 */
import { createHash } from 'node:crypto';
import { dccRecords, ithcRecordToDcc, makeUvci, type DccRecordRef, type IthcCertificate, type IthcCertificateInput, type SourceNames } from '../../core/ithc';
import type { DccJson } from '../../core/dcc';
import { kindOfList, RECORD_KINDS, type RecordEntry, type RecordList } from '../../core/record-kinds';
import type { SourceDoc } from '../records/record-id';
import { RECORD_KIND_LIST, serverKind } from '../records/kinds';
import { sourceListEntry } from '../trust/source-list';
import type { HealthRecord } from '../records/types';

export { decimalText } from '../records/kinds';

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

const PINYIN_SYLLABLE =
  /(zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?(iang|iong|uang|ueng|ang|eng|ing|ong|ian|iao|uai|uan|van|ai|ei|ao|ou|an|en|in|un|vn|ia|ie|iu|ua|uo|ui|ue|ve|er|a|o|e|i|u|v)(?![aeiouv])/g;

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
      // Fields in sorted order, each value whole (a key list given to JSON.stringify would also drop nested keys).
      const sorted = Object.fromEntries(
        Object.keys(content)
          .sort()
          .map((k) => [k, content[k]]),
      );
      return `${r._id}=${sha(JSON.stringify(sorted))}`;
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
export function certificateId(
  country: string,
  subject: IssuanceSubject,
  records: readonly HealthRecord[],
  fingerprint = recordsFingerprint(records),
  generation = 0,
): string {
  if (!Number.isSafeInteger(generation) || generation < 0) throw new RangeError(`generation must be a non-negative integer: ${generation}`);
  const parts = [subject.personId, subject.document.type, subject.document.number, subject.name, fingerprint];
  return makeUvci(country, opaque(sha('ithc/cert/v1', ...parts, ...(generation > 0 ? [`generation=${generation}`] : []))));
}

export function dccId(country: string, certId: string, recordId: string): string {
  return makeUvci(country, opaque(sha('ithc/dcc/v1', certId, recordId)));
}

/**
 * Selects the records a certificate carries: kind by kind in the certificate's order, the newest
 * of each up to its kind's `perCertificate` (server/records/kinds.ts), then in date order.
 */
export function selectRecords(records: readonly HealthRecord[]): HealthRecord[] {
  return RECORD_KIND_LIST.flatMap((kind) => {
    const d = serverKind(kind);
    const when = (r: HealthRecord) => d.madeAt(r);
    return records
      .filter((r) => r.kind === kind)
      .sort((a, b) => when(b) - when(a) || (a._id < b._id ? -1 : 1))
      .slice(0, d.perCertificate)
      .sort((a, b) => when(a) - when(b) || (a._id < b._id ? -1 : 1));
  });
}

/** The record behind a certificate entry that a DCC can carry: a typed reference, structured-clonable (it may cross to a worker thread). */
export interface DccLink {
  readonly ref: DccRecordRef;
  readonly recordId: string;
}

export interface BuiltCertificate {
  input: IthcCertificateInput;
  /** The records the certificate carries (selectRecords), in the certificate's order. */
  records: HealthRecord[];
  /** recordsFingerprint of the records the certificate carries. */
  fingerprint: string;
  /** The record behind each entry a DCC can carry, by its reference into the certificate's lists (buildDccs). */
  recordIdByDccRef: DccLink[];
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

/** The records a certificate carries and their fingerprint: all its id derives from besides the holder. */
export interface CertificateSelection {
  /** selectRecords of a person's records. */
  readonly records: HealthRecord[];
  /** recordsFingerprint of those. */
  readonly fingerprint: string;
}

export function selectForCertificate(all: readonly HealthRecord[]): CertificateSelection {
  const records = selectRecords(all);
  return { records, fingerprint: recordsFingerprint(records) };
}

/**
 * `sources` are the records' sources by id (the `sources` collection); a record whose source is not
 * given is carried by name. `selection` is selectForCertificate(all), and `id` the certificate's id,
 * when the caller has them already (the issuance service derives the id with its generation).
 */
export function buildCertificate(
  country: string,
  issuer: string,
  subject: IssuanceSubject,
  all: readonly HealthRecord[],
  sources: ReadonlyMap<string, SourceDoc> = new Map(),
  selection: CertificateSelection = selectForCertificate(all),
  id: string = certificateId(country, subject, selection.records, selection.fingerprint),
): BuiltCertificate {
  const { records, fingerprint } = selection;
  const { surname, givenName } = splitChineseName(subject.name, subject.document.surnameLatin);
  const lists = Object.fromEntries(RECORD_KIND_LIST.map((k) => [RECORD_KINDS[k].list, [] as RecordEntry[]])) as Record<RecordList, RecordEntry[]>;
  const recordIdByDccRef: DccLink[] = [];
  const named = new Map<number, SourceNameEntry>();
  for (const r of records) {
    const core = RECORD_KINDS[r.kind];
    const list = lists[core.list];
    // The certificate's issuer is the DCC's `is`, the authority vouching for the record (HCERT
    // value "Certificate Issuer"), not the lab; the lab is the testing centre. Using the
    // certificate's issuer lets the encoding omit it per record (docs/ithc-certificate.md).
    const entry = serverKind(r.kind).toEntry(r, {
      issuer,
      place: (name) => {
        const source = sources.get(r.sourceId);
        const p = place(source, name);
        if ('code' in p) {
          named.set(p.code, { code: p.code, name: source!.name, ...(source!.nameLatin !== undefined ? { nameLatin: source!.nameLatin } : {}) });
          return { [`${core.place}Code`]: p.code };
        }
        return { [core.place]: p.name };
      },
    });
    if (core.dcc) recordIdByDccRef.push({ ref: { list: core.list, index: list.length }, recordId: r._id });
    list.push(entry);
  }
  const input: IthcCertificateInput = {
    id,
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
    ...(lists as unknown as Pick<IthcCertificateInput, RecordList>),
  };
  return { input, records, fingerprint, recordIdByDccRef, sourceNames: [...named.values()].sort((a, b) => a.code - b.code) };
}

/**
 * The names of coded sources from a stored readable certificate (ithcToJson with names, as issuance
 * stores it): each entry that has a code and the name beside it.
 */
export function sourceNamesFromJson(certificate: Record<string, unknown> | undefined): SourceNameEntry[] {
  const out = new Map<number, SourceNameEntry>();
  const take = (e: unknown, field: string) => {
    if (!e || typeof e !== 'object') return;
    const o = e as Record<string, unknown>;
    const code = o[`${field}Code`];
    const name = o[field];
    const latin = o[`${field}Latin`];
    if (typeof code === 'number' && typeof name === 'string') out.set(code, { code, name, ...(typeof latin === 'string' ? { nameLatin: latin } : {}) });
  };
  for (const k of RECORD_KIND_LIST) for (const e of asArray(certificate?.[RECORD_KINDS[k].list])) take(e, RECORD_KINDS[k].place);
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

/**
 * One DCC per record the DCC can express (dccRecords: kind by kind, each list in order), each with
 * its own UVCI, derived from the record behind it (`links`; an entry with none is named by its
 * place in the certificate); a coded testing centre gets its name in `tc` from `sourceNames`.
 */
export function buildDccs(
  country: string,
  cert: IthcCertificate,
  links: readonly DccLink[],
  sourceNames: readonly SourceNameEntry[] = [],
): Array<{ recordId: string; type: 't' | 'v'; dcc: DccJson }> {
  const names = sourceNamesOf(sourceNames);
  return dccRecords(cert).map((ref) => {
    const recordId = links.find((l) => l.ref.list === ref.list && l.ref.index === ref.index)?.recordId ?? `${ref.list}/${ref.index}`;
    return { recordId, type: kindOfList(ref.list).dcc!.type, dcc: ithcRecordToDcc(cert, ref, dccId(country, cert.id, recordId), names) };
  });
}
