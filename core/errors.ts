/**
 * Stable error codes: the public contract of the verifier. Tests, the CLI's --json output and the
 * web verifier's translations key on these strings; messages are for people and may change.
 *
 * Two channels (as in jose and noble): misuse by the calling code throws a plain TypeError/RangeError;
 * untrusted input yields an IthcError carrying one of these codes.
 */
export const ERROR_CODES = Object.freeze([
  'PREFIX_UNKNOWN',
  'BASE45_INVALID',
  'ZLIB_INVALID',
  'SIZE_LIMIT',
  'CBOR_INVALID',
  'COSE_INVALID',
  'CWT_INVALID',
  'ALG_UNSUPPORTED',
  'KID_UNKNOWN',
  'KEY_USAGE_MISMATCH',
  'SIGNATURE_INVALID',
  'EXPIRED',
  'NOT_YET_VALID',
  'SCHEMA_INVALID',
  'REVOKED',
  'DECRYPT_FAILED',
] as const);

export type ErrorCode = (typeof ERROR_CODES)[number];

export class IthcError extends Error {
  readonly code: ErrorCode;
  /** Structured detail for programs (never secret material). */
  readonly detail?: Record<string, unknown>;
  constructor(code: ErrorCode, message: string, detail?: Record<string, unknown>) {
    super(message);
    this.name = 'IthcError';
    this.code = code;
    if (detail) this.detail = detail;
  }
}

export function isIthcError(e: unknown): e is IthcError {
  return e instanceof IthcError;
}

/** A problem found while checking a code, as reported in verdicts. */
export interface Problem {
  code: ErrorCode;
  message: string;
}

export function toProblem(e: unknown): Problem {
  if (e instanceof IthcError) return { code: e.code, message: e.message };
  // Anything else escaping a decoder is a bug in a library on hostile input; report it as the
  // structural failure it is rather than crash the batch.
  return { code: 'CBOR_INVALID', message: `malformed input (${e instanceof Error ? e.message : String(e)})` };
}
