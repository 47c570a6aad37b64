/**
 * Our signed trust list (core/trustlist.ts, docs/trust-list.md), published beside the EU DSC-list
 * shape (dsc-list.ts): every signing certificate still valid (a new one already while it is
 * pre-published), the CSCA, the revocation list, a version and the time of issue, signed by the
 * trust-list signer the offline CSCA certified (docs/keys.md).
 *
 * The version grows by one whenever the signed content other than issuedAt changes (a key rotated
 * in or expired out, a certificate revoked), so a verifier can tell a newer list from a re-signed
 * copy of the same one. Its counter lives in the `keys` collection (document `trustlist`), beside
 * the key metadata it describes.
 */
import { createHash } from 'node:crypto';
import { fromBase64 } from '../../core/bytes';
import type { RevocationHashType } from '../../core/revocation';
import {
  DEFAULT_TRUST_LIST_MAX_AGE,
  encodeTrustListPayload,
  signTrustList,
  trustListEnvelope,
  type TrustListContent,
  type TrustListEnvelope,
  type TrustListRevocation,
} from '../../core/trustlist';
import { trustedKeyFromCertificate } from '../../core/x509';
import type { Clock } from '../clock';
import { nodeEs256Signer } from '../keys/es256-signer';
import type { KeyService } from '../keys/service';
import type { Store } from '../store/store';

/** What the revocation service publishes (app.revocation.hashList()): base64 kid and 16-byte hash. */
export interface RevocationHashEntry {
  kid: string;
  type: RevocationHashType;
  hash: string;
}

export interface RevocationHashSource {
  hashList(): Promise<RevocationHashEntry[]>;
}

export interface SignedTrustListDeps {
  keys: KeyService;
  store: Store;
  clock: Clock;
  country: string;
  /** Absent until the revocation service exists: the list then carries no revocations. */
  revocation?: RevocationHashSource;
  maxAgeSeconds?: number;
}

export const TRUST_LIST_VERSION_DOC = 'trustlist';

export interface PublishedTrustList {
  envelope: TrustListEnvelope;
  /** The tagged COSE_Sign1 (what `envelope.signed` holds in base64). */
  signed: Uint8Array;
  content: TrustListContent;
}

export async function publishSignedTrustList(deps: SignedTrustListDeps): Promise<PublishedTrustList> {
  const nowMs = deps.clock.now();
  const docs = await deps.keys.publishedSigningCertificates(nowMs);
  const certificates = docs.map((d) => {
    const der = fromBase64(d.certificate);
    const info = trustedKeyFromCertificate(der);
    return {
      kid: fromBase64(d.kid),
      country: deps.country,
      // No key-usage extension means no restriction: all three types.
      usage: info.usage ? [...info.usage] : (['t', 'v', 'r'] as const).slice(),
      notBefore: info.notBefore ?? Math.floor(d.notBefore / 1000),
      notAfter: info.notAfter ?? Math.floor(d.notAfter / 1000),
      certificate: der,
    };
  });
  const published = new Set(docs.map((d) => d.kid));
  // Entries for signing keys no longer published are left out: codes they signed expired with them.
  const revocation: TrustListRevocation[] = (deps.revocation ? await deps.revocation.hashList() : [])
    .filter((r) => published.has(r.kid))
    .map((r) => ({ kid: fromBase64(r.kid), type: r.type, hash: fromBase64(r.hash) }))
    .sort((a, b) => compare(a.kid, b.kid) || a.type.localeCompare(b.type) || compare(a.hash, b.hash));
  const csca = await deps.keys.cscaCertificate();
  const { privateKey, certificate: signerCertificate } = await deps.keys.trustListSigner();
  const base: TrustListContent = {
    version: 0,
    issuedAt: 0,
    maxAge: deps.maxAgeSeconds ?? DEFAULT_TRUST_LIST_MAX_AGE,
    country: deps.country,
    csca,
    certificates,
    revocation,
  };
  const version = await listVersion(deps.store, { docId: TRUST_LIST_VERSION_DOC, kind: 'trustlist', payload: encodeTrustListPayload(base), nowMs });
  const content: TrustListContent = { ...base, version, issuedAt: Math.floor(nowMs / 1000) };
  const signed = await signTrustList(content, { certificate: signerCertificate, signer: nodeEs256Signer(privateKey) });
  return { envelope: trustListEnvelope(signed, content), signed, content };
}

/**
 * The version a signed list of ours is published under (trust list, source list): the stored one
 * while the payload (version and time left out) is unchanged, the next one when it changed. In a
 * transaction, so two publishers never give one version to two different lists.
 */
export async function listVersion(store: Store, o: { docId: string; kind: string; payload: Uint8Array; nowMs: number }): Promise<number> {
  const digest = createHash('sha256').update(o.payload).digest('base64');
  return store.transaction(async (tx) => {
    const doc = await tx.get('keys', o.docId);
    const current = typeof doc?.version === 'number' ? doc.version : 0;
    if (doc && doc.digest === digest) return current;
    const next = current + 1;
    await tx.put('keys', { _id: o.docId, kind: o.kind, version: next, digest, changedAt: o.nowMs });
    return next;
  });
}

function compare(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** The app's signed trust list, with the revocation service's hash list (server/revocation). */
export function publishAppTrustList(app: {
  keys: KeyService;
  store: Store;
  clock: Clock;
  config: { country: string };
  revocation: RevocationHashSource;
}): Promise<PublishedTrustList> {
  return publishSignedTrustList({ keys: app.keys, store: app.store, clock: app.clock, country: app.config.country, revocation: app.revocation });
}
