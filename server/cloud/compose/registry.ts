/**
 * The travel-document registry. Production has no document registry API here yet: the registry
 * collection of the cloud database stands in for it, as locally (server/documents/local-registry.ts).
 */
import { LocalDocumentRegistry } from '../../documents/local-registry';
import type { CloudBase } from '../entry';

export function registryOf(base: CloudBase): LocalDocumentRegistry {
  return new LocalDocumentRegistry(base.store);
}
