/** The pages and states the previews show (pages.preview.ts renders each in four variants). */
import type { Env } from '../mp-env';
import type { SimulateNode } from '../simulate-page';
import { addRelative, type ServerFixture } from '../server-fixture';

export interface Scenario {
  name: string;
  page: string;
  query?: Record<string, string>;
  openid?: (s: ServerFixture) => string;
  stored?: (s: ServerFixture) => Promise<Record<string, unknown>> | Record<string, unknown>;
  wx?: (s: ServerFixture) => Record<string, jest.Mock>;
  offline?: boolean;
  act?: (page: SimulateNode, env: Env, s: ServerFixture) => Promise<void>;
}

const input = (value: string) => ({ detail: { value } });
const tapData = (dataset: Record<string, unknown>) => ({ currentTarget: { dataset }, detail: {} });

let relative: Promise<{ id: string; name: string }> | undefined;
/** One relative (王秀英, an elderly parent) for the previews that show one. */
function theRelative(s: ServerFixture) {
  relative ??= addRelative(s, 2, 'parent');
  return relative;
}

export const SCENARIOS: Scenario[] = [
  { name: 'home', page: 'pages/home/index' },
  { name: 'certificate', page: 'pages/certificate/index' },
  {
    name: 'certificate-offline',
    page: 'pages/certificate/index',
    stored: async (s) => ({ 'ithc.cert.self': { view: s.view, savedAt: s.clock.now() - 26 * 3_600_000 } }),
    offline: true,
  },
  {
    name: 'certificate-relative',
    page: 'pages/certificate/index',
    stored: async (s) => ({ 'ithc.actingFor': await theRelative(s) }),
  },
  { name: 'certificate-first-use', page: 'pages/certificate/index', openid: () => 'preview-new-user' },
  {
    // Without a presentation saved by the page that opens it, the view shows the open code of the saved certificate.
    name: 'present',
    page: 'pages/present/index',
    query: { for: 'self' },
    stored: (s) => ({ 'ithc.cert.self': { view: s.view, savedAt: s.clock.now() } }),
  },
  { name: 'auth-privacy', page: 'pages/auth/index', openid: () => 'preview-new-user' },
  {
    name: 'auth-identity',
    page: 'pages/auth/index',
    openid: () => 'preview-new-user',
    act: async (page, env) => {
      page.instance.onToggleAgree();
      page.instance.onAgreeNext();
      page.instance.onNameInput(input('李娜'));
      // A mistyped check digit: the field says so as it is typed.
      page.instance.onIdInput(input('310104199211030421'));
      await env.settle();
    },
  },
  {
    name: 'auth-document-errors',
    page: 'pages/auth/index',
    act: async (page, env) => {
      // The traveller is verified: the page resumes at the document; the server refuses a wrong number.
      page.instance.onPickDocType(tapData({ id: 'ordinary' }));
      page.instance.onNumberInput(input('E1234'));
      page.instance.onExpiryChange(input('2030-01-01'));
      page.instance.onMrzInput(input('POCHNZHANG<<WEI<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<\nEH41802'));
      await page.instance.onSubmitDocument();
      await env.settle();
    },
  },
  { name: 'auth-relative-consent', page: 'pages/auth/index', query: { mode: 'relative' } },
  {
    name: 'destination',
    page: 'pages/destination/index',
    act: async (page, env) => {
      const first = page.data.partners[0];
      if (first) await page.instance.choose(first.country);
      await env.settle();
    },
  },
  {
    name: 'relatives',
    page: 'pages/relatives/index',
    stored: async (s) => {
      await theRelative(s);
      return {};
    },
    act: async (page, env) => {
      await page.instance.onShow();
      await env.settle();
    },
  },
  {
    name: 'paper',
    page: 'pages/paper/index',
    stored: (s) => ({ 'ithc.cert.self': { view: s.view, savedAt: s.clock.now() } }),
  },
  { name: 'faq', page: 'pages/faq/index' },
  { name: 'settings', page: 'pages/settings/index' },
  {
    name: 'verify-valid',
    page: 'packageVerify/verify/index',
    act: async (page, env, s) => {
      await page.instance.verify(s.view.codes.ithc);
      await env.settle();
    },
  },
  {
    name: 'verify-tampered',
    page: 'packageVerify/verify/index',
    act: async (page, env, s) => {
      const code = s.view.codes.dcc[0].code;
      // One character of the signed content changed: the signature no longer verifies.
      const at = code.length - 20;
      await page.instance.verify(code.slice(0, at) + (code[at] === 'A' ? 'B' : 'A') + code.slice(at + 1));
      await env.settle();
    },
  },
];
