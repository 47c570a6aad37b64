import { randomBytes } from 'node:crypto';
import { ManualClock } from '../../server/clock';
import { ServiceError } from '../../server/errors';
import { DEMO_CITIZENS, buildResidentId, seedCitizens } from '../../server/identity/demo-citizens';
import { LocalIdentityProvider } from '../../server/identity/local';
import { PersonIds, userIdFor } from '../../server/identity/person-id';
import type { ConfirmRequest, FaceCheckRequest, IdentityOutcome, IdentityProvider } from '../../server/identity/provider';
import { maskResidentId } from '../../server/identity/resident-id';
import { DEFAULT_IDENTITY_LIMITS, IdentityService, type IdentityLimits } from '../../server/identity/service';
import type { Store } from '../../server/store/store';
import { openTestStore, snapshot } from './test-store';

const T0 = Date.UTC(2026, 5, 1, 2, 0, 0);
const zhang = DEMO_CITIZENS[0];
const li = DEMO_CITIZENS[1];

/** A provider whose answer the test sets, counting calls (the limits and ordering tests). */
class ScriptedProvider implements IdentityProvider {
  readonly kind = 'local' as const;
  answer: IdentityOutcome | Error = { verified: true };
  begins = 0;
  confirms = 0;
  async beginFaceCheck(_req: FaceCheckRequest) {
    this.begins++;
    return { verifyId: 'v', faceToken: 'token', expiresAt: 0 };
  }
  async confirm(_req: ConfirmRequest): Promise<IdentityOutcome> {
    this.confirms++;
    if (this.answer instanceof Error) throw this.answer;
    return this.answer;
  }
}

async function scripted(limits?: Partial<IdentityLimits>) {
  const store = await openTestStore();
  const clock = new ManualClock(T0);
  const provider = new ScriptedProvider();
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
    expect(view).toEqual({ verified: true, name: zhang.name, idNumberMasked: maskResidentId(zhang.idNumber), birthDate: zhang.birthDate, sex: zhang.sex, provider: 'local', verifiedAt: T0 });
    expect(JSON.stringify(view)).not.toContain(zhang.idNumber);
    const user = await store.get('users', userIdFor('oCaller000000001'));
    expect(user).toMatchObject({ openId: 'oCaller000000001', identity: { name: zhang.name, idNumber: zhang.idNumber, birthDate: zhang.birthDate, sex: zhang.sex } });
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
      expect.objectContaining({ actor: userIdFor('oCaller000000001'), outcome: 'success', idNumberMasked: maskResidentId(zhang.idNumber), provider: 'local', at: T0 }),
      expect.objectContaining({ actor: userIdFor('oCaller000000001'), outcome: 'failure', reason: 'NAME_MISMATCH', idNumberMasked: maskResidentId(zhang.idNumber) }),
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

  test('a face-check token made for somebody else fails the face check', async () => {
    const { svc } = await local();
    const { faceToken } = await svc.beginFaceCheck('oCaller000000001', { name: li.name, idNumber: li.idNumber });
    const e = await rejection(svc.verify('oCaller000000001', { name: zhang.name, idNumber: zhang.idNumber, faceToken }));
    expect(e.code).toBe('FACE_CHECK_FAILED');
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
    const e = await rejection(svc.verify('oCaller000000001', input as Record<string, unknown>));
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

  test('an upstream outage is passed on, counted nowhere and writes nothing', async () => {
    const { store, provider, svc } = await scripted();
    provider.answer = new ServiceError('UNAVAILABLE', 'down');
    const before = await snapshot(store);
    expect((await rejection(svc.verify('oCaller000000001', good))).code).toBe('UNAVAILABLE');
    expect(await snapshot(store)).toBe(before);
  });
});

describe('attempt limits', () => {
  const perId = DEFAULT_IDENTITY_LIMITS.failuresPerIdNumber;
  const perCaller = DEFAULT_IDENTITY_LIMITS.failuresPerCaller;
  const input = (idNumber: string) => ({ name: zhang.name, idNumber, faceToken: 'token' });

  test(`${perId.max} failures for one ID number within ${perId.windowSeconds / 3600} h block it for every caller until the window closes`, async () => {
    const { store, clock, provider, svc } = await scripted();
    provider.answer = { verified: false, reason: 'NAME_MISMATCH' };
    const step = 60_000;
    for (let i = 0; i < perId.max; i++) {
      const e = await rejection(svc.verify(`oCaller00000000${i}`, input(zhang.idNumber)));
      expect(e.code).toBe('IDENTITY_MISMATCH');
      expect(e.message).toContain(`${perId.max - i - 1} attempt`);
      if (i < perId.max - 1) clock.advance(step);
    }
    const elapsed = (perId.max - 1) * step;

    provider.confirms = 0;
    const before = await snapshot(store);
    const blocked = await rejection(svc.verify('oFreshCaller0001', input(zhang.idNumber)));
    expect(blocked.code).toBe('TOO_MANY_ATTEMPTS');
    expect(blocked.status).toBe(429);
    expect(blocked.retryAfter).toBe(perId.windowSeconds - elapsed / 1000);
    expect(blocked.message).toMatch(/尝试次数过多.* \/ too many attempts; please try again in \d+ hours/);
    expect(blocked.toJSON()).toMatchObject({ code: 'TOO_MANY_ATTEMPTS', retryAfter: blocked.retryAfter });
    expect(provider.confirms).toBe(0);
    expect(await snapshot(store)).toBe(before);

    // Other ID numbers are not affected.
    provider.answer = { verified: true };
    await svc.verify('oFreshCaller0001', input(li.idNumber));

    // One millisecond before the window closes it still blocks; then it reopens.
    clock.set(T0 + perId.windowSeconds * 1000 - 1);
    expect((await rejection(svc.verify('oFreshCaller0002', input(zhang.idNumber)))).retryAfter).toBe(1);
    clock.advance(1);
    await expect(svc.verify('oFreshCaller0002', input(zhang.idNumber))).resolves.toMatchObject({ verified: true });
  });

  test(`${perCaller.max} failures by one caller within an hour block that caller for any ID number`, async () => {
    const { clock, provider, svc } = await scripted();
    provider.answer = { verified: false, reason: 'PERSON_NOT_FOUND' };
    for (let i = 0; i < perCaller.max; i++) {
      const e = await rejection(svc.verify('oGuesser0000001', input(buildResidentId('110105', '1990-01-01', 100 + i))));
      expect(e.code).toBe('IDENTITY_MISMATCH');
    }
    clock.advance(10 * 60_000);
    const blocked = await rejection(svc.verify('oGuesser0000001', input(zhang.idNumber)));
    expect(blocked.code).toBe('TOO_MANY_ATTEMPTS');
    expect(blocked.retryAfter).toBe(perCaller.windowSeconds - 600);
    expect(blocked.message).toContain('50 minutes');
    // Another caller is not blocked.
    provider.answer = { verified: true };
    await expect(svc.verify('oHonest00000001', input(zhang.idNumber))).resolves.toMatchObject({ verified: true });
    // And the guesser may try again once the hour is over.
    clock.advance(blocked.retryAfter! * 1000);
    await expect(svc.verify('oGuesser0000001', input(zhang.idNumber))).resolves.toMatchObject({ verified: true });
  });

  test('limits are configurable', async () => {
    const { clock, provider, svc } = await scripted({ failuresPerCaller: { max: 2, windowSeconds: 90 } });
    provider.answer = { verified: false, reason: 'FACE_CHECK_FAILED' };
    for (let i = 0; i < 2; i++) expect((await rejection(svc.verify('oCaller000000001', input(zhang.idNumber)))).code).toBe('FACE_CHECK_FAILED');
    const blocked = await rejection(svc.verify('oCaller000000001', input(zhang.idNumber)));
    expect(blocked.code).toBe('TOO_MANY_ATTEMPTS');
    expect(blocked.retryAfter).toBe(90);
    expect(blocked.message).toContain('try again in 2 minutes');
    clock.advance(90_000);
    expect((await rejection(svc.verify('oCaller000000001', input(zhang.idNumber)))).code).toBe('FACE_CHECK_FAILED');
  });

  test('bad limits are caller misuse', async () => {
    const store = await openTestStore();
    const mk = (limits: Partial<IdentityLimits>) => new IdentityService({ store, clock: new ManualClock(T0), provider: new ScriptedProvider(), personIds: new PersonIds(randomBytes(32)), limits });
    expect(() => mk({ failuresPerCaller: { max: 0, windowSeconds: 60 } })).toThrow(TypeError);
    expect(() => mk({ failuresPerIdNumber: { max: 3, windowSeconds: 0.5 } })).toThrow(TypeError);
  });

  test('cancelled and expired face checks are not counted (they guess nothing), but are audited', async () => {
    const { store, provider, svc } = await scripted({ failuresPerIdNumber: { max: 1, windowSeconds: 3600 } });
    for (const reason of ['FACE_CHECK_CANCELLED', 'FACE_TOKEN_EXPIRED', 'FACE_CHECK_CANCELLED'] as const) {
      provider.answer = { verified: false, reason };
      expect((await rejection(svc.verify('oCaller000000001', input(zhang.idNumber)))).code).toBe('FACE_CHECK_FAILED');
    }
    expect(await store.count('attempts', {})).toBe(0);
    expect(await store.count('audit', { outcome: 'failure' })).toBe(3);
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

  test('a blocked ID number also blocks opening a face check for it', async () => {
    const { provider, svc } = await scripted({ failuresPerIdNumber: { max: 1, windowSeconds: 3600 } });
    provider.answer = { verified: false, reason: 'NAME_MISMATCH' };
    await rejection(svc.verify('oCaller000000001', input(zhang.idNumber)));
    const e = await rejection(svc.beginFaceCheck('oCaller000000002', { name: zhang.name, idNumber: zhang.idNumber }));
    expect(e.code).toBe('TOO_MANY_ATTEMPTS');
    expect(provider.begins).toBe(0);
  });
});
