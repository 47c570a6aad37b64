/**
 * Composition of the `ingest` cloud function: signed record ingestion from labs and vaccination
 * sites, over HTTP only. People are resolved by ID number and name against the `citizens`
 * collection, which provisioning fills from the national population registry's export.
 */
import { ingestOf } from '../../compose/ingest';
import { ingestRoute } from '../../routes';
import type { ComposedFunction, CloudBase } from '../composed';
import { cloudPlatform } from './base';

export async function composeIngest(base: CloudBase): Promise<ComposedFunction> {
  return { routes: [ingestRoute({ ingest: await ingestOf(cloudPlatform(base)) })] };
}
