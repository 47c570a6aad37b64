/**
 * Store ids of records and the shape of a record source's entry in the `sources` collection.
 *
 * A record's `_id` is derived from (sourceId, sourceRecordId), so the same record sent twice lands
 * on the same document: ingestion is idempotent by construction, and a transaction can find the
 * earlier version by id (CloudBase transactions cannot run queries).
 */
import { createHash } from 'node:crypto';
import { isRecordKind, type RecordKind } from '../../core/record-kinds';

/**
 * Source ids: lower-case ASCII, safe in document ids, headers and logs. At most 48 characters, so
 * a nonce's id (source id, ':', nonce of up to 64) stays within the store's 128-character ids.
 */
export const SOURCE_ID_PATTERN = /^[a-z0-9][a-z0-9-]{2,47}$/;

/** A source's own record id: visible ASCII, as labs and registries print them. */
export const SOURCE_RECORD_ID_PATTERN = /^[\x21-\x7e]{1,128}$/;

export function recordDocId(sourceId: string, sourceRecordId: string): string {
  if (!SOURCE_ID_PATTERN.test(sourceId)) throw new TypeError('bad source id');
  if (!SOURCE_RECORD_ID_PATTERN.test(sourceRecordId)) throw new TypeError('bad source record id');
  // NUL cannot occur in either part, so the pair maps to one preimage.
  const h = createHash('sha256').update(`${sourceId}\u0000${sourceRecordId}`, 'utf8').digest('hex');
  return `rec-${h.slice(0, 40)}`;
}

/**
 * A lab or vaccination site allowed to send records (collection `sources`, `_id` = source id).
 *
 * A source with a `code` is in our published source list (server/trust/source-list.ts,
 * docs/trust-list.md §The source list): certificates carry that code instead of its name, and
 * verifiers abroad look the code up there. A source without one (a laboratory abroad, or one not
 * yet registered) is carried by name.
 */
export interface SourceDoc {
  _id: string;
  /** Name as printed on certificates (the issuer when a record names none), in Chinese. */
  name: string;
  type: 'lab' | 'vaccination-site';
  /** ISO 3166-1 alpha-2. */
  country: string;
  /** Record kinds this source may send: a lab cannot report vaccinations, nor a vaccination site tests. */
  accepts: RecordKind[];
  active: boolean;
  /** Registry code in the published source list, 1 to 2^32 − 1, unique among sources; never reused. */
  code?: number;
  /** The name in Latin script (English or pinyin), shown by verifiers in every language but Chinese. */
  nameLatin?: string;
  /** ISO 3166-2 subdivision, e.g. CN-BJ. */
  region?: string;
  /** Accreditation as the accrediting body writes it, in Latin script, e.g. "CNAS ML0001 (ISO 15189)". */
  accreditation?: string;
  /** From when, and until when (absent: still), the source may make records; ms since the epoch. */
  validFrom?: number;
  validUntil?: number;
}

const optional = (v: unknown, ok: (v: unknown) => boolean) => v === undefined || ok(v);
const ms = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

export function isSourceDoc(d: unknown): d is SourceDoc {
  if (!d || typeof d !== 'object') return false;
  const s = d as Record<string, unknown>;
  return (
    typeof s._id === 'string' &&
    typeof s.name === 'string' &&
    (s.type === 'lab' || s.type === 'vaccination-site') &&
    typeof s.country === 'string' &&
    Array.isArray(s.accepts) &&
    s.accepts.every(isRecordKind) &&
    typeof s.active === 'boolean' &&
    optional(s.code, (v) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 1 && v <= 4294967295) &&
    optional(s.nameLatin, (v) => typeof v === 'string') &&
    optional(s.region, (v) => typeof v === 'string') &&
    optional(s.accreditation, (v) => typeof v === 'string') &&
    optional(s.validFrom, ms) &&
    optional(s.validUntil, ms)
  );
}
