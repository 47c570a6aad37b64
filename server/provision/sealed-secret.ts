/**
 * A secret handed to an operator once (an ingestion source's key), sealed to a public key the
 * operator's tool made for that one request: ECDH on P-256 with an ephemeral key of ours, HKDF-SHA256,
 * AES-256-GCM. Why sealed at all: a cloud function's return value can end up in the platform's
 * invocation logs, and a key must never be in a log. Sealed, the logs hold ciphertext only, and the
 * private key that opens it never left the operator's machine (`ithc provision` makes it in memory).
 */
import { createCipheriv, createDecipheriv, createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync, randomBytes, type KeyObject } from 'node:crypto';
import { fromBase64, toBase64 } from '../../core/bytes';
import { ServiceError } from '../errors';

export const SEALED_ALG = 'ECDH-ES+HKDF-SHA256+A256GCM';

export interface SealedSecret {
  alg: typeof SEALED_ALG;
  /** What the secret is, bound into the encryption (e.g. "ingest-hmac:lab-001"). */
  label: string;
  /** Our ephemeral public key, base64 SPKI DER. */
  epk: string;
  iv: string;
  /** base64: ciphertext ‖ 16-byte tag. */
  ciphertext: string;
}

function contentKey(shared: Buffer, label: string): Buffer {
  return Buffer.from(hkdfSync('sha256', shared, Buffer.alloc(0), Buffer.from(`ithc/sealed-secret/v1\0${label}`, 'utf8'), 32));
}

/** The operator tool's public key (base64 SPKI DER of a P-256 key), or VALIDATION_FAILED naming `field`. */
export function readRecipient(v: unknown, field = 'recipient'): KeyObject {
  const refuse = () =>
    new ServiceError('VALIDATION_FAILED', { fields: { [field]: 'P-256 public key, base64 SPKI DER' }, messageCode: 'server.recipientKeyRequired' });
  if (typeof v !== 'string' || v.length === 0 || v.length > 200) throw refuse();
  try {
    const key = createPublicKey({ key: Buffer.from(fromBase64(v)), format: 'der', type: 'spki' });
    if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') throw new Error('curve');
    return key;
  } catch {
    throw refuse();
  }
}

export function sealSecret(secret: Uint8Array, recipient: KeyObject, label: string): SealedSecret {
  const eph = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const shared = diffieHellman({ privateKey: eph.privateKey, publicKey: recipient });
  const key = contentKey(shared, label);
  shared.fill(0);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(label, 'utf8'));
  const ct = Buffer.concat([cipher.update(secret), cipher.final(), cipher.getAuthTag()]);
  key.fill(0);
  return {
    alg: SEALED_ALG,
    label,
    epk: toBase64(new Uint8Array(eph.publicKey.export({ type: 'spki', format: 'der' }))),
    iv: iv.toString('base64'),
    ciphertext: ct.toString('base64'),
  };
}

/** Opens a sealed secret with the recipient's private key; throws when it was not sealed to it or was altered. */
export function openSecret(sealed: SealedSecret, privateKey: KeyObject): Uint8Array {
  if (!sealed || sealed.alg !== SEALED_ALG || typeof sealed.label !== 'string') throw new Error('not a sealed secret');
  const epk = createPublicKey({ key: Buffer.from(fromBase64(sealed.epk)), format: 'der', type: 'spki' });
  const shared = diffieHellman({ privateKey, publicKey: epk });
  const key = contentKey(shared, sealed.label);
  const ct = Buffer.from(fromBase64(sealed.ciphertext));
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(fromBase64(sealed.iv)));
  decipher.setAAD(Buffer.from(sealed.label, 'utf8'));
  decipher.setAuthTag(ct.subarray(ct.length - 16));
  return new Uint8Array(Buffer.concat([decipher.update(ct.subarray(0, ct.length - 16)), decipher.final()]));
}
