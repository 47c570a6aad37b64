/** @jest-environment jsdom */
/**
 * Privacy, against the real server: the popup WeChat's privacy authorisation needs (registered at
 * launch by app.ts, shown when wx.onNeedPrivacyAuthorization's handler is called, answering WeChat
 * with the agree button's id or "disagree"); the separate consents for sensitive personal
 * information, each of which must be ticked before the identity step; and in Settings, exporting the
 * account's data to a file sent with wx.shareFileMessage, and deleting the account and its data.
 */
import './bundles';
import { FIXED_NOW, serverRequest, startServer, type ServerFixture } from './server-fixture';
import { createEnv, tapOn } from './mp-env';
import { textAt as text } from './simulate-page';
import { zh } from '../../miniprogram/i18n/zh';
import { en } from '../../miniprogram/i18n/en';
import { format } from '../../miniprogram/i18n/index';
import { call } from '../../node/local';
import { demoTravellerFlow } from '../../demo/seed';
import { DEMO_CITIZENS } from '../../demo/citizens';

const HOME = '/pages/home/index';
let server: ServerFixture;

beforeAll(async () => {
  server = await startServer('privacy-traveller');
});
afterAll(async () => server?.close());
beforeEach(() => {
  jest.resetModules();
  jest.spyOn(Date, 'now').mockReturnValue(FIXED_NOW);
});
afterEach(() => {
  jest.restoreAllMocks();
  delete (globalThis as { App?: unknown }).App;
});

function envFor(openid = server.openid, stored: Record<string, unknown> = {}, wx: Record<string, jest.Mock> = {}) {
  const routed = serverRequest(server.app, openid);
  return { env: createEnv({ stored, request: routed.request, wx }), routed };
}

/** The mini program's launch as WeChat runs it: app.ts's App({...}) with onLaunch called. */
function launchApp(): void {
  (globalThis as { App?: unknown }).App = (options: { onLaunch?: (o: unknown) => void }) => options.onLaunch?.({ path: 'pages/home/index', query: {} });
  require('../../miniprogram/app');
}

describe('the privacy popup', () => {
  /** A WeChat that records the handler and calls it as it would before a privacy-related API. */
  function privacyWx() {
    let handler: ((resolve: (r: unknown) => void, e: unknown) => void) | null = null;
    const onNeedPrivacyAuthorization = jest.fn((cb: typeof handler) => {
      handler = cb;
    });
    const openPrivacyContract = jest.fn((o: { success: () => void }) => setTimeout(() => o.success(), 0));
    const ask = () => {
      if (!handler) throw new Error('no handler registered');
      const resolve = jest.fn();
      handler(resolve, { referrer: 'wx.chooseMedia' });
      return resolve;
    };
    return { wx: { onNeedPrivacyAuthorization, openPrivacyContract }, ask, registered: () => handler !== null };
  }

  async function pageWithPopup(page: string, stored: Record<string, unknown> = {}) {
    const privacy = privacyWx();
    const { env } = envFor(server.openid, stored, privacy.wx);
    const node = await env.open(page);
    // The app launches before its first page; its module shares the page's registry here.
    launchApp();
    expect(privacy.registered()).toBe(true);
    const popup = node.querySelector('#privacy-popup');
    if (!popup) throw new Error('the page holds no privacy popup');
    return { env, page: node, popup, ...privacy };
  }

  test("hidden until WeChat asks; agreeing answers WeChat with the agree button's id, once, and hides it", async () => {
    const { env, popup, ask } = await pageWithPopup('pages/auth/index');
    expect(popup.querySelectorAll('.privacy-mask')).toHaveLength(0);
    const resolve = ask();
    await env.settle();
    expect(popup.querySelectorAll('.privacy-mask')).toHaveLength(1);
    expect(text(popup, '.privacy-title')).toBe(zh.privacyPopupTitle);
    const agree = popup.querySelector('#agree-btn')!;
    expect(agree.dom.getAttribute('open-type') ?? agree.toJSON().attrs.find((a) => a.name === 'openType')?.value).toBe('agreePrivacyAuthorization');
    agree.dispatchEvent('agreeprivacyauthorization');
    await env.settle();
    expect(resolve.mock.calls).toEqual([[{ buttonId: 'agree-btn', event: 'agree' }]]);
    expect(popup.querySelectorAll('.privacy-mask')).toHaveLength(0);
  });

  test('disagreeing answers "disagree"; a later request shows the popup again; the guide link opens the contract', async () => {
    const { env, popup, ask, wx } = await pageWithPopup('pages/settings/index', { 'ithc.lang': 'en' });
    const first = ask();
    await env.settle();
    expect(text(popup, '.privacy-title')).toBe(en.privacyPopupTitle);
    await tapOn(env, popup, '.privacy-guide');
    expect(wx.openPrivacyContract).toHaveBeenCalledTimes(1);
    await tapOn(env, popup, '.privacy-disagree');
    expect(first.mock.calls).toEqual([[{ event: 'disagree' }]]);
    expect(popup.querySelectorAll('.privacy-mask')).toHaveLength(0);

    // Asked again (another API): shown again, and the new request is the one answered.
    const second = ask();
    await env.settle();
    expect(popup.querySelectorAll('.privacy-mask')).toHaveLength(1);
    popup.querySelector('#agree-btn')!.dispatchEvent('agreeprivacyauthorization');
    await env.settle();
    expect(second.mock.calls).toEqual([[{ buttonId: 'agree-btn', event: 'agree' }]]);
    expect(first.mock.calls).toHaveLength(1);
  });

  test('a request WeChat made before the page opened is shown as soon as it opens', async () => {
    const privacy = privacyWx();
    const { env } = envFor(server.openid, {}, privacy.wx);
    launchApp();
    const resolve = privacy.ask();
    const page = await env.open('pages/auth/index');
    const popup = page.querySelector('#privacy-popup')!;
    expect(popup.querySelectorAll('.privacy-mask')).toHaveLength(1);
    popup.querySelector('#agree-btn')!.dispatchEvent('agreeprivacyauthorization');
    await env.settle();
    expect(resolve).toHaveBeenCalledWith({ buttonId: 'agree-btn', event: 'agree' });
  });

  test('on a base library without the API, launching registers nothing and fails nothing', async () => {
    const { env } = envFor();
    const page = await env.open('pages/auth/index');
    expect(() => launchApp()).not.toThrow();
    expect(page.querySelector('#privacy-popup')!.querySelectorAll('.privacy-mask')).toHaveLength(0);
  });
});

describe('separate consents on the auth page', () => {
  const boxes = ['.agree-id-face', '.agree-health', '.agree'];

  for (const mode of ['self', 'relative'] as const) {
    test(`${mode}: each consent blocks the next step until it is ticked`, async () => {
      const { env, routed } = envFor(`privacy-consent-${mode}`);
      const page = await env.open('pages/auth/index', mode === 'relative' ? { mode } : {});
      expect(page.data.step).toBe(mode === 'self' ? 'privacy' : 'consent');
      // Each box its own control, with its own words.
      expect(text(page, '.agree-id-face .check-text')).toBe(zh.consentIdFace);
      expect(text(page, '.agree-health .check-text')).toBe(zh.consentHealth);
      expect(text(page, '.agree .check-text')).toBe(mode === 'self' ? zh.privacyAgree : zh.consentAgree);
      const calls = routed.calls.length;
      // Every way of leaving one box empty keeps the user here, with the button shown as disabled.
      for (const missing of boxes) {
        for (const b of boxes) if (b !== missing) await tapOn(env, page, b);
        expect(page.querySelector('.agree-next')!.dom.className).toContain('btn-disabled');
        await tapOn(env, page, '.agree-next');
        expect(page.data.step).toBe(mode === 'self' ? 'privacy' : 'consent');
        expect(text(page, '.form-error')).toBe(zh.mustAgreeEach);
        expect(
          page.querySelector(missing)!.dom.getAttribute('aria-checked') ??
            String(
              page
                .querySelector(missing)!
                .toJSON()
                .attrs.find((a) => a.name === 'ariaChecked')?.value,
            ),
        ).toBe('false');
        // Untick again for the next round.
        for (const b of boxes) if (b !== missing) await tapOn(env, page, b);
      }
      expect(routed.calls.length).toBe(calls);
      for (const b of boxes) await tapOn(env, page, b);
      expect(page.querySelector('.agree-next')!.dom.className).not.toContain('btn-disabled');
      await tapOn(env, page, '.agree-next');
      expect(page.data.step).toBe('identity');
      expect(page.querySelectorAll('.form-error')).toHaveLength(0);
    });
  }

  test('the privacy guidelines open from the consent card; when WeChat cannot open them, the user is told', async () => {
    const openPrivacyContract = jest.fn((o: { fail: () => void }) => setTimeout(() => o.fail(), 0));
    const { env } = envFor('privacy-guide', {}, { openPrivacyContract });
    const page = await env.open('pages/auth/index');
    await tapOn(env, page, '.privacy-guide');
    expect(openPrivacyContract).toHaveBeenCalledTimes(1);
    expect(env.wx.showToast).toHaveBeenLastCalledWith(expect.objectContaining({ title: zh.privacyGuideOpenFailed }));
  });
});

describe('Settings: my data', () => {
  /** A phone's user folder and share sheet: the files written, and what was sent. */
  function fileWx(share: 'ok' | 'cancel' = 'ok') {
    const files = new Map<string, string>();
    const writeFile = jest.fn((o: { filePath: string; data: string; encoding: string; success: () => void }) =>
      setTimeout(() => {
        files.set(o.filePath, o.data);
        o.success();
      }, 0),
    );
    const shareFileMessage = jest.fn((o: { filePath: string; fileName: string; success: () => void; fail: (e: unknown) => void }) =>
      setTimeout(() => (share === 'ok' && files.has(o.filePath) ? o.success() : o.fail({ errMsg: 'shareFileMessage:fail cancel' })), 0),
    );
    const wx = { getFileSystemManager: jest.fn(() => ({ writeFile })), shareFileMessage, env: { USER_DATA_PATH: 'wxfile://usr' } as unknown as jest.Mock };
    return { files, wx, shareFileMessage };
  }

  test("export: identity.exportData, written to a file and handed to wx.shareFileMessage; the file is the user's export", async () => {
    const f = fileWx();
    const { env, routed } = envFor(server.openid, {}, f.wx);
    const page = await env.open('pages/settings/index');
    await tapOn(env, page, '.export-data');
    expect(routed.calls.at(-1)).toEqual({ name: 'identity', data: { action: 'exportData' } });
    expect(f.shareFileMessage).toHaveBeenCalledTimes(1);
    const sent = f.shareFileMessage.mock.calls[0][0] as { filePath: string; fileName: string };
    expect(sent.fileName).toBe('ithc-my-data.json');
    const content = f.files.get(sent.filePath)!;
    const exported = JSON.parse(content);

    // What the server holds for this user now: the same, but for the audit entry of this export.
    const now = await call(server.app, 'identity', server.openid, { action: 'exportData' });
    if (!now.ok) throw new Error(now.error.code);
    const expected = JSON.parse(JSON.stringify(now.data)) as { audit: Array<Record<string, unknown>> };
    const latest = expected.audit.findIndex((e) => e.action === 'identity.exportData');
    expected.audit.splice(latest, 1);
    expect(exported).toEqual(expected);
    expect(exported.account.identity.idNumber).toBe(DEMO_CITIZENS[0].idNumber);
    expect(exported.certificates.map((c: { id: string }) => c.id)).toContain(server.view.id);
    expect(exported.account.identity.name).toBe(`${server.view.certificate.holder.surname}${server.view.certificate.holder.givenName}`);
    const bytes = new TextEncoder().encode(content).length;
    const size = bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KB`;
    expect(env.wx.showToast).toHaveBeenLastCalledWith(expect.objectContaining({ title: format(zh.exportDone, { size }) }));
  });

  test('export cancelled at the share sheet: the user is told it was not sent', async () => {
    const f = fileWx('cancel');
    const { env } = envFor(server.openid, {}, f.wx);
    const page = await env.open('pages/settings/index');
    await tapOn(env, page, '.export-data');
    expect(f.shareFileMessage).toHaveBeenCalledTimes(1);
    expect(env.wx.showToast).toHaveBeenLastCalledWith(expect.objectContaining({ title: zh.exportShareFailed }));
  });

  /** A user of their own, with a certificate, a relative chosen and saved copies on the phone. */
  async function deleter(openid: string, citizenIndex: number) {
    const view = await demoTravellerFlow(server.app, openid, citizenIndex);
    const stored = {
      'ithc.lang': 'en',
      'ithc.care': true,
      'ithc.cert.self': { view, savedAt: FIXED_NOW },
      'ithc.actingFor': { id: 'rel-x', name: '王秀英' },
      'ithc.present': { code: view.codes.ithc },
    };
    return { view, stored };
  }

  test('delete, cancelled at the confirmation: nothing is asked of the server, nothing removed', async () => {
    const { stored } = await deleter('privacy-delete-cancel', 1);
    const showModal = jest.fn((o: { success: (r: unknown) => void }) => setTimeout(() => o.success({ confirm: false, cancel: true }), 0));
    const { env, routed } = envFor('privacy-delete-cancel', stored, { showModal });
    const page = await env.open('pages/settings/index');
    const before = routed.calls.length;
    await tapOn(env, page, '.delete-account');
    expect(showModal).toHaveBeenCalledWith(expect.objectContaining({ title: en.deleteAccount, content: en.deleteConfirm }));
    expect(routed.calls.length).toBe(before);
    expect(Object.fromEntries(env.storage.store)).toEqual(stored);
    await expect(call(server.app, 'identity', 'privacy-delete-cancel', { action: 'status' })).resolves.toMatchObject({ ok: true, data: { verified: true } });
  });

  test('delete, confirmed: identity.deleteAccount, the phone keeps only language and care mode, and home opens on a fresh stack', async () => {
    const { view, stored } = await deleter('privacy-delete', 4);
    const { env, routed } = envFor('privacy-delete', stored);
    // Reached from home, as a user would.
    env.stack.push(HOME);
    const page = await env.open('pages/settings/index');
    await tapOn(env, page, '.delete-account');
    expect(env.wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: en.deleteAccount, content: en.deleteConfirm }));
    expect(routed.calls.at(-1)).toEqual({ name: 'identity', data: { action: 'deleteAccount', confirm: true } });
    expect(Object.fromEntries(env.storage.store)).toEqual({ 'ithc.lang': 'en', 'ithc.care': true });
    expect(env.wx.reLaunch).toHaveBeenCalledWith(expect.objectContaining({ url: HOME }));
    // The page stack changes a turn later, as in WeChat (mp-env.ts): a timer set now runs after the one reLaunch set.
    await new Promise((r) => setTimeout(r, 0));
    expect(env.stack).toEqual([HOME]);
    expect(env.wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: en.accountDeleted }));

    // On the server: no identity, and the certificate ended for verifiers.
    await expect(call(server.app, 'identity', 'privacy-delete', { action: 'status' })).resolves.toMatchObject({ ok: true, data: { verified: false } });
    expect(await server.app.revocation.list()).toEqual(
      expect.arrayContaining([expect.objectContaining({ certificateId: view.id, reasonCode: 'HOLDER_DELETED' })]),
    );

    // Home, opened again, starts from nothing.
    const home = await env.openTop();
    expect(home.data.lang).toBe('en');
  });
});
