/**
 * Composition of the `ingest` cloud function: signed record ingestion from labs and vaccination
 * sites, over HTTP only. People are resolved by ID number and name against the `citizens`
 * collection, which provisioning fills from the national population registry's export.
 */
import { StoreCitizenRegistry } from '../../identity/citizens';
import { IngestService, registryPersons } from '../../ingest/service';
import { WrappedKeyring } from '../../ingest/signature';
import { ingestRoute } from '../../routes';
import type { ComposedFunction, CloudBase } from '../entry';
import { personIdsOf, vaultOf } from './base';

export async function composeIngest(base: CloudBase): Promise<ComposedFunction> {
  const resolvePerson = registryPersons(new StoreCitizenRegistry(base.store), await personIdsOf(base));
  const ingest = new IngestService({ store: base.store, clock: base.clock, keyring: new WrappedKeyring(await vaultOf(base)), resolvePerson });
  return { routes: [ingestRoute({ ingest })] };
}
