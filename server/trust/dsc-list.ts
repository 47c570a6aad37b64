/**
 * Our signing certificates in the EU DSC-list shape that verifiers already load
 * (`{certificates: [{kid, country, certificateType, rawData}]}`, as the DCC gateway's trust list
 * endpoints publish them): kid and rawData in base64, rawData the DER certificate.
 *
 * `certificates` holds the DCC signers (HC1: codes) only. The ITHC signers (ITHC1: codes) are in
 * `ithcCertificates`, which DCC verifiers do not read: a DCC verifier that held the ITHC signer's
 * key and ignored its key usage (as some do) would take an ITHC1 code relabelled HC1: as a
 * verified, empty DCC. Our verifiers read both (core/dsc-list.ts) and check each key's usage.
 */
import type { KeyService } from '../keys/service';

export interface DscListEntry {
  kid: string;
  country: string;
  certificateType: 'DSC';
  rawData: string;
  /** Extra fields verifiers may ignore: validity and status help operators and offline verifiers. */
  notBefore: string;
  notAfter: string;
  /** published: not signing yet (pre-publication, docs/keys.md); active: signs new codes; retired: verifies codes it signed. */
  status: 'published' | 'active' | 'retired';
}

export interface DscList {
  /** DCC signers: what signs HC1: codes. */
  certificates: DscListEntry[];
  /** ITHC signers: what signs ITHC1: codes (key usage ITHC_SIGNER_EKU, docs/keys.md). */
  ithcCertificates: DscListEntry[];
  /** The CSCA the DSCs chain to, base64 DER. */
  csca: string;
  issuedAt: string;
}

export async function publishDscList(keys: KeyService, country: string, nowMs: number): Promise<DscList> {
  const docs = await keys.publishedSigningCertificates(nowMs);
  const csca = await keys.cscaCertificate();
  const statuses = await Promise.all(docs.map((d) => keys.statusOf(d, nowMs)));
  const entries = docs.map((d, i) => ({
    kid: d.kid,
    country,
    certificateType: 'DSC' as const,
    rawData: d.certificate,
    notBefore: new Date(d.notBefore).toISOString(),
    notAfter: new Date(d.notAfter).toISOString(),
    status: statuses[i] as DscListEntry['status'],
  }));
  return {
    certificates: entries.filter((_, i) => docs[i].kind === 'dsc'),
    ithcCertificates: entries.filter((_, i) => docs[i].kind === 'ithc-dsc'),
    csca: Buffer.from(csca).toString('base64'),
    issuedAt: new Date(nowMs).toISOString(),
  };
}
