/**
 * Our signed source list (core/sourcelist.ts, docs/trust-list.md §The source list), published beside
 * the trust list: every laboratory and vaccination site with a registry code, signed by the same
 * trust-list signer the offline CSCA certified. Certificates carry those codes; verifiers abroad
 * look them up here.
 *
 * The version grows by one whenever the signed content other than issuedAt changes (a source added,
 * renamed, its accreditation or validity changed). Its counter lives in the `keys` collection
 * (document `sourcelist`), beside the trust list's.
 */
import {
  DEFAULT_SOURCE_LIST_MAX_AGE,
  encodeSourceListPayload,
  signSourceList,
  sourceEntryProblem,
  sourceListEnvelope,
  type SourceListContent,
  type SourceListEntry,
  type SourceListEnvelope,
} from '../../core/sourcelist';
import type { Clock } from '../clock';
import { nodeEs256Signer } from '../keys/es256-signer';
import type { KeyService } from '../keys/service';
import { isSourceDoc, type SourceDoc } from '../records/record-id';
import type { Store } from '../store/store';
import { listVersion } from './signed-list';

export const SOURCE_LIST_VERSION_DOC = 'sourcelist';

/**
 * A source as the published list gives it, or undefined when it is not listed: a source without a
 * code, or one whose registry fields would not pass a verifier's checks (then certificates carry
 * its name, never a code no list explains).
 */
export function sourceListEntry(d: SourceDoc): SourceListEntry | undefined {
  if (d.code === undefined) return undefined;
  const sec = (ms: number | undefined) => (ms === undefined ? undefined : Math.floor(ms / 1000));
  const e: SourceListEntry = {
    code: d.code,
    type: d.type,
    name: d.name,
    country: d.country,
    ...(d.nameLatin !== undefined ? { nameLatin: d.nameLatin } : {}),
    ...(d.region !== undefined ? { region: d.region } : {}),
    ...(d.accreditation !== undefined ? { accreditation: d.accreditation } : {}),
    ...(d.validFrom !== undefined ? { validFrom: sec(d.validFrom) } : {}),
    ...(d.validUntil !== undefined ? { validUntil: sec(d.validUntil) } : {}),
  };
  return sourceEntryProblem(e) === undefined ? e : undefined;
}

export interface PublishedSourceList {
  envelope: SourceListEnvelope;
  /** The tagged COSE_Sign1 (what `envelope.signed` holds in base64). */
  signed: Uint8Array;
  content: SourceListContent;
}

const PAGE = 1000;

/** Every listed source, in code order; a code held by two sources (a store edited by hand) lists neither: a code must name one source. */
async function listedSources(store: Store): Promise<SourceListEntry[]> {
  const byCode = new Map<number, SourceListEntry | null>();
  for (let skip = 0; ; skip += PAGE) {
    const page = await store.find('sources', {}, { orderBy: { field: '_id', direction: 'asc' }, limit: PAGE, skip });
    for (const d of page) {
      const e = isSourceDoc(d) ? sourceListEntry(d) : undefined;
      if (e) byCode.set(e.code, byCode.has(e.code) ? null : e);
    }
    if (page.length < PAGE) break;
  }
  return [...byCode.values()].filter((e): e is SourceListEntry => e !== null).sort((a, b) => a.code - b.code);
}

export async function publishSignedSourceList(deps: {
  keys: KeyService;
  store: Store;
  clock: Clock;
  country: string;
  maxAgeSeconds?: number;
}): Promise<PublishedSourceList> {
  const nowMs = deps.clock.now();
  const base: SourceListContent = {
    version: 0,
    issuedAt: 0,
    maxAge: deps.maxAgeSeconds ?? DEFAULT_SOURCE_LIST_MAX_AGE,
    country: deps.country,
    sources: await listedSources(deps.store),
  };
  const version = await listVersion(deps.store, { docId: SOURCE_LIST_VERSION_DOC, kind: 'sourcelist', payload: encodeSourceListPayload(base), nowMs });
  const content: SourceListContent = { ...base, version, issuedAt: Math.floor(nowMs / 1000) };
  const csca = await deps.keys.cscaCertificate();
  const { privateKey, certificate } = await deps.keys.trustListSigner();
  const signed = await signSourceList(content, { certificate, signer: nodeEs256Signer(privateKey) }, csca);
  return { envelope: sourceListEnvelope(signed, content), signed, content };
}

/** The app's signed source list. */
export function publishAppSourceList(app: { keys: KeyService; store: Store; clock: Clock; config: { country: string } }): Promise<PublishedSourceList> {
  return publishSignedSourceList({ keys: app.keys, store: app.store, clock: app.clock, country: app.config.country });
}
