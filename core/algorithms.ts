/**
 * COSE algorithms (RFC 9053 §2.1, RFC 8230 §2). The one table every other module consults:
 * nothing else switches on raw algorithm numbers.
 */
export interface AlgorithmInfo {
  readonly id: number;
  readonly name: 'ES256' | 'ES384' | 'ES512' | 'PS256' | 'PS384' | 'PS512';
  readonly kty: 'EC' | 'RSA';
  readonly hash: 'SHA-256' | 'SHA-384' | 'SHA-512';
}

export const ALGORITHMS: Readonly<Record<number, AlgorithmInfo>> = Object.freeze({
  [-7]: Object.freeze({ id: -7, name: 'ES256', kty: 'EC', hash: 'SHA-256' }),
  [-35]: Object.freeze({ id: -35, name: 'ES384', kty: 'EC', hash: 'SHA-384' }),
  [-36]: Object.freeze({ id: -36, name: 'ES512', kty: 'EC', hash: 'SHA-512' }),
  [-37]: Object.freeze({ id: -37, name: 'PS256', kty: 'RSA', hash: 'SHA-256' }),
  [-38]: Object.freeze({ id: -38, name: 'PS384', kty: 'RSA', hash: 'SHA-384' }),
  [-39]: Object.freeze({ id: -39, name: 'PS512', kty: 'RSA', hash: 'SHA-512' }),
} as Record<number, AlgorithmInfo>);

/** HCERT §3.3: ES256 is primary, PS256 secondary; every verifier accepts both and nothing else. */
export const DEFAULT_ALLOWED_ALGORITHMS: readonly number[] = Object.freeze([-7, -37]);

export const ES256 = -7;
export const PS256 = -37;

export function algorithmName(id: unknown): string {
  return typeof id === 'number' && ALGORITHMS[id] ? ALGORITHMS[id].name : String(id);
}
