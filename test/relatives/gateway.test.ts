/**
 * The relatives story once over the local gateway (real HTTP on 127.0.0.1, the caller in the local
 * caller header): add with the relative's face check and consent, bind her passport, issue her
 * certificate; a stranger gets 404; she reads her log and ends the proxy; the former proxy gets
 * 403; added again, only an operator may end it through admin.endProxy.
 */
import { functionsFor } from '../../server/functions/definitions';
import { createGateway, LOCAL_OPENID_HEADER } from '../../server/gateway';
import { DEMO_CITIZENS } from '../../demo/citizens';
import { demoDocumentOf, documentInput, openTestApp, type TestApp } from './helpers';

const OPERATOR = 'gw-operator';
const PROXY = { openid: 'gw-proxy', citizen: DEMO_CITIZENS[0] };
const ELDER = { openid: 'gw-elder', citizen: DEMO_CITIZENS.find((c) => c.birthDate < '1950-01-01')! };
const STRANGER = { openid: 'gw-stranger', citizen: DEMO_CITIZENS[1] };

let t: TestApp;
let base: string;
let close: () => Promise<void>;

beforeAll(async () => {
  t = await openTestApp('gateway', [OPERATOR]);
  const gw = createGateway({ functions: functionsFor(t.app), localMode: true, operators: new Set([OPERATOR]) });
  base = await gw.listen(0);
  close = () => gw.close();
}, 120_000);

afterAll(async () => {
  await close?.();
});

async function post(fn: string, openid: string, event: Record<string, unknown>): Promise<{ status: number; body: any }> {
  t.clock.advance(1000);
  const res = await fetch(`${base}/functions/${fn}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [LOCAL_OPENID_HEADER]: openid },
    body: JSON.stringify(event),
  });
  return { status: res.status, body: await res.json() };
}

async function data(fn: string, openid: string, event: Record<string, unknown>): Promise<any> {
  const r = await post(fn, openid, event);
  if (r.status !== 200 || !r.body.ok) throw new Error(`${fn}.${String(event.action)}: HTTP ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
  return r.body.data;
}

async function verify(openid: string, c: { name: string; idNumber: string }, fn = 'identity'): Promise<string> {
  const person = { name: c.name, idNumber: c.idNumber };
  const s = await data(fn, openid, { action: 'beginFaceCheck', ...person });
  if (fn === 'identity') await data('identity', openid, { action: 'verify', ...person, faceToken: s.faceToken });
  return s.faceToken;
}

test('add, bind, issue for her; a stranger gets 404; she reads the log and ends it (then 403); an operator ends the next one', async () => {
  await verify(PROXY.openid, PROXY.citizen);
  const elder = { name: ELDER.citizen.name, idNumber: ELDER.citizen.idNumber };

  const withoutConsent = await post('relatives', PROXY.openid, {
    action: 'add',
    ...elder,
    relationship: 'parent',
    faceToken: await verify(PROXY.openid, elder, 'relatives'),
  });
  expect({ status: withoutConsent.status, code: withoutConsent.body.error?.code }).toEqual({ status: 422, code: 'CONSENT_REQUIRED' });

  const faceToken = await verify(PROXY.openid, elder, 'relatives');
  const rel = await data('relatives', PROXY.openid, { action: 'add', ...elder, relationship: 'parent', faceToken, consent: true });
  const doc = demoDocumentOf(ELDER.citizen, t.clock.now());
  await data('relatives', PROXY.openid, { action: 'bindDocument', for: rel.id, ...documentInput(doc) });
  const cert = await data('certificate', PROXY.openid, { action: 'issue', for: rel.id });
  expect(cert.certificate.holder).toMatchObject({ dateOfBirth: ELDER.citizen.birthDate, documentNumber: doc.number });

  await verify(STRANGER.openid, STRANGER.citizen);
  const stranger = await post('certificate', STRANGER.openid, { action: 'get', for: rel.id });
  expect({ status: stranger.status, code: stranger.body.error?.code }).toEqual({ status: 404, code: 'NOT_FOUND' });
  expect(JSON.stringify(stranger.body)).not.toContain(cert.id);

  await verify(ELDER.openid, elder);
  const log = (await data('relatives', ELDER.openid, { action: 'auditLog' })).entries;
  expect(log.map((l: any) => l.action).reverse()).toEqual(['relatives.add', 'relatives.bindDocument', 'certificate.issue']);
  expect(log.every((l: any) => l.proxyName === PROXY.citizen.name && l.relationship === 'parent' && l.proxyId === rel.id)).toBe(true);

  expect(await data('relatives', ELDER.openid, { action: 'endProxy', id: rel.id })).toEqual({ ended: true });
  const former = await post('certificate', PROXY.openid, { action: 'get', for: rel.id });
  expect({ status: former.status, code: former.body.error?.code }).toEqual({ status: 403, code: 'FORBIDDEN' });

  const again = await data('relatives', PROXY.openid, {
    action: 'add',
    ...elder,
    relationship: 'parent',
    faceToken: await verify(PROXY.openid, elder, 'relatives'),
    consent: true,
  });
  const notOperator = await post('admin', PROXY.openid, { action: 'endProxy', id: again.id });
  expect({ status: notOperator.status, code: notOperator.body.error?.code }).toEqual({ status: 403, code: 'FORBIDDEN' });
  expect(await data('admin', OPERATOR, { action: 'endProxy', id: again.id })).toEqual({ ended: true });
  expect(await data('relatives', PROXY.openid, { action: 'list' })).toEqual([]);
});
