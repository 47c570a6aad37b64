/** A person's records (server/records/service.ts): from the platform's record sources, by default the `records` collection that ingestion fills. */
import { RecordsService } from '../records/service';
import { LocalRecordSource } from '../records/sources';
import { once, type Platform } from './platform';

export function recordsOf(p: Platform): Promise<RecordsService> {
  return once(p, recordsOf, () => Promise.resolve(new RecordsService(p.recordSources ?? [new LocalRecordSource(p.store)])));
}
