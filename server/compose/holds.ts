/** Operator holds on a person's issuance (server/revocation/holds.ts). */
import { HoldService } from '../revocation/holds';
import { once, type Platform } from './platform';
import { personIdsOf } from './person-ids';

export function holdsOf(p: Platform): Promise<HoldService> {
  return once(p, holdsOf, async () => new HoldService({ store: p.store, clock: p.clock, personIds: await personIdsOf(p) }));
}
