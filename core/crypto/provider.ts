/**
 * The crypto boundary. Two families implement it with identical results:
 * - native (WebCrypto in browsers; node:crypto in the Node adapters), fast;
 * - portable (@noble/curves + a small RSA-PSS verifier), for the mini program, which has neither.
 * Tests cross-check them on the same inputs.
 */
import type { AlgorithmInfo } from '../algorithms';
import type { PublicKeyMaterial } from '../keys';

export interface CryptoProvider {
  readonly name: string;
  /**
   * Verifies a COSE signature (raw r‖s for ECDSA, RFC 9053 §2.1; PSS with salt = hash length for RSA).
   * Returns false for any signature that does not verify, including malformed ones; never throws on input.
   */
  verify(alg: AlgorithmInfo, key: PublicKeyMaterial, data: Uint8Array, signature: Uint8Array): Promise<boolean>;
}

/** A signer holds its private key inside; the key never crosses this interface. */
export interface Signer {
  readonly alg: AlgorithmInfo;
  sign(data: Uint8Array): Promise<Uint8Array>;
}
