/**
 * `ithc verify` on single codes, run as the built command (node bin/ithc.js) in a child process:
 * verdicts, exit statuses, the --json contract, --at, trust inputs and usage errors.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_CODES } from '../../core/errors';
import { toBase64 } from '../../core/bytes';
import { encodeBase45 } from '../../core/base45';
import { dscList, makeDsc, pem, sampleDcc, signDcc } from '../../bench/fixtures';
import { signCode } from '../../core/hcert';
import { ithcToCbor, ithcToJson, readIthc } from '../../core/ithc';
import { exampleCertificate } from '../ithc/fixtures';
import { codedLabel, format, formatDate } from '../../core/view';
import { ensureBuilt, jsonLines, runCli, tamper, tempDir, trustFiles, type TrustFiles } from './helpers';

const DAY = 86400;
/** The tests' validation clock: fixed, so that every verdict is reproducible. */
const T0 = Date.UTC(2030, 0, 15) / 1000;
const AT = new Date(T0 * 1000).toISOString();
const JSON_KEYS = ['valid', 'verdict', 'format', 'kid', 'issuer', 'errors', 'missing', 'payload'];

let trust: TrustFiles;
let valid: string;

beforeAll(async () => {
  await ensureBuilt();
  trust = trustFiles();
  valid = await signDcc(trust.dsc, sampleDcc(1), { iat: T0 - DAY, exp: T0 + 30 * DAY });
});

describe('ithc verify CODE', () => {
  it('accepts a valid code: exit 0, one JSON line with exactly the documented keys', async () => {
    const r = await runCli(['verify', '--json', '--trust', trust.list, '--at', AT, valid]);
    expect(r.code).toBe(0);
    expect(r.stdout.endsWith('\n')).toBe(true);
    const [line, ...rest] = r.stdout.split('\n').filter(Boolean);
    expect(rest).toEqual([]);
    const out = JSON.parse(line);
    expect(Object.keys(out)).toEqual(JSON_KEYS);
    expect(out).toEqual({
      valid: true,
      verdict: 'valid',
      format: 'dcc',
      kid: toBase64(trust.dsc.kid),
      issuer: 'XX',
      errors: [],
      missing: [],
      payload: sampleDcc(1),
    });
  });

  it('refuses a tampered code: exit 1, SIGNATURE_INVALID, and no payload', async () => {
    const r = await runCli(['verify', '--json', '--cert', trust.certPem, '--at', AT, tamper(valid)]);
    expect(r.code).toBe(1);
    const [out] = jsonLines(r.stdout);
    expect(out.valid).toBe(false);
    expect(out.payload).toBeNull();
    expect((out.errors as Array<{ code: string }>).map((e) => e.code)).toEqual(['SIGNATURE_INVALID']);
  });

  it('refuses a code signed by another key claiming the trusted kid', async () => {
    const impostor = makeDsc({ country: 'XX' });
    const forged = await signDcc({ ...impostor, kid: trust.dsc.kid }, sampleDcc(2), { iat: T0 - DAY, exp: T0 + DAY });
    const r = await runCli(['verify', '--json', '--trust', trust.list, '--at', AT, forged]);
    expect(r.code).toBe(1);
    expect(jsonLines(r.stdout)[0]).toMatchObject({ valid: false, kid: toBase64(trust.dsc.kid), payload: null, errors: [{ code: 'SIGNATURE_INVALID' }] });
  });

  it('reports KID_UNKNOWN for a key it was not given (invalid, exit 1); with no key at all it cannot check (exit 3) and says a trust list is missing', async () => {
    const other = trustFiles();
    const r = await runCli(['verify', '--json', '--trust', other.list, '--at', AT, valid]);
    expect(r.code).toBe(1);
    expect(jsonLines(r.stdout)[0]).toMatchObject({ valid: false, verdict: 'invalid', errors: [{ code: 'KID_UNKNOWN' }], missing: [], payload: null });
    const none = await runCli(['verify', '--json', '--at', AT, valid]);
    expect(none.code).toBe(3);
    expect(none.stderr).toMatch(/no trusted signing keys/);
    expect(jsonLines(none.stdout)[0]).toMatchObject({ valid: false, verdict: 'cannot-check', missing: [{ kind: 'trust-list', kid: toBase64(trust.dsc.kid) }] });
    const text = await runCli(['verify', '--at', AT, valid]);
    expect(text.code).toBe(3);
    expect(text.stdout.startsWith(`? ${format('en', 'verdict.cannot')}`)).toBe(true);
    expect(text.stdout).toContain(format('en', 'missing.trustList', { kid: toBase64(trust.dsc.kid) }));
    expect(text.stdout).toContain(format('en', 'trust.verdictNone'));
  });

  it('exit statuses: any invalid wins over cannot-check (1); cannot-check with the rest valid is 3', async () => {
    const both = await runCli(['verify', '--json', '--trust', trust.list, '--at', AT, valid, 'HC1:garbage']);
    expect(both.code).toBe(1);
    expect(jsonLines(both.stdout).map((o) => o.verdict)).toEqual(['valid', 'invalid']);
  });

  it('gives every error a known code and a message', async () => {
    const inputs = ['hello', 'HC1:', 'HC1:%%%', 'XYZ1:ABC', valid.slice(0, 200), 'HC1:' + encodeBase45(new Uint8Array([1, 2, 3]))];
    const r = await runCli(['verify', '--json', '--trust', trust.list, '--at', AT, ...inputs]);
    expect(r.code).toBe(1);
    const out = jsonLines(r.stdout);
    expect(out).toHaveLength(inputs.length);
    for (const o of out) {
      expect(Object.keys(o)).toEqual(JSON_KEYS);
      expect(o.valid).toBe(false);
      expect(o.payload).toBeNull();
      const errors = o.errors as Array<{ code: string; message: string }>;
      expect(errors.length).toBeGreaterThan(0);
      for (const e of errors) {
        expect(ERROR_CODES).toContain(e.code);
        expect(e.message.length).toBeGreaterThan(0);
      }
    }
    expect(out.map((o) => (o.errors as Array<{ code: string }>)[0].code)).toEqual([
      'PREFIX_UNKNOWN',
      'ZLIB_INVALID',
      'BASE45_INVALID',
      'PREFIX_UNKNOWN',
      expect.any(String),
      'ZLIB_INVALID',
    ]);
  });

  it('exits 0 only when every code given is valid', async () => {
    const second = await signDcc(trust.dsc, sampleDcc(3), { iat: T0 - DAY, exp: T0 + DAY });
    expect((await runCli(['verify', '--trust', trust.list, '--at', AT, valid, second])).code).toBe(0);
    expect((await runCli(['verify', '--trust', trust.list, '--at', AT, valid, 'HC1:x', second])).code).toBe(1);
  });

  it('prints a summary: verdict first, then reasons, then the holder and the record', async () => {
    const ok = await runCli(['verify', '--trust', trust.list, '--at', AT, valid]);
    expect(ok.code).toBe(0);
    const lines = ok.stdout.split('\n');
    expect(lines[0].startsWith(`✔ ${format('en', 'verdict.valid')}`)).toBe(true);
    const dcc = sampleDcc(1);
    // The ICAO filler '<' of a transliterated name reads as a space.
    expect(ok.stdout).toContain(dcc.nam.fnt.replace(/</g, ' '));
    expect(ok.stdout).toContain(`${format('en', 'label.dob')}: ${formatDate('en', dcc.dob)}`);
    expect(ok.stdout.indexOf(format('en', 'section.holder'))).toBeGreaterThan(0);

    const bad = await runCli(['verify', '--trust', trust.list, '--at', AT, tamper(valid)]);
    expect(bad.code).toBe(1);
    const badLines = bad.stdout.split('\n');
    expect(badLines[0].startsWith(`✘ ${format('en', 'verdict.invalid')}`)).toBe(true);
    expect(badLines[1]).toBe(`  ${format('en', 'verdict.invalidLead')}`);
    expect(badLines[2].startsWith(`  - [SIGNATURE_INVALID] ${format('en', 'error.SIGNATURE_INVALID')}`)).toBe(true);
    // Nothing from a code whose signature failed is shown as its content.
    expect(bad.stdout).not.toContain(dcc.nam.fnt);
    expect(bad.stdout).not.toContain(dcc.nam.fnt.replace(/</g, ' '));
  });

  it('never passes control characters or bidi overrides quoted from a code on to the terminal', async () => {
    const r = await runCli(['verify', '--trust', trust.list, '--at', AT, 'HC1:AB\u0085CD', 'HC1:A\u202eBC', 'HC1:\u009b31m']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/BASE45_INVALID/);
    expect(r.stdout).toContain('\ufffd');
    expect(r.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
  });
});

describe('ithc verify on an ITHC1: code', () => {
  it('prints the readable certificate as payload, and holder, birth date and document in the summary', async () => {
    const example = exampleCertificate();
    const content = ithcToCbor(example);
    // ITHC1: codes have a signer of their own, with the ITHC key usage (docs/keys.md).
    const ithcTrust = trustFiles({ usage: ['ithc'] });
    const signed = await signCode({ format: 'ithc', content, iss: 'CN', iat: T0 - DAY, exp: T0 + DAY, kid: ithcTrust.dsc.kid, signer: ithcTrust.dsc.signer });
    const json = await runCli(['verify', '--json', '--trust', ithcTrust.list, '--at', AT, signed.code]);
    expect(json.code).toBe(0);
    const [o] = jsonLines(json.stdout);
    expect(o).toEqual({
      valid: true,
      verdict: 'valid',
      format: 'ithc',
      kid: toBase64(ithcTrust.dsc.kid),
      issuer: 'CN',
      errors: [],
      missing: [],
      payload: ithcToJson(readIthc(content).certificate!),
    });

    // The same certificate signed by a DCC signer (t, v, r) is refused.
    const byDccSigner = await signCode({ format: 'ithc', content, iss: 'CN', iat: T0 - DAY, exp: T0 + DAY, kid: trust.dsc.kid, signer: trust.dsc.signer });
    const refused = await runCli(['verify', '--json', '--trust', trust.list, '--at', AT, byDccSigner.code]);
    expect(refused.code).toBe(1);
    expect(jsonLines(refused.stdout)[0]).toMatchObject({ valid: false, format: 'ithc', errors: [{ code: 'KEY_USAGE_MISMATCH' }] });

    const text = await runCli(['verify', '--trust', ithcTrust.list, '--at', AT, signed.code]);
    expect(text.code).toBe(0);
    const h = example.holder;
    expect(text.stdout.split('\n')[0]).toBe(`✔ ${format('en', 'verdict.valid')}  — ${format('en', 'format.ithc')}`);
    for (const part of [h.surname!, h.givenName!, h.surnameLatin!, formatDate('en', h.dateOfBirth), h.documentNumber]) expect(text.stdout).toContain(part);

    // --lang: the same summary in another language; --json the same in every language.
    const fr = await runCli(['verify', '--lang', 'fr', '--trust', ithcTrust.list, '--at', AT, signed.code]);
    expect(fr.code).toBe(0);
    expect(fr.stdout.split('\n')[0]).toBe(`✔ ${format('fr', 'verdict.valid')}  — ${format('fr', 'format.ithc')}`);
    for (const part of [
      format('fr', 'section.holder'),
      `${format('fr', 'label.dob')}: ${formatDate('fr', h.dateOfBirth)}`,
      ...example.vaccinations!.map((v) => format('fr', 'value.dose', { n: v.doseNumber, m: v.totalDoses })),
      codedLabel('fr', 'testType', example.tests![0].testType),
    ])
      expect(fr.stdout).toContain(part);
    expect(fr.stdout).not.toContain(format('en', 'section.holder'));
    const ar = await runCli(['verify', '--lang', 'ar', '--trust', ithcTrust.list, '--at', AT, signed.code]);
    expect(ar.stdout.split('\n')[0]).toBe(`✔ ${format('ar', 'verdict.valid')}  — ${format('ar', 'format.ithc')}`);
    const frJson = await runCli(['verify', '--lang', 'fr', '--json', '--trust', ithcTrust.list, '--at', AT, signed.code]);
    expect(frJson.stdout).toBe(json.stdout);
    const unknown = await runCli(['verify', '--lang', 'de', '--trust', ithcTrust.list, signed.code]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--lang must be one of ar, zh, en, fr, ru, es/);
  });
});

describe('--at, the validation clock', () => {
  it('says EXPIRED after exp and NOT_YET_VALID before iat, and valid between', async () => {
    const iat = T0;
    const exp = T0 + 30 * DAY;
    const code = await signDcc(trust.dsc, sampleDcc(4), { iat, exp });
    const at = (s: number) => new Date(s * 1000).toISOString();
    const verdict = async (clock: string) => {
      const r = await runCli(['verify', '--json', '--trust', trust.list, '--at', clock, code]);
      const [o] = jsonLines(r.stdout);
      return { exit: r.code, codes: (o.errors as Array<{ code: string }>).map((e) => e.code) };
    };
    expect(await verdict(at(iat + DAY))).toEqual({ exit: 0, codes: [] });
    expect(await verdict(at(exp + 1))).toEqual({ exit: 1, codes: ['EXPIRED'] });
    expect(await verdict(at(iat - 1))).toEqual({ exit: 1, codes: ['NOT_YET_VALID'] });
  });

  it('reads a time without a zone as UTC, and honours an explicit offset', async () => {
    const exp = Date.UTC(2030, 5, 1, 12, 0, 0) / 1000;
    const code = await signDcc(trust.dsc, sampleDcc(5), { iat: exp - 10 * DAY, exp });
    const run = (clock: string) => runCli(['verify', '--json', '--trust', trust.list, '--at', clock, code]);
    // One second after exp in UTC.
    expect((await run('2030-06-01T12:00:01')).code).toBe(1);
    // The same wall-clock time at +01:00 is an hour earlier in UTC: still valid.
    expect((await run('2030-06-01T12:00:01+01:00')).code).toBe(0);
    expect((await run('2030-06-01')).code).toBe(0);
  });

  it('rejects a malformed or impossible clock as a usage error', async () => {
    for (const clock of ['yesterday', '2030-13-01', '2030-02-30', '2030-06-01T25:00:00Z']) {
      const r = await runCli(['verify', '--trust', trust.list, '--at', clock, valid]);
      expect({ clock, code: r.code, stdout: r.stdout }).toEqual({ clock, code: 2, stdout: '' });
      expect(r.stderr).toMatch(/--at/);
    }
  });
});

describe('trust inputs', () => {
  it('takes --cert as PEM, PEM bundle, DER and base64 DER', async () => {
    const dir = tempDir();
    const other = makeDsc({ country: 'YY' });
    const files = {
      bundle: [join(dir, 'bundle.pem'), pem(other.der) + pem(trust.dsc.der)],
      der: [join(dir, 'dsc.der'), Buffer.from(trust.dsc.der)],
      b64: [join(dir, 'dsc.b64'), toBase64(trust.dsc.der) + '\n'],
    } as const;
    for (const [file, content] of Object.values(files)) writeFileSync(file, content);
    for (const [file] of Object.values(files)) {
      const r = await runCli(['verify', '--json', '--cert', file, '--at', AT, valid]);
      expect({ file, code: r.code }).toEqual({ file, code: 0 });
    }
  });

  it('takes --trust in the {certificates: [...]} shape, warns about bad entries and uses the good ones', async () => {
    const dir = tempDir();
    const file = join(dir, 'national.json');
    const good = JSON.parse(dscList([trust.dsc]))[0];
    writeFileSync(
      file,
      JSON.stringify({ certificates: [{ ...good, kid: 'AAAAAAAAAAA=' }, { rawData: 'bm90IGEgY2VydA==' }, { ...good, certificateType: 'DSC' }] }),
    );
    const r = await runCli(['verify', '--json', '--trust', file, '--at', AT, valid]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/KID_MISMATCH/);
    expect(r.stderr).toMatch(/CERTIFICATE_INVALID/);
  });

  it('honours the key usage of the certificate', async () => {
    const testsOnly = trustFiles({ usage: ['t'] });
    const code = await signDcc(testsOnly.dsc, sampleDcc(6), { iat: T0 - DAY, exp: T0 + DAY });
    const r = await runCli(['verify', '--json', '--trust', testsOnly.list, '--at', AT, code]);
    expect(r.code).toBe(1);
    const [o] = jsonLines(r.stdout);
    expect((o.errors as Array<{ code: string }>).map((e) => e.code)).toEqual(['KEY_USAGE_MISMATCH']);
  });
});

describe('usage errors exit 2 with a message on stderr and nothing on stdout', () => {
  const cases: Array<[string, () => string[], RegExp]> = [
    ['unknown option', () => ['verify', '--frobnicate', valid], /unknown option --frobnicate/],
    ['unknown command', () => ['check', valid], /unknown command/],
    ['no input', () => ['verify', '--trust', trust.list], /needs a CODE/],
    ['missing --cert file', () => ['verify', '--cert', '/nonexistent/dsc.pem', valid], /cannot read certificate file .*ENOENT/],
    ['missing --trust file', () => ['verify', '--trust', '/nonexistent/list.json', valid], /cannot read trust list .*ENOENT/],
    ['option without its value', () => ['verify', valid, '--cert'], /--cert needs a value/],
    ['a DSC list given as --cert', () => ['verify', '--cert', trust.list, valid], /looks like a DSC list/],
    ['a directory as a trust list', () => ['verify', '--trust', trust.dir, valid], /is not a file/],
    ['a missing image', () => ['verify', '--trust', trust.list, 'missing-qr.png'], /no such image file/],
    ['- mixed with codes', () => ['verify', '-', valid], /cannot be combined/],
  ];
  it.each(cases)('%s', async (_name, args, message) => {
    const r = await runCli(args());
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
  });

  it('a --trust file holding garbage', async () => {
    const file = join(tempDir(), 'garbage.json');
    writeFileSync(file, '{"certificates": 12}');
    const r = await runCli(['verify', '--trust', file, valid]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/certificates/);
  });
});

describe('help', () => {
  it('ithc --help and ithc verify --help describe the command and exit 0', async () => {
    const main = await runCli(['--help']);
    expect(main.code).toBe(0);
    expect(main.stdout).toMatch(/verify/);
    const verify = await runCli(['verify', '--help']);
    expect(verify.code).toBe(0);
    for (const option of ['--cert', '--trust', '--at', '--json']) expect(verify.stdout).toContain(option);
    expect(verify.stdout).toMatch(/Usage: ithc verify/);
    expect(verify.stdout).toMatch(/用法/);
  });

  it('ithc with no arguments prints the help on stderr and exits 2', async () => {
    const r = await runCli([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Usage/);
  });
});
