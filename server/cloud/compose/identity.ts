/** Composition of the `identity` cloud function: identity verification, and the caller's own data (export, delete). */
import { AccountService } from '../../account/service';
import { identityFunction } from '../../functions/identity';
import { discardCloudFilesOf } from '../../pdf/storage';
import type { ComposedFunction, CloudBase } from '../entry';
import { identityOf, personIdsOf } from './base';

export async function composeIdentity(base: CloudBase): Promise<ComposedFunction> {
  const identity = identityOf(base, await personIdsOf(base));
  // Paper certificates are deleted by the admin function's housekeeping timer once expired: discarding marks them so.
  const account = new AccountService({ store: base.store, clock: base.clock, files: () => ({ discardOwnedBy: (owner) => discardCloudFilesOf(base.store, owner) }) });
  return { def: identityFunction({ identity, account }), routes: [] };
}
