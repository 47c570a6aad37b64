/**
 * Verification for airline and border staff, on the phone and offline: the code scanned is checked
 * by the pre-bundled core's verifier (core/verifier createVerifier, the set-up the CLI and the web
 * verifier use, with the noble provider and the DCC schema as pre-compiled ajv code) against our
 * CSCA-signed trust list (trustlist.signed; docs/trust-list.md): its signing certificates and its
 * revocation list. The
 * answer is one of three (core/outcome.ts outcomeOf): valid; invalid with the reasons; cannot
 * confirm with what is missing. What the officer reads is the shared view model (core/view
 * certificateView), rendered here into the lines the page shows in the officer's language, with the
 * laboratories and vaccination sites a certificate gives by code named from the signed source list
 * (services/sources.ts).
 *
 * Trust comes from the CSCA certificate pinned in this build (lib/trust-anchors.js, written by
 * scripts/mp-bundle.mjs), never from the network: the list fetched is used only when its signature
 * verifies against that CSCA (core/trustlist.ts verifyTrustList, the code the CLI and the web
 * verifier run), and each signing certificate in it must chain to the same CSCA. A list that does
 * not verify is refused and the last good one stays in use; so is a list older than the one in use
 * (a replay would bring back certificates revoked since).
 *
 * Staleness: the last good list is kept for offline use and its age, from the signed time of issue,
 * is shown beside every verdict. Past the list's own maximum age (signed; two days by default) a
 * code that verifies against it is "cannot confirm", naming the list and asking for a current one
 * (a certificate revoked since would still look good), never VALID; the page tries to update the
 * list when opened. Nothing here needs randomness (mini programs have none to offer): verification
 * only hashes and checks signatures.
 */
import {
  certificateView,
  createVerifier,
  failedVerdict,
  format,
  fromBase64,
  isLang,
  listState as stateOf,
  mergeList,
  msg,
  nobleCrypto,
  OlderList,
  preferredLang,
  renderValue,
  sealedRecipientKids,
  signedTrustList,
  trustListValue,
  validateDccSchemaPrecompiled,
  verifyTrustList,
  type CertificateView,
  type Lang,
  type Section,
  type SourceNames,
  type TrustListState,
  type Value,
  type VerdictKind,
  type VerifiedTrustList,
  type Verifier,
  type VerifierResult,
} from '../lib/ithc-verify';
import { PINNED_CSCAS } from '../lib/trust-anchors';
import { chrome } from '../i18n';
import { authorityFor, type Authority } from './authorities';
import { callFunction } from '../../services/cloud';
import { readValue, removeValue, writeValue } from '../../adapters/storage';
import { wechatLanguage } from '../../adapters/system-language';

/** The last good signed trust list: the envelope as received, and when it was fetched. */
export const TRUST_KEY = 'ithc.trustlist.signed';
/** Where the unsigned list of signing certificates was kept before; removed once a signed list is stored. */
const UNSIGNED_TRUST_KEY = 'ithc.trustlist';
export const LANG_KEY = 'ithc.verifyLang';
/** A list larger than this is not ours (ours holds a few certificates and the revocations of their lifetime; WeChat's storage takes 1 MB per key). */
const MAX_LIST_CHARS = 1_000_000;
/** The revocation entries and certificates a list may hold on the phone (the core's defaults are for desktop verifiers). */
const LIST_LIMITS = { maxBytes: MAX_LIST_CHARS, maxCertificates: 200, maxRevocations: 20_000 };
/** Where the list came from, as the trust line names it: the deployment's trustlist function. */
const LIST_SOURCE = 'trustlist';

/** Something said in the officer's language, rendered again when the language changes. */
export type Said = (lang: Lang) => string;

/** The officer's language: chosen on this page, else WeChat's when it is one of the six, else English. */
export function officerLanguage(): Lang {
  const v = readValue(LANG_KEY);
  return isLang(v) ? v : preferredLang([wechatLanguage() ?? '']);
}

export function setOfficerLanguage(lang: Lang): void {
  if (!isLang(lang)) throw new TypeError(`unknown language: ${String(lang)}`);
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

/** A list that verified against the pinned CSCA, with the core's verifier set up on it (core/verifier). */
export interface TrustedList {
  list: VerifiedTrustList;
  verifier: Verifier;
}

/**
 * The core's verifier on the list in use (or none). The phone holds no authority's private key: a
 * sealed code is never opened here, and says whose key it needs.
 */
function verifierOn(list: VerifiedTrustList | null): Verifier {
  return createVerifier({ lists: list ? [signedTrustList(list, LIST_SOURCE)] : [], crypto: nobleCrypto, validateDccSchema: validateDccSchemaPrecompiled });
}

let noTrust: Verifier | undefined;

/** The pinned CSCA certificates, DER. */
function anchors(): Uint8Array[] {
  return PINNED_CSCAS.map((b64) => fromBase64(b64));
}

/** Verifies a list's signature and chain against the pinned CSCA; null when it does not verify. */
async function verifyList(json: string, nowMs: number): Promise<TrustedList | null> {
  try {
    const list = await verifyTrustList(json, { cscas: anchors(), now: Math.floor(nowMs / 1000), crypto: nobleCrypto, limits: LIST_LIMITS });
    return { list, verifier: verifierOn(list) };
  } catch {
    return null;
  }
}

/**
 * The stored list, verified once per stored text (a new list, or a new build's CSCA, makes a new
 * check). Its age and staleness are not taken from this check but counted to the time of each use
 * (listState).
 */
let checked: { json: string; anchors: readonly string[]; result: TrustedList | null } | null = null;

async function trustedList(cached: CachedTrustList, nowMs: number): Promise<TrustedList | null> {
  if (checked?.json !== cached.json || checked.anchors !== PINNED_CSCAS)
    checked = { json: cached.json, anchors: PINNED_CSCAS, result: await verifyList(cached.json, nowMs) };
  return checked.result;
}

/** The list in use as the officer is shown it beside a verdict: which, whose, how old at `nowMs`, its maximum age. */
export function listState(list: VerifiedTrustList, nowMs: number): TrustListState {
  return stateOf(signedTrustList(list, LIST_SOURCE), Math.floor(nowMs / 1000));
}

/** The list in use, or why there is none. */
export type TrustInUse = { ok: true; trusted: TrustedList } | { ok: false; why: 'trustNoAnchor' | 'none' | 'trustSavedInvalid' };

export async function trustInUse(cached: CachedTrustList | null, nowMs: number): Promise<TrustInUse> {
  if (!PINNED_CSCAS.length) return { ok: false, why: 'trustNoAnchor' };
  if (!cached) return { ok: false, why: 'none' };
  const trusted = await trustedList(cached, nowMs);
  return trusted ? { ok: true, trusted } : { ok: false, why: 'trustSavedInvalid' };
}

/** What stays in use after an update was not taken. */
function remains(use: TrustInUse, nowMs: number): Value {
  return use.ok ? msg('trust.remains', { lists: trustListValue(listState(use.trusted.list, nowMs)) }) : msg('trust.remainsNone');
}

/** Two sentences one after the other (Chinese sentences join without a space). */
function joined(lang: Lang, a: string, b: string): string {
  return lang === 'zh' ? `${a}${b}` : `${a} ${b}`;
}

export type UpdateOutcome = { ok: true } | { ok: false; note: Said };

/**
 * Fetches the signed trust list (a public function) and keeps it for offline use when it verifies
 * against the pinned CSCA and is not older than the one in use; otherwise the one in use stays, and
 * the note says why and what remains in use.
 */
export async function updateTrustList(nowMs: number): Promise<UpdateOutcome> {
  if (!PINNED_CSCAS.length) return { ok: false, note: (lang) => chrome(lang, 'trustNoAnchor') };
  const current = readTrustList();
  const before = await trustInUse(current, nowMs);
  const refused = (first: Said): UpdateOutcome => ({ ok: false, note: (lang) => joined(lang, first(lang), renderValue(lang, remains(before, nowMs))) });
  const r = await callFunction<unknown>('trustlist', { action: 'signed' });
  if (!r.ok) {
    const code = r.error.code;
    return refused((lang) => (r.error.source === 'transport' && code === 'NETWORK' ? chrome(lang, 'updateOffline') : chrome(lang, 'updateFailed', { code })));
  }
  const json = JSON.stringify(r.data);
  if (json === undefined || json.length > MAX_LIST_CHARS) return refused((lang) => chrome(lang, 'updateFailed', { code: 'BAD_RESPONSE' }));
  const fresh = await verifyList(json, nowMs);
  if (!fresh) return refused((lang) => chrome(lang, 'trustRefused'));
  if (before.ok) {
    try {
      mergeList([signedTrustList(before.trusted.list, LIST_SOURCE)], signedTrustList(fresh.list, LIST_SOURCE));
    } catch (e) {
      if (!(e instanceof OlderList)) throw e;
      const { incoming, inUse } = { incoming: e.incoming.version, inUse: e.inUse.version };
      return refused((lang) => format(lang, 'trust.older', { incoming, inUse }));
    }
  }
  writeValue(TRUST_KEY, { json, fetchedAt: nowMs });
  removeValue(UNSIGNED_TRUST_KEY);
  checked = { json, anchors: PINNED_CSCAS, result: fresh };
  return { ok: true };
}

export interface TrustStatus {
  text: string;
  tone: 'good' | 'warn' | 'bad';
}

/** The trust card: the list in use with its version, CSCA, keys, revocations, age and maximum age; or why there is none. */
export function trustStatus(lang: Lang, use: TrustInUse, nowMs: number): TrustStatus {
  if (!use.ok) return { text: use.why === 'none' ? format(lang, 'trust.statusNone') : chrome(lang, use.why), tone: 'bad' };
  const { list } = use.trusted;
  const s = listState(list, nowMs);
  const age: Value = { kind: 'duration', seconds: s.ageSeconds ?? 0 };
  const max: Value = { kind: 'duration', seconds: list.maxAge };
  const line = renderValue(
    lang,
    msg('trust.statusSigned', {
      version: list.version,
      csca: list.csca.subject,
      n: list.keys.length,
      revocations: list.revocationEntries.length,
      issued: { kind: 'datetime', seconds: list.issuedAt },
      age,
      max,
    }),
  );
  if (s.stale) return { text: joined(lang, line, renderValue(lang, msg('trust.statusStale', { age, max }))), tone: 'warn' };
  // Issued more than five minutes ahead of this phone (verifyTrustList reports it): the phone's clock is wrong.
  if (list.problems.some((p) => p.code === 'NOT_YET_VALID')) return { text: joined(lang, line, chrome(lang, 'trustClock')), tone: 'warn' };
  return { text: line, tone: 'good' };
}

/** The page should fetch a list: it has none usable, or the one in use is past its maximum age. */
export function wantsUpdate(use: TrustInUse, nowMs: number): boolean {
  if (!use.ok) return use.why !== 'trustNoAnchor';
  return listState(use.trusted.list, nowMs).stale;
}

/**
 * Verifies a scanned or pasted code on the phone against the list in use (its keys and
 * revocations) and returns the view of it, the laboratories and vaccination sites it gives by code
 * named from `sources` (the signed source list in use, services/sources.ts); never throws for any
 * input. Line breaks (a code pasted as e-mail wraps it) are not part of any code and are dropped.
 */
export async function checkCode(
  code: string,
  use: TrustInUse,
  nowMs: number,
  authorities: readonly Authority[],
  sources?: SourceNames,
): Promise<CertificateView> {
  const now = Math.floor(nowMs / 1000);
  const verifier = use.ok ? use.trusted.verifier : (noTrust ??= verifierOn(null));
  let r: VerifierResult;
  try {
    r = await verifier.verify(code.replace(/[\r\n\t]+/g, '').trim(), now);
  } catch (e) {
    const verdict = failedVerdict({ code: 'CBOR_INVALID', message: e instanceof Error ? e.message : String(e) });
    r = { verdict, outcome: { verdict: 'invalid', missing: [] }, trust: verifier.trust(now), certificateSources: [], now };
  }
  const { verdict } = r;
  const view = certificateView(verdict, { now, outcome: r.outcome, trust: r.trust, ...(sources ? { sources } : {}) });
  const kids = sealedRecipientKids(verdict);
  return {
    ...view,
    verdict: {
      ...view.verdict,
      missing: view.verdict.missing.map((m) => (m.kind === 'authority-key' ? { kind: m.kind, text: sealedFor(kids, authorities) } : m)),
    },
  };
}

/** Whom a sealed code is for: the partner authority whose key it names, by its name; else the kid alone. */
function sealedFor(kids: readonly string[], authorities: readonly Authority[]): Value {
  const kid = kids.join(', ') || '?';
  const a = authorityFor(kids, authorities);
  return a ? msg('missing.sealedFor', { authority: { kind: 'name', zh: a.name.zh, latin: a.name.en }, kid }) : msg('missing.sealedForKid', { kid });
}

// --- what the page shows ------------------------------------------------------------------------
//
// What crosses setData is kept to what differs from one certificate to the next: a line is its
// key, label and value, and a label the catalogue holds as a word of its own (label.sampleTime) is
// sent as its key, written in the officer's language by the page's strings module
// (lib/strings.wxs, scripts/mp-bundle.mjs) in the view layer; so are section titles. A language
// change sends the values written again, not the labels.

/**
 * A line: its label (a key of the catalogue's labels, or the label's text: a DCC field's path, the
 * verifier's error code) and its value, written out. No record has two lines of one label, so the
 * label keys the line on screen.
 */
export interface ScreenLine {
  label: string;
  value: string;
}

export interface ScreenItem {
  /** The record's key in the view (test.0, vaccination.1): the list's key on screen. */
  key: string;
  /** A record's heading (its kind), when its section holds several; '' otherwise. */
  title: string;
  lines: ScreenLine[];
}

export interface ScreenSection {
  key: string;
  /** A key of the catalogue's section titles, or the title's text. */
  title: string;
  items: ScreenItem[];
}

export interface VerdictScreen {
  kind: VerdictKind;
  word: string;
  /** What the code is (ITHC, EU DCC, sealed), '' when it could not be told. */
  format: string;
  lead: string;
  /** What is missing (key: its kind), then each reason (key: the error code). */
  points: Array<{ key: string; text: string }>;
  notes: string[];
  /** Beside every verdict: the list checked against, whose, its version, how old, its maximum age. */
  trust: string;
  /** Whether there is anything under Details (its lines are sent only when the officer opens it). */
  hasDetails: boolean;
}

/** A catalogue word the strings module holds (a message of `prefix` without parameters) as its key; anything else written in `lang`. */
function wordOrText(lang: Lang, v: Value, prefix: 'label.' | 'section.'): string {
  return v.kind === 'message' && !v.params && v.code.startsWith(prefix) ? v.code.slice(prefix.length) : renderValue(lang, v);
}

/** Sections of the view written in `lang`: the values, and the labels as keys where the strings module has them. */
export function screenSections(lang: Lang, sections: readonly Section[]): ScreenSection[] {
  return sections.map((s) => ({
    key: s.key,
    title: wordOrText(lang, s.title, 'section.'),
    items: s.items.map((item) => ({
      key: item.key,
      title: item.title && s.items.length > 1 ? renderValue(lang, item.title) : '',
      lines: item.lines.map((l): ScreenLine => ({ label: wordOrText(lang, l.label, 'label.'), value: renderValue(lang, l.value) })),
    })),
  }));
}

/** The verdict, its reasons or what is missing, and the trust line, in `lang` (the summary is sent on its own: screenSections of view.summary). */
export function verdictScreen(lang: Lang, view: CertificateView): VerdictScreen {
  const v = view.verdict;
  return {
    kind: v.kind,
    word: format(lang, v.word),
    format: view.format ? format(lang, view.format) : '',
    lead: format(lang, v.lead),
    points: [
      ...v.missing.map((m) => ({ key: m.kind, text: renderValue(lang, m.text) })),
      ...v.reasons.map((r) => ({ key: r.code, text: renderValue(lang, r.text) })),
    ],
    notes: v.notes.map((n) => renderValue(lang, n)),
    trust: renderValue(lang, v.trust),
    hasDetails: view.details.length > 0,
  };
}
