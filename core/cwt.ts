/**
 * CWT claims (RFC 8392 §3) as HCERT uses them: 1 iss, 4 exp, 6 iat, 7 cti, -260 hcert → {1: DCC}.
 * Our comprehensive certificate travels in a private-use claim (RFC 8392 §9.1: below -65536) so that
 * no EU verifier can mistake it for an hcert entry.
 */
import { IthcError } from './errors';
import { decodeLenient, encodeStrict, type CborValue } from './cbor';
import type { Limits } from './limits';
import { DEFAULT_LIMITS } from './limits';

export const CLAIM = Object.freeze({ iss: 1, sub: 2, aud: 3, exp: 4, nbf: 5, iat: 6, cti: 7, hcert: -260, ithc: -65537 });
/** Keys inside the hcert claim (HCERT §2.6.3). */
export const HCERT_EU_DGC_V1 = 1;

/** Claims as received: not trusted until the enclosing signature verified. */
export interface UnverifiedClaims {
  readonly iss?: string;
  readonly iat?: number;
  readonly exp?: number;
  readonly nbf?: number;
  readonly cti?: Uint8Array;
  /** The hcert claim's eu_dgc_v1 entry (a DCC), when present. */
  readonly dcc?: CborValue;
  /** Our comprehensive certificate, when present. */
  readonly ithc?: CborValue;
  readonly raw: Map<CborValue, CborValue>;
}

function time(v: CborValue | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'bigint') throw new IthcError('CWT_INVALID', `${name} is out of range`);
  // Floats occur in issued certificates (22 EU test cases for iat); NumericDate allows them.
  if (typeof v === 'number' && Number.isFinite(v)) return Math.floor(v);
  if ((v as unknown) instanceof Date) {
    // cbor-x decodes tags 0/1 to Dates; an unparseable one is NaN, which would silently disable the
    // iat/exp checks (every comparison with NaN is false).
    const ms = (v as unknown as Date).getTime();
    if (Number.isFinite(ms)) return Math.floor(ms / 1000);
  }
  throw new IthcError('CWT_INVALID', `${name} must be a NumericDate`);
}

export function parseClaims(payload: Uint8Array, limits: Limits = DEFAULT_LIMITS): UnverifiedClaims {
  let m: CborValue;
  try {
    m = decodeLenient(payload, limits);
  } catch (e) {
    if (e instanceof IthcError && e.code === 'CBOR_INVALID') throw new IthcError('CWT_INVALID', `CWT payload is not valid CBOR (${e.message})`);
    throw e;
  }
  if (!(m instanceof Map)) throw new IthcError('CWT_INVALID', 'CWT payload must be a map of claims');
  const iss = m.get(CLAIM.iss);
  if (iss !== undefined && typeof iss !== 'string') throw new IthcError('CWT_INVALID', 'iss must be a text string');
  const cti = m.get(CLAIM.cti);
  if (cti !== undefined && !(cti instanceof Uint8Array)) throw new IthcError('CWT_INVALID', 'cti must be a byte string');
  const hcert = m.get(CLAIM.hcert);
  let dcc: CborValue | undefined;
  if (hcert !== undefined) {
    if (!(hcert instanceof Map)) throw new IthcError('CWT_INVALID', 'hcert claim must be a map');
    dcc = hcert.get(HCERT_EU_DGC_V1);
    // HCERT §2.6.3: eu_dgc_v1 is the DCC as a CBOR map. Anything else (EU case CBO1 puts a byte
    // string there) is a wrong CWT structure, not a DCC that fails its schema.
    if (dcc !== undefined && !(dcc instanceof Map)) throw new IthcError('CWT_INVALID', 'the hcert claim must hold the DCC as a map (key 1)');
  }
  const ithc = m.get(CLAIM.ithc);
  if (dcc === undefined && ithc === undefined)
    throw new IthcError('CWT_INVALID', 'no health certificate in the CWT (hcert claim -260 with key 1, or the ITHC claim)');
  return {
    iss: iss,
    iat: time(m.get(CLAIM.iat), 'iat'),
    exp: time(m.get(CLAIM.exp), 'exp'),
    nbf: time(m.get(CLAIM.nbf), 'nbf'),
    cti: cti,
    dcc,
    ithc,
    raw: m,
  };
}

export interface ClaimsInput {
  iss: string;
  iat: number;
  exp: number;
  cti?: Uint8Array;
  dcc?: CborValue;
  ithc?: CborValue;
}

/** Encodes claims deterministically for signing. */
export function encodeClaims(c: ClaimsInput): Uint8Array {
  const m = new Map<CborValue, CborValue>([
    [CLAIM.iss, c.iss],
    [CLAIM.exp, c.exp],
    [CLAIM.iat, c.iat],
  ]);
  if (c.cti) m.set(CLAIM.cti, c.cti);
  if (c.dcc !== undefined) m.set(CLAIM.hcert, new Map<CborValue, CborValue>([[HCERT_EU_DGC_V1, c.dcc]]));
  if (c.ithc !== undefined) m.set(CLAIM.ithc, c.ithc);
  return encodeStrict(m);
}
