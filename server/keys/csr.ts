/**
 * Certificate signing requests (PKCS#10, RFC 2986): how a key made in the cloud reaches the
 * offline CSCA without leaving the cloud. The cloud builds the request over the new public key and
 * signs it with the new private key (proof of possession); the operator's CA (server/keys/ca.ts,
 * `ithc keys certify`) reads it, checks that signature, and issues the certificate.
 *
 * Only P-256 keys and ecdsa-with-SHA256, as everything else in our PKI.
 */
import { createPublicKey, sign as nodeSign, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { CertificationRequest, CertificationRequestInfo } from '@peculiar/asn1-csr';
import { AlgorithmIdentifier, Name, SubjectPublicKeyInfo } from '@peculiar/asn1-x509';
import { fromBase64, toBase64 } from '../../core/bytes';
import { pemBodies } from '../../core/pem';
import { buildName, type DistinguishedName } from './x509-builder';

/** RFC 7468 §7. */
export const PEM_CSR = 'CERTIFICATE REQUEST';
const ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
/** A request is a few hundred bytes; anything far larger is not one of ours. */
const MAX_CSR_BYTES = 16 * 1024;

export class CsrError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CsrError';
  }
}

/** The DER request for `publicKey`, signed with its `privateKey`. */
export function buildCsr(subject: DistinguishedName, publicKey: KeyObject, privateKey: KeyObject): Uint8Array {
  const info = new CertificationRequestInfo({
    version: 0,
    subject: buildName(subject),
    subjectPKInfo: AsnConvert.parse(publicKey.export({ type: 'spki', format: 'der' }), SubjectPublicKeyInfo),
  });
  const infoDer = new Uint8Array(AsnConvert.serialize(info));
  const signature = nodeSign('sha256', infoDer, { key: privateKey, dsaEncoding: 'der' });
  const csr = new CertificationRequest({
    certificationRequestInfo: info,
    signatureAlgorithm: new AlgorithmIdentifier({ algorithm: ECDSA_WITH_SHA256 }),
    signature: new Uint8Array(signature).buffer,
  });
  return new Uint8Array(AsnConvert.serialize(csr));
}

export interface ParsedCsr {
  der: Uint8Array;
  /** The requested subject, as encoded in the request. */
  subject: Name;
  /** Readable subject, e.g. "C=CN, O=ITHC, CN=ITHC DSC 2". */
  subjectText: string;
  country?: string;
  commonName?: string;
  /** SubjectPublicKeyInfo, DER. */
  spki: Uint8Array;
  publicKey: KeyObject;
}

/** PEM or DER → the request, its self-signature checked. Throws CsrError for anything else. */
export function parseCsr(input: Uint8Array | string): ParsedCsr {
  const der = csrDer(input);
  if (der.length > MAX_CSR_BYTES) throw new CsrError(`the request is ${der.length} bytes; at most ${MAX_CSR_BYTES} are accepted`);
  let csr: CertificationRequest;
  try {
    csr = AsnConvert.parse(der, CertificationRequest);
  } catch (e) {
    throw new CsrError(`not a PKCS#10 certificate signing request (${e instanceof Error ? e.message : String(e)})`);
  }
  const info = csr.certificationRequestInfo;
  if (info.version !== 0) throw new CsrError(`unsupported request version ${info.version}`);
  if (csr.signatureAlgorithm.algorithm !== ECDSA_WITH_SHA256)
    throw new CsrError(`the request is signed with ${csr.signatureAlgorithm.algorithm}, not ecdsa-with-SHA256`);
  const spki = new Uint8Array(AsnConvert.serialize(info.subjectPKInfo));
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
  } catch {
    throw new CsrError('the request holds no usable public key');
  }
  if (publicKey.asymmetricKeyType !== 'ec' || publicKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1')
    throw new CsrError('the requested key is not a P-256 key');
  // Proof of possession, over the bytes as received.
  const signed = csr.certificationRequestInfoRaw ? new Uint8Array(csr.certificationRequestInfoRaw) : new Uint8Array(AsnConvert.serialize(info));
  if (!nodeVerify('sha256', signed, { key: publicKey, dsaEncoding: 'der' }, new Uint8Array(csr.signature)))
    throw new CsrError("the request's signature does not verify with its own key");
  const attr = (oid: string) => {
    for (const rdn of info.subject) for (const atv of rdn) if (atv.type === oid) return atv.value.toString();
    return undefined;
  };
  const labels: Record<string, string> = { '2.5.4.6': 'C', '2.5.4.10': 'O', '2.5.4.11': 'OU', '2.5.4.3': 'CN' };
  const subjectText = [...info.subject].flatMap((rdn) => [...rdn].map((atv) => `${labels[atv.type] ?? atv.type}=${atv.value.toString()}`)).join(', ');
  return { der, subject: info.subject, subjectText, country: attr('2.5.4.6'), commonName: attr('2.5.4.3'), spki, publicKey };
}

export function csrPem(der: Uint8Array): string {
  return `-----BEGIN ${PEM_CSR}-----\n${toBase64(der)
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '')}\n-----END ${PEM_CSR}-----\n`;
}

function csrDer(input: Uint8Array | string): Uint8Array {
  let text: string | undefined;
  if (typeof input === 'string') text = input;
  else if (input.length > 10 && input[0] === 0x2d) text = new TextDecoder().decode(input.subarray(0, MAX_CSR_BYTES * 2));
  if (text === undefined) return input as Uint8Array;
  const bodies = pemBodies(text, PEM_CSR);
  // OpenSSL's older label, still written by some tools.
  const body = bodies[0] ?? pemBodies(text, `NEW ${PEM_CSR}`)[0];
  if (body === undefined) throw new CsrError(`no "-----BEGIN ${PEM_CSR}-----" block`);
  try {
    return fromBase64(body);
  } catch {
    throw new CsrError('the PEM block is not base64');
  }
}
