/** @jest-environment jsdom */
/**
 * Verification for staff, through the pre-bundled core (packageVerify/lib/ithc-verify.js, built by
 * scripts/mp-bundle.mjs) with the noble provider, against the CSCA-signed trust list the page
 * fetches from the real server (trustlist.signed) and checks against the CSCA pinned at build time
 * (packageVerify/lib/trust-anchors.js, written here by the build's own writer from the test
 * server's CSCA): a real ITHC code and a real DCC verify; a code revoked through admin.revoke shows
 * REVOKED once the officer updates the list; a list with a bad signature, one signed by another CSCA
 * and an older one are refused and the last good list stays in use; the list's age is stated from
 * its signed time of issue, past its maximum age the officer is told, and too old a list gives no
 * verdict. The bundle itself runs in a bare JavaScript context: no Node built-ins, no crypto, no
 * TextEncoder.
 */
import './bundles';
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { BUNDLES } from './bundles';
import { FIXED_NOW, TRUST_ANCHORS_MODULE, pinServerCsca, serverRequest, startServer, writeTrustAnchors, type ServerFixture } from './server-fixture';
import { createEnv, tapOn } from './mp-env';
import { textOf, type SimulateNode } from './simulate-page';
import { zh } from '../../miniprogram/i18n/zh';
import { en } from '../../miniprogram/i18n/en';
import { format } from '../../miniprogram/i18n/index';
import { decodeStages } from '../../core/hcert';
import { deflate } from '../../core/zlib';
import { encodeBase45 } from '../../core/base45';
import { addPrefix } from '../../core/prefix';
import { fromBase64, toBase64 } from '../../core/bytes';
import { call, demoTravellerFlow, openLocalApp } from '../../node/local';
import type { App } from '../../server/app';

const PAGE = 'packageVerify/verify/index';
const OPERATOR = 'mp-operator';
const DAY = 86_400_000;
let server: ServerFixture;
/** The trust-anchors module the page loads: written by the build's writer, the test server's CSCA pinned. */
let anchorsFile: string;
/** A certificate of another traveller, revoked in one test. */
let revokable: { id: string; codes: { ithc: string; dcc: { code: string }[] } };

function pemFile(name: string, text: string): string {
  const p = path.join(server.dir, name);
  fs.writeFileSync(p, text);
  return p;
}

beforeAll(async () => {
  server = await startServer('verify-test', { operators: [OPERATOR] });
  anchorsFile = await pinServerCsca(server);
  revokable = (await demoTravellerFlow(server.app, 'mp-revoked-traveller', 1)) as unknown as typeof revokable;
});
afterAll(async () => server?.close());
beforeEach(() => {
  jest.resetModules();
  jest.doMock(TRUST_ANCHORS_MODULE, () => jest.requireActual(anchorsFile));
  jest.spyOn(Date, 'now').mockReturnValue(FIXED_NOW + 3_600_000);
});
afterEach(() => jest.restoreAllMocks());

/** The same code with the last byte of its COSE signature changed, re-packed: it still decodes, but must not verify. */
function tamperSignature(code: string): string {
  const st = decodeStages(code);
  const cose = st.cose!.slice();
  cose[cose.length - 1] ^= 0x01;
  return addPrefix(st.format!, encodeBase45(deflate(cose)));
}

function text(page: SimulateNode, selector: string, i = 0): string {
  const node = page.querySelectorAll(selector)[i];
  if (!node) throw new Error(`nothing matches ${selector} [${i}]`);
  return textOf(node.toJSON()).trim();
}

/** The signed list as the server publishes it now (the trustlist function, as the page calls it). */
async function signedList(app: App = server.app): Promise<{ version: number; summary: { signingCertificates: unknown[]; revocations: number }; signed: string }> {
  const r = await call(app, 'trustlist', 'anyone', { action: 'signed' });
  if (!r.ok) throw new Error(`trustlist.signed: ${r.error.code}`);
  return r.data as never;
}

/** How the page's status line for `list` begins: its version and counts as the server signed them (the age follows). */
function statusLine(list: Awaited<ReturnType<typeof signedList>>): string {
  return format(zh.trustStatus, { version: list.version, n: list.summary.signingCertificates.length, r: list.summary.revocations, age: '\u0000' }).split('\u0000')[0];
}

/** wx.request answering trustlist calls with `list` (as a tampering network would), everything else from the server. */
function serving(routed: ReturnType<typeof serverRequest>, list: unknown) {
  return jest.fn((o: { url: string; success?: (r: unknown) => void }) => {
    if (!o.url.endsWith('/functions/trustlist')) return routed.request(o as never);
    setTimeout(() => o.success?.({ statusCode: 200, data: { ok: true, data: list }, header: {}, errMsg: 'request:ok' }), 0);
    return {};
  });
}

async function openVerify(stored: Record<string, unknown> = {}, scan?: string, request?: jest.Mock) {
  const routed = serverRequest(server.app, 'an-officer');
  const scanCode = jest.fn((o: { success: (r: unknown) => void }) => setTimeout(() => o.success({ result: scan, scanType: 'QR_CODE' }), 0));
  const env = createEnv({ stored, request: request ?? routed.request, wx: { scanCode } });
  const page = await env.open(PAGE);
  return { env, page, routed, scanCode };
}

/** Scans `code` on an open page and returns the verdict's title and reasons. */
async function scan(opened: Awaited<ReturnType<typeof openVerify>>, code: string): Promise<{ title: string; reasons: string[] }> {
  opened.scanCode.mockImplementation((o: { success: (r: unknown) => void }) => setTimeout(() => o.success({ result: code, scanType: 'QR_CODE' }), 0));
  await tapOn(opened.env, opened.page, '.scan');
  return { title: text(opened.page, '.verdict-title'), reasons: opened.page.querySelectorAll('.verdict-reason').map((n) => textOf(n.toJSON()).trim()) };
}

describe('the bundled core', () => {
  test('runs in a bare context (no require, crypto, Buffer or TextEncoder): checks the signed list against the CSCA and verifies a real code with noble', async () => {
    const source = fs.readFileSync(BUNDLES.verify, 'utf8');
    const context: Record<string, unknown> = { module: { exports: {} }, Uint8Array, Promise, setTimeout };
    context.exports = (context.module as { exports: unknown }).exports;
    context.require = (m: string) => {
      throw new Error(`the bundle required ${m}`);
    };
    vm.createContext(context);
    vm.runInContext(source, context);
    expect(vm.runInContext('typeof crypto + typeof TextEncoder + typeof Buffer', context)).toBe('undefinedundefinedundefined');
    const lib = (context.module as { exports: any }).exports;
    const csca = await server.app.keys.cscaCertificate();
    const list = await lib.verifyTrustList(JSON.stringify(await signedList()), { cscas: [lib.fromBase64(toBase64(csca))], now: Math.floor(FIXED_NOW / 1000), crypto: lib.nobleCrypto });
    // The signed list carries the signers of both formats: the EU shape's DCC signers and ITHC signers.
    const eu = server.trustList as { certificates: { kid: string }[]; ithcCertificates: { kid: string }[] };
    expect(eu.ithcCertificates).toHaveLength(1);
    expect(list.keys.map((k: { kid: Uint8Array }) => toBase64(k.kid)).sort()).toEqual([...eu.certificates, ...eu.ithcCertificates].map((c) => c.kid).sort());
    const opts = { keys: new lib.KeyStore(list.keys), now: Math.floor(FIXED_NOW / 1000), crypto: lib.nobleCrypto, validateDccSchema: lib.validateDccSchemaPrecompiled, revocation: list.revocation };
    const good = await lib.verifyCode(server.view.codes.ithc, opts);
    expect({ valid: good.valid, errors: good.errors }).toEqual({ valid: true, errors: [] });
    expect(good.certificate.ithc.holder.documentNumber).toBe(server.view.certificate.holder.documentNumber);
    const dcc = await lib.verifyCode(server.view.codes.dcc[0].code, opts);
    expect(dcc.valid).toBe(true);
    const bad = await lib.verifyCode(tamperSignature(server.view.codes.ithc), opts);
    expect(bad.valid).toBe(false);
    expect(bad.errors.map((e: { code: string }) => e.code)).toEqual(['SIGNATURE_INVALID']);
    expect(bad.certificate).toBeNull();
  });

  test('has no eval, no Function constructor on the verify path and no Node built-in requires', () => {
    const source = fs.readFileSync(BUNDLES.verify, 'utf8');
    expect(source).not.toMatch(/require\("(node:|fs"|crypto"|buffer"|zlib"|util")/);
    expect(source).not.toMatch(/\beval\(/);
    // cbor-x probes `new Function` inside try/catch and falls back when refused (WeChat refuses it).
    for (const m of source.matchAll(/new Function\(/g)) expect(source.slice(Math.max(0, m.index! - 200), m.index)).toMatch(/try\{|zf|keyMap|slowReads/);
  });
});

describe('the pinned CSCA (scripts/mp-bundle.mjs)', () => {
  test('is the certificate ITHC_MP_CSCA names, as DER; a private key, a signing certificate that is no CA, or no certificate stop the build', async () => {
    const { PINNED_CSCAS } = jest.requireActual(anchorsFile) as { PINNED_CSCAS: string[] };
    expect(PINNED_CSCAS).toEqual([toBase64(await server.app.keys.cscaCertificate())]);
    expect(fs.readFileSync(anchorsFile, 'utf8')).toMatch(/^\/\/ GENERATED by scripts\/mp-bundle\.mjs/);

    const out = path.join(server.dir, 'refused-anchors.js');
    const cscaPem = new X509Certificate(await server.app.keys.cscaCertificate()).toString();
    const withKey = writeTrustAnchors(pemFile('with-key.pem', `${cscaPem}-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----\n`), out);
    expect(withKey.status).not.toBe(0);
    expect(withKey.stderr).toMatch(/holds a private key/);
    const dsc = new X509Certificate(fromBase64((server.trustList as { certificates: { rawData: string }[] }).certificates[0].rawData)).toString();
    const notCa = writeTrustAnchors(pemFile('dsc.pem', dsc), out);
    expect(notCa.status).not.toBe(0);
    expect(notCa.stderr).toMatch(/is not a CA certificate/);
    const none = writeTrustAnchors(pemFile('empty.pem', 'nothing here\n'), out);
    expect(none.stderr).toMatch(/holds no PEM certificate/);
    expect(writeTrustAnchors(path.join(server.dir, 'missing.pem'), out).stderr).toMatch(/cannot read the CSCA to pin/);
    expect(fs.existsSync(out)).toBe(false);
  });
});

describe('verify page', () => {
  test('fetches the signed trust list once, states its version, keys, revocations and age, scans, and shows a valid verdict with the key facts in Chinese', async () => {
    const { env, page, routed } = await openVerify({}, server.view.codes.ithc);
    expect(routed.calls).toEqual([{ name: 'trustlist', data: { action: 'signed' } }]);
    const status = text(page, '.trust-status');
    expect(status.startsWith(statusLine(await signedList()))).toBe(true);
    expect(status).toContain('1小时前签发');
    expect(env.storage.store.get('ithc.trustlist.signed')).toMatchObject({ fetchedAt: FIXED_NOW + 3_600_000 });
    await tapOn(env, page, '.scan');
    expect(text(page, '.verdict-title')).toBe(zh.verdictValid);
    const facts = page.querySelectorAll('.fact-value').map((n) => textOf(n.toJSON()));
    expect(facts).toContain('张伟 / ZHANG WEI');
    expect(facts).toContain(`普通护照 ${server.view.certificate.holder.documentNumber}`);
    expect(facts.some((f) => f.startsWith('未检出（阴性）'))).toBe(true);
  });

  test('a tampered code is not valid and says why; the officer switches to English and reads it again', async () => {
    const { env, page } = await openVerify({}, tamperSignature(server.view.codes.dcc[1].code));
    await tapOn(env, page, '.scan');
    expect(text(page, '.verdict-title')).toBe(zh.verdictInvalid);
    expect(text(page, '.verdict-reason')).toBe(zh.verr_SIGNATURE_INVALID);
    expect(page.querySelectorAll('.fact')).toHaveLength(0);
    await tapOn(env, page, '.lang-switch');
    expect(text(page, '.verdict-title')).toBe(en.verdictInvalid);
    expect(text(page, '.verdict-reason')).toBe(en.verr_SIGNATURE_INVALID);
    expect(env.storage.store.get('ithc.verifyLang')).toBe('en');
  });

  test('something that is not a certificate is named as such, not as "expired"', async () => {
    const { env, page } = await openVerify({ 'ithc.lang': 'en' }, 'https://example.com/menu');
    await tapOn(env, page, '.scan');
    expect(text(page, '.verdict-reason')).toBe(en.verr_PREFIX_UNKNOWN);
  });

  test('a sealed code: cannot verify (not invalid), naming the kid of the destination authority key it is sealed for', async () => {
    const seal = await call(server.app, 'certificate', server.openid, { action: 'seal', destination: 'SG' });
    if (!seal.ok) throw new Error(`seal failed: ${seal.error.code}`);
    const { code, kid } = (seal.data as { sealed: { code: string; kid: string }[] }).sealed[0];
    const { env, page } = await openVerify({}, code);
    await tapOn(env, page, '.scan');
    expect(page.querySelectorAll('.verdict-cannot')).toHaveLength(1);
    expect(page.querySelectorAll('.verdict-invalid')).toHaveLength(0);
    expect(text(page, '.verdict-title')).toBe(zh.verdictCannot);
    expect(page.querySelectorAll('.verdict-reason').map((n) => textOf(n.toJSON()).trim())).toEqual([zh.verr_DECRYPT_FAILED, zh.verifySealedNeedsKey.replace('{kid}', kid)]);
  });

  test('the pasted code is verified the same way', async () => {
    const { env, page } = await openVerify({ 'ithc.lang': 'en' });
    page.instance.onPasteInput({ detail: { value: server.view.codes.dcc[0].code } });
    await tapOn(env, page, '.check-pasted');
    expect(text(page, '.verdict-title')).toBe(en.verdictValid);
  });

  test('a list with a bad CSCA signature, or signed by a CSCA this build does not pin, is refused: no list, no verdict', async () => {
    const good = await signedList();
    const cose = fromBase64(good.signed);
    cose[cose.length - 1] ^= 0x01;
    const forged = { ...good, signed: toBase64(cose) };
    const otherDir = fs.mkdtempSync(path.join(server.dir, 'other-'));
    const other = await openLocalApp(otherDir);
    let foreign: unknown;
    try {
      foreign = await signedList(other);
    } finally {
      await other.store.close();
    }
    for (const list of [forged, foreign]) {
      jest.resetModules();
      const routed = serverRequest(server.app, 'an-officer');
      const opened = await openVerify({}, undefined, serving(routed, list));
      expect(text(opened.page, '.trust-note')).toBe(zh.trustRefused);
      expect(text(opened.page, '.trust-status')).toBe(zh.trustNone);
      expect(opened.env.storage.store.has('ithc.trustlist.signed')).toBe(false);
      expect(await scan(opened, server.view.codes.ithc)).toEqual({ title: zh.verdictCannot, reasons: [zh.trustNone] });
    }
  });

  test('a build with no CSCA pinned says so and gives no verdict, whatever the network serves', async () => {
    jest.doMock(TRUST_ANCHORS_MODULE, () => ({ PINNED_CSCAS: Object.freeze([]) }));
    const opened = await openVerify({}, server.view.codes.ithc);
    expect(opened.routed.calls).toEqual([]);
    expect(text(opened.page, '.trust-status')).toBe(zh.trustNoAnchor);
    await tapOn(opened.env, opened.page, '.update-trust');
    expect(opened.routed.calls).toEqual([]);
    expect(opened.env.wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: zh.trustNoAnchor }));
    expect(await scan(opened, server.view.codes.ithc)).toEqual({ title: zh.verdictCannot, reasons: [zh.trustNoAnchor] });
  });

  test('revocation: admin.revoke through the local app, the officer updates the list, the code shows REVOKED; a replayed older list is refused', async () => {
    const first = await openVerify();
    expect(await scan(first, revokable.codes.ithc)).toEqual({ title: zh.verdictValid, reasons: [] });
    const before = first.env.storage.store.get('ithc.trustlist.signed') as { json: string };

    const revoked = await call(server.app, 'admin', OPERATOR, { action: 'revoke', certificateId: revokable.id, reason: 'records found to be false' });
    expect(revoked.ok).toBe(true);
    const now = await signedList();
    expect(now.summary.revocations).toBeGreaterThan(0);

    // The list on the phone predates the revocation: it still says valid until updated.
    expect(await scan(first, revokable.codes.ithc)).toEqual({ title: zh.verdictValid, reasons: [] });
    await tapOn(first.env, first.page, '.update-trust');
    expect(first.env.wx.showToast).toHaveBeenLastCalledWith(expect.objectContaining({ title: zh.trustUpdated }));
    expect(text(first.page, '.trust-status').startsWith(statusLine(now))).toBe(true);
    for (const code of [revokable.codes.ithc, ...revokable.codes.dcc.map((d) => d.code)]) {
      expect(await scan(first, code)).toEqual({ title: zh.verdictRevoked, reasons: [zh.verr_REVOKED] });
    }
    // The revoked holder is still named: the officer sees whose certificate was withdrawn.
    expect(first.page.querySelectorAll('.fact').length).toBeGreaterThan(0);
    // Another traveller's certificate is untouched.
    expect(await scan(first, server.view.codes.ithc)).toEqual({ title: zh.verdictValid, reasons: [] });

    // In English too.
    await tapOn(first.env, first.page, '.lang-switch');
    expect(await scan(first, revokable.codes.ithc)).toEqual({ title: en.verdictRevoked, reasons: [en.verr_REVOKED] });

    // Someone on the network serves the list from before the revocation (genuinely signed): refused, the newer one stays.
    jest.resetModules();
    const stale = JSON.parse(before.json);
    const routed = serverRequest(server.app, 'an-officer');
    const replay = await openVerify(Object.fromEntries(first.env.storage.store), undefined, serving(routed, stale));
    await tapOn(replay.env, replay.page, '.update-trust');
    expect(text(replay.page, '.trust-note')).toBe(en.trustOlder);
    expect(text(replay.page, '.trust-status').startsWith(format(en.trustStatus, { version: now.version, n: now.summary.signingCertificates.length, r: now.summary.revocations, age: '\u0000' }).split('\u0000')[0])).toBe(true);
    expect(await scan(replay, revokable.codes.ithc)).toEqual({ title: en.verdictRevoked, reasons: [en.verr_REVOKED] });
  });

  test('a saved list that does not verify against the pinned CSCA is not used, and the page fetches a good one', async () => {
    const good = await signedList();
    const cose = fromBase64(good.signed);
    cose[cose.length - 1] ^= 0x01;
    const stored = { 'ithc.trustlist.signed': { json: JSON.stringify({ ...good, signed: toBase64(cose) }), fetchedAt: FIXED_NOW }, 'ithc.trustlist': { json: JSON.stringify(server.trustList), fetchedAt: FIXED_NOW } };
    const routed = serverRequest(server.app, 'an-officer');
    routed.offline();
    const offline = await openVerify(stored, undefined, routed.request);
    expect(text(offline.page, '.trust-status')).toBe(zh.trustSavedInvalid);
    expect(await scan(offline, server.view.codes.ithc)).toEqual({ title: zh.verdictCannot, reasons: [zh.trustSavedInvalid] });
    routed.online();
    await tapOn(offline.env, offline.page, '.update-trust');
    expect(await scan(offline, server.view.codes.ithc)).toEqual({ title: zh.verdictValid, reasons: [] });
    // The unsigned list an earlier version kept is gone once a signed one is stored.
    expect(offline.env.storage.store.has('ithc.trustlist')).toBe(false);
  });

  test('age: past the maximum age the officer is told and the page tries to update; offline it keeps verifying; past 30 days no verdict', async () => {
    const first = await openVerify();
    const saved = first.env.storage.store.get('ithc.trustlist.signed') as { json: string };
    const issuedAt = Date.parse(JSON.parse(saved.json).issuedAt as string);
    const maxAgeDays = (JSON.parse(saved.json).maxAge as number) / 86_400;
    const stored = Object.fromEntries(first.env.storage.store);

    jest.resetModules();
    (Date.now as jest.Mock).mockReturnValue(issuedAt + (maxAgeDays + 1) * DAY);
    const routed = serverRequest(server.app, 'an-officer');
    routed.offline();
    const stale = await openVerify(stored, undefined, routed.request);
    // It tried to update (past its maximum age), could not, and says both.
    expect(routed.calls).toEqual([{ name: 'trustlist', data: { action: 'signed' } }]);
    expect(text(stale.page, '.trust-note')).toBe(zh.errorNetwork);
    expect(text(stale.page, '.trust-status')).toContain(format(zh.trustStale, { max: format(zh.durationDays, { n: maxAgeDays }) }));
    expect(stale.page.querySelector('.trust-status')!.dom.className).toContain('tone-warn');
    expect(await scan(stale, server.view.codes.ithc)).toEqual({ title: zh.verdictValid, reasons: [] });

    jest.resetModules();
    (Date.now as jest.Mock).mockReturnValue(issuedAt + 31 * DAY);
    const old = serverRequest(server.app, 'an-officer');
    old.offline();
    const tooOld = await openVerify(stored, undefined, old.request);
    expect(text(tooOld.page, '.trust-status')).toContain(format(zh.trustTooOld, { days: 30 }));
    expect((await scan(tooOld, server.view.codes.ithc)).title).toBe(zh.verdictCannot);
    // Back online, with the server 31 days on too: a fresh list, and the certificate's own signature has expired by then.
    old.online();
    server.clock.set(issuedAt + 31 * DAY);
    try {
      await tapOn(tooOld.env, tooOld.page, '.update-trust');
    } finally {
      server.clock.set(FIXED_NOW);
    }
    expect(text(tooOld.page, '.trust-status')).toContain('刚刚签发');
    expect(await scan(tooOld, server.view.codes.ithc)).toEqual({ title: zh.verdictInvalid, reasons: [zh.verr_EXPIRED] });
  });

  test('offline with no list yet: cannot verify, and says to connect', async () => {
    const routed = serverRequest(server.app, 'an-officer');
    routed.offline();
    const opened = await openVerify({}, undefined, routed.request);
    expect(text(opened.page, '.trust-status')).toBe(zh.trustNone);
    expect((await scan(opened, server.view.codes.ithc)).title).toBe(zh.verdictCannot);
  });

  test('care mode applies on the subpackage page too', async () => {
    const { page } = await openVerify({ 'ithc.care': true });
    expect(page.querySelector('.page')!.dom.className).toContain('care');
  });
});
