/**
 * Wrapped keys (docs/keys.md): every secret key the functions hold — the DSC and trust-list signer
 * private keys, the person-id key, the ingestion sources' HMAC keys — is made in the cloud and kept
 * in the store only encrypted, AES-256-GCM under a key-encryption key (KEK). The KEK is the one
 * secret the environment carries (secret `kek`: ITHC_SECRET_KEK in production, a 0600 file in the
 * local data folder), so secrets can be read-only environment variables and still let keys rotate.
 *
 * Each wrapped key is a document in the `keys` collection, `wrapped:<purpose>:<keyId>`, with the
 * id of the KEK that wrapped it. The additional authenticated data binds the ciphertext to its
 * purpose, its id and that KEK id: a wrapped key copied into another slot, or relabelled, does not
 * open.
 *
 * KEK rotation is re-wrapping: the new KEK becomes `kek`, the old one `kek-previous`; while both are
 * known every key opens, and rewrap() moves each one to the new KEK, one document at a time, so a
 * crash leaves every key readable and a second run finishes the work (docs/keys.md, "Rotating the
 * KEK").
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { fromBase64, toBase64 } from '../../core/bytes';
import type { Clock } from '../clock';
import { StoreConflict, type Doc, type Store } from '../store/store';
import { EnvSecretStore, type SecretStore } from './secrets';

/** The secret names of the KEK and, during a rotation, of the one before it. */
export const KEK_SECRET = 'kek';
export const PREVIOUS_KEK_SECRET = 'kek-previous';
export const KEK_BYTES = 32;

/** What a wrapped key is for; part of what its ciphertext is bound to. */
export const KEY_PURPOSES = ['dsc', 'ithc-dsc', 'trustlist-signer', 'person-id', 'ingest-hmac', 'face-check-stand-in'] as const;
export type KeyPurpose = (typeof KEY_PURPOSES)[number];

const KEY_ID = /^[A-Za-z0-9._-]{1,80}$/;
const ALG = 'A256GCM';
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Wrapped keys are small (a PKCS#8 P-256 key is 138 bytes); anything larger is not one of ours. */
const MAX_KEY_BYTES = 4096;

export class KekError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KekError';
  }
}

/** A wrapped key that does not open: altered, moved to another slot, or wrapped under a KEK not given. Names the slot, never key material. */
export class UnwrapError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnwrapError';
  }
}

export interface Kek {
  /** 'k' + 16 hex digits of SHA-256 over a label and the key: names the KEK without revealing it. */
  readonly id: string;
  readonly key: Uint8Array;
}

export interface KekRing {
  /** Wraps every new key and every re-wrapped one. */
  readonly current: Kek;
  /** The KEK before the current one, during a rotation: still opens what it wrapped. */
  readonly previous?: Kek;
}

export function kekId(key: Uint8Array): string {
  return 'k' + createHash('sha256').update('ithc/kek-id/v1\0').update(key).digest('hex').slice(0, 16);
}

/** A KEK from its text form: base64 of 32 bytes (surrounding white space ignored). */
export function parseKek(text: string, what: string): Kek {
  let key: Uint8Array;
  try {
    key = fromBase64(text.trim());
  } catch {
    throw new KekError(`${what} is not base64`);
  }
  if (key.length !== KEK_BYTES) throw new KekError(`${what} must be ${KEK_BYTES} bytes (base64), not ${key.length}`);
  return { id: kekId(key), key };
}

/** A fresh KEK in its text form (what `ithc keys new-kek` writes). */
export function newKekText(): string {
  return toBase64(new Uint8Array(randomBytes(KEK_BYTES)));
}

function secretLabel(secrets: SecretStore, name: string): string {
  return secrets instanceof EnvSecretStore ? EnvSecretStore.varName(name) : `secret ${name}`;
}

/**
 * The KEKs from the secret store. `generate` (the local data folder only) makes the KEK on first
 * use; without it a missing KEK is an error that names the variable to set. Never logs a key.
 */
export async function loadKekRing(secrets: SecretStore, opts: { generate?: boolean } = {}): Promise<KekRing> {
  let text = await secrets.get(KEK_SECRET);
  if (text === undefined) {
    if (!opts.generate) {
      throw new KekError(
        `no key-encryption key: set ${secretLabel(secrets, KEK_SECRET)} to 32 random bytes in base64 (ithc keys new-kek --out FILE); see docs/keys.md`,
      );
    }
    text = secrets.putIfAbsent ? await secrets.putIfAbsent(KEK_SECRET, newKekText()) : newKekText();
    if (!secrets.putIfAbsent) await secrets.put(KEK_SECRET, text);
  }
  const current = parseKek(text, secretLabel(secrets, KEK_SECRET));
  const prevText = await secrets.get(PREVIOUS_KEK_SECRET);
  const previous = prevText === undefined || prevText.trim() === '' ? undefined : parseKek(prevText, secretLabel(secrets, PREVIOUS_KEK_SECRET));
  return previous && previous.id !== current.id ? { current, previous } : { current };
}

export interface WrappedKeyDoc extends Doc {
  kind: 'wrapped';
  purpose: KeyPurpose;
  keyId: string;
  kekId: string;
  alg: typeof ALG;
  /** base64 */
  iv: string;
  /** base64: ciphertext ‖ 16-byte tag. */
  ciphertext: string;
  createdAt: number;
  wrappedAt: number;
}

export function wrappedKeyDocId(purpose: KeyPurpose, keyId: string): string {
  return `wrapped:${purpose}:${keyId}`;
}

function additionalData(purpose: KeyPurpose, keyId: string, kek: string): Uint8Array {
  return new TextEncoder().encode(`ithc/wrapped-key/v1\0${purpose}\0${keyId}\0${kek}`);
}

function checkSlot(purpose: KeyPurpose, keyId: string): void {
  if (!KEY_PURPOSES.includes(purpose)) throw new TypeError(`unknown key purpose ${JSON.stringify(purpose)}`);
  if (!KEY_ID.test(keyId)) throw new TypeError(`bad key id ${JSON.stringify(keyId)}`);
}

function wrap(kek: Kek, purpose: KeyPurpose, keyId: string, material: Uint8Array): { iv: string; ciphertext: string } {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', kek.key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(additionalData(purpose, keyId, kek.id));
  const ct = Buffer.concat([cipher.update(material), cipher.final(), cipher.getAuthTag()]);
  return { iv: iv.toString('base64'), ciphertext: ct.toString('base64') };
}

export interface RewrapReport {
  /** The KEK every key is now wrapped under. */
  kek: string;
  total: number;
  rewrapped: number;
  /** Keys wrapped under a KEK that is not known here: give it as the previous KEK and run again. */
  unreadable: string[];
}

export class KeyVault {
  constructor(
    private readonly store: Store,
    private readonly ring: KekRing,
    private readonly clock: Clock,
  ) {}

  /** The id of the KEK new keys are wrapped under. */
  get kekId(): string {
    return this.ring.current.id;
  }

  /** Stores `material` wrapped in a new slot; false (and nothing written) when the slot is taken. */
  async create(purpose: KeyPurpose, keyId: string, material: Uint8Array): Promise<boolean> {
    checkSlot(purpose, keyId);
    if (material.length === 0 || material.length > MAX_KEY_BYTES) throw new RangeError(`a wrapped key has 1–${MAX_KEY_BYTES} bytes`);
    const now = this.clock.now();
    const doc: WrappedKeyDoc = {
      _id: wrappedKeyDocId(purpose, keyId),
      kind: 'wrapped',
      purpose,
      keyId,
      kekId: this.ring.current.id,
      alg: ALG,
      ...wrap(this.ring.current, purpose, keyId, material),
      createdAt: now,
      wrappedAt: now,
    };
    try {
      await this.store.insert('keys', doc);
      return true;
    } catch (e) {
      if (e instanceof StoreConflict) return false;
      throw e;
    }
  }

  /** The key in the slot, or null when there is none. Throws UnwrapError when it does not open. */
  async unwrap(purpose: KeyPurpose, keyId: string): Promise<Uint8Array | null> {
    checkSlot(purpose, keyId);
    const doc = (await this.store.get('keys', wrappedKeyDocId(purpose, keyId))) as WrappedKeyDoc | null;
    return doc ? this.open(doc, purpose, keyId) : null;
  }

  /**
   * The key in the slot, made by `make` and stored wrapped on first use. Instances starting at once
   * agree: the first insert wins and the others read what it stored.
   */
  async getOrCreate(purpose: KeyPurpose, keyId: string, make: () => Uint8Array): Promise<Uint8Array> {
    const existing = await this.unwrap(purpose, keyId);
    if (existing) return existing;
    const material = make();
    if (await this.create(purpose, keyId, material)) return material;
    material.fill(0);
    const stored = await this.unwrap(purpose, keyId);
    if (!stored) throw new Error(`wrapped key ${purpose}/${keyId} vanished while it was being made`);
    return stored;
  }

  /** Removes a slot (a withdrawn request's key, a replaced source key). */
  async destroy(purpose: KeyPurpose, keyId: string): Promise<void> {
    checkSlot(purpose, keyId);
    await this.store.delete('keys', wrappedKeyDocId(purpose, keyId));
  }

  /**
   * Re-wraps every key not yet under the current KEK. Idempotent and resumable: each document is
   * replaced on its own, in a transaction that checks it is still the one that was read, so a crash
   * or a concurrent run leaves every key wrapped under one of the two KEKs, and running it again
   * completes the rotation.
   */
  async rewrap(): Promise<RewrapReport> {
    const report: RewrapReport = { kek: this.ring.current.id, total: 0, rewrapped: 0, unreadable: [] };
    const PAGE = 200;
    for (let skip = 0; ; skip += PAGE) {
      const page = (await this.store.find('keys', { kind: 'wrapped' }, { orderBy: { field: '_id', direction: 'asc' }, limit: PAGE, skip })) as WrappedKeyDoc[];
      for (const doc of page) {
        report.total++;
        if (doc.kekId === this.ring.current.id) continue;
        let material: Uint8Array;
        try {
          material = this.open(doc, doc.purpose, doc.keyId);
        } catch {
          report.unreadable.push(`${doc.purpose}/${doc.keyId} (KEK ${doc.kekId})`);
          continue;
        }
        const next = { kekId: this.ring.current.id, ...wrap(this.ring.current, doc.purpose, doc.keyId, material), wrappedAt: this.clock.now() };
        material.fill(0);
        const changed = await this.store.transaction(async (tx) => {
          const again = (await tx.get('keys', doc._id)) as WrappedKeyDoc | null;
          if (!again || again.kekId !== doc.kekId || again.ciphertext !== doc.ciphertext) return false;
          await tx.update('keys', doc._id, next);
          return true;
        });
        if (changed) report.rewrapped++;
      }
      if (page.length < PAGE) break;
    }
    return report;
  }

  /** How many keys each KEK wraps: a rotation is complete when only the current one is left. */
  async census(): Promise<{ kek: string; previous?: string; byKek: Record<string, number> }> {
    const byKek: Record<string, number> = {};
    const PAGE = 1000;
    for (let skip = 0; ; skip += PAGE) {
      const page = (await this.store.find('keys', { kind: 'wrapped' }, { orderBy: { field: '_id', direction: 'asc' }, limit: PAGE, skip })) as WrappedKeyDoc[];
      for (const d of page) byKek[d.kekId] = (byKek[d.kekId] ?? 0) + 1;
      if (page.length < PAGE) break;
    }
    return { kek: this.ring.current.id, ...(this.ring.previous ? { previous: this.ring.previous.id } : {}), byKek };
  }

  private open(doc: WrappedKeyDoc, purpose: KeyPurpose, keyId: string): Uint8Array {
    return unwrapDoc(this.ring, doc, purpose, keyId);
  }
}

/**
 * Opens a wrapped-key record read from the `keys` collection as the key of slot purpose/keyId.
 * For readers without a Store (a data folder another process serves, read-only); KeyVault uses it.
 */
export function unwrapDoc(ring: KekRing, doc: WrappedKeyDoc, purpose: KeyPurpose, keyId: string): Uint8Array {
  const slot = `${purpose}/${keyId}`;
  const kek = [ring.current, ring.previous].find((k) => k && k.id === doc.kekId);
  if (!kek)
    throw new UnwrapError(
      `wrapped key ${slot} is under KEK ${doc.kekId}, which is neither the current KEK (${ring.current.id}) nor the previous one${ring.previous ? ` (${ring.previous.id})` : ''}`,
    );
  if (doc.alg !== ALG || typeof doc.iv !== 'string' || typeof doc.ciphertext !== 'string') throw new UnwrapError(`wrapped key ${slot} is malformed`);
  // The document must be the slot's own: the AAD below binds the ciphertext to the slot as well.
  const sameSlot = doc._id === wrappedKeyDocId(purpose, keyId) && doc.purpose === purpose && doc.keyId === keyId;
  try {
    const iv = fromBase64(doc.iv);
    const ct = fromBase64(doc.ciphertext);
    if (!sameSlot || iv.length !== IV_BYTES || ct.length <= TAG_BYTES) throw new Error('shape');
    const decipher = createDecipheriv('aes-256-gcm', kek.key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(additionalData(purpose, keyId, kek.id));
    decipher.setAuthTag(ct.subarray(ct.length - TAG_BYTES));
    return new Uint8Array(Buffer.concat([decipher.update(ct.subarray(0, ct.length - TAG_BYTES)), decipher.final()]));
  } catch {
    throw new UnwrapError(`wrapped key ${slot} does not open under KEK ${kek.id}: it was altered or moved from another slot`);
  }
}
