/** Wrapped keys under the KEK (server/keys/vault.ts): the person-id key, signing keys, ingestion keys. */
import { KeyVault, loadKekRing } from '../keys/vault';
import { once, type Platform } from './platform';

export function vaultOf(p: Platform): Promise<KeyVault> {
  return once(p, vaultOf, async () => new KeyVault(p.store, await loadKekRing(p.secrets, { generate: p.generateKek }), p.clock));
}
