/**
 * Public keys as the verifier trusts them: a kid, the key material and what it may sign.
 * Built from X.509 signing certificates (x509.ts) or from trust lists (trustlist.ts).
 */
import { sha256 } from '@noble/hashes/sha2.js';

export type EcCurve = 'P-256' | 'P-384' | 'P-521';

export type PublicKeyMaterial =
  | { readonly kty: 'EC'; readonly crv: EcCurve; readonly x: Uint8Array; readonly y: Uint8Array; readonly spki: Uint8Array }
  | { readonly kty: 'RSA'; readonly n: Uint8Array; readonly e: Uint8Array; readonly spki: Uint8Array };

/** What a DCC signing certificate may sign (HCERT §5.1.1 key-usage OIDs): test, vaccination, recovery. */
export type CertificateType = 't' | 'v' | 'r';

/**
 * What a signing certificate may sign: DCCs of a type (`HC1:`), or ITHC comprehensive
 * certificates (`ITHC1:`). The formats have separate signing certificates, so that a code of one
 * format relabelled as the other never verifies: an EU verifier knows only the DCC signer (docs/keys.md).
 */
export type KeyUsage = CertificateType | 'ithc';

/**
 * Extended key usage (RFC 5280 §4.2.1.12) of a signing certificate for ITHC comprehensive
 * certificates (`ITHC1:`), the counterpart of HCERT §5.1.1's test/vaccination/recovery OIDs. An
 * OID in the 2.25 arc (ITU-T X.667: from UUID 4cadf49b-2fce-4700-bcbf-e9f829e38ddf, so it needs no
 * registration), like the trust-list signer's (trustlist.ts).
 */
export const ITHC_SIGNER_EKU = '2.25.101924556239283781721045844811497835999';

export interface TrustedKey {
  /** COSE kid: the first 8 bytes of SHA-256 over the DER signing certificate (HCERT §3.3.1). */
  readonly kid: Uint8Array;
  readonly key: PublicKeyMaterial;
  /** ISO 3166-1 alpha-2 of the issuing authority, when known. */
  readonly country?: string;
  /** What this key may sign; undefined means no restriction (no key-usage OID present). */
  readonly usage?: readonly KeyUsage[];
  /** Validity of the signing certificate, in seconds since the epoch, when known. */
  readonly notBefore?: number;
  readonly notAfter?: number;
  /** The DER signing certificate, when the key came from one. */
  readonly certificate?: Uint8Array;
  readonly subject?: string;
}

export function kidFromCertificate(der: Uint8Array): Uint8Array {
  return sha256(der).subarray(0, 8);
}

/**
 * The set of trusted keys, indexed by kid. kid collisions occur in the wild (8 bytes of a hash,
 * many issuers), so a kid maps to every key that carries it and the verifier tries each.
 */
export class KeyStore {
  private readonly byKid = new Map<string, TrustedKey[]>();
  private count = 0;

  constructor(keys: Iterable<TrustedKey> = []) {
    for (const k of keys) this.add(k);
  }

  add(key: TrustedKey): void {
    const id = kidKey(key.kid);
    const list = this.byKid.get(id);
    if (list) {
      // The same certificate loaded twice (e.g. from two lists) is one key, not a collision.
      if (list.some((k) => sameKey(k, key))) return;
      list.push(key);
    } else this.byKid.set(id, [key]);
    this.count++;
  }

  find(kid: Uint8Array): readonly TrustedKey[] {
    return this.byKid.get(kidKey(kid)) ?? [];
  }

  get size(): number {
    return this.count;
  }

  *[Symbol.iterator](): IterableIterator<TrustedKey> {
    for (const list of this.byKid.values()) yield* list;
  }
}

function kidKey(kid: Uint8Array): string {
  let s = '';
  for (const b of kid) s += String.fromCharCode(b);
  return s;
}

function sameKey(a: TrustedKey, b: TrustedKey): boolean {
  const x = a.key.spki,
    y = b.key.spki;
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}
