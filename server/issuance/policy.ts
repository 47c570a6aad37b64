/**
 * The validity policy (docs/validity-policy.md). Two clocks that must never be confused:
 *
 * - The signature's validity (CWT iat–exp): how long the code as a whole may be relied on before
 *   the holder refreshes it. Short for the comprehensive certificate, because it carries test
 *   results that age quickly; longer for a vaccination DCC, as EU issuers do.
 * - A record's validity: a test result counts from its sample time (not from issuance) for as long
 *   as the destination's entry rules say. The certificate states sample times and dates; verifiers
 *   and rules decide. Issuing never makes an old result look new.
 *
 * No signature outlives the signing certificate that made it.
 */
export interface ValidityPolicy {
  /** Comprehensive certificate (ITHC1:/ITHCS1:). */
  ithcSeconds: number;
  /** Single-record DCC for a test. */
  dccTestSeconds: number;
  /** Single-record DCC for a vaccination. */
  dccVaccinationSeconds: number;
  /** A stored certificate is handed out again while at least this much of its validity remains. */
  reuseMarginSeconds: number;
}

const DAY = 86_400;

export const DEFAULT_VALIDITY_POLICY: Readonly<ValidityPolicy> = Object.freeze({
  ithcSeconds: 30 * DAY,
  dccTestSeconds: 30 * DAY,
  dccVaccinationSeconds: 365 * DAY,
  reuseMarginSeconds: 7 * DAY,
});

export function expiry(iat: number, seconds: number, signingCertificateNotAfterMs: number): number {
  return Math.min(iat + seconds, Math.floor(signingCertificateNotAfterMs / 1000));
}
