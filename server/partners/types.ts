/**
 * A partner authority: a destination country's border health authority that recognises our
 * certificates (and whose travellers' certificates we recognise in return). Keyed by country.
 */
import type { Json } from '../store/store';

export type AcceptedFormat = 'dcc' | 'ithc' | 'sealed';

export interface PartnerEncryptionKey {
  /** kid as base64 (COSE header 4 of the sealed code's recipient). */
  kid: string;
  /** The authority's P-256 public key, SubjectPublicKeyInfo DER as base64. */
  spki: string;
  /** ISO 8601; a key past it is no longer used for sealing. */
  notAfter?: string;
  /**
   * false: the authority's COSE stack cannot read a compressed ephemeral key (y as a sign bit,
   * RFC 9053 §7.1.1), so codes for this key carry y in full (33 bytes, ~50 characters more). Absent: compressed.
   */
  pointCompression?: false;
}

/** Stored in the `partners` collection (cast to Doc at the store boundary: nested optional fields are not Json). */
export interface PartnerDoc {
  _id: string;
  /** ISO 3166-1 alpha-2, also the document id. */
  country: string;
  name: { zh: string; en: string };
  accepts: AcceptedFormat[];
  encryptionKeys: PartnerEncryptionKey[];
  /** Entry rules as CertLogic validation rules (the EU business-rule JSON shape). */
  rules: Json[];
  /** Signing certificates we trust for this partner's travellers' certificates: EU DSC-list entries. */
  signingCertificates: Array<{ kid: string; country: string; certificateType?: string; rawData: string }>;
  updatedAt: number;
}
