/**
 * Relatives (代为查询): a verified caller acts for a relative — typically an elderly parent — who
 * cannot use the mini program themselves. See relation.ts for what is stored.
 *
 * Who may do what:
 * - the proxy (a caller with a verified identity): add a relative (the relative present for the
 *   face check, through the same identity provider and attempt limits as the caller's own
 *   verification, and consenting), list them, bind the relative's travel document, act for them
 *   on their certificate (certificate.* with `for`, through actingFor), and remove them;
 * - the relative, once verified on their own WeChat account: see who acts for them, read every
 *   proxy action on their data, and end any proxy;
 * - an operator: end any proxy.
 * Nobody else learns anything about a relation: an id that is not the caller's own active relation
 * gets the same NOT_FOUND whether it exists or not (FORBIDDEN only for the caller's own relation
 * once it has ended).
 *
 * Every proxy action and every end of a relation (including the ends that come with the proxy's
 * identity being released: release.ts) is written to `audit` with the relative's personId and
 * `relativeLog: true`; that is the log the relative reads (auditLog), page by page, never cut.
 *
 * The relative's face check (beginFaceCheck → add) is a session good for one thing: this caller,
 * verified as the person it is now, adding this relative, once (server/identity/face-checks.ts).
 * It cannot verify anyone's own identity, and it is used up by the add that records the relation,
 * so adding the relative again after the relation ended needs the relative present again. Nothing is
 * written for a request that fails validation or authorisation; a failed face check writes what
 * identity verification writes (attempt counters and a failure audit entry).
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock';
import type { BoundDocument, DocumentService } from '../documents/service';
import type { DocumentRegistry } from '../documents/registry';
import { DOCUMENT_TYPES } from '../documents/types';
import { ServiceError } from '../errors';
import { userIdFor, type PersonIds } from '../identity/person-id';
import type { ResidentId } from '../../core/resident-id';
import { maskResidentId } from '../../core/resident-id';
import type { IdentityService } from '../identity/service';
import { readIdentity, type VerifiedIdentity } from '../identity/verified';
import { issuanceSubject, type IssuanceSubject } from '../issuance/build';
import type { Doc, Store, TxOps } from '../store/store';
import { fields, type Input } from '../validate';
import { RELATIVE_CONSENT } from './consent';
import { relativeLogEntry } from './release';
import { RELATIONSHIPS, RELATION_ID, readRelation, readRoster, relationDoc, rosterId, type EndedBy, type Relation, type Relationship } from './relation';

export const DEFAULT_RELATIVE_LIMITS = Object.freeze({
  /** Relatives one proxy may act for at once. */
  maxPerProxy: 10,
  /** Entries per page of the relative's log (relatives.auditLog): the default and the most one page holds. */
  auditLogDefault: 50,
  auditLogMax: 200,
});

export interface RelativesServiceDeps {
  store: Store;
  clock: Clock;
  identity: IdentityService;
  registry: DocumentRegistry;
  personIds: PersonIds;
  maxPerProxy?: number;
  /** Audit entry ids; random UUIDs unless given. */
  newId?: () => string;
  /** Relation ids ('r' + 32 hex digits); random unless given. */
  newRelationId?: () => string;
}

/** A relative as their proxy sees them (relatives.list, relatives.add). */
export interface RelativeView {
  id: string;
  name: string;
  idNumberMasked: string;
  relationship: Relationship;
  since: number;
  document: BoundDocument | null;
}

/** Who acts for the caller (relatives.proxies). */
export interface ProxyView {
  id: string;
  proxyName: string;
  relationship: Relationship;
  since: number;
}

/** One line of the relative's log (relatives.auditLog). */
export interface ProxyAuditLine {
  at: number;
  /** What was done: "certificate.get", "relatives.bindDocument", "relatives.remove", ... */
  action: string;
  proxyName: string;
  relationship: Relationship;
  /** The relation (relatives.proxies id), so the relative can end that proxy. */
  proxyId: string;
  /** Who did it: the proxy, the relative ending it, or an operator ending it. */
  by: EndedBy;
}

const bi = (zh: string, en: string) => `${zh} / ${en}`;

const notFound = () => new ServiceError('NOT_FOUND', { messageCode: 'server.relativeNotFound' });
const ended = () =>
  new ServiceError('FORBIDDEN', {
    messageCode: 'server.relativeEnded',
  });

export class RelativesService {
  private readonly maxPerProxy: number;
  private readonly newId: () => string;
  private readonly newRelationId: () => string;

  constructor(private readonly deps: RelativesServiceDeps) {
    this.maxPerProxy = deps.maxPerProxy ?? DEFAULT_RELATIVE_LIMITS.maxPerProxy;
    if (!Number.isInteger(this.maxPerProxy) || this.maxPerProxy < 1) throw new TypeError('maxPerProxy must be a whole number ≥ 1');
    this.newId = deps.newId ?? randomUUID;
    this.newRelationId = deps.newRelationId ?? (() => 'r' + randomUUID().replace(/-/g, ''));
  }

  /** Opens a face check for the relative, who is present; refused early when adding them would be. */
  async beginFaceCheck(callerOpenId: string, input: Input) {
    const { name, id } = this.deps.identity.readPerson(input, false);
    const proxy = await this.requireIdentity(callerOpenId);
    await this.precheck(proxy, this.deps.personIds.personId(id.idNumber));
    // Good only for adding this relative, by this caller, as the person the caller is now.
    return this.deps.identity.openFaceCheck(callerOpenId, { name, id }, { action: 'relatives.add', proxyPersonId: proxy.identity.personId });
  }

  /** Confirms the relative's face check and records the relation with the relative's consent. */
  async add(callerOpenId: string, input: Input): Promise<RelativeView & { consent: { version: string; at: number } }> {
    const { person, faceToken, relationship } = this.readAdd(input);
    const proxy = await this.requireIdentity(callerOpenId);
    const personId = this.deps.personIds.personId(person.id.idNumber);
    await this.precheck(proxy, personId);

    // The relative's face check, opened for adding them to this caller as the person the caller is
    // now; used up by the transaction that records the relation, and by nothing else.
    const purpose = { action: 'relatives.add', proxyPersonId: proxy.identity.personId } as const;
    const relation = await this.deps.identity.withFaceCheck(callerOpenId, person, faceToken, purpose, async (tx, relative) => {
      const now = relative.verifiedAt;
      const made: Relation = {
        id: this.newRelationId(),
        proxyUserId: proxy.userId,
        proxyPersonId: proxy.identity.personId,
        proxyName: proxy.identity.name,
        personId: relative.personId,
        relative,
        relationship,
        consent: { version: RELATIVE_CONSENT.version, at: now, recordedBy: proxy.userId, faceCheck: { provider: relative.provider, at: relative.verifiedAt } },
        since: now,
        document: null,
        status: 'active',
      };
      if (!RELATION_ID.test(made.id)) throw new TypeError('newRelationId must give r + 32 hex digits');
      // The caller's identity may have changed since it was read: add only for the person checked.
      const user = await tx.get('users', proxy.userId);
      const current = user ? readIdentity(user) : null;
      if (!current || current.personId !== proxy.identity.personId)
        throw new ServiceError('CONFLICT', {
          messageCode: 'server.identityChanged',
        });
      const rid = rosterId(proxy.userId, proxy.identity.personId);
      const active = readRoster(await tx.get('relatives', rid));
      this.checkRoster(active, personId);
      await tx.insert('relatives', relationDoc(made));
      await tx.put('relatives', { _id: rid, kind: 'roster', active: { ...active, [personId]: made.id } });
      await tx.insert('audit', {
        ...relativeLogEntry(this.newId(), now, 'relatives.add', made, proxy.userId, 'proxy'),
        consentVersion: RELATIVE_CONSENT.version,
      });
      return made;
    });
    return { ...this.view(relation), consent: { version: RELATIVE_CONSENT.version, at: relation.since } };
  }

  /** The relatives the caller acts for. */
  async list(callerOpenId: string): Promise<RelativeView[]> {
    const proxy = await this.requireIdentity(callerOpenId);
    const docs = await this.deps.store.find(
      'relatives',
      { proxyUserId: proxy.userId, status: 'active' },
      { orderBy: { field: 'since', direction: 'asc' }, limit: 100 },
    );
    return docs
      .map(readRelation)
      .filter((r): r is Relation => r !== null && r.proxyPersonId === proxy.identity.personId)
      .map((r) => this.view(r));
  }

  /**
   * Binds the relative's travel document, with every check `document.bind` makes for the caller's
   * own: `documents`' (MRZ, pinyin name matching). They are given here, not held, so that what only
   * acts through relations (the certificate and admin functions) does not carry them.
   */
  async bindDocument(callerOpenId: string, input: Input, documents: Pick<DocumentService, 'verifyFor'>): Promise<BoundDocument> {
    const { relation, proxy } = await this.ownRelation(callerOpenId, input?.for);
    const checked = await documents.verifyFor(relation.relative, input);
    const now = this.deps.clock.now();
    const document = { ...checked, boundAt: now };
    await this.deps.store.transaction(async (tx) => {
      const fresh = readRelation(await tx.get('relatives', relation.id));
      if (!fresh || fresh.status !== 'active' || fresh.proxyUserId !== proxy.userId) throw ended();
      await tx.update('relatives', relation.id, { document: document });
      await tx.insert('audit', {
        ...this.logEntry(now, 'relatives.bindDocument', fresh, proxy.userId, 'proxy'),
        documentType: document.type,
        documentNumber: document.number,
      });
    });
    return boundView({ ...relation, document })!;
  }

  /** The proxy stops acting for the relative. */
  async remove(callerOpenId: string, input: Input): Promise<{ removed: true }> {
    const { relation, proxy } = await this.ownRelation(callerOpenId, input?.for);
    await this.end(relation, 'proxy', proxy.userId);
    return { removed: true };
  }

  /** Who acts for the caller (the caller as somebody's relative). */
  async proxies(callerOpenId: string): Promise<ProxyView[]> {
    const me = await this.requireIdentity(callerOpenId);
    const docs = await this.deps.store.find(
      'relatives',
      { personId: me.identity.personId, status: 'active' },
      { orderBy: { field: 'since', direction: 'asc' }, limit: 1000 },
    );
    return docs
      .map(readRelation)
      .filter((r): r is Relation => r !== null)
      .map((r) => ({ id: r.id, proxyName: r.proxyName, relationship: r.relationship, since: r.since }));
  }

  /** The relative ends a proxy. */
  async endProxy(callerOpenId: string, input: Input): Promise<{ ended: true }> {
    const me = await this.requireIdentity(callerOpenId);
    const id = readId(input);
    const relation = id ? readRelation(await this.deps.store.get('relatives', id)) : null;
    if (!relation || relation.personId !== me.identity.personId || relation.status !== 'active') throw notFound();
    await this.end(relation, 'relative', me.userId);
    return { ended: true };
  }

  /** An operator ends a proxy (admin.endProxy). Operator rights are checked by the caller (the function table). */
  async endByOperator(operatorOpenId: string, input: Input): Promise<{ ended: true }> {
    const actor = callerId(operatorOpenId);
    const id = readId(input);
    const relation = id ? readRelation(await this.deps.store.get('relatives', id)) : null;
    if (!relation || relation.status !== 'active') throw notFound();
    await this.end(relation, 'operator', actor);
    return { ended: true };
  }

  /**
   * Every proxy action on the caller's data, and every end of a relation (by the proxy, the
   * relative or an operator), newest first, a page at a time: `next` is the cursor of the page
   * after this one, null on the last. Entries are only ever added, each with the time it was
   * written, so a page once read stays as it was and new entries come before the first page;
   * paging on (at, _id) visits every entry exactly once, whatever the number of entries with
   * the same time.
   */
  async auditLog(callerOpenId: string, input: Input): Promise<{ entries: ProxyAuditLine[]; next: string | null }> {
    const me = await this.requireIdentity(callerOpenId);
    const f = fields(input ?? {});
    const limit = f.int('limit', 1, DEFAULT_RELATIVE_LIMITS.auditLogMax, true) ?? DEFAULT_RELATIVE_LIMITS.auditLogDefault;
    const rawCursor = f.str('cursor', { max: MAX_CURSOR_LENGTH }, true);
    f.done();
    const after = rawCursor === undefined ? null : readCursor(rawCursor);
    const mine = { personId: me.identity.personId, relativeLog: true };
    // One more than the page, to know whether another page follows.
    let docs: Doc[];
    if (!after) {
      docs = await this.deps.store.find('audit', mine, { orderBy: { field: 'at', direction: 'desc' }, limit: limit + 1 });
    } else {
      // Both adapters order ties by _id ascending: the rest of the cursor's own time first, then earlier times.
      docs = await this.deps.store.find(
        'audit',
        { ...mine, at: after.at, _id: { $gt: after.id } },
        { orderBy: { field: '_id', direction: 'asc' }, limit: limit + 1 },
      );
      if (docs.length <= limit)
        docs = docs.concat(
          await this.deps.store.find(
            'audit',
            { ...mine, at: { $lt: after.at } },
            { orderBy: { field: 'at', direction: 'desc' }, limit: limit + 1 - docs.length },
          ),
        );
    }
    const page = docs.slice(0, limit);
    const last = page[page.length - 1];
    const next = docs.length > limit && last && typeof last.at === 'number' ? writeCursor(last.at, last._id) : null;
    const entries: ProxyAuditLine[] = [];
    for (const d of page) {
      const by = d.by === 'proxy' || d.by === 'relative' || d.by === 'operator' ? d.by : null;
      const relationship = (RELATIONSHIPS as readonly unknown[]).includes(d.relationship) ? (d.relationship as Relationship) : null;
      if (
        typeof d.at !== 'number' ||
        typeof d.action !== 'string' ||
        typeof d.proxyName !== 'string' ||
        typeof d.relationId !== 'string' ||
        !by ||
        !relationship
      )
        continue;
      entries.push({ at: d.at, action: d.action, proxyName: d.proxyName, relationship, proxyId: d.relationId, by });
    }
    return { entries, next };
  }

  /**
   * The relative's subject for an action on their certificate (server/functions/subject.ts), when
   * `relationId` is the caller's own active relation; the action goes into the relative's log.
   */
  async actingFor(callerOpenId: string, relationId: string, action = 'unknown'): Promise<{ subject: IssuanceSubject; relationId: string }> {
    const { relation, proxy } = await this.ownRelation(callerOpenId, relationId);
    const doc = relation.document;
    if (!doc)
      throw new ServiceError('IDENTITY_REQUIRED', {
        messageCode: 'server.relativeDocumentRequired',
      });
    const entry = await this.deps.registry.lookup(doc.number);
    if (!entry) throw new ServiceError('DOCUMENT_MISMATCH', { messageCode: 'server.relativeDocumentStale' });
    const subject = issuanceSubject(relation.relative, doc, entry);
    // Logged before the action runs: the proxy reached the relative's data whatever follows.
    await this.deps.store.insert('audit', this.logEntry(this.deps.clock.now(), action.slice(0, 64), relation, proxy.userId, 'proxy'));
    return { subject, relationId: relation.id };
  }

  // --- internals ---------------------------------------------------------------------------

  private readAdd(input: Input): { person: { name: string; id: ResidentId }; faceToken: string; relationship: Relationship } {
    if (!input || typeof input !== 'object') throw new ServiceError('BAD_REQUEST', { messageCode: 'server.badRequest' });
    const f = fields(input);
    const relationship = f.oneOf('relationship', RELATIONSHIPS);
    const consent = input.consent;
    if (consent !== undefined && consent !== null && typeof consent !== 'boolean') f.bool('consent');
    let own: ServiceError | undefined;
    try {
      f.done();
    } catch (e) {
      own = e as ServiceError;
    }
    let person: { name: string; id: ResidentId; faceToken?: string };
    try {
      person = this.deps.identity.readPerson(input, true);
    } catch (e) {
      // One answer naming every bad field of the form, ours and identity's.
      if (own && e instanceof ServiceError && e.fields) {
        const all = { ...own.fields, ...e.fields };
        throw new ServiceError('VALIDATION_FAILED', {
          fields: all,
          messageCode: 'server.checkMarkedFields',
        });
      }
      throw e;
    }
    if (own) throw own;
    if (consent !== true) {
      const text = bi('需要家人本人同意授权代为查询', "the relative's own consent is required");
      throw new ServiceError('CONSENT_REQUIRED', { fields: { consent: text }, messageCode: 'server.consentRequired' });
    }
    return { person: { name: person.name, id: person.id }, faceToken: person.faceToken!, relationship: relationship! };
  }

  private async requireIdentity(openId: string): Promise<{ userId: string; identity: VerifiedIdentity }> {
    const userId = callerId(openId);
    const identity = await this.deps.identity.identityOf(openId);
    if (!identity) throw new ServiceError('IDENTITY_REQUIRED', { messageCode: 'server.identityRequired' });
    return { userId, identity };
  }

  /** The caller's own active relation `rawId`, or the one answer that reveals nothing of others'. */
  private async ownRelation(openId: string, rawId: unknown): Promise<{ relation: Relation; proxy: { userId: string; identity: VerifiedIdentity } }> {
    const proxy = await this.requireIdentity(openId);
    if (rawId === undefined || rawId === null || rawId === '')
      throw new ServiceError('VALIDATION_FAILED', {
        fields: { for: '必填 / required' },
        messageCode: 'server.chooseRelative',
      });
    if (typeof rawId !== 'string' || !RELATION_ID.test(rawId)) throw notFound();
    const relation = readRelation(await this.deps.store.get('relatives', rawId));
    if (!relation || relation.proxyUserId !== proxy.userId) throw notFound();
    // The caller's own relation, but ended, or made while the account was verified as someone else.
    if (relation.status !== 'active' || relation.proxyPersonId !== proxy.identity.personId) throw ended();
    return { relation, proxy };
  }

  /** The checks add repeats in its transaction, made first so nobody does a face check in vain. */
  private async precheck(proxy: { userId: string; identity: VerifiedIdentity }, personId: string): Promise<void> {
    if (personId === proxy.identity.personId) {
      const text = bi('不能添加本人为家人', 'you cannot add yourself as a relative');
      throw new ServiceError('VALIDATION_FAILED', { fields: { idNumber: text }, messageCode: 'server.relativeIsSelf' });
    }
    this.checkRoster(readRoster(await this.deps.store.get('relatives', rosterId(proxy.userId, proxy.identity.personId))), personId);
  }

  private checkRoster(active: Record<string, string>, personId: string): void {
    if (active[personId])
      throw new ServiceError('CONFLICT', {
        fields: { idNumber: bi('已添加过这位家人', 'already added') },
        messageCode: 'server.relativeAlreadyAdded',
      });
    if (Object.keys(active).length >= this.maxPerProxy) {
      throw new ServiceError('LIMIT_REACHED', {
        messageCode: 'server.relativesLimit',
        params: { n: this.maxPerProxy },
      });
    }
  }

  private async end(relation: Relation, by: EndedBy, actor: string): Promise<void> {
    const now = this.deps.clock.now();
    const action = by === 'proxy' ? 'relatives.remove' : by === 'relative' ? 'relatives.endProxy' : 'admin.endProxy';
    await this.deps.store.transaction(async (tx: TxOps) => {
      const fresh = readRelation(await tx.get('relatives', relation.id));
      if (!fresh || fresh.status !== 'active') throw notFound();
      await tx.update('relatives', fresh.id, { status: 'ended', endedAt: now, endedBy: by, endedActor: actor });
      const rid = rosterId(fresh.proxyUserId, fresh.proxyPersonId);
      const active = readRoster(await tx.get('relatives', rid));
      if (active[fresh.personId] === fresh.id) {
        delete active[fresh.personId];
        await tx.put('relatives', { _id: rid, kind: 'roster', active });
      }
      await tx.insert('audit', this.logEntry(now, action, fresh, actor, by));
    });
  }

  /** An audit entry the relative reads in their log. */
  private logEntry(at: number, action: string, r: Relation, actor: string, by: EndedBy): Doc {
    return relativeLogEntry(this.newId(), at, action, r, actor, by);
  }

  private view(r: Relation): RelativeView {
    return {
      id: r.id,
      name: r.relative.name,
      idNumberMasked: maskResidentId(r.relative.idNumber),
      relationship: r.relationship,
      since: r.since,
      document: boundView(r),
    };
  }
}

function boundView(r: Pick<Relation, 'relative' | 'document'>): BoundDocument | null {
  const d = r.document;
  if (!d) return null;
  const info = DOCUMENT_TYPES[d.type];
  return {
    type: d.type,
    typeName: { zh: info.zh, en: info.en },
    number: d.number,
    expiry: d.expiry,
    boundAt: d.boundAt,
    holder: { name: r.relative.name, idNumberMasked: maskResidentId(r.relative.idNumber) },
  };
}

/**
 * The audit log's cursor: the position (at, _id) of the last entry of a page, base64url-encoded.
 * Opaque to the caller, bounded and checked on the way back in; it only ever positions the
 * caller's own log, so a cursor made up or taken from someone else shows nothing but that log.
 */
const MAX_CURSOR_LENGTH = 256;
const CURSOR = /^([0-9]{1,16}):([A-Za-z0-9_\-.:@+=]{1,128})$/;

function writeCursor(at: number, id: string): string {
  return Buffer.from(`${at}:${id}`, 'utf8').toString('base64url');
}

function readCursor(raw: string): { at: number; id: string } {
  const m = /^[A-Za-z0-9_-]+$/.test(raw) ? CURSOR.exec(Buffer.from(raw, 'base64url').toString('utf8')) : null;
  const at = m ? Number(m[1]) : NaN;
  if (!m || !Number.isSafeInteger(at)) {
    const text = bi('翻页参数无效，请从第一页重新查看', 'the cursor is not valid; start again from the first page');
    throw new ServiceError('VALIDATION_FAILED', { fields: { cursor: text }, messageCode: 'server.cursorInvalid' });
  }
  return { at, id: m[2] };
}

function readId(input: Input): string | null {
  const f = fields(input ?? {});
  const id = f.str('id', { max: 64 });
  f.done();
  return id && RELATION_ID.test(id) ? id : null;
}

function callerId(openId: string): string {
  if (typeof openId !== 'string' || openId.length === 0 || openId.length > 128) throw new ServiceError('UNAUTHENTICATED', { messageCode: 'server.signIn' });
  return userIdFor(openId);
}
