/**
 * `npm run demo -- --out DIR` as a user runs it: the built dist/demo.cjs in a child process on a
 * fresh data folder. The outputs are checked as an outside verifier would: the files' shape, the
 * trust list's kids against its certificates, the QR image read back by an independent reader
 * (jsQR), and every code verified by the CLI with nothing but trustlist.json.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_CITIZENS } from '../../demo/citizens';
import { runDemo, BUNDLES, bindableDocument, cliVerify, decodeQrPng, dscsChainToCsca, runNode, tempDir } from './helpers';

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/;

let out: string;
let data: string;
let certificate: any;
let trustlist: any;

beforeAll(async () => {
  ({ out, data, certificate, trustlist } = await runDemo('demo'));
}, 300_000);

describe('npm run demo -- --out DIR', () => {
  test('writes certificate.json, trustlist.json and qr-ithc.png', () => {
    for (const f of ['certificate.json', 'trustlist.json', 'qr-ithc.png']) expect(statSync(join(out, f)).size).toBeGreaterThan(0);
  });

  test('certificate.json has the holder with the document number, the codes, issuedAt and expiresAt', () => {
    const traveller = DEMO_CITIZENS[0];
    const doc = bindableDocument(traveller);
    expect(certificate.holder).toMatchObject({
      documentNumber: doc.number,
      documentType: doc.type,
      surnameLatin: doc.surname,
      givenNameLatin: doc.givenNames,
      dateOfBirth: traveller.birthDate,
    });
    expect(typeof certificate.codes.ithc).toBe('string');
    expect(certificate.codes.ithc).toMatch(/^ITHC1:/);
    expect(Array.isArray(certificate.codes.dcc)).toBe(true);
    expect(certificate.codes.dcc.length).toBeGreaterThan(0);
    for (const c of certificate.codes.dcc) expect(c).toMatch(/^HC1:/);
    expect(certificate.issuedAt).toMatch(ISO_INSTANT);
    expect(certificate.expiresAt).toMatch(ISO_INSTANT);
    expect(Date.parse(certificate.expiresAt)).toBeGreaterThan(Date.parse(certificate.issuedAt));
  });

  test('trustlist.json lists DSCs whose kid is the first 8 bytes of SHA-256 over rawData, chained to our CSCA', () => {
    expect(Array.isArray(trustlist.certificates)).toBe(true);
    expect(trustlist.certificates.length).toBeGreaterThan(0);
    for (const c of trustlist.certificates) {
      expect(c).toMatchObject({ country: 'CN', certificateType: 'DSC' });
      expect(typeof c.rawData).toBe('string');
      const der = Buffer.from(c.rawData, 'base64');
      expect(der.toString('base64')).toBe(c.rawData);
      expect(c.kid).toBe(createHash('sha256').update(der).digest().subarray(0, 8).toString('base64'));
    }
    expect([trustlist.certificates.length, trustlist.ithcCertificates.length]).toEqual([1, 1]);
    expect(dscsChainToCsca(trustlist)).toEqual([true, true]);
  });

  test('qr-ithc.png scans back to exactly codes.ithc', () => {
    expect(decodeQrPng(readFileSync(join(out, 'qr-ithc.png')))).toBe(certificate.codes.ithc);
  });

  test('every code verifies with `ithc verify`, using only trustlist.json', async () => {
    const codes = [certificate.codes.ithc, ...certificate.codes.dcc];
    const r = await cliVerify(join(out, 'trustlist.json'), codes);
    expect({ exit: r.exit, stderr: r.stderr }).toEqual({ exit: 0, stderr: '' });
    expect(r.verdicts.map((v) => ({ valid: v.valid, errors: v.errors, format: v.format }))).toEqual(
      codes.map((c) => ({ valid: true, errors: [], format: c.startsWith('HC1:') ? 'dcc' : 'ithc' })),
    );
    // The comprehensive code carries the holder's document number.
    expect(r.verdicts[0].payload.holder.documentNumber).toBe(certificate.holder.documentNumber);
  });

  test('a second run on the same data folder gives the same certificate, and keeps the key files owner-only', async () => {
    const again = join(tempDir('demo-again'), 'out');
    const r = await runNode(BUNDLES.demo, ['--out', again, '--data', data]);
    expect(r.code).toBe(0);
    const second = JSON.parse(readFileSync(join(again, 'certificate.json'), 'utf8'));
    // Sealed codes use a fresh ephemeral key each time (docs/sealed-codes.md); the signed codes are stored and reused.
    expect({ id: second.id, ithc: second.codes.ithc, dcc: second.codes.dcc, issuedAt: second.issuedAt }).toEqual({
      id: certificate.id,
      ithc: certificate.codes.ithc,
      dcc: certificate.codes.dcc,
      issuedAt: certificate.issuedAt,
    });
    expect(second.codes.sealed.map((s: { authority: string; kid: string }) => [s.authority, s.kid])).toEqual(
      certificate.codes.sealed.map((s: { authority: string; kid: string }) => [s.authority, s.kid]),
    );
    // Private keys live in the data folder only, readable by the owner alone, and not in the outputs.
    expect(existsSync(join(data, 'secrets'))).toBe(true);
    const secrets = join(data, 'secrets');
    const files = readdirSync(secrets);
    expect(files.length).toBeGreaterThan(0);
    expect([secrets, ...files.map((f) => join(secrets, f))].filter((p) => (statSync(p).mode & 0o077) !== 0)).toEqual([]);
    for (const f of ['certificate.json', 'trustlist.json']) expect(readFileSync(join(out, f), 'utf8')).not.toMatch(/PRIVATE KEY/);
  });

  test('refuses to run without --out', async () => {
    const r = await runNode(BUNDLES.demo, []);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--out/);
  });
});
