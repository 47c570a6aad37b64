/**
 * Real-name authentication for a caller: validate the resident ID number, run the identity
 * provider's face check, and bind the verified person to the caller's `users` document.
 *
 * Storage decisions:
 * - users/_id is userIdFor(openid) (person-id.ts): a hash, so ids, logs and audit lines never carry
 *   the WeChat identifier; the document itself keeps `openId` for the caller's own use.
 * - The raw ID number is stored once, in the caller's users document (issuance and record
 *   collection need it). Every response shows it masked (110101********1234). Attempt counters
 *   and audit entries use the keyed personId instead.
 *
 * Attempt limits (DEFAULT_IDENTITY_LIMITS, configurable): failed verifications are counted per
 * ID number (5 per 24 h: guessing one person's face check from many accounts) and per caller
 * (10 per hour: one account trying many people); face-check sessions are counted per caller
 * (20 per hour: each one costs a WeChat API call). A cancelled or expired face check is not
 * counted: it guesses nothing.
 *
 * Nothing is written for a request that fails validation or is refused for a limit; a failed
 * verification writes its attempt counters and an audit entry, nothing else.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock';
import { ServiceError } from '../errors';
import type { Doc, Json, Store } from '../store/store';
import { fields, type Input } from '../validate';
import { blockedFor, checkLimit, countAttempt, describeWait, type AttemptLimit, type Counter } from './attempts';
import { MAX_NAME_LENGTH, isValidName, normaliseName } from './names';
import { userIdFor, type PersonIds } from './person-id';
import type { IdentityFailure, IdentityProvider } from './provider';
import { MAX_ID_INPUT_LENGTH, chinaDate, checkResidentId, maskResidentId, type ResidentId } from './resident-id';

export interface IdentityLimits {
  failuresPerIdNumber: AttemptLimit;
  failuresPerCaller: AttemptLimit;
  faceChecksPerCaller: AttemptLimit;
}

export const DEFAULT_IDENTITY_LIMITS: Readonly<IdentityLimits> = Object.freeze({
  failuresPerIdNumber: Object.freeze({ max: 5, windowSeconds: 24 * 3600 }),
  failuresPerCaller: Object.freeze({ max: 10, windowSeconds: 3600 }),
  faceChecksPerCaller: Object.freeze({ max: 20, windowSeconds: 3600 }),
});

export const MAX_FACE_TOKEN_LENGTH = 1024;

export interface IdentityServiceDeps {
  store: Store;
  clock: Clock;
  provider: IdentityProvider;
  personIds: PersonIds;
  limits?: Partial<IdentityLimits>;
  /** Audit entry ids; random UUIDs unless given. */
  newId?: () => string;
}

/** What the services behind identity (documents, records, issuance) get: unmasked, server-side only. */
export interface VerifiedIdentity {
  personId: string;
  name: string;
  idNumber: string;
  birthDate: string;
  sex: 'male' | 'female';
  regionCode: string;
  provider: IdentityProvider['kind'];
  verifiedAt: number;
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

const NAME_INPUT = { max: MAX_NAME_LENGTH, pattern: /^\p{Script=Han}+([\u00B7\u2022\u30FB\uFF0E\u2027.]\p{Script=Han}+)*$/u, hint: '请填写身份证上的中文姓名 / enter the name in Chinese characters as on the ID card' };
const ID_INPUT = { max: MAX_ID_INPUT_LENGTH };
const TOKEN_INPUT = { max: MAX_FACE_TOKEN_LENGTH, pattern: /^[\x21-\x7e]+$/, hint: '人脸核身凭证格式不正确 / the face-check token is malformed' };

const FAILURE_TEXT: Record<IdentityFailure, { code: 'IDENTITY_MISMATCH' | 'FACE_CHECK_FAILED'; zh: string; en: string; counts: boolean }> = {
  // One answer for both, so the service cannot tell a caller who is registered.
  PERSON_NOT_FOUND: { code: 'IDENTITY_MISMATCH', zh: '姓名与身份证号码不一致', en: 'the name and ID number do not match a registered person', counts: true },
  NAME_MISMATCH: { code: 'IDENTITY_MISMATCH', zh: '姓名与身份证号码不一致', en: 'the name and ID number do not match a registered person', counts: true },
  FACE_CHECK_FAILED: { code: 'FACE_CHECK_FAILED', zh: '人脸核身未通过', en: 'the face check did not pass', counts: true },
  FACE_TOKEN_INVALID: { code: 'FACE_CHECK_FAILED', zh: '人脸核身凭证与本人信息不符，请重新核身', en: 'the face check was not made for this person; start it again', counts: true },
  FACE_CHECK_CANCELLED: { code: 'FACE_CHECK_FAILED', zh: '人脸核身已取消', en: 'the face check was cancelled', counts: false },
  FACE_TOKEN_EXPIRED: { code: 'FACE_CHECK_FAILED', zh: '人脸核身已过期，请重新核身', en: 'the face check expired; start it again', counts: false },
};

export class IdentityService {
  private readonly limits: IdentityLimits;
  private readonly newId: () => string;

  constructor(private readonly deps: IdentityServiceDeps) {
    this.limits = { ...DEFAULT_IDENTITY_LIMITS, ...(deps.limits ?? {}) };
    for (const l of Object.values(this.limits)) checkLimit(l);
    this.newId = deps.newId ?? randomUUID;
  }

  /** Opens a face-check session for the caller and the person they claim to be. */
  async beginFaceCheck(callerOpenId: string, input: Input): Promise<{ verifyId: string; faceToken: string; expiresAt: number; provider: IdentityProvider['kind'] }> {
    const userId = callerId(callerOpenId);
    const { name, id } = this.readPerson(input, false);
    const personId = this.deps.personIds.personId(id.idNumber);
    const now = this.deps.clock.now();
    const starts: Counter = { id: `identity-facecheck:caller:${userId}`, limit: this.limits.faceChecksPerCaller };
    await this.deps.store.transaction(async (tx) => {
      const wait = await blockedFor(tx, [...this.failureCounters(userId, personId), starts], now);
      if (wait > 0) throw tooMany(wait);
      await countAttempt(tx, [starts], now, 'identity-facecheck');
    });
    const session = await this.deps.provider.beginFaceCheck({ openId: callerOpenId, person: { name, idNumber: id.idNumber } });
    return { ...session, provider: this.deps.provider.kind };
  }

  /** Confirms the face check and binds the person to the caller. */
  async verify(callerOpenId: string, input: Input): Promise<IdentityView> {
    const userId = callerId(callerOpenId);
    const { name, id, faceToken } = this.readPerson(input, true);
    const identity = await this.confirmPerson(callerOpenId, { name, id }, faceToken!);
    const { personId, verifiedAt: now } = identity;
    const masked = maskResidentId(id.idNumber);
    await this.deps.store.transaction(async (tx) => {
      const existing = await tx.get('users', userId);
      const previous = existing ? readIdentity(existing) : null;
      const user: Doc = {
        ...(existing ?? { _id: userId, createdAt: now }),
        _id: userId,
        openId: callerOpenId,
        identity: { ...identity, idNumberMasked: masked } as unknown as Json,
        updatedAt: now,
      };
      // Verifying as somebody else unbinds the previous person's travel document.
      if (previous && previous.personId !== personId) user.document = null;
      await tx.put('users', user);
      await tx.insert('audit', this.auditEntry(now, userId, 'success', personId, masked));
    });
    return view(identity);
  }

  /**
   * Confirms a face check for a person the caller named, under the same attempt limits and with
   * the same failure audit as `verify`, and binds nothing: `verify` binds the person to the caller;
   * relatives (server/relatives) record them as a relative the caller acts for. `auditAction` names
   * the purpose in failure audit entries.
   */
  async confirmPerson(callerOpenId: string, person: { name: string; id: ResidentId }, faceToken: string, auditAction = 'identity.verify'): Promise<VerifiedIdentity> {
    const userId = callerId(callerOpenId);
    const { name, id } = person;
    const personId = this.deps.personIds.personId(id.idNumber);
    const counters = this.failureCounters(userId, personId);

    const wait = await blockedFor(this.deps.store, counters, this.deps.clock.now());
    if (wait > 0) throw tooMany(wait);

    const outcome = await this.deps.provider.confirm({ openId: callerOpenId, person: { name, idNumber: id.idNumber }, faceToken });
    const now = this.deps.clock.now();

    if (!outcome.verified) {
      const text = FAILURE_TEXT[outcome.reason];
      const remaining = await this.deps.store.transaction(async (tx) => {
        const left = text.counts ? await countAttempt(tx, counters, now, 'identity-failure') : undefined;
        await tx.insert('audit', this.auditEntry(now, userId, 'failure', personId, maskResidentId(id.idNumber), outcome.reason, auditAction));
        return left;
      });
      const left = remaining === undefined || !Number.isFinite(remaining) ? '' : `（还可尝试 ${remaining} 次）`;
      const leftEn = remaining === undefined || !Number.isFinite(remaining) ? '' : ` (${remaining} attempt${remaining === 1 ? '' : 's'} left)`;
      throw new ServiceError(text.code, `${text.zh}${left} / ${text.en}${leftEn}`, text.code === 'IDENTITY_MISMATCH' ? { fields: { name: `${text.zh} / ${text.en}`, idNumber: `${text.zh} / ${text.en}` } } : {});
    }

    return {
      personId,
      name,
      idNumber: id.idNumber,
      birthDate: id.birthDate,
      sex: id.sex,
      regionCode: id.regionCode,
      provider: this.deps.provider.kind,
      verifiedAt: now,
    };
  }

  /** The caller's verified identity as they may see it. */
  async status(callerOpenId: string): Promise<IdentityView | { verified: false }> {
    const identity = await this.identityOf(callerOpenId);
    return identity ? view(identity) : { verified: false };
  }

  /** The caller's verified identity, unmasked, for other services; null when not verified. */
  async identityOf(callerOpenId: string): Promise<VerifiedIdentity | null> {
    const user = await this.deps.store.get('users', callerId(callerOpenId));
    return user ? readIdentity(user) : null;
  }

  private failureCounters(userId: string, personId: string): Counter[] {
    return [
      { id: `identity-failure:person:${personId}`, limit: this.limits.failuresPerIdNumber },
      { id: `identity-failure:caller:${userId}`, limit: this.limits.failuresPerCaller },
    ];
  }

  /** Validates a claimed person (name, resident ID number, and the face-check token when asked). */
  readPerson(input: Input, withToken: boolean): { name: string; id: ResidentId; faceToken?: string } {
    if (!input || typeof input !== 'object') throw new ServiceError('BAD_REQUEST', '请求格式不正确 / the request must be an object');
    const f = fields(input);
    const rawName = f.str('name', NAME_INPUT);
    const rawId = f.str('idNumber', ID_INPUT);
    const faceToken = withToken ? f.str('faceToken', TOKEN_INPUT) : undefined;
    f.done();
    const name = normaliseName(rawName!);
    if (!isValidName(name)) {
      throw new ServiceError('VALIDATION_FAILED', `${NAME_INPUT.hint}`, { fields: { name: NAME_INPUT.hint } });
    }
    const checked = checkResidentId(rawId!, chinaDate(this.deps.clock.now()));
    if (!checked.ok) {
      const zh = checked.problems.map((p) => p.zh).join('；');
      const en = checked.problems.map((p) => p.en).join('; ');
      const detail: Record<string, string> = { idNumber: `${zh} / ${en}` };
      for (const p of checked.problems) detail[`idNumber.${p.part}`] = `${p.zh} / ${p.en}`;
      throw new ServiceError('ID_NUMBER_INVALID', `身份证号码有误：${zh} / The ID number is not valid: ${en}`, { fields: detail });
    }
    return { name, id: checked.value, faceToken };
  }

  private auditEntry(at: number, userId: string, outcome: 'success' | 'failure', personId: string, idNumberMasked: string, reason?: IdentityFailure, action = 'identity.verify'): Doc {
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
  if (typeof openId !== 'string' || openId.length === 0 || openId.length > 128) throw new ServiceError('UNAUTHENTICATED', '请先登录微信 / sign in with WeChat first');
  return userIdFor(openId);
}

function tooMany(seconds: number): ServiceError {
  const w = describeWait(seconds);
  return new ServiceError('TOO_MANY_ATTEMPTS', `尝试次数过多，请 ${w.zh}后再试 / too many attempts; please try again in ${w.en}`, { retryAfter: seconds });
}

function view(i: VerifiedIdentity): IdentityView {
  return { verified: true, name: i.name, idNumberMasked: maskResidentId(i.idNumber), birthDate: i.birthDate, sex: i.sex, provider: i.provider, verifiedAt: i.verifiedAt };
}

/** The identity in a users document, or null when absent or not in the shape this service writes. */
export function readIdentity(user: Doc): VerifiedIdentity | null {
  const i = user.identity;
  if (!i || typeof i !== 'object' || Array.isArray(i)) return null;
  const o = i as Record<string, Json>;
  const str = (k: string) => (typeof o[k] === 'string' ? (o[k] as string) : null);
  const personId = str('personId'), name = str('name'), idNumber = str('idNumber'), birthDate = str('birthDate'), regionCode = str('regionCode');
  const sex = o.sex === 'male' || o.sex === 'female' ? o.sex : null;
  const provider = o.provider === 'local' || o.provider === 'wechat-facial' ? o.provider : null;
  if (!personId || !name || !idNumber || !birthDate || !regionCode || !sex || !provider || typeof o.verifiedAt !== 'number') return null;
  return { personId, name, idNumber, birthDate, sex, regionCode, provider, verifiedAt: o.verifiedAt };
}
