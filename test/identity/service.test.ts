import { randomBytes } from 'node:crypto';
import { ManualClock } from '../../server/clock';
import { ServiceError } from '../../server/errors';
import { DEMO_CITIZENS, buildResidentId, seedCitizens } from '../../demo/citizens';
import { LocalIdentityProvider } from '../../server/identity/local';
import { PersonIds, userIdFor } from '../../server/identity/person-id';
import type { ConfirmRequest, FaceCheckRequest, IdentityOutcome, IdentityProvider } from '../../server/identity/provider';
import { maskResidentId } from '../../core/resident-id';
import { DEFAULT_IDENTITY_LIMITS, IdentityService, type IdentityLimits } from '../../server/identity/service';
import type { Store } from '../../server/store/store';
import { openTestStore, snapshot } from './test-store';

const T0 = Date.UTC(2026, 5, 1, 2, 0, 0);
const zhang = DEMO_CITIZENS[0];
const li = DEMO_CITIZENS[1];

/**
 * A provider whose answer the test sets, counting calls (the limits and ordering tests). Its
 * sessions last a day; the service keeps them to its own hour.
 */
class ScriptedProvider implements IdentityProvider {
  readonly kind = 'local' as const;
  answer: IdentityOutcome | Error = { verified: true };
  begins = 0;
  confirms = 0;
  /** The provider tokens confirm was asked about, in order. */
  asked: string[] = [];
  constructor(private readonly clock: ManualClock) {}
  async beginFaceCheck(_req: FaceCheckRequest) {
    this.begins++;
    return { verifyId: `v${this.begins}`, faceToken: `provider-token-${this.begins}`, expiresAt: this.clock.now() + 24 * 3600_000 };
  }
  async confirm(req: ConfirmRequest): Promise<IdentityOutcome> {
    this.confirms++;
    this.asked.push(req.faceToken);
    if (this.answer instanceof Error) throw this.answer;
    return this.answer;
  }
}

async function scripted(limits?: Partial<IdentityLimits>) {
  const store = await openTestStore();
  const clock = new ManualClock(T0);
  const provider = new ScriptedProvider(clock);
  const svc = new IdentityService({ store, clock, provider, personIds: new PersonIds(randomBytes(32)), limits });
  return { store, clock, provider, svc };
}

async function local() {
  const store = await openTestStore();
  await seedCitizens(store);
  const clock = new ManualClock(T0);
  const provider = new LocalIdentityProvider({ store, clock });
  const svc = new IdentityService({ store, clock, provider, personIds: new PersonIds(randomBytes(32)) });
  return { store, clock, svc };
}

async function verifyLocally(svc: IdentityService, openId: string, name: string, idNumber: string) {
  const { faceToken } = await svc.beginFaceCheck(openId, { name, idNumber });
  return svc.verify(openId, { name, idNumber, faceToken });
}

/** A face check opened for (name, idNumber), then verify with its token: one whole try. */
const tryOnce = verifyLocally;

async function rejection(p: Promise<unknown>): Promise<ServiceError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  if (!(e instanceof ServiceError)) throw new Error(`expected a ServiceError, got ${String(e)}`);
  return e;
}

/** Each collection's documents, as JSON text, for privacy scans. */
async function collectionsText(store: Store): Promise<Record<string, string>> {
  const all = JSON.parse(await snapshot(store)) as Record<string, unknown[]>;
  return Object.fromEntries(Object.entries(all).map(([k, v]) => [k, JSON.stringify(v)]));
}

describe('verification with the local registry', () => {
  test('a registered person is bound to the caller; the answer masks the ID number', async () => {
    const { store, svc } = await local();
    const view = await verifyLocally(svc, 'oCaller000000001', zhang.name, zhang.idNumber);
    expect(view).toEqual({
      verified: true,
      name: zhang.name,
      idNumberMasked: maskResidentId(zhang.idNumber),
      birthDate: zhang.birthDate,
      sex: zhang.sex,
      provider: 'local',
      verifiedAt: T0,
    });
    expect(JSON.stringify(view)).not.toContain(zhang.idNumber);
    const user = await store.get('users', userIdFor('oCaller000000001'));
    expect(user).toMatchObject({
      openId: 'oCaller000000001',
      identity: { name: zhang.name, idNumber: zhang.idNumber, birthDate: zhang.birthDate, sex: zhang.sex },
    });
    expect(await svc.status('oCaller000000001')).toEqual(view);
    expect(await svc.status('oNobody000000001')).toEqual({ verified: false });
    const identity = await svc.identityOf('oCaller000000001');
    expect(identity?.idNumber).toBe(zhang.idNumber);
  });

  test('the raw ID number is stored only in the caller’s users document (and the registry), never in attempts or audit', async () => {
    const { store, svc } = await local();
    await verifyLocally(svc, 'oCaller000000001', zhang.name, zhang.idNumber);
    await rejection(verifyLocally(svc, 'oCaller000000002', '张卫', zhang.idNumber));
    const text = await collectionsText(store);
    expect(text.audit).toContain(maskResidentId(zhang.idNumber));
    expect(text.attempts.length).toBeGreaterThan(0);
    for (const [coll, json] of Object.entries(text)) {
      if (coll === 'users' || coll === 'citizens') continue;
      expect(json).not.toContain(zhang.idNumber);
      expect(json).not.toContain('oCaller000000001');
    }
  });

  test('success and failure are audited with the actor, outcome and masked number', async () => {
    const { store, svc } = await local();
    await verifyLocally(svc, 'oCaller000000001', zhang.name, zhang.idNumber);
    await rejection(verifyLocally(svc, 'oCaller000000001', '张卫', zhang.idNumber));
    const audit = await store.find('audit', { action: 'identity.verify' }, { orderBy: { field: 'outcome', direction: 'desc' } });
    expect(audit).toEqual([
      expect.objectContaining({
        actor: userIdFor('oCaller000000001'),
        outcome: 'success',
        idNumberMasked: maskResidentId(zhang.idNumber),
        provider: 'local',
        at: T0,
      }),
      expect.objectContaining({
        actor: userIdFor('oCaller000000001'),
        outcome: 'failure',
        reason: 'NAME_MISMATCH',
        idNumberMasked: maskResidentId(zhang.idNumber),
      }),
    ]);
  });

  test('a wrong name and an unregistered person get the same answer', async () => {
    const { svc } = await local();
    const a = await rejection(verifyLocally(svc, 'oCaller000000001', '张卫', zhang.idNumber));
    const b = await rejection(verifyLocally(svc, 'oCaller000000002', '赵敏', buildResidentId('110105', '1990-01-01', 11)));
    expect(a.code).toBe('IDENTITY_MISMATCH');
    expect(b.code).toBe('IDENTITY_MISMATCH');
    expect(a.message.replace(/\d+/g, 'N')).toBe(b.message.replace(/\d+/g, 'N'));
    expect(a.fields).toEqual(b.fields);
  });

  test('a face-check token made for somebody else is refused before the provider is asked, and nothing is written', async () => {
    const { store, svc } = await local();
    const { faceToken } = await svc.beginFaceCheck('oCaller000000001', { name: li.name, idNumber: li.idNumber });
    const before = await snapshot(store);
    const e = await rejection(svc.verify('oCaller000000001', { name: zhang.name, idNumber: zhang.idNumber, faceToken }));
    expect(e.code).toBe('FACE_TOKEN_INVALID');
    expect(e.status).toBe(422);
    expect(await snapshot(store)).toBe(before);
  });

  test('verifying as another person unbinds the previous person’s document', async () => {
    const { store, svc } = await local();
    await verifyLocally(svc, 'oCaller000000001', zhang.name, zhang.idNumber);
    await store.update('users', userIdFor('oCaller000000001'), { document: { type: 'ordinary', number: 'EH4180273' } });
    await verifyLocally(svc, 'oCaller000000001', zhang.name, zhang.idNumber);
    expect((await store.get('users', userIdFor('oCaller000000001')))?.document).toEqual({ type: 'ordinary', number: 'EH4180273' });
    await verifyLocally(svc, 'oCaller000000001', li.name, li.idNumber);
    const user = await store.get('users', userIdFor('oCaller000000001'));
    expect(user?.document).toBeNull();
    expect(user).toMatchObject({ identity: { idNumber: li.idNumber } });
  });
});

describe('input is validated before anything else, and a rejected request writes nothing', () => {
  const good = { name: zhang.name, idNumber: zhang.idNumber, faceToken: 'token' };
  const wrongCheck = zhang.idNumber.slice(0, 17) + (zhang.idNumber[17] === '0' ? '1' : '0');

  test.each([
    ['wrong check digit', 'ID_NUMBER_INVALID', 'idNumber.checkDigit', { ...good, idNumber: wrongCheck }],
    ['bad region', 'ID_NUMBER_INVALID', 'idNumber.region', { ...good, idNumber: buildResidentId('990101', '1988-05-12', 31) }],
    ['impossible birth date', 'ID_NUMBER_INVALID', 'idNumber.birthDate', { ...good, idNumber: '110105' + '19990230' + '031' + '0' }],
    ['future birth date', 'ID_NUMBER_INVALID', 'idNumber.birthDate', { ...good, idNumber: buildResidentId('110105', '2026-06-02', 31) }],
    ['17 characters', 'ID_NUMBER_INVALID', 'idNumber.length', { ...good, idNumber: zhang.idNumber.slice(0, 17) }],
    ['oversized ID number', 'VALIDATION_FAILED', 'idNumber', { ...good, idNumber: '1'.repeat(65) }],
    ['oversized name', 'VALIDATION_FAILED', 'name', { ...good, name: '张'.repeat(31) }],
    ['oversized face token', 'VALIDATION_FAILED', 'faceToken', { ...good, faceToken: 'a'.repeat(1025) }],
    ['name in Latin letters', 'VALIDATION_FAILED', 'name', { ...good, name: 'Zhang Wei' }],
    ['name not text', 'VALIDATION_FAILED', 'name', { ...good, name: 42 }],
    ['ID number not text', 'VALIDATION_FAILED', 'idNumber', { ...good, idNumber: 110105198805120311 }],
    ['missing face token', 'VALIDATION_FAILED', 'faceToken', { name: good.name, idNumber: good.idNumber }],
    ['control character in token', 'VALIDATION_FAILED', 'faceToken', { ...good, faceToken: 'tok\u0000en' }],
  ])('%s → %s naming %s', async (_case, code, field, input) => {
    const { store, provider, svc } = await scripted();
    const before = await snapshot(store);
    const e = await rejection(svc.verify('oCaller000000001', input));
    expect(e.code).toBe(code);
    expect(Object.keys(e.fields ?? {})).toContain(field);
    for (const msg of Object.values(e.fields ?? {})) expect(msg).toMatch(/\p{Script=Han}.*\/ .*[a-z]/u);
    expect(provider.confirms).toBe(0);
    expect(await snapshot(store)).toBe(before);
  });

  test('beginFaceCheck validates the ID number before the provider is asked, and writes nothing when it fails', async () => {
    const { store, provider, svc } = await scripted();
    const before = await snapshot(store);
    const e = await rejection(svc.beginFaceCheck('oCaller000000001', { name: zhang.name, idNumber: wrongCheck }));
    expect(e.code).toBe('ID_NUMBER_INVALID');
    expect(provider.begins).toBe(0);
    expect(await snapshot(store)).toBe(before);
  });

  test('a missing caller is refused as unauthenticated', async () => {
    const { svc } = await scripted();
    expect((await rejection(svc.verify('', good))).code).toBe('UNAUTHENTICATED');
  });

  test('an upstream outage is passed on, counted nowhere and writes nothing; the same face check works once the provider is back', async () => {
    const { store, provider, svc } = await scripted();
    const { faceToken } = await svc.beginFaceCheck('oCaller000000001', { name: good.name, idNumber: good.idNumber });
    provider.answer = new ServiceError('UNAVAILABLE', { messageCode: 'server.identityServiceUnavailable', params: { detail: 'down' } });
    const before = await snapshot(store);
    expect((await rejection(svc.verify('oCaller000000001', { ...good, faceToken }))).code).toBe('UNAVAILABLE');
    expect(await snapshot(store)).toBe(before);
    provider.answer = { verified: true };
    await expect(svc.verify('oCaller000000001', { ...good, faceToken })).resolves.toMatchObject({ verified: true });
  });
});

describe('attempt limits: counted for the caller, never for a person', () => {
  const perIdAndCaller = DEFAULT_IDENTITY_LIMITS.failuresPerIdNumberAndCaller;
  const perCaller = DEFAULT_IDENTITY_LIMITS.failuresPerCaller;

  test(`${perIdAndCaller.max} failures for one ID number by one caller block that caller for that number until the window closes, and nobody else`, async () => {
    const { store, clock, provider, svc } = await scripted();
    provider.answer = { verified: false, reason: 'NAME_MISMATCH' };
    const step = 60_000;
    for (let i = 0; i < perIdAndCaller.max; i++) {
      const e = await rejection(tryOnce(svc, 'oGuesser0000001', zhang.name, zhang.idNumber));
      expect(e.code).toBe('IDENTITY_MISMATCH');
      expect({ messageCode: e.messageCode, params: e.params }).toEqual({
        messageCode: 'server.identityMismatchLeft',
        params: { n: perIdAndCaller.max - i - 1 },
      });
      if (i < perIdAndCaller.max - 1) clock.advance(step);
    }
    const elapsed = (perIdAndCaller.max - 1) * step;

    provider.confirms = 0;
    provider.begins = 0;
    const before = await snapshot(store);
    const blocked = await rejection(tryOnce(svc, 'oGuesser0000001', zhang.name, zhang.idNumber));
    expect(blocked.code).toBe('TOO_MANY_ATTEMPTS');
    expect(blocked.status).toBe(429);
    expect(blocked.retryAfter).toBe(perIdAndCaller.windowSeconds - elapsed / 1000);
    // The wait is said by retryAfter alone: a client puts it in its own words (docs/functions.md).
    expect(blocked.toJSON()).toMatchObject({ code: 'TOO_MANY_ATTEMPTS', messageCode: 'server.tooManyAttempts', retryAfter: blocked.retryAfter });
    // Refused before a face check is even opened: nothing asked, nothing written.
    expect(provider.begins + provider.confirms).toBe(0);
    expect(await snapshot(store)).toBe(before);

    // The person's own account, and anyone else, are not affected; nor is the guesser for other numbers.
    provider.answer = { verified: true };
    await expect(tryOnce(svc, 'oZhangHimself001', zhang.name, zhang.idNumber)).resolves.toMatchObject({ verified: true });
    await expect(tryOnce(svc, 'oGuesser0000001', li.name, li.idNumber)).resolves.toMatchObject({ verified: true });

    // One millisecond before the window closes it still blocks; then it reopens.
    clock.set(T0 + perIdAndCaller.windowSeconds * 1000 - 1);
    expect((await rejection(tryOnce(svc, 'oGuesser0000001', zhang.name, zhang.idNumber))).retryAfter).toBe(1);
    clock.advance(1);
    provider.answer = { verified: false, reason: 'NAME_MISMATCH' };
    expect((await rejection(tryOnce(svc, 'oGuesser0000001', zhang.name, zhang.idNumber))).code).toBe('IDENTITY_MISMATCH');
  });

  test('failures from any number of other accounts never stop the person’s own account', async () => {
    const { provider, svc } = await scripted();
    provider.answer = { verified: false, reason: 'NAME_MISMATCH' };
    for (let a = 0; a < 4; a++) {
      for (let i = 0; i < perIdAndCaller.max; i++)
        expect((await rejection(tryOnce(svc, `oStranger00000${a}`, '王秀芳', zhang.idNumber))).code).toBe('IDENTITY_MISMATCH');
      expect((await rejection(tryOnce(svc, `oStranger00000${a}`, '王秀芳', zhang.idNumber))).code).toBe('TOO_MANY_ATTEMPTS');
    }
    provider.answer = { verified: true };
    await expect(tryOnce(svc, 'oZhangHimself001', zhang.name, zhang.idNumber)).resolves.toMatchObject({ verified: true, name: zhang.name });
  });

  test(`${perCaller.max} failures by one caller within an hour block that caller for any ID number`, async () => {
    const { clock, provider, svc } = await scripted();
    provider.answer = { verified: false, reason: 'PERSON_NOT_FOUND' };
    for (let i = 0; i < perCaller.max; i++) {
      const e = await rejection(tryOnce(svc, 'oGuesser0000001', zhang.name, buildResidentId('110105', '1990-01-01', 100 + i)));
      expect(e.code).toBe('IDENTITY_MISMATCH');
    }
    clock.advance(10 * 60_000);
    const blocked = await rejection(tryOnce(svc, 'oGuesser0000001', zhang.name, zhang.idNumber));
    expect(blocked.code).toBe('TOO_MANY_ATTEMPTS');
    expect(blocked.retryAfter).toBe(perCaller.windowSeconds - 600);
    expect(blocked.messageCode).toBe('server.tooManyAttempts');
    // Another caller is not blocked.
    provider.answer = { verified: true };
    await expect(tryOnce(svc, 'oHonest00000001', zhang.name, zhang.idNumber)).resolves.toMatchObject({ verified: true });
    // And the guesser may try again once the hour is over.
    clock.advance(blocked.retryAfter! * 1000);
    await expect(tryOnce(svc, 'oGuesser0000001', li.name, li.idNumber)).resolves.toMatchObject({ verified: true });
  });

  test('limits are configurable', async () => {
    const { clock, provider, svc } = await scripted({ failuresPerCaller: { max: 2, windowSeconds: 90 } });
    provider.answer = { verified: false, reason: 'FACE_CHECK_FAILED' };
    for (let i = 0; i < 2; i++) expect((await rejection(tryOnce(svc, 'oCaller000000001', zhang.name, zhang.idNumber))).code).toBe('FACE_CHECK_FAILED');
    const blocked = await rejection(tryOnce(svc, 'oCaller000000001', zhang.name, zhang.idNumber));
    expect(blocked.code).toBe('TOO_MANY_ATTEMPTS');
    expect(blocked.retryAfter).toBe(90);
    expect(blocked.messageCode).toBe('server.tooManyAttempts');
    clock.advance(90_000);
    expect((await rejection(tryOnce(svc, 'oCaller000000001', zhang.name, zhang.idNumber))).code).toBe('FACE_CHECK_FAILED');
  });

  test('bad limits are caller misuse', async () => {
    const store = await openTestStore();
    const mk = (limits: Partial<IdentityLimits>) =>
      new IdentityService({
        store,
        clock: new ManualClock(T0),
        provider: new ScriptedProvider(new ManualClock(T0)),
        personIds: new PersonIds(randomBytes(32)),
        limits,
      });
    expect(() => mk({ failuresPerCaller: { max: 0, windowSeconds: 60 } })).toThrow(TypeError);
    expect(() => mk({ failuresPerIdNumberAndCaller: { max: 3, windowSeconds: 0.5 } })).toThrow(TypeError);
  });

  test('cancelled and expired face checks are not counted (they guess nothing), but are audited; a cancelled one may be tried again', async () => {
    const { store, provider, svc } = await scripted({ failuresPerIdNumberAndCaller: { max: 1, windowSeconds: 3600 } });
    const { faceToken } = await svc.beginFaceCheck('oCaller000000001', { name: zhang.name, idNumber: zhang.idNumber });
    const input = { name: zhang.name, idNumber: zhang.idNumber, faceToken };
    const counted = await store.count('attempts', {});
    for (const [reason, code] of [
      ['FACE_CHECK_CANCELLED', 'FACE_CHECK_FAILED'],
      ['FACE_TOKEN_EXPIRED', 'FACE_TOKEN_INVALID'],
      ['FACE_CHECK_CANCELLED', 'FACE_CHECK_FAILED'],
    ] as const) {
      provider.answer = { verified: false, reason };
      expect((await rejection(svc.verify('oCaller000000001', input))).code).toBe(code);
    }
    // Only the face-check start is counted.
    expect(await store.count('attempts', {})).toBe(counted);
    expect((await store.find('attempts', {})).map((d) => d.scope)).toEqual(['identity-facecheck']);
    expect(await store.count('audit', { outcome: 'failure' })).toBe(3);
    provider.answer = { verified: true };
    await expect(svc.verify('oCaller000000001', input)).resolves.toMatchObject({ verified: true });
  });

  test(`face-check sessions are limited per caller (${DEFAULT_IDENTITY_LIMITS.faceChecksPerCaller.max} per hour)`, async () => {
    const { store, provider, svc } = await scripted();
    const max = DEFAULT_IDENTITY_LIMITS.faceChecksPerCaller.max;
    for (let i = 0; i < max; i++) await svc.beginFaceCheck('oCaller000000001', { name: zhang.name, idNumber: zhang.idNumber });
    const before = await snapshot(store);
    const blocked = await rejection(svc.beginFaceCheck('oCaller000000001', { name: zhang.name, idNumber: zhang.idNumber }));
    expect(blocked.code).toBe('TOO_MANY_ATTEMPTS');
    expect(blocked.retryAfter).toBe(DEFAULT_IDENTITY_LIMITS.faceChecksPerCaller.windowSeconds);
    expect(provider.begins).toBe(max);
    expect(await snapshot(store)).toBe(before);
  });

  test('a caller blocked for an ID number cannot open a face check for it either; another caller can', async () => {
    const { provider, svc } = await scripted({ failuresPerIdNumberAndCaller: { max: 1, windowSeconds: 3600 } });
    provider.answer = { verified: false, reason: 'NAME_MISMATCH' };
    await rejection(tryOnce(svc, 'oCaller000000001', zhang.name, zhang.idNumber));
    provider.begins = 0;
    const e = await rejection(svc.beginFaceCheck('oCaller000000001', { name: zhang.name, idNumber: zhang.idNumber }));
    expect(e.code).toBe('TOO_MANY_ATTEMPTS');
    expect(provider.begins).toBe(0);
    await expect(svc.beginFaceCheck('oCaller000000002', { name: zhang.name, idNumber: zhang.idNumber })).resolves.toMatchObject({ provider: 'local' });
  });
});

describe('face-check sessions: bound to caller, purpose and person, used once', () => {
  const me = 'oCaller000000001';
  const person = { name: zhang.name, idNumber: zhang.idNumber };

  test('the token the caller holds is a session id; the provider’s own token stays in the store', async () => {
    const { store, provider, svc } = await scripted();
    const s = await svc.beginFaceCheck(me, person);
    expect(s.faceToken).toMatch(/^f[0-9a-f]{32}$/);
    expect(s.verifyId).toBe('v1');
    expect(s.expiresAt).toBe(T0 + 3600_000);
    const stored = await store.get('faceChecks', s.faceToken);
    expect(stored).toMatchObject({
      caller: userIdFor(me),
      action: 'identity.verify',
      status: 'open',
      providerToken: 'provider-token-1',
      expiresAt: s.expiresAt,
    });
    expect(JSON.stringify(stored)).not.toContain(zhang.idNumber);
    await svc.verify(me, { ...person, faceToken: s.faceToken });
    expect(provider.asked).toEqual(['provider-token-1']);
    expect(await store.get('faceChecks', s.faceToken)).toMatchObject({ status: 'used', closedAt: T0 });
  });

  test('a second use of the same token is refused without asking the provider, and writes nothing', async () => {
    const { store, provider, svc } = await scripted();
    const { faceToken } = await svc.beginFaceCheck(me, person);
    await svc.verify(me, { ...person, faceToken });
    const before = await snapshot(store);
    const e = await rejection(svc.verify(me, { ...person, faceToken }));
    expect(e.code).toBe('FACE_TOKEN_INVALID');
    expect(Object.keys(e.fields ?? {})).toEqual(['faceToken']);
    expect(provider.confirms).toBe(1);
    expect(await snapshot(store)).toBe(before);
  });

  test('another caller, another person, another name, a made-up token and an expired session are each refused the same way, writing nothing', async () => {
    const { store, clock, provider, svc } = await scripted();
    const { faceToken } = await svc.beginFaceCheck(me, person);
    const before = await snapshot(store);
    const tries: Array<[string, Record<string, unknown>]> = [
      ['oSomeoneElse0001', { ...person, faceToken }],
      [me, { name: li.name, idNumber: li.idNumber, faceToken }],
      [me, { ...person, name: '张卫', faceToken }],
      [me, { ...person, faceToken: 'f' + '0'.repeat(32) }],
      [me, { ...person, faceToken: 'provider-token-1' }],
    ];
    for (const [caller, input] of tries) expect((await rejection(svc.verify(caller, input))).code).toBe('FACE_TOKEN_INVALID');
    clock.advance(3600_000);
    const expired = await rejection(svc.verify(me, { ...person, faceToken }));
    expect(expired.code).toBe('FACE_TOKEN_INVALID');
    expect(expired.messageCode).toBe('server.faceCheckExpired');
    expect(provider.confirms).toBe(0);
    expect(await snapshot(store)).toBe(before);
  });

  test('a definite failure closes the session: the same token cannot be tried again', async () => {
    const { store, provider, svc } = await scripted();
    const { faceToken } = await svc.beginFaceCheck(me, person);
    provider.answer = { verified: false, reason: 'FACE_CHECK_FAILED' };
    expect((await rejection(svc.verify(me, { ...person, faceToken }))).code).toBe('FACE_CHECK_FAILED');
    expect(await store.get('faceChecks', faceToken)).toMatchObject({ status: 'failed' });
    provider.answer = { verified: true };
    expect((await rejection(svc.verify(me, { ...person, faceToken }))).code).toBe('FACE_TOKEN_INVALID');
    expect(provider.confirms).toBe(1);
  });

  test('ten parallel uses of one token: the provider is asked once, one succeeds, the others are refused', async () => {
    const { provider, svc } = await scripted();
    const { faceToken } = await svc.beginFaceCheck(me, person);
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => svc.verify(me, { ...person, faceToken })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as ServiceError).code] : []))).toEqual(Array(9).fill('FACE_TOKEN_INVALID'));
    expect(provider.confirms).toBe(1);
  });

  test('a token opened for adding a relative is not good for verifying as that relative', async () => {
    const { store, provider, svc } = await scripted();
    const { faceToken } = await svc.openFaceCheck(
      me,
      { name: li.name, id: svc.readPerson({ name: li.name, idNumber: li.idNumber }, false).id },
      { action: 'relatives.add', proxyPersonId: 'p' + '1'.repeat(32) },
    );
    const before = await snapshot(store);
    expect((await rejection(svc.verify(me, { name: li.name, idNumber: li.idNumber, faceToken }))).code).toBe('FACE_TOKEN_INVALID');
    expect(provider.confirms).toBe(0);
    expect(await snapshot(store)).toBe(before);
  });
});

describe('one person, one account', () => {
  test('a second account verifying as a verified person is refused (IDENTITY_IN_USE, with the way out), after its face check, writing nothing', async () => {
    const { store, svc } = await local();
    await verifyLocally(svc, 'oFirstAccount001', zhang.name, zhang.idNumber);
    const { faceToken } = await svc.beginFaceCheck('oSecondAccount01', { name: zhang.name, idNumber: zhang.idNumber });
    const before = await snapshot(store);
    const e = await rejection(svc.verify('oSecondAccount01', { name: zhang.name, idNumber: zhang.idNumber, faceToken }));
    expect(e.code).toBe('IDENTITY_IN_USE');
    expect(e.status).toBe(409);
    expect(e.messageCode).toBe('server.identityInUse');
    expect(await snapshot(store)).toBe(before);
    expect(await svc.status('oSecondAccount01')).toEqual({ verified: false });
    expect(await store.get('identityBindings', (await svc.identityOf('oFirstAccount001'))!.personId)).toMatchObject({ userId: userIdFor('oFirstAccount001') });
  });

  test('once the first account releases it (identity.unbind), the second verifies; the first shows when it was released', async () => {
    const { store, clock, svc } = await local();
    await verifyLocally(svc, 'oFirstAccount001', zhang.name, zhang.idNumber);
    await store.update('users', userIdFor('oFirstAccount001'), { document: { type: 'ordinary', number: 'EH4180273' } });
    clock.advance(1000);
    expect(await svc.unbind('oFirstAccount001')).toEqual({ unbound: true });
    expect(await svc.status('oFirstAccount001')).toEqual({ verified: false, released: { at: T0 + 1000, by: 'self' } });
    const first = await store.get('users', userIdFor('oFirstAccount001'));
    expect(first).toMatchObject({ identity: null, document: null });
    expect(JSON.stringify(first)).not.toContain(zhang.idNumber);
    await expect(verifyLocally(svc, 'oSecondAccount01', zhang.name, zhang.idNumber)).resolves.toMatchObject({ verified: true });
    expect(await store.find('audit', { action: 'identity.unbind' })).toEqual([
      expect.objectContaining({ actor: userIdFor('oFirstAccount001'), releasedFrom: userIdFor('oFirstAccount001') }),
    ]);
    // Releasing what one does not have is refused.
    expect((await rejection(svc.unbind('oFirstAccount001'))).code).toBe('IDENTITY_REQUIRED');
  });

  test('an account verified as somebody else frees the person it was', async () => {
    const { svc } = await local();
    await verifyLocally(svc, 'oFirstAccount001', zhang.name, zhang.idNumber);
    await verifyLocally(svc, 'oFirstAccount001', li.name, li.idNumber);
    await expect(verifyLocally(svc, 'oSecondAccount01', zhang.name, zhang.idNumber)).resolves.toMatchObject({ verified: true });
    expect((await rejection(verifyLocally(svc, 'oSecondAccount01', li.name, li.idNumber))).code).toBe('IDENTITY_IN_USE');
    // The same account verifying as the same person again is no conflict.
    await expect(verifyLocally(svc, 'oFirstAccount001', li.name, li.idNumber)).resolves.toMatchObject({ verified: true });
  });

  test('an operator releases a person from a lost account: reason required and audited; NOT_FOUND when nobody holds it', async () => {
    const { store, svc } = await local();
    await verifyLocally(svc, 'oLostPhone000001', zhang.name, zhang.idNumber);
    expect((await rejection(svc.releaseByOperator('oOperator0000001', { idNumber: zhang.idNumber }))).code).toBe('VALIDATION_FAILED');
    expect((await rejection(svc.releaseByOperator('oOperator0000001', { idNumber: li.idNumber, reason: 'x' }))).code).toBe('NOT_FOUND');
    expect((await rejection(svc.releaseByOperator('oOperator0000001', { idNumber: zhang.idNumber.slice(0, 17), reason: 'x' }))).code).toBe('ID_NUMBER_INVALID');
    expect(await svc.releaseByOperator('oOperator0000001', { idNumber: zhang.idNumber, reason: '本人持身份证到窗口申请' })).toEqual({ released: true });
    expect(await svc.status('oLostPhone000001')).toMatchObject({ verified: false, released: { by: 'operator' } });
    expect(await store.find('audit', { action: 'admin.releaseIdentity' })).toEqual([
      expect.objectContaining({
        actor: userIdFor('oOperator0000001'),
        releasedFrom: userIdFor('oLostPhone000001'),
        reason: '本人持身份证到窗口申请',
        idNumberMasked: maskResidentId(zhang.idNumber),
      }),
    ]);
    await expect(verifyLocally(svc, 'oNewPhone0000001', zhang.name, zhang.idNumber)).resolves.toMatchObject({ verified: true });
  });
});
