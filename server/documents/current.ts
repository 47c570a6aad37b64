/**
 * The caller's current travel document, as issuance and the `document.current` action read it.
 * Apart from the binding checks (service.ts: MRZ, pinyin name matching), so that what only reads
 * the bound document (the certificate function) does not carry them.
 */
import { maskResidentId } from '../../core/resident-id';
import { readIdentity } from '../identity/verified';
import type { Doc, Json, Store } from '../store/store';
import { DOCUMENT_TYPES, DOCUMENT_TYPE_IDS, type DocumentType } from './types';

export interface BoundDocument {
  type: DocumentType;
  typeName: { zh: string; en: string };
  number: string;
  expiry: string;
  boundAt: number;
  holder: { name: string; idNumberMasked: string };
}

/**
 * The document bound to `user` (the caller's `users` document, id `userId`), or null. Only a
 * document bound to the caller's present identity counts.
 */
export async function readCurrentDocument(store: Store, userId: string, user: Doc | null): Promise<BoundDocument | null> {
  if (user !== null && user._id !== userId) throw new TypeError("readCurrentDocument was given another caller's users document");
  const identity = user ? readIdentity(user) : null;
  const d = user?.document;
  if (!identity || !d || typeof d !== 'object' || Array.isArray(d)) return null;
  const o = d as Record<string, Json>;
  if (
    typeof o.number !== 'string' ||
    typeof o.expiry !== 'string' ||
    typeof o.boundAt !== 'number' ||
    !(DOCUMENT_TYPE_IDS as readonly string[]).includes(o.type as string)
  )
    return null;
  const bound = await store.get('documents', `${userId}:${o.number}`);
  if (!bound || bound.personId !== identity.personId) return null;
  const type = o.type as DocumentType;
  return {
    type,
    typeName: { zh: DOCUMENT_TYPES[type].zh, en: DOCUMENT_TYPES[type].en },
    number: o.number,
    expiry: o.expiry,
    boundAt: o.boundAt,
    holder: { name: identity.name, idNumberMasked: maskResidentId(identity.idNumber) },
  };
}
