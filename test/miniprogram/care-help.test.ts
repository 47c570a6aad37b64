/** @jest-environment jsdom */
/**
 * Care mode that follows WeChat's font size (the user's own choice wins), the shorter certificate
 * page in care mode, help on every auth step (the FAQ and the hotline as dialled in China and from
 * abroad), per-record EU codes on the certificate page opened full screen with that exact code, and
 * entry-rule results in plain words. Against the real in-process server.
 */
import './bundles';
import { FIXED_NOW, serverRequest, startServer, type ServerFixture, useFixedClock, useShownPages } from './server-fixture';
import { createEnv, tapOn } from './mp-env';
import { callbackApi, textOf, type SimulateNode, textAt as text } from './simulate-page';
import { zh } from '../../miniprogram/i18n/zh';
import { en } from '../../miniprogram/i18n/en';
import { t } from '../../miniprogram/i18n/index';
import { formatInstant } from '../../miniprogram/services/format';
import { decodeStages } from '../../core/hcert';
import { DEMO_CITIZENS } from '../../demo/citizens';
import { demoTravellerFlow } from '../../demo/seed';

const HOUR = 3_600_000;
let server: ServerFixture;

beforeAll(async () => {
  server = await startServer('mp-care-help');
});
afterAll(async () => server?.close());
const shown = useShownPages();
useFixedClock(FIXED_NOW + HOUR);

const texts = (page: SimulateNode, sel: string) => page.querySelectorAll(sel).map((n) => textOf(n.toJSON()).trim());
/** simulate prefixes class names with the component's ("main--care"). */
const isCare = (page: SimulateNode) =>
  page
    .querySelector('.page')!
    .dom.className.split(/\s+/)
    .some((c) => /(^|--)care$/.test(c));

function online(stored: Record<string, unknown> = {}, wx: Record<string, jest.Mock> = {}) {
  const routed = serverRequest(server.app, server.openid);
  return { env: createEnv({ stored, request: routed.request, wx }), routed };
}
const fontSize = (size: number | undefined) => ({ getAppBaseInfo: jest.fn(() => ({ fontSizeSetting: size, SDKVersion: '3.8.12' })) });

describe("care mode follows WeChat's font size", () => {
  test('a large WeChat font size turns care mode on, on every page; the standard size does not', async () => {
    const large = online({}, fontSize(20)).env;
    expect(isCare(await large.open('pages/certificate/index', { for: 'self' }))).toBe(true);
    expect(isCare(await large.open('pages/faq/index'))).toBe(true);
    const settings = await large.open('pages/settings/index');
    expect(isCare(settings)).toBe(true);
    expect(text(settings, '.care-state')).toBe(zh.careOn);
    expect(text(settings, '.care-from-font')).toContain('20');

    jest.resetModules();
    const standard = online({}, fontSize(17)).env;
    expect(isCare(await standard.open('pages/faq/index'))).toBe(false);
  });

  test("an older base library without getAppBaseInfo: getSystemInfoSync's fontSizeSetting is read", async () => {
    const { env } = online({}, { getSystemInfoSync: jest.fn(() => ({ fontSizeSetting: 24 })) });
    delete (globalThis as unknown as { wx: Record<string, unknown> }).wx.getAppBaseInfo;
    expect(isCare(await env.open('pages/faq/index'))).toBe(true);
  });

  test('the user turning it off in Settings wins over the font size, on this page and the next ones', async () => {
    const { env } = online({}, fontSize(26));
    const settings = await env.open('pages/settings/index');
    expect(isCare(settings)).toBe(true);
    await tapOn(env, settings, '.care-switch');
    expect(env.storage.store.get('ithc.care')).toBe(false);
    expect(isCare(settings)).toBe(false);
    expect(settings.querySelector('.care-from-font')).toBeUndefined();
    expect(isCare(await env.open('pages/certificate/index', { for: 'self' }))).toBe(false);
  });

  test('a user who turned it on keeps it at the standard size', async () => {
    const { env } = online({ 'ithc.care': true }, fontSize(17));
    expect(isCare(await env.open('pages/faq/index'))).toBe(true);
  });
});

describe('the certificate page in care mode', () => {
  test('code, status and name first; the holder, records and validity folded behind one tap', async () => {
    const { env } = online({}, fontSize(22));
    const page = await env.open('pages/certificate/index', { for: 'self' });
    const holder = server.view.certificate.holder;
    expect(text(page, '.status-text')).toBe(zh.statusValid);
    expect(text(page, '.qr-name')).toContain(`${holder.surname}${holder.givenName}`);
    expect(page.querySelector('#qr')).toBeDefined();
    for (const folded of ['.holder-name', '.records-tests', '.records-vaccinations', '.cert-id', '.eu-codes'])
      expect(page.querySelector(folded)).toBeUndefined();
    expect(text(page, '.details-toggle')).toBe(zh.detailsShow);
    // The actions stay in reach.
    expect(page.querySelector('.action-destination')).toBeDefined();

    await tapOn(env, page, '.details-toggle');
    expect(text(page, '.holder-name')).toBe(`${holder.surname}${holder.givenName}`);
    expect(page.querySelector('.records-tests')).toBeDefined();
    expect(text(page, '.details-toggle')).toBe(zh.detailsHide);
  });

  test('outside care mode nothing is folded', async () => {
    const { env } = online({}, fontSize(17));
    const page = await env.open('pages/certificate/index', { for: 'self' });
    expect(page.querySelector('.details-toggle')).toBeUndefined();
    expect(page.querySelector('.holder-name')).toBeDefined();
  });
});

describe('help on the auth steps', () => {
  /** The auth page of an account with no identity yet, at the identity step. */
  async function authAt(step: 'identity' | 'document') {
    // The document step alone is for an account with a verified identity (the fixture's); the identity step for a new one.
    const routed = serverRequest(server.app, step === 'document' ? server.openid : 'mp-care-help-new');
    const env = createEnv({ request: routed.request });
    const query: Record<string, string> = step === 'document' ? { mode: 'self', step: 'document' } : { mode: 'self' };
    const page = await env.open('pages/auth/index', query);
    if (step === 'identity') page.instance.goTo('identity');
    await env.settle();
    expect(page.data.step).toBe(step);
    return { env, page };
  }

  test.each(['identity', 'document'] as const)('the %s step links to the FAQ, opened on what to do when authentication fails', async (step) => {
    const { env, page } = await authAt(step);
    expect(text(page, '.faq-link')).toBe(zh.authHelp);
    await tapOn(env, page, '.faq-link');
    expect(env.stack.at(-1)).toBe('/pages/faq/index?open=authFailed');
    const faq = await env.openTop();
    expect(texts(faq, '.answer')).toEqual([zh.faqAuthFailedA]);
  });

  test('the first step links to the FAQ too', async () => {
    const routed = serverRequest(server.app, 'mp-care-help-new-first');
    const env = createEnv({ request: routed.request });
    const page = await env.open('pages/auth/index', { mode: 'self' });
    expect(page.data.step).toBe('privacy');
    await tapOn(env, page, '.faq-link');
    expect(env.stack.at(-1)).toBe('/pages/faq/index?open=apply');
  });
});

describe('help on the certificate page', () => {
  test('with no records yet, the page says so and links to the FAQ on missing, wrong or not yet synced records', async () => {
    // A verified traveller whose records no lab or vaccination site has uploaded (their demo records removed).
    const openid = 'mp-care-help-no-records';
    const index = 3;
    const personId = server.app.personIds.personId(DEMO_CITIZENS[index].idNumber);
    for (const doc of await server.app.store.find('records', { personId })) await server.app.store.delete('records', String(doc._id));
    await demoTravellerFlow(server.app, openid, index).catch((e: Error) => {
      if (!/NO_RECORDS/.test(e.message)) throw e;
    });
    const env = createEnv({ request: serverRequest(server.app, openid).request });
    const page = await env.open('pages/certificate/index');
    expect(page.data.state).toBe('noRecords');
    expect(text(page, '.no-records .faq-link')).toBe(zh.faqRecordsQ);
    await tapOn(env, page, '.no-records .faq-link');
    expect(env.stack.at(-1)).toBe('/pages/faq/index?open=records');
    const faq = await env.openTop();
    expect(texts(faq, '.answer')).toEqual([zh.faqRecordsA]);
  });
});

describe('the FAQ', () => {
  test('answers how to apply, who can, failed authentication, wrong or missing records, a renewed passport, and who cannot be served yet', async () => {
    const { env } = online();
    const page = await env.open('pages/faq/index');
    const questions = texts(page, '.question-text');
    for (const q of [zh.faqApplyQ, zh.faqWhoQ, zh.faqAuthFailedQ, zh.faqRecordsQ, zh.faqPassportQ, zh.faqNotServedQ]) expect(questions).toContain(q);
    // The answers say what to do, in words the rest of the app uses.
    expect(zh.faqRecordsA).toMatch(/机构更正/);
    expect(zh.faqRecordsA).toMatch(/自动签发/);
    expect(zh.faqPassportA).toContain(zh.docChangeTitle);
    expect(en.faqPassportA).toContain(en.docChangeTitle);
    expect(zh.faqNotServedA).toMatch(/居民身份证/);
    expect(zh.faqNotServedA).toMatch(/幼儿/);
    expect(zh.faqNotServedA).toContain('+86-10-12308');
    // Each opens to its answer.
    const i = questions.indexOf(zh.faqNotServedQ);
    await tapOn(env, page, '.question', i);
    expect(texts(page, '.answer')).toContain(zh.faqNotServedA);
  });

  test('the hotline as dialled inside China and from abroad, each labelled', async () => {
    const makePhoneCall = callbackApi({ ok: true });
    const { env } = online({ 'ithc.lang': 'en' }, { makePhoneCall });
    const page = await env.open('pages/faq/index');
    expect(texts(page, '.call')).toEqual(['☎ Inside China: call 12308', '☎ From abroad: call +86-10-12308', '☎ From abroad, alternative: +86-10-59913991']);
    await tapOn(env, page, '.call-domestic');
    await tapOn(env, page, '.call-abroad');
    await tapOn(env, page, '.call-abroadAlt');
    expect(makePhoneCall.mock.calls.map((c) => (c[0] as { phoneNumber?: string }).phoneNumber)).toEqual(['12308', '+861012308', '+861059913991']);
  });
});

describe('per-record EU codes', () => {
  test('the certificate page lists one EU code per test and vaccination, each with its record', async () => {
    const { env } = online();
    const page = await env.open('pages/certificate/index', { for: 'self' });
    const dcc = server.view.codes.dcc;
    expect(dcc.length).toBeGreaterThan(0);
    expect(page.querySelectorAll('.eu-code')).toHaveLength(dcc.length);
    const labels = texts(page, '.eu-code-label');
    const { tests, vaccinations } = server.view.certificate;
    expect(labels.filter((l) => l.endsWith(zh.destDccTest))).toHaveLength(dcc.filter((d) => d.type === 't').length);
    expect(labels.filter((l) => l.endsWith(zh.destDccVaccination))).toHaveLength(Math.min(vaccinations.length, dcc.filter((d) => d.type === 'v').length));
    expect(tests.length + vaccinations.length).toBeGreaterThanOrEqual(dcc.length);
    expect(texts(page, '.eu-code-open').every((t) => t === zh.enlarge)).toBe(true);
  });

  test.each([0, 1])('tapping 点击放大 on code %i opens 出示 with that exact code, drawn and decodable', async (index) => {
    const dcc = server.view.codes.dcc;
    if (index >= dcc.length) throw new Error(`the demo certificate has ${dcc.length} EU codes`);
    const { env } = online();
    const cert = await env.open('pages/certificate/index', { for: 'self' });
    await tapOn(env, cert, '.eu-code-open', index);
    expect(env.stack.at(-1)).toBe('/pages/present/index?for=self');
    const before = env.canvases.length;
    const present = await env.openTop();
    await present.instance.onShow();
    await env.settle();
    shown.push(present);
    expect(present.data.code).toBe(dcc[index].code);
    const drawn = env.canvases.slice(before).map((c) => c.decode());
    expect(drawn).toContain(dcc[index].code);
    expect(text(present, '.present-caption')).toContain(texts(cert, '.eu-code-label')[index]);
  });
  test("a revoked certificate's EU codes say they ended with it instead of a date to trust", async () => {
    const revoked = { ...server.view, status: 'revoked', revokedAt: FIXED_NOW, revokedReasonCode: 'OPERATOR' };
    // Offline, from the copy saved after the revocation.
    const env = createEnv({ stored: { 'ithc.cert.self': { view: revoked, savedAt: FIXED_NOW } }, request: jest.fn() });
    const page = await env.open('pages/certificate/index', { for: 'self' });
    expect(page.data.screen.status).toBe('revoked');
    expect(texts(page, '.eu-code-validity')).toEqual(server.view.codes.dcc.map(() => zh.euCodeRevoked));
    expect(page.data.screen.euCodes.every((e: { ended: boolean }) => e.ended)).toBe(true);
  });

  test('each EU code is valid until its own signature expires, as the code itself says, on the page and in 出示', async () => {
    const dcc = server.view.codes.dcc;
    const untilMs = dcc.map((d) => {
      const exp = decodeStages(d.code).claims?.exp;
      if (typeof exp !== 'number') throw new Error('an EU code without exp');
      return exp * 1000;
    });
    // An hour after issue every code is still valid.
    expect(untilMs.every((ms) => ms > Date.now())).toBe(true);
    const { env } = online();
    const cert = await env.open('pages/certificate/index', { for: 'self' });
    expect(texts(cert, '.eu-code-validity')).toEqual(untilMs.map((ms) => t('zh', 'destCodeValidUntil', { date: formatInstant('zh', ms) })));
    await tapOn(env, cert, '.eu-code-open', 0);
    const present = await env.openTop();
    await present.instance.onShow();
    await env.settle();
    shown.push(present);
    expect(present.data.screen.status).toBe('valid');
    expect(text(present, '.present-validity')).toBe(t('zh', 'presentValidUntil', { date: formatInstant('zh', untilMs[0]) }));
  });
});

describe('entry rules in plain words', () => {
  test('the verdict names the record it was judged on; rule texts carry no rule-engine words; ids under details', async () => {
    const { env } = online();
    const page = await env.open('pages/destination/index', { for: 'self' });
    await tapOn(env, page, '.partner');
    const verdict = text(page, '.rules-verdict');
    const rules = texts(page, '.rule-text');
    expect(rules.length).toBeGreaterThan(0);
    for (const line of [verdict, ...rules]) expect(line).not.toMatch(/值集|value set|payload|CertLogic/i);
    expect(rules.every((r) => /^(已满足|未满足|无法判断)：/.test(r))).toBe(true);
    // The record: one of the certificate's EU code labels.
    expect(verdict).toMatch(/^符合：以.+记录判断/);
    // When the rules were checked for, said as such: a result kept offline may be from another day.
    expect(text(page, '.rules-at')).toMatch(
      new RegExp(`^${zh.rulesCheckedAt.replace('{date}', '\\d{4}年\\d{1,2}月\\d{1,2}日 \\d{2}:\\d{2}')}（${zh.beijingTime}）$`),
    );
    expect(page.querySelector('.rule-id')).toBeUndefined();
    await tapOn(env, page, '.rule-ids-toggle');
    expect(texts(page, '.rule-id').every((t) => /^规则编号 [A-Z]{2}-[A-Z]{2}-\d{4}$/.test(t))).toBe(true);
    // Every QR here says it can be enlarged.
    expect(text(page, '.code-enlarge')).toBe(zh.qrTapHint);
  });

  test("plainRule drops the engine's note and keeps the requirement", () => {
    const { plainRule } = require('../../miniprogram/services/destination') as typeof import('../../miniprogram/services/destination');
    const r = {
      ruleId: 'GR-SG-0001',
      type: 'General',
      result: 'failed' as const,
      description: {
        zh: '证明须包含针对新型冠状病毒感染（COVID-19）的检测记录或疫苗接种记录（所针对疾病须在值集中）。',
        en: 'The certificate must hold a test or a vaccination against COVID-19 (disease or agent targeted from the value set).',
      },
    };
    expect(plainRule('zh', r)).toBe('证明须包含针对新型冠状病毒感染（COVID-19）的检测记录或疫苗接种记录。');
    expect(plainRule('en', r)).toBe('The certificate must hold a test or a vaccination against COVID-19.');
    // Nothing but jargon: the kind of rule instead.
    expect(plainRule('zh', { ...r, type: 'Test', description: { zh: 'payload.t.0.tt 须在值集中', en: 'payload in value set' } })).toBe(zh.ruleTest);
  });
});
