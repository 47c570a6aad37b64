/**
 * The caller's own account and data: "export my data" (identity.exportData) and "delete my account
 * and data" (identity.deleteAccount), the rights of PIPL arts. 45 and 47.
 *
 * What is held about a caller, and what deletion does with each (docs/security.md, Retention):
 * - users/<userId> (the verified identity with the raw ID number, the current travel document,
 *   settings): deleted.
 * - identityBindings/<personId>: deleted, so the person may verify on another account at once.
 * - documents (the caller's bound travel documents, MRZ included): deleted.
 * - certificates of the person: each valid one is revoked first (reason HOLDER_DELETED, through
 *   server/revocation, so verifiers learn from the published list that it ended), then the
 *   certificate documents (name, date of birth, results) are deleted. The revocation entries stay:
 *   they carry hashes, the UVCI and the keyed personId, no name, and verifiers need them for as long
 *   as the codes could be shown. Issuance never signs a revoked id again, the document gone or not.
 * - relations in which the caller acts for relatives: ended (each relative's log says
 *   `identity.deleteAccount`), then deleted with their roster — they hold the relative's identity.
 * - relations in which the caller is the relative: ended the same way (the proxy can no longer act
 *   for them), then deleted: they hold the caller's identity.
 * - paper certificates still in storage: discarded (server/pdf/storage.ts discardOwnedBy).
 * Kept, and why:
 * - audit entries: the law requires them (who did what with whose data, and when); they carry the
 *   keyed personId, a masked ID number, never a name. The retention period is stated in
 *   docs/security.md.
 * - health records (`records`): the laboratory's and vaccination site's data, mirrored from the
 *   source, which keeps and corrects them under its own duty; a new verification issues from them.
 * - attempt counters and face-check sessions: they lapse within their window (at most 24 hours)
 *   and housekeeping prunes them; deleting them on request would reset the limits on failed face
 *   checks for whoever deletes and re-creates an account.
 * - operator holds on the person (identity fraud): an operator's decision, not the account's.
 *
 * Deletion runs in steps that can each be repeated: the first transaction takes the identity off
 * the account (no certificate can be issued for it after) and marks the account `deleting` with
 * the person it was; the following steps clean up by that mark; the last deletes the users document.
 * A request cut off half way is finished by the next call.
 *
 * Export returns everything held about the caller as JSON, their own data unmasked, but never
 * another person's beyond what the caller already sees: a relative appears with name, masked ID
 * number, relationship and dates, never their records or certificates. Bounded: at most
 * EXPORT_LIMITS per collection, with `truncated` naming any collection cut short.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock';
import { ServiceError } from '../errors';
import { userIdFor } from '../identity/person-id';
import { maskResidentId } from '../../core/resident-id';
import { readIdentity } from '../identity/verified';
import type { CertificateDoc } from '../issuance/service';
import { endRelationsOfProxy, relativeLogEntry } from '../relatives/release';
import { readRelation, rosterId } from '../relatives/relation';
import { revokeInTransaction } from '../revocation/service';
import type { Doc, Json, Store } from '../store/store';
import { fields, type Input } from '../validate';

export const EXPORT_LIMITS = Object.freeze({ documents: 50, certificates: 50, records: 500, relations: 100, audit: 500 });

/** Paper certificates kept for download (server/pdf/storage.ts): those the caller asked for go with the account. */
export interface OwnedFiles {
  discardOwnedBy(owner: string): Promise<number>;
}

export interface AccountServiceDeps {
  store: Store;
  clock: Clock;
  /** Where the printed certificates are kept; none where nothing is printed. */
  files?: OwnedFiles;
  newId?: () => string;
}

export interface DeleteReport {
  deleted: true;
  certificatesRevoked: number;
  certificatesDeleted: number;
  documentsDeleted: number;
  relationsEnded: number;
  filesDiscarded: number;
}

const bi = (zh: string, en: string) => `${zh} / ${en}`;
export const HOLDER_DELETED_REASON = bi('持证人删除了账号及数据', 'the holder deleted their account and data');
const PAGE = 100;

export class AccountService {
  private readonly newId: () => string;
  constructor(private readonly deps: AccountServiceDeps) {
    this.newId = deps.newId ?? randomUUID;
  }

  /** Deletes the caller's account and data (see the header); `confirm: true` is required. */
  async deleteAccount(callerOpenId: string, input: Input): Promise<DeleteReport> {
    const userId = callerId(callerOpenId);
    const f = fields(input ?? {});
    const confirm = f.bool('confirm');
    f.done();
    if (confirm !== true) {
      const text = bi('请确认删除账号及全部数据', 'confirm that the account and all its data are to be deleted');
      throw new ServiceError('VALIDATION_FAILED', { fields: { confirm: text }, messageCode: 'server.confirmDeletion' });
    }
    const { store } = this.deps;
    const now = this.deps.clock.now();

    // Step 1: the identity leaves the account, which remembers whom it was until the end.
    const personId = await store.transaction(async (tx) => {
      const user = await tx.get('users', userId);
      if (!user) return null;
      const identity = readIdentity(user);
      const marked =
        typeof user.deleting === 'object' && user.deleting && !Array.isArray(user.deleting) && typeof user.deleting.personId === 'string'
          ? user.deleting.personId
          : null;
      const pid = identity?.personId ?? marked;
      if (identity) {
        const binding = await tx.get('identityBindings', identity.personId);
        if (binding && binding.userId === userId) await tx.delete('identityBindings', identity.personId);
      }
      await tx.put('users', {
        _id: userId,
        deleting: {
          personId: pid,
          since:
            typeof user.deleting === 'object' && user.deleting && !Array.isArray(user.deleting) && typeof user.deleting.since === 'number'
              ? user.deleting.since
              : now,
        },
      });
      return pid;
    });

    const report: DeleteReport = { deleted: true, certificatesRevoked: 0, certificatesDeleted: 0, documentsDeleted: 0, relationsEnded: 0, filesDiscarded: 0 };

    if (personId) {
      // Relations in which the account acted for relatives: ended, logged to each relative.
      report.relationsEnded += await store.transaction((tx) =>
        endRelationsOfProxy(tx, { userId, proxyPersonId: personId, action: 'identity.deleteAccount', actor: userId, by: 'proxy', at: now, newId: this.newId }),
      );
      await store.delete('relatives', rosterId(userId, personId)).catch(ignoreMissing);
      // Relations in which the caller is the relative: ended, logged to the caller's own log (kept).
      for (const d of await store.find('relatives', { personId, status: 'active' }, { limit: 1000 })) {
        report.relationsEnded += await store.transaction(async (tx) => {
          const r = readRelation(await tx.get('relatives', d._id));
          if (!r || r.status !== 'active') return 0;
          await tx.update('relatives', r.id, { status: 'ended', endedAt: now, endedBy: 'relative', endedActor: userId });
          const rid = rosterId(r.proxyUserId, r.proxyPersonId);
          const roster = await tx.get('relatives', rid);
          const active =
            roster && roster.active && typeof roster.active === 'object' && !Array.isArray(roster.active)
              ? { ...(roster.active as Record<string, Json>) }
              : null;
          if (active && active[r.personId] === r.id) {
            delete active[r.personId];
            await tx.put('relatives', { _id: rid, kind: 'roster', active });
          }
          await tx.insert('audit', relativeLogEntry(this.newId(), now, 'identity.deleteAccount', r, userId, 'relative'));
          return 1;
        });
      }
      for (const d of await store.find('relatives', { personId }, { limit: 1000 })) await store.delete('relatives', d._id).catch(ignoreMissing);

      // Certificates: revoked first so verifiers learn they ended, then deleted.
      for (;;) {
        const page = await store.find('certificates', { personId }, { limit: PAGE });
        if (!page.length) break;
        for (const d of page) {
          const revoked = await store.transaction(async (tx) => {
            const doc = (await tx.get('certificates', d._id)) as CertificateDoc | null;
            if (!doc) return false;
            const wasValid = doc.status !== 'revoked';
            if (wasValid) await revokeInTransaction(tx, doc, { reason: HOLDER_DELETED_REASON, reasonCode: 'HOLDER_DELETED', actor: userId, now });
            await tx.delete('certificates', doc._id);
            return wasValid;
          });
          if (revoked) report.certificatesRevoked++;
          report.certificatesDeleted++;
        }
      }
    }
    for (const d of await store.find('relatives', { proxyUserId: userId }, { limit: 1000 })) await store.delete('relatives', d._id).catch(ignoreMissing);

    for (;;) {
      const page = await store.find('documents', { userId }, { limit: PAGE });
      if (!page.length) break;
      for (const d of page) await store.delete('documents', d._id).catch(ignoreMissing);
      report.documentsDeleted += page.length;
    }

    if (this.deps.files) report.filesDiscarded = await this.deps.files.discardOwnedBy(userId);

    await store.transaction(async (tx) => {
      if (await tx.get('users', userId)) await tx.delete('users', userId);
      await tx.insert('audit', {
        _id: this.newId(),
        at: now,
        action: 'identity.deleteAccount',
        actor: userId,
        outcome: 'success',
        ...(personId ? { personId } : {}),
        certificatesRevoked: report.certificatesRevoked,
        certificatesDeleted: report.certificatesDeleted,
        documentsDeleted: report.documentsDeleted,
        relationsEnded: report.relationsEnded,
        filesDiscarded: report.filesDiscarded,
      });
    });
    return report;
  }

  /** Everything held about the caller, as JSON (see the header). */
  async exportData(callerOpenId: string, input: Input): Promise<Record<string, Json>> {
    const userId = callerId(callerOpenId);
    fields(input ?? {}).done();
    const { store } = this.deps;
    const now = this.deps.clock.now();
    const truncated: string[] = [];
    const take = async (
      name: keyof typeof EXPORT_LIMITS,
      coll: 'documents' | 'certificates' | 'records' | 'relatives' | 'audit',
      filter: Record<string, string>,
      order?: string,
    ): Promise<Doc[]> => {
      const max = EXPORT_LIMITS[name];
      const docs = await store.find(coll, filter, { limit: max + 1, ...(order ? { orderBy: { field: order, direction: 'desc' as const } } : {}) });
      if (docs.length > max) truncated.push(name);
      return docs.slice(0, max);
    };

    const user = await store.get('users', userId);
    const identity = user ? readIdentity(user) : null;
    const personId = identity?.personId ?? null;
    const account: Record<string, Json> = user ? stripInternal({ ...user, identity: identity ? { ...identity } : null }) : {};

    const documents = (await take('documents', 'documents', { userId })).map((d) => stripInternal(d, ['userId', 'personId']));
    let certificates: Json[] = [];
    let records: Json[] = [];
    let actingFor: Json[] = [];
    let actedForBy: Json[] = [];
    let audit: Json[] = [];
    if (personId) {
      certificates = (await take('certificates', 'certificates', { personId }, 'issuedAt')).map((d) => {
        const c = d as CertificateDoc;
        return {
          id: c.uci,
          status: c.status,
          issuedAt: c.issuedAt,
          expiresAt: c.exp * 1000,
          ...(c.revokedAt ? { revokedAt: c.revokedAt, revokedReason: c.revokedReason ?? '' } : {}),
          certificate: c.certificate,
          codes: c.codes,
        };
      });
      records = (await take('records', 'records', { personId })).map((d) => stripInternal(d, ['personId']));
      const mine = (await take('relations', 'relatives', { proxyUserId: userId })).map(readRelation).filter((r): r is NonNullable<typeof r> => r !== null);
      // The relatives the caller acts for: as the relatives list shows them, nothing of their records.
      actingFor = mine.map((r) => ({
        id: r.id,
        name: r.relative.name,
        idNumberMasked: maskResidentId(r.relative.idNumber),
        relationship: r.relationship,
        since: r.since,
        status: r.status,
        consent: { version: r.consent.version, at: r.consent.at },
        document: r.document ? { type: r.document.type, number: r.document.number, expiry: r.document.expiry } : null,
      }));
      actedForBy = (await store.find('relatives', { personId }, { limit: EXPORT_LIMITS.relations }))
        .map(readRelation)
        .filter((r): r is NonNullable<typeof r> => r !== null)
        .map((r) => ({ id: r.id, proxyName: r.proxyName, relationship: r.relationship, since: r.since, status: r.status }));
      audit = (await take('audit', 'audit', { personId }, 'at')).map((d) => stripInternal(d, ['personId', 'actor', 'releasedFrom']));
    }

    await store.insert('audit', {
      _id: this.newId(),
      at: now,
      action: 'identity.exportData',
      actor: userId,
      outcome: 'success',
      ...(personId ? { personId } : {}),
    });
    return { exportedAt: now, account, documents, certificates, records, actingFor, actedForBy, audit, truncated };
  }
}

/** A stored document without the store's bookkeeping and the keyed ids that mean nothing to its owner. */
function stripInternal(d: Doc, drop: string[] = []): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(d)) if (v !== undefined && k !== '_id' && k !== 'openId' && !drop.includes(k)) out[k] = v;
  return out;
}

function ignoreMissing(e: unknown): void {
  if (!(e instanceof Error && e.name === 'StoreNotFound')) throw e;
}

function callerId(openId: string): string {
  if (typeof openId !== 'string' || openId.length === 0 || openId.length > 128) throw new ServiceError('UNAUTHENTICATED', { messageCode: 'server.signIn' });
  return userIdFor(openId);
}
