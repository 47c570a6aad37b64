/** The signing keys, for the functions that sign or publish (certificate, trustlist, admin). */
import { DEFAULT_KEY_CONFIG, KeyService } from '../../keys/service';
import type { CloudBase } from '../entry';
import { configOf, vaultOf } from './base';

/**
 * The key service over the wrapped keys. Nothing is made at start: an operator installs the CSCA
 * certificate and certifies each key the service requests (docs/keys.md); until then the actions
 * that need a key answer UNAVAILABLE and say so.
 */
export async function keysOf(base: CloudBase): Promise<KeyService> {
  const config = configOf(base);
  return new KeyService({ store: base.store, vault: await vaultOf(base), clock: base.clock, config: { ...DEFAULT_KEY_CONFIG, country: config.country, prePublicationDays: config.prePublicationDays } });
}
