/** Who is an operator: the platform's first ones and those added since (server/provision/operators.ts). */
import { OperatorDirectory } from '../provision/operators';
import { once, type Platform } from './platform';

export function operatorsOf(p: Platform): Promise<OperatorDirectory> {
  return once(p, operatorsOf, () => Promise.resolve(new OperatorDirectory({ store: p.store, clock: p.clock, bootstrap: p.operatorBootstrap })));
}
