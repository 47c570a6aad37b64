/**
 * The view model: our example ITHC certificate, signed and verified here, and EU DCCs from the EU
 * test data, verified with their own certificates at their validation clocks, rendered in each of
 * the six languages through the functions every surface uses. What an officer needs is on top, in
 * the officer's language; raw fields are under Details only.
 */
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fromBase64 } from '../../core/bytes';
import type { DccJson } from '../../core/dcc';
import { validateDccSchemaPrecompiled } from '../../core/dcc-schema-precompiled';
import { signCode, verifyCode, type Verdict } from '../../core/hcert';
import { ithcToCbor, type IthcCertificate } from '../../core/ithc';
import { KeyStore } from '../../core/keys';
import { SourceDirectory } from '../../core/sourcelist';
import { label } from '../../core/valuesets';
import {
  LANGS,
  certificateSections,
  certificateView,
  codedLabel,
  renderValue,
  rawValue,
  type CertificateView,
  type Lang,
  type Section,
  type ViewContext,
} from '../../core/view';
import { certificateDer, trustedKeyFromCertificate } from '../../core/x509';
import { nodeCrypto } from '../../node/crypto-node';
import { nodeEs256Signer } from '../../server/keys/es256-signer';
import { makeDsc } from '../ithc/dsc';
import { exampleCertificate, SAMPLE_TIME, SOURCES } from '../ithc/fixtures';
import { testWithTestdata, testdataPath } from '../support/testdata';

const IAT = SAMPLE_TIME + 3600;

/** The example certificate signed with a key made now and verified against its DSC. */
async function verifiedIthc(): Promise<Verdict> {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const key = trustedKeyFromCertificate(makeDsc({ privateKey: fromBase64(privateKey.export({ format: 'jwk' }).d!) }));
  const signer = nodeEs256Signer(new Uint8Array(privateKey.export({ format: 'der', type: 'pkcs8' })));
  const { code } = await signCode({
    format: 'ithc',
    content: ithcToCbor(exampleCertificate()),
    iss: 'CN',
    iat: IAT,
    exp: IAT + 30 * 86400,
    kid: key.kid,
    signer,
  });
  const v = await verifyCode(code, { keys: new KeyStore([key]), now: IAT, crypto: nodeCrypto, validateDccSchema: validateDccSchemaPrecompiled });
  if (!v.valid) throw new Error(JSON.stringify(v.errors));
  return v;
}

const ctx = (now: number): ViewContext => ({ now, outcome: { verdict: 'valid', missing: [] }, trust: [], sources: new SourceDirectory(SOURCES) });

/** Every text of the view's summary in one language, one line each: "label: value". */
function summaryText(v: CertificateView, lang: Lang): string[] {
  return v.summary.flatMap((s) => [
    renderValue(lang, s.title),
    ...s.items.flatMap((i) => i.lines.map((l) => `${renderValue(lang, l.label)}: ${renderValue(lang, l.value)}`)),
  ]);
}
/** Keys that repeat where a list on screen is keyed by them: sections in the view, items in a section, lines in an item. */
function repeatedKeys(v: CertificateView): string[] {
  const dup = (keys: string[]) => keys.filter((k, i) => keys.indexOf(k) !== i);
  return [v.summary, v.details].flatMap((sections) => [
    ...dup(sections.map((s) => s.key)),
    ...sections.flatMap((s) => [...dup(s.items.map((i) => i.key)), ...s.items.flatMap((i) => dup(i.lines.map((l) => l.key)))]),
  ]);
}
const lineOf = (v: CertificateView, key: string) => v.summary.flatMap((s) => s.items.flatMap((i) => i.lines)).find((l) => l.key === key)!;

describe('the view of an ITHC certificate', () => {
  let verdict: Verdict;
  let cert: IthcCertificate;
  let view: CertificateView;
  beforeAll(async () => {
    verdict = await verifiedIthc();
    cert = (verdict.certificate as { ithc: IthcCertificate }).ithc;
    view = certificateView(verdict, ctx(SAMPLE_TIME + 26 * 3600));
  });

  it('puts the holder, each record and the issuer in the summary, and the signature under details', () => {
    expect(view.summary.map((s) => s.key)).toEqual([
      'holder',
      ...(cert.tests.length ? ['tests'] : []),
      ...(cert.antibodyTests.length ? ['antibody'] : []),
      ...(cert.vaccinations.length ? ['vaccinations'] : []),
      'issuer',
    ]);
    expect(view.details.map((s) => s.key)).toEqual(['signature']);
    expect(repeatedKeys(view)).toEqual([]);
    expect(view.verdict).toMatchObject({ kind: 'valid', word: 'verdict.valid', reasons: [], missing: [] });
  });

  it.each(LANGS)('%s: every line renders, with no placeholder or message code left', (lang) => {
    const lines = summaryText(view, lang);
    for (const l of lines) expect(l).not.toMatch(/\{[\w+-]+\}|\b(label|value|vs|section|meaning|unit)\.[A-Za-z]/);
    // The lab and the vaccination site by code: their Chinese names in Chinese, their Latin-script names in every other language.
    for (const s of SOURCES) expect(lines.join('\n')).toContain(lang === 'zh' ? s.name : s.nameLatin);
    if (lang !== 'zh') for (const s of SOURCES) expect(lines.join('\n')).not.toContain(s.name);
  });

  it('gives the sample time and its age at the validation time, and the dose as n of m', () => {
    expect(rawValue(lineOf(view, 'test.sampleTime').value)).toBe(new Date(cert.tests[0].sampleTime * 1000).toISOString().replace('.000Z', 'Z'));
    const age = (SAMPLE_TIME + 26 * 3600 - cert.tests[0].sampleTime) / 3600;
    expect(renderValue('en', lineOf(view, 'test.sampleAge').value)).toBe(
      `${Math.floor(age / 24)} day${Math.floor(age / 24) === 1 ? '' : 's'} ${age % 24} hour${age % 24 === 1 ? '' : 's'} ago`,
    );
    const v = cert.vaccinations[0];
    expect(renderValue('en', lineOf(view, 'vaccination.dose').value)).toBe(`dose ${v.doseNumber} of ${v.totalDoses}`);
    expect(renderValue('fr', lineOf(view, 'vaccination.dose').value)).toBe(`dose ${v.doseNumber} sur ${v.totalDoses}`);
  });

  it('says what an antibody result means, from its result and target', () => {
    const t = cert.antibodyTests[0];
    const meaning = lineOf(view, 'antibody.meaning').value;
    expect(meaning).toEqual({
      kind: 'message',
      code: t.result === 'positive' ? (t.target ? `meaning.positive.${t.target}` : 'meaning.positive') : `meaning.${t.result}`,
    });
  });

  it('builds its summary with certificateSections, the one mapping from a certificate to lines (the paper version uses it too)', () => {
    expect(view.summary).toEqual(certificateSections(verdict.certificate!, ctx(SAMPLE_TIME + 26 * 3600)));
  });

  it("names a record's issuer only where it is not the certificate's", () => {
    const keys = (sections: readonly Section[]) => sections.flatMap((s) => s.items.flatMap((i) => i.lines.map((l) => l.key)));
    expect([...cert.tests, ...cert.antibodyTests, ...cert.vaccinations].every((r) => r.issuer === cert.issuer)).toBe(true);
    expect(keys(view.summary).filter((k) => k.endsWith('.issuer'))).toEqual([]);
    const other = 'General Administration of Customs of the PRC';
    const mixed: IthcCertificate = { ...cert, tests: cert.tests.map((t, i) => (i === 0 ? { ...t, issuer: other } : t)) };
    const sections = certificateSections({ format: 'ithc', ithc: mixed }, ctx(SAMPLE_TIME));
    const tests = sections.find((s) => s.key === 'tests')!.items;
    const issuerLine = tests[0].lines.find((l) => l.key === 'test.issuer')!;
    expect(renderValue('zh', issuerLine.value)).toBe(codedLabel('zh', 'issuer', other));
    expect(renderValue('zh', issuerLine.value)).toBe('中华人民共和国海关总署');
    expect(tests.slice(1).flatMap((i) => i.lines.map((l) => l.key))).not.toContain('test.issuer');
  });

  it('without the source list, names a lab by its code and says the list is not loaded', () => {
    const bare = certificateView(verdict, { ...ctx(SAMPLE_TIME), sources: undefined });
    expect(renderValue('en', lineOf(bare, 'test.centre').value)).toMatch(/^source code \d+ \(not in the source list loaded\)$/);
  });

  it('shows nothing of a certificate that did not verify, and each error code once with its words', () => {
    const bad = certificateView(
      {
        ...verdict,
        certificate: null,
        errors: [
          { code: 'SIGNATURE_INVALID', message: 'x' },
          { code: 'SIGNATURE_INVALID', message: 'y' },
        ],
      },
      { ...ctx(SAMPLE_TIME), outcome: { verdict: 'invalid', missing: [] } },
    );
    expect(bad.summary).toEqual([]);
    expect(bad.verdict.reasons.map((r) => r.code)).toEqual(['SIGNATURE_INVALID']);
    for (const lang of LANGS) expect(renderValue(lang, bad.verdict.reasons[0].text)).not.toMatch(/error\./);
  });
});

describe('the view of an EU DCC', () => {
  type Case = { JSON: DccJson; PREFIX: string; TESTCTX: { CERTIFICATE: string; VALIDATIONCLOCK: string } };
  const dcc = (n: number) => JSON.parse(readFileSync(testdataPath('dcc-testdata', `DE/2DCode/raw/${n}.json`), 'utf8')) as Case;
  /** The case verified with its own certificate at its validation clock, viewed at `now` (its clock when absent). */
  const viewOf = async (n: number, now?: number) => {
    const c = dcc(n);
    const clock = Math.floor(Date.parse(c.TESTCTX.VALIDATIONCLOCK) / 1000);
    const v = await verifyCode(c.PREFIX, {
      keys: new KeyStore([trustedKeyFromCertificate(certificateDer(c.TESTCTX.CERTIFICATE))]),
      now: clock,
      crypto: nodeCrypto,
      validateDccSchema: validateDccSchemaPrecompiled,
    });
    if (!v.valid) throw new Error(`case ${n}: ${JSON.stringify(v.errors)}`);
    return certificateView(v, ctx(now ?? clock));
  };

  testWithTestdata('dcc-testdata', 'a test, a vaccination and a recovery read in words in six languages; codes only under details', async () => {
    for (const n of [1, 2, 3]) {
      const json = dcc(n).JSON;
      const view = await viewOf(n);
      // The officer's page keys its lists by these (packageVerify/verify/index.wxml).
      expect(repeatedKeys(view)).toEqual([]);
      for (const lang of LANGS) {
        const text = summaryText(view, lang).join('\n');
        expect(text).toContain(json.nam.fnt);
        // Coded values read as words: no value-set code on top.
        for (const code of ['LP6464-4', 'LP217198-3', '260415000', '260373001', '1119349007', '840539006']) expect(text).not.toContain(code);
        expect(text).not.toMatch(/\{[\w+-]+\}/);
      }
      const fields = view.details.find((s) => s.key === 'fields')!.items[0].lines.map((l) => rawValue(l.value));
      const entry = json.v?.[0] ?? json.t?.[0] ?? json.r?.[0];
      for (const v of Object.values(entry!)) expect(fields).toContain(String(v));
    }
    const test = await viewOf(2, Date.parse('2021-05-31T10:12:22Z') / 1000);
    expect(renderValue('en', lineOf(test, 'test.type').value)).toBe('Rapid antigen test');
    expect(renderValue('en', lineOf(test, 'test.result').value)).toBe('Not detected (negative)');
    expect(renderValue('en', lineOf(test, 'test.sampleAge').value)).toBe('1 day ago');
    expect(renderValue('ru', lineOf(test, 'test.sampleAge').value)).toBe('1 день назад');
    const vacc = await viewOf(4);
    expect(renderValue('es', lineOf(vacc, 'vaccination.dose').value)).toBe('dosis 1 de 2');
    // The product's registered name from the EU value set, not its code.
    const mp = String(dcc(4).JSON.v![0].mp);
    expect(renderValue('en', lineOf(vacc, 'vaccination.product').value)).toBe(label('vaccineProduct', mp));
    expect(label('vaccineProduct', mp)).not.toBe(mp);
  });
});
