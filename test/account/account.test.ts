/**
 * "Export my data" and "delete my account and data" (identity.exportData / identity.deleteAccount)
 * through the function table the cloud functions and the gateway use (node/local.ts `call` over
 * createApp on SQLite): a traveller with a certificate, a printout, a bound passport and an elderly
 * relative she acts for; the relative, verified on her own account; and a bystander whose data must
 * stay as it was. The tests run in order and share state.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { userIdFor } from '../../server/identity/person-id';
import { DEMO_CITIZENS } from '../../demo/citizens';
import { maskResidentId } from '../../core/resident-id';
import { COLLECTIONS, type Doc } from '../../server/store/store';
import { addRelative, callAs, demoDocumentOf, documentInput, failed, ok, openTestApp, snapshot, verifySelf, type TestApp } from '../relatives/helpers';

const TRAVELLER = { openid: 'acct-traveller', citizen: DEMO_CITIZENS[0] };
const ELDER = { openid: 'acct-elder', citizen: DEMO_CITIZENS.find((c) => c.birthDate < '1950-01-01')! };
const BYSTANDER = { openid: 'acct-bystander', citizen: DEMO_CITIZENS[1] };

/** Collections whose documents may still name the deleted person after deletion, and why (server/account/service.ts). */
const RETAINED = new Set(['audit', 'revocations', 'records', 'attempts', 'faceChecks', 'recordLinks']);
/** The national registries the account is checked against (stand-ins here): the state's data, not the account's. */
const REGISTRIES = new Set(['citizens', 'documentRegistry']);

let t: TestApp;
let personId: string;
let certId: string;
let relationId: string;

async function allDocs(): Promise<Map<string, Doc[]>> {
  const out = new Map<string, Doc[]>();
  for (const c of COLLECTIONS) out.set(c, await t.app.store.find(c, {}, { limit: 1000, orderBy: { field: '_id', direction: 'asc' } }));
  return out;
}

async function docsOf(openid: string, pid: string): Promise<string> {
  const uid = userIdFor(openid);
  const out: Record<string, Doc[]> = {};
  for (const [c, docs] of await allDocs()) {
    const mine = docs.filter((d) => JSON.stringify(d).includes(uid) || JSON.stringify(d).includes(pid));
    if (mine.length) out[c] = mine;
  }
  return JSON.stringify(out);
}

beforeAll(async () => {
  t = await openTestApp('account');
  for (const who of [TRAVELLER, ELDER, BYSTANDER]) await verifySelf(t, who.openid, who.citizen);
  for (const who of [TRAVELLER, BYSTANDER])
    await ok(callAs(t, 'document', who.openid, { action: 'bind', ...documentInput(demoDocumentOf(who.citizen, t.clock.now())) }));
  certId = (await ok(callAs(t, 'certificate', TRAVELLER.openid, { action: 'issue' }))).id;
  await ok(callAs(t, 'certificate', BYSTANDER.openid, { action: 'issue' }));
  await ok(callAs(t, 'certificate', TRAVELLER.openid, { action: 'pdf' }));
  relationId = (await addRelative(t, TRAVELLER.openid, ELDER.citizen)).id;
  await ok(
    callAs(t, 'relatives', TRAVELLER.openid, { action: 'bindDocument', for: relationId, ...documentInput(demoDocumentOf(ELDER.citizen, t.clock.now())) }),
  );
  await ok(callAs(t, 'certificate', TRAVELLER.openid, { action: 'issue', for: relationId }));
  personId = t.app.personIds.personId(TRAVELLER.citizen.idNumber);
}, 180_000);

describe('export', () => {
  test('returns the caller’s own data unmasked, and the relative only as the relatives list shows her', async () => {
    const data = await ok(callAs(t, 'identity', TRAVELLER.openid, { action: 'exportData' }));
    expect(data.account.identity.name).toBe(TRAVELLER.citizen.name);
    expect(data.account.identity.idNumber).toBe(TRAVELLER.citizen.idNumber);
    expect(data.documents.map((d: any) => d.number)).toEqual([demoDocumentOf(TRAVELLER.citizen, t.clock.now()).number]);
    expect(data.certificates.map((c: any) => c.id)).toEqual([certId]);
    const ownRecords = await t.app.store.find('records', { personId }, { limit: 1000 });
    expect(data.records).toHaveLength(ownRecords.length);
    expect(data.truncated).toEqual([]);
    expect(data.actingFor).toEqual([
      expect.objectContaining({
        id: relationId,
        name: ELDER.citizen.name,
        idNumberMasked: maskResidentId(ELDER.citizen.idNumber),
        relationship: 'parent',
        status: 'active',
      }),
    ]);
    // Nothing of the relative's beyond that: not her ID number, her records or her certificate.
    const text = JSON.stringify(data);
    expect(text).not.toContain(ELDER.citizen.idNumber);
    const elderPid = t.app.personIds.personId(ELDER.citizen.idNumber);
    for (const r of await t.app.store.find('records', { personId: elderPid }, { limit: 1000 })) expect(text).not.toContain(r._id);
    const [elderCert] = await t.app.store.find('certificates', { personId: elderPid }, { limit: 1 });
    expect(text).not.toContain(elderCert.uci as string);
    // Nor the bystander's.
    expect(text).not.toContain(BYSTANDER.citizen.idNumber);
    expect(text).not.toContain(BYSTANDER.citizen.name);
  });

  test('the relative’s export names who acts for her, not the proxy’s data', async () => {
    const data = await ok(callAs(t, 'identity', ELDER.openid, { action: 'exportData' }));
    expect(data.actedForBy).toEqual([expect.objectContaining({ id: relationId, proxyName: TRAVELLER.citizen.name, relationship: 'parent', status: 'active' })]);
    expect(JSON.stringify(data)).not.toContain(TRAVELLER.citizen.idNumber);
  });

  test('is audited, and refuses fields it does not take', async () => {
    const before = (await t.app.store.find('audit', { action: 'identity.exportData', actor: userIdFor(TRAVELLER.openid) }, { limit: 100 })).length;
    await ok(callAs(t, 'identity', TRAVELLER.openid, { action: 'exportData' }));
    expect((await t.app.store.find('audit', { action: 'identity.exportData', actor: userIdFor(TRAVELLER.openid) }, { limit: 100 })).length).toBe(before + 1);
    expect((await failed(callAs(t, 'identity', TRAVELLER.openid, { action: 'exportData', userId: 'someone-else' }))).code).toBe('VALIDATION_FAILED');
  });

  test('an account with nothing gets an empty export', async () => {
    const data = await ok(callAs(t, 'identity', 'acct-nobody', { action: 'exportData' }));
    expect(data).toMatchObject({ account: {}, documents: [], certificates: [], records: [], actingFor: [], actedForBy: [], audit: [] });
  });
});

describe('delete', () => {
  test('without confirm: true it is refused and nothing is written', async () => {
    const before = await snapshot(t.app.store);
    for (const event of [{}, { confirm: false }, { confirm: 'yes' }]) {
      expect((await failed(callAs(t, 'identity', TRAVELLER.openid, { action: 'deleteAccount', ...event }))).code).toBe('VALIDATION_FAILED');
    }
    expect(await snapshot(t.app.store)).toBe(before);
  });

  test('removes the account and its data; only the retained kinds still name the person; the bystander is untouched', async () => {
    const bystander = await docsOf(BYSTANDER.openid, t.app.personIds.personId(BYSTANDER.citizen.idNumber));
    const filesDir = join(t.dir, 'files');
    expect(readdirSync(filesDir).some((f) => f.endsWith('.pdf'))).toBe(true);

    const report = await ok(callAs(t, 'identity', TRAVELLER.openid, { action: 'deleteAccount', confirm: true }));
    expect(report).toMatchObject({ deleted: true, certificatesRevoked: 1, certificatesDeleted: 1, documentsDeleted: 1, relationsEnded: 1, filesDiscarded: 1 });

    const uid = userIdFor(TRAVELLER.openid);
    for (const [c, docs] of await allDocs()) {
      const naming = docs.filter((d) => {
        // A relative's certificate names the account that asked for it (issuedBy): hers, not the caller's.
        const s = JSON.stringify(c === 'certificates' ? { ...d, issuedBy: undefined } : d);
        return s.includes(uid) || s.includes(personId) || s.includes(TRAVELLER.citizen.idNumber) || s.includes(TRAVELLER.citizen.name);
      });
      if (!RETAINED.has(c) && !REGISTRIES.has(c)) expect({ c, naming }).toEqual({ c, naming: [] });
    }
    // What is retained names the person by keyed id only: no name, no full ID number, outside the
    // laboratory's own records.
    for (const c of ['audit', 'revocations', 'attempts', 'faceChecks']) {
      const s = JSON.stringify((await allDocs()).get(c));
      expect(s).not.toContain(TRAVELLER.citizen.idNumber);
    }
    expect(JSON.stringify((await allDocs()).get('revocations'))).not.toContain(TRAVELLER.citizen.name);
    // No printout left to download.
    expect(existsSync(filesDir) ? readdirSync(filesDir).filter((f) => f.endsWith('.pdf')) : []).toEqual([]);
    expect(await docsOf(BYSTANDER.openid, t.app.personIds.personId(BYSTANDER.citizen.idNumber))).toBe(bystander);
  });

  test('the certificate is on the published revocation list, and the account starts again from nothing', async () => {
    const listed = await t.app.revocation.list();
    expect(listed).toEqual(expect.arrayContaining([expect.objectContaining({ certificateId: certId, reasonCode: 'HOLDER_DELETED' })]));
    expect(await ok(callAs(t, 'identity', TRAVELLER.openid, { action: 'status' }))).toEqual({ verified: false });
    expect((await failed(callAs(t, 'certificate', TRAVELLER.openid, { action: 'get' }))).code).toBe('IDENTITY_REQUIRED');
    const data = await ok(callAs(t, 'identity', TRAVELLER.openid, { action: 'exportData' }));
    expect(data).toMatchObject({ account: {}, documents: [], certificates: [] });
  });

  test('the relative’s log says the proxy ended with the deletion, and she can no longer be acted for', async () => {
    const log = await ok(callAs(t, 'relatives', ELDER.openid, { action: 'auditLog' }));
    expect(log.entries[0]).toMatchObject({ action: 'identity.deleteAccount', proxyId: relationId, proxyName: TRAVELLER.citizen.name, by: 'proxy' });
    expect(await ok(callAs(t, 'relatives', ELDER.openid, { action: 'proxies' }))).toEqual([]);
  });

  test('the deletion is audited, and the person may verify again (on this account or another)', async () => {
    const entries = await t.app.store.find('audit', { action: 'identity.deleteAccount', actor: userIdFor(TRAVELLER.openid) }, { limit: 10 });
    expect(entries.filter((e) => !e.relativeLog)).toHaveLength(1);
    await verifySelf(t, 'acct-traveller-new-phone', TRAVELLER.citizen);
  });

  test('a relative deleting her own account ends the proxies acting for her, each logged', async () => {
    const bystanderRel = (await addRelative(t, BYSTANDER.openid, ELDER.citizen, 'grandparent')).id;
    const report = await ok(callAs(t, 'identity', ELDER.openid, { action: 'deleteAccount', confirm: true }));
    expect(report.relationsEnded).toBe(1);
    expect(await ok(callAs(t, 'relatives', BYSTANDER.openid, { action: 'list' }))).toEqual([]);
    const logged = await t.app.store.find('audit', { relationId: bystanderRel, action: 'identity.deleteAccount' }, { limit: 10 });
    expect(logged).toEqual([expect.objectContaining({ by: 'relative' })]);
    expect((await t.app.store.find('relatives', { personId: t.app.personIds.personId(ELDER.citizen.idNumber) }, { limit: 10 })).length).toBe(0);
  });

  test('deleting twice in parallel leaves one consistent result', async () => {
    await verifySelf(t, 'acct-twice', DEMO_CITIZENS[4]);
    const results = await Promise.all([1, 2].map(() => callAs(t, 'identity', 'acct-twice', { action: 'deleteAccount', confirm: true })));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(await t.app.store.get('users', userIdFor('acct-twice'))).toBeNull();
    expect(await t.app.store.get('identityBindings', t.app.personIds.personId(DEMO_CITIZENS[4].idNumber))).toBeNull();
  });
});
