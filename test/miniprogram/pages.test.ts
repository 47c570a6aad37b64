/** @jest-environment jsdom */
/**
 * The destination, relatives, paper, present, FAQ and settings pages, against the real server
 * where they call it: rendering with real data, taps, error states, language and care mode.
 */
import './bundles';
import { addRelative, FIXED_NOW, serverRequest, startServer, type ServerFixture, useFixedClock } from './server-fixture';
import { createEnv, tapOn, type Env } from './mp-env';
import { attr, callbackApi, HAN, textOf, visibleTexts, type SimulateNode } from './simulate-page';
import { call } from '../../node/local';
import { zh } from '../../miniprogram/i18n/zh';
import { en } from '../../miniprogram/i18n/en';
import { format } from '../../miniprogram/i18n/index';

let server: ServerFixture;
let relative: { id: string; name: string };
beforeAll(async () => {
  server = await startServer('pages-traveller');
  relative = await addRelative(server, 2, 'parent');
});
afterAll(async () => server?.close());
useFixedClock(FIXED_NOW + 3_600_000);

const text = (page: SimulateNode, sel: string, i = 0) => textOf(page.querySelectorAll(sel)[i].toJSON()).trim();
const texts = (page: SimulateNode, sel: string) => page.querySelectorAll(sel).map((n) => textOf(n.toJSON()).trim());
const saved = (view = server.view) => ({ 'ithc.cert.self': { view, savedAt: FIXED_NOW } });

async function open(page: string, stored: Record<string, unknown> = {}, wx: Record<string, jest.Mock> = {}, query: Record<string, string> = {}) {
  const routed = serverRequest(server.app, server.openid);
  const env = createEnv({ stored, request: routed.request, wx });
  const node = await env.open(page, query);
  return { env, page: node, routed };
}

describe('destination', () => {
  test('lists the partners, and for one that takes sealed codes shows the sealed QR first, then the open and DCC codes', async () => {
    const { env, page, routed } = await open('pages/destination/index', saved());
    expect(routed.calls[0]).toEqual({ name: 'partners', data: { action: 'list' } });
    const names = texts(page, '.partner-name');
    expect(names.length).toBeGreaterThan(0);
    const country = page.data.partners[0].country;
    await tapOn(env, page, '.partner');
    expect(routed.calls.map((c) => c.data.action)).toEqual(expect.arrayContaining(['seal', 'rules']));
    expect(routed.calls.find((c) => c.data.action === 'seal')!.data).toEqual({ action: 'seal', destination: country });
    const kinds = page.data.choices.map((c: { kind: string }) => c.kind);
    expect(kinds[0]).toBe('sealed');
    expect(kinds).toEqual(expect.arrayContaining(['ithc', 'dcc']));
    // The QR shown is the sealed code, and it decodes to exactly that code.
    const drawn = env.canvases.at(-1)!.decode();
    expect(drawn).toBe(page.data.code);
    expect(drawn!.startsWith('ITHCS1:')).toBe(true);
    // Per-record DCC tabs carry the record's type and date.
    const dccTitles = page.data.choices.filter((c: { kind: string }) => c.kind === 'dcc').map((c: { title: string }) => c.title);
    expect(dccTitles).toContain(format(zh.destDccRecord, { type: zh.destDccTest, date: '2026年3月9日' }));
    // A tab switches the code drawn.
    const dccIndex = kinds.indexOf('dcc');
    const sealedCode = page.data.code;
    await tapOn(env, page, '.tab', dccIndex);
    expect(page.data.code).not.toBe(sealedCode);
    expect(page.data.code.startsWith('HC1:')).toBe(true);
    expect(env.canvases.at(-1)!.decode()).toBe(page.data.code);
    // The entry-rules verdict.
    // The entry-rules verdict, naming the record it was judged on (one of the records the DCC tabs name).
    const recordTitles = (page.data.choices as Array<{ kind: string; title: string }>).filter((c) => c.kind === 'dcc').map((c) => c.title);
    expect(recordTitles.map((record) => format(zh.rulesPassedWith, { record }))).toContain(text(page, '.rules-verdict'));
    expect(page.querySelectorAll('.rule').length).toBeGreaterThan(0);
  });

  test('English, and the full-screen view opens with the chosen code', async () => {
    const { env, page } = await open('pages/destination/index', { 'ithc.lang': 'en', ...saved() });
    await page.instance.choose(page.data.partners[0].country);
    await env.settle();
    const enTitles = (page.data.choices as Array<{ kind: string; title: string }>).filter((c) => c.kind === 'dcc').map((c) => c.title);
    expect(enTitles.map((record) => format(en.rulesPassedWith, { record }))).toContain(text(page, '.rules-verdict'));
    // The holder's name is data, shown as issued.
    const holder = `${server.view.certificate.holder.surname}${server.view.certificate.holder.givenName}`;
    const strings = visibleTexts(page.toJSON()).filter((s) => HAN.test(s) && s !== format(en.certSelfNamed, { name: holder }));
    expect(strings).toEqual([]);
    page.querySelector('#qr')!.instance.onTap();
    await env.settle();
    expect(env.wx.navigateTo).toHaveBeenLastCalledWith(expect.objectContaining({ url: '/pages/present/index?for=self' }));
  });

  test("offline: the error in the user's language, nothing else", async () => {
    const routed = serverRequest(server.app, server.openid);
    routed.offline();
    const env = createEnv({ stored: { 'ithc.lang': 'en' }, request: routed.request });
    const page = await env.open('pages/destination/index');
    expect(text(page, '.error-message')).toBe(en.errorNetwork);
    expect(page.querySelectorAll('.partner')).toHaveLength(0);
  });
});

describe('relatives', () => {
  test('lists the relative; viewing switches the person shown and opens their certificate on a fresh page stack', async () => {
    const { env, page } = await open('pages/relatives/index');
    await page.instance.onShow();
    await env.settle();
    expect(texts(page, '.relative-name')).toEqual([relative.name]);
    expect(text(page, '.relative-rel')).toBe(zh.relParent);
    expect(attr(page.querySelector('.view')!.toJSON(), 'ariaLabel')).toBe(format(zh.relViewLabel, { name: relative.name }));
    // Their document is bound: its button changes or renews it, and the list shows its number masked, as the certificate page does.
    expect(text(page, '.change-document')).toBe(zh.docChangeTitle);
    expect(attr(page.querySelector('.change-document')!.toJSON(), 'ariaLabel')).toBe(format(zh.docChangeRelative, { name: relative.name }));
    const bound = (await call(server.app, 'relatives', server.openid, { action: 'list' })) as {
      ok: true;
      data: Array<{ id: string; document?: { number: string } }>;
    };
    const number = bound.data.find((r) => r.id === relative.id)!.document!.number;
    const listed = texts(page, '.relative .hint').join(' ');
    expect(listed).not.toContain(number);
    expect(listed).toContain(number.slice(-3));
    await tapOn(env, page, '.view');
    expect(env.storage.store.get('ithc.actingFor')).toEqual({ id: relative.id, name: relative.name });
    expect(env.wx.reLaunch).toHaveBeenCalledWith(expect.objectContaining({ url: '/pages/home/index' }));
    expect(env.stack).toEqual(['/pages/home/index', `/pages/certificate/index?for=${relative.id}`]);
  });

  test("the relative's certificate is fetched with `for` and shown the same way", async () => {
    const { env, page, routed } = await open('pages/certificate/index', { 'ithc.actingFor': relative });
    expect(routed.calls[0].data).toEqual({ action: 'issue', for: relative.id });
    expect(text(page, '.person-text')).toBe(format(zh.certFor, { name: relative.name }));
    expect(text(page, '.holder-name')).toBe(relative.name);
    expect(env.canvases[0].decode()).toMatch(/^ITHC1:/);
    expect(env.storage.store.has(`ithc.cert.rel.${relative.id}`)).toBe(true);
  });

  test('back to myself clears the switch', async () => {
    const { env, page } = await open('pages/relatives/index', { 'ithc.actingFor': relative });
    await page.instance.onShow();
    await env.settle();
    await tapOn(env, page, '.back-self .link');
    expect(env.storage.store.has('ithc.actingFor')).toBe(false);
  });

  test('remove asks first; cancelled keeps the relative; confirmed ends the relation on the server', async () => {
    const other = await addRelative(server, 4, 'child');
    const cancel = jest.fn((o: { success: (r: unknown) => void }) => setTimeout(() => o.success({ confirm: false, cancel: true }), 0));
    const first = await open('pages/relatives/index', {}, { showModal: cancel });
    await first.page.instance.onShow();
    await first.env.settle();
    const index = first.page.data.relatives.findIndex((r: { id: string }) => r.id === other.id);
    await tapOn(first.env, first.page, '.remove', index);
    expect(cancel).toHaveBeenCalledWith(expect.objectContaining({ content: format(zh.relRemoveConfirm, { name: other.name }) }));
    expect(first.page.data.relatives.map((r: { id: string }) => r.id)).toContain(other.id);

    jest.resetModules();
    const { env, page, routed } = await open('pages/relatives/index', {
      'ithc.actingFor': other,
      [`ithc.cert.rel.${other.id}`]: { view: server.view, savedAt: FIXED_NOW },
    });
    await page.instance.onShow();
    await env.settle();
    await tapOn(
      env,
      page,
      '.remove',
      page.data.relatives.findIndex((r: { id: string }) => r.id === other.id),
    );
    expect(routed.calls.find((c) => c.data.action === 'remove')!.data).toEqual({ action: 'remove', for: other.id });
    expect(page.data.relatives.map((r: { id: string }) => r.id)).not.toContain(other.id);
    expect(env.storage.store.has('ithc.actingFor')).toBe(false);
    expect(env.storage.store.has(`ithc.cert.rel.${other.id}`)).toBe(false);
  });
});

describe('paper version', () => {
  test("requests the PDF in the user's language, downloads it and opens it with the print/share menu", async () => {
    const downloadFile = jest.fn((o: { url: string; success: (r: unknown) => void }) =>
      setTimeout(() => o.success({ statusCode: 200, tempFilePath: 'wxfile://tmp/cert.pdf' }), 0),
    );
    const openDocument = callbackApi({ ok: true });
    const { env, page, routed } = await open('pages/paper/index', { 'ithc.lang': 'en', ...saved() }, { downloadFile, openDocument });
    await tapOn(env, page, '.open-pdf');
    expect(routed.calls.at(-1)!.data).toEqual({ action: 'pdf', lang: 'en' });
    expect(typeof downloadFile.mock.calls[0][0].url).toBe('string');
    expect(openDocument).toHaveBeenCalledWith(expect.objectContaining({ filePath: 'wxfile://tmp/cert.pdf', fileType: 'pdf', showMenu: true }));
    expect(page.querySelector('.paper-message')).toBeUndefined();
  });

  test("a failed download says so in the user's language", async () => {
    const downloadFile = jest.fn((o: { fail: (e: unknown) => void }) => setTimeout(() => o.fail({ errMsg: 'downloadFile:fail' }), 0));
    const { env, page } = await open('pages/paper/index', saved(), { downloadFile });
    await tapOn(env, page, '.open-pdf');
    expect(text(page, '.paper-message')).toBe(zh.paperPdfFailed);
  });

  test('saves the drawn QR to the album; a refusal offers the settings', async () => {
    const canvasToTempFilePath = jest.fn((o: { success: (r: unknown) => void }) => setTimeout(() => o.success({ tempFilePath: 'wxfile://tmp/qr.png' }), 0));
    const saveOk = callbackApi({ ok: true });
    const ok = await open('pages/paper/index', saved(), { canvasToTempFilePath, saveImageToPhotosAlbum: saveOk });
    expect(ok.env.canvases[0].decode()).toBe(server.view.codes.ithc);
    await tapOn(ok.env, ok.page, '.save-image');
    expect(saveOk).toHaveBeenCalledWith(expect.objectContaining({ filePath: 'wxfile://tmp/qr.png' }));
    expect(ok.env.wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: zh.paperSaved }));

    jest.resetModules();
    const denied = await open('pages/paper/index', saved(), {
      canvasToTempFilePath,
      saveImageToPhotosAlbum: callbackApi({ ok: false, errMsg: 'saveImageToPhotosAlbum:fail auth deny' }),
      openSetting: jest.fn(),
    });
    await tapOn(denied.env, denied.page, '.save-image');
    expect(text(denied.page, '.paper-message')).toContain(zh.paperSaveDenied);
    await tapOn(denied.env, denied.page, '.open-settings');
    expect(denied.env.wx.openSetting).toHaveBeenCalled();
  });
});

describe('present (full screen)', () => {
  async function present(env: Env) {
    env.storage.store.set('ithc.cert.self', { view: server.view, savedAt: FIXED_NOW });
    const { setPresentation } = require('../../miniprogram/services/present');
    setPresentation({
      code: server.view.codes.ithc,
      kind: 'ithc',
      caption: { zh: zh.formatIthc, en: en.formatIthc },
      who: null,
      certificateId: server.view.id,
      expiresAt: server.view.expiresAt,
    });
    return env.open('pages/present/index', { for: 'self' });
  }

  test("maximum brightness while shown, the user's own brightness restored on leaving", async () => {
    const getScreenBrightness = jest.fn((o: { success: (r: unknown) => void }) => setTimeout(() => o.success({ value: 0.35 }), 0));
    const setScreenBrightness = callbackApi({ ok: true });
    const setKeepScreenOn = jest.fn();
    const env = createEnv({ wx: { getScreenBrightness, setScreenBrightness, setKeepScreenOn } });
    const page = await present(env);
    expect(env.canvases[0].decode()).toBe(server.view.codes.ithc);
    expect(text(page, '.present-name')).toBe('张伟');
    await page.instance.onShow();
    expect(setScreenBrightness).toHaveBeenLastCalledWith(expect.objectContaining({ value: 1 }));
    expect(setKeepScreenOn).toHaveBeenLastCalledWith({ keepScreenOn: true });
    await page.instance.onUnload();
    expect(setScreenBrightness).toHaveBeenLastCalledWith(expect.objectContaining({ value: 0.35 }));
    expect(setKeepScreenOn).toHaveBeenLastCalledWith({ keepScreenOn: false });
  });

  test('close goes back', async () => {
    const env = createEnv();
    const page = await present(env);
    await tapOn(env, page, '.present-close');
    expect(env.wx.navigateBack).toHaveBeenCalled();
  });
});

describe('FAQ and settings', () => {
  test("the FAQ covers the issue's topics; a question opens and closes its answer; the hotline dials", async () => {
    const makePhoneCall = callbackApi({ ok: true });
    const { env, page } = await open('pages/faq/index', {}, { makePhoneCall });
    expect(texts(page, '.question-text')).toEqual([
      zh.faqApplyQ,
      zh.faqWhoQ,
      zh.faqNotServedQ,
      zh.faqAuthFailedQ,
      zh.faqRecordsQ,
      zh.faqPassportQ,
      zh.faqQ1,
      zh.faqQ2,
      zh.faqQ3,
      zh.faqQ4,
      zh.faqQ5,
      zh.faqQ6,
    ]);
    expect(texts(page, '.answer')).toEqual([zh.faqApplyA]);
    await tapOn(env, page, '.question', 8);
    expect(texts(page, '.answer')).toEqual([zh.faqApplyA, zh.faqA3]);
    expect(attr(page.querySelectorAll('.question')[8].toJSON(), 'ariaExpanded')).toBe('true');
    await tapOn(env, page, '.question', 0);
    expect(texts(page, '.answer')).toEqual([zh.faqA3]);
    expect(zh.faqA6).toContain('12308');
    await tapOn(env, page, '.call');
    expect(makePhoneCall).toHaveBeenCalledWith(expect.objectContaining({ phoneNumber: '12308' }));
  });

  test('settings: the language and care mode are kept, applied at once and read by the next page', async () => {
    const { env, page } = await open('pages/settings/index');
    await tapOn(env, page, '.lang-en');
    expect(env.storage.store.get('ithc.lang')).toBe('en');
    expect(text(page, '.section-title')).toBe(en.languageSection);
    expect(attr(page.querySelector('.lang-en')!.toJSON(), 'ariaChecked')).toBe(true);
    await tapOn(env, page, '.care-switch');
    expect(env.storage.store.get('ithc.care')).toBe(true);
    expect(page.querySelector('.page')!.dom.className).toContain('care');
    expect(text(page, '.care-state')).toBe(en.careOn);

    const stored = Object.fromEntries(env.storage.store);
    jest.resetModules();
    const next = await open('pages/faq/index', stored);
    expect(next.page.querySelector('.page')!.dom.className).toContain('care');
    expect(text(next.page, '.question-text')).toBe(en.faqApplyQ);
  });

  test('settings: the verified identity is shown with the way to release it; released after a confirmation, the account is unverified and the saved copies are gone', async () => {
    // An account of its own: releasing it must not change the one the other tests use.
    const own = await startServer('mp-settings-release');
    try {
      const routed = serverRequest(own.app, own.openid);
      const env = createEnv({ stored: { 'ithc.cert.self': { view: own.view, savedAt: FIXED_NOW }, 'ithc.lang': 'zh' }, request: routed.request });
      const page = await env.open('pages/settings/index');
      page.instance.onShow();
      await env.settle();
      const me = (await own.app.identity.status(own.openid)) as { name: string; idNumberMasked: string };
      expect(text(page, '.identity-state')).toBe(format(zh.identityVerifiedAs, { name: me.name, id: me.idNumberMasked }));
      await tapOn(env, page, '.lang-en');
      expect(text(page, '.identity-state')).toBe(format(en.identityVerifiedAs, { name: me.name, id: me.idNumberMasked }));

      await tapOn(env, page, '.unbind');
      expect(env.wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: en.unbindIdentity, content: en.unbindConfirm }));
      expect(routed.calls.map((c) => c.data)).toContainEqual({ action: 'unbind' });
      expect(page.querySelectorAll('.identity-card')).toHaveLength(0);
      expect(await own.app.identity.status(own.openid)).toMatchObject({ verified: false, released: { by: 'self' } });
      expect([...env.storage.store.keys()].filter((k) => k.startsWith('ithc.cert.'))).toEqual([]);

      // Shown again, an unverified account has no such section.
      page.instance.onShow();
      await env.settle();
      expect(page.querySelectorAll('.identity-card')).toHaveLength(0);
    } finally {
      await own.close();
    }
  });

  test('deleting the saved copies removes every certificate copy and nothing else', async () => {
    const { env, page } = await open('pages/settings/index', {
      ...saved(),
      [`ithc.cert.rel.${relative.id}`]: { view: server.view, savedAt: FIXED_NOW },
      'ithc.lang': 'zh',
    });
    await tapOn(env, page, '.clear-cache');
    expect([...env.storage.store.keys()].filter((k) => k.startsWith('ithc.cert.'))).toEqual([]);
    expect(env.storage.store.get('ithc.lang')).toBe('zh');
  });
});
