/** Composition of the `identity` cloud function: identity verification, and the caller's own data (export, delete). */
import { accountOf } from '../../compose/account';
import { identityOf } from '../../compose/identity';
import { identityFunction } from '../../functions/identity';
import type { ComposedFunction, CloudBase } from '../composed';
import { cloudPlatform } from './base';

export async function composeIdentity(base: CloudBase): Promise<ComposedFunction> {
  const p = cloudPlatform(base);
  return { def: identityFunction({ identity: await identityOf(p), account: await accountOf(p) }), routes: [] };
}
