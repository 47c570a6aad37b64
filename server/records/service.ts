/**
 * Collects a verified person's records from every record source, for display and for issuance.
 *
 * The same record may reach us twice (two sources mirroring one registry, or a source adapter and
 * the local copy of what it once sent): records are the same when (sourceId, sourceRecordId) are,
 * and the most recently received or corrected copy wins.
 */
import type { RecordSource } from './sources';
import { RECORD_KIND_LIST, serverKind, type RecordKind, type RecordOfKind } from './kinds';
import type { HealthRecord } from './types';

/** A person's records by kind. */
export type GroupedRecords = { [K in RecordKind]: RecordOfKind[K][] };

const PERSON_ID = /^[\x21-\x7e]{1,128}$/;

export class RecordsService {
  constructor(private readonly sources: readonly RecordSource[]) {
    if (sources.length === 0) throw new TypeError('RecordsService needs at least one record source');
  }

  /** Kind by kind in the registry's order (nucleic-acid tests, IgG antibody tests, vaccinations: what a border officer looks at first); each group newest first. */
  async collect(personId: string): Promise<HealthRecord[]> {
    const g = await this.collectGrouped(personId);
    return RECORD_KIND_LIST.flatMap((k) => g[k] as HealthRecord[]);
  }

  async collectGrouped(personId: string): Promise<GroupedRecords> {
    // The person id comes from the identity service, never from the caller's input.
    if (typeof personId !== 'string' || !PERSON_ID.test(personId)) throw new TypeError('bad person id');
    const lists = await Promise.all(this.sources.map((s) => s.collect(personId)));
    const byKey = new Map<string, HealthRecord>();
    for (const list of lists) {
      for (const r of list) {
        // A source must only return the person's records; anything else is a bug worth failing on.
        if (r.personId !== personId) throw new Error(`record source returned another person's record`);
        const key = `${r.sourceId}\u0000${r.sourceRecordId}`;
        const prev = byKey.get(key);
        if (!prev || lastChange(r) > lastChange(prev)) byKey.set(key, r);
      }
    }
    const g = Object.fromEntries(RECORD_KIND_LIST.map((k) => [k, [] as HealthRecord[]])) as Record<RecordKind, HealthRecord[]>;
    for (const r of byKey.values()) g[r.kind].push(r);
    for (const k of RECORD_KIND_LIST) {
      const { newestFirst } = serverKind(k);
      g[k].sort((a, b) => newestFirst(a, b) || tieBreak(a, b));
    }
    return g as GroupedRecords;
  }
}

function lastChange(r: HealthRecord): number {
  return r.updatedAt ?? r.receivedAt;
}

/** Ties broken by record identity so the order never depends on the store's. */
function tieBreak(a: HealthRecord, b: HealthRecord): number {
  return a.sourceId === b.sourceId ? cmp(a.sourceRecordId, b.sourceRecordId) : cmp(a.sourceId, b.sourceId);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
