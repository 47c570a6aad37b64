/** @jest-environment jsdom */
/**
 * The officer's verify page, through the real page code and the pre-bundled core
 * (packageVerify/lib/ithc-verify.js, built by scripts/mp-bundle.mjs) with the noble provider,
 * against the CSCA-signed trust list the page fetches from the real server (trustlist.signed) and
 * checks against the CSCA pinned at build time (packageVerify/lib/trust-anchors.js, written here by
 * the build's own writer from the test server's CSCA). Three verdicts (core/outcome.ts): a real ITHC
 * code and a real DCC are VALID; a tampered one INVALID with the reason in the officer's language; a
 * code checked against a list past its maximum age, one sealed for a partner authority (named from
 * the partner list, else by kid), or any code without a list "cannot confirm" with what is missing.
 * Beside every verdict the trust line (core/view trustValue), above the details the readable summary
 * (certificateView), in the six languages of the catalogue, Arabic right to left. Expected words
 * come from the catalogue and the core, never written out here. A code revoked through admin.revoke
 * is INVALID once the officer updates the list; a list with a bad signature, one signed by another
 * CSCA and an older one are refused and the note says what stays in use. The bundle itself runs in
 * a bare JavaScript context: no Node built-ins, no crypto, no TextEncoder.
 */
import './bundles';
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { BUNDLES } from './bundles';
import { FIXED_NOW, TRUST_ANCHORS_MODULE, pinServerCsca, serverRequest, startServer, writeTrustAnchors, type ServerFixture } from './server-fixture';
import { createEnv, tapOn, utf8Bytes } from './mp-env';
import { MINIPROGRAM_ROOT, attr, attrText, freshSimulate, textOf, walk, type JsonNode, type SimulateNode } from './simulate-page';
import { CHROME } from '../../miniprogram/packageVerify/i18n';
import {
  CATALOGUE,
  LANGS,
  LANG_NAMES,
  codedLabel,
  format as say,
  missingValue,
  msg,
  placeholders,
  renderValue,
  trustListValue,
  trustValue,
  type Lang,
} from '../../core/view';
import type { TrustListState } from '../../core/outcome';
import { verifyTrustList } from '../../core/trustlist';
import { verifySourceList, type VerifiedSourceList } from '../../core/sourcelist';
import { nobleCrypto } from '../../core/crypto/noble';
import { KeyStore } from '../../core/keys';
import { decodeStages, verifyCode } from '../../core/hcert';
import type { DccJson } from '../../core/dcc';
import type { IthcCertificate } from '../../core/ithc';
import { validateDccSchemaPrecompiled } from '../../core/dcc-schema-precompiled';
import { deflate } from '../../core/zlib';
import { encodeBase45 } from '../../core/base45';
import { addPrefix } from '../../core/prefix';
import { fromBase64, toBase64 } from '../../core/bytes';
import { call, openLocalApp } from '../../node/local';
import { demoTravellerFlow } from '../../demo/seed';
import type { App } from '../../server/app';

const PAGE = 'packageVerify/verify/index';
const OPERATOR = 'mp-operator';
/** The phone's clock in these tests: an hour after the server issued the list. */
const NOW = FIXED_NOW + 3_600_000;
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
  revokable = await demoTravellerFlow(server.app, 'mp-revoked-traveller', 1);
});
afterAll(async () => server?.close());
beforeEach(() => {
  jest.resetModules();
  jest.doMock(TRUST_ANCHORS_MODULE, () => jest.requireActual(anchorsFile));
  jest.spyOn(Date, 'now').mockReturnValue(NOW);
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
async function signedList(
  app: App = server.app,
): Promise<{ version: number; summary: { signingCertificates: unknown[]; revocations: number }; signed: string }> {
  const r = await call(app, 'trustlist', 'anyone', { action: 'signed' });
  if (!r.ok) throw new Error(`trustlist.signed: ${r.error.code}`);
  return r.data as never;
}

/** The signed source list as the server publishes it now (trustlist.sources, as the page calls it). */
async function sourceList(app: App = server.app): Promise<{ version: number; signed: string }> {
  const r = await call(app, 'trustlist', 'anyone', { action: 'sources' });
  if (!r.ok) throw new Error(`trustlist.sources: ${r.error.code}`);
  return r.data as never;
}

/** A source list's envelope verified here with the core against the server's CSCA. */
async function verifiedSources(list: unknown, nowMs = NOW): Promise<VerifiedSourceList> {
  return verifySourceList(JSON.stringify(list), { cscas: [await server.app.keys.cscaCertificate()], now: Math.floor(nowMs / 1000), crypto: nobleCrypto });
}

/** wx.request answering trustlist.`action` calls with `list` (as a tampering network would), everything else from the server. */
function serving(routed: ReturnType<typeof serverRequest>, list: unknown, action: 'signed' | 'sources' = 'signed') {
  return jest.fn((o: { url: string; data?: { action?: string }; success?: (r: unknown) => void }) => {
    if (!o.url.endsWith('/functions/trustlist') || o.data?.action !== action) return routed.request(o);
    setTimeout(() => o.success?.({ statusCode: 200, data: { ok: true, data: list }, header: {}, errMsg: 'request:ok' }), 0);
    return {};
  });
}

/** Scans `code` on an open page and returns the verdict shown. */
async function scan(opened: { env: ReturnType<typeof createEnv>; page: SimulateNode; scanCode: jest.Mock }, code: string) {
  opened.scanCode.mockImplementation((o: { success: (r: unknown) => void }) => setTimeout(() => o.success({ result: code, scanType: 'QR_CODE' }), 0));
  await tapOn(opened.env, opened.page, '.scan');
  return verdictOf(opened.page);
}

/** An HC1 code's DCC as issued, verified here with the core against the server's list. */
async function verifyHc1(code: string): Promise<DccJson> {
  const list = await verifyTrustList(JSON.stringify(await signedList()), {
    cscas: [await server.app.keys.cscaCertificate()],
    now: Math.floor(NOW / 1000),
    crypto: nobleCrypto,
  });
  const v = await verifyCode(code, {
    keys: new KeyStore(list.keys),
    now: Math.floor(NOW / 1000),
    crypto: nobleCrypto,
    validateDccSchema: validateDccSchemaPrecompiled,
  });
  if (!v.certificate || v.certificate.format !== 'dcc') throw new Error(`not a verified DCC: ${v.errors.map((e) => e.code).join(', ')}`);
  return v.certificate.dcc.json;
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
    const list = await lib.verifyTrustList(JSON.stringify(await signedList()), {
      cscas: [lib.fromBase64(toBase64(csca))],
      now: Math.floor(FIXED_NOW / 1000),
      crypto: lib.nobleCrypto,
    });
    // The signed list carries the signers of both formats: the EU shape's DCC signers and ITHC signers.
    const eu = server.trustList as { certificates: { kid: string }[]; ithcCertificates: { kid: string }[] };
    expect(eu.ithcCertificates).toHaveLength(1);
    expect(list.keys.map((k: { kid: Uint8Array }) => toBase64(k.kid)).sort()).toEqual([...eu.certificates, ...eu.ithcCertificates].map((c) => c.kid).sort());
    const opts = {
      keys: new lib.KeyStore(list.keys),
      now: Math.floor(FIXED_NOW / 1000),
      crypto: lib.nobleCrypto,
      validateDccSchema: lib.validateDccSchemaPrecompiled,
      revocation: list.revocation,
    };
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
    for (const m of source.matchAll(/new Function\(/g)) expect(source.slice(Math.max(0, m.index - 200), m.index)).toMatch(/try\{|zf|keyMap|slowReads/);
  });
});

describe('the pinned CSCA (scripts/mp-bundle.mjs)', () => {
  test('is the certificate ITHC_MP_CSCA names, as DER; a private key, a signing certificate that is no CA, or no certificate stop the build', async () => {
    const { PINNED_CSCAS } = jest.requireActual<{ PINNED_CSCAS: string[] }>(anchorsFile);
    expect(PINNED_CSCAS).toEqual([toBase64(await server.app.keys.cscaCertificate())]);
    expect(fs.readFileSync(anchorsFile, 'utf8')).toMatch(/^\/\/ GENERATED by scripts\/mp-bundle\.mjs/);

    const out = path.join(server.dir, 'refused-anchors.js');
    const cscaPem = new X509Certificate(await server.app.keys.cscaCertificate()).toString();
    const withKey = writeTrustAnchors(
      pemFile('with-key.pem', `${cscaPem}-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----\n`),
      out,
    );
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

// --- the officer page -------------------------------------------------------------------------

/** Reads the trust list the page holds as the officer is shown it beside a verdict, computed here from the core at `nowMs`. */
async function expectedState(json: string, nowMs: number): Promise<TrustListState> {
  const csca = await server.app.keys.cscaCertificate();
  const v = await verifyTrustList(json, { cscas: [csca], now: Math.floor(nowMs / 1000), crypto: nobleCrypto });
  return {
    kind: 'signed',
    source: 'trustlist',
    country: v.country,
    csca: v.csca.subject,
    version: v.version,
    issuedAt: v.issuedAt,
    ageSeconds: Math.floor(nowMs / 1000) - v.issuedAt,
    maxAge: v.maxAge,
    stale: Math.floor(nowMs / 1000) - v.issuedAt > v.maxAge,
    kids: v.keys.map((k) => toBase64(k.kid)),
  };
}

/** The verdict on the page: its kind (the card's class), word, what is missing and why (keyed), the trust line. */
function verdictOf(page: SimulateNode) {
  const card = page.querySelector('.verdict');
  if (!card) throw new Error('no verdict shown');
  return {
    kind: card.dom.dataset.kind,
    word: text(page, '.verdict-title'),
    points: page.querySelectorAll('.verdict-reason').map((n) => ({ key: n.dom.dataset.key, text: textOf(n.toJSON()).trim() })),
    trust: text(page, '.verdict-trust'),
  };
}

/** The rendered nodes under the first node with class `scope` that carry the attribute `name`. */
function marked(page: SimulateNode, scope: '.summary' | '.details-body', name: string): JsonNode[] {
  const found: JsonNode[] = [];
  let box: JsonNode | undefined;
  walk(page.toJSON(), (n) => {
    if (!box && attrText(n, 'class').split(/\s+/).includes(scope.slice(1))) box = n;
  });
  if (box) walk(box, (n) => void (attr(n, name) !== undefined && found.push(n)));
  return found;
}

/**
 * The lines of the summary (or the open details) by section and label key ('tests.result'; a label
 * the catalogue does not hold as a word of its own by its text, 'fields.Field t.0.tt'): the values
 * as the page shows them, and the label shown.
 */
function shownLines(page: SimulateNode, scope: '.summary' | '.details-body'): Map<string, { label: string; values: string[] }> {
  const out = new Map<string, { label: string; values: string[] }>();
  for (const section of marked(page, scope, 'data-section')) {
    // The page keys a record's lines by their label (wx:key="label"): none may repeat within a record.
    walk(section, (n) => {
      if (!attrText(n, 'class').split(' ').includes('record')) return;
      const labels = n.children.flatMap((c) => (typeof c !== 'string' && attr(c, 'data-line') !== undefined ? [String(attr(c, 'data-line'))] : []));
      expect(labels.filter((l, i) => labels.indexOf(l) !== i)).toEqual([]);
    });
    walk(section, (n) => {
      if (attr(n, 'data-line') === undefined) return;
      const part = (cls: string) => textOf(n.children.find((c): c is JsonNode => typeof c !== 'string' && String(attr(c, 'class')).includes(cls))!).trim();
      const key = `${String(attr(section, 'data-section'))}.${String(attr(n, 'data-line'))}`;
      const line = out.get(key) ?? { label: part('row-label'), values: [] };
      line.values.push(part('line-value'));
      out.set(key, line);
    });
  }
  return out;
}

/** The values of shownLines by key. */
function linesOf(page: SimulateNode, scope: '.summary' | '.details-body'): Map<string, string[]> {
  return new Map([...shownLines(page, scope)].map(([k, l]) => [k, l.values]));
}

function sectionsOf(page: SimulateNode, scope: '.summary' | '.details-body'): string[] {
  return marked(page, scope, 'data-section').map((n) => String(attr(n, 'data-section')));
}

/** A page opened with WeChat set to `wechatLanguage` (WeChat's own tags: zh_CN, en, fr, ar, ...). */
async function openIn(wechatLanguage: string, stored: Record<string, unknown> = {}, request?: jest.Mock) {
  const routed = serverRequest(server.app, 'an-officer');
  const scanCode = jest.fn();
  const env = createEnv({ stored, request: request ?? routed.request, wx: { scanCode, getAppBaseInfo: jest.fn(() => ({ language: wechatLanguage })) } });
  const page = await env.open(PAGE);
  return { env, page, routed, scanCode };
}

describe('verify page: three verdicts, the trust line beside each, the readable summary, six languages', () => {
  test("a valid ITHC code: VALID, the trust line (which list, whose, version, age, maximum age) and the summary on top, in WeChat's language (Chinese)", async () => {
    const opened = await openIn('zh_CN');
    expect(opened.routed.calls.map((c) => `${c.name}.${String(c.data.action)}`)).toEqual(['trustlist.signed', 'partners.list', 'trustlist.sources']);
    const saved = opened.env.storage.store.get('ithc.trustlist.signed') as { json: string };
    const state = await expectedState(saved.json, NOW);
    expect(state.stale).toBe(false);
    expect(text(opened.page, '.trust-status')).toContain(renderValue('zh', { kind: 'duration', seconds: state.maxAge! }));

    const v = await scan(opened, server.view.codes.ithc);
    expect(v).toEqual({ kind: 'valid', word: say('zh', 'verdict.valid'), points: [], trust: renderValue('zh', trustValue([state])) });
    expect(v.trust).toContain(`${state.version}`);
    expect(v.trust).toContain(state.csca);

    const c = server.view.certificate;
    expect(sectionsOf(opened.page, '.summary')).toEqual([
      'holder',
      'tests',
      ...(c.antibodyTests?.length ? ['antibody'] : []),
      ...(c.vaccinations.length ? ['vaccinations'] : []),
      'issuer',
    ]);
    const lines = linesOf(opened.page, '.summary');
    expect(lines.get('holder.name')).toEqual([`${c.holder.surname}${c.holder.givenName}`]);
    expect(lines.get('holder.document')![0]).toContain(c.holder.documentNumber);
    expect(lines.get('tests.result')).toEqual(c.tests.map((t) => codedLabel('zh', 'testResult', t.result)));
    expect(lines.get('tests.sampleAge')!.every((a) => a.length > 0)).toBe(true);
    if (c.vaccinations.length)
      expect(lines.get('vaccinations.dose')).toEqual(c.vaccinations.map((x) => say('zh', 'value.dose', { n: x.doseNumber, m: x.totalDoses })));
    // Labels and section titles are the catalogue's, written by the page's strings module in the view layer.
    expect(shownLines(opened.page, '.summary').get('tests.result')!.label).toBe(say('zh', 'label.result'));
    expect(text(opened.page, '.section-holder .section-title')).toBe(say('zh', 'section.holder'));
    // Raw fields are not in the summary, and the details are not sent until opened.
    expect(opened.page.data.details).toEqual([]);
    await tapOn(opened.env, opened.page, '.details-toggle');
    expect(sectionsOf(opened.page, '.details-body')).toContain('signature');
  });

  test('past its maximum age the list gives "cannot confirm" with the reason and the stale list named, never VALID; the failed update says what stays in use', async () => {
    const first = await openIn('en');
    const stored = Object.fromEntries(first.env.storage.store);
    const json = (stored['ithc.trustlist.signed'] as { json: string }).json;
    const fresh = await expectedState(json, NOW);
    const at = (fresh.issuedAt! + fresh.maxAge! + 3 * 86_400) * 1000;

    jest.resetModules();
    (Date.now as jest.Mock).mockReturnValue(at);
    const routed = serverRequest(server.app, 'an-officer');
    routed.offline();
    const stale = await openIn('en', stored, routed.request);
    const state = await expectedState(json, at);
    expect(state.stale).toBe(true);
    // It tried to update (past its maximum age), could not, and says what stays in use.
    expect(routed.calls.map((c) => c.name)).toEqual(['trustlist']);
    expect(text(stale.page, '.trust-note')).toBe(
      `${CHROME.en.updateOffline} ${say('en', 'trust.remains', { lists: renderValue('en', trustListValue(state)) })}`,
    );
    expect(stale.page.querySelector('.trust-status')!.dom.className).toContain('tone-warn');

    for (const code of [server.view.codes.ithc, server.view.codes.dcc[0].code]) {
      const v = await scan(stale, code);
      expect(v).toEqual({
        kind: 'cannot-check',
        word: say('en', 'verdict.cannot'),
        points: [{ key: 'current-trust-list', text: renderValue('en', missingValue({ kind: 'current-trust-list', list: state })) }],
        trust: renderValue('en', trustValue([state])),
      });
      expect(v.trust).toContain(renderValue('en', trustListValue(state)));
      expect(v.trust).toMatch(/PAST ITS MAXIMUM AGE/);
    }
    // A tampered code is still refused outright: a stale list does not make a bad signature good.
    expect((await scan(stale, tamperSignature(server.view.codes.ithc))).kind).toBe('invalid');

    // Back online, a current list: the same code is VALID again.
    routed.online();
    server.clock.set(at);
    try {
      await tapOn(stale.env, stale.page, '.update-trust');
    } finally {
      server.clock.set(FIXED_NOW);
    }
    expect(stale.page.querySelector('.trust-note')).toBeUndefined();
    const current = await expectedState((stale.env.storage.store.get('ithc.trustlist.signed') as { json: string }).json, at);
    expect(current.stale).toBe(false);
    expect(await scan(stale, server.view.codes.ithc)).toEqual({
      kind: 'valid',
      word: say('en', 'verdict.valid'),
      points: [],
      trust: renderValue('en', trustValue([current])),
    });
  });

  test('an invalid code: INVALID with the reason translated (French), then in Spanish from the picker without verifying again', async () => {
    const opened = await openIn('fr');
    const v = await scan(opened, tamperSignature(server.view.codes.dcc[1].code));
    expect(v.kind).toBe('invalid');
    expect(v.word).toBe(say('fr', 'verdict.invalid'));
    expect(v.points).toEqual([{ key: 'SIGNATURE_INVALID', text: say('fr', 'error.SIGNATURE_INVALID') }]);
    expect(v.points[0].text).not.toBe(say('en', 'error.SIGNATURE_INVALID'));
    // Nothing of a code whose signature did not verify is shown as content.
    expect(sectionsOf(opened.page, '.summary')).toEqual([]);
    expect(text(opened.page, '.scan')).toBe(CHROME.fr.scanAgain);

    const scans = opened.scanCode.mock.calls.length;
    opened.page.querySelector('.lang-picker')!.dispatchEvent('change', { detail: { value: String(LANGS.indexOf('es')) } });
    await opened.env.settle();
    expect(opened.scanCode.mock.calls.length).toBe(scans);
    expect(verdictOf(opened.page).points).toEqual([{ key: 'SIGNATURE_INVALID', text: say('es', 'error.SIGNATURE_INVALID') }]);
    expect(verdictOf(opened.page).word).toBe(say('es', 'verdict.invalid'));
    expect(text(opened.page, '.intro')).toBe(CHROME.es.intro);
    expect(opened.env.storage.store.get('ithc.verifyLang')).toBe('es');
    expect(opened.env.wx.setNavigationBarTitle).toHaveBeenLastCalledWith({ title: CHROME.es.title });
  });

  test('a sealed code for another authority: cannot confirm, naming the partner from the partner list; without the list, by the kid', async () => {
    const seal = await call(server.app, 'certificate', server.openid, { action: 'seal', destination: 'SG' });
    if (!seal.ok) throw new Error(`seal failed: ${seal.error.code}`);
    const { code, kid } = (seal.data as { sealed: { code: string; kid: string }[] }).sealed[0];
    const partner = (await server.app.partners.get('SG'))!;
    expect(partner.encryptionKeys.map((k) => k.kid)).toContain(kid);

    const opened = await openIn('en');
    const v = await scan(opened, code);
    expect(v.kind).toBe('cannot-check');
    expect(v.word).toBe(say('en', 'verdict.cannot'));
    expect(v.points).toEqual([{ key: 'authority-key', text: say('en', 'missing.sealedFor', { authority: partner.name.en, kid }) }]);
    expect(v.points[0].text).toContain(partner.name.en);
    opened.page.querySelector('.lang-picker')!.dispatchEvent('change', { detail: { value: String(LANGS.indexOf('zh')) } });
    await opened.env.settle();
    expect(verdictOf(opened.page).points[0].text).toBe(say('zh', 'missing.sealedFor', { authority: partner.name.zh, kid }));

    // A phone that has the trust list but never fetched the partner list names the kid alone.
    jest.resetModules();
    const stored = Object.fromEntries([...opened.env.storage.store].filter(([k]) => k === 'ithc.trustlist.signed' || k === 'ithc.sourcelist.signed'));
    const bare = await openIn('en', stored);
    expect(bare.routed.calls).toEqual([]);
    expect((await scan(bare, code)).points).toEqual([{ key: 'authority-key', text: say('en', 'missing.sealedForKid', { kid }) }]);
  });

  test('an HC1 code: the same readable summary (coded values in words), its raw fields only under Details', async () => {
    const opened = await openIn('en');
    const record = server.view.codes.dcc.find((d) => d.type === 't')!;
    const v = await scan(opened, record.code);
    expect(v.kind).toBe('valid');
    expect(text(opened.page, '.verdict-format')).toBe(say('en', 'format.dcc'));
    expect(sectionsOf(opened.page, '.summary')).toEqual(['holder', 'tests', 'issuer']);
    const dcc = (await verifyHc1(record.code)).t![0] as Record<string, string>;
    const lines = linesOf(opened.page, '.summary');
    expect(lines.get('tests.test')).toEqual([codedLabel('en', 'testType', dcc.tt)]);
    expect(lines.get('tests.result')).toEqual([codedLabel('en', 'testResult', dcc.tr)]);
    for (const raw of [dcc.tt, dcc.tr]) expect([...lines.values()].flat()).not.toContain(raw);
    expect(opened.page.querySelector('.details-body')).toBeUndefined();
    await tapOn(opened.env, opened.page, '.details-toggle');
    expect(sectionsOf(opened.page, '.details-body')).toEqual(['signature', 'fields']);
    const fields = linesOf(opened.page, '.details-body');
    // A DCC field's label is written out (it names the field's path), the same in every language but the word for "field".
    expect(fields.get(`fields.${say('en', 'label.field', { field: 't.0.tt' })}`)).toEqual([dcc.tt]);
    expect(fields.get(`fields.${say('en', 'label.field', { field: 't.0.tr' })}`)).toEqual([dcc.tr]);
  });

  test('Arabic: the page reads right to left, in Arabic; another language turns it back; WeChat in a language we do not have gives English', async () => {
    const opened = await openIn('ar');
    const root = opened.page.querySelector('.page')!;
    expect(root.dom.style.direction).toBe('rtl');
    expect(text(opened.page, '.intro')).toBe(CHROME.ar.intro);
    expect(text(opened.page, '.lang-switch')).toBe(LANG_NAMES.ar);
    const v = await scan(opened, server.view.codes.ithc);
    expect(v.word).toBe(say('ar', 'verdict.valid'));
    expect(v.trust.startsWith(say('ar', 'trust.verdict', { lists: '\u0000' }).split('\u0000')[0])).toBe(true);
    opened.page.querySelector('.lang-picker')!.dispatchEvent('change', { detail: { value: String(LANGS.indexOf('ru')) } });
    await opened.env.settle();
    expect(opened.page.querySelector('.page')!.dom.style.direction).toBe('ltr');
    expect(verdictOf(opened.page).word).toBe(say('ru', 'verdict.valid'));

    jest.resetModules();
    const german = await openIn('de');
    expect(text(german.page, '.intro')).toBe(CHROME.en.intro);
    expect(german.page.querySelector('.page')!.dom.style.direction).toBe('ltr');
  });

  test("setData carries the lines on screen, not the catalogue: no payload holds words the page does not show, none near the size of one language's table", async () => {
    const opened = await openIn('ru');
    await scan(opened, server.view.codes.ithc);
    await tapOn(opened.env, opened.page, '.details-toggle');
    opened.page.querySelector('.lang-picker')!.dispatchEvent('change', { detail: { value: String(LANGS.indexOf('ar')) } });
    await opened.env.settle();
    const sent = JSON.stringify(opened.page.data);
    for (const lang of ['ru', 'ar'] as const) {
      // Words of a verdict not given, and of a missing piece not missing, were never sent.
      for (const code of ['verdict.invalid', 'verdict.cannot', 'missing.trustList', 'error.SIGNATURE_INVALID'] as const)
        expect(sent).not.toContain(say(lang, code));
      // Nor the words shown for every certificate: the page's own, the labels and section titles (the strings module writes them).
      for (const words of [CHROME[lang].intro, CHROME[lang].trustUpdate, say(lang, 'label.sampleTime'), say(lang, 'section.vaccinations')])
        expect(sent).not.toContain(`"${words}"`);
    }
    expect(shownLines(opened.page, '.summary').get('tests.sampleTime')!.label).toBe(say('ar', 'label.sampleTime'));
    // Each payload is what changed on screen: a scan sends the verdict, a language change the page's words and the lines shown again.
    const after = opened.env.payloads.filter((p) => p.afterFirstRender);
    const fields = ['lang', 'dir', 'langIndex', 'care', 'trust', 'trustNote', 'sourcesNote', 'verdict', 'summary', 'detailsOpen', 'details', 'pasted'];
    for (const p of after) expect(p.keys.filter((k) => !fields.includes(k.split(/[.[]/)[0]))).toEqual([]);
    const smallest = Math.min(...LANGS.map((l) => utf8Bytes(JSON.stringify(CATALOGUE[l]))));
    expect(Math.max(...after.map((p) => p.bytes))).toBeLessThan(smallest);
  });

  test("the strings module (lib/strings.wxs) gives, through WeChat's compiler, every word of the page and every catalogue label and section title exactly, in the six languages; any other label as written", () => {
    const dir = fs.mkdtempSync(path.join(server.dir, 'verify-wxs-'));
    fs.mkdirSync(path.join(dir, 'lib'));
    fs.mkdirSync(path.join(dir, 'probe'));
    fs.copyFileSync(path.join(MINIPROGRAM_ROOT, 'packageVerify/lib/strings.wxs'), path.join(dir, 'lib/strings.wxs'));
    fs.writeFileSync(
      path.join(dir, 'probe/index.wxml'),
      [
        '<wxs src="../lib/strings.wxs" module="str" />',
        '<text wx:for="{{chrome}}" wx:key="*this" class="c">{{str[lang][item]}}</text>',
        '<text wx:for="{{labels}}" wx:key="*this" class="l">{{str.label(lang, item)}}</text>',
        '<text wx:for="{{sections}}" wx:key="*this" class="s">{{str.section(lang, item)}}</text>',
        '',
      ].join('\n'),
    );
    fs.writeFileSync(path.join(dir, 'probe/index.json'), '{"component":true}');
    fs.writeFileSync(path.join(dir, 'probe/index.js'), 'Component({ data: { lang: "en", chrome: [], labels: [], sections: [] } })');
    const codes = (prefix: string) => Object.keys(CATALOGUE.en).filter((c) => c.startsWith(prefix) && placeholders(say('en', c as never)).length === 0);
    const labels = codes('label.');
    const sections = codes('section.');
    expect(labels).toContain('label.sampleTime');
    expect(sections).toContain('section.vaccinations');
    const simulate = freshSimulate();
    const probe = simulate.render(simulate.load(path.join(dir, 'probe/index'), { rootPath: dir }));
    probe.attach(document.createElement('parent-wrapper'));
    const shown = (cls: string) => probe.querySelectorAll(cls).map((n) => n.dom.textContent);
    const written = ['Field t.0.tt', 'SIGNATURE_INVALID'];
    for (const lang of LANGS) {
      probe.setData({
        lang,
        chrome: Object.keys(CHROME.en),
        labels: [...labels.map((c) => c.slice('label.'.length)), ...written],
        sections: sections.map((c) => c.slice('section.'.length)),
      });
      expect(shown('.c')).toEqual(Object.keys(CHROME.en).map((k) => CHROME[lang][k as keyof typeof CHROME.en]));
      expect(shown('.l')).toEqual([...labels.map((c) => say(lang, c as never)), ...written]);
      expect(shown('.s')).toEqual(sections.map((c) => say(lang, c as never)));
    }
  });

  test("the officer page's own words exist in the six languages with the English placeholders", () => {
    expect(Object.keys(CHROME).sort()).toEqual([...LANGS].sort());
    for (const lang of LANGS) {
      expect(Object.keys(CHROME[lang]).sort()).toEqual(Object.keys(CHROME.en).sort());
      for (const [key, t] of Object.entries(CHROME[lang])) {
        expect({ lang, key, placeholders: placeholders(t), empty: !t.trim() }).toEqual({
          lang,
          key,
          placeholders: placeholders(CHROME.en[key as keyof typeof CHROME.en]),
          empty: false,
        });
      }
    }
  });
});

describe('verify page: the trust list', () => {
  test('a list with a bad CSCA signature, or signed by a CSCA this build does not pin, is refused: no list, so "cannot confirm" for want of one', async () => {
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
      const opened = await openIn('zh_CN', {}, serving(routed, list));
      expect(text(opened.page, '.trust-note')).toBe(`${CHROME.zh.trustRefused}${say('zh', 'trust.remainsNone')}`);
      expect(text(opened.page, '.trust-status')).toBe(say('zh', 'trust.statusNone'));
      expect(opened.env.storage.store.has('ithc.trustlist.signed')).toBe(false);
      const v = await scan(opened, server.view.codes.ithc);
      expect(v.kind).toBe('cannot-check');
      expect(v.points.map((p) => p.key)).toEqual(['trust-list']);
      expect(v.trust).toBe(say('zh', 'trust.verdictNone'));
    }
  });

  test('a build with no CSCA pinned says so, calls nothing, and gives no verdict beyond "cannot confirm"', async () => {
    jest.doMock(TRUST_ANCHORS_MODULE, () => ({ PINNED_CSCAS: Object.freeze([]) }));
    const opened = await openIn('zh_CN');
    expect(opened.routed.calls).toEqual([]);
    expect(text(opened.page, '.trust-status')).toBe(CHROME.zh.trustNoAnchor);
    await tapOn(opened.env, opened.page, '.update-trust');
    expect(opened.routed.calls).toEqual([]);
    expect(opened.env.wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: CHROME.zh.trustNoAnchor }));
    expect((await scan(opened, server.view.codes.ithc)).kind).toBe('cannot-check');
  });

  test('revocation: admin.revoke, the officer updates the list, the code is INVALID as revoked; a replayed older list is refused and the newer stays', async () => {
    const first = await openIn('zh_CN');
    expect((await scan(first, revokable.codes.ithc)).kind).toBe('valid');
    const before = first.env.storage.store.get('ithc.trustlist.signed') as { json: string };

    const revoked = await call(server.app, 'admin', OPERATOR, { action: 'revoke', certificateId: revokable.id, reason: 'records found to be false' });
    expect(revoked.ok).toBe(true);
    const now = await signedList();
    expect(now.summary.revocations).toBeGreaterThan(0);

    // The list on the phone predates the revocation: it still says valid until updated.
    expect((await scan(first, revokable.codes.ithc)).kind).toBe('valid');
    await tapOn(first.env, first.page, '.update-trust');
    expect(first.env.wx.showToast).toHaveBeenLastCalledWith(expect.objectContaining({ title: CHROME.zh.trustUpdated }));
    for (const code of [revokable.codes.ithc, ...revokable.codes.dcc.map((d) => d.code)]) {
      const v = await scan(first, code);
      expect({ kind: v.kind, points: v.points }).toEqual({ kind: 'invalid', points: [{ key: 'REVOKED', text: say('zh', 'error.REVOKED') }] });
      // The trust line names the list that says so: the new version.
      expect(v.trust).toContain(`${now.version}`);
    }
    // Another traveller's certificate is untouched.
    expect((await scan(first, server.view.codes.ithc)).kind).toBe('valid');

    // Someone on the network serves the list from before the revocation (genuinely signed): refused, the newer one stays.
    jest.resetModules();
    const older = JSON.parse(before.json);
    const routed = serverRequest(server.app, 'an-officer');
    const replay = await openIn('en', Object.fromEntries(first.env.storage.store), serving(routed, older));
    await tapOn(replay.env, replay.page, '.update-trust');
    const inUse = await expectedState((replay.env.storage.store.get('ithc.trustlist.signed') as { json: string }).json, NOW);
    expect(inUse.version).toBe(now.version);
    expect(text(replay.page, '.trust-note')).toBe(
      `${say('en', 'trust.older', { incoming: older.version, inUse: now.version })} ${say('en', 'trust.remains', { lists: renderValue('en', trustListValue(inUse)) })}`,
    );
    const v = await scan(replay, revokable.codes.ithc);
    expect(v.points).toEqual([{ key: 'REVOKED', text: say('en', 'error.REVOKED') }]);
  });

  test('a saved list that does not verify against the pinned CSCA is not used, and the page fetches a good one', async () => {
    const good = await signedList();
    const cose = fromBase64(good.signed);
    cose[cose.length - 1] ^= 0x01;
    const stored = {
      'ithc.trustlist.signed': { json: JSON.stringify({ ...good, signed: toBase64(cose) }), fetchedAt: FIXED_NOW },
      'ithc.trustlist': { json: JSON.stringify(server.trustList), fetchedAt: FIXED_NOW },
    };
    const routed = serverRequest(server.app, 'an-officer');
    routed.offline();
    const offline = await openIn('zh_CN', stored, routed.request);
    expect(text(offline.page, '.trust-status')).toBe(CHROME.zh.trustSavedInvalid);
    expect((await scan(offline, server.view.codes.ithc)).kind).toBe('cannot-check');
    routed.online();
    await tapOn(offline.env, offline.page, '.update-trust');
    expect((await scan(offline, server.view.codes.ithc)).kind).toBe('valid');
    // The unsigned list an earlier version kept is gone once a signed one is stored.
    expect(offline.env.storage.store.has('ithc.trustlist')).toBe(false);
  });

  test('offline with no list yet: cannot confirm, a trust list missing', async () => {
    const routed = serverRequest(server.app, 'an-officer');
    routed.offline();
    const opened = await openIn('zh_CN', {}, routed.request);
    expect(text(opened.page, '.trust-status')).toBe(say('zh', 'trust.statusNone'));
    expect(text(opened.page, '.trust-note')).toBe(`${CHROME.zh.updateOffline}${say('zh', 'trust.remainsNone')}`);
    const v = await scan(opened, server.view.codes.ithc);
    expect({ kind: v.kind, missing: v.points.map((p) => p.key) }).toEqual({ kind: 'cannot-check', missing: ['trust-list'] });
  });

  test('something that is not a certificate is named as such; a pasted code with line breaks is read as one', async () => {
    const opened = await openIn('en');
    expect((await scan(opened, 'https://example.com/menu')).points).toEqual([{ key: 'PREFIX_UNKNOWN', text: say('en', 'error.PREFIX_UNKNOWN') }]);
    const code = server.view.codes.dcc[0].code;
    opened.page.instance.onPasteInput({ detail: { value: `${code.slice(0, 60)}\r\n${code.slice(60, 120)}\n${code.slice(120)}` } });
    await tapOn(opened.env, opened.page, '.check-pasted');
    expect(verdictOf(opened.page).kind).toBe('valid');
  });

  test('care mode applies on the subpackage page too', async () => {
    const { page } = await openIn('zh_CN', { 'ithc.care': true });
    expect(page.querySelector('.page')!.dom.className).toContain('care');
  });
});

describe('verify page: the source list', () => {
  /** What the page should show for each record's laboratory or vaccination site in `lang`, from the certificate and the source list. */
  /** The certificate as its ITHC code carries it (the traveller's view fills in the names; the code gives codes), verified here with the core. */
  let c: IthcCertificate;
  beforeAll(async () => {
    const list = await verifyTrustList(JSON.stringify(await signedList()), {
      cscas: [await server.app.keys.cscaCertificate()],
      now: Math.floor(NOW / 1000),
      crypto: nobleCrypto,
    });
    const v = await verifyCode(server.view.codes.ithc, {
      keys: new KeyStore(list.keys),
      now: Math.floor(NOW / 1000),
      crypto: nobleCrypto,
      validateDccSchema: validateDccSchemaPrecompiled,
    });
    if (v.certificate?.format !== 'ithc') throw new Error(`not a verified ITHC code: ${v.errors.map((e) => e.code).join(', ')}`);
    c = v.certificate.ithc;
  });

  function expectedSources(lang: Lang, dir: VerifiedSourceList['sources'] | null) {
    const named = (name: string | undefined, code: number | undefined) => {
      if (name !== undefined) return name;
      const e = dir?.get(code!);
      if (!e) return say(lang, 'value.sourceUnknown', { code: code! });
      return lang === 'zh' ? e.name : (e.nameLatin ?? e.name);
    };
    return {
      'tests.centre': c.tests.map((t) => named(t.testingCentre, t.testingCentreCode)),
      ...(c.antibodyTests.length ? { 'antibody.centre': c.antibodyTests.map((t) => named(t.testingCentre, t.testingCentreCode)) } : {}),
      ...(c.vaccinations.length ? { 'vaccinations.site': c.vaccinations.map((v) => named(v.vaccinationSite, v.vaccinationSiteCode)) } : {}),
    };
  }

  function shownSources(page: SimulateNode) {
    const lines = linesOf(page, '.summary');
    return Object.fromEntries(['tests.centre', 'antibody.centre', 'vaccinations.site'].filter((k) => lines.has(k)).map((k) => [k, lines.get(k)]));
  }

  /** The trust card's source-list line for `list` at NOW, from the catalogue. */
  function statusLine(lang: Lang, list: VerifiedSourceList): string {
    return renderValue(
      lang,
      msg('trust.statusSources', {
        version: list.version,
        csca: list.csca.subject,
        n: list.sources.size,
        issued: { kind: 'datetime', seconds: list.issuedAt },
        age: { kind: 'duration', seconds: Math.floor(NOW / 1000) - list.issuedAt },
      }),
    );
  }

  test('laboratories and vaccination sites given by code are named from the signed source list: Latin script in every language but Chinese, Chinese in Chinese; the trust card shows the list', async () => {
    // The demo certificate gives its sources by code, as registered sources' records do.
    expect([...c.tests, ...c.antibodyTests].some((t) => t.testingCentreCode !== undefined && t.testingCentre === undefined)).toBe(true);
    expect(c.vaccinations.some((v) => v.vaccinationSiteCode !== undefined)).toBe(true);

    const opened = await openIn('en');
    const kept = opened.env.storage.store.get('ithc.sourcelist.signed') as { json: string };
    const list = await verifiedSources(JSON.parse(kept.json));
    expect(list.version).toBe((await sourceList()).version);
    expect(text(opened.page, '.sources-status')).toBe(statusLine('en', list));
    expect(opened.page.querySelector('.sources-note')).toBeUndefined();

    await scan(opened, server.view.codes.ithc);
    const english = expectedSources('en', list.sources);
    expect(shownSources(opened.page)).toEqual(english);
    // Names, not codes: each one the list holds in Latin script.
    for (const name of Object.values(english).flat()) expect(name).toMatch(/^[\x20-\x7e]+$/);

    for (const lang of ['ru', 'zh', 'ar'] as const) {
      opened.page.querySelector('.lang-picker')!.dispatchEvent('change', { detail: { value: String(LANGS.indexOf(lang)) } });
      await opened.env.settle();
      expect(shownSources(opened.page)).toEqual(expectedSources(lang, list.sources));
      expect(text(opened.page, '.sources-status')).toBe(statusLine(lang, list));
    }
    expect(Object.values(shownSources(opened.page)).flat().join('')).not.toMatch(/[\u4e00-\u9fff]/);

    // A phone that has the trust list but no source list, offline: the same certificate verifies, its sources shown by code.
    jest.resetModules();
    const routed = serverRequest(server.app, 'an-officer');
    routed.offline();
    const bare = await openIn('en', { 'ithc.trustlist.signed': opened.env.storage.store.get('ithc.trustlist.signed') }, routed.request);
    // It tried to fetch the missing list, and says it could not.
    expect(routed.calls.map((x) => `${x.name}.${String(x.data.action)}`)).toEqual(['trustlist.sources']);
    expect(text(bare.page, '.sources-note')).toBe(CHROME.en.sourcesFailed.replace('{code}', 'NETWORK'));
    expect(text(bare.page, '.sources-status')).toBe(CHROME.en.sourcesNone);
    expect((await scan(bare, server.view.codes.ithc)).kind).toBe('valid');
    expect(shownSources(bare.page)).toEqual(expectedSources('en', null));
  });

  test('a forged source list, or one signed by a CSCA this build does not pin, is refused: nothing is kept and sources stay codes', async () => {
    const good = await sourceList();
    const cose = fromBase64(good.signed);
    cose[cose.length - 1] ^= 0x01;
    const forged = { ...good, signed: toBase64(cose) };
    const otherDir = fs.mkdtempSync(path.join(server.dir, 'other-sources-'));
    const other = await openLocalApp(otherDir);
    let foreign: unknown;
    try {
      foreign = await sourceList(other);
    } finally {
      await other.store.close();
    }
    for (const list of [forged, foreign]) {
      jest.resetModules();
      const routed = serverRequest(server.app, 'an-officer');
      const opened = await openIn('fr', {}, serving(routed, list, 'sources'));
      expect(text(opened.page, '.sources-note')).toBe(CHROME.fr.sourcesRefused);
      expect(text(opened.page, '.sources-status')).toBe(CHROME.fr.sourcesNone);
      expect(opened.env.storage.store.has('ithc.sourcelist.signed')).toBe(false);
      // The trust list came through: the code verifies, its sources shown by code.
      expect((await scan(opened, server.view.codes.ithc)).kind).toBe('valid');
      expect(shownSources(opened.page)).toEqual(expectedSources('fr', null));
    }
  });

  test('a newer source list replaces the one kept; an older one replayed is refused and the newer stays', async () => {
    const older = await sourceList();
    const opened = await openIn('es');
    expect(JSON.parse((opened.env.storage.store.get('ithc.sourcelist.signed') as { json: string }).json).version).toBe(older.version);

    // A source is registered: the deployment publishes a new version, which the officer's update takes.
    await server.app.store.insert('sources', {
      _id: 'verify-test-lab',
      name: '广州市越秀区疾病预防控制中心',
      nameLatin: 'Guangzhou Yuexiu District CDC',
      type: 'lab',
      country: 'CN',
      region: 'CN-GD',
      accepts: ['naat', 'igg'],
      active: true,
      code: 4401,
      validFrom: Date.UTC(2020, 0, 1),
    });
    const newer = await sourceList();
    expect(newer.version).toBeGreaterThan(older.version);
    await tapOn(opened.env, opened.page, '.update-trust');
    const kept = await verifiedSources(JSON.parse((opened.env.storage.store.get('ithc.sourcelist.signed') as { json: string }).json));
    expect(kept.version).toBe(newer.version);
    expect(kept.sources.get(4401)?.nameLatin).toBe('Guangzhou Yuexiu District CDC');
    expect(text(opened.page, '.sources-status')).toBe(statusLine('es', kept));

    // Someone on the network serves the list from before (genuinely signed): refused, the newer one stays in use.
    jest.resetModules();
    const routed = serverRequest(server.app, 'an-officer');
    const replay = await openIn('es', Object.fromEntries(opened.env.storage.store), serving(routed, older, 'sources'));
    await tapOn(replay.env, replay.page, '.update-trust');
    expect(text(replay.page, '.sources-note')).toBe(
      CHROME.es.sourcesOlder.replace('{incoming}', String(older.version)).replace('{inUse}', String(newer.version)),
    );
    expect(JSON.parse((replay.env.storage.store.get('ithc.sourcelist.signed') as { json: string }).json).version).toBe(newer.version);
    await scan(replay, server.view.codes.ithc);
    expect(shownSources(replay.page)).toEqual(expectedSources('es', kept.sources));
  });
});
