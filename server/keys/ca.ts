/**
 * The country signing CA (CSCA), kept offline by the operator (docs/keys.md). These are the only
 * operations that use its private key, run by `ithc keys` on the operator's machine (and, for
 * `npm start` and the demo only, by the local composition with a CSCA kept in the data folder):
 *
 * - createCsca: a self-signed CA certificate and its P-256 key;
 * - certifyRequest: a certificate for a key the cloud made, from its PKCS#10 request (csr.ts),
 *   under one of three profiles:
 *     dsc               document signer for EU DCCs (HC1:): HCERT §5.1 key usages t and v, the
 *                       types issuance signs as DCCs
 *     ithc-dsc          document signer for ITHC comprehensive certificates (ITHC1:): ITHC_SIGNER_EKU
 *                       and no DCC usage, so no DCC verifier trusts it for an HC1 code
 *     trustlist-signer  signs the trust list on the CSCA's behalf (TRUST_LIST_SIGNER_EKU), so that
 *                       the cloud re-signs it (new revocations, expiries) without the CSCA online
 *
 * The CSCA never signs a trust list here: delegating that to a certificate it can let expire keeps
 * its key offline for its whole life (ten years), as a passport CSCA's is.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate } from '@peculiar/asn1-x509';
import { toBase64 } from '../../core/bytes';
import { PEM_CERTIFICATE } from '../../core/pem';
import { ITHC_SIGNER_EKU } from '../../core/keys';
import { TRUST_LIST_SIGNER_EKU } from '../../core/trustlist';
import { parseCertificate, type ParsedCertificate } from '../../core/x509';
import { parseCsr } from './csr';
import { buildCertificate, publicKeyFromCertificate, type DistinguishedName } from './x509-builder';

const DAY = 86_400_000;
/** Certificates start an hour before they are made: a verifier whose clock is a little behind still accepts them. */
const BACKDATE = 3_600_000;

export type CertificateProfile = 'dsc' | 'ithc-dsc' | 'trustlist-signer';

export const PROFILES: Readonly<Record<CertificateProfile, { defaultDays: number; maxDays: number; what: string }>> = Object.freeze({
  // HCERT recommends DSCs valid for up to two years; a code never outlives its DSC (issuance caps it).
  dsc: { defaultDays: 730, maxDays: 1096, what: 'document signing certificate' },
  'ithc-dsc': { defaultDays: 730, maxDays: 1096, what: 'ITHC document signing certificate' },
  'trustlist-signer': { defaultDays: 730, maxDays: 1096, what: 'trust-list signer certificate' },
});

/**
 * The DCC usages of a DCC signer: the types issuance signs as DCCs (tests, vaccinations). No
 * recovery certificates are issued, so a stolen DCC signer cannot sign one that verifiers accept.
 */
export const DCC_DSC_USAGES = Object.freeze(['t', 'v'] as const);

export const CSCA_DEFAULT_DAYS = 3650;
const CSCA_MAX_DAYS = 5480;

export class CaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CaError';
  }
}

export interface OfflineCa {
  /** The CSCA certificate, DER. */
  certificate: Uint8Array;
  privateKey: KeyObject;
}

export interface CscaOptions {
  country: string;
  organisation: string;
  commonName?: string;
  days?: number;
  /** ms since the epoch. */
  now: number;
}

/** A new CSCA: a P-256 key and its self-signed certificate. */
export function createCsca(opts: CscaOptions): OfflineCa {
  if (!/^[A-Z]{2}$/.test(opts.country)) throw new CaError(`country ${JSON.stringify(opts.country)} is not ISO 3166-1 alpha-2 (e.g. CN)`);
  if (!opts.organisation.trim() || opts.organisation.length > 64) throw new CaError('the organisation name must be 1–64 characters');
  const days = opts.days ?? CSCA_DEFAULT_DAYS;
  if (!Number.isInteger(days) || days < 365 || days > CSCA_MAX_DAYS) throw new CaError(`a CSCA is valid for 365–${CSCA_MAX_DAYS} days, not ${days}`);
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const certificate = buildCertificate({
    subject: { C: opts.country, O: opts.organisation, CN: opts.commonName ?? `${opts.organisation} CSCA` },
    publicKey,
    selfSigningKey: privateKey,
    notBefore: new Date(opts.now - BACKDATE),
    notAfter: new Date(opts.now + days * DAY),
    ca: true,
  });
  return { certificate, privateKey };
}

/** Reads the operator's CSCA files: its certificate (PEM or DER) and its private key (PKCS#8 PEM), which must match. */
export function loadOfflineCa(certificate: Uint8Array, keyPem: string): OfflineCa {
  let parsed: ParsedCertificate;
  try {
    parsed = parseCertificate(certificate);
  } catch (e) {
    throw new CaError(`the CSCA certificate cannot be read (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!parsed.ca) throw new CaError(`"${parsed.subject}" is not a CA certificate`);
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: keyPem, format: 'pem' });
  } catch {
    throw new CaError('the CSCA key is not a PEM private key (PKCS#8)');
  }
  const fromKey = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  if (!Buffer.from(parsed.key.spki).equals(fromKey)) throw new CaError('the CSCA key does not belong to the CSCA certificate');
  return { certificate: parsed.der, privateKey };
}

export interface CertifyOptions {
  profile: CertificateProfile;
  /** Days of validity; the profile's default when absent. Never beyond the CSCA's own end. */
  days?: number;
  /** ms since the epoch. */
  now: number;
}

/**
 * Issues the certificate a request asks for. The subject is the request's, which must name the
 * CSCA's country and a common name; the key must be P-256 and prove itself (csr.ts); the validity
 * lies inside the CSCA's. Throws CaError with the reason otherwise.
 */
export function certifyRequest(ca: OfflineCa, csr: Uint8Array | string, opts: CertifyOptions): Uint8Array {
  const profile = PROFILES[opts.profile];
  if (!profile) throw new CaError(`unknown profile ${JSON.stringify(opts.profile)} (dsc, ithc-dsc or trustlist-signer)`);
  const request = parseCsr(csr);
  const issuer = parseCertificate(ca.certificate);
  if (!issuer.country || request.country !== issuer.country)
    throw new CaError(`the request names country ${request.country ?? '(none)'}; this CSCA certifies keys of ${issuer.country ?? '(no country)'} only`);
  if (!request.commonName) throw new CaError('the request names no common name (CN)');
  if (Buffer.from(request.spki).equals(Buffer.from(issuer.key.spki))) throw new CaError("the request is for the CSCA's own key");
  const days = opts.days ?? profile.defaultDays;
  if (!Number.isInteger(days) || days < 1 || days > profile.maxDays) throw new CaError(`a ${profile.what} is valid for 1–${profile.maxDays} days, not ${days}`);
  const notBefore = Math.max(opts.now - BACKDATE, issuer.notBefore * 1000);
  const notAfter = Math.min(opts.now + days * DAY, issuer.notAfter * 1000);
  if (notAfter - opts.now < DAY)
    throw new CaError(`the CSCA expires on ${new Date(issuer.notAfter * 1000).toISOString()}: too soon to certify anything; make a new CSCA`);
  const issuerName = AsnConvert.parse(issuer.der, Certificate).tbsCertificate.subject;
  return buildCertificate({
    subject: request.subject,
    publicKey: request.publicKey,
    issuer: { name: issuerName, privateKey: ca.privateKey, publicKey: publicKeyFromCertificate(issuer.der) },
    notBefore: new Date(notBefore),
    notAfter: new Date(notAfter),
    ca: false,
    // Each signs one thing: DCCs of the types issuance makes, ITHC certificates, or trust lists.
    ...(opts.profile === 'dsc'
      ? { usages: [...DCC_DSC_USAGES] }
      : { extendedKeyUsages: [opts.profile === 'ithc-dsc' ? ITHC_SIGNER_EKU : TRUST_LIST_SIGNER_EKU] }),
  });
}

export function certificatePem(der: Uint8Array): string {
  return `-----BEGIN ${PEM_CERTIFICATE}-----\n${toBase64(der)
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '')}\n-----END ${PEM_CERTIFICATE}-----\n`;
}

export function privateKeyPem(key: KeyObject): string {
  return key.export({ type: 'pkcs8', format: 'pem' }).toString();
}

export type { DistinguishedName };
