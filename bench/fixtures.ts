/**
 * Run-time fixtures for the CLI tests and the benchmark: a self-signed document signing
 * certificate (DSC) over a P-256 key made on the spot, EU-style DSC lists, and DCCs signed with it.
 * Nothing here is a secret: every key lives only as long as the process that made it.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { toBase64 } from '../core/bytes';
import type { CertificateType, KeyUsage } from '../core/keys';
import { ITHC_SIGNER_EKU, kidFromCertificate } from '../core/keys';
import { dccToCbor } from '../core/dcc';
import { signCode } from '../core/hcert';
import type { Signer } from '../core/crypto/provider';
import { nodeEs256Signer } from '../server/keys/es256-signer';
import { buildCertificate } from '../server/keys/x509-builder';

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
  /** Extended key usage: what the certificate may sign (DCC types, or `ithc` for ITHC1: codes). Omitted: no restriction. */
  usage?: KeyUsage[];
  notBefore?: Date;
  notAfter?: Date;
}

/** A self-signed ES256 signing certificate for a key generated now. */
export function makeDsc(opts: DscOptions = {}): Dsc {
  const country = opts.country ?? 'XX';
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  // The same builder that makes our production DSCs, self-signed here.
  const der = buildCertificate({
    subject: { C: country, CN: opts.commonName ?? `ITHC test DSC ${country}` },
    publicKey,
    selfSigningKey: privateKey,
    notBefore: opts.notBefore ?? new Date('2020-01-01T00:00:00Z'),
    notAfter: opts.notAfter ?? new Date('2040-01-01T00:00:00Z'),
    ca: false,
    usages: opts.usage?.filter((u): u is CertificateType => u !== 'ithc'),
    extendedKeyUsages: opts.usage?.includes('ithc') ? [ITHC_SIGNER_EKU] : undefined,
  });
  const pkcs8 = privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
  return { der, kid: kidFromCertificate(der), country, signer: nodeEs256Signer(pkcs8), privateKey };
}

export function pem(der: Uint8Array): string {
  const b64 = toBase64(der)
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '');
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
}

/** An EU gateway-style DSC list (`[{kid, country, certificateType, rawData}]`). */
export function dscList(dscs: Dsc[]): string {
  return JSON.stringify(dscs.map((d) => ({ kid: toBase64(d.kid), country: d.country, certificateType: 'DSC', rawData: toBase64(d.der) })));
}

/** A DCC's JSON as sampleDcc makes it: the fields tests read by name, typed. */
export interface SampleDcc {
  [field: string]: unknown;
  ver: string;
  nam: { fn: string; fnt: string; gn: string; gnt: string };
  dob: string;
  v: Array<Record<string, unknown>>;
}

/** A vaccination DCC (schema 1.3.0) whose certificate identifier carries `i`, so every code differs. */
export function sampleDcc(i = 0, country = 'XX'): SampleDcc {
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
  const signed = await signCode({
    format: 'dcc',
    content: dccToCbor(dcc),
    iss: o.country ?? dsc.country,
    iat: o.iat,
    exp: o.exp,
    kid: dsc.kid,
    signer: dsc.signer,
  });
  return signed.code;
}
