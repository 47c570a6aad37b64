/**
 * Context identifiers ("prefixes") in front of the base45 text. QR alphanumeric mode has only
 * 0-9 A-Z space $ % * + - . / :, so every prefix is drawn from that set.
 *
 * - `HC1:` — EU Digital COVID Certificate (HCERT §4.4), single record. We issue and verify it.
 * - `ITHC1:` — our comprehensive certificate (docs/ithc-certificate.md), open: a COSE_Sign1.
 * - `ITHCS1:` — the same certificate sealed to a destination authority: a COSE_Encrypt whose
 *   plaintext is that COSE_Sign1. Version digits let later formats coexist.
 */
import { IthcError } from './errors';

export type CodeFormat = 'dcc' | 'ithc' | 'sealed';

export const PREFIXES: Readonly<Record<CodeFormat, string>> = Object.freeze({
  dcc: 'HC1:',
  ithc: 'ITHC1:',
  sealed: 'ITHCS1:',
});

const BY_PREFIX: ReadonlyArray<[string, CodeFormat]> = Object.entries(PREFIXES)
  .map(([f, p]) => [p, f as CodeFormat] as [string, CodeFormat])
  .sort((a, b) => b[0].length - a[0].length);

export function splitPrefix(code: string): { format: CodeFormat; prefix: string; body: string } {
  for (const [p, format] of BY_PREFIX) {
    if (code.startsWith(p)) return { format, prefix: p, body: code.slice(p.length) };
  }
  const seen = /^[A-Z0-9]{1,8}:/.exec(code)?.[0];
  throw new IthcError(
    'PREFIX_UNKNOWN',
    seen
      ? `prefix ${JSON.stringify(seen)} is not a known certificate type (expected HC1:, ITHC1: or ITHCS1:)`
      : 'no certificate prefix (expected HC1:, ITHC1: or ITHCS1:); this is not a health certificate code',
  );
}

export function addPrefix(format: CodeFormat, body: string): string {
  return PREFIXES[format] + body;
}
