/**
 * A relation (代为查询): a verified caller (the proxy) acts for a relative whose own identity was
 * verified by the same identity provider, with the relative present for the face check, and who
 * consented (consent.ts). Stored in the `relatives` collection, one document per relation:
 *
 * - _id: 'r' + 32 random hex digits; the id the mini program sends as `for`. Knowing an id grants
 *   nothing: every use checks that the relation is the caller's own and active.
 * - proxyUserId / proxyPersonId / proxyName: the caller's account and the person it was verified
 *   as when the relation was made. A relation acts only while the account is still verified as that
 *   person; when the account stops being that person (it releases the identity, an operator
 *   releases it, or it is verified as someone else) its relations end (release.ts).
 * - personId (indexed) and `relative`: the relative's verified identity. The raw ID number is kept
 *   here, as the users document keeps the caller's own, because binding the relative's travel
 *   document checks it against the registry; responses show it masked.
 * - document: the relative's travel document, bound by the proxy (documents/service.ts verifyFor).
 * - status: 'active' until the proxy removes it (or gives up the identity it acted as), the
 *   relative ends it, or an operator does;
 *   ended relations are kept (status 'ended', who ended it and when) so the audit log stays legible.
 *
 * Beside them, one roster document per proxy (`roster:<userId>:<proxyPersonId>`) lists the active
 * relations by the relative's person id. Adding and ending relations update it in the same
 * transaction, which makes the limit per proxy and "the same relative twice" atomic (store
 * transactions work by id only; they cannot count with a query).
 */
import type { DocumentType } from '../documents/types';
import { DOCUMENT_TYPE_IDS } from '../documents/types';
import type { VerifiedIdentity } from '../identity/verified';
import type { Doc, Json } from '../store/store';

export const RELATIONSHIPS = ['parent', 'grandparent', 'spouse', 'child', 'sibling', 'other'] as const;
export type Relationship = (typeof RELATIONSHIPS)[number];

/** What the relative is to the proxy ("parent": the relative is the proxy's parent). */
export const RELATIONSHIP_NAMES: Readonly<Record<Relationship, { zh: string; en: string }>> = Object.freeze({
  parent: { zh: '父母', en: 'parent' },
  grandparent: { zh: '祖父母/外祖父母', en: 'grandparent' },
  spouse: { zh: '配偶', en: 'spouse' },
  child: { zh: '子女', en: 'child' },
  sibling: { zh: '兄弟姐妹', en: 'sibling' },
  other: { zh: '其他', en: 'other' },
});

export const RELATION_ID = /^r[0-9a-f]{32}$/;

export type EndedBy = 'proxy' | 'relative' | 'operator';

export interface RelationDocument {
  type: DocumentType;
  number: string;
  expiry: string;
  mrz?: [string, string];
  boundAt: number;
}

export interface Consent {
  /** Version of the consent text the relative agreed to (consent.ts). */
  version: string;
  at: number;
  /** The proxy's account that recorded it. */
  recordedBy: string;
  /** How the relative's presence was established. */
  faceCheck: { provider: VerifiedIdentity['provider']; at: number };
}

export interface Relation {
  id: string;
  proxyUserId: string;
  proxyPersonId: string;
  proxyName: string;
  personId: string;
  relative: VerifiedIdentity;
  relationship: Relationship;
  consent: Consent;
  since: number;
  document: RelationDocument | null;
  status: 'active' | 'ended';
  endedAt?: number;
  endedBy?: EndedBy;
}

export function rosterId(proxyUserId: string, proxyPersonId: string): string {
  return `roster:${proxyUserId}:${proxyPersonId}`;
}

export function relationDoc(r: Relation): Doc {
  return {
    _id: r.id,
    kind: 'relation',
    proxyUserId: r.proxyUserId,
    proxyPersonId: r.proxyPersonId,
    proxyName: r.proxyName,
    personId: r.personId,
    relative: r.relative as unknown as Json,
    relationship: r.relationship,
    consent: r.consent as unknown as Json,
    since: r.since,
    document: (r.document ?? null) as unknown as Json,
    status: r.status,
    ...(r.endedAt !== undefined ? { endedAt: r.endedAt } : {}),
    ...(r.endedBy !== undefined ? { endedBy: r.endedBy } : {}),
  };
}

type O = Record<string, Json>;
const obj = (v: Json | undefined): O | null => (v && typeof v === 'object' && !Array.isArray(v) ? v : null);
const str = (o: O, k: string): string | null => (typeof o[k] === 'string' ? o[k] : null);

/** A relation document, or null when the document is not one (a roster) or not in the shape written here. */
export function readRelation(d: Doc | null): Relation | null {
  if (!d || d.kind !== 'relation' || !RELATION_ID.test(d._id)) return null;
  const o = d as unknown as O;
  const proxyUserId = str(o, 'proxyUserId'),
    proxyPersonId = str(o, 'proxyPersonId'),
    proxyName = str(o, 'proxyName'),
    personId = str(o, 'personId');
  const relationship = str(o, 'relationship') as Relationship | null;
  const status = o.status === 'active' || o.status === 'ended' ? o.status : null;
  const relative = readRelative(obj(o.relative));
  const consent = obj(o.consent);
  if (!proxyUserId || !proxyPersonId || !proxyName || !personId || !relative || relative.personId !== personId || !status || typeof o.since !== 'number')
    return null;
  if (!relationship || !(RELATIONSHIPS as readonly string[]).includes(relationship) || !consent) return null;
  return {
    id: d._id,
    proxyUserId,
    proxyPersonId,
    proxyName,
    personId,
    relative,
    relationship,
    consent: consent as unknown as Consent,
    since: o.since,
    document: readDocument(obj(o.document)),
    status,
    ...(typeof o.endedAt === 'number' ? { endedAt: o.endedAt } : {}),
    ...(o.endedBy === 'proxy' || o.endedBy === 'relative' || o.endedBy === 'operator' ? { endedBy: o.endedBy } : {}),
  };
}

function readRelative(o: O | null): VerifiedIdentity | null {
  if (!o) return null;
  const personId = str(o, 'personId'),
    name = str(o, 'name'),
    idNumber = str(o, 'idNumber'),
    birthDate = str(o, 'birthDate'),
    regionCode = str(o, 'regionCode');
  const sex = o.sex === 'male' || o.sex === 'female' ? o.sex : null;
  const provider = o.provider === 'local' || o.provider === 'wechat-facial' ? o.provider : null;
  if (!personId || !name || !idNumber || !birthDate || !regionCode || !sex || !provider || typeof o.verifiedAt !== 'number') return null;
  return { personId, name, idNumber, birthDate, sex, regionCode, provider, verifiedAt: o.verifiedAt };
}

function readDocument(o: O | null): RelationDocument | null {
  if (!o) return null;
  const type = str(o, 'type'),
    number = str(o, 'number'),
    expiry = str(o, 'expiry');
  if (!type || !(DOCUMENT_TYPE_IDS as readonly string[]).includes(type) || !number || !expiry || typeof o.boundAt !== 'number') return null;
  const mrz = Array.isArray(o.mrz) && o.mrz.length === 2 && o.mrz.every((l) => typeof l === 'string') ? (o.mrz as [string, string]) : undefined;
  return { type: type as DocumentType, number, expiry, boundAt: o.boundAt, ...(mrz ? { mrz } : {}) };
}

/** The roster's active relations: relative's personId → relation id. */
export function readRoster(d: Doc | null): Record<string, string> {
  const active = obj(d?.active);
  if (!active) return {};
  return Object.fromEntries(Object.entries(active).filter((e): e is [string, string] => typeof e[1] === 'string'));
}
