/**
 * Verification for airline and border staff, on the phone and offline: the code scanned is checked
 * by the pre-bundled core (core/hcert.ts verifyCode with the noble provider, the DCC schema as
 * pre-compiled ajv code) against a cached list of signing certificates (trustlist.get).
 *
 * Staleness policy (users.md, pain point 8): the list is used as it is for 7 days; from then on the
 * officer is told to update it; past 30 days a verdict is no longer given ("cannot verify"), since
 * a revoked or replaced key could be trusted without anyone knowing. Nothing here needs randomness
 * (mini programs have none to offer): verification only hashes and checks signatures.
 */
import { verifyCode, nobleCrypto, readDscList, KeyStore, validateDccSchemaPrecompiled, type Verdict, type IthcCertificate, type DccCertificate } from '../lib/ithc-verify';
import { label, ownLabel, IGG_RESULTS, SEXES, TRAVEL_DOCUMENT_TYPES, TEST_RESULT_DETECTED, TEST_RESULT_NOT_DETECTED } from '../../lib/ithc-main';
import { format, isLang, messages, t, type Lang, type MessageKey } from '../../i18n/index';
import { readValue, writeValue } from '../../adapters/storage';
import { now } from '../../adapters/clock';
import { callWithLoading, type Outcome } from '../../services/call';
import { ageOfDate, ageOfInstant, beijingDate, formatDate, formatInstant, labelled } from '../../services/format';
import { getLanguage } from '../../services/settings';

export const TRUST_KEY = 'ithc.trustlist';
const LANG_KEY = 'ithc.verifyLang';
export const STALE_AFTER_DAYS = 7;
export const REFUSE_AFTER_DAYS = 30;
const DAY_MS = 86_400_000;
/** A list larger than this is not ours (ours holds a few certificates; the EU's ~5 MB would not fit storage). */
const MAX_LIST_CHARS = 1_000_000;

/** The officer's language: chosen on this page, else the app's. */
export function officerLanguage(): Lang {
  const v = readValue(LANG_KEY);
  return isLang(v) ? v : getLanguage();
}

export function setOfficerLanguage(lang: Lang): void {
  writeValue(LANG_KEY, lang);
}

export interface CachedTrustList {
  json: string;
  fetchedAt: number;
}

export function readTrustList(): CachedTrustList | null {
  const v = readValue(TRUST_KEY) as Partial<CachedTrustList> | undefined;
  return v && typeof v.json === 'string' && typeof v.fetchedAt === 'number' ? { json: v.json, fetchedAt: v.fetchedAt } : null;
}

let keysFor: { fetchedAt: number; keys: KeyStore; count: number } | null = null;

function keyStore(list: CachedTrustList): { keys: KeyStore; count: number } {
  if (keysFor?.fetchedAt === list.fetchedAt) return keysFor;
  const { keys } = readDscList(list.json);
  keysFor = { fetchedAt: list.fetchedAt, keys: new KeyStore(keys), count: keys.length };
  return keysFor;
}

/** Fetches the signing certificates (a public function) and keeps them for offline use. */
export async function updateTrustList(lang: Lang): Promise<Outcome<CachedTrustList>> {
  const r = await callWithLoading<unknown>(lang, 'trustlist', { action: 'get' });
  if (!r.ok) return r;
  const json = JSON.stringify(r.data);
  if (json.length > MAX_LIST_CHARS) return { ok: false, error: { code: 'BAD_RESPONSE', message: t(lang, 'errorBadResponse'), fields: {}, offline: false } };
  try {
    readDscList(json);
  } catch {
    return { ok: false, error: { code: 'BAD_RESPONSE', message: t(lang, 'errorBadResponse'), fields: {}, offline: false } };
  }
  const list = { json, fetchedAt: now() };
  writeValue(TRUST_KEY, { json: list.json, fetchedAt: list.fetchedAt });
  return { ok: true, data: list };
}

export interface TrustStatus {
  text: string;
  tone: 'good' | 'warn' | 'bad';
  usable: boolean;
}

export function trustStatus(lang: Lang, list: CachedTrustList | null, nowMs: number): TrustStatus {
  if (!list) return { text: t(lang, 'trustNone'), tone: 'bad', usable: false };
  const count = keyStore(list).count;
  const days = (nowMs - list.fetchedAt) / DAY_MS;
  const line = t(lang, 'trustStatus', { n: count, age: ageOfInstant(lang, list.fetchedAt, nowMs) });
  const then = lang === 'zh' ? '。' : '. ';
  if (days > REFUSE_AFTER_DAYS) return { text: `${line}${then}${t(lang, 'trustTooOld', { days: REFUSE_AFTER_DAYS })}`, tone: 'bad', usable: false };
  if (days > STALE_AFTER_DAYS) return { text: `${line}${then}${t(lang, 'trustStale', { days: STALE_AFTER_DAYS })}`, tone: 'warn', usable: true };
  return { text: line, tone: 'good', usable: true };
}

export interface VerdictScreen {
  status: 'valid' | 'invalid' | 'cannot';
  title: string;
  reasons: string[];
  summary: string;
  facts: Array<{ label: string; value: string }>;
}

/** Verifies a scanned code on the phone; never throws for any input. */
export async function verifyScanned(lang: Lang, code: string, list: CachedTrustList | null, nowMs: number): Promise<VerdictScreen> {
  const trust = trustStatus(lang, list, nowMs);
  if (!list || !trust.usable) return { status: 'cannot', title: t(lang, 'verdictCannot'), reasons: [trust.text], summary: '', facts: [] };
  let verdict: Verdict;
  try {
    verdict = await verifyCode(code.trim(), { keys: keyStore(list).keys, now: Math.floor(nowMs / 1000), crypto: nobleCrypto, validateDccSchema: validateDccSchemaPrecompiled });
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
  return { status: 'invalid', title: t(lang, 'verdictInvalid'), reasons, summary: '', facts };
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
