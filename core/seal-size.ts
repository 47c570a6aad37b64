/**
 * What sealing costs in QR space, reported by the bench against the open code. A sealed code is larger for two reasons: the COSE_Encrypt envelope (an
 * ephemeral public key, kid, IV, GCM tag and headers: ~104 bytes, ~137 with y in full), and compression, which finds
 * nothing to squeeze in ciphertext: the open code's zlib works on the readable COSE_Sign1, the
 * sealed code's on random-looking bytes (docs/sealed-codes.md §Size).
 */
import { decodeStages } from './hcert';
import { qrMatrix, type EccLevel } from './qr';
import { sealCode, type RandomSource, type SealRecipient } from './seal';

export interface SealedSize {
  /** Characters of the open ITHC1: code and of the sealed ITHCS1: code, prefix included. */
  openChars: number;
  sealedChars: number;
  overheadChars: number;
  /** sealedChars / openChars. */
  ratio: number;
  /** QR versions (1–40) at the given error correction level. */
  ecc: EccLevel;
  openQrVersion: number;
  sealedQrVersion: number;
}

export function sealedSize(openCode: string, sealedCode: string, ecc: EccLevel = 'Q'): SealedSize {
  return {
    openChars: openCode.length,
    sealedChars: sealedCode.length,
    overheadChars: sealedCode.length - openCode.length,
    ratio: sealedCode.length / openCode.length,
    ecc,
    openQrVersion: qrMatrix(openCode, ecc).version,
    sealedQrVersion: qrMatrix(sealedCode, ecc).version,
  };
}

/** Seals an open ITHC1: code's COSE_Sign1 to `recipient` and reports the sizes (the bench's hook). */
export function measureSealOverhead(openCode: string, recipient: SealRecipient, rng: RandomSource, ecc: EccLevel = 'Q'): SealedSize & { sealedCode: string } {
  const stages = decodeStages(openCode);
  if (stages.error || stages.format !== 'ithc' || !stages.cose) throw new TypeError(`measureSealOverhead needs an open ITHC1: code${stages.error ? ` (${stages.error.message})` : ''}`);
  const sealedCode = sealCode(stages.cose, [recipient], rng);
  return { ...sealedSize(openCode, sealedCode, ecc), sealedCode };
}
