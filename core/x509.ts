/**
 * Signing certificates (X.509, RFC 5280) → TrustedKey. Accepts PEM, DER or base64 DER, as
 * trust lists and test data carry all three. Parsing only: chain building to a CSCA is done by
 * the trust-list module, which knows which CSCA is trusted.
 */
import { AsnConvert } from '@peculiar/asn1-schema';
import { BasicConstraints, Certificate, KeyUsage, SubjectPublicKeyInfo, id_ce_basicConstraints, id_ce_extKeyUsage, id_ce_keyUsage } from '@peculiar/asn1-x509';
import { ECParameters, id_ecPublicKey, id_secp256r1, id_secp384r1, id_secp521r1 } from '@peculiar/asn1-ecc';
import { RSAPublicKey } from '@peculiar/asn1-rsa';
import { fromBase64 } from './bytes';
import { PEM_CERTIFICATE, pemBodies } from './pem';
import type { EcCurve, KeyUsage as SigningUsage, PublicKeyMaterial, TrustedKey } from './keys';
import { ITHC_SIGNER_EKU, kidFromCertificate } from './keys';

const RSA_ENCRYPTION = '1.2.840.113549.1.1.1';
const RSA_PSS = '1.2.840.113549.1.1.10';
const CURVES: Record<string, { crv: EcCurve; size: number }> = {
  [id_secp256r1]: { crv: 'P-256', size: 32 },
  [id_secp384r1]: { crv: 'P-384', size: 48 },
  [id_secp521r1]: { crv: 'P-521', size: 66 },
};

/**
 * HCERT §5.1.1 extended key usage OIDs, with the variants found in issued certificates, and ours
 * for ITHC comprehensive certificates (keys.ts ITHC_SIGNER_EKU).
 */
const USAGE_OIDS: Record<string, SigningUsage> = {
  [ITHC_SIGNER_EKU]: 'ithc',
  '1.3.6.1.4.1.1847.2021.1.1': 't',
  '1.3.6.1.4.1.1847.2021.1.2': 'v',
  '1.3.6.1.4.1.1847.2021.1.3': 'r',
  '1.3.6.1.4.1.0.1847.2021.1.1': 't',
  '1.3.6.1.4.1.0.1847.2021.1.2': 'v',
  '1.3.6.1.4.1.0.1847.2021.1.3': 'r',
};

export class CertificateParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CertificateParseError';
  }
}

/** PEM, base64 DER or DER bytes → DER bytes. */
export function certificateDer(input: string | Uint8Array): Uint8Array {
  if (input instanceof Uint8Array) {
    // Bytes that look like PEM text are PEM.
    if (input.length > 10 && input[0] === 0x2d) return certificateDer(new TextDecoder().decode(input));
    return input;
  }
  const pem = pemBodies(input, PEM_CERTIFICATE);
  return base64Der(pem.length ? pem[0] : input.trim());
}

/** Every certificate in a PEM bundle (or the single DER/base64 certificate given). */
export function certificatesFromText(text: string): Uint8Array[] {
  const blocks = pemBodies(text, PEM_CERTIFICATE);
  return blocks.length ? blocks.map(base64Der) : [certificateDer(text)];
}

function base64Der(body: string): Uint8Array {
  try {
    return fromBase64(body);
  } catch {
    throw new CertificateParseError('certificate is neither PEM, DER nor base64 DER');
  }
}

export interface ParsedCertificate {
  der: Uint8Array;
  tbs: Uint8Array;
  signatureAlgorithm: string;
  signature: Uint8Array;
  subject: string;
  issuer: string;
  country?: string;
  notBefore: number;
  notAfter: number;
  key: PublicKeyMaterial;
  usage?: SigningUsage[];
  extendedKeyUsage: string[];
  /** The key-usage extension's bits (RFC 5280 §4.2.1.3: digitalSignature = 1, keyCertSign = 32, ...); undefined without one. */
  keyUsage?: number;
  /** basicConstraints cA: the certificate may issue certificates. */
  ca: boolean;
}

/** RFC 5280 §4.2.1.3 key-usage bits as @peculiar/asn1-x509 numbers them. */
export const KEY_USAGE = Object.freeze({ digitalSignature: 1, keyCertSign: 32 });

export function parseCertificate(input: string | Uint8Array): ParsedCertificate {
  const der = certificateDer(input);
  let cert: Certificate;
  try {
    cert = AsnConvert.parse(der, Certificate);
  } catch (e) {
    throw new CertificateParseError(`not an X.509 certificate (${e instanceof Error ? e.message : String(e)})`);
  }
  const tbs = cert.tbsCertificate;
  const key = publicKeyFromSpki(new Uint8Array(AsnConvert.serialize(tbs.subjectPublicKeyInfo)));
  let extendedKeyUsage: string[] = [];
  let keyUsage: number | undefined;
  let ca = false;
  try {
    for (const ext of tbs.extensions ?? []) {
      if (ext.extnID === id_ce_extKeyUsage) {
        extendedKeyUsage = extendedKeyUsages(new Uint8Array(ext.extnValue.buffer));
      } else if (ext.extnID === id_ce_keyUsage) {
        keyUsage = AsnConvert.parse(ext.extnValue, KeyUsage).toNumber();
      } else if (ext.extnID === id_ce_basicConstraints) {
        ca = AsnConvert.parse(ext.extnValue, BasicConstraints).cA === true;
      }
    }
  } catch (e) {
    throw new CertificateParseError(`malformed certificate extension (${e instanceof Error ? e.message : String(e)})`);
  }
  const usages = [...new Set(extendedKeyUsage.map((o) => USAGE_OIDS[o]).filter(Boolean))] as SigningUsage[];
  const subjectCountry = nameAttribute(tbs.subject, '2.5.4.6');
  return {
    der,
    // The bytes the issuer signed, as received: a re-encoding may differ (non-canonical DER in the wild).
    tbs: receivedTbs(der) ?? new Uint8Array(AsnConvert.serialize(tbs)),
    signatureAlgorithm: cert.signatureAlgorithm.algorithm,
    signature: new Uint8Array(cert.signatureValue),
    subject: nameToString(tbs.subject),
    issuer: nameToString(tbs.issuer),
    country: subjectCountry ?? nameAttribute(tbs.issuer, '2.5.4.6'),
    notBefore: Math.floor(tbs.validity.notBefore.getTime().getTime() / 1000),
    notAfter: Math.floor(tbs.validity.notAfter.getTime().getTime() / 1000),
    key,
    usage: usages.length ? usages : undefined,
    extendedKeyUsage,
    keyUsage,
    ca,
  };
}

/** A signing certificate as a trusted key (kid derived from the DER, HCERT §3.3.1). */
export function trustedKeyFromCertificate(input: string | Uint8Array, opts: { country?: string; kid?: Uint8Array } = {}): TrustedKey {
  const c = parseCertificate(input);
  return {
    kid: opts.kid ?? kidFromCertificate(c.der),
    key: c.key,
    country: opts.country ?? c.country,
    usage: c.usage,
    notBefore: c.notBefore,
    notAfter: c.notAfter,
    certificate: c.der,
    subject: c.subject,
  };
}

export function publicKeyFromSpki(spki: Uint8Array): PublicKeyMaterial {
  let info: SubjectPublicKeyInfo;
  try {
    info = AsnConvert.parse(spki, SubjectPublicKeyInfo);
  } catch {
    throw new CertificateParseError('malformed SubjectPublicKeyInfo');
  }
  const oid = info.algorithm.algorithm;
  const bits = new Uint8Array(info.subjectPublicKey);
  if (oid === id_ecPublicKey) {
    const params = info.algorithm.parameters ? AsnConvert.parse(info.algorithm.parameters, ECParameters) : undefined;
    const curve = params?.namedCurve ? CURVES[params.namedCurve] : undefined;
    if (!curve) throw new CertificateParseError(`unsupported EC curve ${params?.namedCurve ?? '(none)'}`);
    if (bits.length !== 1 + 2 * curve.size || bits[0] !== 4) throw new CertificateParseError('EC public key is not an uncompressed point');
    return { kty: 'EC', crv: curve.crv, x: bits.slice(1, 1 + curve.size), y: bits.slice(1 + curve.size), spki };
  }
  if (oid === RSA_ENCRYPTION || oid === RSA_PSS) {
    const rsa = AsnConvert.parse(bits, RSAPublicKey);
    return { kty: 'RSA', n: stripZeros(new Uint8Array(rsa.modulus)), e: stripZeros(new Uint8Array(rsa.publicExponent)), spki };
  }
  throw new CertificateParseError(`unsupported public key algorithm ${oid}`);
}

function stripZeros(b: Uint8Array): Uint8Array {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.slice(i);
}

const NAME_KEYS: Record<string, string> = { '2.5.4.3': 'CN', '2.5.4.6': 'C', '2.5.4.7': 'L', '2.5.4.8': 'ST', '2.5.4.10': 'O', '2.5.4.11': 'OU' };

type AsnName = Certificate['tbsCertificate']['subject'];

function attributeText(v: { toString(): string }): string {
  try {
    return v.toString();
  } catch {
    return '?';
  }
}

function nameAttribute(name: AsnName, oid: string): string | undefined {
  for (const rdn of name) for (const atv of rdn) if (atv.type === oid) return attributeText(atv.value);
  return undefined;
}

function nameToString(name: AsnName): string {
  const parts: string[] = [];
  for (const rdn of name) for (const atv of rdn) parts.push(`${NAME_KEYS[atv.type] ?? atv.type}=${attributeText(atv.value)}`);
  return parts.join(', ');
}

// --- DER helpers: the signed bytes exactly as received ---------------------------------------

/** Reads a DER tag-length header at `pos`; returns the content start and end, or undefined. */
function derItem(b: Uint8Array, pos: number, tag: number): { start: number; end: number } | undefined {
  if (pos + 2 > b.length || b[pos] !== tag) return undefined;
  let len = b[pos + 1];
  let start = pos + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 3 || start + n > b.length) return undefined;
    len = 0;
    for (let k = 0; k < n; k++) len = len * 256 + b[start + k];
    start += n;
  }
  if (start + len > b.length) return undefined;
  return { start, end: start + len };
}

/** The tbsCertificate exactly as received (the bytes the issuer signed), not a re-encoding. */
export function receivedTbs(der: Uint8Array): Uint8Array | undefined {
  const outer = derItem(der, 0, 0x30);
  if (!outer) return undefined;
  const tbs = derItem(der, outer.start, 0x30);
  return tbs ? der.subarray(outer.start, tbs.end) : undefined;
}

/**
 * ExtKeyUsageSyntax (SEQUENCE OF OBJECT IDENTIFIER) → dotted OIDs. Decoded here rather than by
 * asn1js, which writes an arc above 2^53 (the 2.25 UUID arc of TRUST_LIST_SIGNER_EKU) as hex.
 */
function extendedKeyUsages(der: Uint8Array): string[] {
  const seq = derItem(der, 0, 0x30);
  if (!seq || seq.end !== der.length) throw new CertificateParseError('extended key usage is not a SEQUENCE');
  const oids: string[] = [];
  for (let pos = seq.start; pos < seq.end;) {
    const oid = derItem(der, pos, 0x06);
    if (!oid || oid.end > seq.end) throw new CertificateParseError('extended key usage holds something other than OIDs');
    oids.push(decodeOid(der.subarray(oid.start, oid.end)));
    pos = oid.end;
  }
  return oids;
}

/** X.690 §8.19: base-128 arcs, the first two packed as 40·a + b. */
function decodeOid(b: Uint8Array): string {
  if (b.length === 0 || b.length > 64 || (b[b.length - 1] & 0x80) !== 0) throw new CertificateParseError('malformed OID');
  const arcs: bigint[] = [];
  let v = 0n;
  for (const byte of b) {
    v = (v << 7n) | BigInt(byte & 0x7f);
    if ((byte & 0x80) === 0) {
      arcs.push(v);
      v = 0n;
    }
  }
  const first = arcs[0] < 80n ? arcs[0] / 40n : 2n;
  return [first, arcs[0] - first * 40n, ...arcs.slice(1)].join('.');
}

/** ECDSA-Sig-Value (SEQUENCE {r INTEGER, s INTEGER}) → raw r‖s of `size` bytes each, as COSE and the providers take it. */
export function ecdsaDerToRaw(sig: Uint8Array, size: number): Uint8Array | undefined {
  const seq = derItem(sig, 0, 0x30);
  if (!seq || seq.end !== sig.length) return undefined;
  const out = new Uint8Array(2 * size);
  let pos = seq.start;
  for (let k = 0; k < 2; k++) {
    const n = derItem(sig, pos, 0x02);
    if (!n) return undefined;
    let v = sig.subarray(n.start, n.end);
    while (v.length > 1 && v[0] === 0) v = v.subarray(1);
    if (v.length > size) return undefined;
    out.set(v, (k + 1) * size - v.length);
    pos = n.end;
  }
  return pos === seq.end ? out : undefined;
}
