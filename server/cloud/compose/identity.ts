/** Composition of the `identity` cloud function: identity verification only. */
import { identityFunction } from '../../functions/identity';
import type { ComposedFunction, CloudBase } from '../entry';
import { identityOf, personIdsOf } from './base';

export async function composeIdentity(base: CloudBase): Promise<ComposedFunction> {
  const identity = identityOf(base, await personIdsOf(base));
  return { def: identityFunction({ identity }), routes: [] };
}
