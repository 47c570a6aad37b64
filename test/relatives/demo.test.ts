/**
 * node/local.ts demoRelativeFlow (what npm start runs after the traveller's flow): the demo
 * traveller acts for the first demo citizen born before 1950 — relation, passport, certificate —
 * and running it again (a restart on the same data folder) reuses all of it.
 */
import { DEMO_TRAVELLER_OPENID, demoRelativeFlow, demoTravellerFlow } from '../../demo/seed';
import { DEMO_CITIZENS } from '../../demo/citizens';
import { openTestApp, type TestApp } from './helpers';

const ELDER = DEMO_CITIZENS.find((c) => c.birthDate < '1950-01-01')!;

let t: TestApp;

beforeAll(async () => {
  t = await openTestApp('demo');
}, 120_000);

test("after the traveller's flow, issues the elderly parent's certificate through a relation; a second run reuses it", async () => {
  const own = await demoTravellerFlow(t.app);
  const first = await demoRelativeFlow(t.app);
  expect(first.relative).toMatchObject({ name: ELDER.name, relationship: 'parent' });
  expect(first.relative.document?.holder.name).toBe(ELDER.name);
  expect(first.certificate.certificate.holder).toMatchObject({ dateOfBirth: ELDER.birthDate, documentNumber: first.relative.document!.number });
  expect(first.certificate.id).not.toBe(own.id);

  t.clock.advance(60_000);
  const second = await demoRelativeFlow(t.app);
  expect(second.relative.id).toBe(first.relative.id);
  expect(second.certificate.id).toBe(first.certificate.id);
  expect(await t.app.relatives.list(DEMO_TRAVELLER_OPENID)).toHaveLength(1);

  // Both issuances are in her log, with the traveller as proxy.
  const personId = t.app.personIds.personId(ELDER.idNumber);
  const issued = await t.app.store.find('audit', { personId, relativeLog: true, action: 'certificate.issue' });
  expect(issued).toHaveLength(2);
});

test('on its own (no traveller flow first) it verifies the traveller and still works', async () => {
  const fresh = await openTestApp('demo-alone');
  const r = await demoRelativeFlow(fresh.app, 'demo-alone-traveller');
  expect(r.certificate.certificate.holder).toMatchObject({ dateOfBirth: ELDER.birthDate });
  expect(await fresh.app.identity.status('demo-alone-traveller')).toMatchObject({ verified: true, name: DEMO_CITIZENS[0].name });
});
