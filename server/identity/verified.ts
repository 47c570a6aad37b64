/**
 * The verified identity a users document holds, as the services behind identity read it
 * (documents, relatives, issuance, account). Written by the identity service (service.ts); apart
 * from it so that what reads an identity does not depend on the service that verifies one.
 */
import type { Doc, Json } from '../store/store';
import type { IdentityProvider } from './provider';

/** What the services behind identity (documents, records, issuance) get: unmasked, server-side only. */
export interface VerifiedIdentity {
  personId: string;
  name: string;
  idNumber: string;
  birthDate: string;
  sex: 'male' | 'female';
  regionCode: string;
  provider: IdentityProvider['kind'];
  verifiedAt: number;
}

/** The identity in a users document, or null when absent or not in the shape this service writes. */
export function readIdentity(user: Doc): VerifiedIdentity | null {
  const i = user.identity;
  if (!i || typeof i !== 'object' || Array.isArray(i)) return null;
  const o = i as Record<string, Json>;
  const str = (k: string) => (typeof o[k] === 'string' ? o[k] : null);
  const personId = str('personId'),
    name = str('name'),
    idNumber = str('idNumber'),
    birthDate = str('birthDate'),
    regionCode = str('regionCode');
  const sex = o.sex === 'male' || o.sex === 'female' ? o.sex : null;
  const provider = o.provider === 'local' || o.provider === 'wechat-facial' ? o.provider : null;
  if (!personId || !name || !idNumber || !birthDate || !regionCode || !sex || !provider || typeof o.verifiedAt !== 'number') return null;
  return { personId, name, idNumber, birthDate, sex, regionCode, provider, verifiedAt: o.verifiedAt };
}
