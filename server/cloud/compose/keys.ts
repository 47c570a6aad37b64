/** The signing keys, for the functions that sign or publish (certificate, trustlist, admin). */
import { DEFAULT_KEY_CONFIG, KeyService } from '../../keys/service';
import type { CloudBase } from '../entry';
import { configOf } from './base';

/** The key service, with the CSCA and first DSC made on the very first start (KeyService.ensure). */
export async function keysOf(base: CloudBase): Promise<KeyService> {
  const keys = new KeyService(base.store, base.secrets, base.clock, { ...DEFAULT_KEY_CONFIG, country: configOf(base).country });
  await keys.ensure();
  return keys;
}
