/**
 * Collects a verified person's records from every record source, for display and for issuance.
 *
 * The same record may reach us twice (two sources mirroring one registry, or a source adapter and
 * the local copy of what it once sent): records are the same when (sourceId, sourceRecordId) are,
 * and the most recently received or corrected copy wins.
 */
import type { RecordSource } from './sources';
import type { HealthRecord, IggRecord, NaatRecord, RecordKind, VaccinationRecord } from './types';

export interface GroupedRecords {
  naat: NaatRecord[];
  igg: IggRecord[];
  vaccination: VaccinationRecord[];
}

/** Order of the groups in the flat list: what a border officer looks at first. */
const GROUP_ORDER: readonly RecordKind[] = ['naat', 'igg', 'vaccination'];

const PERSON_ID = /^[\x21-\x7e]{1,128}$/;

export class RecordsService {
  constructor(private readonly sources: readonly RecordSource[]) {
    if (sources.length === 0) throw new TypeError('RecordsService needs at least one record source');
  }

  /** Nucleic-acid tests, then IgG antibody tests, then vaccinations; each group newest first. */
  async collect(personId: string): Promise<HealthRecord[]> {
    const g = await this.collectGrouped(personId);
    return GROUP_ORDER.flatMap((k) => g[k] as HealthRecord[]);
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
    const g: GroupedRecords = { naat: [], igg: [], vaccination: [] };
    for (const r of byKey.values()) (g[r.kind] as HealthRecord[]).push(r);
    g.naat.sort(byInstantDesc);
    g.igg.sort(byInstantDesc);
    g.vaccination.sort(byVaccinationDesc);
    return g;
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

function byInstantDesc(a: NaatRecord | IggRecord, b: NaatRecord | IggRecord): number {
  // Sample times carry zones (+08:00 at home, Z or others abroad): compare instants, not strings.
  return Date.parse(b.sampledAt) - Date.parse(a.sampledAt) || tieBreak(a, b);
}

function byVaccinationDesc(a: VaccinationRecord, b: VaccinationRecord): number {
  return cmp(b.date, a.date) || b.dose - a.dose || tieBreak(a, b);
}
