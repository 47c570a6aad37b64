/**
 * The web verifier in a real browser: Debian's Chromium driven by playwright-core, a fresh
 * profile, the built files (scripts/web-build.mjs) served by the local gateway's /verify/ route on
 * 127.0.0.1. Each row of the table, plus PDF upload, a signed trust list with its age, entry
 * rules, and a reload while offline. Screenshots of each state go to .preview/web-*.png.
 *
 * The codes are made here at run time (the demo traveller's certificate on a fresh store, a code
 * sealed to the demo authority's key, a tampered copy) or taken from the EU test data.
 */
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { encodeBase45 } from '../../core/base45';
import { encodeCoseSign1, parseCoseSign1 } from '../../core/cose';
import { decodeStages } from '../../core/hcert';
import { sealCode } from '../../core/seal';
import { deflate } from '../../core/zlib';
import { qrPng } from '../../node/qr-image';
import type { App } from '../../server/app';
import type { CertificateView } from '../../server/functions/definitions';
import { createGateway } from '../../server/gateway';
import { DEMO_PARTNER_RULES, demoAuthorityPrivateKeyPem, demoAuthorityPublicKey } from '../../demo/partner';
import { renderCertificatePdf } from '../../server/pdf/certificate-pdf';
import { appRoutes, webVerifierRoute } from '../../server/routes';
import { publishDscList } from '../../server/trust/dsc-list';
import { publishAppTrustList } from '../../server/trust/signed-list';
import { publishAppSourceList } from '../../server/trust/source-list';
import { DEMO_SOURCES } from '../../demo/records';
import { openLocalApp } from '../../node/local';
import { demoTravellerFlow, seedDemo } from '../../demo/seed';
import { randomBytes } from 'node:crypto';
import { testWithTestdata, testdataPath } from '../support/testdata';
import { LANGS, codedLabel, format, formatDuration, textDirection } from '../../core/view';
import { label } from '../../core/valuesets';
import { CHROME } from '../../web/i18n';
import { CHROMIUM, CHROMIUM_ARGS } from '../../scripts/chromium.mjs';

const ROOT = resolve(__dirname, '../..');
const PREVIEW = join(ROOT, '.preview');
const EU_CASE = testdataPath('dcc-testdata', 'DE/2DCode/raw/1.json');

let work: string;
let app: App;
let view: CertificateView;
let gateway: ReturnType<typeof createGateway>;
let base: string;
let context: BrowserContext;
let page: Page;
const files: Record<string, string> = {};
/** The first visit, as Chromium counted it (encodedDataLength of every response) and as the server sent it. */
const firstVisit = { browserBytes: 0, servedBytes: 0, served: [] as string[] };
let counting = true;

function file(name: string, content: string | Uint8Array): string {
  const p = join(work, name);
  writeFileSync(p, content);
  files[name] = p;
  return p;
}

/** The ITHC code with one character of the holder's document number changed, signature kept. */
function tamper(code: string): string {
  const st = decodeStages(code);
  const sign1 = parseCoseSign1(st.cose!);
  const payload = sign1.payload.slice();
  const doc = new TextEncoder().encode((view.certificate.holder as Record<string, string>).documentNumber);
  const at = Buffer.from(payload).indexOf(Buffer.from(doc));
  if (at < 0) throw new Error('document number not found in the payload');
  payload[at + doc.length - 1] = payload[at + doc.length - 1] === 0x30 ? 0x31 : 0x30;
  return st.prefix! + encodeBase45(deflate(encodeCoseSign1(sign1.protectedBytes, payload, sign1.signature)));
}

async function shot(name: string): Promise<void> {
  mkdirSync(PREVIEW, { recursive: true });
  await page.screenshot({ path: join(PREVIEW, `web-${name}.png`), fullPage: true });
}

async function open(): Promise<void> {
  await page.goto(`${base}/verify/`);
  await page.waitForSelector('body[data-ready="true"]');
}

async function settings(): Promise<void> {
  await page.evaluate(() => document.getElementById('settings')!.setAttribute('open', ''));
}

/** Pastes a code, presses Verify and returns what the verdict says. */
async function verifyPasted(code: string): ReturnType<typeof readVerdict> {
  await page.click('#clear');
  await page.fill('#code', code);
  await page.click('#verify');
  return readVerdict();
}

/** The summary's lines as the page shows them: line key, text, and the raw value beside it. */
async function summaryLines(): Promise<Array<{ key: string; text: string; value: string }>> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('#summary dd[data-line]')].map((d) => ({
      key: d.dataset.line!,
      text: d.textContent ?? '',
      value: d.dataset.value ?? '',
    })),
  );
}

async function readVerdict(): Promise<{ valid: string; verdict: string; text: string; codes: string[]; missing: string[]; trust: string }> {
  await page.waitForSelector('#result:not([hidden]) #verdict[data-valid]');
  return page.evaluate(() => {
    const v = document.getElementById('verdict')!;
    return {
      valid: v.dataset.valid!,
      verdict: v.dataset.verdict!,
      text: document.getElementById('result')!.innerText,
      codes: [...v.querySelectorAll<HTMLElement>('li[data-code]')].map((li) => li.dataset.code!),
      missing: [...v.querySelectorAll<HTMLElement>('li[data-missing]')].map((li) => li.dataset.missing!),
      trust: document.getElementById('verdict-trust')?.textContent ?? '',
    };
  });
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is needed for this test at ${CHROMIUM} (Debian: apt-get install chromium)`);
  work = mkdtempSync(join(tmpdir(), 'ithc-web-'));
  const webDir = join(work, 'web');
  const built = spawnSync(process.execPath, [join(ROOT, 'scripts/web-build.mjs'), '--out', webDir], { encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`web build failed: ${built.stderr}`);

  app = await openLocalApp(join(work, 'data'));
  await seedDemo(app);
  view = await demoTravellerFlow(app);
  file('trustlist.json', JSON.stringify(await publishDscList(app.keys, app.config.country, app.clock.now())));
  file('trustlist-signed.json', JSON.stringify((await publishAppTrustList(app)).envelope));
  file('sources-signed.json', JSON.stringify((await publishAppSourceList(app)).envelope));
  file('csca.der', await app.keys.cscaCertificate());
  file('qr-ithc.png', qrPng(view.codes.ithc, { scale: 6 }));
  file(
    'certificate.pdf',
    (await renderCertificatePdf({ ithc: view.codes.ithc, dcc: view.codes.dcc, links: { trustList: 'x', webVerifier: 'y' }, printedAt: app.clock.now() })).bytes,
  );
  const authorityPem = await demoAuthorityPrivateKeyPem(app);
  file('authority-demo-key.pem', authorityPem);
  const pub = demoAuthorityPublicKey(authorityPem);
  const sign1 = decodeStages(view.codes.ithc).cose!;
  files.sealed = sealCode(sign1, [{ kid: pub.kid, publicKey: pub.spki }], (n) => new Uint8Array(randomBytes(n)));
  // Another authority's key: the demo code is not sealed to it.
  file('other-key.pem', generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
  file('rules-sg.json', JSON.stringify(DEMO_PARTNER_RULES));

  // Counts what the server sends for the page's files during the first visit (compressed bytes as sent).
  const web = webVerifierRoute(webDir);
  const counted: typeof web = async (req) => {
    const r = await web(req);
    if (r && counting) {
      firstVisit.servedBytes += typeof r.body === 'string' ? Buffer.byteLength(r.body) : r.body.length;
      firstVisit.served.push(req.path);
    }
    return r;
  };
  gateway = createGateway({ functions: [], localMode: false, operators: new Set(), routes: [counted, ...appRoutes(app)] });
  base = await gateway.listen(0);
  context = await chromium.launchPersistentContext(join(work, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    chromiumSandbox: false,
    args: [...CHROMIUM_ARGS],
    viewport: { width: 1100, height: 900 },
    locale: 'en-GB',
  });
  page = context.pages()[0] ?? (await context.newPage());
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  cdp.on('Network.loadingFinished', (e: { encodedDataLength: number }) => {
    if (counting) firstVisit.browserBytes += e.encodedDataLength;
  });
  await open();
  // The first visit is over once the service worker has cached the page for offline use.
  await page.waitForSelector('#offline-status[data-ready="true"]');
  counting = false;
});

afterAll(async () => {
  await context?.close();
  await gateway?.close();
  await app?.store.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the web verifier in Chromium', () => {
  it('the first visit transfers at most 700 KB (compressed), fetches no pdf.js, and every file comes compressed', async () => {
    const budget = 700 * 1024;
    process.stdout.write(
      `first visit: ${firstVisit.browserBytes} bytes as Chromium counted them, ${firstVisit.servedBytes} bytes of page files sent (budget ${budget})\n`,
    );
    expect(firstVisit.browserBytes).toBeGreaterThan(0);
    expect(firstVisit.browserBytes).toBeLessThanOrEqual(budget);
    expect(firstVisit.servedBytes).toBeLessThanOrEqual(budget);
    expect(firstVisit.served.filter((p) => /pdf/.test(p))).toEqual([]);
    const built = JSON.parse(readFileSync(join(work, 'web', 'build.json'), 'utf8')) as { files: Record<string, number> };
    const app = Object.keys(built.files).find((f) => f === 'app.js')!;
    for (const [encoding, expected] of [
      ['br', 'br'],
      ['gzip', 'gzip'],
      ['gzip;q=0, identity', undefined],
    ] as const) {
      const res = await fetch(`${base}/verify/${app}`, { headers: { 'accept-encoding': encoding } });
      expect(res.headers.get('content-encoding') ?? undefined).toBe(expected);
      expect(res.headers.get('vary')).toBe('Accept-Encoding');
      expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      // Node's fetch decodes the body: the same script whichever copy was sent.
      expect((await res.arrayBuffer()).byteLength).toBe(built.files[app]);
    }
    const wasm = Object.keys(built.files).find((f) => f.endsWith('.wasm'))!;
    expect((await fetch(`${base}/verify/${wasm}`)).headers.get('cache-control')).toMatch(/immutable/);
  });

  it("a deployment's own /verify/ loads its CSCA and signed trust list by itself, and says whose they are", async () => {
    const status = await page.textContent('#trust-status');
    expect(status).toMatch(/Signed trust list version/);
    expect(status).toContain(`served by this deployment (${new URL(base).origin})`);
    const r = await verifyPasted(view.codes.ithc);
    expect(r).toMatchObject({ valid: 'true', verdict: 'valid' });
    expect(r.trust).toMatch(
      new RegExp(`^Trust list: CN signed list version \\d+ \\(CSCA "[^"]+"\\), issued .* UTC, .* old, maximum age ${formatDuration('en', 2 * 86400)}$`),
    );
    await shot('deployment-trust');
  });

  it('without a trust list, cannot confirm (not INVALID), and says a trust list is missing', async () => {
    await settings();
    await page.click('#trust-clear');
    await page.waitForFunction(() => /Trust list cleared/.test(document.getElementById('trust-status')!.textContent ?? ''));
    const r = await verifyPasted(view.codes.ithc);
    expect(r).toMatchObject({ valid: 'false', verdict: 'cannot-check', codes: [], missing: ['trust-list'] });
    expect(r.text).toMatch(/\? CANNOT CONFIRM/);
    expect(r.text).not.toMatch(/INVALID/);
    expect(r.trust).toBe('Trust list: none loaded');
    await shot('no-trust');
  });

  it('a valid code pasted: VALID, with the name, date of birth and document number', async () => {
    await settings();
    await page.setInputFiles('#trust-file', files['trustlist.json']);
    await page.waitForFunction(() => /signing certificates? loaded/.test(document.getElementById('trust-status')!.textContent ?? ''));
    const r = await verifyPasted(view.codes.ithc);
    const h = view.certificate.holder as Record<string, string>;
    expect(r.valid).toBe('true');
    expect(r.text).toMatch(/✓ VALID/);
    expect(await page.textContent('#holder-name')).toContain(`${h.surname}${h.givenName}`);
    // The date of birth in the page's language; the date itself beside it for programs.
    expect(await page.getAttribute('#holder-dob', 'data-value')).toBe(h.dateOfBirth);
    expect(await page.textContent('#holder-dob')).toContain(h.dateOfBirth.slice(0, 4));
    expect(await page.textContent('#holder-document')).toContain(h.documentNumber);
    // The issuer travels as a code; the officer reads its name, in the page's language, in the summary.
    expect(await page.textContent('[data-line="issuer.name"]')).toBe('National Health Commission of the PRC');
    await page.selectOption('#lang', 'zh');
    await page.waitForFunction(() => /中华人民共和国国家卫生健康委员会/.test(document.getElementById('summary')!.textContent ?? ''));
    await page.selectOption('#lang', 'en');
    await shot('valid');
  });

  it('a tampered code: INVALID, with the reason in plain words', async () => {
    const r = await verifyPasted(tamper(view.codes.ithc));
    expect(r.valid).toBe('false');
    expect(r.text).toMatch(/✗ INVALID/);
    expect(r.codes).toEqual(['SIGNATURE_INVALID']);
    expect(r.text).toMatch(/signature is not valid: the content may have been altered/);
    // Nothing of an unverified payload is shown as the holder's.
    expect(await page.$('#holder-name')).toBeNull();
    await shot('tampered');
  });

  it("the summary on top of a valid ITHC code: every test, antibody test and vaccination, in the officer's words", async () => {
    const r = await verifyPasted(view.codes.ithc);
    expect(r.verdict).toBe('valid');
    const lines = await summaryLines();
    const c = view.certificate as unknown as { tests: unknown[]; antibodyTests: unknown[]; vaccinations: Array<{ doseNumber: number; totalDoses: number }> };
    expect(lines.filter((l) => l.key === 'test.type')).toHaveLength(c.tests.length);
    expect(lines.filter((l) => l.key === 'antibody.result')).toHaveLength(c.antibodyTests.length);
    expect(lines.filter((l) => l.key === 'vaccination.dose').map((l) => l.text)).toEqual(
      c.vaccinations.map((v) => format('en', 'value.dose', { n: v.doseNumber, m: v.totalDoses })),
    );
    // Coded values read as words of the catalogue, the code kept beside them for programs.
    for (const l of lines.filter((x) => ['test.type', 'test.result'].includes(x.key)))
      expect(l.text).toBe(codedLabel('en', l.key === 'test.type' ? 'testType' : 'testResult', l.value));
    for (const l of lines.filter((x) => x.key === 'antibody.result')) expect(l.text).toBe(codedLabel('en', 'iggResult', l.value));
    for (const l of lines.filter((x) => x.key === 'antibody.meaning')) expect(l.text).toBe(format('en', l.value as Parameters<typeof format>[1]));
    // Each sample's time and its age at the validation time.
    for (const l of lines.filter((x) => x.key === 'test.sampleAge')) expect(l.text).toMatch(/ ago$/);
    expect(lines.filter((l) => l.key === 'test.sampleTime').every((l) => /UTC$/.test(l.text))).toBe(true);
    await shot('summary-ithc');
  });

  it('an error reason in every language, from the shared catalogue', async () => {
    const r = await verifyPasted(tamper(view.codes.ithc));
    expect(r.codes).toEqual(['SIGNATURE_INVALID']);
    for (const lang of LANGS) {
      await page.selectOption('#lang', lang);
      expect({ lang, reason: await page.textContent('li[data-code="SIGNATURE_INVALID"]') }).toEqual({ lang, reason: format(lang, 'error.SIGNATURE_INVALID') });
      expect({ lang, word: (await page.textContent('#verdict .word'))!.includes(format(lang, 'verdict.invalid')) }).toEqual({ lang, word: true });
    }
    await page.selectOption('#lang', 'en');
  });

  it('the demo QR PNG uploaded: VALID', async () => {
    await page.click('#clear');
    await page.setInputFiles('#image-file', files['qr-ithc.png']);
    const r = await readVerdict();
    expect(r.valid).toBe('true');
    expect(await page.inputValue('#code')).toBe(view.codes.ithc);
  });

  it('the paper certificate (PDF) uploaded: VALID, read from the rendered page', async () => {
    await page.click('#clear');
    await page.setInputFiles('#image-file', files['certificate.pdf']);
    const r = await readVerdict();
    expect(r.valid).toBe('true');
    expect(await page.inputValue('#code')).toBe(view.codes.ithc);
  });

  it('a sealed code without the key: cannot confirm, naming the kid of the authority key it needs; not INVALID', async () => {
    const kid = Buffer.from(demoAuthorityPublicKey(readFileSync(files['authority-demo-key.pem'], 'utf8')).kid).toString('base64');
    const r = await verifyPasted(files.sealed);
    expect(r).toMatchObject({ valid: 'false', verdict: 'cannot-check', codes: [], missing: ['authority-key'] });
    expect(r.text).toMatch(/CANNOT CONFIRM/);
    expect(r.text).not.toMatch(/INVALID/);
    expect(r.text).toContain(`key id is ${kid}`);
    await page.selectOption('#lang', 'fr');
    expect(await page.textContent('#verdict')).toMatch(/IMPOSSIBLE À CONFIRMER/);
    await page.selectOption('#lang', 'zh');
    expect(await page.textContent('#verdict')).toMatch(/无法确认/);
    await page.selectOption('#lang', 'en');
    await shot('sealed-no-key');
  });

  it("a sealed code with another authority's key: still cannot confirm, since that key is not the one it is sealed for", async () => {
    await settings();
    await page.setInputFiles('#key-file', files['other-key.pem']);
    await page.waitForFunction(() => /Private key loaded/.test(document.getElementById('key-status')!.textContent ?? ''));
    const r = await verifyPasted(files.sealed);
    expect(r).toMatchObject({ valid: 'false', verdict: 'cannot-check', missing: ['authority-key'] });
  });

  it('a sealed code with the demo authority key loaded: VALID, and the key is never stored', async () => {
    await page.setInputFiles('#key-file', files['authority-demo-key.pem']);
    const kid = Buffer.from(demoAuthorityPublicKey(readFileSync(files['authority-demo-key.pem'], 'utf8')).kid).toString('base64');
    await page.waitForFunction((k) => (document.getElementById('key-status')!.textContent ?? '').includes(k), kid);
    const r = await verifyPasted(files.sealed);
    expect(r.valid).toBe('true');
    expect(await page.textContent('#holder-document')).toContain((view.certificate.holder as Record<string, string>).documentNumber);
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }));
    expect(stored).not.toMatch(/PRIVATE KEY/);
    await shot('sealed-with-key');
  });

  testWithTestdata('dcc-testdata', 'a code from the EU test data, with its certificate loaded, at its validation clock: VALID', async () => {
    const c = JSON.parse(readFileSync(EU_CASE, 'utf8')) as {
      PREFIX: string;
      TESTCTX: { CERTIFICATE: string; VALIDATIONCLOCK: string };
      EXPECTEDRESULTS: Record<string, boolean>;
    };
    expect(c.EXPECTEDRESULTS.EXPECTEDVERIFY).toBe(true);
    file('eu-dsc.pem', `-----BEGIN CERTIFICATE-----\n${c.TESTCTX.CERTIFICATE.match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`);
    await settings();
    await page.setInputFiles('#trust-file', files['eu-dsc.pem']);
    await page.waitForFunction(() => /eu-dsc\.pem/.test(document.getElementById('trust-status')!.textContent ?? ''));
    // The test data's certificates expired long ago: check as of the case's validation clock (UTC).
    const at = new Date(Date.parse(c.TESTCTX.VALIDATIONCLOCK)).toISOString().slice(0, 19);
    await page.fill('#at', at);
    const r = await verifyPasted(c.PREFIX);
    expect(r.valid).toBe('true');
    expect(r.text).toMatch(/Checked as of/);
    // The HC1 summary in words: vaccine, dose n of m, date, manufacturer; no raw JSON on top, the fields as issued under Details.
    const dcc = (JSON.parse(readFileSync(EU_CASE, 'utf8')) as { JSON: { nam: { fnt: string }; v: Array<Record<string, string | number>> } }).JSON;
    const v = dcc.v[0];
    const lines = await summaryLines();
    const text = (key: string) => lines.find((l) => l.key === key)?.text;
    expect(text('holder.nameLatin') ?? text('holder.name')).toContain(dcc.nam.fnt);
    expect(text('vaccination.product')).toBe(label('vaccineProduct', String(v.mp)));
    expect(text('vaccination.dose')).toBe(format('en', 'value.dose', { n: Number(v.dn), m: Number(v.sd) }));
    expect(text('vaccination.manufacturer')).toBe(label('vaccineManufacturer', String(v.ma)));
    expect(text('vaccination.type')).toBe(codedLabel('en', 'vaccineProphylaxis', String(v.vp)));
    expect(text('issuer.name')).toBe(v.is);
    const summary = (await page.textContent('#summary'))!;
    for (const raw of [String(v.mp), String(v.ma), String(v.vp), '"v"', '{']) expect(summary).not.toContain(raw);
    const fields = await page.evaluate(() =>
      Object.fromEntries([...document.querySelectorAll<HTMLElement>('#details-body dd[data-line^="field."]')].map((d) => [d.dataset.line!, d.dataset.value!])),
    );
    for (const [k, x] of Object.entries(v)) expect(fields[`field.v.0.${k}`]).toBe(String(x));
    await shot('eu-dcc');
    // Without the clock it is expired, and says so.
    await page.fill('#at', '');
    const now = await verifyPasted(c.PREFIX);
    expect(now.valid).toBe('false');
    expect(now.codes).toContain('EXPIRED');
  });

  it("entry rules of the officer's country: checked when loaded", async () => {
    await settings();
    await page.setInputFiles('#rules-file', files['rules-sg.json']);
    await page.waitForFunction(() => /rules loaded/.test(document.getElementById('rules-status')!.textContent ?? ''));
    await page.fill('#country', 'SG');
    await page.dispatchEvent('#country', 'change');
    const r = await verifyPasted(view.codes.ithc);
    expect(r.valid).toBe('true');
    // The demo partner's rules ask for a negative NAAT within 72 h or a complete vaccination.
    expect(await page.textContent('#rules-result')).toMatch(/entry rules of SG/);
    expect(await page.textContent('#rules-result')).toMatch(/TR-SG-0001/);
    await shot('rules');
  });

  it('a CSCA is checked when loaded: a non-certificate or a non-CA is refused, saying what stays in use; a pinned one is named as yours', async () => {
    await settings();
    await page.click('#trust-clear');
    await page.setInputFiles('#trust-file', files['trustlist.json']);
    await page.waitForFunction(() => /signing certificates? loaded/.test(document.getElementById('trust-status')!.textContent ?? ''));
    await page.setInputFiles('#csca-file', file('not-a-cert.pem', 'hello, this is not a certificate\n'));
    await page.waitForFunction(() => /CSCA certificate is refused/.test(document.getElementById('trust-status')!.textContent ?? ''));
    const status = (await page.textContent('#trust-status'))!;
    expect(status).toMatch(/not an X\.509 certificate/);
    expect(status).toMatch(/Still in use: unsigned DSC list trustlist\.json/);
    // A DSC is a certificate, but not a CA.
    const dsc = (JSON.parse(readFileSync(files['trustlist.json'], 'utf8')) as { certificates: Array<{ rawData: string }> }).certificates[0].rawData;
    await page.setInputFiles('#csca-file', file('dsc.der', Buffer.from(dsc, 'base64')));
    await page.waitForFunction(() => /is not a CA certificate/.test(document.getElementById('trust-status')!.textContent ?? ''));
    // The deployment's CSCA stays in use after both refusals.
    expect(await page.textContent('#trust-status')).toMatch(/served by this deployment/);
    expect(await page.evaluate(() => localStorage.getItem('ithc.cscaOrigin'))).toMatch(/deployment/);
    await page.setInputFiles('#csca-file', files['csca.der']);
    await page.waitForFunction(() => /loaded by you \(csca\.der\)/.test(document.getElementById('trust-status')!.textContent ?? ''));
    await shot('csca-pinned');
  });

  it('a signed trust list past its maximum age: the verdict is CANNOT CONFIRM with the reason, never VALID', async () => {
    await settings();
    await page.click('#trust-clear');
    await page.setInputFiles('#trust-file', files['trustlist-signed.json']);
    await page.waitForFunction(() => /Signed trust list version/.test(document.getElementById('trust-status')!.textContent ?? ''));
    expect(await page.textContent('#trust-status')).toMatch(/signature verified with CSCA/);
    expect(await page.textContent('#trust-status')).not.toMatch(/Warning/);
    expect((await verifyPasted(view.codes.ithc)).verdict).toBe('valid');
    // Ten days on, past the list's maximum age.
    const later = new Date(app.clock.now() + 10 * 86_400_000).toISOString().slice(0, 19);
    await page.fill('#at', later);
    await page.setInputFiles('#trust-file', files['trustlist-signed.json']);
    await page.waitForFunction(() => /Warning: this trust list is past its maximum age/.test(document.getElementById('trust-status')!.textContent ?? ''));
    const r = await verifyPasted(view.codes.ithc);
    expect(r).toMatchObject({ valid: 'false', verdict: 'cannot-check', missing: ['current-trust-list'] });
    expect(r.text).toMatch(/CANNOT CONFIRM/);
    expect(r.text).not.toMatch(/VALID/);
    expect(r.text).toMatch(/past its maximum age \(CN signed list version \d+/);
    expect(r.trust).toMatch(/PAST ITS MAXIMUM AGE$/);
    await shot('trust-stale');
    await page.fill('#at', '');
    await page.setInputFiles('#trust-file', files['trustlist-signed.json']);
    await page.waitForFunction(() => !/Warning/.test(document.getElementById('trust-status')!.textContent ?? ''));
    expect((await verifyPasted(view.codes.ithc)).verdict).toBe('valid');
  });

  it('a signed source list names the laboratories and the vaccination site the code gives by code: in Latin script, in Chinese for Chinese', async () => {
    await settings();
    await page.setInputFiles('#trust-file', files['sources-signed.json']);
    await page.waitForFunction(() => /Signed source list version/.test(document.getElementById('trust-status')!.textContent ?? ''));
    expect(await page.textContent('#trust-status')).toMatch(/3 laboratories and vaccination sites/);
    expect((await verifyPasted(view.codes.ithc)).valid).toBe('true');
    const latin = DEMO_SOURCES.map((s) => s.nameLatin!);
    for (const name of latin) expect(await page.textContent('#summary')).toContain(name);
    await shot('sources');
    await page.selectOption('#lang', 'zh');
    await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
    for (const s of DEMO_SOURCES) expect(await page.textContent('#summary')).toContain(s.name);
    // In every other language, the Latin-script name and never the Chinese one.
    for (const lang of LANGS.filter((l) => l !== 'zh')) {
      await page.selectOption('#lang', lang);
      const summary = (await page.textContent('#summary'))!;
      for (const s of DEMO_SOURCES)
        expect({ lang, latin: summary.includes(s.nameLatin!), chinese: summary.includes(s.name) }).toEqual({ lang, latin: true, chinese: false });
    }
    await page.selectOption('#lang', 'en');
  });

  it('every one of the six languages renders the verdict and the summary, with no key or placeholder left; Arabic right to left', async () => {
    const r = await verifyPasted(view.codes.ithc);
    expect(r.verdict).toBe('valid');
    expect(await page.evaluate(() => [...document.querySelectorAll<HTMLOptionElement>('#lang option')].map((o) => o.value))).toEqual([...LANGS]);
    for (const lang of LANGS) {
      await page.selectOption('#lang', lang);
      const seen = await page.evaluate(() => ({
        lang: document.documentElement.lang,
        dir: document.documentElement.dir,
        css: getComputedStyle(document.body).direction,
        word: document.querySelector('#verdict .word')?.textContent ?? '',
        title: document.querySelector('h1')?.textContent ?? '',
        text: document.body.innerText,
      }));
      expect({ lang, dir: seen.dir, css: seen.css, word: seen.word.includes(format(lang, 'verdict.valid')), title: seen.title }).toEqual({
        lang,
        dir: textDirection(lang),
        css: textDirection(lang),
        word: true,
        title: CHROME[lang].title,
      });
      expect(seen.lang.split('-')[0]).toBe(lang);
      // No message code (label.name, vs.testType.…) and no unfilled {placeholder} anywhere on the page.
      expect({
        lang,
        codes: seen.text.match(/\b(verdict|missing|trust|error|format|section|label|value|unit|meaning|rules?|vs)\.[A-Za-z][\w.+-]*/g) ?? [],
        placeholders: seen.text.match(/\{[\w+-]+\}/g) ?? [],
      }).toEqual({ lang, codes: [], placeholders: [] });
      if (lang === 'ar') await shot('ar');
    }
    await page.selectOption('#lang', 'en');
  });

  it("speaks the officer's language, not the holder's: Chinese and French", async () => {
    await page.selectOption('#lang', 'zh');
    await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
    expect(await page.textContent('#verdict')).toContain('有效');
    expect(await page.textContent('h1')).toBe('国际旅行健康证明核验');
    await shot('zh');
    await page.selectOption('#lang', 'fr');
    expect(await page.textContent('#verdict')).toContain('VALIDE');
    await page.selectOption('#lang', 'en');
  });

  it('works on a phone-sized screen, and by keyboard alone', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await open();
    // From the top of the page, the first Tab reaches the skip link, which leads to the code box.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.className)).toBe('skip');
    await page.keyboard.press('Enter');
    await page.keyboard.insertText(view.codes.ithc);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('code');
    await page.keyboard.press('Control+Enter');
    const r = await readVerdict();
    expect(r.valid).toBe('true');
    // Nothing overflows the narrow screen sideways.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot('phone');
    await page.setViewportSize({ width: 1100, height: 900 });
  });

  it('a reload while offline still works (service worker), with the trust list remembered', async () => {
    await page.waitForSelector('#offline-status[data-ready="true"]');
    await context.setOffline(true);
    try {
      await page.reload();
      await page.waitForSelector('body[data-ready="true"]');
      const r = await verifyPasted(view.codes.ithc);
      expect(r.valid).toBe('true');
      // The PDF reader (pdf.js) was cached too.
      await page.click('#clear');
      await page.setInputFiles('#image-file', files['certificate.pdf']);
      expect((await readVerdict()).valid).toBe('true');
      await shot('offline');
    } finally {
      await context.setOffline(false);
    }
  });
});
