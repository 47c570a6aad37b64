/**
 * What a partner authority checks from outside, on the real outputs of `npm run demo -- --out
 * DIR` (the built dist/demo.cjs in a child process): each sealed code in certificate.json opens
 * with an independent RFC 9052/9053 implementation that has only authority-demo-key.pem, and its
 * inner certificate verifies against trustlist.json, checked here with node:crypto alone. Then the
 * same through the built CLI: `ithc verify --key`, signed trust lists with `--csca`, and
 * `ithc trustlist export`.
 */
import { createHash, createPrivateKey, createPublicKey, verify as nodeVerify, X509Certificate } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Decoder, Tag } from 'cbor-x';
import { verifyTrustList } from '../../core/trustlist';
import { verifySourceList } from '../../core/sourcelist';
import { nodeCrypto } from '../../node/crypto-node';
import { runDemo, ROOT, runNode, tempDir } from '../e2e/helpers';
import { base45Decode, coseOfSealedCode, independentOpen } from './independent-opener';
import { inflateSync } from 'node:zlib';
import { makeAuthority } from './fixtures';
import { format, formatDateTime } from '../../core/view';
import { writeFileSync } from 'node:fs';
import { openLocalApp } from '../../node/local';

const BIN = join(ROOT, 'bin/ithc.js');
const decoder = new Decoder({ mapsAsObjects: false, useRecords: false });

let out: string;
let data: string;
let certificate: any;
let trustlist: any;
let keyPem: string;

beforeAll(async () => {
  ({ out, data, certificate, trustlist } = await runDemo('seal-demo'));
  keyPem = readFileSync(join(out, 'authority-demo-key.pem'), 'utf8');
}, 300_000);

/** Sig_structure ["Signature1", protected, h'', payload] (RFC 9052 §4.4), assembled by hand. */
function sigStructure(protectedBytes: Uint8Array, payload: Uint8Array): Buffer {
  const bstr = (b: Uint8Array) => {
    const n = b.length;
    const head =
      n < 24 ? [0x40 | n] : n < 256 ? [0x58, n] : n < 65536 ? [0x59, n >> 8, n & 0xff] : [0x5a, n >>> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
    return Buffer.concat([Buffer.from(head), Buffer.from(b)]);
  };
  return Buffer.concat([Buffer.from([0x84, 0x6a]), Buffer.from('Signature1'), bstr(protectedBytes), Buffer.from([0x40]), bstr(payload)]);
}

describe('demo outputs', () => {
  test("codes.sealed is [{authority, kid, code}] for the demo partner; the kid is its key's (SHA-256 of the SPKI, 8 bytes)", () => {
    const spki = createPublicKey(createPrivateKey(keyPem)).export({ type: 'spki', format: 'der' });
    const kid = createHash('sha256').update(spki).digest().subarray(0, 8).toString('base64');
    expect(certificate.codes.sealed).toHaveLength(1);
    const [s] = certificate.codes.sealed;
    expect(Object.keys(s).sort()).toEqual(['authority', 'code', 'kid']);
    expect(s.authority).toBe('SG');
    expect(s.kid).toBe(kid);
    expect(s.code).toMatch(/^ITHCS1:[0-9A-Z $%*+\-./:]+$/);
  });

  test('authority-demo-key.pem is a P-256 private key in PKCS#8 PEM, readable by its owner only', () => {
    expect(keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n[\s\S]+\n-----END PRIVATE KEY-----\n?$/);
    const key = createPrivateKey(keyPem);
    expect(key.asymmetricKeyType).toBe('ec');
    expect(key.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(statSync(join(out, 'authority-demo-key.pem')).mode & 0o077).toBe(0);
  });

  test('each sealed code opens with an independent implementation holding only the PEM, and its COSE_Sign1 verifies against trustlist.json', async () => {
    const jwk = createPrivateKey(keyPem).export({ format: 'jwk' });
    for (const s of certificate.codes.sealed) {
      const plain = await independentOpen(coseOfSealedCode(s.code), jwk);
      const sign1 = decoder.decode(plain) as Tag;
      expect(sign1.tag).toBe(18);
      const [prot, , payload, signature] = sign1.value as [Uint8Array, Map<number, unknown>, Uint8Array, Uint8Array];
      const header = decoder.decode(prot) as Map<number, unknown>;
      expect(header.get(1)).toBe(-7);
      const kid = Buffer.from(header.get(4) as Uint8Array).toString('base64');
      // Sealed codes are ITHC codes: their signer is among the ITHC signers, apart from the DCC signers.
      const entry = trustlist.ithcCertificates.find((c: { kid: string }) => c.kid === kid);
      expect(entry).toBeDefined();
      const dsc = new X509Certificate(Buffer.from(entry.rawData, 'base64'));
      expect(nodeVerify('sha256', sigStructure(prot, payload), { key: dsc.publicKey, dsaEncoding: 'ieee-p1363' }, signature)).toBe(true);
      // The sealed certificate is the open one: the same signed payload.
      const open = decoder.decode(coseOfOpenCode(certificate.codes.ithc)) as Tag;
      expect(Buffer.from((open.value as Uint8Array[])[2]).equals(Buffer.from(payload))).toBe(true);
    }
  });
});

/** The COSE_Sign1 of an ITHC1: code (reusing the opener's base45, and node's own zlib). */
function coseOfOpenCode(code: string): Buffer {
  return inflateSync(base45Decode(code.slice('ITHC1:'.length)));
}

describe('the built CLI', () => {
  const run = (args: string[], input?: string) => runNode(BIN, args, { input });
  const lines = (stdout: string) =>
    stdout
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l));

  test('ithc verify --key opens and verifies the sealed codes; without a key, or with another, cannot check (exit 3) and names the kid whose key it needs', async () => {
    const codes = certificate.codes.sealed.map((s: { code: string }) => s.code);
    const good = await run(['verify', '--json', '--trust', join(out, 'trustlist.json'), '--key', join(out, 'authority-demo-key.pem'), ...codes]);
    expect(good.code).toBe(0);
    expect(lines(good.stdout).map((v) => [v.valid, v.format])).toEqual(codes.map(() => [true, 'sealed']));

    const none = await run(['verify', '--json', '--trust', join(out, 'trustlist.json'), codes[0]]);
    expect(none.code).toBe(3);
    const [v] = lines(none.stdout);
    expect(v.errors.map((e: { code: string }) => e.code)).toEqual(['DECRYPT_FAILED']);
    expect(v).toMatchObject({ valid: false, verdict: 'cannot-check', missing: [{ kind: 'authority-key', kids: [certificate.codes.sealed[0].kid] }] });
    expect(v.errors[0].message).toMatch(/no matching key/);
    expect(v.payload).toBeNull();

    const otherFile = join(tempDir('seal-other-key'), 'other.pem');
    writeFileSync(otherFile, makeAuthority().pkcs8Pem);
    const other = await run(['verify', '--json', '--trust', join(out, 'trustlist.json'), '--key', otherFile, codes[0]]);
    expect(other.code).toBe(3);
    expect(lines(other.stdout)[0].errors[0]).toMatchObject({ code: 'DECRYPT_FAILED', message: expect.stringMatching(/no matching key/) });
    expect(lines(other.stdout)[0]).toMatchObject({ verdict: 'cannot-check', missing: [{ kind: 'authority-key' }] });
  });

  test('the batch mode opens sealed codes too, on the main thread (a few lines) and in the worker threads (many)', async () => {
    const three = [certificate.codes.sealed[0].code, certificate.codes.ithc, certificate.codes.sealed[0].code];
    // 3 lines stay on the main thread; 300 go to the workers (cli/batch.ts, INLINE_LINES), which
    // load the sealed-code opener on their first sealed code.
    for (const codes of [three, Array.from({ length: 100 }, () => three).flat()]) {
      const r = await run(
        ['verify', '--json', '--trust', join(out, 'trustlist.json'), '--key', join(out, 'authority-demo-key.pem'), '-'],
        codes.join('\n') + '\n',
      );
      expect(r.code).toBe(0);
      expect(lines(r.stdout).map((v) => [v.valid, v.format])).toEqual(codes.map((c) => [true, c === certificate.codes.ithc ? 'ithc' : 'sealed']));
      const keyless = await run(['verify', '--json', '--trust', join(out, 'trustlist.json'), '-'], codes.join('\n') + '\n');
      expect(keyless.code).toBe(3);
      expect(lines(keyless.stdout).map((v) => v.errors.map((e: { code: string }) => e.code))).toEqual(
        codes.map((c) => (c === certificate.codes.ithc ? [] : ['DECRYPT_FAILED'])),
      );
    }
  });

  test('--trust accepts the signed trust list with --csca, and refuses it without', async () => {
    const signed = join(out, 'trustlist-signed.json');
    const ok = await run(['verify', '--json', '--trust', signed, '--csca', join(out, 'csca.pem'), certificate.codes.ithc]);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    const refused = await run(['verify', '--json', '--trust', signed, certificate.codes.ithc]);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(/signed ITHC trust list.*--csca/);
  });

  test('a signed list past its maximum age: the code cannot be confirmed (exit 3), never valid, and the verdict says which list and how old', async () => {
    const args = [
      'verify',
      '--trust',
      join(out, 'trustlist-signed.json'),
      '--csca',
      join(out, 'csca.pem'),
      '--max-age',
      '1s',
      '--at',
      new Date(Date.now() + 60_000).toISOString(),
      certificate.codes.ithc,
    ];
    const r = await run([args[0], '--json', ...args.slice(1)]);
    expect(r.code).toBe(3);
    const list = JSON.parse(readFileSync(join(out, 'trustlist-signed.json'), 'utf8')) as { version: number; country: string; issuedAt: string };
    const [v] = lines(r.stdout);
    expect(v).toMatchObject({
      valid: false,
      verdict: 'cannot-check',
      errors: [],
      missing: [
        {
          kind: 'current-trust-list',
          list: { kind: 'signed', country: list.country, version: list.version, issuedAt: Date.parse(list.issuedAt) / 1000, maxAge: 1, stale: true },
        },
      ],
    });
    const text = await run(args);
    expect(text.code).toBe(3);
    expect(text.stdout.startsWith(`? ${format('en', 'verdict.cannot')}`)).toBe(true);
    expect(text.stdout).toMatch(
      new RegExp(
        `Trust list: ${list.country} signed list version ${list.version} \\(CSCA "[^"]+"\\), issued ${formatDateTime('en', Date.parse(list.issuedAt) / 1000)}, .* old, maximum age .* — PAST ITS MAXIMUM AGE`,
      ),
    );
    // Within its maximum age the same list confirms it.
    const fresh = await run(['verify', '--json', '--trust', join(out, 'trustlist-signed.json'), '--csca', join(out, 'csca.pem'), certificate.codes.ithc]);
    expect(fresh.code).toBe(0);
    expect(lines(fresh.stdout)[0]).toMatchObject({ valid: true, verdict: 'valid' });
  });

  test('--trust reads a pipe: <(cat list) works, as npm start prints it', async () => {
    const r = spawnSync(
      'bash',
      [
        '-c',
        `node ${JSON.stringify(join(ROOT, 'bin/ithc.js'))} verify --json --trust <(cat ${JSON.stringify(join(out, 'trustlist-signed.json'))}) --csca <(cat ${JSON.stringify(join(out, 'csca.pem'))}) "$CODE"`,
      ],
      { encoding: 'utf8', env: { ...process.env, CODE: certificate.codes.ithc } },
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(lines(r.stdout)[0]).toMatchObject({ verdict: 'valid' });
    const stdin = await run(
      ['verify', '--json', '--trust', '-', '--csca', join(out, 'csca.pem'), certificate.codes.ithc],
      readFileSync(join(out, 'trustlist-signed.json'), 'utf8'),
    );
    expect({ code: stdin.code, stderr: stdin.stderr }).toEqual({ code: 0, stderr: '' });
    const twice = await run(['verify', '--trust', '-', '--csca', join(out, 'csca.pem'), '-'], '');
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/standard input \(-\) can be read once/);
  });

  test('a certificate that is not a CA is refused as --csca, and so is a file that is no certificate', async () => {
    const otherCsca = join(tempDir('seal-other-csca'), 'csca.pem');
    writeFileSync(otherCsca, new X509Certificate(Buffer.from(trustlist.certificates[0].rawData, 'base64')).toString());
    const r = await run(['verify', '--trust', join(out, 'trustlist-signed.json'), '--csca', otherCsca, certificate.codes.ithc]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is not a CA certificate/);
    const junk = join(tempDir('seal-junk-csca'), 'csca.pem');
    writeFileSync(junk, 'hello\n');
    const j = await run(['verify', '--trust', join(out, 'trustlist-signed.json'), '--csca', junk, certificate.codes.ithc]);
    expect(j.code).toBe(2);
    expect(j.stderr).toMatch(/is not a certificate|holds no certificate/);
  });

  test('ithc trustlist export writes both forms from the data folder; the signed one verifies against the CSCA', async () => {
    const dir = tempDir('seal-export');
    const eu = await run(['trustlist', 'export', '--data', data, '--out', join(dir, 'eu.json')]);
    expect(eu.code).toBe(0);
    const exported = JSON.parse(readFileSync(join(dir, 'eu.json'), 'utf8'));
    const kids = (entries: Array<{ kid: string }>) => entries.map((c) => c.kid);
    expect([kids(exported.certificates), kids(exported.ithcCertificates)]).toEqual([kids(trustlist.certificates), kids(trustlist.ithcCertificates)]);
    expect(trustlist.certificates).toHaveLength(1);
    expect(trustlist.ithcCertificates).toHaveLength(1);
    const signed = await run(['trustlist', 'export', '--signed', '--data', data]);
    expect(signed.code).toBe(0);
    const csca = new X509Certificate(readFileSync(join(out, 'csca.pem'))).raw;
    const list = await verifyTrustList(signed.stdout, { cscas: [new Uint8Array(csca)], now: Math.floor(Date.now() / 1000), crypto: nodeCrypto });
    expect(list.problems).toEqual([]);
    // The signed list carries the signers of both formats.
    expect(list.keys.map((k) => Buffer.from(k.kid).toString('base64')).sort()).toEqual(
      [...kids(trustlist.certificates), ...kids(trustlist.ithcCertificates)].sort(),
    );
    const missing = await run(['trustlist', 'export', '--data', join(dir, 'nothing-here')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no ITHC data folder/);
  });

  test('ithc trustlist export --sources writes the signed source list; with it, verify shows the laboratories and the site by their Latin names', async () => {
    const dir = tempDir('seal-export-sources');
    const file = join(dir, 'sources.json');
    expect((await run(['trustlist', 'export', '--sources', '--data', data, '--out', file])).code).toBe(0);
    const csca = new X509Certificate(readFileSync(join(out, 'csca.pem'))).raw;
    const list = await verifySourceList(readFileSync(file, 'utf8'), { cscas: [new Uint8Array(csca)], now: Math.floor(Date.now() / 1000), crypto: nodeCrypto });
    expect(list.problems).toEqual([]);
    expect(list.sources.size).toBe(3);
    const r = await run(['verify', '--trust', join(out, 'trustlist-signed.json'), '--trust', file, '--csca', join(out, 'csca.pem'), certificate.codes.ithc]);
    expect(r.code).toBe(0);
    for (const e of list.sources.entries()) expect(r.stdout).toContain(e.nameLatin!);
    // Without the source list the same code verifies, and says which codes it could not name.
    const bare = await run(['verify', '--trust', join(out, 'trustlist-signed.json'), '--csca', join(out, 'csca.pem'), certificate.codes.ithc]);
    expect(bare.code).toBe(0);
    expect(bare.stdout).toMatch(/source code \d+ \(not in the source list loaded\)/);
    // A source list is checked like a trust list: without --csca it is a usage error.
    const noCsca = await run(['verify', '--trust', join(out, 'trustlist.json'), '--trust', file, certificate.codes.ithc]);
    expect(noCsca.code).toBe(2);
    expect(noCsca.stderr).toMatch(/signed ITHC source list/);
    expect((await run(['trustlist', 'export', '--signed', '--sources', '--data', data])).code).toBe(2);
  });

  test('after the operator revokes the certificate, the exported signed list makes the CLI report REVOKED, sealed or open', async () => {
    const app = await openLocalApp(data);
    try {
      await app.revocation.revoke(certificate.id, 'test: records corrected', 'test-operator');
    } finally {
      await app.store.close();
    }
    const file = join(tempDir('seal-revoked'), 'signed.json');
    expect((await run(['trustlist', 'export', '--signed', '--data', data, '--out', file])).code).toBe(0);
    const r = await run([
      'verify',
      '--json',
      '--trust',
      file,
      '--csca',
      join(out, 'csca.pem'),
      '--key',
      join(out, 'authority-demo-key.pem'),
      certificate.codes.ithc,
      certificate.codes.sealed[0].code,
    ]);
    expect(r.code).toBe(1);
    expect(lines(r.stdout).map((v) => v.errors.map((e: { code: string }) => e.code))).toEqual([['REVOKED'], ['REVOKED']]);
  });
});
