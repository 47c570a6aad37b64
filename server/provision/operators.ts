/**
 * Operators: who may call the operator-only actions (admin.*, partners.upsert/remove).
 *
 * An operator is a credential, of one of two kinds:
 * - a WeChat account (its OPENID), for calls from the mini program (wx.cloud.callFunction);
 * - an operator key (a P-256 key pair made by `ithc provision keygen`; only its public key is
 *   here), for `ithc provision` over HTTP (server/provision/operator-auth.ts). The private key never
 *   leaves the operator's machine.
 *
 * Where they live, and why. Operators are kept in the store (`operators` collection, one document
 * per credential: `wx:<openid>` or `key:<keyId>`), added and removed by operators through
 * admin.addOperator / admin.removeOperator, each change audited with who made it and why, and in
 * force at once in every function. Environment variables would need a redeploy of every function
 * for each change and leave no trail. But an empty deployment has nobody to add the first one, so
 * the environment bootstraps: ITHC_OPERATORS (OPENIDs) and ITHC_OPERATOR_KEYS (public keys) are
 * operators too, always, and cannot be removed through the store (remove them from the environment
 * and redeploy). Removed operators are kept, marked inactive, so the audit trail keeps its names.
 */
import { createPublicKey, randomUUID, type KeyObject } from 'node:crypto';
import { fromBase64, toBase64 } from '../../core/bytes';
import type { Clock } from '../clock';
import { ServiceError } from '../errors';
import { userIdFor } from '../identity/person-id';
import { isCleanText } from '../records/validate';
import type { Doc, Store } from '../store/store';
import { isMissingCollection } from './database';
import { operatorKeyId } from './operator-signing';

export const OPENID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const KEY_ID_PATTERN = /^[0-9a-f]{32}$/;
const NAME_MAX = 64;
const REASON_MAX = 200;
/** Operators listed at most (far more than a signing service has). */
const LIST_MAX = 1000;

export class OperatorConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OperatorConfigError';
  }
}

export { operatorKeyId };

/** The caller an operator key acts as (audit entries name userIdFor of it). */
export function keyCaller(keyId: string): string {
  return `opkey-${keyId}`;
}

export interface OperatorKey {
  keyId: string;
  spki: Uint8Array;
  key: KeyObject;
}

/** A P-256 public key from its base64 (or base64url) SPKI DER; throws OperatorConfigError otherwise. */
export function parseOperatorKey(text: string, what = 'the public key'): OperatorKey {
  let spki: Uint8Array;
  try {
    spki = fromBase64(text.trim().replace(/-/g, '+').replace(/_/g, '/'));
  } catch {
    throw new OperatorConfigError(`${what} is not base64`);
  }
  let key: KeyObject;
  try {
    if (spki.length > 200) throw new Error('too long');
    key = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
  } catch {
    throw new OperatorConfigError(`${what} is not a public key (SPKI DER, base64), as ithc provision keygen prints it`);
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1')
    throw new OperatorConfigError(`${what} must be a P-256 (ES256) key`);
  return { keyId: operatorKeyId(spki), spki, key };
}

export interface OperatorBootstrap {
  openids: ReadonlySet<string>;
  keys: ReadonlyMap<string, OperatorKey>;
}

function list(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** ITHC_OPERATORS and ITHC_OPERATOR_KEYS, checked; throws OperatorConfigError naming the variable. */
export function parseOperatorBootstrap(env: NodeJS.ProcessEnv): OperatorBootstrap {
  const openids = new Set<string>();
  for (const id of list(env.ITHC_OPERATORS)) {
    if (!OPENID_PATTERN.test(id))
      throw new OperatorConfigError(`ITHC_OPERATORS holds ${JSON.stringify(id.slice(0, 20))}, which is not an OPENID (1–64 characters of A–Z a–z 0–9 _ -)`);
    openids.add(id);
  }
  const keys = new Map<string, OperatorKey>();
  list(env.ITHC_OPERATOR_KEYS).forEach((k, i) => {
    const key = parseOperatorKey(k, `ITHC_OPERATOR_KEYS entry ${i + 1}`);
    keys.set(key.keyId, key);
  });
  return { openids, keys };
}

export interface OperatorDoc extends Doc {
  kind: 'wechat' | 'key';
  name: string;
  active: boolean;
  openid?: string;
  /** base64 SPKI DER (a key operator). */
  publicKey?: string;
  keyId?: string;
  addedAt: number;
  addedBy: string;
  removedAt?: number;
  removedBy?: string;
  removedReason?: string;
}

export interface OperatorView {
  /** `wx:<openid>` or `key:<keyId>`: what admin.removeOperator takes. */
  id: string;
  kind: 'wechat' | 'key';
  name: string;
  active: boolean;
  /** From ITHC_OPERATORS / ITHC_OPERATOR_KEYS: removed only by changing the environment. */
  bootstrap: boolean;
  /** The actor id this operator's audit entries carry. */
  auditId: string;
  openid?: string;
  keyId?: string;
  addedAt?: string;
  addedBy?: string;
  removedAt?: string;
  removedBy?: string;
  removedReason?: string;
}

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

function view(d: OperatorDoc, bootstrap = false): OperatorView {
  const caller = d.kind === 'wechat' ? d.openid! : keyCaller(d.keyId!);
  return {
    id: d._id,
    kind: d.kind,
    name: d.name,
    active: d.active,
    bootstrap,
    auditId: userIdFor(caller),
    ...(d.openid ? { openid: d.openid } : {}),
    ...(d.keyId ? { keyId: d.keyId } : {}),
    ...(d.addedAt ? { addedAt: iso(d.addedAt), addedBy: d.addedBy } : {}),
    ...(d.removedAt ? { removedAt: iso(d.removedAt), removedBy: d.removedBy, removedReason: d.removedReason } : {}),
  };
}

function bad(field: string, zh: string, en: string): ServiceError {
  return new ServiceError('VALIDATION_FAILED', { fields: { [field]: `${zh} / ${en}` }, messageCode: 'server.checkMarkedFields' });
}

function text(v: unknown, field: string, max: number, zh: string): string {
  if (typeof v !== 'string' || v.trim().length === 0 || [...v].length > max || !isCleanText(v))
    throw bad(field, `请填写${zh}（最多 ${max} 个字符）`, `${field} must be 1–${max} characters of text`);
  return v.trim();
}

export class OperatorDirectory {
  constructor(private readonly deps: { store: Store; clock: Clock; bootstrap: OperatorBootstrap }) {}

  /** Is this WeChat account an operator now? */
  async isOperator(openid: string): Promise<boolean> {
    if (typeof openid !== 'string' || !OPENID_PATTERN.test(openid)) return false;
    if (this.deps.bootstrap.openids.has(openid)) return true;
    const d = await this.stored(`wx:${openid}`);
    return d?.active === true && d.kind === 'wechat';
  }

  /** The public key of an active operator key, or null. */
  async keyFor(keyId: string): Promise<KeyObject | null> {
    if (typeof keyId !== 'string' || !KEY_ID_PATTERN.test(keyId)) return null;
    const boot = this.deps.bootstrap.keys.get(keyId);
    if (boot) return boot.key;
    const d = await this.stored(`key:${keyId}`);
    if (d?.active !== true || d.kind !== 'key' || typeof d.publicKey !== 'string') return null;
    return parseOperatorKey(d.publicKey, `the stored key of operator ${d._id}`).key;
  }

  /** Every operator: the environment's first, then the store's (active and removed). */
  async list(): Promise<OperatorView[]> {
    const boot: OperatorView[] = [
      ...[...this.deps.bootstrap.openids].map((openid) =>
        view({ _id: `wx:${openid}`, kind: 'wechat', openid, name: 'ITHC_OPERATORS', active: true, addedAt: 0, addedBy: '' }, true),
      ),
      ...[...this.deps.bootstrap.keys.values()].map((k) =>
        view({ _id: `key:${k.keyId}`, kind: 'key', keyId: k.keyId, name: 'ITHC_OPERATOR_KEYS', active: true, addedAt: 0, addedBy: '' }, true),
      ),
    ];
    const stored = (await this.deps.store.find('operators', {}, { orderBy: { field: 'addedAt', direction: 'asc' }, limit: LIST_MAX })) as OperatorDoc[];
    return [...boot, ...stored.filter((d) => !boot.some((b) => b.id === d._id)).map((d) => view(d))];
  }

  /**
   * Adds an operator: `{name, openid}` (a WeChat account) or `{name, publicKey}` (an operator key).
   * Adding one that is active already changes nothing; one removed earlier is added again.
   */
  async add(actor: string, input: { name?: unknown; openid?: unknown; publicKey?: unknown }): Promise<{ added: boolean; operator: OperatorView }> {
    const name = text(input.name, 'name', NAME_MAX, '运营人员姓名或岗位');
    if ((input.openid === undefined) === (input.publicKey === undefined))
      throw bad('openid', '请提供 openid 或 publicKey 其中之一', 'give exactly one of openid (a WeChat account) and publicKey (an ithc provision key)');
    let doc: OperatorDoc;
    const now = this.deps.clock.now();
    if (input.openid !== undefined) {
      if (typeof input.openid !== 'string' || !OPENID_PATTERN.test(input.openid))
        throw bad('openid', 'openid 格式不正确', 'openid must be 1–64 characters of A–Z a–z 0–9 _ -');
      doc = { _id: `wx:${input.openid}`, kind: 'wechat', openid: input.openid, name, active: true, addedAt: now, addedBy: actor };
    } else {
      if (typeof input.publicKey !== 'string' || input.publicKey.length > 400)
        throw bad('publicKey', '公钥格式不正确', 'publicKey must be the base64 public key ithc provision keygen prints');
      let key: OperatorKey;
      try {
        key = parseOperatorKey(input.publicKey);
      } catch (e) {
        throw bad('publicKey', '公钥格式不正确', e instanceof Error ? e.message : 'not a public key');
      }
      doc = { _id: `key:${key.keyId}`, kind: 'key', keyId: key.keyId, publicKey: toBase64(key.spki), name, active: true, addedAt: now, addedBy: actor };
    }
    if (this.isBootstrap(doc._id))
      throw new ServiceError('CONFLICT', {
        messageCode: 'server.operatorAlreadyFromEnvironment',
        params: { variable: doc.kind === 'wechat' ? 'ITHC_OPERATORS' : 'ITHC_OPERATOR_KEYS' },
      });
    return this.deps.store.transaction(async (tx) => {
      const existing = (await tx.get('operators', doc._id)) as OperatorDoc | null;
      if (existing?.active) return { added: false, operator: view(existing) };
      await tx.put('operators', doc);
      await tx.insert('audit', { _id: randomUUID(), at: now, action: 'operator.add', actor, outcome: 'success', operatorId: doc._id, operatorName: name });
      return { added: true, operator: view(doc) };
    });
  }

  /**
   * Removes an operator (kept, marked inactive, with who removed it and why). Refused for the
   * environment's operators and for the last active operator: a deployment always keeps one.
   */
  async remove(actor: string, input: { id?: unknown; reason?: unknown }): Promise<{ removed: true; operator: OperatorView }> {
    if (typeof input.id !== 'string' || !/^(wx:[A-Za-z0-9_-]{1,64}|key:[0-9a-f]{32})$/.test(input.id))
      throw bad('id', '运营人员编号格式不正确', 'id must be an operator id as admin.operators lists it (wx:<openid> or key:<keyId>)');
    const id = input.id;
    const reason = text(input.reason, 'reason', REASON_MAX, '原因');
    if (this.isBootstrap(id))
      throw new ServiceError('CONFLICT', {
        messageCode: 'server.operatorSetByEnvironment',
        params: { variable: id.startsWith('wx:') ? 'ITHC_OPERATORS' : 'ITHC_OPERATOR_KEYS' },
      });
    const now = this.deps.clock.now();
    // Counted outside the transaction (CloudBase transactions cannot query): two removals at the
    // same moment could both pass. The environment's operators are the way back in then.
    const bootstrapCount = this.deps.bootstrap.openids.size + this.deps.bootstrap.keys.size;
    if (bootstrapCount === 0 && (await this.deps.store.count('operators', { active: true })) <= 1) {
      throw new ServiceError('CONFLICT', {
        messageCode: 'server.lastOperator',
      });
    }
    return this.deps.store.transaction(async (tx) => {
      const d = (await tx.get('operators', id)) as OperatorDoc | null;
      if (!d || !d.active) throw new ServiceError('NOT_FOUND', { messageCode: 'server.operatorNotFound', params: { id } });
      await tx.update('operators', id, { active: false, removedAt: now, removedBy: actor, removedReason: reason });
      await tx.insert('audit', { _id: randomUUID(), at: now, action: 'operator.remove', actor, outcome: 'success', operatorId: id, reason });
      return { removed: true as const, operator: view({ ...d, active: false, removedAt: now, removedBy: actor, removedReason: reason }) };
    });
  }

  /** How many operators can act now (environment and store). */
  async activeCount(): Promise<number> {
    return this.deps.bootstrap.openids.size + this.deps.bootstrap.keys.size + (await this.deps.store.count('operators', { active: true }));
  }

  /** An operator added to the store; none before admin.init made the collection. */
  private async stored(id: string): Promise<OperatorDoc | null> {
    try {
      return (await this.deps.store.get('operators', id)) as OperatorDoc | null;
    } catch (e) {
      if (isMissingCollection(e)) return null;
      throw e;
    }
  }

  private isBootstrap(id: string): boolean {
    if (id.startsWith('wx:')) return this.deps.bootstrap.openids.has(id.slice(3));
    return this.deps.bootstrap.keys.has(id.slice(4));
  }
}
