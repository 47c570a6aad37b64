/**
 * Run-time fixtures for the sealed-code tests: a signing certificate and an ITHC code signed with
 * it, and destination-authority key pairs. Every key is made when the test runs.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { fromBase64 } from '../../core/bytes';
import { signCode, type SignedStages } from '../../core/hcert';
import { ithcToCbor } from '../../core/ithc';
import type { TrustedKey } from '../../core/keys';
import { trustedKeyFromCertificate } from '../../core/x509';
import { makeDsc, type Dsc } from '../../bench/fixtures';
import { exampleCertificate } from '../ithc/fixtures';

/** 2024-05-01T00:00:00Z: a fixed validation clock, well inside the example certificate's validity. */
export const NOW = Date.UTC(2024, 4, 1) / 1000;

export const rng = (n: number): Uint8Array => new Uint8Array(randomBytes(n));

export interface Authority {
  kid: Uint8Array;
  /** Raw 32-byte scalar. */
  privateKey: Uint8Array;
  /** Uncompressed point. */
  publicKey: Uint8Array;
  spki: Uint8Array;
  pkcs8Pem: string;
  jwk: JsonWebKey;
}

export function makeAuthority(kidText = 'SG-demo-1'): Authority {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = privateKey.export({ format: 'jwk' }) as JsonWebKey;
  return {
    kid: new TextEncoder().encode(kidText),
    privateKey: fromBase64(jwk.d!),
    publicKey: Uint8Array.of(4, ...fromBase64(jwk.x!), ...fromBase64(jwk.y!)),
    spki: new Uint8Array(publicKey.export({ format: 'der', type: 'spki' })),
    pkcs8Pem: privateKey.export({ format: 'pem', type: 'pkcs8' }) as string,
    jwk,
  };
}

export interface SignedIthc {
  dsc: Dsc;
  trusted: TrustedKey;
  signed: SignedStages;
}

export async function signedIthc(): Promise<SignedIthc> {
  // An ITHC signer, as issuance signs ITHC1: codes with (docs/keys.md).
  const dsc = makeDsc({ country: 'CN', usage: ['ithc'] });
  const signed = await signCode({
    format: 'ithc',
    content: ithcToCbor(exampleCertificate()),
    iss: 'CN',
    iat: NOW - 3600,
    exp: NOW + 30 * 86400,
    kid: dsc.kid,
    signer: dsc.signer,
  });
  return { dsc, trusted: trustedKeyFromCertificate(dsc.der), signed };
}
