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

export const PERSON_ID_KEY_SECRET = 'person-id-key';

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
 * Reads the person-id key from a secret store, creating it on first use where the store can
 * write (the local data folder). In production the operator provisions it (EnvSecretStore:
 * ITHC_SECRET_PERSON_ID_KEY, 64 hex digits); losing or changing it unlinks existing records.
 */
export async function loadPersonIdKey(
  secrets: { get(name: string): Promise<string | undefined>; put(name: string, value: string): Promise<void> },
  randomBytes: (n: number) => Uint8Array,
): Promise<Uint8Array> {
  let hex = await secrets.get(PERSON_ID_KEY_SECRET);
  if (hex === undefined) {
    hex = Buffer.from(randomBytes(32)).toString('hex');
    await secrets.put(PERSON_ID_KEY_SECRET, hex);
  }
  hex = hex.trim();
  if (!/^([0-9a-f]{2}){32,}$/i.test(hex)) throw new Error(`secret ${PERSON_ID_KEY_SECRET} must be at least 64 hex digits`);
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}
