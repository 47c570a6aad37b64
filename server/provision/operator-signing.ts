/**
 * Signing operators' HTTP requests (the protocol: ./operator-auth.ts): what `ithc provision` does on
 * the operator's machine. Apart from the checking side so that the CLI carries none of the server.
 */
import { createHash, randomBytes, sign as nodeSign, type KeyObject } from 'node:crypto';
import { toBase64, toBase64Url } from '../../core/bytes';

export const OPERATOR_SCHEME = 'ITHC-OPERATOR-ES256';

/** An operator key's id: 32 hex digits of SHA-256 over its public key (SPKI DER). */
export function operatorKeyId(spki: Uint8Array): string {
  return createHash('sha256').update(spki).digest('hex').slice(0, 32);
}
export const ADMIN_PATH = '/admin';

export const OPERATOR_HEADERS = Object.freeze({
  key: 'x-ithc-operator-key',
  timestamp: 'x-ithc-timestamp',
  nonce: 'x-ithc-nonce',
  signature: 'x-ithc-signature',
});

export interface OperatorSignedParts {
  method: string;
  path: string;
  keyId: string;
  timestamp: string;
  nonce: string;
  body: Uint8Array;
}

export function operatorCanonicalString(p: OperatorSignedParts): string {
  for (const v of [p.method, p.path, p.keyId, p.timestamp, p.nonce]) if (/[\r\n]/.test(v)) throw new TypeError('signed parts must not contain line breaks');
  return [OPERATOR_SCHEME, p.method.toUpperCase(), p.path, p.keyId, p.timestamp, p.nonce, createHash('sha256').update(p.body).digest('hex')].join('\n');
}

/** The headers of a signed operator request (the CLI's side). */
export function signOperatorRequest(args: {
  method: string;
  path: string;
  body: Uint8Array;
  keyId: string;
  privateKey: KeyObject;
  now: number;
  nonce?: string;
}): Record<string, string> {
  const timestamp = String(Math.floor(args.now / 1000));
  const nonce = args.nonce ?? toBase64Url(new Uint8Array(randomBytes(16)));
  const data = operatorCanonicalString({ method: args.method, path: args.path, keyId: args.keyId, timestamp, nonce, body: args.body });
  const signature = nodeSign('sha256', Buffer.from(data, 'utf8'), { key: args.privateKey, dsaEncoding: 'ieee-p1363' });
  return {
    [OPERATOR_HEADERS.key]: args.keyId,
    [OPERATOR_HEADERS.timestamp]: timestamp,
    [OPERATOR_HEADERS.nonce]: nonce,
    [OPERATOR_HEADERS.signature]: toBase64(new Uint8Array(signature)),
  };
}
