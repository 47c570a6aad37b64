/** Person ids from ID numbers, under the key the vault holds (made on first run: server/identity/person-id.ts). */
import { PersonIds, loadPersonIdKey } from '../identity/person-id';
import { once, type Platform } from './platform';
import { vaultOf } from './vault';

export function personIdsOf(p: Platform): Promise<PersonIds> {
  return once(p, personIdsOf, async () => new PersonIds(await loadPersonIdKey(await vaultOf(p), p.rng)));
}
