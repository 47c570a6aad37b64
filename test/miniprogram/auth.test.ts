/** @jest-environment jsdom */
/**
 * First-use authentication and adding a relative, against the real server: the privacy consent,
 * the resident ID number checked as it is typed (the server's own GB 11643 module, bundled), every
 * failure shown under its field in the user's language, and the whole flow to the end.
 */
import './bundles';
import { FIXED_NOW, serverRequest, startServer, type ServerFixture, useFixedClock } from './server-fixture';
import { createEnv, tapOn } from './mp-env';
import { textOf, type SimulateNode } from './simulate-page';
import { zh } from '../../miniprogram/i18n/zh';
import { en } from '../../miniprogram/i18n/en';
import { format } from '../../miniprogram/i18n/index';
import { DEMO_CITIZENS } from '../../demo/citizens';
import { DEMO_DOCUMENTS } from '../../demo/documents';
import { checkResidentId } from '../../core/resident-id';
import { format as formatMessage } from '../../core/view';
import { DEFAULT_IDENTITY_LIMITS } from '../../server/identity/service';

const PAGE = 'pages/auth/index';
let server: ServerFixture;
beforeAll(async () => {
  server = await startServer('auth-fixture-owner');
});
afterAll(async () => server?.close());
useFixedClock(FIXED_NOW);

const input = (value: string) => ({ detail: { value } });
const picked = (id: string) => ({ currentTarget: { dataset: { id } }, detail: {} });
const text = (page: SimulateNode, sel: string) => textOf(page.querySelector(sel)!.toJSON()).trim();
/** Ticks the privacy (or relative's) consent and both consents for sensitive personal information. */
const agreeToAll = (page: SimulateNode) => {
  page.instance.onToggleAgree();
  page.instance.onToggleIdFace();
  page.instance.onToggleHealth();
};
const today = new Date(FIXED_NOW).toISOString().slice(0, 10);
const docOf = (c: (typeof DEMO_CITIZENS)[number]) =>
  DEMO_DOCUMENTS.find((d) => d.holderIdNumber === c.idNumber && d.status === 'valid' && d.expiresOn > today)!;

async function open(openid: string, stored: Record<string, unknown> = {}, query: Record<string, string> = {}) {
  const routed = serverRequest(server.app, openid);
  const env = createEnv({ stored, request: routed.request });
  const page = await env.open(PAGE, query);
  return { env, page, routed };
}

test('privacy first: the next step needs the consent boxes ticked (privacy.test.ts checks each one)', async () => {
  const { env, page } = await open('auth-new-1');
  expect(page.data.step).toBe('privacy');
  expect(text(page, '.agree .check-text')).toBe(zh.privacyAgree);
  await tapOn(env, page, '.agree-next');
  expect(text(page, '.form-error')).toBe(zh.mustAgreeEach);
  expect(page.data.step).toBe('privacy');
  for (const box of ['.agree', '.agree-id-face', '.agree-health']) await tapOn(env, page, box);
  await tapOn(env, page, '.agree-next');
  expect(page.data.step).toBe('identity');
});

test("the ID number is checked as it is typed, with the server module's own findings", async () => {
  const { env, page } = await open('auth-new-2', { 'ithc.lang': 'en' });
  agreeToAll(page);
  page.instance.onAgreeNext();
  expect(page.data.step).toBe('identity');
  const good = DEMO_CITIZENS[1].idNumber;
  page.instance.onIdInput(input(good.slice(0, 10)));
  await env.settle();
  expect(text(page, '.id-feedback')).toBe(format(en.idTyped, { n: 10 }));
  const wrong = good.slice(0, 17) + (good[17] === '1' ? '2' : '1');
  page.instance.onIdInput(input(wrong));
  await env.settle();
  const problems = checkResidentId(wrong, today);
  if (problems.ok) throw new Error('expected the mistyped number to fail');
  expect(text(page, '.id-feedback')).toBe(problems.problems.map((p) => p.en).join('; '));
  page.instance.onIdInput(input(good));
  await env.settle();
  expect(text(page, '.id-feedback')).toBe(format(en.idLooksRight, { birth: '3 Nov 1992', sex: en.sexF }));
});

test("a name that does not match the ID number: the server's answer under both fields, in Chinese", async () => {
  const { env, page } = await open('auth-new-3');
  agreeToAll(page);
  page.instance.onAgreeNext();
  expect(page.data.step).toBe('identity');
  page.instance.onNameInput(input('李四'));
  page.instance.onIdInput(input(DEMO_CITIZENS[1].idNumber));
  await page.instance.onSubmitIdentity();
  await env.settle();
  expect(page.data.step).toBe('identity');
  // The server's sentence from the shared catalogue, in Chinese, with the attempts it has left.
  const firstLeft = Math.min(DEFAULT_IDENTITY_LIMITS.failuresPerCaller.max, DEFAULT_IDENTITY_LIMITS.failuresPerIdNumberAndCaller.max) - 1;
  expect(text(page, '.form-error')).toBe(formatMessage('zh', 'server.identityMismatchLeft', { n: firstLeft }));
  expect(page.data.fieldErrors.name).toMatch(/\p{Script=Han}/u);
  expect(page.data.fieldErrors.name).not.toContain(' / ');
  expect(page.querySelectorAll('.field-error').length).toBeGreaterThanOrEqual(2);
});

test('the whole first use: identity (face check skipped locally), document with field errors, then done', async () => {
  const c = DEMO_CITIZENS[1];
  const doc = docOf(c);
  const { env, page, routed } = await open('auth-new-4', { 'ithc.lang': 'en' });
  agreeToAll(page);
  page.instance.onAgreeNext();
  expect(page.data.step).toBe('identity');
  page.instance.onNameInput(input(c.name));
  page.instance.onIdInput(input(c.idNumber));
  await page.instance.onSubmitIdentity();
  await env.settle();
  expect(routed.calls.map((x) => `${x.name}.${String(x.data.action)}`)).toEqual(['identity.status', 'identity.beginFaceCheck', 'identity.verify']);
  expect(page.data.step).toBe('document');
  expect(text(page, '.identity-line')).toContain(c.name);
  expect(env.wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: en.faceSkippedLocal }));

  // Nothing chosen: the form says what is missing before asking the server.
  await page.instance.onSubmitDocument();
  await env.settle();
  expect(Object.keys(page.data.fieldErrors).sort()).toEqual(['expiry', 'number', 'type']);

  // A number of the wrong form: the server's field message, in English, under the number.
  page.instance.onPickDocType(picked(doc.type));
  page.instance.onNumberInput(input('E12'));
  page.instance.onExpiryChange(input(doc.expiresOn));
  await page.instance.onSubmitDocument();
  await env.settle();
  expect(page.data.fieldErrors.number).toMatch(/^[A-Z]/);
  expect(page.data.fieldErrors.number).not.toMatch(/\p{Script=Han}/u);

  page.instance.onNumberInput(input(doc.number.toLowerCase()));
  page.instance.onMrzInput(input(doc.mrz.join('\n')));
  await env.settle();
  expect(page.data.mrzFeedback.tone).toBe('good');
  await page.instance.onSubmitDocument();
  await env.settle();
  expect(page.data.step).toBe('done');
  expect(text(page, '.done-text')).toBe(en.authDoneText);
  await tapOn(env, page, '.go-certificate');
  // A fresh page stack: no page from before the authentication stays underneath.
  expect(env.stack).toEqual(['/pages/home/index', '/pages/certificate/index?for=self']);
  expect(env.wx.showLoading.mock.calls.length).toBe(env.wx.hideLoading.mock.calls.length);
});

test('a scanned MRZ fills the field; a scan that is not one says so and fills nothing', async () => {
  const doc = docOf(DEMO_CITIZENS[0]);
  const results = [doc.mrz.join('\n'), 'https://example.com'];
  const scanCode = jest.fn((o: { success: (r: unknown) => void }) => setTimeout(() => o.success({ result: results.shift(), scanType: 'PDF_417' }), 0));
  const routed = serverRequest(server.app, server.openid);
  const env = createEnv({ request: routed.request, wx: { scanCode } });
  const page = await env.open(PAGE);
  expect(page.data.step).toBe('document');
  // The MRZ is optional, folded under "more".
  expect(page.querySelectorAll('.scan-mrz')).toHaveLength(0);
  await tapOn(env, page, '.mrz-toggle');
  await tapOn(env, page, '.scan-mrz');
  expect(page.data.mrz).toBe(doc.mrz.join('\n'));
  page.instance.onMrzInput(input(''));
  await tapOn(env, page, '.scan-mrz');
  expect(page.data.mrz).toBe('');
  expect(env.wx.showToast).toHaveBeenLastCalledWith(expect.objectContaining({ title: zh.mrzScanNothing }));
});

test('adding a relative: their consent, their identity with the relationship, their document; then they are shown', async () => {
  const c = DEMO_CITIZENS[3];
  const doc = docOf(c);
  const { env, page, routed } = await open(server.openid, {}, { mode: 'relative' });
  expect(page.data.step).toBe('consent');
  expect(text(page, '.agree .check-text')).toBe(zh.consentAgree);
  agreeToAll(page);
  page.instance.onAgreeNext();
  expect(page.data.step).toBe('identity');
  page.instance.onNameInput(input(c.name));
  page.instance.onIdInput(input(c.idNumber));
  // No relationship chosen yet.
  await page.instance.onSubmitIdentity();
  expect(page.data.fieldErrors.relationship).toBe(zh.fieldRequired);
  page.instance.onPickRelationship(picked('parent'));
  await page.instance.onSubmitIdentity();
  await env.settle();
  expect(page.data.step).toBe('document');
  page.instance.onPickDocType(picked(doc.type));
  page.instance.onNumberInput(input(doc.number));
  page.instance.onExpiryChange(input(doc.expiresOn));
  await page.instance.onSubmitDocument();
  await env.settle();
  expect(page.data.step).toBe('done');
  expect(text(page, '.done-text')).toBe(format(zh.authDoneRelative, { name: c.name }));
  const calls = routed.calls.map((x) => `${x.name}.${String(x.data.action)}`);
  expect(calls).toEqual(['relatives.beginFaceCheck', 'relatives.add', 'relatives.bindDocument']);
  expect(routed.calls[1].data).toEqual(expect.objectContaining({ consent: true, relationship: 'parent' }));
  expect(env.storage.store.get('ithc.actingFor')).toEqual({ id: routed.calls[2].data.for, name: c.name });
});

test('care mode and English on the form', async () => {
  const { page } = await open('auth-new-5', { 'ithc.lang': 'en', 'ithc.care': true });
  expect(page.querySelector('.page')!.dom.className).toContain('care');
  expect(page.data.stepNames.map((s: { label: string }) => s.label)).toEqual([en.stepPrivacy, en.stepIdentity, en.stepDocument, en.stepDone]);
});
