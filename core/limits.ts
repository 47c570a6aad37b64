/**
 * Bounds on every untrusted size. A QR code holds at most 4,296 alphanumeric characters
 * (version 40, level L), so anything longer cannot have come from a QR and is refused before work.
 * The inflated limit is generous for a health certificate (the largest EU test case inflates to
 * ~2.5 KB) yet stops a decompression bomb long before it costs memory.
 */
export interface Limits {
  /** Longest code accepted, in characters, prefix included. */
  maxCodeLength: number;
  /** Most bytes zlib may produce. */
  maxInflatedBytes: number;
  /** Deepest CBOR nesting (arrays, maps, tags). */
  maxCborDepth: number;
  /** Most CBOR data items in one message. */
  maxCborItems: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxCodeLength: 8192,
  maxInflatedBytes: 64 * 1024,
  maxCborDepth: 16,
  maxCborItems: 4096,
});

export function withLimits(partial?: Partial<Limits>): Limits {
  return { ...DEFAULT_LIMITS, ...(partial ?? {}) };
}
