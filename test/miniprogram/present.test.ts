/** @jest-environment jsdom */
/**
 * The 出示 page, fit for a border, against the real server: the code with the holder's name, its
 * status and validity and a live clock (running only while shown); a code that expires or is
 * revoked while shown says so; screenshots and recordings hidden where WeChat allows it and warned
 * about, all undone on leaving; restored after a restart from what the phone saved, for the person
 * in its query only.
 */
import './bundles';
import { FIXED_NOW, serverRequest, startServer, type ServerFixture, useFixedClock, useShownPages } from './server-fixture';
import { createEnv, tapOn, type Env } from './mp-env';
import { textOf, type SimulateNode } from './simulate-page';
import { zh } from '../../miniprogram/i18n/zh';
import { en } from '../../miniprogram/i18n/en';
import { format } from '../../miniprogram/i18n/index';
import { formatClock, formatInstant } from '../../miniprogram/services/format';
import { correctDemoNaat } from '../revocation/helpers';

const HOUR = 3_600_000;
let server: ServerFixture;

beforeAll(async () => {
  server = await startServer('present-traveller');
});
afterAll(async () => server?.close());
/** Pages shown in a test, left as WeChat leaves them at the end (their clocks stopped). */
const shown = useShownPages();
useFixedClock(FIXED_NOW + HOUR);

const text = (page: SimulateNode, sel: string) => {
  const node = page.querySelector(sel);
  if (!node) throw new Error(`nothing matches ${sel}`);
  return textOf(node.toJSON()).trim();
};
const setNow = (ms: number) => (Date.now as jest.Mock).mockReturnValue(ms);

/** setInterval / clearInterval as the page's clock uses them: each started timer's callback, and which were stopped. */
function recordIntervals() {
  const started: Array<{ handle: unknown; tick: () => void }> = [];
  const stopped: unknown[] = [];
  const realSet = globalThis.setInterval;
  const realClear = globalThis.clearInterval;
  jest.spyOn(globalThis, 'setInterval').mockImplementation((tick: () => void, ms?: number) => {
    // Never fires by itself: the test ticks it.
    const handle = realSet(() => undefined, 1e9);
    started.push({ handle, tick });
    void ms;
    return handle;
  });
  jest.spyOn(globalThis, 'clearInterval').mockImplementation((handle: Parameters<typeof clearInterval>[0]) => {
    stopped.push(handle);
    realClear(handle);
  });
  return { started, stopped, running: () => started.filter((s) => !stopped.includes(s.handle)) };
}

/** The certificate page, then a tap on its QR: the 出示 page as a traveller opens it. */
async function presentFromCertificate(env: Env): Promise<SimulateNode> {
  const cert = await env.open('pages/certificate/index', { for: 'self' });
  cert.querySelector('#qr')!.instance.onTap();
  await env.settle();
  expect(env.stack.at(-1)).toBe('/pages/present/index?for=self');
  const page = await env.openTop();
  await page.instance.onShow();
  await env.settle();
  shown.push(page);
  return page;
}

function onlineEnv(stored: Record<string, unknown> = {}, wx: Record<string, jest.Mock> = {}, s = server) {
  const routed = serverRequest(s.app, s.openid);
  return { env: createEnv({ stored, request: routed.request, wx }), routed };
}

describe('what the page shows', () => {
  test('the code, the holder, status, validity and a clock that runs only while the page is shown', async () => {
    const timers = recordIntervals();
    const { env } = onlineEnv();
    const page = await presentFromCertificate(env);
    const holder = server.view.certificate.holder;
    expect(env.canvases.at(-1)!.decode()).toBe(server.view.codes.ithc);
    expect(text(page, '.present-name')).toBe(`${holder.surname}${holder.givenName}`);
    expect(text(page, '.present-latin')).toBe(`${holder.surnameLatin} ${holder.givenNameLatin}`);
    expect(text(page, '.present-status-text')).toBe(zh.presentValid);
    expect(page.querySelector('.present-status')!.dom.className).toContain('banner-good');
    expect(text(page, '.present-validity')).toBe(format(zh.presentValidUntil, { date: formatInstant('zh', server.view.expiresAt) }));
    expect(text(page, '.present-caption')).toBe(zh.formatIthc);
    expect(text(page, '.present-document')).toContain(holder.documentNumber.slice(-3));
    expect(text(page, '.present-document')).not.toContain(holder.documentNumber);
    expect(text(page, '.present-clock')).toBe(formatClock('zh', FIXED_NOW + HOUR));

    expect(timers.running()).toHaveLength(1);
    setNow(FIXED_NOW + HOUR + 7_000);
    timers.running()[0].tick();
    await env.settle();
    expect(text(page, '.present-clock')).toBe(formatClock('zh', FIXED_NOW + HOUR + 7_000));

    await page.instance.onHide();
    expect(timers.running()).toHaveLength(0);
    await page.instance.onShow();
    expect(timers.running()).toHaveLength(1);
    // Shown again, it says the time of now at once.
    expect(text(page, '.present-clock')).toBe(formatClock('zh', FIXED_NOW + HOUR + 7_000));
    await page.instance.onUnload();
    expect(timers.running()).toHaveLength(0);
  });

  test('a code that expires while it is shown says so at the next tick', async () => {
    const timers = recordIntervals();
    setNow(server.view.expiresAt - 2_000);
    const { env, routed } = onlineEnv();
    const page = await presentFromCertificate(env);
    routed.offline();
    expect(text(page, '.present-status-text')).toBe(zh.presentValid);
    setNow(server.view.expiresAt + 1_000);
    timers.running()[0].tick();
    await env.settle();
    expect(text(page, '.present-status-text')).toBe(zh.presentExpired);
    expect(text(page, '.present-validity')).toBe(format(zh.presentExpiredOn, { date: formatInstant('zh', server.view.expiresAt) }));
    expect(page.querySelector('.present-status')!.dom.className).toContain('banner-warn');
  });

  test('a revocation the server reports while the page is open is shown at once', async () => {
    const own = await startServer('present-corrected');
    try {
      const { env } = onlineEnv({}, {}, own);
      const cert = await env.open('pages/certificate/index', { for: 'self' });
      cert.querySelector('#qr')!.instance.onTap();
      await env.settle();
      // The laboratory corrects a record the certificate carries: the server revokes it and issues another.
      own.clock.advance(HOUR);
      await correctDemoNaat(own.app);
      const page = await env.openTop();
      expect(text(page, '.present-status-text')).toBe(zh.presentRevoked);
      expect(page.querySelector('.present-status')!.dom.className).toContain('banner-bad');
      // The code presented is still the one that was tapped: it is not swapped under the officer's scanner.
      expect(env.canvases.at(-1)!.decode()).toBe(own.view.codes.ithc);
    } finally {
      await own.close();
    }
  });
});

test("an answer that the person is no longer the caller's to show (identity released) takes the code off the screen", async () => {
  const routed = serverRequest(server.app, 'present-released');
  const env = createEnv({ stored: { 'ithc.cert.self': { view: server.view, savedAt: FIXED_NOW } }, request: routed.request });
  const page = await env.open('pages/present/index', { for: 'self' });
  expect(routed.calls.map((c) => c.data)).toEqual([{ action: 'issue' }]);
  expect(page.querySelectorAll('.present-nothing')).toHaveLength(1);
  expect(page.querySelectorAll('#qr')).toHaveLength(0);
  expect(env.storage.store.has('ithc.cert.self')).toBe(false);
});

describe('screenshots and recordings', () => {
  function captureApis(available: boolean) {
    const listeners: { shot?: () => void; recording?: (r: { state: string }) => void } = {};
    return {
      listeners,
      wx: {
        canIUse: jest.fn(() => available),
        setVisualEffectOnCapture: jest.fn(),
        onUserCaptureScreen: jest.fn((l: () => void) => void (listeners.shot = l)),
        offUserCaptureScreen: jest.fn(),
        onScreenRecordingStateChanged: jest.fn((l: (r: { state: string }) => void) => void (listeners.recording = l)),
        offScreenRecordingStateChanged: jest.fn(),
        getScreenRecordingState: jest.fn((o: { success: (r: unknown) => void }) => o.success({ state: 'off' })),
      },
    };
  }

  test('hidden in captures where WeChat allows it, a warning after a screenshot or during a recording, all undone on leaving', async () => {
    const apis = captureApis(true);
    const { env } = onlineEnv({}, apis.wx);
    const page = await presentFromCertificate(env);
    expect(apis.wx.canIUse).toHaveBeenCalledWith('setVisualEffectOnCapture');
    expect(apis.wx.setVisualEffectOnCapture).toHaveBeenLastCalledWith(expect.objectContaining({ visualEffect: 'hidden' }));
    expect(page.querySelectorAll('.present-captured')).toHaveLength(0);

    apis.listeners.shot!();
    await env.settle();
    expect(text(page, '.present-captured')).toContain(zh.presentCaptured);
    await tapOn(env, page, '.present-captured .link');
    expect(page.querySelectorAll('.present-captured')).toHaveLength(0);

    apis.listeners.recording!({ state: 'start' });
    await env.settle();
    expect(text(page, '.present-recording')).toBe(zh.presentRecording);
    apis.listeners.recording!({ state: 'stop' });
    await env.settle();
    expect(page.querySelectorAll('.present-recording')).toHaveLength(0);

    await page.instance.onUnload();
    expect(apis.wx.offUserCaptureScreen).toHaveBeenCalledWith(apis.listeners.shot);
    expect(apis.wx.offScreenRecordingStateChanged).toHaveBeenCalledWith(apis.listeners.recording);
    expect(apis.wx.setVisualEffectOnCapture).toHaveBeenLastCalledWith(expect.objectContaining({ visualEffect: 'none' }));
  });

  test('a recording already running when the page opens is warned about', async () => {
    const apis = captureApis(true);
    apis.wx.getScreenRecordingState = jest.fn((o: { success: (r: unknown) => void }) => o.success({ state: 'on' }));
    const { env } = onlineEnv({}, apis.wx);
    const page = await presentFromCertificate(env);
    expect(text(page, '.present-recording')).toBe(zh.presentRecording);
  });

  test('where the phone has none of these APIs, none is called and the code is still shown', async () => {
    const apis = captureApis(false);
    const { env } = onlineEnv({}, apis.wx);
    const page = await presentFromCertificate(env);
    for (const api of ['setVisualEffectOnCapture', 'onUserCaptureScreen', 'onScreenRecordingStateChanged'] as const)
      expect(apis.wx[api]).not.toHaveBeenCalled();
    expect(env.canvases.at(-1)!.decode()).toBe(server.view.codes.ithc);
    await page.instance.onUnload();
    expect(apis.wx.offUserCaptureScreen).not.toHaveBeenCalled();
  });
});

describe('after a restart', () => {
  test('the page WeChat restores shows the code again, from what the phone saved', async () => {
    const { env } = onlineEnv();
    await presentFromCertificate(env);
    const stored = Object.fromEntries(env.storage.store);

    // A restart: no module state survives, only storage and the page's query.
    jest.resetModules();
    const routed = serverRequest(server.app, server.openid);
    routed.offline();
    const restored = createEnv({ stored, request: routed.request });
    const page = await restored.open('pages/present/index', { for: 'self' });
    expect(restored.canvases.at(-1)!.decode()).toBe(server.view.codes.ithc);
    expect(text(page, '.present-status-text')).toBe(zh.presentValid);
    expect(page.querySelectorAll('.present-nothing')).toHaveLength(0);
  });

  test('a sealed code for a destination comes back as that code, captioned in the language chosen now', async () => {
    const { env } = onlineEnv();
    const destination = await env.open('pages/destination/index', { for: 'self' });
    await tapOn(env, destination, '.partner');
    const sealed = { kind: destination.data.choices[0].kind, code: destination.data.code as string };
    expect(sealed.kind).toBe('sealed');
    const partner = destination.data.destination as string;
    destination.querySelector('#qr')!.instance.onTap();
    await env.settle();
    expect(env.stack.at(-1)).toBe('/pages/present/index?for=self');
    const stored: Record<string, unknown> = { ...Object.fromEntries(env.storage.store), 'ithc.lang': 'en' };
    const partnerName = (stored['ithc.partners'] as { list: Array<{ country: string; name: { en: string } }> }).list.find((p) => p.country === partner)!.name
      .en;

    jest.resetModules();
    const restored = createEnv({ stored, request: jest.fn() });
    const page = await restored.open('pages/present/index', { for: 'self' });
    expect(restored.canvases.at(-1)!.decode()).toBe(sealed.code);
    expect(text(page, '.present-caption')).toBe(`${partnerName} · ${en.formatSealed}`);
    expect(text(page, '.present-status-text')).toBe(en.presentValid);
  });

  test("only for the person in the query: a relative's saved code is not shown on one's own page, nor once their copies are gone", async () => {
    const { env } = onlineEnv();
    await presentFromCertificate(env);
    const relative = { id: '7d1c4a52-0000-4000-8000-000000000001', name: '王秀英' };
    const presentation = { ...(env.storage.store.get('ithc.cert.present') as Record<string, unknown>), who: relative, code: 'HC1:NOT-MY-CODE' };
    const stored = { ...Object.fromEntries(env.storage.store), 'ithc.cert.present': presentation };

    jest.resetModules();
    const mine = createEnv({ stored, request: jest.fn() });
    await mine.open('pages/present/index', { for: 'self' });
    expect(mine.canvases.at(-1)!.decode()).toBe(server.view.codes.ithc);

    jest.resetModules();
    const theirs = createEnv({ stored, request: jest.fn() });
    const page = await theirs.open('pages/present/index', { for: relative.id });
    expect(page.querySelectorAll('.present-nothing')).toHaveLength(1);
    expect(page.querySelectorAll('#qr')).toHaveLength(0);
  });
});
