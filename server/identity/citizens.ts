/**
 * The citizen registry: who a resident ID number belongs to. One interface, read by identity
 * verification (the local provider, ./local.ts) and by record ingestion (server/ingest), so that a
 * person is the same person to both.
 *
 * The adapter reads the `citizens` collection (`_id` = the ID number, `name`, `status`). In
 * production that collection is filled by provisioning from the national population registry's
 * export (the operator's import job, outside this code); locally and in tests it is seeded with the
 * invented demo people (demo/citizens.ts). Only `active` entries name a person: a cancelled or
 * deceased person's number resolves to nobody.
 */
import type { Store } from '../store/store';
import { sameName } from './names';

export type CitizenStatus = 'active' | 'inactive';

export interface CitizenEntry {
  /** Canonical resident ID number (18 characters, upper-case X). */
  idNumber: string;
  /** The name as registered. */
  name: string;
  status: CitizenStatus;
}

export interface CitizenRegistry {
  /** The registry's entry for a canonical resident ID number, or null when it has none. */
  lookup(idNumber: string): Promise<CitizenEntry | null>;
}

/** The `citizens` collection as the registry. */
export class StoreCitizenRegistry implements CitizenRegistry {
  constructor(private readonly store: Pick<Store, 'get'>) {}

  async lookup(idNumber: string): Promise<CitizenEntry | null> {
    const d = await this.store.get('citizens', idNumber);
    // An entry not in the shape provisioning writes names nobody, rather than somebody by accident.
    if (!d || typeof d.name !== 'string' || d.name.length === 0) return null;
    return { idNumber, name: d.name, status: d.status === 'active' ? 'active' : 'inactive' };
  }
}

export type CitizenMatch = { ok: true; citizen: CitizenEntry } | { ok: false; reason: 'PERSON_NOT_FOUND' | 'NAME_MISMATCH' };

/** Does (ID number, name) name an active registered person? Names compare as written (./names.ts). */
export async function matchCitizen(registry: CitizenRegistry, idNumber: string, name: string): Promise<CitizenMatch> {
  const citizen = await registry.lookup(idNumber);
  if (!citizen || citizen.status !== 'active') return { ok: false, reason: 'PERSON_NOT_FOUND' };
  if (!sameName(citizen.name, name)) return { ok: false, reason: 'NAME_MISMATCH' };
  return { ok: true, citizen };
}
