/**
 * At most DEFAULT_RELATIVE_LIMITS.maxPerProxy relatives per proxy: the next one is refused with
 * LIMIT_REACHED before anyone does a face check, and at add too; removing one makes room; two adds
 * racing for the last place cannot both win. The relatives are invented citizens added to the
 * local registry here (the demo has only two people born before 1950).
 */
import { buildResidentId, seedCitizens, type DemoCitizen } from '../../demo/citizens';
import { DEMO_CITIZENS } from '../../demo/citizens';
import { DEFAULT_RELATIVE_LIMITS } from '../../server/relatives/service';
import { format } from '../../core/view';
import { addRelative, callAs, failed, ok, openTestApp, relativeFaceToken, snapshot, verifySelf, type TestApp } from './helpers';

const MAX = DEFAULT_RELATIVE_LIMITS.maxPerProxy;
const PROXY = 'rel-limit-proxy';
const SURNAMES = '赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨';

/** MAX + 2 invented elderly people, each with a valid resident ID number. */
const PEOPLE: DemoCitizen[] = Array.from({ length: MAX + 2 }, (_, i) => {
  const birthDate = `1940-03-${String(i + 1).padStart(2, '0')}`;
  return {
    idNumber: buildResidentId('110101', birthDate, 100 + i),
    name: `${SURNAMES[i]}老${'一二三四五六七八九十'[i % 10]}`,
    surnamePinyin: 'TEST',
    givenNamePinyin: 'PERSON',
    birthDate,
    sex: (100 + i) % 2 === 1 ? 'male' : 'female',
    regionCode: '110101',
    role: 'an invented relative for the limit test',
  };
});

let t: TestApp;

beforeAll(async () => {
  t = await openTestApp('limit');
  expect(await seedCitizens(t.app.store, PEOPLE)).toBe(PEOPLE.length);
  await verifySelf(t, PROXY, DEMO_CITIZENS[0]);
}, 120_000);

test(`${MAX} relatives are accepted; the next is refused (LIMIT_REACHED, saying the limit) at beginFaceCheck and at add, writing nothing`, async () => {
  for (const p of PEOPLE.slice(0, MAX)) await addRelative(t, PROXY, p);
  expect(await ok<any[]>(callAs(t, 'relatives', PROXY, { action: 'list' }))).toHaveLength(MAX);

  const next = PEOPLE[MAX];
  // A face-check token from identity (the same provider): add must refuse it for the limit alone.
  const token = (await ok(callAs(t, 'identity', PROXY, { action: 'beginFaceCheck', name: next.name, idNumber: next.idNumber }))).faceToken;
  const before = await snapshot(t.app.store);
  const early = await failed(callAs(t, 'relatives', PROXY, { action: 'beginFaceCheck', name: next.name, idNumber: next.idNumber }));
  const late = await failed(
    callAs(t, 'relatives', PROXY, { action: 'add', name: next.name, idNumber: next.idNumber, relationship: 'other', faceToken: token, consent: true }),
  );
  for (const e of [early, late]) {
    expect({ code: e.code, messageCode: e.messageCode, params: e.params }).toEqual({
      code: 'LIMIT_REACHED',
      messageCode: 'server.relativesLimit',
      params: { n: MAX },
    });
    expect(e.message).toBe(`${format('zh', 'server.relativesLimit', { n: MAX })} / ${format('en', 'server.relativesLimit', { n: MAX })}`);
  }
  expect(await snapshot(t.app.store)).toBe(before);
});

test('removing one makes room for another', async () => {
  const [first] = await ok<any[]>(callAs(t, 'relatives', PROXY, { action: 'list' }));
  await ok(callAs(t, 'relatives', PROXY, { action: 'remove', for: first.id }));
  const added = await addRelative(t, PROXY, PEOPLE[MAX]);
  const ids = (await ok<any[]>(callAs(t, 'relatives', PROXY, { action: 'list' }))).map((r) => r.id);
  expect(ids).toHaveLength(MAX);
  expect(ids).toContain(added.id);
  expect(ids).not.toContain(first.id);
});

test('two adds racing for the last place: exactly one wins, the other gets LIMIT_REACHED', async () => {
  const list = await ok<any[]>(callAs(t, 'relatives', PROXY, { action: 'list' }));
  await ok(callAs(t, 'relatives', PROXY, { action: 'remove', for: list[0].id }));
  const removed = PEOPLE.find((p) => p.name === list[0].name)!;
  const contenders = [removed, PEOPLE[MAX + 1]];
  // Both pass the early check (one place is free), then both confirm and race to record.
  const tokens: string[] = [];
  for (const c of contenders) tokens.push(await relativeFaceToken(t, PROXY, c));
  const results = await Promise.all(
    contenders.map((c, i) =>
      callAs(t, 'relatives', PROXY, { action: 'add', name: c.name, idNumber: c.idNumber, relationship: 'other', faceToken: tokens[i], consent: true }),
    ),
  );
  expect(results.filter((r) => r.ok)).toHaveLength(1);
  expect(results.filter((r) => !r.ok).map((r) => (r.ok ? null : r.error.code))).toEqual(['LIMIT_REACHED']);
  expect(await ok<any[]>(callAs(t, 'relatives', PROXY, { action: 'list' }))).toHaveLength(MAX);
});
