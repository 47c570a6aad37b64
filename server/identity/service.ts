/**
 * Real-name authentication for a caller: validate the resident ID number, run the identity
 * provider's face check, and bind the verified person to the caller's `users` document.
 *
 * Storage decisions:
 * - users/_id is userIdFor(openid) (person-id.ts): a hash, so ids, logs and audit lines never carry
 *   the WeChat identifier; the document itself keeps `openId` for the caller's own use.
 * - The raw ID number is stored once, in the caller's users document (issuance and record
 *   collection need it). Every response shows it masked (110101********1234). Attempt counters,
 *   face-check sessions and audit entries use the keyed personId instead.
 *
 * Face checks (face-checks.ts): a token is a session this service opened for one caller, one
 * purpose (the caller's own identity, or one relative's consent to one proxy), one person (name
 * and ID number) and one hour at most. It is refused — FACE_TOKEN_INVALID, nothing written, the
 * provider not asked — for any other caller, purpose or person, once expired, and once used: the
 * session is marked used in the same transaction as the writes of the action it was opened for.
 * This holds for every provider; the provider only answers whether the face check passed for the
 * person (local.ts, wechat-facial.ts).
 *
 * One person, one account at a time: `identityBindings/<personId>` names the account verified as
 * the person, and is written in the transaction that verifies, so of two accounts verifying as the
 * same person at the same moment only one succeeds. Another account verifying as a person who is
 * bound already is refused with IDENTITY_IN_USE, and the message says the way out: release the
 * identity on the account that holds it (identity.unbind), or, when that account is lost, ask the
 * operator, who checks the person's identity and releases it (admin.releaseIdentity, audited).
 * Nothing moves on its own: a face check answers "is this the person", not "is this their phone",
 * and a silent move would let whoever passes a face check once take a person's account from them.
 * The refusal comes only after the face check passed, so it tells nothing to anyone but the person.
 * Releasing an identity (either way, or verifying the account as somebody else) unbinds its travel
 * document and ends the relations in which the account acted for relatives as that person; each
 * relative's log shows it.
 *
 * Attempt limits (DEFAULT_IDENTITY_LIMITS, configurable), counted for the caller only, so that
 * nobody's failures stop anyone else's account: failed verifications per caller and ID number
 * (5 per 24 h: one account trying one person's face) and per caller (10 per hour: one account
 * trying many people); face-check sessions per caller (20 per hour: each one costs a WeChat API
 * call). A failure is reserved before the provider is asked and settled after its answer
 * (attempts.ts), so parallel requests reach the provider at most as often as the limits allow. A
 * cancelled or expired face check, an outage and a success give their reservation back.
 *
 * Nothing is written for a request that fails validation, is refused for a limit, or brings a
 * token that is not good for it; a failed verification writes its attempt counters, closes its
 * session and writes an audit entry, nothing else.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from '../clock';
import { ServiceError, bilingual, type ServerMessageCode } from '../errors';
import { endRelationsOfProxy } from '../relatives/release';
import type { Doc, Store, TxOps } from '../store/store';
import { fields, type Input } from '../validate';
import { RESERVATION_LEASE_MS, blockedFor, checkLimit, countAttempt, reserveAttempt, settleAttempt, type AttemptLimit, type Counter } from './attempts';
import {
  FACE_CHECK_ID,
  MAX_FACE_CHECK_MS,
  nameDigest,
  readSession,
  samePurpose,
  sessionDoc,
  type FaceCheckPurpose,
  type FaceCheckSession,
} from './face-checks';
import { MAX_NAME_LENGTH, isValidName, normaliseName } from './names';
import { userIdFor, type PersonIds } from './person-id';
import type { IdentityFailure, IdentityProvider } from './provider';
import { readIdentity, type VerifiedIdentity } from './verified';
import { MAX_ID_INPUT_LENGTH, chinaDate, checkResidentId, maskResidentId, type ResidentId } from '../../core/resident-id';

export type { FaceCheckPurpose } from './face-checks';

export interface IdentityLimits {
  /** Failed verifications by one caller, whoever they named: one account trying many people. */
  failuresPerCaller: AttemptLimit;
  /** Failed verifications of one ID number by one caller: one account trying one person's face. */
  failuresPerIdNumberAndCaller: AttemptLimit;
  /** Face-check sessions one caller opens: each is a call to WeChat. */
  faceChecksPerCaller: AttemptLimit;
}

export const DEFAULT_IDENTITY_LIMITS: Readonly<IdentityLimits> = Object.freeze({
  failuresPerCaller: Object.freeze({ max: 10, windowSeconds: 3600 }),
  failuresPerIdNumberAndCaller: Object.freeze({ max: 5, windowSeconds: 24 * 3600 }),
  faceChecksPerCaller: Object.freeze({ max: 20, windowSeconds: 3600 }),
});

export const MAX_FACE_TOKEN_LENGTH = 1024;
export const MAX_RELEASE_REASON_LENGTH = 200;

export interface IdentityServiceDeps {
  store: Store;
  clock: Clock;
  provider: IdentityProvider;
  personIds: PersonIds;
  limits?: Partial<IdentityLimits>;
  /** Audit entry ids; random UUIDs unless given. */
  newId?: () => string;
}

/** What a caller is shown of their identity. */
export interface IdentityView {
  verified: true;
  name: string;
  idNumberMasked: string;
  birthDate: string;
  sex: 'male' | 'female';
  provider: IdentityProvider['kind'];
  verifiedAt: number;
}

/** An account without a verified identity; `released` when it had one and gave it up or an operator released it. */
export interface UnverifiedView {
  verified: false;
  released?: { at: number; by: 'self' | 'operator' };
}

const NAME_INPUT = {
  max: MAX_NAME_LENGTH,
  pattern: /^\p{Script=Han}+([\u00B7\u2022\u30FB\uFF0E\u2027.]\p{Script=Han}+)*$/u,
  hint: '请填写身份证上的中文姓名 / enter the name in Chinese characters as on the ID card',
};
const ID_INPUT = { max: MAX_ID_INPUT_LENGTH };
const TOKEN_INPUT = { max: MAX_FACE_TOKEN_LENGTH, pattern: /^[\x21-\x7e]+$/, hint: '人脸核身凭证格式不正确 / the face-check token is malformed' };
const REASON_INPUT = { max: MAX_RELEASE_REASON_LENGTH };

type FailureCode = 'IDENTITY_MISMATCH' | 'FACE_CHECK_FAILED' | 'FACE_TOKEN_INVALID';

/** What a failed verification says: `said` alone, or `saidLeft` when it counts against a finite number of attempts (params.n). */
const FAILURE_TEXT: Record<IdentityFailure, { code: FailureCode; counts: boolean; said: ServerMessageCode; saidLeft?: ServerMessageCode }> = {
  // One answer for both, so the service cannot tell a caller who is registered.
  PERSON_NOT_FOUND: {
    code: 'IDENTITY_MISMATCH',
    counts: true,
    said: 'server.identityMismatch',
    saidLeft: 'server.identityMismatchLeft',
  },
  NAME_MISMATCH: {
    code: 'IDENTITY_MISMATCH',
    counts: true,
    said: 'server.identityMismatch',
    saidLeft: 'server.identityMismatchLeft',
  },
  FACE_CHECK_FAILED: {
    code: 'FACE_CHECK_FAILED',
    counts: true,
    said: 'server.faceCheckFailed',
    saidLeft: 'server.faceCheckFailedLeft',
  },
  // The provider refused its own session for this person or caller.
  FACE_TOKEN_INVALID: {
    code: 'FACE_TOKEN_INVALID',
    counts: true,
    said: 'server.faceCheckOtherPerson',
    saidLeft: 'server.faceCheckOtherPersonLeft',
  },
  FACE_CHECK_CANCELLED: {
    code: 'FACE_CHECK_FAILED',
    counts: false,
    said: 'server.faceCheckCancelled',
  },
  FACE_TOKEN_EXPIRED: {
    code: 'FACE_TOKEN_INVALID',
    counts: false,
    said: 'server.faceCheckExpired',
  },
};

const bi = (zh: string, en: string) => `${zh} / ${en}`;

const tokenInvalid = () =>
  new ServiceError('FACE_TOKEN_INVALID', {
    fields: { faceToken: bi('请重新核身', 'start the face check again') },
    messageCode: 'server.faceCheckInvalid',
  });
const tokenExpired = () =>
  new ServiceError('FACE_TOKEN_INVALID', {
    fields: { faceToken: bi('请重新核身', 'start the face check again') },
    messageCode: 'server.faceCheckExpired',
  });

/** Refused because the person is verified on another account; says the way out. */
export function identityInUse(): ServiceError {
  return new ServiceError('IDENTITY_IN_USE', { messageCode: 'server.identityInUse' });
}

export class IdentityService {
  private readonly limits: IdentityLimits;
  private readonly newId: () => string;

  constructor(private readonly deps: IdentityServiceDeps) {
    this.limits = { ...DEFAULT_IDENTITY_LIMITS, ...(deps.limits ?? {}) };
    const limits: Record<keyof IdentityLimits, AttemptLimit> = this.limits;
    for (const l of Object.values(limits)) checkLimit(l);
    this.newId = deps.newId ?? randomUUID;
  }

  /** Opens a face-check session for the caller's own identity. */
  async beginFaceCheck(
    callerOpenId: string,
    input: Input,
  ): Promise<{ verifyId: string; faceToken: string; expiresAt: number; provider: IdentityProvider['kind'] }> {
    callerId(callerOpenId);
    const { name, id } = this.readPerson(input, false);
    return this.openFaceCheck(callerOpenId, { name, id }, { action: 'identity.verify' });
  }

  /**
   * Opens a face-check session for `person`, good only for this caller and `purpose`. The caller
   * gets the provider's verifyId (wx.requestFacialVerify) and a token naming the session.
   */
  async openFaceCheck(
    callerOpenId: string,
    person: { name: string; id: ResidentId },
    purpose: FaceCheckPurpose,
  ): Promise<{ verifyId: string; faceToken: string; expiresAt: number; provider: IdentityProvider['kind'] }> {
    const userId = callerId(callerOpenId);
    const { name, id } = person;
    const personId = this.deps.personIds.personId(id.idNumber);
    const now = this.deps.clock.now();
    const starts: Counter = { id: `identity-facecheck:caller:${userId}`, limit: this.limits.faceChecksPerCaller };
    await this.deps.store.transaction(async (tx) => {
      const wait = await blockedFor(tx, [...this.failureCounters(userId, personId), starts], now);
      if (wait > 0) throw tooMany(wait);
      await countAttempt(tx, [starts], now, 'identity-facecheck');
    });
    const opened = await this.deps.provider.beginFaceCheck({ openId: callerOpenId, person: { name, idNumber: id.idNumber } });
    const session: FaceCheckSession = {
      id: 'f' + randomBytes(16).toString('hex'),
      caller: userId,
      purpose,
      personId,
      nameDigest: nameDigest(personId, name),
      provider: this.deps.provider.kind,
      providerToken: opened.faceToken,
      createdAt: now,
      expiresAt: Math.min(opened.expiresAt, now + MAX_FACE_CHECK_MS),
      status: 'open',
    };
    await this.deps.store.insert('faceChecks', sessionDoc(session));
    return { verifyId: opened.verifyId, faceToken: session.id, expiresAt: session.expiresAt, provider: this.deps.provider.kind };
  }

  /** Confirms the face check and binds the person to the caller (one person, one account). */
  async verify(callerOpenId: string, input: Input): Promise<IdentityView> {
    const userId = callerId(callerOpenId);
    const { name, id, faceToken } = this.readPerson(input, true);
    const masked = maskResidentId(id.idNumber);
    return this.withFaceCheck(callerOpenId, { name, id }, faceToken!, { action: 'identity.verify' }, async (tx, identity) => {
      const { personId, verifiedAt: now } = identity;
      const binding = readBinding(await tx.get('identityBindings', personId));
      if (binding && binding.userId !== userId) {
        const holder = await tx.get('users', binding.userId);
        // A binding its account no longer carries holds nobody; any other is the person's account.
        if (holder && readIdentity(holder)?.personId === personId) throw identityInUse();
      }
      const existing = await tx.get('users', userId);
      const previous = existing ? readIdentity(existing) : null;
      const { identityReleased: _released, ...kept } = existing ?? { _id: userId, createdAt: now };
      const user: Doc = { ...kept, _id: userId, openId: callerOpenId, identity: { ...identity, idNumberMasked: masked }, updatedAt: now };
      if (previous && previous.personId !== personId) {
        // Verifying as somebody else releases the previous person: their binding, their travel
        // document, and the relations the account made as them.
        await this.unbindPerson(tx, userId, previous.personId);
        await endRelationsOfProxy(tx, {
          userId,
          proxyPersonId: previous.personId,
          action: 'identity.verify',
          actor: userId,
          by: 'proxy',
          at: now,
          newId: this.newId,
        });
        user.document = null;
      }
      await tx.put('identityBindings', { _id: personId, userId, since: binding?.userId === userId ? binding.since : now, provider: identity.provider });
      await tx.put('users', user);
      await tx.insert('audit', this.auditEntry(now, userId, 'success', personId, masked));
      return view(identity);
    });
  }

  /**
   * Runs `act` for a passed face check: the session `faceToken` must be the caller's, opened for
   * `purpose` and this person, open and unexpired. A failure is reserved before the provider is
   * asked; once it says the face check passed, `act` runs in the transaction that marks the
   * session used, so the token serves one action, once. When `act` throws, its writes and the
   * session's use are undone, the reservation is given back, and the error is passed on.
   */
  async withFaceCheck<T>(
    callerOpenId: string,
    person: { name: string; id: ResidentId },
    faceToken: string,
    purpose: FaceCheckPurpose,
    act: (tx: TxOps, verified: VerifiedIdentity) => Promise<T>,
  ): Promise<T> {
    const userId = callerId(callerOpenId);
    const { name, id } = person;
    const personId = this.deps.personIds.personId(id.idNumber);
    const counters = this.failureCounters(userId, personId);
    const reservation = randomBytes(16).toString('hex');
    const claimedAt = this.deps.clock.now();

    const session = await this.deps.store.transaction(async (tx) => {
      const wait = await reserveAttempt(tx, counters, reservation, claimedAt, 'identity-failure');
      if (wait > 0) throw tooMany(wait);
      const s = FACE_CHECK_ID.test(faceToken) ? readSession(await tx.get('faceChecks', faceToken)) : null;
      if (!s || s.caller !== userId || !samePurpose(s.purpose, purpose) || s.personId !== personId || s.nameDigest !== nameDigest(personId, name))
        throw tokenInvalid();
      if (s.status !== 'open' || (s.claim && s.claim.until > claimedAt)) throw tokenInvalid();
      if (s.expiresAt <= claimedAt) throw tokenExpired();
      await tx.put('faceChecks', sessionDoc({ ...s, claim: { id: reservation, until: claimedAt + RESERVATION_LEASE_MS } }));
      return s;
    });

    let outcome;
    try {
      outcome = await this.deps.provider.confirm({ openId: callerOpenId, person: { name, idNumber: id.idNumber }, faceToken: session.providerToken });
    } catch (e) {
      await this.giveBack(session.id, reservation, counters);
      throw e;
    }
    const now = this.deps.clock.now();

    if (!outcome.verified) {
      const text = FAILURE_TEXT[outcome.reason];
      const remaining = await this.deps.store.transaction(async (tx) => {
        const left = await settleAttempt(tx, counters, reservation, now, text.counts, 'identity-failure');
        // A definite "no" closes the session; a cancelled or expired face check may be started again.
        await this.endClaim(tx, session.id, reservation, text.counts ? { status: 'failed', closedAt: now } : undefined);
        await tx.insert('audit', this.auditEntry(now, userId, 'failure', personId, maskResidentId(id.idNumber), outcome.reason, purpose.action));
        return left;
      });
      const counted = text.counts && Number.isFinite(remaining);
      const said = counted && text.saidLeft ? { messageCode: text.saidLeft, params: { n: remaining } } : { messageCode: text.said };
      throw new ServiceError(
        text.code,
        text.code === 'IDENTITY_MISMATCH' ? { ...said, fields: { name: bilingual(text.said), idNumber: bilingual(text.said) } } : said,
      );
    }

    const identity: VerifiedIdentity = {
      personId,
      name,
      idNumber: id.idNumber,
      birthDate: id.birthDate,
      sex: id.sex,
      regionCode: id.regionCode,
      provider: this.deps.provider.kind,
      verifiedAt: now,
    };
    try {
      return await this.deps.store.transaction(async (tx) => {
        const fresh = readSession(await tx.get('faceChecks', session.id));
        if (!fresh || fresh.status !== 'open' || fresh.claim?.id !== reservation) throw tokenInvalid();
        await this.endClaim(tx, session.id, reservation, { status: 'used', closedAt: now });
        await settleAttempt(tx, counters, reservation, now, false, 'identity-failure');
        return await act(tx, identity);
      });
    } catch (e) {
      await this.giveBack(session.id, reservation, counters);
      throw e;
    }
  }

  /** The caller gives up their verified identity (identity.unbind): see releaseIn. */
  async unbind(callerOpenId: string): Promise<{ unbound: true }> {
    const userId = callerId(callerOpenId);
    const now = this.deps.clock.now();
    await this.deps.store.transaction(async (tx) => {
      const user = await tx.get('users', userId);
      const identity = user ? readIdentity(user) : null;
      if (!user || !identity)
        throw new ServiceError('IDENTITY_REQUIRED', {
          messageCode: 'server.noIdentityToRelease',
        });
      await this.releaseIn(tx, user, identity, { action: 'identity.unbind', actor: userId, by: 'self' }, now);
    });
    return { unbound: true };
  }

  /**
   * An operator releases a person's identity from the account verified as them (admin.release-
   * Identity), after checking the person's identity outside this system: the way out for someone
   * whose old account is lost. `reason` is required and audited.
   */
  async releaseByOperator(operatorOpenId: string, input: Input): Promise<{ released: true }> {
    const actor = callerId(operatorOpenId);
    if (!input || typeof input !== 'object') throw new ServiceError('BAD_REQUEST', { messageCode: 'server.badRequest' });
    const f = fields(input);
    const rawId = f.str('idNumber', ID_INPUT);
    const reason = f.str('reason', REASON_INPUT);
    f.done();
    const id = this.checkId(rawId);
    const personId = this.deps.personIds.personId(id.idNumber);
    const now = this.deps.clock.now();
    await this.deps.store.transaction(async (tx) => {
      const binding = readBinding(await tx.get('identityBindings', personId));
      const user = binding ? await tx.get('users', binding.userId) : null;
      const identity = user ? readIdentity(user) : null;
      if (!binding || !user || !identity || identity.personId !== personId)
        throw new ServiceError('NOT_FOUND', {
          messageCode: 'server.noVerifiedAccount',
        });
      await this.releaseIn(tx, user, identity, { action: 'admin.releaseIdentity', actor, by: 'operator', reason: reason.trim() }, now);
    });
    return { released: true };
  }

  /** The caller's verified identity as they may see it. */
  async status(callerOpenId: string): Promise<IdentityView | UnverifiedView> {
    const user = await this.deps.store.get('users', callerId(callerOpenId));
    const identity = user ? readIdentity(user) : null;
    if (identity) return view(identity);
    const r = user?.identityReleased;
    if (r && typeof r === 'object' && !Array.isArray(r) && typeof r.at === 'number' && (r.by === 'self' || r.by === 'operator'))
      return { verified: false, released: { at: r.at, by: r.by } };
    return { verified: false };
  }

  /** The caller's verified identity, unmasked, for other services; null when not verified. */
  async identityOf(callerOpenId: string): Promise<VerifiedIdentity | null> {
    const user = await this.deps.store.get('users', callerId(callerOpenId));
    return user ? readIdentity(user) : null;
  }

  private failureCounters(userId: string, personId: string): Counter[] {
    return [
      { id: `identity-failure:caller:${userId}`, limit: this.limits.failuresPerCaller },
      { id: `identity-failure:person-caller:${personId}:${userId}`, limit: this.limits.failuresPerIdNumberAndCaller },
    ];
  }

  /** Ends the claim `reservation` holds on the session: closing it when `close` is given, else leaving it open as it was. */
  private async endClaim(tx: TxOps, sessionId: string, reservation: string, close?: { status: 'used' | 'failed'; closedAt: number }): Promise<void> {
    const s = readSession(await tx.get('faceChecks', sessionId));
    if (!s || s.claim?.id !== reservation) return;
    const { claim: _claim, ...rest } = s;
    await tx.put('faceChecks', sessionDoc(close ? { ...rest, ...close } : rest));
  }

  /**
   * After an outage or a refused action: the reservation is given back and the session reopened,
   * leaving the documents as they were before the request. Should this fail too (the store is
   * down), both lapse after RESERVATION_LEASE_MS; the error the caller sees is the first one.
   */
  private async giveBack(sessionId: string, reservation: string, counters: Counter[]): Promise<void> {
    try {
      await this.deps.store.transaction(async (tx) => {
        await settleAttempt(tx, counters, reservation, this.deps.clock.now(), false, 'identity-failure');
        await this.endClaim(tx, sessionId, reservation);
      });
    } catch {
      // See above: the lease frees both.
    }
  }

  private async unbindPerson(tx: TxOps, userId: string, personId: string): Promise<void> {
    const binding = readBinding(await tx.get('identityBindings', personId));
    if (binding?.userId === userId) await tx.delete('identityBindings', personId);
  }

  /**
   * Releases `identity` from the account `user`: the binding goes, the account keeps no identity
   * and no travel document (it shows when and by whom it was released), the relations the account
   * made as that person end (each relative's log says so), and the release is audited.
   */
  private async releaseIn(
    tx: TxOps,
    user: Doc,
    identity: VerifiedIdentity,
    how: { action: string; actor: string; by: 'self' | 'operator'; reason?: string },
    now: number,
  ): Promise<void> {
    await this.unbindPerson(tx, user._id, identity.personId);
    await endRelationsOfProxy(tx, {
      userId: user._id,
      proxyPersonId: identity.personId,
      action: how.action,
      actor: how.actor,
      by: how.by === 'self' ? 'proxy' : 'operator',
      at: now,
      newId: this.newId,
    });
    await tx.put('users', { ...user, identity: null, document: null, identityReleased: { at: now, by: how.by }, updatedAt: now });
    await tx.insert('audit', {
      _id: this.newId(),
      at: now,
      action: how.action,
      actor: how.actor,
      outcome: 'success',
      personId: identity.personId,
      idNumberMasked: maskResidentId(identity.idNumber),
      releasedFrom: user._id,
      ...(how.reason !== undefined ? { reason: how.reason } : {}),
    });
  }

  /** Validates a claimed person (name, resident ID number, and the face-check token when asked). */
  readPerson(input: Input, withToken: boolean): { name: string; id: ResidentId; faceToken?: string } {
    if (!input || typeof input !== 'object') throw new ServiceError('BAD_REQUEST', { messageCode: 'server.badRequest' });
    const f = fields(input);
    const rawName = f.str('name', NAME_INPUT);
    const rawId = f.str('idNumber', ID_INPUT);
    const faceToken = withToken ? f.str('faceToken', TOKEN_INPUT) : undefined;
    f.done();
    const name = normaliseName(rawName);
    if (!isValidName(name)) {
      throw new ServiceError('VALIDATION_FAILED', { fields: { name: NAME_INPUT.hint }, messageCode: 'server.nameInChinese' });
    }
    return { name, id: this.checkId(rawId), faceToken };
  }

  private checkId(rawId: string): ResidentId {
    const checked = checkResidentId(rawId, chinaDate(this.deps.clock.now()));
    if (!checked.ok) {
      const zh = checked.problems.map((p) => p.zh).join('；');
      const en = checked.problems.map((p) => p.en).join('; ');
      const detail: Record<string, string> = { idNumber: `${zh} / ${en}` };
      for (const p of checked.problems) detail[`idNumber.${p.part}`] = `${p.zh} / ${p.en}`;
      throw new ServiceError('ID_NUMBER_INVALID', {
        fields: detail,
        messageCode: 'server.idNumberInvalid',
      });
    }
    return checked.value;
  }

  private auditEntry(
    at: number,
    userId: string,
    outcome: 'success' | 'failure',
    personId: string,
    idNumberMasked: string,
    reason?: IdentityFailure,
    action = 'identity.verify',
  ): Doc {
    return {
      _id: this.newId(),
      at,
      action,
      actor: userId,
      outcome,
      ...(reason ? { reason } : {}),
      personId,
      idNumberMasked,
      provider: this.deps.provider.kind,
    };
  }
}

function callerId(openId: string): string {
  if (typeof openId !== 'string' || openId.length === 0 || openId.length > 128) throw new ServiceError('UNAUTHENTICATED', { messageCode: 'server.signIn' });
  return userIdFor(openId);
}

function tooMany(seconds: number): ServiceError {
  return new ServiceError('TOO_MANY_ATTEMPTS', {
    retryAfter: seconds,
    messageCode: 'server.tooManyAttempts',
  });
}

function view(i: VerifiedIdentity): IdentityView {
  return {
    verified: true,
    name: i.name,
    idNumberMasked: maskResidentId(i.idNumber),
    birthDate: i.birthDate,
    sex: i.sex,
    provider: i.provider,
    verifiedAt: i.verifiedAt,
  };
}

/** An identityBindings document: the account verified as the person, since when. */
function readBinding(d: Doc | null): { userId: string; since: number } | null {
  if (!d || typeof d.userId !== 'string' || typeof d.since !== 'number') return null;
  return { userId: d.userId, since: d.since };
}
