/** @jest-environment jsdom */
/**
 * The certificate page against the real server (in-process, demo data): the holder, the records
 * and their ages, the status, the QR drawn and decoded back to the exact code, the masked document
 * number and its reveal, pull to refresh, the offline copy with its age, first use (identity
 * needed), both languages and care mode.
 */
import './bundles';
import { FIXED_NOW, serverRequest, startServer, type ServerFixture, useFixedClock } from './server-fixture';
import { createEnv, tapOn } from './mp-env';
import { attr, attrText, HAN, textOf, visibleTexts, walk, type SimulateNode } from './simulate-page';
import { zh } from '../../miniprogram/i18n/zh';
import { en } from '../../miniprogram/i18n/en';
import { format } from '../../miniprogram/i18n/index';
import { formatInstant } from '../../miniprogram/services/format';
import { BEIJING_TIME, certificateSections, codedLabel, format as say, renderValue, type Lang, type Section, type Value } from '../../core/view';
import { readOwnCode } from '../../core/hcert';
import { sourceNamesFromJson } from '../../server/issuance/build';
import { correctDemoNaat } from '../revocation/helpers';

const PAGE = 'pages/certificate/index';
const HOUR = 3_600_000;
let server: ServerFixture;

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => server?.close());
useFixedClock(FIXED_NOW + 2 * HOUR);

const texts = (page: SimulateNode, selector: string) => page.querySelectorAll(selector).map((n) => textOf(n.toJSON()).trim());

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A line as the page writes a labelled one (services/format.ts labelled). */
const labelledIn = (lang: Lang, label: string, value: string) => `${label}${lang === 'zh' ? '：' : ': '}${value}`;

/** How long ago an instant (ms) was at the mocked clock, in the view model's words. */
const agoIn = (lang: Lang, atMs: number) => renderValue(lang, { kind: 'age', seconds: Math.floor((Date.now() - atMs) / 1000) });

/**
 * The shared view model's sections of the served certificate: read from its code, the places it
 * gives by code named as the server's readable copy names them, ages to the mocked clock.
 */
function servedSections(view: ServerFixture['view']): Section[] {
  const names = new Map(sourceNamesFromJson(view.certificate as unknown as Record<string, unknown>).map((e) => [e.code, e]));
  return certificateSections({ format: 'ithc', ithc: readOwnCode(view.codes.ithc).certificate }, { now: Math.floor(Date.now() / 1000), sources: names });
}

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
    expect(Date.parse(tests[0].sampleTime)).toBeLessThan(Date.now());
    expect(text(page, '.records-tests .record-age')).toBe(agoIn('zh', Date.parse(tests[0].sampleTime)));
    expect(text(page, '.records-tests .record-main')).toBe('未检出（阴性）');
    expect(page.querySelectorAll('.records-antibody .record')).toHaveLength(server.view.certificate.antibodyTests.length);
    const vaccinations = server.view.certificate.vaccinations;
    expect(page.querySelectorAll('.records-vaccinations .record')).toHaveLength(vaccinations.length);
    expect(text(page, '.records-vaccinations .record-main', 1)).toBe(say('zh', 'value.dose', { n: vaccinations[1].doseNumber, m: vaccinations[1].totalDoses }));
    // A vaccination's age in whole days since its date, in the view model's words.
    const vaccinatedDaysAgo = Math.floor((Date.now() - Date.parse(`${vaccinations[0].date}T00:00:00Z`)) / 86_400_000);
    expect(text(page, '.records-vaccinations .record-age', 0)).toBe(renderValue('zh', { kind: 'age', seconds: vaccinatedDaysAgo * 86_400 }));
    expect(texts(page, '.records-vaccinations .record-detail')).toContain(labelledIn('zh', say('zh', 'label.site'), vaccinations[0].vaccinationSite!));
    expect(texts(page, '.records-tests .record-detail')).toContain(labelledIn('zh', say('zh', 'label.centre'), tests[0].testingCentre));
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

  test("offline without a saved copy: the network error in the user's language and a retry", async () => {
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

  test("English: every visible string is English, places by their Latin names; only the holder's own name is Chinese", async () => {
    const { env } = envWith({ 'ithc.lang': 'en' });
    const page = await env.open(PAGE);
    expect(text(page, '.holder-nationality')).toBe('China');
    expect(text(page, '.records-tests .record-main')).toBe(codedLabel('en', 'testResult', server.view.certificate.tests[0].result));
    expect(text(page, '.cert-issuer')).toBe('National Health Commission of the PRC');
    // Places are named in Latin letters where the source list gives such a name (the demo's all do).
    const c = server.view.certificate;
    const details = texts(page, '.record-detail');
    for (const x of [...c.tests, ...c.antibodyTests]) {
      expect(x.testingCentreLatin).toBeTruthy();
      expect(details).toContain(labelledIn('en', say('en', 'label.centre'), x.testingCentreLatin!));
    }
    for (const v of c.vaccinations) {
      expect(v.vaccinationSiteLatin).toBeTruthy();
      expect(details).toContain(labelledIn('en', say('en', 'label.site'), v.vaccinationSiteLatin!));
    }
    // The only Chinese left is the holder's own name, which is data.
    const ownName = c.holder.surname! + c.holder.givenName!;
    expect(visibleTexts(page.toJSON()).filter((s) => HAN.test(s) && !s.includes(ownName))).toEqual([]);
    expect(env.wx.setNavigationBarTitle).toHaveBeenLastCalledWith({ title: en.certTitle });
  });

  test.each(['zh', 'en'] as const)("the record lines are the shared view model's sections rendered in %s", async (lang) => {
    const { env } = envWith({ 'ithc.lang': lang });
    const page = await env.open(PAGE);
    const sections = servedSections(server.view);
    const cards: Array<[string, string]> = [
      ['tests', '.records-tests'],
      ['antibody', '.records-antibody'],
      ['vaccinations', '.records-vaccinations'],
    ];
    const shown = sections.filter((x) => cards.some(([key]) => key === x.key));
    // The demo certificate has records of every kind the page shows.
    expect(shown.map((x) => x.key)).toEqual(cards.map(([key]) => key));
    for (const [key, selector] of cards) {
      const items = sections.find((x) => x.key === key)!.items;
      const records = page.querySelectorAll(`${selector} .record`);
      expect(records).toHaveLength(items.length);
      items.forEach((item, i) => {
        const pieces = (cls: string) => {
          const found: string[] = [];
          walk(records[i].toJSON(), (n) => {
            if (attrText(n, 'class').split(/\s+/).includes(cls.slice(1))) found.push(textOf(n).trim());
          });
          return found;
        };
        // The traveller's page shows instants in Beijing time (the verifiers in UTC).
        const show = (v: Value) => renderValue(lang, v, BEIJING_TIME);
        const lines = item.lines.map((l) => ({ bare: show(l.value), labelled: labelledIn(lang, show(l.label), show(l.value)) }));
        const details = pieces('.record-detail');
        const when = pieces('.record-when');
        const headline = [...pieces('.record-main'), ...pieces('.record-title'), ...pieces('.record-age')];
        // Every line of the view model is on the page, as its value alone (the headline) or labelled.
        for (const l of lines)
          expect([...headline, ...when, ...details]).toContainEqual(expect.stringMatching(new RegExp(`^(${escape(l.bare)}|${escape(l.labelled)})$`)));
        // And every labelled line on the page is one of the view model's, word for word.
        for (const d of [...details, ...when]) expect(lines.map((l) => l.labelled)).toContain(d);
      });
    }
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
