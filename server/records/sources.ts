/**
 * Record sources: where a verified person's nucleic-acid tests, serum IgG antibody tests and
 * vaccinations come from. Production may add adapters for regional health platforms; locally the
 * only source is the `records` collection, filled by the ingestion endpoint (server/ingest) and by
 * the demo seed (demo/records.ts).
 */
import type { Doc, Store } from '../store/store';
import { ServiceError } from '../errors';
import { serverKind } from './kinds';
import type { HealthRecord } from './types';
import { isRecordKind } from '../../core/record-kinds';

export interface RecordSource {
  /** Names the adapter in logs and errors (never a person's data). */
  readonly name: string;
  /** Every record this source holds for the person; order is not significant. */
  collect(personId: string): Promise<HealthRecord[]>;
}

/** Most records one person may have in the local store; far beyond any real history. */
export const MAX_RECORDS_PER_PERSON = 2000;
const PAGE = 500;

/** Reads the `records` collection (ingested or seeded records). */
export class LocalRecordSource implements RecordSource {
  readonly name = 'local';
  constructor(private readonly store: Store) {}

  async collect(personId: string): Promise<HealthRecord[]> {
    const out: HealthRecord[] = [];
    // Paged in _id order (unique), so a page boundary never skips or repeats a record.
    for (let skip = 0; ; skip += PAGE) {
      const page = await this.store.find('records', { personId }, { orderBy: { field: '_id', direction: 'asc' }, limit: PAGE, skip });
      // A record its source withdrew stays on file but is no record of the person's any more.
      for (const d of page) if (d.withdrawnAt === undefined) out.push(toHealthRecord(d));
      if (page.length < PAGE) break;
      if (out.length >= MAX_RECORDS_PER_PERSON) {
        throw new ServiceError('LIMIT_REACHED', {
          messageCode: 'server.tooManyRecords',
          params: { n: MAX_RECORDS_PER_PERSON },
        });
      }
    }
    return out;
  }
}

/**
 * Stored records were validated on the way in; this guard catches a store that was edited by hand
 * or migrated wrongly, loudly, instead of issuing a certificate from a malformed record.
 */
export function toHealthRecord(d: Doc): HealthRecord {
  const ok =
    typeof d.personId === 'string' &&
    typeof d.sourceId === 'string' &&
    typeof d.sourceRecordId === 'string' &&
    typeof d.country === 'string' &&
    typeof d.issuer === 'string' &&
    typeof d.receivedAt === 'number' &&
    isRecordKind(d.kind) &&
    serverKind(d.kind).isStored(d);
  if (!ok) throw new ServiceError('INTERNAL', { messageCode: 'server.storedRecordMalformed', params: { id: String(d._id) } });
  return d as unknown as HealthRecord;
}
