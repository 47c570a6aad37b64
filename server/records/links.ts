/**
 * What became of each record once certificates carry it (collection `recordLinks`, `_id` = the
 * record's store id): the certificates issued with it, and the versions of it an operator blocked.
 *
 * Issuance adds a certificate here in the transaction that stores the certificate, after checking
 * that the record still is the version it signed; ingestion reads it in the transaction that
 * stores a correction or a withdrawal, revokes every certificate listed, and writes it back. Both
 * transactions write this document, so on a store that detects write conflicts (CloudBase) one of
 * two concurrent ones is re-run, and on SQLite they run one after the other: either the
 * certificate is listed before the correction is stored (and is revoked by it), or the issuance
 * sees the new version and signs nothing. There is no moment at which a correction is stored and a
 * certificate carrying the version it replaced is still valid.
 *
 * Only transactions touch these documents, by id (CloudBase transactions cannot query).
 */
import type { Doc, Json, TxOps } from '../store/store';

/** An operator's block of one version of a record (admin.revoke with blockRecords). */
export interface RecordBlock {
  version: string;
  /** The certificate whose revocation blocked it (UVCI). */
  certificateId: string;
  reason: string;
  at: number;
  by: string;
}

export interface RecordLink {
  /** The record's store id. */
  _id: string;
  /** Store ids of the certificates issued with any version of the record and not yet revoked for it. */
  certificates: string[];
  blocked: RecordBlock[];
}

/** Most blocks kept per record; far beyond any real case (each needs an operator's revocation). */
export const MAX_BLOCKS_PER_RECORD = 100;

export async function readRecordLink(tx: Pick<TxOps, 'get'>, recordId: string): Promise<RecordLink> {
  const d = await tx.get('recordLinks', recordId);
  const certificates = Array.isArray(d?.certificates) ? d.certificates.filter((c): c is string => typeof c === 'string') : [];
  const blocked = Array.isArray(d?.blocked) ? (d.blocked as unknown as RecordBlock[]).filter((b) => b && typeof b.version === 'string') : [];
  return { _id: recordId, certificates, blocked };
}

export async function writeRecordLink(tx: Pick<TxOps, 'put'>, link: RecordLink): Promise<void> {
  await tx.put('recordLinks', { _id: link._id, certificates: link.certificates, blocked: link.blocked as unknown as Json } as Doc);
}

/** The block of this version, if an operator blocked it. */
export function blockOf(link: RecordLink, version: string): RecordBlock | undefined {
  return link.blocked.find((b) => b.version === version);
}
