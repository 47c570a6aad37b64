/** Provisioning a deployment: collections, registries, ingestion sources (server/provision/service.ts). Reads nothing while it is made. */
import { ProvisionService } from '../provision/service';
import { keysOf } from './keys';
import { once, type Platform } from './platform';
import { operatorsOf } from './operators';
import { vaultOf } from './vault';

export function provisionOf(p: Platform): Promise<ProvisionService> {
  return once(
    p,
    provisionOf,
    async () =>
      new ProvisionService({
        store: p.store,
        clock: p.clock,
        vault: await vaultOf(p),
        keys: await keysOf(p),
        collections: p.collections,
        operators: await operatorsOf(p),
        checkEnvironment: p.environment?.check,
        envId: p.environment?.id,
      }),
  );
}
