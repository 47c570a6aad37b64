/**
 * Data model A: the EU Digital COVID Certificate (DCC) 1.3.x, single entry (HCERT §2.6.3,
 * eu-dcc-schema). The JSON Schema check is injected (dcc-schema.ts builds one with ajv for Node and
 * browsers; the mini program uses a pre-compiled one), so this module stays free of code generation.
 */
import { IthcError } from './errors';
import { toJsonValue, type CborValue } from './cbor';
import type { CertificateType } from './keys';

/** Returns human-readable schema violations; empty when valid. */
export type DccSchemaValidator = (dcc: unknown) => string[];

export interface DccName {
  fn?: string;
  fnt: string;
  gn?: string;
  gnt?: string;
}

/** The DCC JSON as issued (eu-dcc-schema DCC.schema.json). */
export interface DccJson {
  ver: string;
  nam: DccName;
  dob: string;
  v?: Array<Record<string, unknown>>;
  t?: Array<Record<string, unknown>>;
  r?: Array<Record<string, unknown>>;
  [k: string]: unknown;
}

export interface DccCertificate {
  readonly json: DccJson;
  readonly type: CertificateType;
  /** The unique certificate identifier (the entry's `ci`). */
  readonly uci?: string;
}

/**
 * Reads a DCC from its CBOR value (the hcert claim), reporting every problem. As readIthc does, the
 * certificate is returned only when there are none; `type` (which of v, t, r it holds) is returned
 * whenever it can be told, since key usage is checked even on a DCC the schema refuses.
 */
export function readDcc(value: CborValue, validate: DccSchemaValidator): { certificate?: DccCertificate; type?: CertificateType; problems: string[] } {
  const json = toJsonValue(value) as DccJson;
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return { problems: ['the DCC must be a map'] };
  const problems = validate(json);
  const present = (['v', 't', 'r'] as const).filter((k) => json[k] !== undefined);
  if (present.length !== 1) problems.push(`a DCC holds exactly one of v, t or r; found ${present.length ? present.join(', ') : 'none'}`);
  const type = present[0];
  const entries = type ? json[type] : undefined;
  if (type && (!Array.isArray(entries) || entries.length !== 1))
    problems.push(`a DCC holds exactly one ${type} entry; found ${Array.isArray(entries) ? entries.length : 'none'}`);
  const entry = Array.isArray(entries) ? entries[0] : undefined;
  const uci = entry && typeof entry.ci === 'string' ? entry.ci : undefined;
  return { certificate: type && !problems.length ? { json, type, uci } : undefined, type, problems };
}

/** JSON DCC → CBOR value for signing: objects become string-keyed Maps; strict encoding sorts them. */
export function dccToCbor(json: unknown, depth = 0): CborValue {
  if (depth > 16) throw new IthcError('SIZE_LIMIT', 'DCC nested too deeply');
  if (json === null || typeof json === 'string' || typeof json === 'boolean') return json;
  if (typeof json === 'number') {
    if (!Number.isSafeInteger(json)) throw new TypeError(`DCC numbers must be integers, got ${json}`);
    return json;
  }
  if (Array.isArray(json)) return json.map((x) => dccToCbor(x, depth + 1));
  if (typeof json === 'object') {
    const m = new Map<CborValue, CborValue>();
    for (const [k, v] of Object.entries(json as Record<string, unknown>)) if (v !== undefined) m.set(k, dccToCbor(v, depth + 1));
    return m;
  }
  throw new TypeError(`cannot encode ${typeof json} in a DCC`);
}
