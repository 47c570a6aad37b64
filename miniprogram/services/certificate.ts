/**
 * The certificate page's flow: fetch (or have issued) the certificate of the person shown, keep a
 * copy on the phone for use offline, and build what the page shows.
 *
 * certificate.issue returns the stored certificate while its signature has at least 7 days left and
 * issues a new one otherwise (docs/functions.md), so one call serves both the first open and a
 * refresh. Offline first: the copy saved last is shown at once, and the refresh runs behind it with
 * no indicator over it; a refresh that fails leaves the copy on screen with a note of its age. Only
 * an answer saying the person is no longer the caller's to show (identity released, relative
 * removed) takes a saved copy away.
 */
import { t, format, type Lang, type Messages } from '../i18n/index';
import {
  label,
  ownLabel,
  issuerLabel,
  certificateSections,
  readOwnCode,
  BEIJING_TIME,
  renderValue,
  RECORD_KINDS,
  RECORD_KIND_LIST,
  SEXES,
  TRAVEL_DOCUMENT_TYPES,
  TEST_RESULT_DETECTED,
  TEST_RESULT_NOT_DETECTED,
  type IthcCertificate,
  type Item,
  type Line,
  type RecordKind,
  type Section,
  type SourceNames,
  type Value,
} from '../lib/ithc-main';
import { readValue, removeValue, storedKeys, writeValue } from '../adapters/storage';
import { now } from '../adapters/clock';
import { callQuietly, callWithLoading, type ShownError } from './call';
import { ageOfInstant, beijingDate, formatDate, formatInstant, labelled, maskDocumentNumber } from './format';
import { forParam, type ActingFor } from './subject';
import { rememberMatrix, saveMatrix, type SavedQrMatrix } from '../utils/qr-draw';

/** The server's CertificateView (docs/functions.md); certificate is core/ithc.ts ithcToJson. */
export interface CertificateView {
  id: string;
  status: 'valid' | 'expired' | 'revoked';
  issuedAt: number;
  expiresAt: number;
  kid: string;
  certificate: {
    id: string;
    issuer: string;
    holder: {
      surname?: string;
      givenName?: string;
      surnameLatin?: string;
      givenNameLatin?: string;
      dateOfBirth: string;
      sex: string;
      nationality: string;
      documentType: string;
      documentNumber: string;
    };
    /** Places given by code carry their names beside the code: in Chinese, and in Latin letters when published. */
    tests: Array<{
      testType: string;
      testName?: string;
      sampleTime: string;
      result: string;
      testingCentre: string;
      testingCentreLatin?: string;
      testingCentreCode?: number;
      country: string;
    }>;
    antibodyTests: Array<{
      method: string;
      sampleTime: string;
      result: string;
      value?: string;
      unit?: string;
      testingCentre: string;
      testingCentreLatin?: string;
      testingCentreCode?: number;
      country: string;
    }>;
    vaccinations: Array<{
      product: string;
      manufacturer: string;
      doseNumber: number;
      totalDoses: number;
      date: string;
      country: string;
      vaccinationSite?: string;
      vaccinationSiteLatin?: string;
      vaccinationSiteCode?: number;
    }>;
  };
  /** Each EU code's `expiresAt` is its CWT `exp`: seconds, unlike the view's own times (dccExpiresAtMs). */
  codes: { ithc: string; dcc: Array<{ recordId: string; type: 't' | 'v'; uci: string; code: string; expiresAt: number }> };
  revokedAt?: number;
  revokedReason?: string;
  /** Why it ended: OPERATOR, RECORDS_INVALID, RECORD_CORRECTED, RECORD_WITHDRAWN (absent from older servers). */
  revokedReasonCode?: string;
  /** The certificate this one replaced, when that one had been revoked. */
  previous?: { id: string; revokedAt: number; reason: string; reasonCode: string };
}

const ENDED_REASONS = ['OPERATOR', 'RECORDS_INVALID', 'RECORD_CORRECTED', 'RECORD_WITHDRAWN'] as const;

/** Why a certificate ended, in the reader's language; the server's own words for a code this version does not know. */
function endedReason(lang: Lang, code: string | undefined, words: string | undefined): string | null {
  const known = ENDED_REASONS.find((c) => c === code);
  if (known) return t(lang, `ended${known}` as 'endedOPERATOR');
  return words && words.trim() ? words : null;
}

/**
 * The line that says why a certificate ended: on a revoked one, its own reason; on one that
 * replaced a revoked one, when and why that one ended. Null when there is nothing to say.
 */
export function endedNote(lang: Lang, view: CertificateView): string | null {
  if (view.status === 'revoked') {
    const reason = endedReason(lang, view.revokedReasonCode, view.revokedReason);
    return reason ? t(lang, 'endedWhy', { reason }) : null;
  }
  const p = view.previous;
  if (!p) return null;
  const reason = endedReason(lang, p.reasonCode, p.reason);
  return reason ? t(lang, 'endedPrevious', { date: formatInstant(lang, p.revokedAt), reason }) : null;
}

export interface CachedCertificate {
  view: CertificateView;
  savedAt: number;
}

/**
 * A copy as kept in storage: with the QR matrix of its code beside it, made when the copy is saved
 * (behind the screen, after a fetch), so opening the page from a cold start draws the code without
 * encoding it again. Copies kept by older versions have none; their code is encoded when drawn.
 */
interface StoredCertificate extends CachedCertificate {
  qr?: SavedQrMatrix;
}

/** Every copy of a certificate or of its codes on the phone has a key under this prefix (settings deletes them all). */
export const CACHE_PREFIX = 'ithc.cert.';
/**
 * The largest certificate copy kept (characters of its JSON). A certificate with a few dozen
 * records and their codes is well under it; WeChat allows 1 MB per key and 10 MB in all.
 */
export const MAX_SAVED_VIEW_CHARS = 64 * 1024;

function personKey(who: ActingFor | null): string {
  return who ? `rel.${who.id}` : 'self';
}

export function cacheKey(who: ActingFor | null): string {
  return `${CACHE_PREFIX}${personKey(who)}`;
}

/** Where the codes last fetched for each destination are kept for `who` (services/destination.ts). */
export function destinationsKey(who: ActingFor | null): string {
  return `${CACHE_PREFIX}dest.${personKey(who)}`;
}

/** The copy of `who`'s certificate on the phone; its saved QR matrix, if any, goes to the drawing code (utils/qr-draw.ts). */
export function readCached(who: ActingFor | null): CachedCertificate | null {
  const v = readValue(cacheKey(who)) as Partial<StoredCertificate> | undefined;
  if (!v || typeof v.savedAt !== 'number' || !isCertificateView(v.view)) return null;
  rememberMatrix(v.view.codes.ithc, v.qr);
  return { view: v.view, savedAt: v.savedAt };
}

/** The matrix of a code, or none when the code cannot be drawn as a QR (the page then says so). */
function matrixOf(code: string): SavedQrMatrix | undefined {
  try {
    return saveMatrix(code);
  } catch {
    return undefined;
  }
}

/** Keeps a copy; false (nothing kept) when it is over the size bound or storage is full. */
export function writeCached(who: ActingFor | null, view: CertificateView, savedAt: number): boolean {
  if (JSON.stringify(view).length > MAX_SAVED_VIEW_CHARS) return false;
  const qr = matrixOf(view.codes.ithc);
  return writeValue(cacheKey(who), { view: view as unknown as Record<string, unknown>, savedAt, ...(qr ? { qr } : {}) });
}

/** Deletes the copies of `who`'s certificate and of the codes fetched for their destinations. */
export function forgetCached(who: ActingFor | null): void {
  removeValue(cacheKey(who));
  removeValue(destinationsKey(who));
}

/** Deletes every certificate copy on this phone (settings). */
export function clearAllCached(): number {
  const keys = storedKeys().filter((k) => k.startsWith(CACHE_PREFIX));
  for (const k of keys) removeValue(k);
  return keys.length;
}

function isCertificateView(v: unknown): v is CertificateView {
  const o = v as Partial<CertificateView> | undefined;
  return Boolean(
    o && typeof o.id === 'string' && typeof o.expiresAt === 'number' && o.certificate && o.certificate.holder && o.codes && typeof o.codes.ithc === 'string',
  );
}

export type LoadResult =
  /** Fetched now, and saved. */
  | { kind: 'fresh'; cached: CachedCertificate }
  /** Not fetched: the saved copy stays on screen, `error` says why it could not be updated. */
  | { kind: 'kept'; cached: CachedCertificate; error: ShownError }
  /** Nothing saved to show, and nothing fetched. */
  | { kind: 'failed'; error: ShownError };

/**
 * Answers saying the person is not, or no longer, the caller's to show: the account has no verified
 * identity (released, or never verified), or the relative is no longer one the caller acts for. Their
 * saved copies are deleted rather than shown. Every other failure (offline, timeout, the service
 * down, a hold on issuance) leaves the saved copy standing: it is as valid as it was.
 */
export function endsSavedCopies(code: string, who: ActingFor | null): boolean {
  return code === 'IDENTITY_REQUIRED' || code === 'FORBIDDEN' || (who !== null && code === 'NOT_FOUND');
}

/**
 * Fetches the certificate of `who` and saves it. `quiet`: a refresh behind a copy already on
 * screen, with no loading indicator. When the fetch fails, the saved copy (if any) is returned to
 * stay on screen, unless the answer ends it (endsSavedCopies).
 */
export async function loadCertificate(lang: Lang, who: ActingFor | null, opts: { quiet?: boolean } = {}): Promise<LoadResult> {
  const call = opts.quiet ? callQuietly : callWithLoading;
  const r = await call<CertificateView>(lang, 'certificate', { action: 'issue', ...forParam(who) });
  if (r.ok && isCertificateView(r.data)) {
    const cached = { view: r.data, savedAt: now() };
    writeCached(who, r.data, cached.savedAt);
    return { kind: 'fresh', cached };
  }
  const error: ShownError = r.ok ? { code: 'BAD_RESPONSE', message: t(lang, 'errorBadResponse'), fields: {}, offline: false } : r.error;
  if (endsSavedCopies(error.code, who)) {
    forgetCached(who);
    return { kind: 'failed', error };
  }
  // Refused because the certificate was revoked (its records, or records an operator blocked): the
  // server's latest certificate says so and why, which the copy saved before does not.
  if (REFUSED_AFTER_REVOCATION.has(error.code)) {
    const latest = await callQuietly<CertificateView | null>(lang, 'certificate', { action: 'get', ...forParam(who) });
    if (latest.ok && isCertificateView(latest.data) && latest.data.status === 'revoked') {
      const cached = { view: latest.data, savedAt: now() };
      writeCached(who, latest.data, cached.savedAt);
      return { kind: 'fresh', cached };
    }
  }
  const saved = readCached(who);
  return saved ? { kind: 'kept', cached: saved, error } : { kind: 'failed', error };
}

/** Issue refusals that may mean the certificate was revoked (docs/functions.md, certificate.issue). */
const REFUSED_AFTER_REVOCATION = new Set(['CONFLICT', 'RECORDS_BLOCKED']);

/** How long a page goes without asking the server again when it is shown anew. */
export const REFRESH_INTERVAL_MS = 60_000;

/** The note over a saved copy that could not be updated: offline, or why not; with its age. */
export function keptCopyNote(lang: Lang, error: ShownError, savedAt: number, nowMs: number): string {
  const age = ageOfInstant(lang, savedAt, nowMs);
  return error.offline ? t(lang, 'offlineCopy', { age }) : t(lang, 'staleCopy', { age, reason: error.message });
}

export interface RecordLine {
  title: string;
  /** The result or dose, the line's main fact. */
  main: string;
  tone: 'good' | 'bad' | 'neutral';
  when: string;
  age: string;
  details: string[];
}

export interface CertificateScreen {
  status: 'valid' | 'expired' | 'revoked';
  statusText: string;
  statusHint: string;
  holder: {
    name: string;
    nameLatin: string;
    birth: string;
    sex: string;
    nationality: string;
    documentType: string;
    documentMasked: string;
    documentFull: string;
  };
  tests: RecordLine[];
  antibodyTests: RecordLine[];
  vaccinations: RecordLine[];
  issuedAt: string;
  expiresAt: string;
  id: string;
  issuer: string;
  code: string;
  qrLabel: string;
  /** "3小时前": how old the copy on the phone is. */
  savedAge: string;
  /** Why this certificate, or the one it replaced, ended (endedNote). */
  endedNote: string | null;
  /** One EU DCC (HC1) per test or vaccination, for destinations that take EU codes but are not partners. */
  euCodes: EuCodeLine[];
}

export interface EuCodeLine {
  /** "2026年3月15日的核酸检测". */
  label: string;
  code: string;
  /** "有效期至 …", or that it expired or was revoked with the certificate. */
  validity: string;
  /** Expired, or revoked with the certificate: not to be shown. */
  ended: boolean;
}

type DccEntry = CertificateView['codes']['dcc'][number];

/**
 * What record an EU code was made from, in words: "2026年3月15日的核酸检测". The certificate's codes
 * hold one per test or vaccination, in the order of its tests and vaccinations.
 */
export function dccRecordLabel(lang: Lang, view: CertificateView, record: DccEntry): string {
  const type = t(lang, record.type === 'v' ? 'destDccVaccination' : 'destDccTest');
  const i = view.codes.dcc.filter((d) => d.type === record.type).findIndex((d) => d.recordId === record.recordId);
  let date = '';
  if (record.type === 'v') {
    const v = view.certificate.vaccinations[i];
    if (v) date = formatDate(lang, v.date);
  } else {
    const x = view.certificate.tests[i];
    if (x) date = formatDate(lang, beijingDate(Date.parse(x.sampleTime)));
  }
  return date ? t(lang, 'destDccRecord', { type, date }) : type;
}

/** When an EU code's signature expires, in ms: the server gives its CWT `exp`, in seconds. */
export function dccExpiresAtMs(record: Pick<DccEntry, 'expiresAt'>): number {
  return record.expiresAt * 1000;
}

export function euCodeLines(lang: Lang, view: CertificateView, nowMs: number): EuCodeLine[] {
  return view.codes.dcc.map((d) => {
    const expiresAt = dccExpiresAtMs(d);
    const expired = expiresAt <= nowMs;
    const revoked = view.status === 'revoked';
    return {
      label: dccRecordLabel(lang, view, d),
      code: d.code,
      // A revoked certificate's EU codes carry the same records: they end with it, whatever their own expiry.
      validity: revoked ? t(lang, 'euCodeRevoked') : t(lang, expired ? 'destCodeExpired' : 'destCodeValidUntil', { date: formatInstant(lang, expiresAt) }),
      ended: expired || revoked,
    };
  });
}

/**
 * The names of the places a certificate gives by code, as the server sends them beside each code
 * (the readable copy, named from the signed source lists): the Chinese name and the Latin-letter one.
 */
export function sourceNamesOf(c: CertificateView['certificate']): SourceNames {
  const byCode = new Map<number, { name: string; nameLatin?: string }>();
  for (const k of RECORD_KIND_LIST) {
    const { list, place } = RECORD_KINDS[k];
    const entries: unknown = (c as unknown as Record<string, unknown>)[list];
    // Typed apart from the condition: WeChat's compiler (Babel) misreads `cond ? (x as T) : y`.
    const records: unknown[] = Array.isArray(entries) ? entries : [];
    for (const record of records) {
      const e = (record ?? {}) as Record<string, unknown>;
      const code = e[`${place}Code`];
      const name = e[place];
      const latin = e[`${place}Latin`];
      if (typeof code === 'number' && typeof name === 'string') byCode.set(code, { name, ...(typeof latin === 'string' ? { nameLatin: latin } : {}) });
    }
  }
  return byCode;
}

/** The certificate last read from a code: a language change or a refresh builds the screen again from the same code. */
let lastRead: { code: string; certificate: IthcCertificate } | null = null;

/** The certificate a saved copy's code carries (what was signed), read without a key: the code is the server's own. */
function ownCertificate(code: string): IthcCertificate {
  if (lastRead?.code !== code) lastRead = { code, certificate: readOwnCode(code).certificate };
  return lastRead.certificate;
}

/**
 * The shared view model's sections of the certificate in `view` (core/view certificateSections),
 * with ages counted to `nowMs`: read from the copy's own code, the places it gives by code named as
 * the server named them. None when the code does not read back (a copy some other version saved):
 * the page still shows the code, the holder and the validity.
 */
export function certificateSectionsOf(view: CertificateView, nowMs: number): Section[] {
  let certificate: IthcCertificate;
  try {
    certificate = ownCertificate(view.codes.ithc);
  } catch {
    return [];
  }
  return certificateSections({ format: 'ithc', ithc: certificate }, { now: Math.floor(nowMs / 1000), sources: sourceNamesOf(view.certificate) });
}

/**
 * Where each kind's lines go on the page (by the line's key after the kind's prefix): the main fact
 * beside the age, the title under it, the time of the record; every other line is a detail, so a line
 * the view model adds shows without a change here.
 */
const RECORD_LAYOUT: { readonly [K in RecordKind]: { readonly main: string; readonly title?: string; readonly when: string; readonly age?: string } } = {
  naat: { main: 'result', title: 'type', when: 'sampleTime', age: 'sampleAge' },
  igg: { main: 'result', when: 'sampleTime', age: 'sampleAge' },
  vaccination: { main: 'dose', title: 'product', when: 'date' },
};

/** How old a record is, from its time when the view model gives no age line for it (a vaccination's date). */
function ageOf(when: Value | undefined, nowSeconds: number): Value | null {
  if (when?.kind === 'datetime') return { kind: 'age', seconds: nowSeconds - when.seconds };
  if (when?.kind === 'date') {
    // A calendar date's age in whole days: the hours past its midnight say nothing.
    const at = Date.parse(`${when.date}T00:00:00Z`);
    return Number.isNaN(at) ? null : { kind: 'age', seconds: Math.floor((nowSeconds - at / 1000) / 86400) * 86400 };
  }
  return null;
}

/** A test result's colour: not detected is good news, detected is bad; anything else is neither. */
function toneOf(value: Value): RecordLine['tone'] {
  if (value.kind !== 'coded' || value.set !== 'testResult') return 'neutral';
  return value.code === TEST_RESULT_NOT_DETECTED ? 'good' : value.code === TEST_RESULT_DETECTED ? 'bad' : 'neutral';
}

function recordLine(lang: Lang, kind: RecordKind, item: Item, nowMs: number): RecordLine {
  const layout = RECORD_LAYOUT[kind];
  const prefix = `${RECORD_KINDS[kind].view.line}.`;
  const byName = new Map<string, Line>(item.lines.map((l) => [l.key.startsWith(prefix) ? l.key.slice(prefix.length) : l.key, l]));
  const named = (name: string | undefined) => (name === undefined ? undefined : byName.get(name));
  const main = named(layout.main);
  const when = named(layout.when);
  const age = named(layout.age)?.value ?? ageOf(when?.value, Math.floor(nowMs / 1000));
  const placed = new Set([layout.main, layout.title, layout.when, layout.age]);
  // The traveller's screens show instants in Beijing time, as the rest of the page does.
  const show = (v: Value) => renderValue(lang, v, BEIJING_TIME);
  const written = (l: Line) => labelled(lang, show(l.label), show(l.value));
  return {
    title: named(layout.title) ? show(named(layout.title)!.value) : '',
    main: main ? show(main.value) : '',
    tone: main ? toneOf(main.value) : 'neutral',
    when: when ? written(when) : '',
    age: age ? show(age) : '',
    details: [...byName].filter(([name]) => !placed.has(name)).map(([, l]) => written(l)),
  };
}

/** The page's three record cards, each from its kind's section of the view model. */
function recordLines(lang: Lang, view: CertificateView, nowMs: number): Pick<CertificateScreen, 'tests' | 'antibodyTests' | 'vaccinations'> {
  const sections = certificateSectionsOf(view, nowMs);
  const of = (kind: RecordKind) =>
    (sections.find((x) => x.key === RECORD_KINDS[kind].view.section)?.items ?? []).map((item) => recordLine(lang, kind, item, nowMs));
  return { tests: of('naat'), antibodyTests: of('igg'), vaccinations: of('vaccination') };
}

/** The status now: a copy read offline may have expired since it was saved. */
export function statusAt(view: CertificateView, nowMs: number): CertificateScreen['status'] {
  if (view.status === 'revoked') return 'revoked';
  return view.expiresAt <= nowMs ? 'expired' : 'valid';
}

export function fullName(holder: CertificateView['certificate']['holder']): { name: string; nameLatin: string } {
  const name = `${holder.surname ?? ''}${holder.givenName ?? ''}`;
  const nameLatin = [holder.surnameLatin, holder.givenNameLatin].filter(Boolean).join(' ');
  return { name: name || nameLatin, nameLatin };
}

export function buildCertificateScreen(lang: Lang, cached: CachedCertificate, nowMs: number): CertificateScreen {
  const { view } = cached;
  const c = view.certificate;
  const h = c.holder;
  const status = statusAt(view, nowMs);
  const statusKey = status === 'valid' ? 'statusValid' : status === 'expired' ? 'statusExpired' : 'statusRevoked';
  const { name, nameLatin } = fullName(h);
  return {
    status,
    statusText: t(lang, statusKey),
    statusHint: t(lang, `${statusKey}Hint` as 'statusValidHint'),
    holder: {
      name,
      nameLatin,
      birth: formatDate(lang, h.dateOfBirth),
      sex: ownLabel(SEXES, h.sex as 'M', lang),
      nationality: label('country', h.nationality, lang),
      documentType: ownLabel(TRAVEL_DOCUMENT_TYPES, h.documentType as 'ordinary', lang),
      documentMasked: maskDocumentNumber(h.documentNumber),
      documentFull: h.documentNumber,
    },
    ...recordLines(lang, view, nowMs),
    issuedAt: formatInstant(lang, view.issuedAt),
    expiresAt: formatInstant(lang, view.expiresAt),
    id: view.id,
    // Listed issuers travel as a code and have a name in each language; others are shown as issued.
    issuer: issuerLabel(c.issuer, lang),
    code: view.codes.ithc,
    qrLabel: t(lang, 'qrLabel', { name: name || nameLatin }),
    savedAge: ageOfInstant(lang, cached.savedAt, nowMs),
    endedNote: endedNote(lang, view),
    euCodes: euCodeLines(lang, view, nowMs),
  };
}

/**
 * Whom the page acts for, at its top: "正在查看：王秀英" for a relative, "张伟（本人）" for the user.
 * `holderName` is the name on the certificate shown, when there is one: it names the person
 * exactly, where the relatives list may name them otherwise.
 */
export function personLine(m: Messages, who: ActingFor | null, holderName = ''): string {
  const name = holderName || (who ? who.name : '');
  if (who) return format(m.certFor, { name: name || m.certRelative });
  return name ? format(m.certSelfNamed, { name }) : m.certSelf;
}
