/**
 * Document signing certificates (DSCs) as the EU gateway and national backends publish them:
 *
 *   - `[{kid, country, rawData}]` (the DCCG `/trustList/DSC` shape, with `certificateType`,
 *     `thumbprint`, `signature` and `timestamp` beside them), or
 *   - `{certificates: [{kid, country, certificateType, rawData}]}` (national backends' shape),
 *     where our own list adds `ithcCertificates` of the same shape: the signers of ITHC1 codes,
 *     kept out of `certificates` so that a DCC verifier never holds a key that signs ITHC codes
 *     (docs/trust-list.md). They are read after `certificates`, their indexes following on,
 *
 * where rawData is the base64 DER X.509 certificate and kid its base64 kid. A single certificate
 * (PEM, a PEM bundle, DER or base64 DER) is accepted as well.
 *
 * The kid rule. HCERT §3.3.1 defines the kid as the first 8 bytes of SHA-256 over the DER
 * certificate, and the gateway checks it on upload, so a stated kid that disagrees with the
 * certificate means the list was altered or built wrongly. Such an entry is refused (KID_MISMATCH)
 * rather than loaded under either kid: trusting a key under an index its own publisher got wrong
 * would hide the error, and verification must fail closed. An entry without a kid gets the derived one.
 *
 * Entries that are not signing certificates (certificateType CSCA, UPLOAD, AUTHENTICATION) are
 * skipped and counted. A bad entry is reported with a typed problem and does not stop the others;
 * a list that is not a list at all, or too large, throws DscListError.
 */
import { fromBase64, toBase64, utf8Decode, bytesEqual } from './bytes';
import type { TrustedKey } from './keys';
import { kidFromCertificate } from './keys';
import { certificatesFromText, trustedKeyFromCertificate } from './x509';

export interface DscListLimits {
  /** Largest list accepted, in bytes (UTF-8) or characters. The EU list is ~5 MB. */
  maxBytes: number;
  /** Most entries in one list. The EU list has ~3,000 DSCs. */
  maxEntries: number;
  /** Longest rawData, in base64 characters (a DSC is 0.5–2 KB of DER). */
  maxCertificateChars: number;
}

export const DEFAULT_DSC_LIST_LIMITS: Readonly<DscListLimits> = Object.freeze({
  maxBytes: 32 * 1024 * 1024,
  maxEntries: 50_000,
  maxCertificateChars: 16 * 1024,
});

export type DscProblemCode =
  /** Not an object with a usable rawData (and, when present, string kid and country). */
  | 'ENTRY_MALFORMED'
  /** rawData is not a parsable X.509 certificate with a supported public key. */
  | 'CERTIFICATE_INVALID'
  /** The stated kid is not the one derived from the certificate. */
  | 'KID_MISMATCH';

export interface DscProblem {
  readonly code: DscProblemCode;
  /** Position of the entry in the list (0-based). */
  readonly index: number;
  readonly kid?: string;
  readonly country?: string;
  readonly message: string;
}

export interface DscListResult {
  readonly keys: TrustedKey[];
  readonly problems: DscProblem[];
  /** Entries skipped because they are not signing certificates (CSCA, UPLOAD, ...). */
  readonly skipped: number;
}

export type DscListErrorCode = 'LIST_MALFORMED' | 'LIST_TOO_LARGE';

/** The input as a whole is unusable. */
export class DscListError extends Error {
  readonly code: DscListErrorCode;
  constructor(code: DscListErrorCode, message: string) {
    super(message);
    this.name = 'DscListError';
    this.code = code;
  }
}

/** Reads a DSC list (JSON), or one or more certificates (PEM, DER, base64 DER), into trusted keys. */
export function readDscList(input: string | Uint8Array, limitsIn?: Partial<DscListLimits>): DscListResult {
  const limits = { ...DEFAULT_DSC_LIST_LIMITS, ...(limitsIn ?? {}) };
  if (input.length > limits.maxBytes) throw new DscListError('LIST_TOO_LARGE', `the list is ${input.length} bytes; at most ${limits.maxBytes} are accepted`);
  if (input instanceof Uint8Array && input.length > 0 && input[0] === 0x30) return fromCertificates(() => [input]);
  let text: string;
  try {
    text = typeof input === 'string' ? input : utf8Decode(input);
  } catch {
    throw new DscListError('LIST_MALFORMED', 'the list is neither UTF-8 text nor a DER certificate');
  }
  const start = text.trimStart()[0];
  if (start !== '[' && start !== '{') return fromCertificates(() => certificatesFromText(text));
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new DscListError('LIST_MALFORMED', `the list is not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const ithc = isObject(json) && Array.isArray(json.ithcCertificates) ? (json.ithcCertificates as unknown[]) : [];
  const entries = Array.isArray(json) ? json : isObject(json) && Array.isArray(json.certificates) ? [...(json.certificates as unknown[]), ...ithc] : undefined;
  if (!entries) throw new DscListError('LIST_MALFORMED', 'expected a JSON array of DSC entries or an object with a "certificates" array');
  if (entries.length > limits.maxEntries)
    throw new DscListError('LIST_TOO_LARGE', `the list has ${entries.length} entries; at most ${limits.maxEntries} are accepted`);

  const keys: TrustedKey[] = [];
  const problems: DscProblem[] = [];
  let skipped = 0;
  entries.forEach((entry: unknown, index: number) => {
    const r = readEntry(entry, index, limits);
    if (r === 'skipped') skipped++;
    else if ('code' in r) problems.push(r);
    else keys.push(r);
  });
  return { keys, problems, skipped };
}

function readEntry(entry: unknown, index: number, limits: DscListLimits): TrustedKey | DscProblem | 'skipped' {
  if (!isObject(entry)) return { code: 'ENTRY_MALFORMED', index, message: `entry ${index} is not an object` };
  const { kid, country, rawData, certificateType } = entry;
  const stated = { kid: typeof kid === 'string' ? kid.slice(0, 64) : undefined, country: typeof country === 'string' ? country.slice(0, 8) : undefined };
  if (certificateType !== undefined && certificateType !== 'DSC') {
    if (typeof certificateType === 'string') return 'skipped';
    return { code: 'ENTRY_MALFORMED', index, ...stated, message: `entry ${index}: certificateType must be a string` };
  }
  if (kid !== undefined && typeof kid !== 'string')
    return { code: 'ENTRY_MALFORMED', index, ...stated, message: `entry ${index}: kid must be a base64 string` };
  if (country !== undefined && (typeof country !== 'string' || !/^[A-Z]{2,3}$/.test(country))) {
    return { code: 'ENTRY_MALFORMED', index, ...stated, message: `entry ${index}: country must be an ISO 3166 code` };
  }
  if (typeof rawData !== 'string' || rawData.length === 0)
    return { code: 'ENTRY_MALFORMED', index, ...stated, message: `entry ${index}: rawData (base64 DER certificate) is missing` };
  if (rawData.length > limits.maxCertificateChars) {
    return {
      code: 'ENTRY_MALFORMED',
      index,
      ...stated,
      message: `entry ${index}: rawData is ${rawData.length} characters; at most ${limits.maxCertificateChars} are accepted`,
    };
  }
  let der: Uint8Array;
  try {
    der = fromBase64(rawData);
  } catch {
    return { code: 'CERTIFICATE_INVALID', index, ...stated, message: `entry ${index}: rawData is not base64` };
  }
  const derived = kidFromCertificate(der);
  if (typeof kid === 'string') {
    let statedKid: Uint8Array | undefined;
    try {
      statedKid = fromBase64(kid);
    } catch {
      statedKid = undefined;
    }
    if (!statedKid || !bytesEqual(statedKid, derived)) {
      return {
        code: 'KID_MISMATCH',
        index,
        ...stated,
        message: `entry ${index}: kid ${JSON.stringify(stated.kid)} is not the certificate's kid ${toBase64(derived)}`,
      };
    }
  }
  try {
    return trustedKeyFromCertificate(der, { country: stated.country, kid: derived });
  } catch (e) {
    return { code: 'CERTIFICATE_INVALID', index, ...stated, message: `entry ${index}: ${e instanceof Error ? e.message : String(e)}` };
  }
}

function fromCertificates(ders: () => Uint8Array[]): DscListResult {
  const keys: TrustedKey[] = [];
  const problems: DscProblem[] = [];
  let list: Uint8Array[];
  try {
    list = ders();
  } catch (e) {
    throw new DscListError('LIST_MALFORMED', `neither a DSC list (JSON) nor a certificate (${e instanceof Error ? e.message : String(e)})`);
  }
  list.forEach((der, index) => {
    try {
      keys.push(trustedKeyFromCertificate(der));
    } catch (e) {
      problems.push({ code: 'CERTIFICATE_INVALID', index, message: `certificate ${index}: ${e instanceof Error ? e.message : String(e)}` });
    }
  });
  return { keys, problems, skipped: 0 };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
