/**
 * Binding a travel document to the caller's verified identity.
 *
 * Checks, in this order; each stage answers with every wrong field it found (the `fields` map,
 * keyed by form field or by "mrz.<field>", messages in Chinese and English), and nothing is
 * written unless all pass:
 *   1. input shape and sizes                          VALIDATION_FAILED
 *   2. a verified identity                            IDENTITY_REQUIRED
 *   3. number format for the type                     DOCUMENT_INVALID
 *   4. expiry (the civil date in China, inclusive)    DOCUMENT_EXPIRED
 *   5. MRZ syntax and check digits, if given          MRZ_INVALID
 *   6. MRZ ↔ form: number, type code, expiry, CHN      DOCUMENT_INVALID
 *   7. MRZ ↔ identity: name, date of birth, sex        DOCUMENT_MISMATCH
 *   8. registry: exists, same type, this person's,
 *      not cancelled, same expiry, same name          DOCUMENT_MISMATCH / DOCUMENT_INVALID / DOCUMENT_EXPIRED
 * Then the document is written to `documents` (_id = userId:number) and becomes the caller's
 * current document (users.document), with an audit entry.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock';
import { ServiceError, type ServerMessageCode, type ServiceErrorCode } from '../errors';
import { maskResidentId, chinaDate, isRealDate } from '../../core/resident-id';
import { readIdentity, type VerifiedIdentity } from '../identity/verified';
import { userIdFor } from '../identity/person-id';
import type { Doc, Store } from '../store/store';
import { fields, type Input } from '../validate';
import { MAX_MRZ_INPUT, readTd3, type Td3 } from './mrz';
import { mrzNameMatches } from './name-match';
import type { DocumentRegistry } from './registry';
import { readCurrentDocument, type BoundDocument } from './current';
import { DOCUMENT_TYPES, DOCUMENT_TYPE_IDS, mrzCodeFits, typeOfNumber, type DocumentType } from './types';

export const MAX_DOCUMENT_NUMBER_INPUT = 16;

export interface DocumentServiceDeps {
  store: Store;
  clock: Clock;
  registry: DocumentRegistry;
  newId?: () => string;
}

export type { BoundDocument } from './current';

interface Text {
  zh: string;
  en: string;
}
type Problems = Record<string, Text>;

const bi = (zh: string, en: string): Text => ({ zh, en });
const say = (t: Text) => `${t.zh} / ${t.en}`;

export class DocumentService {
  private readonly newId: () => string;
  constructor(private readonly deps: DocumentServiceDeps) {
    this.newId = deps.newId ?? randomUUID;
  }

  async bind(callerOpenId: string, input: Input): Promise<BoundDocument> {
    const userId = callerId(callerOpenId);
    const req = readInput(input);

    const user = await this.deps.store.get('users', userId);
    const identity = user ? readIdentity(user) : null;
    if (!identity) throw new ServiceError('IDENTITY_REQUIRED', { messageCode: 'server.identityRequired' });

    const { mrz } = await this.check(req, identity);
    const info = DOCUMENT_TYPES[req.type];
    const now = this.deps.clock.now();
    const current = { type: req.type, number: req.number, expiry: req.expiry, boundAt: now };
    await this.deps.store.transaction(async (tx) => {
      // The identity may have changed since it was read: bind only to the person just checked.
      const fresh = await tx.get('users', userId);
      const still = fresh ? readIdentity(fresh) : null;
      if (!fresh || !still || still.personId !== identity.personId)
        throw new ServiceError('CONFLICT', {
          messageCode: 'server.identityChanged',
        });
      await tx.put('documents', {
        _id: `${userId}:${req.number}`,
        userId,
        personId: identity.personId,
        type: req.type,
        number: req.number,
        expiry: req.expiry,
        ...(mrz ? { mrz: [...mrz.lines] } : {}),
        boundAt: now,
      });
      await tx.update('users', userId, { document: current, updatedAt: now });
      await tx.insert('audit', {
        _id: this.newId(),
        at: now,
        action: 'document.bind',
        actor: userId,
        outcome: 'success',
        personId: identity.personId,
        documentType: req.type,
        documentNumber: req.number,
      });
    });
    return { ...current, typeName: { zh: info.zh, en: info.en }, holder: { name: identity.name, idNumberMasked: maskResidentId(identity.idNumber) } };
  }

  /** The caller's current travel document, or null (current.ts). `user` is the caller's users document when the caller has just read it. */
  async current(callerOpenId: string, user?: Doc | null): Promise<BoundDocument | null> {
    const userId = callerId(callerOpenId);
    return readCurrentDocument(this.deps.store, userId, user === undefined ? await this.deps.store.get('users', userId) : user);
  }

  /**
   * Every check of `bind` (stages 1 and 3–8) for a verified person who is not the caller — a
   * relative the caller acts for (server/relatives) — writing nothing; the caller stores the result.
   */
  async verifyFor(identity: VerifiedIdentity, input: Input): Promise<{ type: DocumentType; number: string; expiry: string; mrz?: [string, string] }> {
    const req = readInput(input);
    const { mrz } = await this.check(req, identity);
    return { type: req.type, number: req.number, expiry: req.expiry, ...(mrz ? { mrz: [...mrz.lines] as [string, string] } : {}) };
  }

  /** Stages 3–8 for a validated request and a verified person. */
  private async check(req: Request, identity: VerifiedIdentity): Promise<{ mrz?: Td3 }> {
    const info = DOCUMENT_TYPES[req.type];
    if (!info.numberPattern.test(req.number)) {
      const other = typeOfNumber(req.number);
      const hint = other
        ? bi(`该号码像是${DOCUMENT_TYPES[other].zh}号码；${info.numberHint.zh}`, `this looks like a ${DOCUMENT_TYPES[other].en} number; ${info.numberHint.en}`)
        : bi(info.numberHint.zh, info.numberHint.en);
      throw stage('DOCUMENT_INVALID', { number: hint });
    }
    const today = chinaDate(this.deps.clock.now());
    if (req.expiry < today) throw stage('DOCUMENT_EXPIRED', { expiry: bi(`证件已于${req.expiry}过期`, `the document expired on ${req.expiry}`) });

    let mrz: Td3 | undefined;
    if (req.mrz !== undefined) {
      const read = readTd3(req.mrz);
      if (!read.ok) {
        const p: Problems = {};
        for (const x of read.problems) p[x.field] = { zh: x.zh, en: x.en };
        throw stage('MRZ_INVALID', p);
      }
      mrz = read.value;
      const inconsistent = mrzAgainstForm(mrz, req);
      if (Object.keys(inconsistent).length) throw stage('DOCUMENT_INVALID', inconsistent);
      const mismatch = mrzAgainstIdentity(mrz, identity);
      if (Object.keys(mismatch).length) throw stage('DOCUMENT_MISMATCH', mismatch);
    }

    await this.checkRegistry(req, identity, mrz, today);
    return { mrz };
  }

  private async checkRegistry(req: Request, identity: VerifiedIdentity, mrz: Td3 | undefined, today: string): Promise<void> {
    const entry = await this.deps.registry.lookup(req.number);
    if (!entry) throw stage('DOCUMENT_MISMATCH', { number: bi('未查询到该证件，请核对证件号码', 'no such document is registered; please check the number') });
    if (entry.holderIdNumber !== identity.idNumber) {
      // Say no more than that: whose it is, is not the caller's business.
      throw stage('DOCUMENT_MISMATCH', { number: bi('该证件不属于已实名认证的本人', 'this document is not registered to your verified identity') });
    }
    if (entry.type !== req.type) {
      throw stage('DOCUMENT_MISMATCH', {
        type: bi(`该证件登记为${DOCUMENT_TYPES[entry.type].zh}`, `this document is registered as a ${DOCUMENT_TYPES[entry.type].en}`),
      });
    }
    if (entry.status !== 'valid') throw stage('DOCUMENT_INVALID', { number: bi('该证件已作废', 'this document has been cancelled') });
    if (entry.expiresOn !== req.expiry)
      throw stage('DOCUMENT_MISMATCH', { expiry: bi('有效期与登记信息不符', 'the date of expiry differs from the registered one') });
    if (entry.expiresOn < today)
      throw stage('DOCUMENT_EXPIRED', { expiry: bi(`证件已于${entry.expiresOn}过期`, `the document expired on ${entry.expiresOn}`) });
    if (mrz) {
      const registered = `${entry.surname}<<${entry.givenNames}`.padEnd(39, '<').slice(0, 39);
      if (mrz.nameField !== registered)
        throw stage('DOCUMENT_MISMATCH', { 'mrz.name': bi('机读码中的姓名与登记信息不符', 'the name in the MRZ differs from the registered one') });
    }
  }
}

interface Request {
  type: DocumentType;
  number: string;
  expiry: string;
  mrz?: string | string[];
}

function readInput(input: Input): Request {
  if (!input || typeof input !== 'object') throw new ServiceError('BAD_REQUEST', { messageCode: 'server.badRequest' });
  const f = fields(input);
  const type = f.oneOf('type', DOCUMENT_TYPE_IDS);
  const number = f.str('number', {
    max: MAX_DOCUMENT_NUMBER_INPUT,
    pattern: /^[A-Za-z0-9]+$/,
    hint: say(bi('证件号码只能包含字母和数字', 'the number may hold letters and digits only')),
  });
  const expiry = f.str('expiry', {
    max: 10,
    pattern: /^\d{4}-\d{2}-\d{2}$/,
    hint: say(bi('有效期格式应为 YYYY-MM-DD', 'the date of expiry must be YYYY-MM-DD')),
  });
  const extra: Problems = {};
  const m = (input as Record<string, unknown>).mrz;
  let mrz: string | string[] | undefined;
  if (m !== undefined && m !== null && m !== '') {
    if (typeof m === 'string' && m.length <= MAX_MRZ_INPUT) mrz = m;
    else if (Array.isArray(m) && m.length <= 3 && m.every((l) => typeof l === 'string' && l.length <= MAX_MRZ_INPUT / 2)) mrz = m as string[];
    else extra.mrz = bi(`机读码应为两行文本，最多 ${MAX_MRZ_INPUT} 个字符`, `the MRZ must be two lines of text, at most ${MAX_MRZ_INPUT} characters`);
  }
  if (expiry && !isRealDate(Number(expiry.slice(0, 4)), Number(expiry.slice(5, 7)), Number(expiry.slice(8, 10)))) {
    extra.expiry = bi(`${expiry}不是有效日期`, `${expiry} is not a real date`);
  }
  try {
    f.done();
  } catch (e) {
    if (e instanceof ServiceError && Object.keys(extra).length) {
      const more = Object.fromEntries(Object.entries(extra).map(([k, t]) => [k, say(t)]));
      throw new ServiceError('VALIDATION_FAILED', { fields: { ...e.fields, ...more }, messageCode: 'server.checkMarkedFields' });
    }
    throw e;
  }
  if (Object.keys(extra).length) throw stage('VALIDATION_FAILED', extra);
  return { type: type!, number: number.toUpperCase(), expiry: expiry, mrz };
}

function mrzAgainstForm(mrz: Td3, req: Request): Problems {
  const p: Problems = {};
  if (mrz.number !== req.number) p.number = bi('证件号码与机读码不一致', 'the number differs from the one in the MRZ');
  if (!mrzCodeFits(req.type, mrz.documentCode)) {
    const named = typeOfNumber(mrz.number);
    p.type = bi(
      `机读码的证件类型代码${mrz.documentCode}与${DOCUMENT_TYPES[req.type].zh}不符`,
      `the MRZ document code ${mrz.documentCode} does not fit a ${DOCUMENT_TYPES[req.type].en}${named && named !== req.type ? ` (the MRZ number is a ${DOCUMENT_TYPES[named].en} number)` : ''}`,
    );
  } else if (!DOCUMENT_TYPES[req.type].numberPattern.test(mrz.number)) {
    p['mrz.documentNumber'] = bi(
      `机读码中的号码不是${DOCUMENT_TYPES[req.type].zh}号码`,
      `the number in the MRZ is not a ${DOCUMENT_TYPES[req.type].en} number`,
    );
  }
  if (mrz.issuingState !== 'CHN') p['mrz.issuingState'] = bi('签发国应为 CHN', 'the issuing state must be CHN');
  if (mrz.nationality !== 'CHN') p['mrz.nationality'] = bi('国籍应为 CHN', 'the nationality must be CHN');
  if (mrz.expiryDate !== req.expiry) p.expiry = bi('有效期与机读码不一致', 'the date of expiry differs from the one in the MRZ');
  return p;
}

function mrzAgainstIdentity(mrz: Td3, identity: VerifiedIdentity): Problems {
  const p: Problems = {};
  if (!mrzNameMatches(identity.name, mrz.nameField))
    p['mrz.name'] = bi(`机读码中的姓名与实名信息（${identity.name}）不符`, `the name in the MRZ does not spell the verified name (${identity.name})`);
  if (mrz.birthDate !== identity.birthDate.slice(2).replace(/-/g, ''))
    p['mrz.birthDate'] = bi('出生日期与实名信息不符', 'the date of birth differs from the verified identity');
  if (mrz.sex !== identity.sex) p['mrz.sex'] = bi('性别与实名信息不符', 'the sex differs from the verified identity');
  return p;
}

/** What each stage's error says as a whole; the fields say what is wrong in detail. */
const STAGE_MESSAGE: Partial<Record<ServiceErrorCode, ServerMessageCode>> = {
  DOCUMENT_INVALID: 'server.documentInvalid',
  MRZ_INVALID: 'server.mrzInvalid',
  DOCUMENT_MISMATCH: 'server.documentMismatch',
  DOCUMENT_EXPIRED: 'server.documentExpired',
};

/** One error for a stage: the stage's sentence, and each problem under its field for forms. */
function stage(code: ServiceErrorCode, p: Problems): ServiceError {
  const fieldMap = Object.fromEntries(Object.entries(p).map(([k, t]) => [k, say(t)]));
  return new ServiceError(code, {
    fields: fieldMap,
    messageCode: STAGE_MESSAGE[code] ?? 'server.checkMarkedFields',
  });
}

function callerId(openId: string): string {
  if (typeof openId !== 'string' || openId.length === 0 || openId.length > 128) throw new ServiceError('UNAUTHENTICATED', { messageCode: 'server.signIn' });
  return userIdFor(openId);
}
