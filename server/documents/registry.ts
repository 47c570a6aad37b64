/**
 * The travel-document registry as issuance and binding read it: an interface over the
 * government's registry, and the local stand-in over the `documentRegistry` collection.
 * Production would ask the issuing authority (the National Immigration Administration for ordinary
 * passports, the Ministry of Foreign Affairs for the others); no such service is open to us, so the
 * interface has one adapter here: a table (`documentRegistry`, _id = document number, which is
 * unique across types since the prefixes differ). `npm start` seeds it with the demo documents
 * (demo/documents.ts).
 */
import type { Doc, Store } from '../store/store';
import { DOCUMENT_TYPE_IDS, type DocumentType } from './types';

export interface RegistryEntry {
  type: DocumentType;
  number: string;
  /** Resident ID number of the holder (the registry is a stand-in for a government one). */
  holderIdNumber: string;
  /** Name as printed in the MRZ (upper-case pinyin). */
  surname: string;
  givenNames: string;
  birthDate: string;
  sex: 'male' | 'female';
  issuedOn: string;
  expiresOn: string;
  status: 'valid' | 'cancelled';
}

export interface DocumentRegistry {
  lookup(number: string): Promise<RegistryEntry | null>;
}

export class LocalDocumentRegistry implements DocumentRegistry {
  constructor(private readonly store: Store) {}

  async lookup(number: string): Promise<RegistryEntry | null> {
    const d = await this.store.get('documentRegistry', number);
    return d ? toEntry(d) : null;
  }
}

function toEntry(d: Doc): RegistryEntry | null {
  const s = (k: string) => (typeof d[k] === 'string' ? d[k] : null);
  const type = s('type');
  const sex = s('sex');
  const status = s('status');
  const e = {
    type,
    number: s('number'),
    holderIdNumber: s('holderIdNumber'),
    surname: s('surname'),
    givenNames: s('givenNames'),
    birthDate: s('birthDate'),
    sex,
    issuedOn: s('issuedOn'),
    expiresOn: s('expiresOn'),
    status,
  };
  if (Object.values(e).some((v) => v === null)) return null;
  if (!(DOCUMENT_TYPE_IDS as readonly string[]).includes(type!) || (sex !== 'male' && sex !== 'female') || (status !== 'valid' && status !== 'cancelled'))
    return null;
  return e as RegistryEntry;
}
