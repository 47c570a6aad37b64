/** The verified person and bound document of a caller, as issuance needs them (server/functions/subject.ts). */
import { subjectResolver, type SubjectOf } from '../functions/subject';
import { once, type Platform } from './platform';

export function subjectResolverOf(p: Platform): Promise<SubjectOf> {
  return once(p, subjectResolverOf, () => Promise.resolve(subjectResolver(p.store, p.documentRegistry)));
}
