/** Sealed codes for a destination: partners' encryption keys, ephemeral keys from the platform's random source (server/seal/service.ts). */
import { SealService } from '../seal/service';
import { once, type Platform } from './platform';
import { partnersOf } from './partners';

export function sealOf(p: Platform): Promise<SealService> {
  return once(p, sealOf, async () => new SealService({ partners: await partnersOf(p), clock: p.clock, rng: p.rng }));
}
