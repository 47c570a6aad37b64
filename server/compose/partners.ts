/** Partner authorities: keys, accepted formats, entry rules, their signing certificates (server/partners/service.ts). */
import { PartnerService } from '../partners/service';
import { once, type Platform } from './platform';

export function partnersOf(p: Platform): Promise<PartnerService> {
  return once(p, partnersOf, () => Promise.resolve(new PartnerService({ store: p.store, clock: p.clock, ownCountry: p.config.country })));
}
