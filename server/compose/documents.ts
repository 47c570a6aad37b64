/** Travel-document binding: the MRZ and pinyin name checks (their dictionary weighs more than the rest of a bundle that carries it). */
import { DocumentService } from '../documents/service';
import { once, type Platform } from './platform';

export function documentsOf(p: Platform): Promise<DocumentService> {
  return once(p, documentsOf, () => Promise.resolve(new DocumentService({ store: p.store, clock: p.clock, registry: p.documentRegistry })));
}
