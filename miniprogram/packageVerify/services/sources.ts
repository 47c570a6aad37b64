/**
 * The signed source list on the officer's phone (core/sourcelist.ts, docs/trust-list.md §The source
 * list): the laboratories and vaccination sites certificates name by code, with their names in
 * Chinese and in Latin script, so that the page shows who made a record rather than a number
 * (certificateView's `sources`: the Chinese name in Chinese, the Latin-script name in every other
 * language).
 *
 * Fetched with the trust list from the same deployment (trustlist.sources) and trusted as the trust
 * list is: only when its signature verifies against the CSCA pinned in this build (the same check
 * the CLI and the web verifier run, core/sourcelist.ts verifySourceList), never for having come
 * from the network. A list that does not verify is refused and the last good one stays in use; so
 * is one older than the one in use (a replay could vouch again for a laboratory removed since).
 * Without a list every code still verifies; a source given by code is shown by its code.
 */
import { fromBase64, msg, nobleCrypto, renderValue, verifySourceList, type Lang, type Value, type VerifiedSourceList } from '../lib/ithc-verify';
import { PINNED_CSCAS } from '../lib/trust-anchors';
import { chrome } from '../i18n';
import { callFunction } from '../../services/cloud';
import { readValue, writeValue } from '../../adapters/storage';
import type { Said, UpdateOutcome } from './verify';

/** The last good signed source list: the envelope as received, and when it was fetched. */
export const SOURCES_KEY = 'ithc.sourcelist.signed';
/** WeChat's storage takes 1 MB per key: a larger list cannot be kept on the phone. */
const MAX_LIST_CHARS = 1_000_000;
/** At about 200 characters an entry (both names, region, accreditation), 1 MB holds some 5,000; the bound leaves room for short entries. */
const LIST_LIMITS = { maxBytes: MAX_LIST_CHARS, maxSources: 20_000 };

export interface CachedSourceList {
  /** The signed list's JSON envelope, as fetched: verified again whenever a new one is stored or the build's CSCA changes. */
  json: string;
  fetchedAt: number;
}

export function readSourceList(): CachedSourceList | null {
  const v = readValue(SOURCES_KEY) as Partial<CachedSourceList> | undefined;
  return v && typeof v.json === 'string' && typeof v.fetchedAt === 'number' ? { json: v.json, fetchedAt: v.fetchedAt } : null;
}

/** Verifies a list's signature and chain against the pinned CSCA; null when it does not verify. */
async function verifyList(json: string, nowMs: number): Promise<VerifiedSourceList | null> {
  try {
    return await verifySourceList(json, {
      cscas: PINNED_CSCAS.map((b64) => fromBase64(b64)),
      now: Math.floor(nowMs / 1000),
      crypto: nobleCrypto,
      limits: LIST_LIMITS,
    });
  } catch {
    return null;
  }
}

/** The stored list, verified once per stored text and pinned CSCA (its age is counted at each use, from the signed time of issue). */
let checked: { json: string; anchors: readonly string[]; result: VerifiedSourceList | null } | null = null;

/** The source list in use, or why there is none. */
export type SourcesInUse = { ok: true; list: VerifiedSourceList } | { ok: false; why: 'noAnchor' | 'none' | 'savedInvalid' };

export async function sourcesInUse(cached: CachedSourceList | null, nowMs: number): Promise<SourcesInUse> {
  if (!PINNED_CSCAS.length) return { ok: false, why: 'noAnchor' };
  if (!cached) return { ok: false, why: 'none' };
  if (checked?.json !== cached.json || checked.anchors !== PINNED_CSCAS)
    checked = { json: cached.json, anchors: PINNED_CSCAS, result: await verifyList(cached.json, nowMs) };
  return checked.result ? { ok: true, list: checked.result } : { ok: false, why: 'savedInvalid' };
}

/** Seconds since the list was issued, at `nowMs`. */
function ageOf(list: VerifiedSourceList, nowMs: number): number {
  return Math.max(0, Math.floor(nowMs / 1000) - list.issuedAt);
}

/** The page should fetch a source list: it has none usable, or the one in use is past its maximum age (new sources would be missing). */
export function wantsSources(use: SourcesInUse, nowMs: number): boolean {
  if (!use.ok) return use.why !== 'noAnchor';
  return ageOf(use.list, nowMs) > use.list.maxAge;
}

/**
 * Fetches the signed source list (a public function, beside the trust list) and keeps it when it
 * verifies against the pinned CSCA and is not older than the one in use; otherwise the one in use
 * stays, and the note says why.
 */
export async function updateSourceList(nowMs: number): Promise<UpdateOutcome> {
  if (!PINNED_CSCAS.length) return { ok: false, note: (lang) => chrome(lang, 'trustNoAnchor') };
  const before = await sourcesInUse(readSourceList(), nowMs);
  const refused = (note: Said): UpdateOutcome => ({ ok: false, note });
  const r = await callFunction<unknown>('trustlist', { action: 'sources' });
  if (!r.ok) {
    const code = r.error.code;
    return refused((lang) => chrome(lang, 'sourcesFailed', { code }));
  }
  const json = JSON.stringify(r.data);
  if (json === undefined || json.length > MAX_LIST_CHARS) return refused((lang) => chrome(lang, 'sourcesFailed', { code: 'BAD_RESPONSE' }));
  const fresh = await verifyList(json, nowMs);
  if (!fresh) return refused((lang) => chrome(lang, 'sourcesRefused'));
  if (before.ok && (fresh.version < before.list.version || fresh.issuedAt < before.list.issuedAt)) {
    const incoming = fresh.version;
    const inUse = before.list.version;
    return refused((lang) => chrome(lang, 'sourcesOlder', { incoming, inUse }));
  }
  writeValue(SOURCES_KEY, { json, fetchedAt: nowMs });
  checked = { json, anchors: PINNED_CSCAS, result: fresh };
  return { ok: true };
}

/** The source list's line of the trust card: version, CSCA, how many sources, issued when and how long ago; or why there is none ('' when the build pins no CSCA: the card says so already). */
export function sourcesStatus(lang: Lang, use: SourcesInUse, nowMs: number): string {
  if (!use.ok) return use.why === 'noAnchor' ? '' : chrome(lang, use.why === 'none' ? 'sourcesNone' : 'sourcesSavedInvalid');
  const { list } = use;
  const age: Value = { kind: 'duration', seconds: ageOf(list, nowMs) };
  return renderValue(
    lang,
    msg('trust.statusSources', {
      version: list.version,
      csca: list.csca.subject,
      n: list.sources.size,
      issued: { kind: 'datetime', seconds: list.issuedAt },
      age,
    }),
  );
}
