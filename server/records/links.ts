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
 * Only transactions write these documents, by id (CloudBase transactions cannot query). Issuance
 * also reads them before it signs, all in one query (readRecordLinks), to refuse a blocked record
 * without signing; the transaction that stores the certificate reads them again.
 */
import type { Doc, Json, Store, TxOps } from '../store/store';
import { STORE_LIMITS } from '../store/validate';

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
  return toRecordLink(recordId, await tx.get('recordLinks', recordId));
}

/** The links of several records, outside a transaction, in one query per STORE_LIMITS.inValues records. */
export async function readRecordLinks(store: Pick<Store, 'find'>, recordIds: readonly string[]): Promise<Map<string, RecordLink>> {
  const found = new Map<string, Doc>();
  const ids = [...new Set(recordIds)];
  for (let i = 0; i < ids.length; i += STORE_LIMITS.inValues) {
    const chunk = ids.slice(i, i + STORE_LIMITS.inValues);
    for (const d of await store.find('recordLinks', { _id: { $in: chunk } }, { limit: chunk.length })) found.set(d._id, d);
  }
  return new Map(ids.map((id) => [id, toRecordLink(id, found.get(id) ?? null)]));
}

function toRecordLink(recordId: string, d: Doc | null): RecordLink {
  const certificates = Array.isArray(d?.certificates) ? d.certificates.filter((c): c is string => typeof c === 'string') : [];
  const blocked = Array.isArray(d?.blocked) ? (d.blocked as unknown as RecordBlock[]).filter((b) => b && typeof b.version === 'string') : [];
  return { _id: recordId, certificates, blocked };
}

export async function writeRecordLink(tx: Pick<TxOps, 'put'>, link: RecordLink): Promise<void> {
  await tx.put('recordLinks', { _id: link._id, certificates: link.certificates, blocked: link.blocked as unknown as Json });
}

/** The block of this version, if an operator blocked it. */
export function blockOf(link: RecordLink, version: string): RecordBlock | undefined {
  return link.blocked.find((b) => b.version === version);
}
