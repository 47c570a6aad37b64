/** @jest-environment jsdom */
/**
 * The travel document step, against the real server: the MRZ is optional and folded under "more",
 * and opens by itself when the server finds a problem in it; `?step=document` binds a new or renewed
 * document later, for the user (from Settings) and for a relative (from the relatives page), and
 * the next certificate carries it. The demo traveller 张伟 holds two valid documents in the demo
 * registry (server/documents/registry.ts): an ordinary passport and a public-affairs passport.
 */
import './bundles';
import { addRelative, FIXED_NOW, serverRequest, startServer, type ServerFixture, useFixedClock } from './server-fixture';
import { createEnv, tapOn } from './mp-env';
import { type SimulateNode, textAt as text } from './simulate-page';
import { zh } from '../../miniprogram/i18n/zh';
import { format } from '../../miniprogram/i18n/index';
import { format as formatMessage } from '../../core/view';
import type { CertificateView } from '../../miniprogram/services/certificate';
import { call } from '../../node/local';
import { demoTravellerFlow } from '../../demo/seed';
import { DEMO_CITIZENS } from '../../demo/citizens';
import { DEMO_DOCUMENTS } from '../../demo/documents';

const AUTH = '/pages/auth/index';
let server: ServerFixture;
const today = new Date(FIXED_NOW).toISOString().slice(0, 10);
const validDocs = (idNumber: string) => DEMO_DOCUMENTS.filter((d) => d.holderIdNumber === idNumber && d.status === 'valid' && d.expiresOn > today);

beforeAll(async () => {
  server = await startServer('document-traveller');
});
afterAll(async () => server?.close());
useFixedClock(FIXED_NOW);

const input = (value: string) => ({ detail: { value } });
const picked = (id: string) => ({ currentTarget: { dataset: { id } }, detail: {} });

function envFor(openid: string, stored: Record<string, unknown> = {}) {
  const routed = serverRequest(server.app, openid);
  return { env: createEnv({ stored, request: routed.request }), routed };
}

async function ok<T>(fn: string, openid: string, event: Record<string, unknown>): Promise<T> {
  const r = await call(server.app, fn, openid, event);
  if (!r.ok) throw new Error(`${fn}.${String(event.action)}: ${r.error.code}`);
  return r.data as T;
}

/** Type, number and expiry as a user enters them. */
function fillDocument(page: SimulateNode, doc: (typeof DEMO_DOCUMENTS)[number]): void {
  page.instance.onPickDocType(picked(doc.type));
  page.instance.onNumberInput(input(doc.number));
  page.instance.onExpiryChange(input(doc.expiresOn));
}

describe('the MRZ, folded', () => {
  test('hidden under "more"; a problem the server finds in it opens the fold and shows the problem under it', async () => {
    const citizen = DEMO_CITIZENS[6];
    const doc = validDocs(citizen.idNumber)[0];
    const s = await ok<{ faceToken: string }>('identity', 'document-mrz', { action: 'beginFaceCheck', name: citizen.name, idNumber: citizen.idNumber });
    await ok('identity', 'document-mrz', { action: 'verify', name: citizen.name, idNumber: citizen.idNumber, faceToken: s.faceToken });

    const { env, routed } = envFor('document-mrz');
    const page = await env.open('pages/auth/index');
    expect(page.data.step).toBe('document');
    expect(page.querySelectorAll('.field-mrz')).toHaveLength(0);
    expect(text(page, '.mrz-toggle')).toBe(zh.mrzMore);

    // Opened, an MRZ with a wrong check digit typed in, folded again, then sent.
    fillDocument(page, doc);
    await tapOn(env, page, '.mrz-toggle');
    expect(page.querySelectorAll('.field-mrz')).toHaveLength(1);
    const [line1, line2] = doc.mrz;
    const wrongDigit = String((Number(line2[9]) + 1) % 10);
    page.instance.onMrzInput(input(`${line1}\n${line2.slice(0, 9)}${wrongDigit}${line2.slice(10)}`));
    await tapOn(env, page, '.mrz-toggle');
    expect(page.querySelectorAll('.field-mrz')).toHaveLength(0);
    await tapOn(env, page, '.submit-document');

    expect(routed.calls.at(-1)!.data).toEqual(expect.objectContaining({ action: 'bind', number: doc.number }));
    expect(page.data.step).toBe('document');
    expect(page.data.fieldErrors.mrz).toMatch(/\p{Script=Han}/u);
    expect(page.querySelectorAll('.field-mrz')).toHaveLength(1);
    expect(text(page, '.field-mrz .field-message')).toBe(page.data.fieldErrors.mrz);
    expect(text(page, '.form-error')).toBe(formatMessage('zh', 'server.mrzInvalid'));

    // Corrected: bound, with the MRZ.
    page.instance.onMrzInput(input(doc.mrz.join('\n')));
    await tapOn(env, page, '.submit-document');
    expect(page.data.step).toBe('done');
    expect(await ok<{ number: string }>('document', 'document-mrz', { action: 'current' })).toEqual(expect.objectContaining({ number: doc.number }));
  });

  test('without the MRZ: type, number and expiry are enough', async () => {
    const citizen = DEMO_CITIZENS[5];
    const doc = validDocs(citizen.idNumber)[0];
    const s = await ok<{ faceToken: string }>('identity', 'document-plain', { action: 'beginFaceCheck', name: citizen.name, idNumber: citizen.idNumber });
    await ok('identity', 'document-plain', { action: 'verify', name: citizen.name, idNumber: citizen.idNumber, faceToken: s.faceToken });
    const { env, routed } = envFor('document-plain');
    const page = await env.open('pages/auth/index');
    fillDocument(page, doc);
    await tapOn(env, page, '.submit-document');
    expect(routed.calls.at(-1)!.data).not.toHaveProperty('mrz');
    expect(page.data.step).toBe('done');
    expect(page.querySelectorAll('.field-mrz')).toHaveLength(0);
  });
});

describe('?step=document: a new or renewed document later', () => {
  const [first, second] = validDocs(DEMO_CITIZENS[0].idNumber);

  test('the demo traveller holds two documents, the first of them bound', () => {
    expect(second).toBeDefined();
    expect(server.view.certificate.holder.documentNumber).toBe(first.number);
  });

  test('for oneself, from Settings: only the document step, then the next certificate carries the new document', async () => {
    const { env, routed } = envFor(server.openid, { 'ithc.cert.self': { view: server.view, savedAt: FIXED_NOW } });
    const settings = await env.open('pages/settings/index');
    settings.instance.onShow();
    await env.settle();
    await tapOn(env, settings, '.change-document');
    expect(env.stack.at(-1)).toBe(`${AUTH}?mode=self&step=document`);

    const page = await env.openTop();
    expect(page.data.step).toBe('document');
    expect(page.data.documentOnly).toBe(true);
    expect(text(page, '.identity-line')).toContain(DEMO_CITIZENS[0].name);
    expect(page.querySelectorAll('.notice, .identity')).toHaveLength(0);
    const before = routed.calls.length;
    fillDocument(page, second);
    await tapOn(env, page, '.submit-document');
    expect(routed.calls.slice(before).map((c) => `${c.name}.${String(c.data.action)}`)).toEqual(['document.bind']);
    expect(page.data.step).toBe('done');
    // The copy of the certificate with the old document is gone from the phone.
    expect(env.storage.store.has('ithc.cert.self')).toBe(false);

    await tapOn(env, page, '.go-certificate');
    expect(env.stack).toEqual(['/pages/home/index', '/pages/certificate/index?for=self']);
    await env.openTop();
    const view = (env.storage.store.get('ithc.cert.self') as { view: CertificateView }).view;
    expect(view.certificate.holder.documentNumber).toBe(second.number);
    expect(view.certificate.holder.documentType).toBe(second.type);
    expect(view.id).not.toBe(server.view.id);
  });

  test("for a relative, from the relatives page: the relative's document, without any identity step", async () => {
    // 李娜 acts for 张伟, bound with his first document.
    const proxy = 'document-proxy';
    await demoTravellerFlow(server.app, proxy, 1);
    const relative = await addRelative(server, 0, 'spouse', proxy);
    const listed = await ok<Array<{ id: string; document: { number: string } | null }>>('relatives', proxy, { action: 'list' });
    expect(listed.find((r) => r.id === relative.id)!.document!.number).toBe(first.number);

    const { env, routed } = envFor(proxy);
    const list = await env.open('pages/relatives/index');
    await list.instance.onShow();
    await env.settle();
    await tapOn(
      env,
      list,
      '.change-document',
      list.data.relatives.findIndex((r: { id: string }) => r.id === relative.id),
    );
    const url = env.stack.at(-1)!;
    expect(url.split('?')[0]).toBe(AUTH);
    expect(Object.fromEntries(new URLSearchParams(url.split('?')[1]))).toEqual({ mode: 'relative', step: 'document', for: relative.id, name: relative.name });

    const page = await env.openTop();
    expect(page.data.step).toBe('document');
    expect(page.data.mode).toBe('relative');
    const before = routed.calls.length;
    fillDocument(page, second);
    await tapOn(env, page, '.submit-document');
    expect(routed.calls.slice(before)).toEqual([
      { name: 'relatives', data: expect.objectContaining({ action: 'bindDocument', for: relative.id, number: second.number, type: second.type }) },
    ]);
    expect(page.data.step).toBe('done');
    expect(text(page, '.done-text')).toBe(format(zh.authDoneRelative, { name: relative.name }));

    const after = await ok<Array<{ id: string; document: { number: string } | null }>>('relatives', proxy, { action: 'list' });
    expect(after.find((r) => r.id === relative.id)!.document!.number).toBe(second.number);
    const cert = await ok<CertificateView>('certificate', proxy, { action: 'issue', for: relative.id });
    expect(cert.certificate.holder.documentNumber).toBe(second.number);
  });
});
