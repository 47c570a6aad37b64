/** Composition of the `admin` cloud function (operators): ending relations, revocation, key rotation. */
import { adminFunction } from '../../functions/admin';
import { RelativesService } from '../../relatives/service';
import { RevocationService } from '../../revocation/service';
import type { ComposedFunction, CloudBase } from '../entry';
import { identityOf, personIdsOf } from './base';
import { registryOf } from './registry';
import { keysOf } from './keys';

export async function composeAdmin(base: CloudBase): Promise<ComposedFunction> {
  const personIds = await personIdsOf(base);
  // Operators only end relations here: no document checks (RelativesService without `documents`).
  const relatives = new RelativesService({ store: base.store, clock: base.clock, identity: identityOf(base, personIds), registry: registryOf(base), personIds });
  const revocation = new RevocationService({ store: base.store, clock: base.clock });
  return { def: adminFunction({ relatives, revocation, keys: await keysOf(base) }), routes: [] };
}
