/**
 * A holder who deleted their account and comes back: verified again with the same travel document
 * and the same laboratory records, they get a new certificate (the old id is revoked for
 * HOLDER_DELETED and is never signed again), the same one on every later request from the live
 * account; releasing an identity (which revokes nothing) keeps the certificate; an operator's
 * revocation, blocked records and a hold still refuse. Through the function table (node/local.ts
 * `call` over createApp on SQLite), as the cloud functions and the gateway dispatch.
 */
import { DEMO_CITIZENS } from '../../demo/citizens';
import { callAs, demoDocumentOf, documentInput, failed, ok, openTestApp, verifySelf, type TestApp } from '../relatives/helpers';

const OPERATOR = 'reissue-operator';
let t: TestApp;

beforeAll(async () => {
  t = await openTestApp('reissue', [OPERATOR]);
}, 120_000);

/** Verification and the travel document: what a person does on first use, on `openid`. */
async function verifyWithDocument(openid: string, citizen: (typeof DEMO_CITIZENS)[number]): Promise<void> {
  await verifySelf(t, openid, citizen);
  await ok(callAs(t, 'document', openid, { action: 'bind', ...documentInput(demoDocumentOf(citizen, t.clock.now())) }));
}

const issue = (openid: string) => callAs(t, 'certificate', openid, { action: 'issue' });
const deleteAccount = (openid: string) => ok(callAs(t, 'identity', openid, { action: 'deleteAccount', confirm: true }));
const revocationsOf = async (ids: string[]) => (await t.app.revocation.list()).filter((r) => ids.includes(r.certificateId));

describe('a holder who deleted their account', () => {
  const citizen = DEMO_CITIZENS[0];
  const ids: string[] = [];

  test('gets a new certificate on their return, with the same records, on the same account or another', async () => {
    await verifyWithDocument('reissue-a', citizen);
    const first = await ok(issue('reissue-a'));
    ids.push(first.id);
    await deleteAccount('reissue-a');

    // Back on the same account.
    await verifyWithDocument('reissue-a', citizen);
    const second = await ok(issue('reissue-a'));
    expect(ids).not.toContain(second.id);
    expect(second.status).toBe('valid');
    // What was signed carries that new id (its readable form is decoded from the signed content).
    expect(second.certificate.id).toBe(second.id);
    ids.push(second.id);
    // The same records: the new certificate carries what the old one did.
    expect(second.certificate.tests).toEqual(first.certificate.tests);
    expect(second.certificate.vaccinations).toEqual(first.certificate.vaccinations);

    // Deleted again, and back on a new phone.
    await deleteAccount('reissue-a');
    await verifyWithDocument('reissue-b', citizen);
    const third = await ok(issue('reissue-b'));
    expect(ids).not.toContain(third.id);
    expect(third.certificate.id).toBe(third.id);
    ids.push(third.id);

    // Every earlier one stays revoked, for the reason it ended.
    const revoked = await revocationsOf(ids);
    expect(revoked.map((r) => [r.certificateId, r.reasonCode]).sort()).toEqual([ids[0], ids[1]].map((id) => [id, 'HOLDER_DELETED']).sort());
    const shown = await ok(callAs(t, 'certificate', 'reissue-b', { action: 'get' }));
    expect(shown.id).toBe(third.id);
    expect(shown.status).toBe('valid');
  });

  test('the live account gets that same certificate again, also when asking twice at once', async () => {
    const again = await ok(issue('reissue-b'));
    expect(again.id).toBe(ids[2]);
    const both = await Promise.all([issue('reissue-b'), issue('reissue-b')]);
    const answered = await Promise.all(both.map((p) => ok(Promise.resolve(p))));
    expect(answered.map((c) => c.id)).toEqual([ids[2], ids[2]]);
    expect(answered[0].codes.ithc).toBe(answered[1].codes.ithc);
    expect(answered[0].codes.ithc).toBe(again.codes.ithc);
  });

  test('an operator’s revocation of the new certificate is not undone by asking again', async () => {
    await ok(callAs(t, 'admin', OPERATOR, { action: 'revoke', certificateId: ids[2], reason: 'issued in error' }));
    const refused = await failed(issue('reissue-b'));
    expect(refused.code).toBe('CONFLICT');
    expect((await revocationsOf([ids[2]])).map((r) => r.reasonCode)).toEqual(['OPERATOR']);
  });
});

describe('releasing an identity revokes nothing', () => {
  test('verified again after releasing it, the person gets the certificate they had', async () => {
    const citizen = DEMO_CITIZENS[1];
    await verifyWithDocument('release-a', citizen);
    const before = await ok(issue('release-a'));
    await ok(callAs(t, 'identity', 'release-a', { action: 'unbind' }));
    await verifyWithDocument('release-b', citizen);
    const after = await ok(issue('release-b'));
    expect(after.id).toBe(before.id);
    expect(after.status).toBe('valid');
    expect(await revocationsOf([before.id])).toEqual([]);
  });
});

describe('what must still refuse a returning holder', () => {
  test('records an operator blocked: RECORDS_BLOCKED, after deletion and return as before it', async () => {
    const citizen = DEMO_CITIZENS[2];
    await verifyWithDocument('blocked-a', citizen);
    const cert = await ok(issue('blocked-a'));
    await ok(callAs(t, 'admin', OPERATOR, { action: 'revoke', certificateId: cert.id, reason: 'wrong records', blockRecords: true }));
    expect((await failed(issue('blocked-a'))).code).toBe('RECORDS_BLOCKED');
    await deleteAccount('blocked-a');
    await verifyWithDocument('blocked-b', citizen);
    const refused = await failed(issue('blocked-b'));
    expect(refused.code).toBe('RECORDS_BLOCKED');
    expect(await t.app.store.find('certificates', { personId: t.app.personIds.personId(citizen.idNumber) }, { limit: 10 })).toEqual([]);
  });

  test('a hold on the person: ISSUANCE_HELD on return, and a certificate once it is released', async () => {
    const citizen = DEMO_CITIZENS[3];
    await verifyWithDocument('held-a', citizen);
    const first = await ok(issue('held-a'));
    await deleteAccount('held-a');
    await ok(callAs(t, 'admin', OPERATOR, { action: 'hold', idNumber: citizen.idNumber, reason: 'identity under review' }));
    await verifyWithDocument('held-b', citizen);
    expect((await failed(issue('held-b'))).code).toBe('ISSUANCE_HELD');
    expect(await t.app.store.find('certificates', { personId: t.app.personIds.personId(citizen.idNumber) }, { limit: 10 })).toEqual([]);
    await ok(callAs(t, 'admin', OPERATOR, { action: 'releaseHold', idNumber: citizen.idNumber, reason: 'identity confirmed' }));
    const back = await ok(issue('held-b'));
    expect(back.id).not.toBe(first.id);
  });
});
