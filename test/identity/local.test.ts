import { ManualClock } from '../../server/clock';
import { DEMO_CITIZENS, buildResidentId, seedCitizens } from '../../demo/citizens';
import { LocalFaceCheckStandIn, LocalIdentityProvider } from '../../server/identity/local';
import { checkResidentId, chinaDate } from '../../core/resident-id';
import { mrzNameMatches } from '../../server/documents/name-match';
import { openTestStore, snapshot } from './test-store';

const T0 = Date.UTC(2026, 5, 1, 2, 0, 0);

describe('demo citizens', () => {
  test('every ID number is valid and carries the listed birth date and sex', () => {
    for (const c of DEMO_CITIZENS) {
      const r = checkResidentId(c.idNumber, chinaDate(T0));
      expect(r).toEqual({ ok: true, value: { idNumber: c.idNumber, birthDate: c.birthDate, sex: c.sex, regionCode: c.regionCode } });
    }
  });

  test('ID numbers are distinct and at least one person was born before 1950', () => {
    expect(new Set(DEMO_CITIZENS.map((c) => c.idNumber)).size).toBe(DEMO_CITIZENS.length);
    expect(DEMO_CITIZENS.some((c) => c.birthDate < '1950-01-01')).toBe(true);
  });

  test('each listed pinyin is a reading of the Chinese name (so the passport checks accept the demo passports)', () => {
    for (const c of DEMO_CITIZENS) {
      expect(mrzNameMatches(c.name, `${c.surnamePinyin}<<${c.givenNamePinyin}`)).toBe(true);
    }
  });

  test('seedCitizens is idempotent', async () => {
    const store = await openTestStore();
    expect(await seedCitizens(store)).toBe(DEMO_CITIZENS.length);
    const after = await snapshot(store);
    expect(await seedCitizens(store)).toBe(0);
    expect(await snapshot(store)).toBe(after);
    expect(await store.count('citizens', {})).toBe(DEMO_CITIZENS.length);
    const zhang = await store.get('citizens', DEMO_CITIZENS[0].idNumber);
    expect(zhang).toMatchObject({ name: DEMO_CITIZENS[0].name, status: 'active' });
  });
});

describe('local identity provider', () => {
  const citizen = DEMO_CITIZENS[0];
  const person = { name: citizen.name, idNumber: citizen.idNumber };
  const openId = 'oLocalCaller0001';

  async function setup() {
    const store = await openTestStore();
    await seedCitizens(store);
    const clock = new ManualClock(T0);
    const faceCheck = new LocalFaceCheckStandIn(clock, 600);
    return { store, clock, p: new LocalIdentityProvider({ store, clock, faceCheck }) };
  }

  test('a registered person with the token issued for them is verified', async () => {
    const { p } = await setup();
    const s = await p.beginFaceCheck({ openId, person });
    expect(s.verifyId).toBe(s.faceToken);
    expect(s.expiresAt).toBe(T0 + 600_000);
    expect(await p.confirm({ openId, person, faceToken: s.faceToken })).toEqual({ verified: true });
  });

  test('a token is bound to its caller and its person', async () => {
    const { p } = await setup();
    const { faceToken } = await p.beginFaceCheck({ openId, person });
    const other = DEMO_CITIZENS[1];
    expect(await p.confirm({ openId: 'oSomeoneElse0001', person, faceToken })).toEqual({ verified: false, reason: 'FACE_TOKEN_INVALID' });
    expect(await p.confirm({ openId, person: { name: other.name, idNumber: other.idNumber }, faceToken })).toEqual({
      verified: false,
      reason: 'FACE_TOKEN_INVALID',
    });
  });

  test('a tampered token is invalid', async () => {
    const { p } = await setup();
    const { faceToken } = await p.beginFaceCheck({ openId, person });
    const parts = faceToken.split('.');
    const later = [parts[0], String(Number(parts[1]) + 3_600_000), parts[2], parts[3]].join('.');
    const flip = (i: number) => faceToken.slice(0, i) + (faceToken[i] === 'A' ? 'B' : 'A') + faceToken.slice(i + 1);
    // The last character of the MAC too: its spare bits must not make a second accepted form.
    const tokens = [later, flip(faceToken.length - 10), flip(faceToken.length - 1), 'LF1.1.x.y', ''];
    for (const t of tokens) {
      expect(await p.confirm({ openId, person, faceToken: t })).toEqual({ verified: false, reason: 'FACE_TOKEN_INVALID' });
    }
  });

  test('a token expires after its lifetime', async () => {
    const { p, clock } = await setup();
    const { faceToken } = await p.beginFaceCheck({ openId, person });
    clock.advance(600_000 - 1);
    expect(await p.confirm({ openId, person, faceToken })).toEqual({ verified: true });
    clock.advance(1);
    expect(await p.confirm({ openId, person, faceToken })).toEqual({ verified: false, reason: 'FACE_TOKEN_EXPIRED' });
  });

  test('an unregistered person and a wrong name are told apart (for the audit log)', async () => {
    const { p } = await setup();
    const stranger = { name: '赵敏', idNumber: buildResidentId('110105', '1990-01-01', 11) };
    const t1 = (await p.beginFaceCheck({ openId, person: stranger })).faceToken;
    expect(await p.confirm({ openId, person: stranger, faceToken: t1 })).toEqual({ verified: false, reason: 'PERSON_NOT_FOUND' });
    const wrongName = { name: '张卫', idNumber: citizen.idNumber };
    const t2 = (await p.beginFaceCheck({ openId, person: wrongName })).faceToken;
    expect(await p.confirm({ openId, person: wrongName, faceToken: t2 })).toEqual({ verified: false, reason: 'NAME_MISMATCH' });
  });

  test('beginFaceCheck answers the same for registered and unregistered people and writes nothing', async () => {
    const { p, store } = await setup();
    const before = await snapshot(store);
    const stranger = { name: '赵敏', idNumber: buildResidentId('110105', '1990-01-01', 11) };
    const a = await p.beginFaceCheck({ openId, person });
    const b = await p.beginFaceCheck({ openId, person: stranger });
    expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
    expect(a.expiresAt).toBe(b.expiresAt);
    expect(await snapshot(store)).toBe(before);
  });

  test('tokens of one stand-in are not accepted by another (each has its own key)', async () => {
    const { store, clock, p } = await setup();
    const { faceToken } = await p.beginFaceCheck({ openId, person });
    const other = new LocalIdentityProvider({ store, clock });
    expect(await other.confirm({ openId, person, faceToken })).toEqual({ verified: false, reason: 'FACE_TOKEN_INVALID' });
  });
});
