/** @jest-environment jsdom */
/**
 * Lean pages, against the real server: no page keeps the string table in its data (its WXML reads
 * the generated WXS module, miniprogram/i18n/strings.wxs), and every setData after a page's first
 * render carries at most 4 KB of JSON, through the flows a traveller goes through: refreshing,
 * resuming the next day, changing the language, switching person, choosing a destination and
 * showing a code (whose live clock updates each second). mp-env records each page's setData.
 *
 * The certificate page renders from its saved copy before any cloud call answers: the cloud
 * stand-in's answer is held, and the page already shows the saved certificate and its code.
 * (How long that render takes is measured by scripts/bench-render.mjs, not asserted here.)
 */
import './bundles';
import fs from 'node:fs';
import path from 'node:path';
import { addRelative, FIXED_NOW, pinServerCsca, serverRequest, startServer, TRUST_ANCHORS_MODULE, type ServerFixture } from './server-fixture';
import { createEnv, tapOn, type Env, type Payload } from './mp-env';
import { HAN, MINIPROGRAM_ROOT, textOf, visibleTexts } from './simulate-page';
import { zh } from '../../miniprogram/i18n/zh';
import { en } from '../../miniprogram/i18n/en';
import { LANGS } from '../../core/view';

const LIMIT = 4 * 1024;
const HOUR = 3_600_000;
let server: ServerFixture;
let relative: { id: string; name: string };
/** The verify page's pinned CSCA module for this server (server-fixture.ts pinServerCsca). */
let anchorsFile: string;
/** Every payload measured in this file, for the summary printed at the end. */
const measured: Payload[] = [];

beforeAll(async () => {
  server = await startServer('lean-traveller');
  relative = await addRelative(server, 2, 'parent');
  anchorsFile = await pinServerCsca(server);
});
afterAll(async () => {
  await server?.close();
  const after = measured.filter((p) => p.afterFirstRender);
  const byPage = new Map<string, number[]>();
  for (const p of after) byPage.set(p.page, [...(byPage.get(p.page) ?? []), p.bytes]);
  const lines = [...byPage].map(([page, sizes]) => `  ${page}: ${sizes.length} setData, largest ${Math.max(...sizes)} B`);
  process.stdout.write(`setData after the first render (limit ${LIMIT} B):\n${lines.join('\n')}\n`);
});
let clockAt = FIXED_NOW + 2 * HOUR;
beforeEach(() => {
  jest.resetModules();
  clockAt = FIXED_NOW + 2 * HOUR;
  jest.spyOn(Date, 'now').mockImplementation(() => clockAt);
});
afterEach(() => jest.restoreAllMocks());

function envWith(stored: Record<string, unknown> = {}) {
  const routed = serverRequest(server.app, server.openid);
  return { env: createEnv({ stored, request: routed.request }), routed };
}

/** Asserts the bound over what the pages sent after their first render, and keeps the figures. */
function expectLean(env: Env, pages: string[]): void {
  measured.push(...env.payloads);
  const after = env.payloads.filter((p) => p.afterFirstRender);
  // Each flow named in `pages` sent something after its first render: the bound is not met by sending nothing.
  for (const page of pages) expect(after.filter((p) => p.page === page).length).toBeGreaterThan(0);
  const over = after.filter((p) => p.bytes > LIMIT);
  expect(over).toEqual([]);
}

const saved = (at = clockAt) => ({ 'ithc.cert.self': { view: server.view, savedAt: at - HOUR } });

/** Main-package pages from app.json. */
function mainPages(): string[] {
  return (JSON.parse(fs.readFileSync(path.join(MINIPROGRAM_ROOT, 'app.json'), 'utf8')) as { pages: string[] }).pages;
}

/**
 * The most of the language's strings that one object of the data holds as its own values: a string
 * table (even a page's share of one) is an object of many; content a page builds from the table (a
 * status line, a FAQ entry's question and answer, a list of labelled choices) spreads over many
 * small objects.
 */
function tableStringsInOneObject(data: unknown, table: Readonly<Record<string, string>>): number {
  const strings = new Set(Object.values(table).filter((v) => v.length >= 2));
  let most = 0;
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const values = Object.values(v);
      most = Math.max(most, values.filter((x) => typeof x === 'string' && strings.has(x)).length);
      values.forEach(walk);
    }
  };
  walk(data);
  return most;
}

describe('no page keeps the string table in its data', () => {
  test.each(mainPages())('%s: the WXML reads the strings; a language change sends the language, not the table', async (page) => {
    const { env } = envWith({ ...saved(), 'ithc.lang': 'zh' });
    const node = await env.open(page);
    expect(node.data).not.toHaveProperty('s');
    expect(tableStringsInOneObject(node.data, zh)).toBeLessThanOrEqual(4);
    expect(visibleTexts(node.toJSON()).join(' ')).toMatch(HAN);

    env.storage.store.set('ithc.lang', 'en');
    await node.instance.onShow?.();
    await env.settle();
    expect(node.data.lang).toBe('en');
    expect(tableStringsInOneObject(node.data, en)).toBeLessThanOrEqual(4);
    // The page now reads in English: the WXS module switched with `lang`.
    const shown = visibleTexts(node.toJSON()).join(' ');
    expect(shown).toMatch(/[A-Za-z]{4,}/);
    const changes = env.payloads.filter((p) => p.afterFirstRender);
    expect(changes.some((p) => p.keys.includes('lang'))).toBe(true);
    expectLean(env, [page]);
  });
});

describe('setData after the first render stays within 4 KB', () => {
  test('certificate: refresh, resume the next day, details, reveal, then showing the code with its live clock', async () => {
    const { env } = envWith({ ...saved(), 'ithc.care': true });
    const page = await env.open('pages/certificate/index');
    expect(page.data.state).toBe('ready');
    await page.instance.onPullDownRefresh();
    await env.settle();
    clockAt += 26 * HOUR;
    page.instance.onShow();
    await env.settle();
    page.instance.onToggleDetails();
    page.instance.onToggleReveal();
    await env.settle();
    page.querySelector('#qr')!.instance.onTap();
    await env.settle();
    expect(env.stack[env.stack.length - 1]).toMatch(/^\/pages\/present\/index/);
    const present = await env.openTop();
    await present.instance.onShow();
    // One tick of the live clock (the interval is real; nothing here depends on how long it takes).
    const ticksBefore = env.payloads.filter((p) => p.page === 'pages/present/index' && p.afterFirstRender).length;
    await new Promise((r) => setTimeout(r, 1100));
    clockAt += 1000;
    await env.settle();
    await present.instance.onHide();
    expect(env.payloads.filter((p) => p.page === 'pages/present/index' && p.afterFirstRender).length).toBeGreaterThan(ticksBefore);
    expectLean(env, ['pages/certificate/index', 'pages/present/index']);
  });

  test("switching person: the relatives page, the relative's certificate refreshed, and back to oneself", async () => {
    const { env } = envWith(saved());
    const list = await env.open('pages/relatives/index');
    await list.instance.onShow();
    await env.settle();
    const index = list.data.relatives.findIndex((r: { id: string }) => r.id === relative.id);
    expect(index).toBeGreaterThanOrEqual(0);
    await tapOn(env, list, '.view', index);
    const theirs = await env.openTop();
    expect(theirs.data.person).toContain(relative.name);
    await theirs.instance.onPullDownRefresh();
    theirs.instance.onShow();
    await env.settle();
    await tapOn(env, theirs, '.person .link');
    const again = await env.openTop();
    await again.instance.onShow();
    await env.settle();
    await tapOn(env, again, '.back-self .link');
    expectLean(env, ['pages/relatives/index', 'pages/certificate/index']);
  });

  test('destination: choosing one, its sealed code and rules, another code, showing it', async () => {
    const { env } = envWith(saved());
    const page = await env.open('pages/destination/index');
    const first = page.data.partners[0];
    expect(first).toBeTruthy();
    await page.instance.choose(first.country);
    await env.settle();
    expect(page.data.choices.length).toBeGreaterThan(0);
    if (page.data.choices.length > 1) {
      await tapOn(env, page, '.tab', 1);
    }
    page.instance.onShow();
    await env.settle();
    await page.instance.onOpenQr();
    await env.settle();
    const present = await env.openTop();
    await present.instance.onShow();
    await present.instance.onHide();
    expectLean(env, ['pages/destination/index']);
  });
});

describe("the officer's verify page: setData after the first render stays within 4 KB", () => {
  const PAGE = 'packageVerify/verify/index';

  test("the worst case: a comprehensive certificate in Russian, its details open, the language switched away and back; an HC1 code's fields; a list update", async () => {
    jest.doMock(TRUST_ANCHORS_MODULE, () => jest.requireActual(anchorsFile));
    const routed = serverRequest(server.app, 'lean-officer');
    const scanCode = jest.fn();
    const env = createEnv({
      stored: { 'ithc.verifyLang': 'ru' },
      request: routed.request,
      wx: { scanCode, getAppBaseInfo: jest.fn(() => ({ language: 'ru' })) },
    });
    const page = await env.open(PAGE);
    const scan = async (code: string) => {
      scanCode.mockImplementation((o: { success: (r: unknown) => void }) => setTimeout(() => o.success({ result: code, scanType: 'QR_CODE' }), 0));
      await tapOn(env, page, '.scan');
      expect(page.data.verdict.kind).toBe('valid');
    };
    const switchTo = async (lang: (typeof LANGS)[number]) => {
      page.querySelector('.lang-picker')!.dispatchEvent('change', { detail: { value: String(LANGS.indexOf(lang)) } });
      await env.settle();
      expect(page.data.lang).toBe(lang);
    };

    await scan(server.view.codes.ithc);
    // Comprehensive: tests, an antibody test and vaccinations in one code, their sources named from the source list.
    expect(page.data.summary.map((s: { key: string }) => s.key)).toEqual(['holder', 'tests', 'antibody', 'vaccinations', 'issuer']);
    await tapOn(env, page, '.details-toggle');
    expect(page.data.detailsOpen).toBe(true);
    await switchTo('ar');
    await switchTo('ru');
    await tapOn(env, page, '.update-trust');
    for (const d of server.view.codes.dcc) {
      await scan(d.code);
      await tapOn(env, page, '.details-toggle');
      await switchTo('fr');
      await switchTo('ru');
    }
    expectLean(env, [PAGE]);
  });
});

describe('the certificate page renders from its saved copy before the cloud answers', () => {
  test('the saved certificate and its code are on screen while the answer is held', async () => {
    const routed = serverRequest(server.app, server.openid);
    const held: Array<() => void> = [];
    // The cloud stand-in receives the call and answers only when released.
    const holding = jest.fn((options: Parameters<typeof routed.request>[0]) => {
      held.push(() => routed.request(options));
    });
    const env = createEnv({ stored: saved(), request: holding });
    const page = await env.open('pages/certificate/index');
    expect(holding).toHaveBeenCalledTimes(1);
    expect(routed.calls).toHaveLength(0);
    expect(page.data.state).toBe('ready');
    const holder = server.view.certificate.holder;
    expect(textOf(page.querySelector('.holder-name')!.toJSON()).trim()).toBe(`${holder.surname}${holder.givenName}`);
    expect(textOf(page.querySelector('.status-text')!.toJSON()).trim()).toBe(zh.statusValid);
    // The code drawn is the saved certificate's, decoded from what the component drew.
    const drawn = env.canvases.map((c) => c.decode()).filter(Boolean);
    expect(drawn).toContain(server.view.codes.ithc);
    // Nothing covers it while the call is out.
    expect(env.wx.showLoading).not.toHaveBeenCalled();
    // Released, the answer is taken in behind it.
    held.splice(0).forEach((release) => release());
    await env.settle();
    expect(routed.calls).toHaveLength(1);
    expect(page.data.state).toBe('ready');
    expect(page.data.refreshing).toBe(false);
  });
});
