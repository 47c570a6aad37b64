/**
 * The CLI's readers for sealed codes and signed trust lists (cli/seal-trust.ts), in process: what
 * --key, --csca and --max-age accept, and how signed lists given with --trust are checked. The
 * built CLI is exercised end to end in test/seal/demo.test.ts.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../cli/args';
import { loadSignedTrustLists, parseMaxAge, readAuthorityKeys, readCscas } from '../../cli/seal-trust';
import { loadTrust } from '../../cli/trust';
import { toBase64 } from '../../core/bytes';
import { sealPublicKey } from '../../core/seal';
import { signTrustList, trustListEnvelope } from '../../core/trustlist';
import { T0, content, issueDsc, makeCa, type Ca, type IssuedDsc } from './fixtures';
import { makeAuthority } from '../seal/fixtures';

let dir: string;
let ca: Ca;
let dsc: IssuedDsc;
let listFile: string;

const pem = (der: Uint8Array) =>
  `-----BEGIN CERTIFICATE-----\n${toBase64(der)
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;

function file(name: string, data: string | Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, data);
  return p;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ithc-trust-cli-'));
  ca = makeCa();
  dsc = issueDsc(ca);
  const c = content(ca, [dsc], { revocation: [{ kid: dsc.kid, type: 'UCI', hash: new Uint8Array(16).fill(1) }] });
  listFile = file('signed.json', JSON.stringify(trustListEnvelope(await signTrustList(c, { certificate: ca.der, signer: ca.signer }), c)));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function usageError(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof UsageError) return e.message;
    throw e;
  }
  throw new Error('expected a UsageError');
}

async function usageErrorAsync(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof UsageError) return e.message;
    throw e;
  }
  throw new Error('expected a UsageError');
}

describe('--key', () => {
  test('a PKCS#8 PEM P-256 key gives the raw scalar of that key', () => {
    const a = makeAuthority();
    const [k] = readAuthorityKeys([file('authority.pem', a.pkcs8Pem)]);
    expect(toBase64(k.privateKey)).toBe(toBase64(a.privateKey));
    expect(toBase64(sealPublicKey(k.privateKey))).toBe(toBase64(a.publicKey));
  });

  test('another curve, a public key, or not a key at all: usage errors that say why', () => {
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
    expect(usageError(() => readAuthorityKeys([file('p384.pem', p384)]))).toMatch(/not a P-256 key/);
    expect(usageError(() => readAuthorityKeys([file('cert.pem', pem(ca.der))]))).toMatch(/not a PEM private key/);
    expect(usageError(() => readAuthorityKeys([join(dir, 'missing.pem')]))).toMatch(/cannot read authority key/);
  });
});

describe('--csca and --max-age', () => {
  test('--csca reads PEM, a PEM bundle and DER; anything else is a usage error', () => {
    const other = makeCa('Other');
    expect(readCscas(file('csca.pem', pem(ca.der))).map(toBase64)).toEqual([toBase64(ca.der)]);
    expect(readCscas(file('bundle.pem', pem(ca.der) + pem(other.der))).map(toBase64)).toEqual([toBase64(ca.der), toBase64(other.der)]);
    expect(readCscas(file('csca.der', ca.der)).map(toBase64)).toEqual([toBase64(ca.der)]);
    expect(usageError(() => readCscas(file('junk.pem', 'hello')))).toMatch(/not a certificate/);
  });

  test('--max-age takes seconds or s, m, h, d', () => {
    expect([parseMaxAge('90'), parseMaxAge('90s'), parseMaxAge('15m'), parseMaxAge('36h'), parseMaxAge('7d')]).toEqual([90, 90, 900, 36 * 3600, 7 * 86_400]);
    for (const bad of ['', '0', '-1', '1w', '1.5h', 'soon']) expect(usageError(() => parseMaxAge(bad))).toMatch(/max-age/);
  });
});

describe('signed lists given with --trust', () => {
  test('loadTrust sets them aside instead of reading them as DSC lists', () => {
    const t = loadTrust([], [listFile]);
    expect(t.keys).toEqual([]);
    expect(t.signed.map((s) => s.file)).toEqual([listFile]);
  });

  test('with the CSCA: its keys and revocation entries, and the list marked stale past its maximum age', async () => {
    const fresh = await loadSignedTrustLists([{ file: listFile, bytes: new Uint8Array(readFileSync(listFile)) }], [ca.der], T0 / 1000 + 60);
    expect(fresh.keys.map((k) => toBase64(k.kid))).toEqual([toBase64(dsc.kid)]);
    expect(fresh.revocation).toHaveLength(1);
    expect(fresh.warnings).toEqual([]);
    const stale = await loadSignedTrustLists(loadTrust([], [listFile]).signed, [ca.der], T0 / 1000 + 3 * 86_400);
    expect(stale.keys).toHaveLength(1);
    // Staleness is the list's state, which turns a verdict into "cannot check" (core/outcome.ts), not a warning.
    expect(fresh.lists.map((l) => [l.stale, l.maxAge])).toEqual([[false, 2 * 86_400]]);
    expect(stale.lists.map((l) => [l.stale, l.maxAge])).toEqual([[true, 2 * 86_400]]);
    expect(stale.warnings).toEqual([]);
    const overridden = await loadSignedTrustLists(loadTrust([], [listFile]).signed, [ca.der], T0 / 1000 + 3 * 86_400, 7 * 86_400);
    expect(overridden.lists.map((l) => [l.stale, l.maxAge])).toEqual([[false, 7 * 86_400]]);
    expect(overridden.warnings).toEqual([]);
  });

  test('without --csca, or with another CSCA: a usage error naming the file', async () => {
    const signed = loadTrust([], [listFile]).signed;
    expect(await usageErrorAsync(loadSignedTrustLists(signed, undefined, T0 / 1000))).toMatch(
      /signed ITHC trust list: give the CSCA certificate .* --csca FILE/,
    );
    expect(await usageErrorAsync(loadSignedTrustLists(signed, [makeCa('Other').der], T0 / 1000))).toMatch(
      new RegExp(`${listFile.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: the signed trust list is refused \\(KID_UNKNOWN\\)`),
    );
  });
});
