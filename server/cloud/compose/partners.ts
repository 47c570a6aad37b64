/** Composition of the `partners` cloud function: partner authorities (validation of their CertLogic rules). */
import { partnersOf } from '../../compose/partners';
import { partnersFunction } from '../../functions/partners';
import type { ComposedFunction, CloudBase } from '../composed';
import { cloudPlatform } from './base';

export async function composePartners(base: CloudBase): Promise<ComposedFunction> {
  const partners = await partnersOf(cloudPlatform(base));
  return { def: partnersFunction({ partners }), routes: [] };
}
