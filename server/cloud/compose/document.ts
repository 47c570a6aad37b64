/** Composition of the `document` cloud function: travel-document binding (MRZ, pinyin name matching). */
import { documentsOf } from '../../compose/documents';
import { documentFunction } from '../../functions/document';
import type { ComposedFunction, CloudBase } from '../composed';
import { cloudPlatform } from './base';

export async function composeDocument(base: CloudBase): Promise<ComposedFunction> {
  const documents = await documentsOf(cloudPlatform(base));
  return { def: documentFunction({ documents }), routes: [] };
}
