/**
 * `ithc keys` as the operator runs it (the built CLI, bin/ithc.js): the CSCA made offline with its
 * key in a 0600 file that is never printed or overwritten; requests certified under the profile
 * asked, refused when the request or the CA's key is not right; a KEK written to a 0600 file.
 * Exit status 0 done, 1 refused, 2 usage.
 */
import { generateKeyPairSync, createPrivateKey } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TRUST_LIST_SIGNER_EKU } from '../../core/trustlist';
import { certificatesFromText, parseCertificate } from '../../core/x509';
import { privateKeyPem, createCsca } from '../../server/keys/ca';
import { buildCsr, csrPem } from '../../server/keys/csr';
import { parseKek } from '../../server/keys/vault';
import { ensureBuilt, runCli, tempDir } from './helpers';

let dir: string;
let keyFile: string;
let certFile: string;

beforeAll(async () => {
  await ensureBuilt();
  dir = tempDir();
  keyFile = join(dir, 'csca.key');
  certFile = join(dir, 'csca.pem');
}, 120_000);

function request(cn: string, country = 'CN'): string {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const p = join(dir, `${cn.replace(/\W/g, '_')}.csr`);
  writeFileSync(p, csrPem(buildCsr({ C: country, O: 'ITHC', CN: cn }, publicKey, privateKey)));
  return p;
}

test('create-csca writes the key 0600 and the certificate, prints neither key nor secret, and never overwrites', async () => {
  const r = await runCli(['keys', 'create-csca', '--key-out', keyFile, '--cert-out', certFile, '--organisation', 'ITHC', '--days', '3650']);
  expect(r.code).toBe(0);
  expect(statSync(keyFile).mode & 0o777).toBe(0o600);
  const d = createPrivateKey(readFileSync(keyFile, 'utf8')).export({ format: 'jwk' }).d!;
  expect(r.stdout + r.stderr).not.toContain(d);
  expect(r.stdout + r.stderr).not.toMatch(/PRIVATE KEY/);
  const c = parseCertificate(readFileSync(certFile, 'utf8'));
  expect(c.ca).toBe(true);
  expect(r.stdout).toContain(c.subject);
  const again = await runCli(['keys', 'create-csca', '--key-out', keyFile, '--cert-out', join(dir, 'x.pem')]);
  expect(again.code).toBe(2);
  expect(again.stderr).toMatch(/exists; refusing to overwrite/);
  expect(createPrivateKey(readFileSync(keyFile, 'utf8')).export({ format: 'jwk' }).d).toBe(d);
  const bad = await runCli(['keys', 'create-csca', '--key-out', join(dir, 'k2'), '--cert-out', join(dir, 'c2'), '--country', 'China']);
  expect(bad.code).toBe(1);
  expect(bad.stderr).toMatch(/ISO 3166-1/);
});

test('certify issues a DSC (t, v) or a trust-list signer (its usage only) from a request, chained to the CSCA', async () => {
  const dsc = await runCli(['keys', 'certify', request('ITHC DSC 9'), '--csca', certFile, '--csca-key', keyFile]);
  expect(dsc.code).toBe(0);
  const [der] = certificatesFromText(dsc.stdout);
  const cert = parseCertificate(der);
  expect(cert.issuer).toBe(parseCertificate(readFileSync(certFile, 'utf8')).subject);
  expect(cert.subject).toBe('C=CN, O=ITHC, CN=ITHC DSC 9');
  expect(cert.usage).toEqual(['t', 'v']);
  expect(dsc.stderr).toMatch(/document signing certificate/);

  const out = join(dir, 'signer.pem');
  const signer = await runCli([
    'keys',
    'certify',
    request('ITHC Trust List Signer'),
    '--profile',
    'trustlist-signer',
    '--days',
    '365',
    '--csca',
    certFile,
    '--csca-key',
    keyFile,
    '--out',
    out,
  ]);
  expect(signer.code).toBe(0);
  const s = parseCertificate(readFileSync(out, 'utf8'));
  expect(s.extendedKeyUsage).toEqual([TRUST_LIST_SIGNER_EKU]);
  expect(s.notAfter - s.notBefore).toBe(365 * 86_400 + 3600);
});

test("refused with status 1: a tampered request, another country, a CA key that is not the certificate's", async () => {
  const tampered = join(dir, 'tampered.csr');
  const der = Buffer.from(readFileSync(request('ITHC DSC 10'), 'utf8').replace(/-----[A-Z ]+-----/g, ''), 'base64');
  der[der.length - 3] ^= 1;
  writeFileSync(tampered, der);
  const t = await runCli(['keys', 'certify', tampered, '--csca', certFile, '--csca-key', keyFile]);
  expect(t.code).toBe(1);
  expect(t.stderr).toMatch(/refused: .*signature/);
  const fr = await runCli(['keys', 'certify', request('Autre', 'FR'), '--csca', certFile, '--csca-key', keyFile]);
  expect(fr.code).toBe(1);
  expect(fr.stderr).toMatch(/country FR/);
  const otherKey = join(dir, 'other.key');
  writeFileSync(otherKey, privateKeyPem(createCsca({ country: 'CN', organisation: 'ITHC', now: Date.now() }).privateKey));
  const wrong = await runCli(['keys', 'certify', request('ITHC DSC 11'), '--csca', certFile, '--csca-key', otherKey]);
  expect(wrong.code).toBe(1);
  expect(wrong.stderr).toMatch(/does not belong/);
  expect(wrong.stdout).toBe('');
});

test('usage errors exit 2 and say what is wrong', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['keys'], /needs an action/],
    [['keys', 'burn'], /unknown keys action/],
    [['keys', 'certify', request('x'), '--csca', certFile], /needs --csca-key/],
    [['keys', 'certify', request('y'), '--csca', certFile, '--csca-key', keyFile, '--profile', 'root'], /--profile must be/],
    [['keys', 'certify', '--csca', certFile, '--csca-key', keyFile], /exactly one CSR/],
    [['keys', 'new-kek', '--data', dir], /--data is not an option of keys new-kek/],
    [['keys', 'new-kek'], /needs --out/],
    [['keys', 'certify', join(dir, 'missing.csr'), '--csca', certFile, '--csca-key', keyFile], /cannot read/],
  ];
  for (const [args, message] of cases) {
    const r = await runCli(args);
    expect({ args, code: r.code }).toEqual({ args, code: 2 });
    expect(r.stderr).toMatch(message);
  }
  const help = await runCli(['keys', '--help']);
  expect(help.code).toBe(0);
  expect(help.stdout).toMatch(/ithc keys certify CSR/);
  expect((await runCli(['--help'])).stdout).toMatch(/^\s+keys\s/m);
});

test('new-kek writes 32 random bytes in base64 to a 0600 file and prints no part of them', async () => {
  const out = join(dir, 'kek.txt');
  const r = await runCli(['keys', 'new-kek', '--out', out]);
  expect(r.code).toBe(0);
  expect(statSync(out).mode & 0o777).toBe(0o600);
  const text = readFileSync(out, 'utf8').trim();
  expect(parseKek(text, 'kek').key).toHaveLength(32);
  expect(r.stdout + r.stderr).not.toContain(text.slice(0, 12));
  expect((await runCli(['keys', 'new-kek', '--out', out])).code).toBe(2);
});
