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
import { dccExpiresAtMs, dccRecordLabel, destinationsKey, forgetCached, type CertificateView } from './certificate';
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
  /** The record the results are for (docs/functions.md); absent from older servers. */
  basis?: RuleBasis | null;
  results: Array<{ ruleId: string; type: string; description: { zh: string; en: string }; result: 'passed' | 'failed' | 'open' }>;
}

export type RuleBasis = { kind: 'test' | 'vaccination'; index: number; recordId?: string } | { kind: 'no-dcc-record' } | { kind: 'dcc' };

export interface PartnerOption {
  country: string;
  name: string;
  accepts: string;
}

export function partnerOptions(lang: Lang, partners: Partner[]): PartnerOption[] {
  return partners
    .map((p) => ({
      country: p.country,
      name: p.name[lang] || label('country', p.country, lang),
      accepts: p.accepts.map((f) => formatName(lang, f)).join(lang === 'zh' ? '、' : ', '),
    }))
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
  for (const s of seal.sealed ?? [])
    choices.push({ title: t(lang, 'formatSealed'), code: s.code, kind: 'sealed', hint: t(lang, 'destSealedHint'), expiresAt: certificateExpiry });
  if (seal.open) choices.push({ title: t(lang, 'formatIthc'), code: seal.open, kind: 'ithc', hint: t(lang, 'destOpenHint'), expiresAt: certificateExpiry });
  for (const code of seal.dcc) {
    const record = view?.codes.dcc.find((d) => d.code === code);
    choices.push({
      title: record ? dccRecordLabel(lang, view!, record) : t(lang, 'formatDcc'),
      code,
      kind: 'dcc',
      hint: t(lang, 'destDccHint'),
      expiresAt: record ? dccExpiresAtMs(record) : certificateExpiry,
    });
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
  return { destination: o.destination, at: o.at, passed: o.passed, hasRules: o.hasRules, basis: boundedBasis(o.basis), results };
}

function boundedBasis(v: unknown): RuleBasis | null {
  const b = v as { kind?: unknown; index?: unknown; recordId?: unknown } | null | undefined;
  if (!b) return null;
  if (b.kind === 'no-dcc-record' || b.kind === 'dcc') return { kind: b.kind };
  if ((b.kind === 'test' || b.kind === 'vaccination') && Number.isInteger(b.index) && (b.index as number) >= 0 && (b.index as number) < 1000) {
    return { kind: b.kind, index: b.index as number, ...(isText(b.recordId, 200) ? { recordId: b.recordId } : {}) };
  }
  return null;
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
export function saveDestination(
  who: ActingFor | null,
  seal: SealView,
  rules: RulesView | null,
  view: CertificateView | null,
  savedAt: number,
): SavedDestination | null {
  const bounded = boundedSeal(seal);
  const certificateId = seal.certificateId ?? view?.id;
  const expiresAt = seal.expiresAt ?? view?.expiresAt;
  if (!bounded || !COUNTRY.test(bounded.destination) || !certificateId || expiresAt === undefined) return null;
  const entry: SavedDestination = { country: bounded.destination, seal: bounded, rules: rules ? boundedRules(rules) : null, certificateId, expiresAt, savedAt };
  const others = savedDestinations(who).filter((e) => e.country !== entry.country);
  const entries = [entry, ...others].slice(0, MAX_SAVED_DESTINATIONS);
  return writeValue(destinationsKey(who), { entries }) ? entry : null;
}

export function forgetDestination(who: ActingFor | null, country: string): void {
  const entries = savedDestinations(who).filter((e) => e.country !== country);
  if (entries.length) writeValue(destinationsKey(who), { entries });
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
    if (!p || typeof p.country !== 'string' || !COUNTRY.test(p.country) || !isBilingual(p.name) || !Array.isArray(p.accepts) || !p.accepts.every(isFormat))
      return [];
    out.push({ country: p.country, name: { zh: p.name.zh, en: p.name.en }, accepts: [...p.accepts], hasRules: Boolean(p.hasRules), sealed: Boolean(p.sealed) });
  }
  return out;
}

export function savePartners(list: Partner[]): void {
  if (list.length > MAX_SAVED_PARTNERS) return;
  writeValue(PARTNERS_KEY, { list });
}

export interface RuleLine {
  /** "未满足：检测须为核酸扩增检测（如荧光 PCR 法）；不接受抗原快速检测结果。" */
  text: string;
  tone: 'good' | 'bad' | 'neutral';
  /** For the details: "规则编号 TR-SG-0001". */
  id: string;
}

export interface RulesScreen {
  tone: 'good' | 'bad' | 'neutral';
  /** In plain words: met or not, judged on which record, how many rules are not met. */
  verdict: string;
  at: string;
  results: RuleLine[];
}

/**
 * Words of the rule language that mean nothing to a traveller. A parenthesis holding one of them
 * is an engine's note, not a requirement, and is left out of what the traveller reads.
 */
const JARGON = /值集|值域|字段|有效载荷|CertLogic|value[ -]?sets?|payload|external\.|AffectedFields|JsonLogic/i;

/** A rule's description in plain words: the partner's own sentence without the engine's notes; the kind of rule when nothing is left. */
export function plainRule(lang: Lang, r: RulesView['results'][number]): string {
  const raw = (r.description[lang] || r.description.en || '').trim();
  const cleaned = raw
    .replace(/\s*[（(][^（）()]*[）)]/g, (part) => (JARGON.test(part) ? '' : part))
    .replace(/\s+([。.，,；;])/g, '$1')
    .trim();
  if (cleaned && !JARGON.test(cleaned)) return cleaned;
  const kind = r.type === 'Test' ? 'ruleTest' : r.type === 'Vaccination' ? 'ruleVaccination' : r.type === 'Recovery' ? 'ruleRecovery' : 'ruleGeneral';
  return t(lang, kind);
}

/** The record the rules were judged on, in words ("2026年3月15日的核酸检测"); '' when the copy on the phone cannot name it. */
function basisLabel(lang: Lang, basis: RuleBasis | null | undefined, view: CertificateView | null): string {
  if (!basis || !view || (basis.kind !== 'test' && basis.kind !== 'vaccination')) return '';
  const type = basis.kind === 'test' ? 't' : 'v';
  const record = basis.recordId ? view.codes.dcc.find((d) => d.recordId === basis.recordId) : view.codes.dcc.filter((d) => d.type === type)[basis.index];
  if (record) return dccRecordLabel(lang, view, record);
  const list = basis.kind === 'test' ? view.certificate.tests : view.certificate.vaccinations;
  const item = list[basis.index] as { date?: string; sampleTime?: string } | undefined;
  if (!item) return '';
  const date = item.date ? formatDate(lang, item.date) : item.sampleTime ? formatDate(lang, beijingDate(Date.parse(item.sampleTime))) : '';
  const typeName = t(lang, basis.kind === 'test' ? 'destDccTest' : 'destDccVaccination');
  return date ? t(lang, 'destDccRecord', { type: typeName, date }) : typeName;
}

/**
 * The rules' answer in plain words: met or not, judged on which record, and each rule as met, not
 * met or cannot tell followed by what it asks; the rule's id stays for the details.
 */
export function rulesScreen(lang: Lang, r: RulesView, view: CertificateView | null = null): RulesScreen {
  if (!r.hasRules) return { tone: 'neutral', verdict: t(lang, 'rulesNone'), at: '', results: [] };
  const failed = r.results.filter((x) => x.result === 'failed').length;
  const open = r.results.filter((x) => x.result === 'open').length;
  const record = basisLabel(lang, r.basis, view);
  let verdict: string;
  if (r.basis && r.basis.kind === 'no-dcc-record') verdict = t(lang, 'rulesNoRecord');
  else if (!record) verdict = t(lang, r.passed ? 'rulesPassed' : 'rulesFailed');
  else if (r.passed) verdict = t(lang, 'rulesPassedWith', { record });
  else if (failed > 0) verdict = t(lang, 'rulesFailedWith', { record, n: failed });
  else if (open > 0) verdict = t(lang, 'rulesOpenWith', { record, n: open });
  else verdict = t(lang, 'rulesFailed');
  return {
    tone: r.passed ? 'good' : failed > 0 || (r.basis && r.basis.kind === 'no-dcc-record') ? 'bad' : 'neutral',
    verdict,
    // The moment the rules were checked for: a result kept offline may be from another day than "today".
    at: t(lang, 'rulesCheckedAt', { date: formatInstant(lang, Date.parse(r.at)) }),
    // What is not met first: that is what the traveller has to act on.
    results: r.results
      .map((x): RuleLine & { order: number } => ({
        text: t(lang, x.result === 'passed' ? 'ruleMet' : x.result === 'failed' ? 'ruleNotMet' : 'ruleUnknown', { rule: plainRule(lang, x) }),
        tone: x.result === 'passed' ? 'good' : x.result === 'failed' ? 'bad' : 'neutral',
        id: t(lang, 'ruleIdLine', { id: x.ruleId }),
        order: x.result === 'failed' ? 0 : x.result === 'open' ? 1 : 2,
      }))
      .sort((a, b) => a.order - b.order)
      .map(({ order: _order, ...line }) => line),
  };
}
