/**
 * Test-only Document Signer Certificates: a self-signed X.509 certificate over a P-256 key, with
 * the HCERT key-usage OIDs (or the ITHC signer's) when asked. Deterministic for a given key and options (RFC 6979
 * signatures), so golden vectors can carry one.
 */
import { p256 } from '@noble/curves/nist.js';
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
  Version,
  id_ce_extKeyUsage,
} from '@peculiar/asn1-x509';
import { ECParameters, id_ecPublicKey, id_ecdsaWithSHA256, id_secp256r1 } from '@peculiar/asn1-ecc';
import { ITHC_SIGNER_EKU, type KeyUsage } from '../../core/keys';

/** HCERT §5.1.1 extended key usages, and the ITHC signer's. */
export const USAGE_OID: Record<KeyUsage, string> = {
  t: '1.3.6.1.4.1.1847.2021.1.1',
  v: '1.3.6.1.4.1.1847.2021.1.2',
  r: '1.3.6.1.4.1.1847.2021.1.3',
  ithc: ITHC_SIGNER_EKU,
};

export interface DscOptions {
  privateKey: Uint8Array;
  /** What the certificate may sign; none given means no key-usage extension (no restriction). */
  usage?: KeyUsage[];
  country?: string;
  commonName?: string;
  notBefore?: Date;
  notAfter?: Date;
}

function name(country: string, cn: string): Name {
  const rdn = (type: string, v: AttributeValue) => new RelativeDistinguishedName([new AttributeTypeAndValue({ type, value: v })]);
  return new Name([rdn('2.5.4.6', new AttributeValue({ printableString: country })), rdn('2.5.4.3', new AttributeValue({ utf8String: cn }))]);
}

/** A self-signed DSC in DER. */
export function makeDsc(o: DscOptions): Uint8Array {
  const country = o.country ?? 'CN';
  const subject = name(country, o.commonName ?? 'ITHC test DSC');
  const sigAlg = new AlgorithmIdentifier({ algorithm: id_ecdsaWithSHA256 });
  const extensions = o.usage?.length
    ? new Extensions([
        new Extension({
          extnID: id_ce_extKeyUsage,
          critical: false,
          extnValue: new OctetString(AsnConvert.serialize(new ExtendedKeyUsage(o.usage.map((u) => USAGE_OID[u])))),
        }),
      ])
    : undefined;
  const tbs = new TBSCertificate({
    version: Version.v3,
    serialNumber: new Uint8Array([0x01, 0x23, 0x45, 0x67]).buffer,
    signature: sigAlg,
    issuer: subject,
    subject,
    validity: new Validity({ notBefore: o.notBefore ?? new Date(Date.UTC(2021, 0, 1)), notAfter: o.notAfter ?? new Date(Date.UTC(2031, 0, 1)) }),
    subjectPublicKeyInfo: new SubjectPublicKeyInfo({
      algorithm: new AlgorithmIdentifier({ algorithm: id_ecPublicKey, parameters: AsnConvert.serialize(new ECParameters({ namedCurve: id_secp256r1 })) }),
      subjectPublicKey: toArrayBuffer(p256.getPublicKey(o.privateKey, false)),
    }),
    extensions,
  });
  const tbsDer = new Uint8Array(AsnConvert.serialize(tbs));
  const signature = p256.sign(tbsDer, o.privateKey, { prehash: true, lowS: true, format: 'der' });
  const cert = new Certificate({ tbsCertificate: tbs, signatureAlgorithm: sigAlg, signatureValue: toArrayBuffer(signature) });
  return new Uint8Array(AsnConvert.serialize(cert));
}

function toArrayBuffer(b: Uint8Array): ArrayBuffer {
  return b.slice().buffer;
}
