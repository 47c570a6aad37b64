/**
 * Builds the X.509 certificates of our PKI (RFC 5280): the country signing CA (CSCA, self-signed),
 * the document signing certificates (DSC) it issues, shaped like the EU DCC's (HCERT §5.1: ECDSA
 * P-256, the key-usage OIDs for test/vaccination/recovery), and the trust-list signer
 * (core/trustlist.ts TRUST_LIST_SIGNER_EKU). Used by the operator's offline CA (server/keys/ca.ts,
 * `ithc keys`) and by tests. Private keys stay in node:crypto KeyObjects.
 */
import { createPublicKey, randomBytes, sign as nodeSign, verify, createHash, type KeyObject } from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier,
  AttributeTypeAndValue,
  AuthorityKeyIdentifier,
  BasicConstraints,
  Certificate,
  ExtendedKeyUsage,
  Extension,
  Extensions,
  KeyIdentifier,
  KeyUsage,
  KeyUsageFlags,
  Name,
  RelativeDistinguishedName,
  SubjectKeyIdentifier,
  SubjectPublicKeyInfo,
  TBSCertificate,
  Validity,
  Version,
  id_ce_authorityKeyIdentifier,
  id_ce_basicConstraints,
  id_ce_extKeyUsage,
  id_ce_keyUsage,
  id_ce_subjectKeyIdentifier,
} from '@peculiar/asn1-x509';

const ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
const OID = { C: '2.5.4.6', O: '2.5.4.10', OU: '2.5.4.11', CN: '2.5.4.3' } as const;
/** HCERT §5.1.1 key-usage OIDs. A DSC carrying all three may sign every certificate type. */
export const DCC_USAGE_OIDS = Object.freeze({ t: '1.3.6.1.4.1.1847.2021.1.1', v: '1.3.6.1.4.1.1847.2021.1.2', r: '1.3.6.1.4.1.1847.2021.1.3' });

export interface DistinguishedName {
  C: string;
  O?: string;
  OU?: string;
  CN: string;
}

/** An X.501 name from its parts, in C, O, OU, CN order. */
export function buildName(dn: DistinguishedName): Name {
  const rdns: RelativeDistinguishedName[] = [];
  for (const k of ['C', 'O', 'OU', 'CN'] as const) {
    const v = dn[k];
    if (!v) continue;
    const atv = new AttributeTypeAndValue({ type: OID[k] });
    // Country is PrintableString by RFC 5280; the rest UTF8String.
    if (k === 'C') atv.value.printableString = v;
    else atv.value.utf8String = v;
    rdns.push(new RelativeDistinguishedName([atv]));
  }
  return new Name(rdns);
}

function asName(n: DistinguishedName | Name): Name {
  return n instanceof Name ? n : buildName(n);
}

function spkiOf(pub: KeyObject): SubjectPublicKeyInfo {
  return AsnConvert.parse(pub.export({ type: 'spki', format: 'der' }), SubjectPublicKeyInfo);
}

function keyId(pub: KeyObject): Uint8Array {
  // RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey bit string.
  const spki = spkiOf(pub);
  return new Uint8Array(createHash('sha1').update(new Uint8Array(spki.subjectPublicKey)).digest());
}

function ext(id: string, critical: boolean, value: unknown): Extension {
  return new Extension({ extnID: id, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });
}

export interface CertificateSpec {
  /** A name to build, or one taken as it is (from a certificate signing request or the issuer's certificate). */
  subject: DistinguishedName | Name;
  /** The subject's public key. */
  publicKey: KeyObject;
  /** Issuer's name and private key; absent for a self-signed CA. */
  issuer?: { name: DistinguishedName | Name; privateKey: KeyObject; publicKey: KeyObject };
  /** For self-signed: the private key matching publicKey. */
  selfSigningKey?: KeyObject;
  notBefore: Date;
  notAfter: Date;
  ca: boolean;
  /** DCC usages (t, v, r) for a DSC. */
  usages?: Array<keyof typeof DCC_USAGE_OIDS>;
  /** Further extended key usages (OIDs), e.g. the trust-list signer's. */
  extendedKeyUsages?: string[];
  /** 16 random bytes for the serial number; fresh ones when absent (tests pass edge cases). */
  serialEntropy?: Uint8Array;
}

/**
 * The serial number's INTEGER content from 16 random bytes. DER wants it positive and minimal:
 * a leading 0x00 before a byte below 0x80 is a non-minimal encoding that OpenSSL (and so node's
 * X509Certificate) refuses, and one random serial in 256 had it. Fixing the top two bits (01)
 * keeps 126 bits of entropy (CA/B Forum asks for 64) and the length at 16 bytes.
 */
export function serialNumberOf(entropy: Uint8Array): Uint8Array {
  if (entropy.length !== 16) throw new RangeError('a serial number takes 16 random bytes');
  const serial = new Uint8Array(entropy);
  serial[0] = (serial[0] & 0x3f) | 0x40;
  return serial;
}

/** Returns the DER certificate. */
export function buildCertificate(spec: CertificateSpec): Uint8Array {
  const signerKey = spec.issuer ? spec.issuer.privateKey : spec.selfSigningKey;
  if (!signerKey) throw new TypeError('a certificate needs an issuer key or a self-signing key');
  const issuerPub = spec.issuer ? spec.issuer.publicKey : spec.publicKey;
  const serial = serialNumberOf(spec.serialEntropy ?? randomBytes(16));
  const sigAlg = new AlgorithmIdentifier({ algorithm: ECDSA_WITH_SHA256 });
  const extensions = new Extensions([
    ext(id_ce_basicConstraints, true, new BasicConstraints(spec.ca ? { cA: true, pathLenConstraint: 0 } : { cA: false })),
    ext(id_ce_keyUsage, true, new KeyUsage(spec.ca ? KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign : KeyUsageFlags.digitalSignature)),
    ext(id_ce_subjectKeyIdentifier, false, new SubjectKeyIdentifier(keyId(spec.publicKey))),
    ext(id_ce_authorityKeyIdentifier, false, new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(keyId(issuerPub)) })),
  ]);
  const ekus = [...(spec.usages ?? []).map((u) => DCC_USAGE_OIDS[u]), ...(spec.extendedKeyUsages ?? [])];
  if (ekus.length) extensions.push(ext(id_ce_extKeyUsage, false, new ExtendedKeyUsage(ekus)));
  const tbs = new TBSCertificate({
    version: Version.v3,
    serialNumber: serial.buffer as ArrayBuffer,
    signature: sigAlg,
    issuer: asName(spec.issuer ? spec.issuer.name : spec.subject),
    validity: new Validity({ notBefore: spec.notBefore, notAfter: spec.notAfter }),
    subject: asName(spec.subject),
    subjectPublicKeyInfo: spkiOf(spec.publicKey),
    extensions,
  });
  const tbsDer = new Uint8Array(AsnConvert.serialize(tbs));
  const signature = nodeSign('sha256', tbsDer, { key: signerKey, dsaEncoding: 'der' });
  const cert = new Certificate({ tbsCertificate: tbs, signatureAlgorithm: sigAlg, signatureValue: new Uint8Array(signature).buffer });
  return new Uint8Array(AsnConvert.serialize(cert));
}

/** Checks that `der` was signed by `issuerPublicKey` (used for chain checks in tests and trust lists). */
export function certificateSignedBy(der: Uint8Array, issuerPublicKey: KeyObject): boolean {
  const cert = AsnConvert.parse(der, Certificate);
  const tbs = new Uint8Array(AsnConvert.serialize(cert.tbsCertificate));
  return verify('sha256', tbs, { key: issuerPublicKey, dsaEncoding: 'der' }, new Uint8Array(cert.signatureValue));
}

export function publicKeyFromCertificate(der: Uint8Array): KeyObject {
  const cert = AsnConvert.parse(der, Certificate);
  return createPublicKey({ key: Buffer.from(AsnConvert.serialize(cert.tbsCertificate.subjectPublicKeyInfo)), format: 'der', type: 'spki' });
}
