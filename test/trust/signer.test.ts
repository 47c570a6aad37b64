/**
 * The trust-list signer (core/trustlist.ts, server/keys/ca.ts): the CSCA stays offline and
 * certifies, from a PKCS#10 request, a key that signs trust lists on its behalf. A verifier given
 * only the CSCA accepts a list signed by such a signer — and by nothing else: not a DSC of the same
 * CSCA, not a signer of another CA, not one forged under the CSCA's name, not one expired or not
 * yet valid, not a list dated outside its signer's validity. Lists signed by the CSCA itself are
 * still accepted.
 */
import { generateKeyPairSync } from 'node:crypto';
import { Tag } from 'cbor-x';
import { fromBase64, toBase64 } from '../../core/bytes';
import { decodeLenient, encodeStrict, type CborValue } from '../../core/cbor';
import { HEADER } from '../../core/cose';
import { nobleCrypto } from '../../core/crypto/noble';
import { ITHC_SIGNER_EKU, kidFromCertificate } from '../../core/keys';
import { TRUST_LIST_SIGNER_EKU, signTrustList, trustListEnvelope, verifyTrustList, type TrustListContent } from '../../core/trustlist';
import { parseCertificate } from '../../core/x509';
import { nodeCrypto } from '../../node/crypto-node';
import { CaError, certifyRequest, createCsca, loadOfflineCa, privateKeyPem, type CertificateProfile, type OfflineCa } from '../../server/keys/ca';
import { CsrError, buildCsr, csrPem, parseCsr } from '../../server/keys/csr';
import { T0, content, es256Signer, issueDsc, makeCa, type Ca, type IssuedDsc } from './fixtures';
import { errorCode } from '../support/error-code';

const DAY = 86_400_000;
const NOW = T0 / 1000 + 3600;

/** The fixtures' CA as the operator's offline CA. */
function offline(c: Ca): OfflineCa {
  return { certificate: c.der, privateKey: c.privateKey };
}

/** A key made "in the cloud", its request, and the certificate the offline CA gives it. */
function certified(ca: OfflineCa, profile: CertificateProfile, opts: { cn?: string; now?: number; days?: number } = {}) {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const csr = buildCsr({ C: 'CN', O: 'ITHC', CN: opts.cn ?? 'ITHC Trust List Signer' }, publicKey, privateKey);
  const der = certifyRequest(ca, csrPem(csr), { profile, now: opts.now ?? T0, days: opts.days });
  return { der, signer: es256Signer(privateKey), kid: kidFromCertificate(der) };
}

let ca: Ca;
let dsc: IssuedDsc;
let tls: ReturnType<typeof certified>;

beforeAll(() => {
  ca = makeCa();
  dsc = issueDsc(ca);
  tls = certified(offline(ca), 'trustlist-signer');
});

async function signedBy(by: { der: Uint8Array; signer: IssuedDsc['signer'] }, c: TrustListContent = content(ca, [dsc])): Promise<string> {
  return JSON.stringify(trustListEnvelope(await signTrustList(c, { certificate: by.der, signer: by.signer }), c));
}

describe('a list signed by a trust-list signer the CSCA certified', () => {
  test('verifies with only the CSCA, with both crypto providers; the result names the signer and the CSCA', async () => {
    const text = await signedBy(tls);
    for (const crypto of [nodeCrypto, nobleCrypto]) {
      const v = await verifyTrustList(text, { cscas: [ca.der], now: NOW, crypto });
      expect(v.problems).toEqual([]);
      expect(v.keys.map((k) => toBase64(k.kid))).toEqual([toBase64(dsc.kid)]);
      expect(toBase64(v.csca.der)).toBe(toBase64(ca.der));
      expect(v.signer?.subject).toBe('C=CN, O=ITHC, CN=ITHC Trust List Signer');
    }
  });

  test("carries the signer's certificate in the protected x5chain header, and the kid is the signer's", async () => {
    const env = JSON.parse(await signedBy(tls));
    const cose = decodeLenient(fromBase64(env.signed)) as Tag;
    const header = decodeLenient((cose.value as Uint8Array[])[0]) as Map<CborValue, CborValue>;
    expect(toBase64(header.get(HEADER.x5chain) as Uint8Array)).toBe(toBase64(tls.der));
    expect(toBase64(header.get(HEADER.kid) as Uint8Array)).toBe(toBase64(tls.kid));
    // Signed by the CSCA itself, the header stays as it was: no x5chain.
    const byCsca = JSON.parse(await signedBy({ der: ca.der, signer: ca.signer }));
    const h2 = decodeLenient(((decodeLenient(fromBase64(byCsca.signed)) as Tag).value as Uint8Array[])[0]) as Map<CborValue, CborValue>;
    expect([...h2.keys()]).toEqual([HEADER.alg, HEADER.contentType, HEADER.kid]);
  });

  test('a list signed by the CSCA itself is still accepted', async () => {
    const v = await verifyTrustList(await signedBy({ der: ca.der, signer: ca.signer }), { cscas: [ca.der], now: NOW, crypto: nodeCrypto });
    expect(v.signer).toBeUndefined();
    expect(v.keys).toHaveLength(1);
  });
});

describe('only a trust-list signer of the CSCA given', () => {
  test('a DSC of the same CSCA (no trust-list usage) cannot sign a list: KEY_USAGE_MISMATCH', async () => {
    expect(await errorCode(verifyTrustList(await signedBy(dsc), { cscas: [ca.der], now: NOW, crypto: nodeCrypto }))).toBe('KEY_USAGE_MISMATCH');
    // Not even a DSC certified through the same request path.
    const viaCsr = certified(offline(ca), 'dsc', { cn: 'ITHC DSC 7' });
    expect(await errorCode(verifyTrustList(await signedBy(viaCsr), { cscas: [ca.der], now: NOW, crypto: nodeCrypto }))).toBe('KEY_USAGE_MISMATCH');
  });

  test("a trust-list signer of another CSCA: KID_UNKNOWN; one forged under our CSCA's name: SIGNATURE_INVALID", async () => {
    const other = makeCa('Other CSCA');
    expect(
      await errorCode(verifyTrustList(await signedBy(certified(offline(other), 'trustlist-signer')), { cscas: [ca.der], now: NOW, crypto: nodeCrypto })),
    ).toBe('KID_UNKNOWN');
    const forger = makeCa('ITHC CSCA');
    expect(
      await errorCode(verifyTrustList(await signedBy(certified(offline(forger), 'trustlist-signer')), { cscas: [ca.der], now: NOW, crypto: nodeCrypto })),
    ).toBe('SIGNATURE_INVALID');
  });

  test('the signer must be valid now: EXPIRED after its end, NOT_YET_VALID before its start', async () => {
    const short = certified(offline(ca), 'trustlist-signer', { days: 30 });
    const notAfter = parseCertificate(short.der).notAfter;
    const text = await signedBy(short);
    expect(await errorCode(verifyTrustList(text, { cscas: [ca.der], now: notAfter, crypto: nodeCrypto }))).toBe('verified');
    expect(await errorCode(verifyTrustList(text, { cscas: [ca.der], now: notAfter + 1, crypto: nodeCrypto }))).toBe('EXPIRED');
    const later = certified(offline(ca), 'trustlist-signer', { now: T0 + 10 * DAY });
    const early = await signedBy(later, content(ca, [dsc], { issuedAt: (T0 + 10 * DAY) / 1000 }));
    expect(await errorCode(verifyTrustList(early, { cscas: [ca.der], now: NOW, crypto: nodeCrypto }))).toBe('NOT_YET_VALID');
  });

  test("a list dated outside its signer's validity is refused, even while the signer is valid now", async () => {
    const later = certified(offline(ca), 'trustlist-signer', { now: T0 + 10 * DAY });
    const backdated = await signedBy(later, content(ca, [dsc], { issuedAt: T0 / 1000 }));
    expect(await errorCode(verifyTrustList(backdated, { cscas: [ca.der], now: (T0 + 10 * DAY) / 1000, crypto: nodeCrypto }))).toBe('EXPIRED');
  });

  test("a kid that is not the carried certificate's is refused (COSE_INVALID)", async () => {
    const c = content(ca, [dsc]);
    const honest = fromBase64(JSON.parse(await signedBy(tls, c)).signed);
    const [, , payload] = (decodeLenient(honest) as Tag).value as Uint8Array[];
    const prot = encodeStrict(
      new Map<CborValue, CborValue>([
        [1, -7],
        [3, 'application/vnd.ithc.trustlist+cbor'],
        [4, dsc.kid],
        [33, tls.der],
      ]),
    );
    const { sigStructure } = await import('../../core/cose');
    const sig = await tls.signer.sign(sigStructure(prot, payload));
    const forged = encodeStrict(new Tag([prot, new Map(), payload, sig], 18));
    expect(await errorCode(verifyTrustList(forged, { cscas: [ca.der], now: NOW, crypto: nodeCrypto }))).toBe('COSE_INVALID');
  });

  test('a trust-list signer listed among the signing certificates is left out: it must never verify a health certificate', async () => {
    const c = content(ca, [dsc]);
    const withSigner: TrustListContent = {
      ...c,
      certificates: [...c.certificates, { ...c.certificates[0], kid: tls.kid, certificate: tls.der, usage: ['t', 'v', 'r'] }],
    };
    const v = await verifyTrustList(await signedBy(tls, withSigner), { cscas: [ca.der], now: NOW, crypto: nodeCrypto });
    expect(v.keys.map((k) => toBase64(k.kid))).toEqual([toBase64(dsc.kid)]);
    expect(v.problems.map((p) => p.code)).toEqual(['ENTRY_MALFORMED']);
  });
});

describe('the offline CA', () => {
  test('certifies a request under the profile asked: a DCC signer for t, v; an ITHC signer and a trust-list signer each with its usage only', () => {
    const d = parseCertificate(certified(offline(ca), 'dsc', { cn: 'ITHC DSC 2' }).der);
    expect(d.usage).toEqual(['t', 'v']);
    expect(d.extendedKeyUsage).not.toContain(TRUST_LIST_SIGNER_EKU);
    expect(d.extendedKeyUsage).not.toContain(ITHC_SIGNER_EKU);
    const i = parseCertificate(certified(offline(ca), 'ithc-dsc', { cn: 'ITHC ITHC DSC 2' }).der);
    expect([i.extendedKeyUsage, i.usage, i.ca]).toEqual([[ITHC_SIGNER_EKU], ['ithc'], false]);
    expect(d.ca).toBe(false);
    expect(d.issuer).toBe(parseCertificate(ca.der).subject);
    const t = parseCertificate(tls.der);
    expect(t.extendedKeyUsage).toEqual([TRUST_LIST_SIGNER_EKU]);
    expect(t.usage).toBeUndefined();
    expect(t.keyUsage! & 1).toBe(1);
  });

  test("validity: the default for the profile, never past the CSCA's end; days outside the profile's range are refused", () => {
    const d = parseCertificate(certified(offline(ca), 'dsc').der);
    expect(d.notAfter - d.notBefore).toBe(730 * 86_400 + 3600);
    const nearEnd = T0 + 3649 * DAY;
    const capped = parseCertificate(certified(offline(ca), 'dsc', { now: nearEnd - 100 * DAY }).der);
    expect(capped.notAfter).toBe(parseCertificate(ca.der).notAfter);
    expect(() => certified(offline(ca), 'dsc', { days: 2000 })).toThrow(CaError);
    expect(() => certified(offline(ca), 'dsc', { now: nearEnd + DAY / 2 })).toThrow(/too soon/);
  });

  test("refuses a request for another country, one without a CN, one with a bad signature, and the CSCA's own key", () => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(() => certifyRequest(offline(ca), buildCsr({ C: 'FR', CN: 'x' }, publicKey, privateKey), { profile: 'dsc', now: T0 })).toThrow(/country FR/);
    expect(() => certifyRequest(offline(ca), buildCsr({ C: 'CN', O: 'ITHC', CN: '' }, publicKey, privateKey), { profile: 'dsc', now: T0 })).toThrow(
      /no common name/,
    );
    const tampered = buildCsr({ C: 'CN', CN: 'ITHC DSC 3' }, publicKey, privateKey);
    tampered[tampered.length - 5] ^= 1;
    expect(() => certifyRequest(offline(ca), tampered, { profile: 'dsc', now: T0 })).toThrow(CsrError);
    const own = buildCsr({ C: 'CN', CN: 'me' }, ca.publicKey, ca.privateKey);
    expect(() => certifyRequest(offline(ca), own, { profile: 'dsc', now: T0 })).toThrow(/own key/);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    expect(() => parseCsr(buildCsr({ C: 'CN', CN: 'rsa' }, rsa.publicKey, rsa.privateKey))).toThrow(/not a P-256 key/);
    expect(() => parseCsr(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00]))).toThrow(CsrError);
    expect(() => parseCsr('-----BEGIN CERTIFICATE-----\nMA==\n-----END CERTIFICATE-----')).toThrow(/CERTIFICATE REQUEST/);
  });

  test("createCsca makes a CA certificate; loadOfflineCa refuses a key that is not the certificate's", () => {
    const made = createCsca({ country: 'CN', organisation: 'ITHC', now: T0 });
    const c = parseCertificate(made.certificate);
    expect(c.ca).toBe(true);
    expect(c.subject).toBe('C=CN, O=ITHC, CN=ITHC CSCA');
    expect(c.keyUsage! & 32).toBe(32);
    expect(loadOfflineCa(made.certificate, privateKeyPem(made.privateKey)).certificate).toEqual(made.certificate);
    expect(() => loadOfflineCa(made.certificate, privateKeyPem(ca.privateKey))).toThrow(/does not belong/);
    expect(() => loadOfflineCa(dsc.der, privateKeyPem(ca.privateKey))).toThrow(/not a CA/);
    expect(() => createCsca({ country: 'China', organisation: 'ITHC', now: T0 })).toThrow(CaError);
  });
});
