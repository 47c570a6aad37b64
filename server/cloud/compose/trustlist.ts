/** Composition of the `trustlist` cloud function: our signing certificates and the signed trust list, also over HTTP. */
import { keysOf } from '../../compose/keys';
import { revocationOf } from '../../compose/revocation';
import { trustlistFunction, type TrustListDeps } from '../../functions/trustlist';
import { trustListRoute } from '../../routes';
import type { ComposedFunction, CloudBase } from '../composed';
import { cloudPlatform } from './base';

export async function composeTrustlist(base: CloudBase): Promise<ComposedFunction> {
  const p = cloudPlatform(base);
  const deps: TrustListDeps = { keys: await keysOf(p), store: p.store, clock: p.clock, config: p.config, revocation: await revocationOf(p) };
  return { def: trustlistFunction(deps), routes: [trustListRoute(deps)] };
}
