/** Signed record ingestion; people resolved by ID number and name against the citizen registry (server/ingest/service.ts). */
import { IngestService, registryPersons } from '../ingest/service';
import { WrappedKeyring } from '../ingest/signature';
import { once, type Platform } from './platform';
import { personIdsOf } from './person-ids';
import { vaultOf } from './vault';

export function ingestOf(p: Platform): Promise<IngestService> {
  return once(
    p,
    ingestOf,
    async () =>
      new IngestService({
        store: p.store,
        clock: p.clock,
        keyring: new WrappedKeyring(await vaultOf(p)),
        resolvePerson: registryPersons(p.citizens, await personIdsOf(p)),
      }),
  );
}
