/** Composition of the `ingest` cloud function: signed record ingestion from labs and vaccination sites, over HTTP only. */
import { IngestService, residentIdPersons } from '../../ingest/service';
import { SecretStoreKeyring } from '../../ingest/signature';
import { ingestRoute } from '../../routes';
import type { ComposedFunction, CloudBase } from '../entry';
import { personIdsOf } from './base';

export async function composeIngest(base: CloudBase): Promise<ComposedFunction> {
  const ingest = new IngestService({ store: base.store, clock: base.clock, keyring: new SecretStoreKeyring(base.secrets), resolvePerson: residentIdPersons(await personIdsOf(base), base.clock) });
  return { routes: [ingestRoute({ ingest })] };
}
