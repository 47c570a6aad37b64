/**
 * The pages and states the previews show (pages.preview.ts renders each in four variants): every
 * page, and the certificate in each state a traveller meets — valid, expired, revoked, failed to
 * load, no records yet, offline with a saved copy, for a relative, first use — the 出示 view of a
 * valid and an expired code, and a destination's sealed codes kept for offline use. The states
 * come from the real server (in-process, demo data) and the phone's clock; only WeChat's own APIs
 * are stood in.
 */
import type { Env } from '../mp-env';
import type { SimulateNode } from '../simulate-page';
import { addRelative, type ServerFixture } from '../server-fixture';
import type { serverRequest } from '../server-fixture';
import { call } from '../../../node/local';
import { demoTravellerFlow } from '../../../demo/seed';
import { DEMO_CITIZENS } from '../../../demo/citizens';
import type { CertificateView } from '../../../miniprogram/services/certificate';

export type Routed = ReturnType<typeof serverRequest>;

export interface Scenario {
  name: string;
  page: string;
  query?: Record<string, string>;
  openid?: (s: ServerFixture) => string | Promise<string>;
  stored?: (s: ServerFixture) => Promise<Record<string, unknown>> | Record<string, unknown>;
  wx?: (s: ServerFixture) => Record<string, jest.Mock>;
  /** The phone's clock (ms) when not two hours after the server's. */
  now?: (s: ServerFixture) => number | Promise<number>;
  offline?: boolean;
  act?: (page: SimulateNode, env: Env, s: ServerFixture, routed: Routed) => Promise<void>;
}

/** The operator the preview server accepts (pages.preview.ts starts it with this one). */
export const PREVIEW_OPERATOR = 'preview-operator';
const DAY = 86_400_000;

const input = (value: string) => ({ detail: { value } });
const tapData = (dataset: Record<string, unknown>) => ({ currentTarget: { dataset }, detail: {} });

let relative: Promise<{ id: string; name: string }> | undefined;
/** One relative (王秀英, an elderly parent) for the previews that show one. */
function theRelative(s: ServerFixture) {
  relative ??= addRelative(s, 2, 'parent');
  return relative;
}

let revoked: Promise<{ openid: string; view: CertificateView }> | undefined;
/** A second traveller (the second demo citizen) whose certificate an operator revoked after it was saved on the phone. */
function theRevoked(s: ServerFixture) {
  revoked ??= (async () => {
    const openid = 'preview-revoked';
    const view = (await demoTravellerFlow(s.app, openid, 1)) as unknown as CertificateView;
    const r = await call(s.app, 'admin', PREVIEW_OPERATOR, { action: 'revoke', certificateId: view.id, reason: 'records found to be false' });
    if (!r.ok) throw new Error(`revoke: ${r.error.code}`);
    return { openid, view };
  })();
  return revoked;
}

let recordless: Promise<string> | undefined;
/** A traveller verified with a document whose records no lab or vaccination site has uploaded yet (their demo records removed). */
function theRecordless(s: ServerFixture) {
  recordless ??= (async () => {
    const openid = 'preview-no-records';
    const index = 3;
    const personId = s.app.personIds.personId(DEMO_CITIZENS[index].idNumber);
    for (const doc of await s.app.store.find('records', { personId })) await s.app.store.delete('records', String(doc._id));
    await demoTravellerFlow(s.app, openid, index).catch((e: Error) => {
      if (!/NO_RECORDS/.test(e.message)) throw e;
    });
    return openid;
  })();
  return recordless;
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
    // Offline, days after the saved copy's signature expired.
    name: 'certificate-expired',
    page: 'pages/certificate/index',
    stored: (s) => ({ 'ithc.cert.self': { view: s.view, savedAt: s.clock.now() } }),
    now: (s) => s.view.expiresAt + 3 * DAY,
    offline: true,
  },
  {
    // Saved on the phone, then revoked by an operator; the page asks the server again.
    name: 'certificate-revoked',
    page: 'pages/certificate/index',
    openid: async (s) => (await theRevoked(s)).openid,
    stored: async (s) => ({ 'ithc.cert.self': { view: (await theRevoked(s)).view, savedAt: s.clock.now() - 3_600_000 } }),
  },
  // No copy on the phone and no connection.
  { name: 'certificate-failed', page: 'pages/certificate/index', offline: true },
  { name: 'certificate-no-records', page: 'pages/certificate/index', openid: (s) => theRecordless(s) },
  {
    // Without a presentation saved by the page that opens it, the view shows the open code of the saved certificate.
    name: 'present',
    page: 'pages/present/index',
    query: { for: 'self' },
    stored: (s) => ({ 'ithc.cert.self': { view: s.view, savedAt: s.clock.now() } }),
  },
  {
    // The 出示 view of a saved code whose signature has expired, offline.
    name: 'present-expired',
    page: 'pages/present/index',
    query: { for: 'self' },
    stored: (s) => ({ 'ithc.cert.self': { view: s.view, savedAt: s.clock.now() } }),
    now: (s) => s.view.expiresAt + DAY,
    offline: true,
  },
  {
    // The 出示 view for the relative acted for: their name and code, not the user's.
    name: 'present-relative',
    page: 'pages/present/index',
    stored: async (s) => {
      const rel = await theRelative(s);
      const r = await call(s.app, 'certificate', s.openid, { action: 'issue', for: rel.id });
      if (!r.ok) throw new Error(`relative's certificate: ${r.error.code}`);
      return { 'ithc.actingFor': rel, [`ithc.cert.rel.${rel.id}`]: { view: r.data, savedAt: s.clock.now() } };
    },
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
    // Fetched online, then the connection goes: the codes kept on the phone, with their age.
    name: 'destination-offline',
    page: 'pages/destination/index',
    act: async (page, env, _s, routed) => {
      const first = page.data.partners[0];
      if (first) await page.instance.choose(first.country);
      await env.settle();
      routed.offline();
      if (first) await page.instance.refreshCodes(first.country);
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
