/**
 * The certificate page's flow: fetch (or have issued) the certificate of the person shown, keep a
 * copy on the phone for use offline, and build what the page shows.
 *
 * certificate.issue returns the stored certificate while its signature has at least 7 days left and
 * issues a new one otherwise (docs/functions.md), so one call serves both the first open and a
 * refresh. When the call cannot reach the server, the copy saved last is shown with its age.
 */
import { t, format, type Lang, type Messages } from '../i18n/index';
import { label, ownLabel, issuerLabel, IGG_METHODS, IGG_RESULTS, SEXES, TRAVEL_DOCUMENT_TYPES, TEST_RESULT_DETECTED, TEST_RESULT_NOT_DETECTED } from '../lib/ithc-main';
import { readValue, removeValue, storedKeys, writeValue } from '../adapters/storage';
import { now } from '../adapters/clock';
import { callWithLoading, type ShownError } from './call';
import { ageOfDate, ageOfInstant, formatDate, formatInstant, labelled, maskDocumentNumber } from './format';
import { forParam, getActingFor, type ActingFor } from './subject';

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
    tests: Array<{ testType: string; testName?: string; sampleTime: string; result: string; testingCentre: string; country: string }>;
    antibodyTests: Array<{ method: string; sampleTime: string; result: string; value?: string; unit?: string; testingCentre: string; country: string }>;
    vaccinations: Array<{ product: string; manufacturer: string; doseNumber: number; totalDoses: number; date: string; country: string }>;
  };
  codes: { ithc: string; dcc: Array<{ recordId: string; type: 't' | 'v'; uci: string; code: string; expiresAt: number }> };
  revokedAt?: number;
}

export interface CachedCertificate {
  view: CertificateView;
  savedAt: number;
}

const CACHE_PREFIX = 'ithc.cert.';

export function cacheKey(who: ActingFor | null): string {
  return `${CACHE_PREFIX}${who ? `rel.${who.id}` : 'self'}`;
}

export function readCached(who: ActingFor | null): CachedCertificate | null {
  const v = readValue(cacheKey(who)) as Partial<CachedCertificate> | undefined;
  return v && typeof v.savedAt === 'number' && isCertificateView(v.view) ? { view: v.view, savedAt: v.savedAt } : null;
}

export function writeCached(who: ActingFor | null, view: CertificateView, savedAt: number): void {
  writeValue(cacheKey(who), { view: view as unknown as Record<string, unknown>, savedAt });
}

export function forgetCached(who: ActingFor | null): void {
  removeValue(cacheKey(who));
}

/** Deletes every certificate copy on this phone (settings). */
export function clearAllCached(): number {
  const keys = storedKeys().filter((k) => k.startsWith(CACHE_PREFIX));
  for (const k of keys) removeValue(k);
  return keys.length;
}

function isCertificateView(v: unknown): v is CertificateView {
  const o = v as Partial<CertificateView> | undefined;
  return Boolean(o && typeof o.id === 'string' && typeof o.expiresAt === 'number' && o.certificate && o.certificate.holder && o.codes && typeof o.codes.ithc === 'string');
}

export type LoadResult =
  | { kind: 'fresh'; cached: CachedCertificate }
  | { kind: 'offline'; cached: CachedCertificate; error: ShownError }
  | { kind: 'failed'; error: ShownError };

/** Fetches the certificate of the person shown; falls back to the saved copy when offline. */
export async function loadCertificate(lang: Lang, who: ActingFor | null = getActingFor()): Promise<LoadResult> {
  const r = await callWithLoading<CertificateView>(lang, 'certificate', { action: 'issue', ...forParam(who) });
  if (r.ok && isCertificateView(r.data)) {
    const cached = { view: r.data, savedAt: now() };
    writeCached(who, r.data, cached.savedAt);
    return { kind: 'fresh', cached };
  }
  const error: ShownError = r.ok ? { code: 'BAD_RESPONSE', message: t(lang, 'errorBadResponse'), fields: {}, offline: false } : r.error;
  const saved = readCached(who);
  if (saved && (error.offline || error.code === 'HTTP_STATUS' || error.code === 'UNAVAILABLE')) return { kind: 'offline', cached: saved, error };
  return { kind: 'failed', error };
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
  const instant = (iso: string) => Date.parse(iso);
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
    tests: c.tests.map((x) => ({
      title: label('testType', x.testType, lang),
      main: label('testResult', x.result, lang),
      tone: x.result === TEST_RESULT_NOT_DETECTED ? 'good' : x.result === TEST_RESULT_DETECTED ? 'bad' : 'neutral',
      when: labelled(lang, t(lang, 'sampledAt'), formatInstant(lang, instant(x.sampleTime))),
      age: ageOfInstant(lang, instant(x.sampleTime), nowMs),
      details: [labelled(lang, t(lang, 'testingCentre'), x.testingCentre)],
    })),
    antibodyTests: c.antibodyTests.map((x) => ({
      title: t(lang, 'antibodySection'),
      main: ownLabel(IGG_RESULTS, x.result as 'positive', lang),
      tone: 'neutral',
      when: labelled(lang, t(lang, 'sampledAt'), formatInstant(lang, instant(x.sampleTime))),
      age: ageOfInstant(lang, instant(x.sampleTime), nowMs),
      details: [
        ...(x.value ? [labelled(lang, t(lang, 'antibodyValue'), `${x.value}${x.unit ? ` ${x.unit}` : ''}`)] : []),
        labelled(lang, t(lang, 'antibodyMethod'), ownLabel(IGG_METHODS, x.method as 'CLIA', lang)),
        labelled(lang, t(lang, 'testingCentre'), x.testingCentre),
      ],
    })),
    vaccinations: c.vaccinations.map((x) => ({
      title: label('vaccineProduct', x.product, lang),
      main: t(lang, 'vaccineDose', { n: x.doseNumber, m: x.totalDoses }),
      tone: 'neutral',
      when: labelled(lang, t(lang, 'vaccinatedOn'), formatDate(lang, x.date)),
      age: ageOfDate(lang, x.date, nowMs),
      details: [labelled(lang, t(lang, 'vaccineManufacturer'), label('vaccineManufacturer', x.manufacturer, lang))],
    })),
    issuedAt: formatInstant(lang, view.issuedAt),
    expiresAt: formatInstant(lang, view.expiresAt),
    id: view.id,
    // Listed issuers travel as a code and have a name in each language; others are shown as issued.
    issuer: issuerLabel(c.issuer, lang),
    code: view.codes.ithc,
    qrLabel: t(lang, 'qrLabel', { name: name || nameLatin }),
    savedAge: ageOfInstant(lang, cached.savedAt, nowMs),
  };
}

/** "正在查看：王秀英" when acting for a relative; null for the user's own certificate. */
export function actingLine(m: Messages, who: ActingFor | null): string | null {
  return who ? format(m.certFor, { name: who.name }) : null;
}
