/** Composition of the `document` cloud function: travel-document binding (MRZ, pinyin name matching). */
import { DocumentService } from '../../documents/service';
import { documentFunction } from '../../functions/document';
import type { ComposedFunction, CloudBase } from '../entry';
import { registryOf } from './registry';

export async function composeDocument(base: CloudBase): Promise<ComposedFunction> {
  const documents = new DocumentService({ store: base.store, clock: base.clock, registry: registryOf(base) });
  return { def: documentFunction({ documents }), routes: [] };
}
