/** Identity verification through the platform's facial verification (server/identity/service.ts). */
import { IdentityService } from '../identity/service';
import { once, type Platform } from './platform';
import { personIdsOf } from './person-ids';

export function identityOf(p: Platform): Promise<IdentityService> {
  return once(
    p,
    identityOf,
    async () => new IdentityService({ store: p.store, clock: p.clock, provider: p.identityProvider, personIds: await personIdsOf(p) }),
  );
}
