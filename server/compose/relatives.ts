/**
 * Relatives acting for the elderly (server/relatives/service.ts), with identity's face check and
 * limits. Always without the document checks: relatives.bindDocument is given them by the relatives
 * function (server/functions/relatives.ts), so the functions that only act through relations
 * (certificate's `for`, admin.endProxy) do not carry them.
 */
import { RelativesService } from '../relatives/service';
import { identityOf } from './identity';
import { once, type Platform } from './platform';
import { personIdsOf } from './person-ids';

export function relativesOf(p: Platform): Promise<RelativesService> {
  return once(
    p,
    relativesOf,
    async () =>
      new RelativesService({ store: p.store, clock: p.clock, identity: await identityOf(p), registry: p.documentRegistry, personIds: await personIdsOf(p) }),
  );
}
