/**
 * The native provider for browsers (and any runtime with WebCrypto). Imported keys are cached per
 * key object, so a trust list is imported once, not once per code.
 */
import type { AlgorithmInfo } from '../algorithms';
import type { PublicKeyMaterial } from '../keys';
import type { CryptoProvider } from './provider';
import { verifySync } from './noble';

type Subtle = SubtleCrypto;

export function webCrypto(subtle: Subtle): CryptoProvider {
  const cache = new WeakMap<PublicKeyMaterial, Map<string, Promise<CryptoKey | null>>>();
  const importKey = (alg: AlgorithmInfo, key: PublicKeyMaterial): Promise<CryptoKey | null> => {
    let perKey = cache.get(key);
    if (!perKey) cache.set(key, (perKey = new Map<string, Promise<CryptoKey | null>>()));
    const id = `${alg.name}`;
    let p = perKey.get(id);
    if (!p) {
      const params: RsaHashedImportParams | EcKeyImportParams =
        key.kty === 'RSA' ? { name: 'RSA-PSS', hash: alg.hash } : { name: 'ECDSA', namedCurve: key.crv };
      p = subtle.importKey('spki', key.spki as BufferSource, params, false, ['verify']).catch(() => null);
      perKey.set(id, p);
    }
    return p;
  };
  return {
    name: 'webcrypto',
    async verify(alg, key, data, signature) {
      if (alg.kty !== key.kty) return false;
      if (key.kty === 'EC') {
        const size = key.crv === 'P-256' ? 32 : key.crv === 'P-384' ? 48 : 66;
        // WebCrypto ties the digest to the curve's usual pairing only by convention; it accepts
        // SHA-256 on P-384, but wrong-length signatures must be refused here, not thrown.
        if (signature.length !== 2 * size) return false;
      } else {
        // RFC 8017 §8.1.2 step 1: exactly the modulus length. WebCrypto on OpenSSL (Node) also takes
        // a signature with its leading zero bytes dropped, which rsa-pss.ts refuses (cross-check test).
        let i = 0;
        while (i < key.n.length - 1 && key.n[i] === 0) i++;
        if (signature.length !== key.n.length - i) return false;
      }
      const ck = await importKey(alg, key);
      if (!ck) return verifySync(alg, key, data, signature);
      const params: RsaPssParams | EcdsaParams = key.kty === 'RSA' ? { name: 'RSA-PSS', saltLength: hashLength(alg.hash) } : { name: 'ECDSA', hash: alg.hash };
      try {
        return await subtle.verify(params, ck, signature as BufferSource, data as BufferSource);
      } catch {
        return false;
      }
    },
  };
}

function hashLength(h: AlgorithmInfo['hash']): number {
  return h === 'SHA-256' ? 32 : h === 'SHA-384' ? 48 : 64;
}
