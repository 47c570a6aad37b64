/**
 * Face-check sessions (the `faceChecks` collection): what a face-check token stands for. Every
 * identity provider's session goes through one of these, so that binding and single use do not
 * depend on the provider (WeChat's verify_id, the local stand-in's token):
 *
 * - who asked: the caller's userId;
 * - for what: `identity.verify` (the caller's own identity) or `relatives.add` (the consent of one
 *   relative to one proxy: the proxy's personId at the time);
 * - for whom: the person's personId and a digest of the name as given;
 * - until when: expiresAt (at most MAX_FACE_CHECK_MS after it was opened);
 * - the provider's own token (WeChat's out_seq_no and verify_id), which never leaves the server:
 *   the caller holds only the session id, 128 random bits.
 *
 * A session is `open` until its first definite outcome: `used` once the action it was opened for
 * succeeded (marked in the same transaction as that action's writes), `failed` once the provider
 * said no. While a request is asking the provider, the session is claimed (`claim`), so a second
 * request with the same token cannot ask too; a claim lapses like an attempt reservation.
 */
import { createHash } from 'node:crypto';
import type { Doc, Json, Store } from '../store/store';
import type { IdentityProvider } from './provider';

/** What a session was opened for. */
export type FaceCheckPurpose = { action: 'identity.verify' } | { action: 'relatives.add'; proxyPersonId: string };

export const FACE_CHECK_ID = /^f[0-9a-f]{32}$/;

/** Longest a session stays usable, whatever the provider says (WeChat's default verify_id lifetime). */
export const MAX_FACE_CHECK_MS = 3600_000;

export interface FaceCheckSession {
  id: string;
  caller: string;
  purpose: FaceCheckPurpose;
  personId: string;
  nameDigest: string;
  provider: IdentityProvider['kind'];
  providerToken: string;
  createdAt: number;
  expiresAt: number;
  status: 'open' | 'used' | 'failed';
  claim?: { id: string; until: number };
  closedAt?: number;
}

/** The name as given, tied to the person: enough to tell a session was opened for this very name, without storing it. */
export function nameDigest(personId: string, name: string): string {
  return createHash('sha256').update(`ithc/face-check-name/v1\0${personId}\0${name}`, 'utf8').digest('hex');
}

/** The session as a document, always in one shape (giving a claim back restores the very document). */
export function sessionDoc(s: FaceCheckSession): Doc {
  return {
    _id: s.id,
    caller: s.caller,
    action: s.purpose.action,
    ...(s.purpose.action === 'relatives.add' ? { proxyPersonId: s.purpose.proxyPersonId } : {}),
    personId: s.personId,
    nameDigest: s.nameDigest,
    provider: s.provider,
    providerToken: s.providerToken,
    createdAt: s.createdAt,
    expiresAt: s.expiresAt,
    status: s.status,
    ...(s.claim ? { claim: s.claim } : {}),
    ...(s.closedAt !== undefined ? { closedAt: s.closedAt } : {}),
  };
}

/** A session document, or null when it is not in the shape written here. */
export function readSession(d: Doc | null): FaceCheckSession | null {
  if (!d || !FACE_CHECK_ID.test(d._id)) return null;
  const str = (k: string) => (typeof d[k] === 'string' ? d[k] : null);
  const caller = str('caller'),
    personId = str('personId'),
    digest = str('nameDigest'),
    providerToken = str('providerToken');
  const provider = d.provider === 'local' || d.provider === 'wechat-facial' ? d.provider : null;
  const status = d.status === 'open' || d.status === 'used' || d.status === 'failed' ? d.status : null;
  let purpose: FaceCheckPurpose | null = null;
  if (d.action === 'identity.verify') purpose = { action: 'identity.verify' };
  else if (d.action === 'relatives.add' && typeof d.proxyPersonId === 'string') purpose = { action: 'relatives.add', proxyPersonId: d.proxyPersonId };
  if (
    !caller ||
    !personId ||
    !digest ||
    !providerToken ||
    !provider ||
    !status ||
    !purpose ||
    typeof d.createdAt !== 'number' ||
    typeof d.expiresAt !== 'number'
  )
    return null;
  const c = d.claim;
  const claim =
    c &&
    typeof c === 'object' &&
    !Array.isArray(c) &&
    typeof (c as Record<string, Json>).id === 'string' &&
    typeof (c as Record<string, Json>).until === 'number'
      ? { id: (c as Record<string, string>).id, until: (c as Record<string, number>).until }
      : undefined;
  return {
    id: d._id,
    caller,
    purpose,
    personId,
    nameDigest: digest,
    provider,
    providerToken,
    createdAt: d.createdAt,
    expiresAt: d.expiresAt,
    status,
    ...(claim ? { claim } : {}),
    ...(typeof d.closedAt === 'number' ? { closedAt: d.closedAt } : {}),
  };
}

export function samePurpose(a: FaceCheckPurpose, b: FaceCheckPurpose): boolean {
  if (a.action !== b.action) return false;
  return a.action === 'identity.verify' || (b.action === 'relatives.add' && a.proxyPersonId === b.proxyPersonId);
}

/**
 * Deletes sessions that expired before `now` (housekeeping; any time, any number of times). An
 * expired session is refused whether or not it is still stored.
 */
export async function pruneFaceChecks(store: Store, now: number, limit = 500): Promise<number> {
  const stale = await store.find('faceChecks', { expiresAt: { $lt: now } }, { limit });
  for (const d of stale) await store.delete('faceChecks', d._id);
  return stale.length;
}
