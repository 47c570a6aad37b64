/**
 * Identifiers derived from what callers and people are, so that ids, logs and audit entries never
 * carry the raw values.
 *
 * - userId: the `users` document of a caller. `'u' + SHA-256("ithc/user/v1\0" + openid)`, first 32
 *   hex digits. Unkeyed on purpose: every service can derive it from the OPENID alone, and an
 *   OPENID is not guessable, so the hash cannot be reversed by trying candidates.
 * - personId: the person a resident ID number names (records, attempt counters, audit).
 *   `'p' + HMAC-SHA-256(key, "ithc/person/v1\0" + idNumber)`, first 32 hex digits. Keyed because ID
 *   numbers are enumerable (about 10^11 plausible values): an unkeyed hash would be as good as the
 *   number itself to anyone who reads the store. The key is a secret (see loadPersonIdKey); the
 *   same key must be used by every service that links records to people.
 */
import { createHash, createHmac } from 'node:crypto';
import type { KeyVault } from '../keys/vault';

/** The person-id key's slot among the wrapped keys (server/keys/vault.ts, purpose `person-id`). */
export const PERSON_ID_KEY_ID = 'v1';

export function userIdFor(openId: string): string {
  if (typeof openId !== 'string' || openId.length === 0) throw new TypeError('userIdFor needs an openid');
  return 'u' + createHash('sha256').update(`ithc/user/v1\0${openId}`, 'utf8').digest('hex').slice(0, 32);
}

export class PersonIds {
  readonly #key: Uint8Array;
  constructor(key: Uint8Array) {
    if (!(key instanceof Uint8Array) || key.length < 32) throw new TypeError('the person-id key must be at least 32 bytes');
    this.#key = Uint8Array.from(key);
  }

  /** The person id of a canonical (validated) resident ID number. */
  personId(idNumber: string): string {
    if (!/^[0-9]{17}[0-9X]$/.test(idNumber)) throw new TypeError('personId needs a canonical 18-character ID number');
    return 'p' + createHmac('sha256', this.#key).update(`ithc/person/v1\0${idNumber}`, 'utf8').digest('hex').slice(0, 32);
  }
}

/**
 * The person-id key: made on first use by whichever function starts first (32 bytes from the OS
 * random source) and kept only wrapped under the KEK (server/keys/vault.ts), so it needs no
 * provisioning and survives a KEK rotation. Losing it unlinks existing records from their people.
 */
export async function loadPersonIdKey(vault: Pick<KeyVault, 'getOrCreate'>, randomBytes: (n: number) => Uint8Array): Promise<Uint8Array> {
  const key = await vault.getOrCreate('person-id', PERSON_ID_KEY_ID, () => randomBytes(32));
  if (key.length < 32) throw new Error('the stored person-id key is shorter than 32 bytes');
  return key;
}
