/**
 * A record's version: a hash of what the record says, so that a certificate can name the exact
 * version of each record it carries, and a correction (same record id, other content) can be told
 * from a re-send (same content).
 *
 * The content is every field except the store's bookkeeping (when it arrived, when it changed,
 * whether it was withdrawn). Both a record as ingestion builds it and the same record read back
 * from either store give the same version: fields are taken in sorted order and absent ones are
 * left out.
 */
import { createHash } from 'node:crypto';

/** Fields that say when and how the store holds a record, not what the record says. */
export const RECORD_BOOKKEEPING: ReadonlySet<string> = new Set(['_id', 'receivedAt', 'updatedAt', 'withdrawnAt', 'withdrawnReason']);

export function recordVersion(record: object): string {
  const r = record as Record<string, unknown>;
  const keys = Object.keys(r)
    .filter((k) => !RECORD_BOOKKEEPING.has(k) && r[k] !== undefined)
    .sort();
  // One update of the whole text: the same bytes as an update per part, in one call into the hash.
  let text = 'ithc/record-version/v1';
  for (const k of keys) text += `\0${k}\0${JSON.stringify(r[k])}`;
  return createHash('sha256').update(text).digest('base64url').slice(0, 22);
}

/** Whether two versions of a record say the same thing (a re-send, not a correction). */
export function sameRecordContent(a: object, b: object): boolean {
  return recordVersion(a) === recordVersion(b);
}
