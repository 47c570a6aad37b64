/**
 * Revocation as the EU DCC gateway publishes it (DCC revocation, "hashed UCI" scheme): a
 * certificate is revoked when the first 16 bytes of SHA-256 over one of
 *   - the UCI            (hashType UCI),
 *   - country code + UCI (hashType COUNTRYCODEUCI),
 *   - the signature      (hashType SIGNATURE; for ECDSA only r, the first half)
 * appear in the list published for its kid. We publish and read the same shape.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { toBase64, utf8Encode } from './bytes';

export type RevocationHashType = 'UCI' | 'COUNTRYCODEUCI' | 'SIGNATURE';

export interface RevocationSubject {
  kid: Uint8Array;
  uci?: string;
  country?: string;
  signature: Uint8Array;
  /** 'EC' signatures hash only r (HCERT revocation §2.3). */
  kty: 'EC' | 'RSA';
}

export interface RevocationList {
  isRevoked(s: RevocationSubject): boolean;
}

export function revocationHash(type: RevocationHashType, s: Omit<RevocationSubject, 'kid'>): Uint8Array | undefined {
  if (type === 'SIGNATURE') {
    const sig = s.kty === 'EC' ? s.signature.subarray(0, s.signature.length / 2) : s.signature;
    return sha256(sig).subarray(0, 16);
  }
  if (!s.uci) return undefined;
  const text = type === 'UCI' ? s.uci : `${s.country ?? ''}${s.uci}`;
  return sha256(utf8Encode(text)).subarray(0, 16);
}

/** An in-memory list: entries keyed by kid (base64) then hash (base64); kid '*' applies to all. */
export class HashRevocationList implements RevocationList {
  private readonly entries = new Map<string, Map<RevocationHashType, Set<string>>>();

  add(kid: Uint8Array | '*', type: RevocationHashType, hash: Uint8Array): void {
    const k = kid === '*' ? '*' : toBase64(kid);
    let byType = this.entries.get(k);
    if (!byType) this.entries.set(k, (byType = new Map<RevocationHashType, Set<string>>()));
    let set = byType.get(type);
    if (!set) byType.set(type, (set = new Set()));
    set.add(toBase64(hash.subarray(0, 16)));
  }

  isRevoked(s: RevocationSubject): boolean {
    for (const k of [toBase64(s.kid), '*']) {
      const byType = this.entries.get(k);
      if (!byType) continue;
      for (const [type, set] of byType) {
        const h = revocationHash(type, s);
        if (h && set.has(toBase64(h))) return true;
      }
    }
    return false;
  }

  get size(): number {
    let n = 0;
    for (const byType of this.entries.values()) for (const set of byType.values()) n += set.size;
    return n;
  }
}
