/**
 * A small PKI made at run time for the trust-list tests: a CSCA, signing certificates it issues,
 * and impostors (a DSC from another CA under the same names). Built with the server's own
 * certificate builder; no key outlives the test process.
 */
import { generateKeyPairSync, sign as nodeSign, type KeyObject } from 'node:crypto';
import { ALGORITHMS } from '../../core/algorithms';
import type { Signer } from '../../core/crypto/provider';
import { ITHC_SIGNER_EKU, kidFromCertificate } from '../../core/keys';
import type { TrustListCertificate, TrustListContent } from '../../core/trustlist';
import { trustedKeyFromCertificate } from '../../core/x509';
import { buildCertificate, type DistinguishedName } from '../../server/keys/x509-builder';

const DAY = 86_400_000;
/** 2024-05-01T00:00:00Z. */
export const T0 = Date.UTC(2024, 4, 1);

export interface Ca {
  name: DistinguishedName;
  der: Uint8Array;
  privateKey: KeyObject;
  publicKey: KeyObject;
  signer: Signer;
}

export function es256Signer(privateKey: KeyObject): Signer {
  return { alg: ALGORITHMS[-7], sign: async (data) => new Uint8Array(nodeSign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' })) };
}

export function makeCa(cn = 'ITHC CSCA'): Ca {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const name = { C: 'CN', O: 'ITHC', CN: cn };
  const der = buildCertificate({
    subject: name,
    publicKey,
    selfSigningKey: privateKey,
    notBefore: new Date(T0 - DAY),
    notAfter: new Date(T0 + 3650 * DAY),
    ca: true,
  });
  return { name, der, privateKey, publicKey, signer: es256Signer(privateKey) };
}

export interface IssuedDsc {
  der: Uint8Array;
  kid: Uint8Array;
  signer: Signer;
}

/** A DSC of the DCC profile (usages t, v, r) or of the ITHC profile (ITHC_SIGNER_EKU only). */
export function issueDsc(ca: Ca, cn = 'ITHC DSC 1', days = 730, format: 'dcc' | 'ithc' = 'dcc'): IssuedDsc {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const der = buildCertificate({
    subject: { C: 'CN', O: 'ITHC', CN: cn },
    publicKey,
    issuer: { name: ca.name, privateKey: ca.privateKey, publicKey: ca.publicKey },
    notBefore: new Date(T0 - DAY),
    notAfter: new Date(T0 + days * DAY),
    ca: false,
    ...(format === 'dcc' ? { usages: ['t', 'v', 'r'] as Array<'t' | 'v' | 'r'> } : { extendedKeyUsages: [ITHC_SIGNER_EKU] }),
  });
  return { der, kid: kidFromCertificate(der), signer: es256Signer(privateKey) };
}

export function listEntry(d: IssuedDsc): TrustListCertificate {
  const info = trustedKeyFromCertificate(d.der);
  return { kid: d.kid, country: 'CN', usage: [...(info.usage ?? [])], notBefore: info.notBefore!, notAfter: info.notAfter!, certificate: d.der };
}

export function content(ca: Ca, dscs: IssuedDsc[], over: Partial<TrustListContent> = {}): TrustListContent {
  return { version: 1, issuedAt: T0 / 1000, maxAge: 2 * 86_400, country: 'CN', csca: ca.der, certificates: dscs.map(listEntry), revocation: [], ...over };
}
