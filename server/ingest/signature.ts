/**
 * Request signing for the ingestion endpoint (docs/ingestion.md): HMAC-SHA256 with a key per
 * record source, over a canonical string that binds the method, path, source, time, a nonce and the
 * body's SHA-256. Keys are 32 random bytes, exchanged base64url-encoded; they never appear in a
 * response, an error or a log line.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { fromBase64, toBase64, toBase64Url } from '../../core/bytes';
import type { KeyVault } from '../keys/vault';
import { SOURCE_ID_PATTERN } from '../records/record-id';

export const SCHEME = 'ITHC-HMAC-SHA256';

/** Header names (lower case, as Node delivers them; lookups are case-insensitive). */
export const HEADERS = Object.freeze({
  source: 'x-ithc-source',
  timestamp: 'x-ithc-timestamp',
  nonce: 'x-ithc-nonce',
  signature: 'x-ithc-signature',
});

export const NONCE_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;
export const TIMESTAMP_PATTERN = /^[0-9]{1,12}$/;
export const KEY_BYTES = 32;

export interface SignedParts {
  method: string;
  path: string;
  sourceId: string;
  /** Unix seconds, as sent in the header. */
  timestamp: string;
  nonce: string;
  body: Uint8Array;
}

/** The exact string signed. Every part is on its own line; none may contain a newline. */
export function canonicalString(p: SignedParts): string {
  for (const v of [p.method, p.path, p.sourceId, p.timestamp, p.nonce]) {
    if (/[\r\n]/.test(v)) throw new TypeError('signed parts must not contain line breaks');
  }
  const bodyHash = createHash('sha256').update(p.body).digest('hex');
  return [SCHEME, p.method.toUpperCase(), p.path, p.sourceId, p.timestamp, p.nonce, bodyHash].join('\n');
}

export function computeSignature(key: Uint8Array, p: SignedParts): Uint8Array {
  return new Uint8Array(createHmac('sha256', key).update(canonicalString(p), 'utf8').digest());
}

/** Constant-time check of a base64 signature header against the expected MAC. */
export function signatureMatches(key: Uint8Array, p: SignedParts, signatureHeader: string): boolean {
  let given: Uint8Array;
  try {
    given = fromBase64(signatureHeader);
  } catch {
    return false;
  }
  const expected = computeSignature(key, p);
  // Length is public (always 32 for SHA-256); timingSafeEqual needs equal lengths.
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** For labs' clients, tests and the demo: the headers of a signed request. */
export function signRequest(args: {
  method: string;
  path: string;
  body: Uint8Array;
  sourceId: string;
  key: Uint8Array;
  /** ms since the epoch (the caller's clock). */
  now: number;
  nonce?: string;
}): Record<string, string> {
  const timestamp = String(Math.floor(args.now / 1000));
  const nonce = args.nonce ?? newNonce();
  const sig = computeSignature(args.key, { method: args.method, path: args.path, sourceId: args.sourceId, timestamp, nonce, body: args.body });
  return {
    [HEADERS.source]: args.sourceId,
    [HEADERS.timestamp]: timestamp,
    [HEADERS.nonce]: nonce,
    [HEADERS.signature]: toBase64(sig),
  };
}

/** 128 random bits, base64url: 22 characters. */
export function newNonce(): string {
  return toBase64Url(new Uint8Array(randomBytes(16)));
}

/** A fresh source key (32 random bytes from the OS CSPRNG). */
export function generateSourceKey(): Uint8Array {
  return new Uint8Array(randomBytes(KEY_BYTES));
}

export function encodeSourceKey(key: Uint8Array): string {
  if (key.length < KEY_BYTES) throw new RangeError(`source keys have at least ${KEY_BYTES} bytes`);
  return toBase64Url(key);
}

export function decodeSourceKey(text: string): Uint8Array {
  const key = fromBase64(text.trim());
  if (key.length < KEY_BYTES) throw new RangeError(`source keys have at least ${KEY_BYTES} bytes`);
  return key;
}

/** Where the ingestion endpoint finds a source's HMAC key. */
export interface SourceKeyring {
  /** The source's key, or null when it has none (the request is then refused). */
  keyFor(sourceId: string): Promise<Uint8Array | null>;
}

/** Keys from an injected map: tests, and the local server after it loaded or generated the keys. */
export class MapKeyring implements SourceKeyring {
  private readonly keys: ReadonlyMap<string, Uint8Array>;
  constructor(keys: ReadonlyMap<string, Uint8Array> | Record<string, Uint8Array>) {
    // instanceof narrows a ReadonlyMap to Map<any, any>: the declared types are restored.
    const m: ReadonlyMap<string, Uint8Array> = keys instanceof Map ? (keys as ReadonlyMap<string, Uint8Array>) : new Map(Object.entries(keys));
    for (const [id, k] of m) {
      if (!SOURCE_ID_PATTERN.test(id)) throw new TypeError(`bad source id ${JSON.stringify(id)}`);
      if (!(k instanceof Uint8Array) || k.length < KEY_BYTES) throw new RangeError(`key of ${id} is shorter than ${KEY_BYTES} bytes`);
    }
    this.keys = new Map(m);
  }
  keyFor(sourceId: string): Promise<Uint8Array | null> {
    return Promise.resolve(this.keys.get(sourceId) ?? null);
  }
}

/**
 * Keys from the wrapped-key store (server/keys/vault.ts, purpose `ingest-hmac`, one slot per
 * source id): made in the cloud when a source is added, shown to its operator once, and kept only
 * wrapped under the KEK.
 */
export class WrappedKeyring implements SourceKeyring {
  constructor(private readonly vault: Pick<KeyVault, 'unwrap'>) {}
  async keyFor(sourceId: string): Promise<Uint8Array | null> {
    if (!SOURCE_ID_PATTERN.test(sourceId)) return null;
    const key = await this.vault.unwrap('ingest-hmac', sourceId);
    // A short stored key is an operator error; say which source without echoing the value.
    if (key && key.length < KEY_BYTES) throw new Error(`the ingestion key of source ${sourceId} is shorter than ${KEY_BYTES} bytes`);
    return key;
  }
}

/**
 * Makes a source's key and stores it wrapped; returns it, to be handed to the source once and
 * never shown again. Null when the source has a key already (nothing is changed).
 */
export async function createSourceKey(vault: Pick<KeyVault, 'create'>, sourceId: string): Promise<Uint8Array | null> {
  if (!SOURCE_ID_PATTERN.test(sourceId)) throw new TypeError('bad source id');
  const key = generateSourceKey();
  return (await vault.create('ingest-hmac', sourceId, key)) ? key : null;
}
