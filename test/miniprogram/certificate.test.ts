/** @jest-environment jsdom */
/**
 * The certificate page against the real server (in-process, demo data): the holder, the records
 * and their ages, the status, the QR drawn and decoded back to the exact code, the masked document
 * number and its reveal, pull to refresh, the offline copy with its age, first use (identity
 * needed), both languages and care mode.
 */
import './bundles';
import { FIXED_NOW, serverRequest, startServer, type ServerFixture } from './server-fixture';
import { createEnv, tapOn, type Env } from './mp-env';
import { attr, HAN, textOf, visibleTexts, type SimulateNode } from './simulate-page';
import { zh } from '../../miniprogram/i18n/zh';
import { en } from '../../miniprogram/i18n/en';
import { format } from '../../miniprogram/i18n/index';
import { formatInstant } from '../../miniprogram/services/format';
import { correctDemoNaat } from '../revocation/helpers';

const PAGE = 'pages/certificate/index';
const HOUR = 3_600_000;
let server: ServerFixture;

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => server?.close());
beforeEach(() => {
  jest.resetModules();
  jest.spyOn(Date, 'now').mockReturnValue(FIXED_NOW + 2 * HOUR);
});
afterEach(() => jest.restoreAllMocks());

function text(page: SimulateNode, selector: string, index = 0): string {
  const node = page.querySelectorAll(selector)[index];
  if (!node) throw new Error(`nothing matches ${selector}`);
  return textOf(node.toJSON()).trim();
}

function envWith(stored: Record<string, unknown> = {}, openid = server.openid) {
  const routed = serverRequest(server.app, openid);
  return { env: createEnv({ stored, request: routed.request }), routed };
}

describe('certificate page', () => {
  test('shows the real certificate: holder, records with ages, validity, in Chinese', async () => {
    const { env, routed } = envWith();
    const page = await env.open(PAGE);
    const holder = server.view.certificate.holder;
    expect(routed.calls[0]).toEqual({ name: 'certificate', data: { action: 'issue' } });
    expect(text(page, '.status-text')).toBe(zh.statusValid);
    expect(text(page, '.holder-name')).toBe(`${holder.surname}${holder.givenName}`);
    expect(text(page, '.holder-latin')).toBe(`${holder.surnameLatin} ${holder.givenNameLatin}`);
    const [y, m, d] = holder.dateOfBirth.split('-').map(Number);
    expect(text(page, '.holder-birth')).toBe(`${y}年${m}月${d}日`);
    expect(text(page, '.holder-sex')).toBe(holder.sex === 'M' ? '男' : '女');
    expect(text(page, '.holder-nationality')).toBe('中国');
    // The issuer travels as a code (docs/ithc-certificate.md) and is named in the reader's language.
    expect(text(page, '.cert-issuer')).toBe('中华人民共和国国家卫生健康委员会');
    // Masked until revealed.
    const masked = text(page, '.holder-document');
    expect(masked).not.toBe(holder.documentNumber);
    expect(masked).toMatch(/\*{3,}/);
    expect(masked.slice(-3)).toBe(holder.documentNumber.slice(-3));

    // One line per record, each with its age measured from the (mocked) phone clock.
    const tests = server.view.certificate.tests;
    expect(page.querySelectorAll('.records-tests .record')).toHaveLength(tests.length);
    const sampledHoursAgo = Math.floor((FIXED_NOW + 2 * HOUR - Date.parse(tests[0].sampleTime)) / HOUR);
    // Under a day in hours, then in days (services/format.ts).
    const expectedAge = sampledHoursAgo < 24 ? format(zh.ageHours, { n: sampledHoursAgo }) : format(zh.ageDays, { n: Math.floor(sampledHoursAgo / 24) });
    expect(sampledHoursAgo).toBeGreaterThan(0);
    expect(text(page, '.records-tests .record-age')).toBe(expectedAge);
    expect(text(page, '.records-tests .record-main')).toBe('未检出（阴性）');
    expect(page.querySelectorAll('.records-antibody .record')).toHaveLength(server.view.certificate.antibodyTests.length);
    const vaccinations = server.view.certificate.vaccinations;
    expect(page.querySelectorAll('.records-vaccinations .record')).toHaveLength(vaccinations.length);
    expect(text(page, '.records-vaccinations .record-main', 1)).toBe(format(zh.vaccineDose, { n: vaccinations[1].doseNumber, m: vaccinations[1].totalDoses }));
    expect(text(page, '.records-vaccinations .record-age', 0)).toMatch(/^\d+年前$/);
    expect(text(page, '.cert-id')).toBe(server.view.id);
    expect(text(page, '.issued-at')).toContain('北京时间');
    expect(env.wx.showLoading).toHaveBeenCalled();
    expect(env.wx.hideLoading).toHaveBeenCalledTimes(env.wx.showLoading.mock.calls.length);
  });

  test('draws the exact ITHC code as a QR that decodes back to it, labelled for screen readers', async () => {
    const { env } = envWith();
    const page = await env.open(PAGE);
    expect(env.canvases).toHaveLength(1);
    expect(env.canvases[0].decode()).toBe(server.view.codes.ithc);
    const qr = page.querySelector('#qr')!;
    expect(qr.data.drawnCode).toBe(server.view.codes.ithc);
    const box = page.querySelector('#qr')!.toJSON();
    const labelled: string[] = [];
    const walk = (n: typeof box) => {
      const label = attr(n, 'ariaLabel');
      if (typeof label === 'string' && label) labelled.push(label);
      n.children.forEach((c) => typeof c !== 'string' && walk(c));
    };
    walk(box);
    expect(labelled).toContain(format(zh.qrLabel, { name: '张伟' }));
  });

  test('the reveal shows the full document number and hides it again', async () => {
    const { env } = envWith();
    const page = await env.open(PAGE);
    await tapOn(env, page, '.reveal');
    expect(text(page, '.holder-document')).toBe(server.view.certificate.holder.documentNumber);
    expect(attr(page.querySelector('.reveal')!.toJSON(), 'ariaLabel')).toBe(zh.hideNumber);
    await tapOn(env, page, '.reveal');
    expect(text(page, '.holder-document')).not.toBe(server.view.certificate.holder.documentNumber);
  });

  test('a tap on the QR opens the full-screen view of this code, for this person', async () => {
    const { env } = envWith();
    const page = await env.open(PAGE);
    page.querySelector('#qr')!.instance.onTap();
    await env.settle();
    expect(env.wx.navigateTo).toHaveBeenLastCalledWith(expect.objectContaining({ url: '/pages/present/index?for=self' }));
    const present = await env.open('pages/present/index', { for: 'self' });
    expect(text(present, '.present-name')).toBe('张伟');
    expect(env.canvases.at(-1)!.decode()).toBe(server.view.codes.ithc);
  });

  test('offline: the saved copy is shown with its age, and the QR still decodes', async () => {
    const first = envWith();
    await first.env.open(PAGE);
    const saved = Object.fromEntries(first.env.storage.store);
    expect(Object.keys(saved)).toContain('ithc.cert.self');

    jest.resetModules();
    (Date.now as jest.Mock).mockReturnValue(FIXED_NOW + 5 * HOUR);
    const { env, routed } = envWith(saved);
    routed.offline();
    const page = await env.open(PAGE);
    expect(text(page, '.offline')).toBe(format(zh.offlineCopy, { age: format(zh.ageHours, { n: 3 }) }));
    expect(text(page, '.status-text')).toBe(zh.statusValid);
    expect(env.canvases[0].decode()).toBe(server.view.codes.ithc);
  });

  test('a saved copy read after its signature expired says so', async () => {
    const first = envWith();
    await first.env.open(PAGE);
    const saved = Object.fromEntries(first.env.storage.store);
    jest.resetModules();
    (Date.now as jest.Mock).mockReturnValue(server.view.expiresAt + HOUR);
    const { env, routed } = envWith(saved);
    routed.offline();
    const page = await env.open(PAGE);
    expect(text(page, '.status-text')).toBe(zh.statusExpired);
    expect(page.querySelector('.status')!.dom.className).toContain('banner-warn');
  });

  test('offline without a saved copy: the network error in the user\'s language and a retry', async () => {
    const { env, routed } = envWith({ 'ithc.lang': 'en' });
    routed.offline();
    const page = await env.open(PAGE);
    expect(text(page, '.error-message')).toBe(en.errorNetwork);
    routed.online();
    await tapOn(env, page, '.load-failed .btn');
    expect(text(page, '.status-text')).toBe(en.statusValid);
  });

  test('first use: a caller without identity is sent to authentication', async () => {
    const { env } = envWith({}, 'someone-new');
    const page = await env.open(PAGE);
    expect(page.querySelector('.need-auth')).toBeDefined();
    await tapOn(env, page, '.need-auth .btn');
    expect(env.wx.navigateTo).toHaveBeenLastCalledWith(expect.objectContaining({ url: '/pages/auth/index' }));
  });

  test('pull to refresh fetches again and stops the refresh animation', async () => {
    const { env, routed } = envWith();
    const page = await env.open(PAGE);
    const before = routed.calls.length;
    await page.instance.onPullDownRefresh();
    expect(routed.calls.length).toBe(before + 1);
    expect(env.wx.stopPullDownRefresh).toHaveBeenCalledTimes(1);
  });

  test('English: every visible string is English (names and centres are data)', async () => {
    const { env } = envWith({ 'ithc.lang': 'en' });
    const page = await env.open(PAGE);
    expect(text(page, '.holder-nationality')).toBe('China');
    expect(text(page, '.records-tests .record-main')).toBe('Not detected');
    expect(text(page, '.cert-issuer')).toBe('National Health Commission of the PRC');
    const data = new Set([server.view.certificate.holder.surname! + server.view.certificate.holder.givenName!, server.view.certificate.issuer]);
    const leaks = visibleTexts(page.toJSON()).filter((s) => HAN.test(s) && ![...data].some((d) => s.includes(d)) && !s.includes('：') && !/Testing centre|Centre|Name/.test(s));
    // Testing centres and Chinese names are record data, shown as issued.
    expect(leaks.filter((s) => !server.view.certificate.tests.some((x) => s.includes(x.testingCentre)) && !server.view.certificate.antibodyTests.some((x) => s.includes(x.testingCentre)))).toEqual([]);
    expect(env.wx.setNavigationBarTitle).toHaveBeenLastCalledWith({ title: en.certTitle });
  });

  test('care mode puts the care class on the page root', async () => {
    const plain = await envWith().env.open(PAGE);
    expect(plain.querySelector('.page')!.dom.className).not.toContain('care');
    jest.resetModules();
    const page = await envWith({ 'ithc.care': true }).env.open(PAGE);
    expect(page.querySelector('.page')!.dom.className).toContain('care');
  });
});

describe('a certificate that replaced one a correction ended', () => {
  let own: ServerFixture;
  beforeAll(async () => {
    own = await startServer('mp-test-corrected');
  });
  afterAll(async () => own?.close());

  test('the page says when and why the previous certificate ended, in both languages', async () => {
    own.clock.advance(HOUR);
    const endedAt = own.clock.now();
    expect(await correctDemoNaat(own.app)).toMatchObject({ updated: 1, rejected: [] });
    const open = async (stored: Record<string, unknown>) => {
      jest.resetModules();
      return createEnv({ stored, request: serverRequest(own.app, own.openid).request }).open(PAGE);
    };
    const page = await open({});
    expect(text(page, '.status-text')).toBe(zh.statusValid);
    expect(text(page, '.cert-id')).not.toBe(own.view.id);
    expect(text(page, '.ended-note')).toBe(format(zh.endedPrevious, { date: formatInstant('zh', endedAt), reason: zh.endedRECORD_CORRECTED }));
    const english = await open({ 'ithc.lang': 'en' });
    expect(text(english, '.ended-note')).toBe(format(en.endedPrevious, { date: formatInstant('en', endedAt), reason: en.endedRECORD_CORRECTED }));
  });

  test('a certificate nothing replaced shows no such line', async () => {
    const { env } = envWith();
    const page = await env.open(PAGE);
    expect(page.querySelectorAll('.ended-note')).toHaveLength(0);
  });
});
