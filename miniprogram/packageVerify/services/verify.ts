/**
 * Verification for airline and border staff, on the phone and offline: the code scanned is checked
 * by the pre-bundled core (core/hcert.ts verifyCode with the noble provider, the DCC schema as
 * pre-compiled ajv code) against our CSCA-signed trust list (trustlist.signed; docs/trust-list.md):
 * its signing certificates and its revocation list, as the CLI and the web verifier use it.
 *
 * Trust comes from the CSCA certificate pinned in this build (lib/trust-anchors.js, written by
 * scripts/mp-bundle.mjs), never from the network: the list fetched is used only when its signature
 * verifies against that CSCA (core/trustlist.ts verifyTrustList, the code the CLI and the web
 * verifier run), and each signing certificate in it must chain to the same CSCA. A list that does
 * not verify is refused and the last good one stays in use; so is a list older than the one in use
 * (a replay would bring back certificates revoked since).
 *
 * Staleness policy (users.md, pain point 8): the last good list is kept for offline use and its
 * age, from the signed time of issue, is shown. Past the list's own maximum age (signed; two days by
 * default) the officer is told that recent revocations may be missing and the page tries to update
 * it when opened; past 30 days a verdict is no longer given ("cannot verify"). Nothing here needs
 * randomness (mini programs have none to offer): verification only hashes and checks signatures.
 */
import { verifyCode, verifyTrustList, fromBase64, sealedRecipientKids, nobleCrypto, KeyStore, validateDccSchemaPrecompiled, type Verdict, type VerifiedTrustList, type IthcCertificate, type DccCertificate } from '../lib/ithc-verify';
import { PINNED_CSCAS } from '../lib/trust-anchors';
import { label, ownLabel, IGG_RESULTS, SEXES, TRAVEL_DOCUMENT_TYPES, TEST_RESULT_DETECTED, TEST_RESULT_NOT_DETECTED } from '../../lib/ithc-main';
import { format, isLang, messages, t, type Lang, type MessageKey } from '../../i18n/index';
import { readValue, removeValue, writeValue } from '../../adapters/storage';
import { callWithLoading, type Outcome } from '../../services/call';
import { ageOfDate, ageOfInstant, beijingDate, formatDate, formatInstant, labelled } from '../../services/format';
import { getLanguage } from '../../services/settings';

/** The last good signed trust list: the envelope as received, and when it was fetched. */
export const TRUST_KEY = 'ithc.trustlist.signed';
/** Where the unsigned list of signing certificates was kept before; removed once a signed list is stored. */
const UNSIGNED_TRUST_KEY = 'ithc.trustlist';
const LANG_KEY = 'ithc.verifyLang';
export const REFUSE_AFTER_DAYS = 30;
const DAY_MS = 86_400_000;
/** A list larger than this is not ours (ours holds a few certificates and the revocations of their lifetime; WeChat's storage takes 1 MB per key). */
const MAX_LIST_CHARS = 1_000_000;
/** The revocation entries and certificates a list may hold on the phone (the core's defaults are for desktop verifiers). */
const LIST_LIMITS = { maxBytes: MAX_LIST_CHARS, maxCertificates: 200, maxRevocations: 20_000 };

/** The officer's language: chosen on this page, else the app's. */
export function officerLanguage(): Lang {
  const v = readValue(LANG_KEY);
  return isLang(v) ? v : getLanguage();
}

export function setOfficerLanguage(lang: Lang): void {
  writeValue(LANG_KEY, lang);
}

export interface CachedTrustList {
  /** The signed list's JSON envelope, as fetched: re-verified whenever it is used. */
  json: string;
  fetchedAt: number;
}

export function readTrustList(): CachedTrustList | null {
  const v = readValue(TRUST_KEY) as Partial<CachedTrustList> | undefined;
  return v && typeof v.json === 'string' && typeof v.fetchedAt === 'number' ? { json: v.json, fetchedAt: v.fetchedAt } : null;
}

/** A list that verified against the pinned CSCA, with its keys ready for verifyCode. */
interface TrustedList {
  list: VerifiedTrustList;
  keys: KeyStore;
}

/** The pinned CSCA certificates, DER. */
function anchors(): Uint8Array[] {
  return PINNED_CSCAS.map((b64) => fromBase64(b64));
}

/** Verifies a list's signature and chain against the pinned CSCA; null when it does not verify. */
async function verifyList(json: string, nowMs: number): Promise<TrustedList | null> {
  try {
    const list = await verifyTrustList(json, { cscas: anchors(), now: Math.floor(nowMs / 1000), crypto: nobleCrypto, limits: LIST_LIMITS });
    return { list, keys: new KeyStore(list.keys) };
  } catch {
    return null;
  }
}

/** The stored list, verified once per stored text (a new list, or a new build's CSCA, makes a new check). */
let checked: { json: string; anchors: readonly string[]; result: TrustedList | null } | null = null;

async function trustedList(cached: CachedTrustList, nowMs: number): Promise<TrustedList | null> {
  if (checked?.json !== cached.json || checked.anchors !== PINNED_CSCAS) checked = { json: cached.json, anchors: PINNED_CSCAS, result: await verifyList(cached.json, nowMs) };
  return checked.result;
}

function refused(lang: Lang, code: string, key: MessageKey): Outcome<never> {
  return { ok: false, error: { code, message: t(lang, key), fields: {}, offline: false } };
}

/**
 * Fetches the signed trust list (a public function) and keeps it for offline use when it verifies
 * against the pinned CSCA and is not older than the one in use; otherwise the one in use stays.
 */
export async function updateTrustList(lang: Lang, nowMs: number): Promise<Outcome<CachedTrustList>> {
  if (!PINNED_CSCAS.length) return refused(lang, 'NO_TRUST_ANCHOR', 'trustNoAnchor');
  const r = await callWithLoading<unknown>(lang, 'trustlist', { action: 'signed' });
  if (!r.ok) return r;
  const json = JSON.stringify(r.data);
  if (json.length > MAX_LIST_CHARS) return refused(lang, 'BAD_RESPONSE', 'errorBadResponse');
  const fresh = await verifyList(json, nowMs);
  if (!fresh) return refused(lang, 'TRUST_LIST_REFUSED', 'trustRefused');
  const current = readTrustList();
  const inUse = current && (await trustedList(current, nowMs));
  if (inUse && (fresh.list.version < inUse.list.version || fresh.list.issuedAt < inUse.list.issuedAt)) return refused(lang, 'TRUST_LIST_OLDER', 'trustOlder');
  const saved = { json, fetchedAt: nowMs };
  writeValue(TRUST_KEY, { json: saved.json, fetchedAt: saved.fetchedAt });
  removeValue(UNSIGNED_TRUST_KEY);
  checked = { json, anchors: PINNED_CSCAS, result: fresh };
  return { ok: true, data: saved };
}

export interface TrustStatus {
  text: string;
  tone: 'good' | 'warn' | 'bad';
  usable: boolean;
  /** Past its maximum age, or not usable: the page tries to update it when opened. */
  wantsUpdate: boolean;
}

/** "2 days", "36 hours": a maximum age as the list states it. */
function duration(lang: Lang, seconds: number): string {
  return seconds >= DAY_MS / 1000 && seconds % (DAY_MS / 1000) === 0 ? t(lang, 'durationDays', { n: seconds / (DAY_MS / 1000) }) : t(lang, 'durationHours', { n: Math.round(seconds / 3600) });
}

export async function trustStatus(lang: Lang, cached: CachedTrustList | null, nowMs: number): Promise<TrustStatus> {
  const bad = (key: MessageKey): TrustStatus => ({ text: t(lang, key), tone: 'bad', usable: false, wantsUpdate: true });
  if (!PINNED_CSCAS.length) return { ...bad('trustNoAnchor'), wantsUpdate: false };
  if (!cached) return bad('trustNone');
  const trusted = await trustedList(cached, nowMs);
  if (!trusted) return bad('trustSavedInvalid');
  const { list } = trusted;
  const issuedMs = list.issuedAt * 1000;
  const line = t(lang, 'trustStatus', { version: list.version, n: list.keys.length, r: list.revocationEntries.length, age: ageOfInstant(lang, issuedMs, nowMs) });
  const then = lang === 'zh' ? '。' : '. ';
  if (nowMs - issuedMs > REFUSE_AFTER_DAYS * DAY_MS) return { text: `${line}${then}${t(lang, 'trustTooOld', { days: REFUSE_AFTER_DAYS })}`, tone: 'bad', usable: false, wantsUpdate: true };
  if (nowMs - issuedMs > list.maxAge * 1000) return { text: `${line}${then}${t(lang, 'trustStale', { max: duration(lang, list.maxAge) })}`, tone: 'warn', usable: true, wantsUpdate: true };
  // Issued more than five minutes ahead of this phone (verifyTrustList reports it): the phone's clock is wrong.
  if (list.problems.some((p) => p.code === 'NOT_YET_VALID')) return { text: `${line}${then}${t(lang, 'trustClock')}`, tone: 'warn', usable: true, wantsUpdate: false };
  return { text: line, tone: 'good', usable: true, wantsUpdate: false };
}

export interface VerdictScreen {
  status: 'valid' | 'invalid' | 'cannot';
  title: string;
  reasons: string[];
  summary: string;
  facts: Array<{ label: string; value: string }>;
}

/** Verifies a scanned code on the phone against the signed list's keys and revocations; never throws for any input. */
export async function verifyScanned(lang: Lang, code: string, cached: CachedTrustList | null, nowMs: number): Promise<VerdictScreen> {
  const trust = await trustStatus(lang, cached, nowMs);
  const trusted = cached && trust.usable ? await trustedList(cached, nowMs) : null;
  if (!trusted) return { status: 'cannot', title: t(lang, 'verdictCannot'), reasons: [trust.text], summary: '', facts: [] };
  let verdict: Verdict;
  try {
    verdict = await verifyCode(code.trim(), {
      keys: trusted.keys,
      now: Math.floor(nowMs / 1000),
      crypto: nobleCrypto,
      validateDccSchema: validateDccSchemaPrecompiled,
      revocation: trusted.list.revocation,
    });
  } catch {
    return { status: 'invalid', title: t(lang, 'verdictInvalid'), reasons: [t(lang, 'verr_CBOR_INVALID')], summary: '', facts: [] };
  }
  return verdictScreen(lang, verdict, nowMs);
}

export function verdictScreen(lang: Lang, v: Verdict, nowMs: number): VerdictScreen {
  const reasons = [...new Set(v.errors.map((e) => reasonText(lang, e.code)))];
  const facts = v.certificate ? certificateFacts(lang, v.certificate, nowMs) : [];
  if (v.certificate && v.expiresAt) facts.push({ label: t(lang, 'factSignature'), value: formatInstant(lang, v.expiresAt * 1000) });
  if (v.valid) {
    const issuer = v.issuer ? label('country', v.issuer, lang) : '';
    return { status: 'valid', title: t(lang, 'verdictValid'), reasons: [], summary: t(lang, 'verdictValidHint', { issuer }), facts };
  }
  // A sealed code is not evidence against the traveller: this phone cannot open it (no authority
  // key here), so the answer is "cannot verify", naming the authority key (kid) it is sealed for.
  if (v.format === 'sealed' && v.errors.some((e) => e.code === 'DECRYPT_FAILED')) {
    const kids = sealedRecipientKids(v);
    return { status: 'cannot', title: t(lang, 'verdictCannot'), reasons: [reasonText(lang, 'DECRYPT_FAILED'), ...(kids.length ? [t(lang, 'verifySealedNeedsKey', { kid: kids.join(', ') })] : [])], summary: '', facts };
  }
  // Revoked is said as such in the title: the code is genuine, and its issuer withdrew it.
  const revoked = v.errors.some((e) => e.code === 'REVOKED');
  return { status: 'invalid', title: t(lang, revoked ? 'verdictRevoked' : 'verdictInvalid'), reasons, summary: '', facts };
}

function reasonText(lang: Lang, code: string): string {
  const key = `verr_${code}`;
  return Object.prototype.hasOwnProperty.call(messages(lang), key) ? t(lang, key as MessageKey) : format(t(lang, 'errorUnknown'), { code });
}

type Certificate = { format: 'ithc'; ithc: IthcCertificate } | { format: 'dcc'; dcc: DccCertificate };

function certificateFacts(lang: Lang, c: Certificate, nowMs: number): Array<{ label: string; value: string }> {
  if (c.format === 'ithc') {
    const h = c.ithc.holder;
    const facts = [
      { label: t(lang, 'factFormat'), value: t(lang, 'formatIthc') },
      { label: t(lang, 'factName'), value: [`${h.surname ?? ''}${h.givenName ?? ''}`, [h.surnameLatin, h.givenNameLatin].filter(Boolean).join(' ')].filter(Boolean).join(' / ') },
      { label: t(lang, 'factBirth'), value: formatDate(lang, h.dateOfBirth) },
      { label: t(lang, 'holderSex'), value: ownLabel(SEXES, h.sex, lang) },
      { label: t(lang, 'factNationality'), value: label('country', h.nationality, lang) },
      { label: t(lang, 'factDocument'), value: `${ownLabel(TRAVEL_DOCUMENT_TYPES, h.documentType, lang)} ${h.documentNumber}` },
    ];
    const test = [...c.ithc.tests].sort((a, b) => b.sampleTime - a.sampleTime)[0];
    facts.push({ label: t(lang, 'factTests'), value: test ? `${label('testResult', test.result, lang)} · ${formatInstant(lang, test.sampleTime * 1000)} · ${ageOfInstant(lang, test.sampleTime * 1000, nowMs)}` : t(lang, 'factNone') });
    const igg = [...c.ithc.antibodyTests].sort((a, b) => b.sampleTime - a.sampleTime)[0];
    facts.push({ label: t(lang, 'factAntibody'), value: igg ? `${ownLabel(IGG_RESULTS, igg.result, lang)}${igg.value ? ` ${igg.value}${igg.unit ? ` ${igg.unit}` : ''}` : ''} · ${formatDate(lang, beijingDate(igg.sampleTime * 1000))}` : t(lang, 'factNone') });
    const vac = [...c.ithc.vaccinations].sort((a, b) => (a.date < b.date ? 1 : -1))[0];
    facts.push({ label: t(lang, 'factVaccination'), value: vac ? `${label('vaccineProduct', vac.product, lang)} · ${t(lang, 'vaccineDose', { n: vac.doseNumber, m: vac.totalDoses })} · ${formatDate(lang, vac.date)} · ${ageOfDate(lang, vac.date, nowMs)}` : t(lang, 'factNone') });
    return facts;
  }
  const j = c.dcc.json;
  const facts = [
    { label: t(lang, 'factFormat'), value: t(lang, 'formatDcc') },
    { label: t(lang, 'factName'), value: [`${j.nam.fn ?? ''}${j.nam.gn ? ` ${j.nam.gn}` : ''}`.trim(), [j.nam.fnt, j.nam.gnt].filter(Boolean).join(' ')].filter(Boolean).join(' / ') },
    { label: t(lang, 'factBirth'), value: formatDate(lang, j.dob) },
  ];
  const test = j.t?.[0] as { tr?: string; sc?: string } | undefined;
  if (test) {
    const ms = Date.parse(String(test.sc));
    const tone = test.tr === TEST_RESULT_NOT_DETECTED || test.tr === TEST_RESULT_DETECTED ? label('testResult', String(test.tr), lang) : String(test.tr);
    facts.push({ label: t(lang, 'factTests'), value: `${tone} · ${formatInstant(lang, ms)} · ${ageOfInstant(lang, ms, nowMs)}` });
  }
  const vac = j.v?.[0] as { mp?: string; dn?: number; sd?: number; dt?: string } | undefined;
  if (vac) facts.push({ label: t(lang, 'factVaccination'), value: `${label('vaccineProduct', String(vac.mp), lang)} · ${t(lang, 'vaccineDose', { n: vac.dn ?? 0, m: vac.sd ?? 0 })} · ${formatDate(lang, String(vac.dt))} · ${ageOfDate(lang, String(vac.dt), nowMs)}` });
  return facts;
}

/** "label: value" lines, e.g. for reading a verdict aloud. */
export function factLines(lang: Lang, facts: Array<{ label: string; value: string }>): string[] {
  return facts.map((f) => labelled(lang, f.label, f.value));
}
