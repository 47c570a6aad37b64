/** Composition of the `partners` cloud function: partner authorities (validation of their CertLogic rules). */
import { partnersFunction } from '../../functions/partners';
import { PartnerService } from '../../partners/service';
import type { ComposedFunction, CloudBase } from '../entry';
import { configOf } from './base';

export async function composePartners(base: CloudBase): Promise<ComposedFunction> {
  const partners = new PartnerService({ store: base.store, clock: base.clock, ownCountry: configOf(base).country });
  return { def: partnersFunction({ partners }), routes: [] };
}
