/**
 * The signing keys over the vault (server/keys/service.ts). With a certifier at hand (the local data
 * folder's CSCA) each new key is certified at once; without one, an operator installs the CSCA and
 * certifies each key the service requests (docs/keys.md), and until then the actions that need a
 * key answer UNAVAILABLE and say so.
 */
import { DEFAULT_KEY_CONFIG, KeyService } from '../keys/service';
import { once, type Platform } from './platform';
import { vaultOf } from './vault';

export function keysOf(p: Platform): Promise<KeyService> {
  return once(p, keysOf, async () => {
    const config = { ...DEFAULT_KEY_CONFIG, country: p.config.country, prePublicationDays: p.config.prePublicationDays };
    return new KeyService({ store: p.store, vault: await vaultOf(p), clock: p.clock, config, certifier: p.certifier });
  });
}
