/** Revoked certificates and the published EU-scheme hash list (server/revocation/service.ts). */
import { RevocationService } from '../revocation/service';
import { once, type Platform } from './platform';

export function revocationOf(p: Platform): Promise<RevocationService> {
  return once(p, revocationOf, () => Promise.resolve(new RevocationService({ store: p.store, clock: p.clock })));
}
