/**
 * Run-time fixtures for the CLI tests and the benchmark: a self-signed document signing
 * certificate (DSC) over a P-256 key made on the spot, EU-style DSC lists, and DCCs signed with it.
 * Nothing here is a secret: every key lives only as long as the process that made it.
 */
import { generateKeyPairSync, sign as nodeSign, type KeyObject } from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier,
  AttributeTypeAndValue,
  AttributeValue,
  Certificate,
  ExtendedKeyUsage,
  Extension,
  Extensions,
  Name,
  RelativeDistinguishedName,
  SubjectPublicKeyInfo,
  TBSCertificate,
  Validity,
  id_ce_extKeyUsage,
} from '@peculiar/asn1-x509';
import { toBase64 } from '../core/bytes';
import type { CertificateType } from '../core/keys';
import { kidFromCertificate } from '../core/keys';
import { dccToCbor } from '../core/dcc';
import { signCode } from '../core/hcert';
import type { Signer } from '../core/crypto/provider';
import { nodeEs256Signer } from '../node/crypto-node';

const ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
const USAGE_OID: Record<CertificateType, string> = {
  t: '1.3.6.1.4.1.1847.2021.1.1',
  v: '1.3.6.1.4.1.1847.2021.1.2',
  r: '1.3.6.1.4.1.1847.2021.1.3',
};

export interface Dsc {
  /** DER X.509 certificate. */
  der: Uint8Array;
  kid: Uint8Array;
  country: string;
  signer: Signer;
  privateKey: KeyObject;
}

export interface DscOptions {
  country?: string;
  commonName?: string;
  /** Extended key usage: what the certificate may sign. Omitted: no restriction. */
  usage?: CertificateType[];
  notBefore?: Date;
  notAfter?: Date;
}

/** A self-signed ES256 signing certificate for a key generated now. */
export function makeDsc(opts: DscOptions = {}): Dsc {
  const country = opts.country ?? 'XX';
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }));
  const name = new Name([
    new RelativeDistinguishedName([new AttributeTypeAndValue({ type: '2.5.4.6', value: new AttributeValue({ printableString: country }) })]),
    new RelativeDistinguishedName([new AttributeTypeAndValue({ type: '2.5.4.3', value: new AttributeValue({ utf8String: opts.commonName ?? `ITHC test DSC ${country}` }) })]),
  ]);
  const extensions = opts.usage
    ? new Extensions([
        new Extension({
          extnID: id_ce_extKeyUsage,
          critical: false,
          extnValue: new OctetString(AsnConvert.serialize(new ExtendedKeyUsage(opts.usage.map((u) => USAGE_OID[u])))),
        }),
      ])
    : undefined;
  const tbs = new TBSCertificate({
    version: 2,
    serialNumber: new Uint8Array([1, ...crypto.getRandomValues(new Uint8Array(8))]).buffer,
    signature: new AlgorithmIdentifier({ algorithm: ECDSA_WITH_SHA256 }),
    issuer: name,
    subject: name,
    validity: new Validity({
      notBefore: opts.notBefore ?? new Date('2020-01-01T00:00:00Z'),
      notAfter: opts.notAfter ?? new Date('2040-01-01T00:00:00Z'),
    }),
    subjectPublicKeyInfo: AsnConvert.parse(spki, SubjectPublicKeyInfo),
    extensions,
  });
  const tbsDer = new Uint8Array(AsnConvert.serialize(tbs));
  const signature = nodeSign('sha256', tbsDer, privateKey);
  const cert = new Certificate({
    tbsCertificate: tbs,
    signatureAlgorithm: new AlgorithmIdentifier({ algorithm: ECDSA_WITH_SHA256 }),
    signatureValue: new Uint8Array(signature).buffer,
  });
  const der = new Uint8Array(AsnConvert.serialize(cert));
  const pkcs8 = privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
  return { der, kid: kidFromCertificate(der), country, signer: nodeEs256Signer(pkcs8), privateKey };
}

export function pem(der: Uint8Array): string {
  const b64 = toBase64(der).replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
}

/** An EU gateway-style DSC list (`[{kid, country, certificateType, rawData}]`). */
export function dscList(dscs: Dsc[]): string {
  return JSON.stringify(dscs.map((d) => ({ kid: toBase64(d.kid), country: d.country, certificateType: 'DSC', rawData: toBase64(d.der) })));
}

/** A vaccination DCC (schema 1.3.0) whose certificate identifier carries `i`, so every code differs. */
export function sampleDcc(i = 0, country = 'XX'): Record<string, unknown> {
  return {
    ver: '1.3.0',
    nam: { fn: 'Musterfrau-Gößinger', fnt: 'MUSTERFRAU<GOESSINGER', gn: 'Gabriele', gnt: 'GABRIELE' },
    dob: '1998-02-26',
    v: [
      {
        tg: '840539006',
        vp: '1119349007',
        mp: 'EU/1/20/1528',
        ma: 'ORG-100030215',
        dn: 2,
        sd: 2,
        dt: '2021-02-18',
        co: country,
        is: 'Ministry of Health',
        ci: `URN:UVCI:01:${country}:${String(i).padStart(12, '0')}#K`,
      },
    ],
  };
}

export interface SignDccOptions {
  iat: number;
  exp: number;
  country?: string;
}

export async function signDcc(dsc: Dsc, dcc: Record<string, unknown>, o: SignDccOptions): Promise<string> {
  const signed = await signCode({ format: 'dcc', content: dccToCbor(dcc), iss: o.country ?? dsc.country, iat: o.iat, exp: o.exp, kid: dsc.kid, signer: dsc.signer });
  return signed.code;
}
