/**
 * Authorisation over the gateway: the caller is whoever the caller header (WeChat's OPENID in
 * production) says, never a field of the request; nobody reads or changes another person's data;
 * operator actions need operator rights; and the local caller header is refused outright when the
 * gateway is not in local mode, with nothing written.
 */
import { join } from 'node:path';
import { openLocalApp } from '../../node/local';
import { seedDemo } from '../../demo/seed';
import type { App } from '../../server/app';
import { DEMO_CITIZENS } from '../../demo/citizens';
import {
  bindableDocument,
  callFn,
  documentForm,
  failure,
  ok,
  serve,
  snapshot,
  tempDir,
  unexpectedChanges,
  verifyAndBind,
  verifyIdentity,
  type Served,
} from './helpers';

const OPERATOR = 'e2e-operator';
const ALICE = { openid: 'e2e-alice', citizen: DEMO_CITIZENS[0] };
const BOB = { openid: 'e2e-bob', citizen: DEMO_CITIZENS[1] };
const CAROL = { openid: 'e2e-carol', citizen: DEMO_CITIZENS[2] };

let app: App;
let local: Served;
let aliceCert: any;

beforeAll(async () => {
  app = await openLocalApp(join(tempDir('authz'), 'data'), { config: { operators: [OPERATOR] } });
  await seedDemo(app);
  local = await serve(app);
  await verifyAndBind(local.base, ALICE.openid, ALICE.citizen);
  aliceCert = await ok(callFn(local.base, 'certificate', ALICE.openid, { action: 'issue' }));
}, 300_000);

afterAll(async () => {
  await local?.close();
  await app?.store.close();
});

/** Nothing in the answer may name Alice or her certificate. */
function expectNothingOfAlice(body: unknown) {
  const text = JSON.stringify(body);
  const doc = bindableDocument(ALICE.citizen);
  for (const secret of [aliceCert.id, aliceCert.codes.ithc, doc.number, ALICE.citizen.name, ALICE.citizen.idNumber]) expect(text).not.toContain(secret);
}

describe('another caller', () => {
  test("who never verified gets IDENTITY_REQUIRED for certificate.get and certificate.issue, never Alice's certificate, and nothing is written", async () => {
    const before = await snapshot(app.store);
    for (const action of ['get', 'issue']) {
      const r = await callFn(local.base, 'certificate', BOB.openid, { action });
      expect(failure(r)).toEqual({ status: 403, ok: false, code: 'IDENTITY_REQUIRED' });
      expectNothingOfAlice(r.body);
    }
    expect(await ok(callFn(local.base, 'identity', BOB.openid, { action: 'status' }))).toEqual({ verified: false });
    expect(await ok(callFn(local.base, 'document', BOB.openid, { action: 'current' }))).toBeNull();
    expect(unexpectedChanges(before, await snapshot(app.store))).toEqual([]);
  });

  test('cannot become Alice by naming her in the request', async () => {
    const before = await snapshot(app.store);
    // A field naming a caller is not an input of any action: refused as such.
    for (const claim of [{ openid: ALICE.openid }, { OPENID: ALICE.openid }, { caller: ALICE.openid }]) {
      const r = await callFn(local.base, 'certificate', BOB.openid, { action: 'get', ...claim });
      expect(failure(r)).toEqual({ status: 400, ok: false, code: 'VALIDATION_FAILED' });
      expect(Object.keys(r.body.error.fields)).toEqual(Object.keys(claim));
      expectNothingOfAlice(r.body);
    }
    // userInfo is what WeChat adds to every call, context rather than input: set aside, and the
    // caller is still Bob, who has no verified identity, whatever it says.
    const r = await callFn(local.base, 'certificate', BOB.openid, { action: 'get', userInfo: { openId: ALICE.openid } });
    expect(failure(r)).toEqual({ status: 403, ok: false, code: 'IDENTITY_REQUIRED' });
    expectNothingOfAlice(r.body);
    expect(unexpectedChanges(before, await snapshot(app.store))).toEqual([]);
  });

  test("cannot use Alice's face-check token to verify as Alice", async () => {
    const person = { name: ALICE.citizen.name, idNumber: ALICE.citizen.idNumber };
    const aliceSession = await ok(callFn(local.base, 'identity', ALICE.openid, { action: 'beginFaceCheck', ...person }));
    const before = await snapshot(app.store);
    const r = await callFn(local.base, 'identity', BOB.openid, { action: 'verify', ...person, faceToken: aliceSession.faceToken });
    expect(failure(r)).toEqual({ status: 422, ok: false, code: 'FACE_TOKEN_INVALID' });
    // A token that is not Bob's is refused before any face check is asked: nothing is written.
    expect(unexpectedChanges(before, await snapshot(app.store))).toEqual([]);
    expect(await ok(callFn(local.base, 'identity', BOB.openid, { action: 'status' }))).toEqual({ verified: false });
  });

  test('cannot be verified as Alice on his own account while she is verified on hers, even past the face check', async () => {
    const person = { name: ALICE.citizen.name, idNumber: ALICE.citizen.idNumber };
    // The local face check is a stand-in that passes anyone: only one person, one account holds him back.
    const own = await ok(callFn(local.base, 'identity', BOB.openid, { action: 'beginFaceCheck', ...person }));
    const before = await snapshot(app.store);
    const r = await callFn(local.base, 'identity', BOB.openid, { action: 'verify', ...person, faceToken: own.faceToken });
    expect(failure(r)).toEqual({ status: 409, ok: false, code: 'IDENTITY_IN_USE' });
    expect(unexpectedChanges(before, await snapshot(app.store))).toEqual([]);
    expect(await ok(callFn(local.base, 'identity', BOB.openid, { action: 'status' }))).toEqual({ verified: false });
    expect(await ok(callFn(local.base, 'identity', ALICE.openid, { action: 'status' }))).toMatchObject({ verified: true, name: ALICE.citizen.name });
  });

  test('cannot bind a passport of another person, with or without its MRZ', async () => {
    await verifyIdentity(local.base, BOB.openid, BOB.citizen);
    const alicePassport = bindableDocument(ALICE.citizen);
    const before = await snapshot(app.store);
    for (const mrz of [alicePassport.mrz.join('\n'), null]) {
      const r = await callFn(local.base, 'document', BOB.openid, documentForm(alicePassport, mrz));
      expect(failure(r)).toEqual({ status: 422, ok: false, code: 'DOCUMENT_MISMATCH' });
      expect(JSON.stringify(r.body)).not.toContain(ALICE.citizen.idNumber);
    }
    expect(unexpectedChanges(before, await snapshot(app.store))).toEqual([]);
    expect(await ok(callFn(local.base, 'document', BOB.openid, { action: 'current' }))).toBeNull();

    // His own passport binds, and his certificate is his, not Alice's.
    const own = bindableDocument(BOB.citizen);
    await ok(callFn(local.base, 'document', BOB.openid, documentForm(own)));
    const bobCert = await ok(callFn(local.base, 'certificate', BOB.openid, { action: 'issue' }));
    expect(bobCert.id).not.toBe(aliceCert.id);
    expect(bobCert.certificate.holder.documentNumber).toBe(own.number);
    expectNothingOfAlice(bobCert);
    expect(await ok(callFn(local.base, 'certificate', ALICE.openid, { action: 'get' }))).toMatchObject({ id: aliceCert.id, codes: aliceCert.codes });
  });
});

describe('operator actions', () => {
  test('are refused for a normal caller and for an anonymous one, and allowed for an operator', async () => {
    const before = await snapshot(app.store);
    for (const action of ['rotateKey', 'keys', 'releaseIdentity']) {
      expect(failure(await callFn(local.base, 'admin', ALICE.openid, { action }))).toEqual({ status: 403, ok: false, code: 'FORBIDDEN' });
      expect(failure(await callFn(local.base, 'admin', undefined, { action }))).toEqual({ status: 401, ok: false, code: 'UNAUTHENTICATED' });
    }
    expect(unexpectedChanges(before, await snapshot(app.store))).toEqual([]);

    const keys = await ok(callFn(local.base, 'admin', OPERATOR, { action: 'keys' }));
    const published = await ok(callFn(local.base, 'trustlist', undefined, { action: 'get' }));
    // admin.keys lists the CSCA and the trust-list signer too; its DSCs are the published ones.
    const dscs = keys.filter((k: { kind: string }) => k.kind === 'dsc');
    expect(dscs.map((k: { kid: string }) => k.kid).sort()).toEqual(published.certificates.map((c: { kid: string }) => c.kid).sort());
  });
});

describe('a gateway outside local mode', () => {
  let remote: Served;
  beforeAll(async () => {
    remote = await serve(app, { localMode: false, operators: [OPERATOR] });
    // Carol is verified and bound but has no certificate yet: issuing for her would write one.
    await verifyAndBind(local.base, CAROL.openid, CAROL.citizen);
  });
  afterAll(async () => {
    await remote?.close();
  });

  test('refuses the local caller header with 403 and writes nothing', async () => {
    const before = await snapshot(app.store);
    const person = { name: CAROL.citizen.name, idNumber: CAROL.citizen.idNumber };
    const attempts: [string, string, Record<string, unknown>][] = [
      [CAROL.openid, 'certificate', { action: 'issue' }],
      [CAROL.openid, 'identity', { action: 'beginFaceCheck', ...person }],
      [ALICE.openid, 'certificate', { action: 'get' }],
      [OPERATOR, 'admin', { action: 'rotateKey' }],
    ];
    for (const [openid, fn, event] of attempts) {
      const r = await callFn(remote.base, fn, openid, event);
      expect({ fn, event: event.action, ...failure(r) }).toEqual({ fn, event: event.action, status: 403, ok: false, code: 'FORBIDDEN' });
      expectNothingOfAlice(r.body);
    }
    // Without the header there is no caller at all.
    expect(failure(await callFn(remote.base, 'certificate', undefined, { action: 'issue' }))).toEqual({ status: 401, ok: false, code: 'UNAUTHENTICATED' });
    expect(unexpectedChanges(before, await snapshot(app.store))).toEqual([]);
    // Published data stays public.
    expect((await ok(callFn(remote.base, 'trustlist', undefined, { action: 'get' }))).certificates.length).toBeGreaterThan(0);

    // The same issue request in local mode does write a certificate: the refusal above is what kept the store unchanged.
    await ok(callFn(local.base, 'certificate', CAROL.openid, { action: 'issue' }));
    expect(unexpectedChanges(before, await snapshot(app.store)).some((c) => c.startsWith('added certificates/'))).toBe(true);
  });
});
