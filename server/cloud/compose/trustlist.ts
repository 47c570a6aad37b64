/** Composition of the `trustlist` cloud function: our signing certificates and the signed trust list, also over HTTP. */
import { trustlistFunction } from '../../functions/trustlist';
import { RevocationService } from '../../revocation/service';
import { trustListRoute } from '../../routes';
import type { ComposedFunction, CloudBase } from '../entry';
import { configOf } from './base';
import { keysOf } from './keys';

export async function composeTrustlist(base: CloudBase): Promise<ComposedFunction> {
  const app = { keys: await keysOf(base), store: base.store, clock: base.clock, config: configOf(base), revocation: new RevocationService({ store: base.store, clock: base.clock }) };
  return { def: trustlistFunction(app), routes: [trustListRoute(app)] };
}
