/** @jest-environment jsdom */
/**
 * Verification for staff, through the pre-bundled core (packageVerify/lib/ithc-verify.js, built by
 * scripts/mp-bundle.mjs) with the noble provider: a real ITHC code and a real DCC verify; a code
 * whose signed bytes were changed does not; the verdict and key facts come in the officer's language;
 * the trust list's age is stated and a too-old list gives no verdict. The bundle itself runs in a
 * bare JavaScript context: no Node built-ins, no crypto, no TextEncoder.
 */
import './bundles';
import fs from 'node:fs';
import vm from 'node:vm';
import { BUNDLES } from './bundles';
import { FIXED_NOW, serverRequest, startServer, type ServerFixture } from './server-fixture';
import { createEnv, tapOn } from './mp-env';
import { textOf, type SimulateNode } from './simulate-page';
import { zh } from '../../miniprogram/i18n/zh';
import { en } from '../../miniprogram/i18n/en';
import { decodeStages } from '../../core/hcert';
import { deflate } from '../../core/zlib';
import { encodeBase45 } from '../../core/base45';
import { addPrefix } from '../../core/prefix';

const PAGE = 'packageVerify/verify/index';
const DAY = 86_400_000;
let server: ServerFixture;
beforeAll(async () => {
  server = await startServer('verify-test');
});
afterAll(async () => server?.close());
beforeEach(() => {
  jest.resetModules();
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
  return textOf(page.querySelectorAll(selector)[i].toJSON()).trim();
}

async function openVerify(stored: Record<string, unknown> = {}, scan?: string) {
  const routed = serverRequest(server.app, 'an-officer');
  const scanCode = jest.fn((o: { success: (r: unknown) => void }) => setTimeout(() => o.success({ result: scan, scanType: 'QR_CODE' }), 0));
  const env = createEnv({ stored, request: routed.request, wx: { scanCode } });
  const page = await env.open(PAGE);
  return { env, page, routed, scanCode };
}

describe('the bundled core', () => {
  test('runs in a bare context (no require, crypto, Buffer or TextEncoder) and verifies a real code with noble', async () => {
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
    const { keys } = lib.readDscList(JSON.stringify(server.trustList));
    const opts = { keys: new lib.KeyStore(keys), now: Math.floor(FIXED_NOW / 1000), crypto: lib.nobleCrypto, validateDccSchema: lib.validateDccSchemaPrecompiled };
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

describe('verify page', () => {
  test('fetches the trust list once, scans, and shows a valid verdict with the key facts in Chinese', async () => {
    const { env, page, routed } = await openVerify({}, server.view.codes.ithc);
    expect(routed.calls).toEqual([{ name: 'trustlist', data: { action: 'get' } }]);
    expect(text(page, '.trust-status')).toContain('1 个签名证书');
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

  test('a sealed code is recognised as sealed for a destination authority', async () => {
    const seal = await (require('../../node/local') as typeof import('../../node/local')).call(server.app, 'certificate', server.openid, { action: 'seal', destination: 'SG' });
    if (!seal.ok) throw new Error(`seal failed: ${seal.error.code}`);
    const sealed = (seal.data as { sealed: { code: string }[] }).sealed[0].code;
    const { env, page } = await openVerify({}, sealed);
    await tapOn(env, page, '.scan');
    expect(text(page, '.verdict-reason')).toBe(zh.verr_DECRYPT_FAILED);
  });

  test('the pasted code is verified the same way', async () => {
    const { env, page } = await openVerify({ 'ithc.lang': 'en' });
    page.instance.onPasteInput({ detail: { value: server.view.codes.dcc[0].code } });
    await tapOn(env, page, '.check-pasted');
    expect(text(page, '.verdict-title')).toBe(en.verdictValid);
  });

  test('trust list age: fine for a week, a warning after, no verdict after 30 days', async () => {
    const first = await openVerify();
    const list = first.env.storage.store.get('ithc.trustlist') as { fetchedAt: number };
    expect(list.fetchedAt).toBe(FIXED_NOW + 3_600_000);
    const stored = Object.fromEntries(first.env.storage.store);

    jest.resetModules();
    (Date.now as jest.Mock).mockReturnValue(list.fetchedAt + 10 * DAY);
    const stale = await openVerify(stored, server.view.codes.ithc);
    expect(stale.routed.calls).toEqual([]);
    expect(text(stale.page, '.trust-status')).toContain('7 天未更新');

    jest.resetModules();
    (Date.now as jest.Mock).mockReturnValue(list.fetchedAt + 31 * DAY);
    const old = await openVerify(stored, server.view.codes.ithc);
    await tapOn(old.env, old.page, '.scan');
    expect(text(old.page, '.verdict-title')).toBe(zh.verdictCannot);
    // Updating the list makes it usable again.
    await tapOn(old.env, old.page, '.update-trust');
    await tapOn(old.env, old.page, '.scan');
    // The certificate's own signature has expired by then: the verdict says so.
    expect(text(old.page, '.verdict-reason')).toBe(zh.verr_EXPIRED);
  });

  test('offline with no list yet: cannot verify, and says to connect', async () => {
    const routed = serverRequest(server.app, 'an-officer');
    routed.offline();
    const scanCode = jest.fn((o: { success: (r: unknown) => void }) => setTimeout(() => o.success({ result: server.view.codes.ithc }), 0));
    const env = createEnv({ request: routed.request, wx: { scanCode } });
    const page = await env.open(PAGE);
    expect(text(page, '.trust-status')).toBe(zh.trustNone);
    await tapOn(env, page, '.scan');
    expect(text(page, '.verdict-title')).toBe(zh.verdictCannot);
  });

  test('care mode applies on the subpackage page too', async () => {
    const { page } = await openVerify({ 'ithc.care': true });
    expect(page.querySelector('.page')!.dom.className).toContain('care');
  });
});
