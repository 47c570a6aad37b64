/** Issuance: certificates signed with the active keys, where the platform signs (server/issuance/service.ts). */
import { IssuanceService } from '../issuance/service';
import { keysOf } from './keys';
import { once, type Platform } from './platform';

export function issuanceOf(p: Platform): Promise<IssuanceService> {
  return once(
    p,
    issuanceOf,
    async () =>
      new IssuanceService({
        store: p.store,
        clock: p.clock,
        keys: await keysOf(p),
        country: p.config.country,
        issuerName: p.config.issuerName,
        signing: p.signing,
      }),
  );
}
