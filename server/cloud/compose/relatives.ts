/** Composition of the `relatives` cloud function: relations, the relative's face check and document binding. */
import { documentsOf } from '../../compose/documents';
import { relativesOf } from '../../compose/relatives';
import { relativesFunction } from '../../functions/relatives';
import type { ComposedFunction, CloudBase } from '../composed';
import { cloudPlatform } from './base';

export async function composeRelatives(base: CloudBase): Promise<ComposedFunction> {
  const p = cloudPlatform(base);
  return { def: relativesFunction({ relatives: await relativesOf(p), documents: await documentsOf(p) }), routes: [] };
}
