/** @jest-environment jsdom */
/**
 * Always the right person, against the real server, with the page stack kept as WeChat keeps it
 * (mp-env's navigation): returning from authentication or switching person leaves no page of
 * before underneath; each page acts for the person in its own query, whatever storage says later,
 * and passes that person on; shown again (resumed the next day), a page computes status and ages
 * anew and fetches again behind what it shows; a copy deleted or a relative removed meanwhile does
 * not come back.
 */
import './bundles';
import { addRelative, FIXED_NOW, serverRequest, startServer, type ServerFixture, useFixedClock } from './server-fixture';
import { createEnv, tapOn, type Env } from './mp-env';
import { type SimulateNode, textAt as text } from './simulate-page';
import { zh } from '../../miniprogram/i18n/zh';
import { format } from '../../miniprogram/i18n/index';
import { ageOfInstant } from '../../miniprogram/services/format';
import { renderValue } from '../../core/view';
import type { CertificateView } from '../../miniprogram/services/certificate';
import { DEMO_CITIZENS } from '../../demo/citizens';
import { DEMO_DOCUMENTS } from '../../demo/documents';

const HOUR = 3_600_000;
const HOME = '/pages/home/index';
let server: ServerFixture;
let relative: { id: string; name: string };

beforeAll(async () => {
  server = await startServer('person-traveller');
  relative = await addRelative(server, 2, 'parent');
});
afterAll(async () => server?.close());
useFixedClock(FIXED_NOW + HOUR);

const input = (value: string) => ({ detail: { value } });
const picked = (id: string) => ({ currentTarget: { dataset: { id } }, detail: {} });
const own = () => server.view.certificate.holder;
const ownName = () => `${own().surname}${own().givenName}`;

function envFor(openid = server.openid, stored: Record<string, unknown> = {}, wx: Record<string, jest.Mock> = {}) {
  const routed = serverRequest(server.app, openid);
  return { env: createEnv({ stored, request: routed.request, wx }), routed };
}

/** Home, then the main entry: the certificate page as a traveller reaches it. */
async function certificateFromHome(env: Env): Promise<SimulateNode> {
  const home = await env.open('pages/home/index');
  await tapOn(env, home, '.main-entry');
  expect(env.stack).toEqual([HOME, '/pages/certificate/index']);
  return env.openTop();
}

/** The code drawn last, decoded. */
const lastDrawn = (env: Env) => env.canvases.at(-1)!.decode();

describe('returning from authentication', () => {
  test('the certificate opens on a fresh stack: the page that asked for authentication is gone, and back leads home', async () => {
    const c = DEMO_CITIZENS[1];
    const today = new Date(FIXED_NOW).toISOString().slice(0, 10);
    const doc = DEMO_DOCUMENTS.find((d) => d.holderIdNumber === c.idNumber && d.status === 'valid' && d.expiresOn > today)!;
    const { env } = envFor('person-first-use');
    const first = await certificateFromHome(env);
    expect(text(first, '.need-auth .section-title')).toBe(zh.needAuthTitle);
    await tapOn(env, first, '.need-auth .btn');
    expect(env.stack).toEqual([HOME, '/pages/certificate/index', '/pages/auth/index']);

    const auth = await env.openTop();
    auth.instance.onToggleAgree();
    auth.instance.onToggleIdFace();
    auth.instance.onToggleHealth();
    auth.instance.onAgreeNext();
    expect(auth.data.step).toBe('identity');
    auth.instance.onNameInput(input(c.name));
    auth.instance.onIdInput(input(c.idNumber));
    await auth.instance.onSubmitIdentity();
    await env.settle();
    auth.instance.onPickDocType(picked(doc.type));
    auth.instance.onNumberInput(input(doc.number));
    auth.instance.onExpiryChange(input(doc.expiresOn));
    await auth.instance.onSubmitDocument();
    await env.settle();
    expect(auth.data.step).toBe('done');
    await tapOn(env, auth, '.go-certificate');

    expect(env.wx.reLaunch).toHaveBeenCalledWith(expect.objectContaining({ url: HOME }));
    expect(env.stack).toEqual([HOME, '/pages/certificate/index?for=self']);
    const cert = await env.openTop();
    expect(cert.querySelectorAll('.need-auth')).toHaveLength(0);
    expect(text(cert, '.status-text')).toBe(zh.statusValid);
    expect(text(cert, '.person-text')).toBe(format(zh.certSelfNamed, { name: c.name }));
    env.wx.navigateBack({ delta: 1 });
    await env.settle();
    expect(env.stack).toEqual([HOME]);
  });
});

describe('switching person', () => {
  test("opening a relative leaves no page of one's own underneath; 纸质版 and 按目的地 from there act for the relative", async () => {
    const downloadFile = jest.fn((o: { success: (r: unknown) => void }) =>
      setTimeout(() => o.success({ statusCode: 200, tempFilePath: 'wxfile://tmp/c.pdf' }), 0),
    );
    const openDocument = jest.fn((o: { success: (r: unknown) => void }) => setTimeout(() => o.success({}), 0));
    const { env, routed } = envFor(server.openid, {}, { downloadFile, openDocument });
    const mine = await certificateFromHome(env);
    expect(text(mine, '.person-text')).toBe(format(zh.certSelfNamed, { name: ownName() }));
    await tapOn(env, mine, '.person .link');
    const list = await env.openTop();
    await list.instance.onShow();
    await env.settle();
    await tapOn(env, list, '.view');

    // Nothing of the user's own is left under the relative's certificate.
    expect(env.stack).toEqual([HOME, `/pages/certificate/index?for=${relative.id}`]);
    const theirs = await env.openTop();
    expect(text(theirs, '.person-text')).toBe(format(zh.certFor, { name: relative.name }));
    expect(text(theirs, '.holder-name')).toBe(relative.name);
    const theirCode = (env.storage.store.get(`ithc.cert.rel.${relative.id}`) as { view: CertificateView }).view.codes.ithc;
    expect(lastDrawn(env)).toBe(theirCode);

    await tapOn(env, theirs, '.action-paper');
    expect(env.stack.at(-1)).toBe(`/pages/paper/index?for=${relative.id}`);
    const paper = await env.openTop();
    expect(text(paper, '.person-text')).toBe(format(zh.certFor, { name: relative.name }));
    expect(lastDrawn(env)).toBe(theirCode);
    await tapOn(env, paper, '.open-pdf');
    expect(routed.calls.at(-1)!.data).toEqual({ action: 'pdf', lang: 'zh', for: relative.id });

    env.wx.navigateBack({ delta: 1 });
    await env.settle();
    await tapOn(env, theirs, '.action-destination');
    expect(env.stack.at(-1)).toBe(`/pages/destination/index?for=${relative.id}`);
    const destination = await env.openTop();
    await tapOn(env, destination, '.partner');
    const seal = routed.calls.filter((c) => c.data.action === 'seal').at(-1)!;
    expect(seal.data).toEqual(expect.objectContaining({ for: relative.id }));
    expect(text(destination, '.person-text')).toBe(format(zh.certFor, { name: relative.name }));
  });

  test('a page keeps acting for the person it shows when storage later names someone else', async () => {
    const { env, routed } = envFor(server.openid, { 'ithc.actingFor': relative });
    // The user's own certificate, opened for the user, while the default person is the relative.
    const mine = await env.open('pages/certificate/index', { for: 'self' });
    expect(routed.calls[0].data).toEqual({ action: 'issue' });
    expect(text(mine, '.holder-name')).toBe(ownName());

    await tapOn(env, mine, '.action-paper');
    expect(env.stack.at(-1)).toBe('/pages/paper/index?for=self');
    await env.openTop();
    expect(lastDrawn(env)).toBe(server.view.codes.ithc);

    env.wx.navigateBack({ delta: 1 });
    await env.settle();
    // Shown again, it is still the user's page: the refresh asks for the user, not the stored relative.
    (Date.now as jest.Mock).mockReturnValue(FIXED_NOW + 3 * HOUR);
    mine.instance.onShow();
    await env.settle();
    expect(routed.calls.at(-1)!.data).toEqual({ action: 'issue' });
    expect(text(mine, '.holder-name')).toBe(ownName());

    await tapOn(env, mine, '.action-destination');
    expect(env.stack.at(-1)).toBe('/pages/destination/index?for=self');
    const destination = await env.openTop();
    await tapOn(env, destination, '.partner');
    expect(routed.calls.filter((c) => c.data.action === 'seal').at(-1)!.data).not.toHaveProperty('for');
  });

  test('opened without `for` (from home, after a restart), a page acts for the person chosen last, and names them', async () => {
    const { env, routed } = envFor(server.openid, { 'ithc.actingFor': relative });
    const page = await certificateFromHome(env);
    expect(routed.calls[0].data).toEqual({ action: 'issue', for: relative.id });
    expect(text(page, '.person-text')).toBe(format(zh.certFor, { name: relative.name }));
    await tapOn(env, page, '.action-paper');
    expect(env.stack.at(-1)).toBe(`/pages/paper/index?for=${relative.id}`);
  });
});

describe('shown again', () => {
  test('resumed the next day: an expired certificate says so, ages are of now, and it is fetched again behind it without a mask', async () => {
    const expiresAt = server.view.expiresAt;
    (Date.now as jest.Mock).mockReturnValue(expiresAt - HOUR);
    const { env, routed } = envFor();
    const page = await env.open('pages/certificate/index', { for: 'self' });
    expect(text(page, '.status-text')).toBe(zh.statusValid);
    const sampled = Date.parse(server.view.certificate.tests[0].sampleTime);
    // A record's age in the shared view model's words (core/view renderValue).
    const sampleAge = (nowMs: number) => renderValue('zh', { kind: 'age', seconds: Math.floor((nowMs - sampled) / 1000) });
    expect(text(page, '.records-tests .record-age')).toBe(sampleAge(expiresAt - HOUR));
    const fetched = routed.calls.length;
    // Shown again at once (WeChat calls onShow after onLoad): nothing new to ask.
    page.instance.onShow();
    await env.settle();
    expect(routed.calls.length).toBe(fetched);

    // The next day, without a signal.
    routed.offline();
    const masks = env.wx.showLoading.mock.calls.length;
    const nextDay = expiresAt + 23 * HOUR;
    (Date.now as jest.Mock).mockReturnValue(nextDay);
    page.instance.onShow();
    await env.settle();
    expect(text(page, '.status-text')).toBe(zh.statusExpired);
    expect(page.querySelector('.status')!.dom.className).toContain('banner-warn');
    expect(text(page, '.records-tests .record-age')).toBe(sampleAge(nextDay));
    expect(routed.calls.length).toBe(fetched + 1);
    expect(env.wx.showLoading.mock.calls.length).toBe(masks);
    expect(text(page, '.offline')).toBe(format(zh.offlineCopy, { age: ageOfInstant('zh', expiresAt - HOUR, nextDay) }));
    // The QR stays on screen.
    expect(lastDrawn(env)).toBe(server.view.codes.ithc);
  });

  test('copies deleted in settings meanwhile are not shown again', async () => {
    const { env, routed } = envFor();
    const page = await env.open('pages/certificate/index', { for: 'self' });
    expect(text(page, '.status-text')).toBe(zh.statusValid);
    await tapOn(env, page, '.person .link');
    expect(env.stack.at(-1)).toBe('/pages/relatives/index');
    const settings = await env.open('pages/settings/index');
    await tapOn(env, settings, '.clear-cache');
    routed.offline();
    page.instance.onShow();
    await env.settle();
    expect(page.querySelectorAll('.qr-card')).toHaveLength(0);
    expect(text(page, '.error-message')).toBe(zh.errorNetwork);
  });

  test('a relative removed while their certificate is underneath: shown again, none of their data is', async () => {
    const other = await addRelative(server, 4, 'child');
    const { env } = envFor(server.openid, { 'ithc.actingFor': other });
    const theirs = await env.open('pages/certificate/index', { for: other.id });
    expect(text(theirs, '.holder-name')).toBe(other.name);
    await tapOn(env, theirs, '.person .link');
    const list = await env.openTop();
    await list.instance.onShow();
    await env.settle();
    await tapOn(
      env,
      list,
      '.remove',
      list.data.relatives.findIndex((r: { id: string }) => r.id === other.id),
    );
    env.wx.navigateBack({ delta: 1 });
    await env.settle();
    theirs.instance.onShow();
    await env.settle();
    expect(theirs.querySelectorAll('.qr-card')).toHaveLength(0);
    expect(theirs.querySelectorAll('.load-failed')).toHaveLength(1);
    expect([...env.storage.store.keys()].filter((k) => k.includes(other.id))).toEqual([]);
  });
});
