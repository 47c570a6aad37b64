/** @jest-environment jsdom */
/**
 * The home page rendered by miniprogram-simulate with WeChat's own WXML compiler: real strings in
 * both languages, the language switch, the hotline dialling through the phone adapter, the entries'
 * navigation, and accessible labels on everything tappable.
 */
import {
  attr,
  attrText,
  callbackApi,
  freshSimulate,
  HAN,
  memoryStorage,
  renderPage,
  tappables,
  textOf,
  visibleTexts,
  type Simulate,
  type SimulateNode,
} from './simulate-page';
import { zh } from '../../miniprogram/i18n/zh';
import { en } from '../../miniprogram/i18n/en';
import { format } from '../../miniprogram/i18n/index';
import { HOME_ROUTES } from '../../miniprogram/services/home';

const PAGE = 'pages/home/index';
const LANG_KEY = 'ithc.lang';

let simulate: Simulate;
let storage: ReturnType<typeof memoryStorage>;
let wxStubs: Record<string, jest.Mock>;

function setUp(stored: Record<string, unknown> = {}, stubs: Record<string, jest.Mock> = {}): SimulateNode {
  storage = memoryStorage(stored);
  wxStubs = {
    makePhoneCall: callbackApi({ ok: true }),
    navigateTo: callbackApi({ ok: true }),
    showToast: jest.fn(),
    setNavigationBarTitle: jest.fn(),
    ...stubs,
  };
  simulate = freshSimulate({ getStorageSync: storage.getStorageSync, setStorageSync: storage.setStorageSync, ...wxStubs });
  const page = renderPage(simulate, PAGE);
  page.instance.onLoad({});
  return page;
}

function text(page: SimulateNode, selector: string): string {
  const node = page.querySelector(selector);
  if (!node) throw new Error(`nothing matches ${selector}`);
  return textOf(node.toJSON());
}

async function tap(page: SimulateNode, selector: string, index = 0): Promise<void> {
  const node = page.querySelectorAll(selector)[index];
  if (!node) throw new Error(`nothing matches ${selector} [${index}]`);
  node.dispatchEvent('tap');
  // Events dispatch on a microtask and the wx stubs answer on a timer: let both run.
  await simulate.sleep(0);
  await simulate.sleep(0);
}

beforeEach(() => jest.resetModules());

describe('home page', () => {
  test('renders the main entry, the other entries and the hotline in Chinese by default', () => {
    const page = setUp();
    // The issue names these Chinese labels; the page must show them verbatim.
    expect(text(page, '.main-entry-title')).toBe('查看及出示国际旅行健康证明');
    const labels = page.querySelectorAll('.entry-label').map((n) => textOf(n.toJSON()));
    expect(labels).toEqual([zh.forOthers, zh.faq, zh.settings, zh.verifyEntry]);
    expect(labels).toEqual(expect.arrayContaining(['为他人查询', '常见问题解答']));
    expect(text(page, '.hotline-short')).toBe('12308');
    expect(page.querySelectorAll('.hotline-number').map((n) => textOf(n.toJSON()))).toEqual(['+86-10-12308', '+86-10-59913991']);
    expect(text(page, '.lang-switch')).toBe(zh.switchLanguageShort);
    expect(wxStubs.setNavigationBarTitle).toHaveBeenLastCalledWith({ title: zh.appTitle });
  });

  test('renders in English when English was chosen earlier, with no Chinese left untranslated', () => {
    const page = setUp({ [LANG_KEY]: 'en' });
    expect(text(page, '.main-entry-title')).toBe(en.viewCertificate);
    expect(page.querySelectorAll('.entry-label').map((n) => textOf(n.toJSON()))).toEqual([en.forOthers, en.faq, en.settings, en.verifyEntry]);
    // The switch back to Chinese is labelled in Chinese on purpose; everything else is English.
    const texts = visibleTexts(page.toJSON(), (n) => attrText(n, 'class').includes('lang-switch'));
    expect(texts.length).toBeGreaterThan(5);
    expect(texts.filter((s) => HAN.test(s))).toEqual([]);
    expect(wxStubs.setNavigationBarTitle).toHaveBeenLastCalledWith({ title: en.appTitle });
  });

  test('an unknown stored language falls back to Chinese', () => {
    const page = setUp({ [LANG_KEY]: 'fr' });
    expect(text(page, '.main-entry-title')).toBe(zh.viewCertificate);
  });

  test('the language switch changes every string, remembers the choice and switches back', async () => {
    const page = setUp();
    await tap(page, '.lang-switch');
    expect(page.data.lang).toBe('en');
    expect(storage.store.get(LANG_KEY)).toBe('en');
    expect(text(page, '.main-entry-title')).toBe(en.viewCertificate);
    expect(text(page, '.hotline-title')).toBe(en.hotlineTitle);
    expect(attr(page.querySelector('.lang-switch')!.toJSON(), 'ariaLabel')).toBe(en.switchLanguageLabel);
    expect(wxStubs.setNavigationBarTitle).toHaveBeenLastCalledWith({ title: en.appTitle });

    await tap(page, '.lang-switch');
    expect(storage.store.get(LANG_KEY)).toBe('zh');
    expect(text(page, '.main-entry-title')).toBe(zh.viewCertificate);
  });

  test('onShow picks up a language changed elsewhere (the settings page)', () => {
    const page = setUp();
    storage.store.set(LANG_KEY, 'en');
    page.instance.onShow();
    expect(text(page, '.main-entry-title')).toBe(en.viewCertificate);
  });

  test('a tap on each hotline number dials it through the phone adapter', async () => {
    const page = setUp();
    const buttons = page.querySelectorAll('.hotline-call');
    expect(buttons).toHaveLength(2);
    for (let i = 0; i < buttons.length; i++) {
      const numberNode = buttons[i].toJSON().children.find((c) => typeof c !== 'string' && attr(c, 'class') === 'hotline-number');
      const shown = textOf(numberNode!);
      expect(shown).toMatch(/^\+86-10-\d+$/);
      await tap(page, '.hotline-call', i);
      // Dialled as shown, without the separators.
      expect(wxStubs.makePhoneCall).toHaveBeenLastCalledWith(expect.objectContaining({ phoneNumber: shown.replace(/-/g, '') }));
    }
    expect(wxStubs.makePhoneCall).toHaveBeenCalledTimes(2);
    expect(wxStubs.showToast).not.toHaveBeenCalled();
  });

  test('a phone that cannot dial is told the number to dial by hand; a cancelled call is not an error', async () => {
    const failing = setUp({ [LANG_KEY]: 'en' }, { makePhoneCall: callbackApi({ ok: false, errMsg: 'makePhoneCall:fail no sim' }) });
    await tap(failing, '.hotline-call', 1);
    expect(wxStubs.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: format(en.callFailed, { number: '+86-10-59913991' }) }));

    jest.resetModules();
    const cancelled = setUp({}, { makePhoneCall: callbackApi({ ok: false, errMsg: 'makePhoneCall:fail cancel' }) });
    await tap(cancelled, '.hotline-call', 0);
    expect(wxStubs.makePhoneCall).toHaveBeenCalledTimes(1);
    expect(wxStubs.showToast).not.toHaveBeenCalled();
  });

  test('each entry opens its page', async () => {
    const page = setUp();
    await tap(page, '.main-entry');
    expect(wxStubs.navigateTo).toHaveBeenLastCalledWith(expect.objectContaining({ url: HOME_ROUTES.certificate }));
    const ids = ['relatives', 'faq', 'settings', 'verify'] as const;
    for (const id of ids) {
      await tap(page, `.entry-${id}`);
      expect(wxStubs.navigateTo).toHaveBeenLastCalledWith(expect.objectContaining({ url: HOME_ROUTES[id] }));
    }
    expect(wxStubs.showToast).not.toHaveBeenCalled();
  });

  test('an entry whose page cannot open says so in the chosen language', async () => {
    const page = setUp({ [LANG_KEY]: 'en' }, { navigateTo: callbackApi({ ok: false, errMsg: 'navigateTo:fail page "pages/faq/index" is not found' }) });
    await tap(page, '.entry-faq');
    expect(wxStubs.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: en.pageUnavailable }));
  });

  test.each(['zh', 'en'] as const)('everything tappable is a labelled button (%s)', (lang) => {
    const page = setUp({ [LANG_KEY]: lang });
    const buttons = tappables(page.toJSON());
    // language switch + main entry + 4 entries + 2 hotline numbers
    expect(buttons).toHaveLength(8);
    for (const b of buttons) {
      expect(attr(b, 'ariaRole')).toBe('button');
      expect(attrText(b, 'ariaLabel').trim()).not.toBe('');
    }
    const strings = lang === 'zh' ? zh : en;
    expect(attr(page.querySelector('.lang-switch')!.toJSON(), 'ariaLabel')).toBe(strings.switchLanguageLabel);
    const callLabels = page.querySelectorAll('.hotline-call').map((n) => attr(n.toJSON(), 'ariaLabel'));
    expect(callLabels).toEqual(['+86-10-12308', '+86-10-59913991'].map((number) => format(strings.callLabel, { number })));
    // Decorative glyphs are hidden from screen readers so a label is not read twice.
    for (const icon of page.querySelectorAll('.entry-icon, .hotline-call-icon, .entry-chevron')) {
      expect(attr(icon.toJSON(), 'ariaHidden')).toBe('true');
    }
  });
});
