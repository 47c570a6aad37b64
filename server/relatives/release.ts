/**
 * What ends relations from outside the relatives service, and the entry every end writes to the
 * relative's log. Kept apart from service.ts (which needs documents and issuance) so that identity
 * verification (server/identity/service.ts) can end, in its own transaction, the relations an
 * account made as a person when the account stops being that person: it releases the identity
 * (identity.unbind), an operator releases it (admin.releaseIdentity), or it is verified as
 * somebody else.
 */
import type { Doc, TxOps } from '../store/store';
import { readRelation, readRoster, rosterId, type EndedBy, type Relation } from './relation';

/** An audit entry the relative reads in their log (relatives.auditLog). */
export function relativeLogEntry(id: string, at: number, action: string, r: Relation, actor: string, by: EndedBy): Doc {
  return {
    _id: id,
    at,
    action,
    actor,
    outcome: 'success',
    personId: r.personId,
    relativeLog: true,
    relationId: r.id,
    proxyName: r.proxyName,
    relationship: r.relationship,
    by,
  };
}

export interface EndRelationsOfProxy {
  /** The proxy's account. */
  userId: string;
  /** The person the account acted as. */
  proxyPersonId: string;
  /** What ended them, as the relative's log shows it: "identity.unbind", "admin.releaseIdentity", ... */
  action: string;
  actor: string;
  by: EndedBy;
  at: number;
  newId: () => string;
}

/**
 * Ends, inside `tx`, every active relation in which the account acted for a relative as
 * `proxyPersonId` (its roster lists them: at most the per-proxy limit, read by id), writing one
 * line to each relative's log. Returns how many ended.
 */
export async function endRelationsOfProxy(tx: TxOps, e: EndRelationsOfProxy): Promise<number> {
  const rid = rosterId(e.userId, e.proxyPersonId);
  const roster = await tx.get('relatives', rid);
  const active = readRoster(roster);
  let ended = 0;
  for (const id of Object.values(active)) {
    const r = readRelation(await tx.get('relatives', id));
    if (!r || r.status !== 'active' || r.proxyUserId !== e.userId) continue;
    await tx.update('relatives', r.id, { status: 'ended', endedAt: e.at, endedBy: e.by, endedActor: e.actor });
    await tx.insert('audit', relativeLogEntry(e.newId(), e.at, e.action, r, e.actor, e.by));
    ended++;
  }
  if (roster && Object.keys(active).length > 0) await tx.put('relatives', { _id: rid, kind: 'roster', active: {} });
  return ended;
}
