/**
 * Showing the certificate for a destination (docs/functions.md: partners.list, certificate.seal,
 * certificate.rules): which code that destination takes — a QR sealed for its authority, the open
 * ITHC code, or one DCC per record — and whether the certificate meets its entry rules today.
 *
 * Offline first: the partner list and, per person, the codes last fetched for each destination (with
 * when they were fetched and until when they are valid) are kept on the phone, so the page shows
 * them at once and still works without a connection at the gate. What is kept is bounded: at most
 * MAX_SAVED_DESTINATIONS destinations per person (the least recently fetched goes first), and codes,
 * rule texts and lists no longer than a real answer has them.
 */
import { t, type Lang } from '../i18n/index';
import { label } from '../lib/ithc-main';
import { readValue, removeValue, writeValue } from '../adapters/storage';
import { callQuietly, callWithLoading, type Outcome } from './call';
import { formatDate, formatInstant, beijingDate } from './format';
import { destinationsKey, forgetCached, type CertificateView } from './certificate';
import { MAX_CODE_LENGTH } from './present';
import { forParam, type ActingFor } from './subject';

export type Format = 'dcc' | 'ithc' | 'sealed';

export interface Partner {
  country: string;
  name: { zh: string; en: string };
  accepts: Format[];
  hasRules: boolean;
  sealed: boolean;
}

export interface SealView {
  destination: string;
  accepts: Format[];
  sealed: Array<{ authority: string; kid: string; code: string }> | null;
  open: string | null;
  dcc: string[];
  /** The certificate the codes were made from and when its signature expires, ms (absent from older servers). */
  certificateId?: string;
  expiresAt?: number;
}

export interface RulesView {
  destination: string;
  at: string;
  passed: boolean;
  hasRules: boolean;
  results: Array<{ ruleId: string; type: string; description: { zh: string; en: string }; result: 'passed' | 'failed' | 'open' }>;
}

export interface PartnerOption {
  country: string;
  name: string;
  accepts: string;
}

export function partnerOptions(lang: Lang, partners: Partner[]): PartnerOption[] {
  return partners
    .map((p) => ({ country: p.country, name: p.name[lang] || label('country', p.country, lang), accepts: p.accepts.map((f) => formatName(lang, f)).join(lang === 'zh' ? '、' : ', ') }))
    .sort((a, b) => a.name.localeCompare(b.name, lang === 'zh' ? 'zh-Hans-CN' : 'en'));
}

export function formatName(lang: Lang, f: Format): string {
  return t(lang, f === 'sealed' ? 'formatSealed' : f === 'ithc' ? 'formatIthc' : 'formatDcc');
}

type CallOptions = { quiet?: boolean };
const caller = (opts: CallOptions) => (opts.quiet ? callQuietly : callWithLoading);

export function listPartners(lang: Lang, opts: CallOptions = {}): Promise<Outcome<Partner[]>> {
  return caller(opts)<Partner[]>(lang, 'partners', { action: 'list' });
}

export interface CodeChoice {
  /** What the code is, as a tab label. */
  title: string;
  code: string;
  kind: Format;
  hint: string;
  /** When this code stops being valid, ms (a DCC: its own signature; the others: the certificate's); null when unknown. */
  expiresAt: number | null;
}

/**
 * The codes to offer, best first: sealed for the authority when it takes them, then the open
 * ITHC code, then each record's DCC (labelled from the certificate the codes came from).
 */
export function codeChoices(lang: Lang, seal: SealView, view: CertificateView | null): CodeChoice[] {
  const choices: CodeChoice[] = [];
  const sameCertificate = view && (seal.certificateId === undefined || seal.certificateId === view.id) ? view : null;
  const certificateExpiry = seal.expiresAt ?? sameCertificate?.expiresAt ?? null;
  for (const s of seal.sealed ?? []) choices.push({ title: t(lang, 'formatSealed'), code: s.code, kind: 'sealed', hint: t(lang, 'destSealedHint'), expiresAt: certificateExpiry });
  if (seal.open) choices.push({ title: t(lang, 'formatIthc'), code: seal.open, kind: 'ithc', hint: t(lang, 'destOpenHint'), expiresAt: certificateExpiry });
  for (const code of seal.dcc) {
    const record = view?.codes.dcc.find((d) => d.code === code);
    const type = record?.type === 'v' ? t(lang, 'destDccVaccination') : record?.type === 't' ? t(lang, 'destDccTest') : t(lang, 'formatDcc');
    const date = record ? recordDate(lang, view!, record.recordId, record.type) : '';
    choices.push({ title: date ? t(lang, 'destDccRecord', { type, date }) : type, code, kind: 'dcc', hint: t(lang, 'destDccHint'), expiresAt: record?.expiresAt ?? certificateExpiry });
  }
  return choices;
}

export type CodeStatus = 'valid' | 'expired' | 'revoked' | 'unknown';

/**
 * A code's status at `nowMs`: revoked when the certificate saved for the person says its
 * certificate was (itself, or as the one it replaced), expired past its own expiry.
 */
export function codeStatus(choice: CodeChoice, certificateId: string, saved: CertificateView | null, nowMs: number): CodeStatus {
  if (saved && ((saved.id === certificateId && saved.status === 'revoked') || saved.previous?.id === certificateId)) return 'revoked';
  if (choice.expiresAt === null) return 'unknown';
  return choice.expiresAt <= nowMs ? 'expired' : 'valid';
}

/** The line under a code: until when it is valid, or that it is no longer. */
export function codeValidity(lang: Lang, choice: CodeChoice, status: CodeStatus): string {
  if (status === 'revoked') return t(lang, 'destCodeRevoked');
  if (choice.expiresAt === null) return '';
  const date = formatInstant(lang, choice.expiresAt);
  return t(lang, status === 'expired' ? 'destCodeExpired' : 'destCodeValidUntil', { date });
}

/** The date of the record a DCC was made from: the n-th test or vaccination in the certificate. */
function recordDate(lang: Lang, view: CertificateView, recordId: string, type: 't' | 'v'): string {
  const sameType = view.codes.dcc.filter((d) => d.type === type);
  const i = sameType.findIndex((d) => d.recordId === recordId);
  if (type === 'v') {
    const v = view.certificate.vaccinations[i];
    return v ? formatDate(lang, v.date) : '';
  }
  const x = view.certificate.tests[i];
  return x ? formatDate(lang, beijingDate(Date.parse(x.sampleTime))) : '';
}

export function sealFor(lang: Lang, destination: string, who: ActingFor | null, opts: CallOptions = {}): Promise<Outcome<SealView>> {
  return caller(opts)<SealView>(lang, 'certificate', { action: 'seal', destination, ...forParam(who) });
}

export function rulesFor(lang: Lang, destination: string, who: ActingFor | null, opts: CallOptions = {}): Promise<Outcome<RulesView>> {
  return caller(opts)<RulesView>(lang, 'certificate', { action: 'rules', destination, ...forParam(who) });
}

// ---- What is kept on the phone ----

/** Destinations whose codes are kept per person; fetching another drops the least recently fetched. */
export const MAX_SAVED_DESTINATIONS = 6;
/** Codes per destination: a few sealed ones (one per key of the authority), the open one and one DCC per record. */
export const MAX_SAVED_CODES = 24;
const MAX_SAVED_PARTNERS = 250;
const MAX_SAVED_RULES = 60;
const MAX_TEXT = 500;
const PARTNERS_KEY = 'ithc.partners';
const COUNTRY = /^[A-Z]{2}$/;

export interface SavedDestination {
  country: string;
  seal: SealView;
  rules: RulesView | null;
  /** The certificate the codes were made from, and when its signature expires (ms). */
  certificateId: string;
  expiresAt: number;
  /** When the codes were fetched (ms). */
  savedAt: number;
}

const isText = (v: unknown, max = MAX_TEXT): v is string => typeof v === 'string' && v.length <= max;
const isCode = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= MAX_CODE_LENGTH;
const isFormat = (v: unknown): v is Format => v === 'dcc' || v === 'ithc' || v === 'sealed';
const isBilingual = (v: unknown): v is { zh: string; en: string } => {
  const o = v as { zh?: unknown; en?: unknown } | null;
  return Boolean(o) && isText(o!.zh) && isText(o!.en);
};

/** The seal answer when it has the shape and sizes a real one has; null otherwise (nothing is kept then). */
function boundedSeal(v: unknown): SealView | null {
  const o = v as Partial<SealView> | null;
  if (!o || !isText(o.destination, 2) || !Array.isArray(o.accepts) || !o.accepts.every(isFormat)) return null;
  const sealed = o.sealed === null || o.sealed === undefined ? null : o.sealed;
  if (sealed !== null && !(Array.isArray(sealed) && sealed.every((x) => x && isText(x.authority, 2) && isText(x.kid, 200) && isCode(x.code)))) return null;
  if (!(o.open === null || o.open === undefined || isCode(o.open))) return null;
  if (!Array.isArray(o.dcc) || !o.dcc.every(isCode)) return null;
  if ((sealed?.length ?? 0) + (o.open ? 1 : 0) + o.dcc.length > MAX_SAVED_CODES) return null;
  return {
    destination: o.destination,
    accepts: [...o.accepts],
    sealed: sealed ? sealed.map((x) => ({ authority: x.authority, kid: x.kid, code: x.code })) : null,
    open: o.open ?? null,
    dcc: [...o.dcc],
    ...(isText(o.certificateId, 200) ? { certificateId: o.certificateId } : {}),
    ...(typeof o.expiresAt === 'number' && Number.isFinite(o.expiresAt) ? { expiresAt: o.expiresAt } : {}),
  };
}

function boundedRules(v: unknown): RulesView | null {
  const o = v as Partial<RulesView> | null;
  if (!o || !isText(o.destination, 2) || !isText(o.at, 40) || typeof o.passed !== 'boolean' || typeof o.hasRules !== 'boolean') return null;
  if (!Array.isArray(o.results) || o.results.length > MAX_SAVED_RULES) return null;
  const results: RulesView['results'] = [];
  for (const r of o.results) {
    if (!r || !isText(r.ruleId, 100) || !isText(r.type, 40) || !isBilingual(r.description) || !['passed', 'failed', 'open'].includes(r.result)) return null;
    results.push({ ruleId: r.ruleId, type: r.type, description: { zh: r.description.zh, en: r.description.en }, result: r.result });
  }
  return { destination: o.destination, at: o.at, passed: o.passed, hasRules: o.hasRules, results };
}

function boundedSaved(v: unknown): SavedDestination | null {
  const o = v as Partial<SavedDestination> | null;
  if (!o || typeof o.country !== 'string' || !COUNTRY.test(o.country) || !isText(o.certificateId, 200) || !o.certificateId) return null;
  if (typeof o.expiresAt !== 'number' || typeof o.savedAt !== 'number') return null;
  const seal = boundedSeal(o.seal);
  if (!seal) return null;
  const rules = o.rules === null || o.rules === undefined ? null : boundedRules(o.rules);
  return { country: o.country, seal, rules, certificateId: o.certificateId, expiresAt: o.expiresAt, savedAt: o.savedAt };
}

/** The codes kept for `who`, the most recently fetched first. */
export function savedDestinations(who: ActingFor | null): SavedDestination[] {
  const v = readValue(destinationsKey(who)) as { entries?: unknown } | undefined;
  const entries = v && Array.isArray(v.entries) ? v.entries.slice(0, MAX_SAVED_DESTINATIONS) : [];
  return entries.map(boundedSaved).filter((e): e is SavedDestination => e !== null);
}

export function savedDestination(who: ActingFor | null, country: string): SavedDestination | null {
  return savedDestinations(who).find((e) => e.country === country) ?? null;
}

/**
 * Keeps the codes just fetched for a destination (and its rules, when they came too). The
 * certificate they were made from is the server's word (seal.certificateId) or, from an older
 * server, the certificate saved on the phone. Returns what was kept; null when nothing was (an
 * answer over the bounds, or storage full).
 */
export function saveDestination(who: ActingFor | null, seal: SealView, rules: RulesView | null, view: CertificateView | null, savedAt: number): SavedDestination | null {
  const bounded = boundedSeal(seal);
  const certificateId = seal.certificateId ?? view?.id;
  const expiresAt = seal.expiresAt ?? view?.expiresAt;
  if (!bounded || !COUNTRY.test(bounded.destination) || !certificateId || expiresAt === undefined) return null;
  const entry: SavedDestination = { country: bounded.destination, seal: bounded, rules: rules ? boundedRules(rules) : null, certificateId, expiresAt, savedAt };
  const others = savedDestinations(who).filter((e) => e.country !== entry.country);
  const entries = [entry, ...others].slice(0, MAX_SAVED_DESTINATIONS);
  return writeValue(destinationsKey(who), { entries } as unknown as Record<string, unknown>) ? entry : null;
}

export function forgetDestination(who: ActingFor | null, country: string): void {
  const entries = savedDestinations(who).filter((e) => e.country !== country);
  if (entries.length) writeValue(destinationsKey(who), { entries } as unknown as Record<string, unknown>);
  else removeValue(destinationsKey(who));
}

/**
 * Answers after which the destination's kept codes go: the person is no longer the caller's to show
 * (all their copies go), or the destination is no longer a partner (its codes go).
 */
export function dropSavedOn(who: ActingFor | null, country: string, code: string): void {
  if (code === 'IDENTITY_REQUIRED' || code === 'FORBIDDEN') forgetCached(who);
  else if (code === 'NOT_FOUND') forgetDestination(who, country);
}

/** The partner list kept from the last time it was fetched (it is public, and the same for everyone). */
export function savedPartners(): Partner[] {
  const v = readValue(PARTNERS_KEY) as { list?: unknown } | undefined;
  if (!v || !Array.isArray(v.list) || v.list.length > MAX_SAVED_PARTNERS) return [];
  const out: Partner[] = [];
  for (const p of v.list as Partner[]) {
    if (!p || typeof p.country !== 'string' || !COUNTRY.test(p.country) || !isBilingual(p.name) || !Array.isArray(p.accepts) || !p.accepts.every(isFormat)) return [];
    out.push({ country: p.country, name: { zh: p.name.zh, en: p.name.en }, accepts: [...p.accepts], hasRules: Boolean(p.hasRules), sealed: Boolean(p.sealed) });
  }
  return out;
}

export function savePartners(list: Partner[]): void {
  if (list.length > MAX_SAVED_PARTNERS) return;
  writeValue(PARTNERS_KEY, { list } as unknown as Record<string, unknown>);
}

export interface RulesScreen {
  tone: 'good' | 'bad' | 'neutral';
  verdict: string;
  at: string;
  results: Array<{ text: string; result: string; tone: 'good' | 'bad' | 'neutral' }>;
}

export function rulesScreen(lang: Lang, r: RulesView): RulesScreen {
  if (!r.hasRules) return { tone: 'neutral', verdict: t(lang, 'rulesNone'), at: '', results: [] };
  return {
    tone: r.passed ? 'good' : 'bad',
    verdict: t(lang, r.passed ? 'rulesPassed' : 'rulesFailed'),
    at: formatInstant(lang, Date.parse(r.at)),
    results: r.results.map((x) => ({
      text: x.description[lang] || x.description.en || x.ruleId,
      result: t(lang, x.result === 'passed' ? 'ruleResultPassed' : x.result === 'failed' ? 'ruleResultFailed' : 'ruleResultOpen'),
      tone: x.result === 'passed' ? 'good' : x.result === 'failed' ? 'bad' : 'neutral',
    })),
  };
}
