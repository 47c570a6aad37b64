/**
 * What sealing costs in QR space, reported by the bench against the open code. A sealed code is
 * larger by its COSE_Encrypt envelope (an ephemeral public key, kid, IV, GCM tag and headers: 103
 * bytes with an 8-byte kid, 136 with y in full), less the 6 bytes of zlib header and checksum its
 * raw-DEFLATE plaintext does without: 97 bytes, +146 or +147 characters (docs/sealed-codes.md §Size).
 */
import { decodeStages } from './hcert';
import { qrMatrix, type EccLevel } from './qr';
import { sealCode, type RandomSource, type SealRecipient } from './seal';

/**
 * What the demo traveller's codes must stay within (docs/ithc-certificate.md §Size): the open code
 * (2 vaccinations, a nucleic-acid and an IgG test) at most 520 characters, QR version 18 at level
 * Q or lower and smaller than the EU test data's median single-record HC1 code (553); the sealed
 * code at most 150 characters more.
 */
export const SIZE_TARGETS = Object.freeze({ openChars: 520, sealedOverheadChars: 150 });

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
  if (stages.error || stages.format !== 'ithc' || !stages.cose)
    throw new TypeError(`measureSealOverhead needs an open ITHC1: code${stages.error ? ` (${stages.error.message})` : ''}`);
  const sealedCode = sealCode(stages.cose, [recipient], rng);
  return { ...sealedSize(openCode, sealedCode, ecc), sealedCode };
}
