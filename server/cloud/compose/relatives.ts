/** Composition of the `relatives` cloud function: relations, the relative's face check and document binding. */
import { DocumentService } from '../../documents/service';
import { relativesFunction } from '../../functions/relatives';
import { RelativesService } from '../../relatives/service';
import type { ComposedFunction, CloudBase } from '../entry';
import { identityOf, personIdsOf } from './base';
import { registryOf } from './registry';

export async function composeRelatives(base: CloudBase): Promise<ComposedFunction> {
  const personIds = await personIdsOf(base);
  const registry = registryOf(base);
  const documents = new DocumentService({ store: base.store, clock: base.clock, registry });
  const relatives = new RelativesService({ store: base.store, clock: base.clock, identity: identityOf(base, personIds), documents, registry, personIds });
  return { def: relativesFunction({ relatives }), routes: [] };
}
