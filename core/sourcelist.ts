/**
 * Our signed source list (docs/trust-list.md §The source list): the laboratories and vaccination
 * sites whose codes certificates carry (core/ithc.ts: testing centre, vaccination site), with their
 * names in Chinese and in Latin script, region, accreditation and validity, so that a verifier
 * abroad can show who made a record and check it against an approved list.
 *
 *   COSE_Sign1 (ES256, tag 18), signed as the trust list is (core/trustlist.ts verifySignedList):
 *     by the trust-list signer the offline CSCA certified (x5chain in the protected header), or by
 *     the CSCA itself
 *     protected {1: -7, 3: "application/vnd.ithc.sourcelist+cbor", 4: kid, 33: signer certificate}
 *     payload: deterministic CBOR, a map with text keys:
 *       format "ithc-sourcelist", version, issuedAt (s), maxAge (s), country,
 *       sources [{code, type, name, nameLatin?, country, region?, accreditation?, validFrom?, validUntil?}]
 *
 * A list of its own beside the trust list, not a section of it: the trust list is what every
 * verification needs and is re-signed daily with new revocations, so it stays small; the source
 * list is display and provenance data, larger (every laboratory and vaccination site in the
 * country) and slow to change, and a verifier that lacks it still verifies every code (it shows
 * the code instead of the name). Same signer, same envelope, same checks; its own content type, so
 * that neither list can be passed off as the other.
 */
import { bytesEqual, toBase64 } from './bytes';
import { Tag, encodeStrict, mapGet, type CborValue } from './cbor';
import { HEADER, TAG_COSE_SIGN1, sigStructure } from './cose';
import type { CryptoProvider, Signer } from './crypto/provider';
import { ES256 } from './algorithms';
import { IthcError } from './errors';
import { kidFromCertificate } from './keys';
import { checkListHeader, checkSignedWithinValidity, listHeaderEntries, unwrapSignedEnvelope, verifySignedList } from './trustlist';
import type { ParsedCertificate } from './x509';
import { SOURCE_TYPES, SourceDirectory, type SourceListEntry } from './source-directory';

export {
  SOURCE_TYPES,
  SourceDirectory,
  sourceCodesOf,
  sourceDisplayName,
  sourceLabel,
  sourcesOfCertificate,
  type SourceListEntry,
  type SourceType,
} from './source-directory';
export { sourceValidAt } from './source-validity';

export const SOURCE_LIST_FORMAT = 'ithc-sourcelist';
/** COSE content type (header 3): binds the signature to this kind of list. */
export const SOURCE_LIST_CONTENT_TYPE = 'application/vnd.ithc.sourcelist+cbor';
/** Default maximum age: a week. Sources change slowly; a stale list still names every older source. */
export const DEFAULT_SOURCE_LIST_MAX_AGE = 7 * 86_400;

export interface SourceListLimits {
  /** Largest list accepted (envelope text or COSE bytes). */
  maxBytes: number;
  maxSources: number;
}

export const DEFAULT_SOURCE_LIST_LIMITS: Readonly<SourceListLimits> = Object.freeze({
  maxBytes: 32 * 1024 * 1024,
  maxSources: 200_000,
});

/** Bounds on one entry's fields; the names are what certificates would otherwise carry (80 characters). */
export const SOURCE_ENTRY_LIMITS = Object.freeze({
  maxName: 80,
  maxAccreditation: 120,
  /** Largest code (certificates carry codes up to 2^32 − 1). */
  maxCode: 4294967295,
});

export interface SourceListContent {
  version: number;
  /** Seconds since the epoch. */
  issuedAt: number;
  maxAge: number;
  country: string;
  sources: SourceListEntry[];
}

/** The JSON envelope as published (GET /trustlist/sources): readable copy plus the signed list. */
export interface SourceListEnvelope {
  format: typeof SOURCE_LIST_FORMAT;
  version: number;
  issuedAt: string;
  maxAge: number;
  country: string;
  summary: { sources: number };
  note: string;
  /** base64 of the tagged COSE_Sign1: the only part that is trusted. */
  signed: string;
}

// --- publishing -------------------------------------------------------------------------------

const NAME_FORBIDDEN = /[\u0000-\u001f\u007f-\u009f]/;
const REGION = /^[A-Z]{2}-[A-Z0-9]{1,3}$/;

/** Why an entry is not one we publish, or undefined. Shared by publishing (a TypeError) and reading (left out with a warning). */
export function sourceEntryProblem(e: SourceListEntry): string | undefined {
  const text = (v: unknown, max: number) => typeof v === 'string' && v.length > 0 && [...v].length <= max && !NAME_FORBIDDEN.test(v) && v.trim() === v;
  if (!Number.isSafeInteger(e.code) || e.code < 1 || e.code > SOURCE_ENTRY_LIMITS.maxCode)
    return `code must be an integer from 1 to ${SOURCE_ENTRY_LIMITS.maxCode}`;
  if (!SOURCE_TYPES.includes(e.type)) return 'type must be lab or vaccination-site';
  if (!text(e.name, SOURCE_ENTRY_LIMITS.maxName)) return `name must be 1 to ${SOURCE_ENTRY_LIMITS.maxName} characters without control characters`;
  if (e.nameLatin !== undefined && !(text(e.nameLatin, SOURCE_ENTRY_LIMITS.maxName) && /^[\x20-\x7e\u00a0-\u024f]+$/.test(e.nameLatin)))
    return `nameLatin must be 1 to ${SOURCE_ENTRY_LIMITS.maxName} characters of Latin script`;
  if (typeof e.country !== 'string' || !/^[A-Z]{2}$/.test(e.country)) return 'country must be ISO 3166-1 alpha-2';
  if (e.region !== undefined && !(typeof e.region === 'string' && REGION.test(e.region) && e.region.startsWith(`${e.country}-`)))
    return "region must be an ISO 3166-2 code of the source's country, e.g. CN-BJ";
  if (e.accreditation !== undefined && !text(e.accreditation, SOURCE_ENTRY_LIMITS.maxAccreditation))
    return `accreditation must be 1 to ${SOURCE_ENTRY_LIMITS.maxAccreditation} characters`;
  if (e.validFrom !== undefined && (!Number.isSafeInteger(e.validFrom) || e.validFrom < 0)) return 'validFrom must be seconds since the epoch';
  if (e.validUntil !== undefined && (!Number.isSafeInteger(e.validUntil) || e.validUntil < (e.validFrom ?? 0)))
    return 'validUntil must be seconds since the epoch, not before validFrom';
  return undefined;
}

/** The payload bytes (deterministic CBOR). Entries in code order; codes are unique. */
export function encodeSourceListPayload(c: SourceListContent): Uint8Array {
  checkListHeader(c);
  const seen = new Set<number>();
  for (const e of c.sources) {
    const why = sourceEntryProblem(e);
    if (why) throw new TypeError(`source ${String(e.code)}: ${why}`);
    if (seen.has(e.code)) throw new TypeError(`source code ${e.code} is listed twice`);
    seen.add(e.code);
  }
  const m = (entries: Array<[string, CborValue]>) => new Map<CborValue, CborValue>(entries.filter(([, v]) => v !== undefined));
  const sources = [...c.sources].sort((a, b) => a.code - b.code);
  return encodeStrict(
    m([
      ...listHeaderEntries(SOURCE_LIST_FORMAT, c),
      [
        'sources',
        sources.map((e) =>
          m([
            ['code', e.code],
            ['type', e.type],
            ['name', e.name],
            ['nameLatin', e.nameLatin as CborValue],
            ['country', e.country],
            ['region', e.region as CborValue],
            ['accreditation', e.accreditation as CborValue],
            ['validFrom', e.validFrom as CborValue],
            ['validUntil', e.validUntil as CborValue],
          ]),
        ),
      ],
    ]),
  );
}

/** Signs the content as signTrustList signs a trust list; returns the tagged COSE_Sign1. `csca` is the CSCA's certificate (DER): a signer other than it travels in x5chain. */
export async function signSourceList(c: SourceListContent, by: { certificate: Uint8Array; signer: Signer }, csca: Uint8Array): Promise<Uint8Array> {
  if (by.signer.alg.id !== ES256) throw new TypeError('source lists are signed with ES256');
  const payload = encodeSourceListPayload(c);
  const header: Array<[CborValue, CborValue]> = [
    [HEADER.alg, ES256],
    [HEADER.contentType, SOURCE_LIST_CONTENT_TYPE],
    [HEADER.kid, kidFromCertificate(by.certificate)],
  ];
  if (!bytesEqual(by.certificate, csca)) header.push([HEADER.x5chain, by.certificate]);
  const protectedBytes = encodeStrict(new Map<CborValue, CborValue>(header));
  const signature = await by.signer.sign(sigStructure(protectedBytes, payload));
  return encodeStrict(new Tag([protectedBytes, new Map(), payload, signature], TAG_COSE_SIGN1));
}

export function sourceListEnvelope(signed: Uint8Array, c: SourceListContent): SourceListEnvelope {
  return {
    format: SOURCE_LIST_FORMAT,
    version: c.version,
    issuedAt: new Date(c.issuedAt * 1000).toISOString().replace('.000Z', 'Z'),
    maxAge: c.maxAge,
    country: c.country,
    summary: { sources: c.sources.length },
    note: 'Only "signed" (a COSE_Sign1 by the CSCA or its trust-list signer, base64) is trusted; the other fields are a readable copy. See docs/trust-list.md.',
    signed: toBase64(signed),
  };
}

// --- verifying --------------------------------------------------------------------------------

export type SourceListProblemCode = 'STALE' | 'NOT_YET_VALID' | 'ENTRY_MALFORMED' | 'ENVELOPE_MISMATCH';

export interface SourceListProblem {
  code: SourceListProblemCode;
  message: string;
}

export interface VerifiedSourceList {
  sources: SourceDirectory;
  version: number;
  issuedAt: number;
  maxAge: number;
  country: string;
  ageSeconds: number;
  stale: boolean;
  /** Warnings: entries left out and why, staleness. The list itself verified. */
  problems: SourceListProblem[];
  csca: ParsedCertificate;
  signer?: ParsedCertificate;
}

export interface VerifySourceListOptions {
  /** CSCA certificates (DER) the verifier trusts, obtained by other means. */
  cscas: readonly Uint8Array[];
  /** Validation clock, seconds since the epoch. */
  now: number;
  crypto: CryptoProvider;
  maxAge?: number;
  limits?: Partial<SourceListLimits>;
}

/** Is this (text, bytes or parsed) our signed source list? */
export function isSignedSourceList(input: unknown): boolean {
  const head = /^\s*\{[\s\S]*"format"\s*:\s*"ithc-sourcelist"/;
  if (input instanceof Uint8Array) {
    if (input.length > 0 && input[0] === 0xd2) {
      // A bare COSE_Sign1: the content type says which list it is (read here only to route it).
      const ct = new TextEncoder().encode(SOURCE_LIST_CONTENT_TYPE);
      return indexOf(input.subarray(0, 512), ct) >= 0;
    }
    return head.test(new TextDecoder('utf-8').decode(input.subarray(0, 4096)));
  }
  if (typeof input === 'string') return head.test(input.slice(0, 4096));
  return input !== null && typeof input === 'object' && (input as Record<string, unknown>).format === SOURCE_LIST_FORMAT;
}

function indexOf(hay: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/** Seconds of clock difference tolerated before an issuedAt in the future is reported. */
const CLOCK_SKEW = 300;

/**
 * Verifies a signed source list: the envelope (JSON text, bytes or parsed) or the bare COSE_Sign1.
 * Throws IthcError when the list as a whole cannot be trusted; returns the sources with warnings
 * (entries left out, staleness) otherwise.
 */
export async function verifySourceList(input: string | Uint8Array | Record<string, unknown>, opts: VerifySourceListOptions): Promise<VerifiedSourceList> {
  if (!Number.isFinite(opts.now)) throw new TypeError('verifySourceList needs a validation clock (now, in seconds)');
  if (!opts.cscas.length) throw new TypeError('verifySourceList needs the CSCA certificate(s) that sign the list');
  const limits = { ...DEFAULT_SOURCE_LIST_LIMITS, ...(opts.limits ?? {}) };
  const { cose, envelope } = unwrapSignedEnvelope(input, limits.maxBytes, SOURCE_LIST_FORMAT, 'source list');
  const cborLimits = { maxCborDepth: 6, maxCborItems: limits.maxSources * 20 + 64, maxCodeLength: 0, maxInflatedBytes: 0 };
  const { payload, csca, signer } = await verifySignedList(cose, {
    contentType: SOURCE_LIST_CONTENT_TYPE,
    what: 'source list',
    cscas: opts.cscas,
    now: opts.now,
    crypto: opts.crypto,
    cborLimits,
  });

  const bad = (m: string): never => {
    throw new IthcError('SCHEMA_INVALID', `the signed source list content is malformed: ${m}`);
  };
  if (!(payload instanceof Map)) bad('not a map');
  const v = payload as Map<CborValue, CborValue>;
  if (mapGet(v, 'format') !== SOURCE_LIST_FORMAT) bad(`format is not "${SOURCE_LIST_FORMAT}"`);
  const int = (k: string): number => {
    const x = mapGet(v, k);
    if (typeof x !== 'number' || !Number.isSafeInteger(x) || x < 0) bad(`${k} must be a non-negative integer`);
    return x as number;
  };
  const version = int('version');
  const issuedAt = int('issuedAt');
  const listMaxAge = int('maxAge');
  const country = mapGet(v, 'country');
  if (typeof country !== 'string' || !/^[A-Z]{2}$/.test(country)) bad('country must be ISO 3166-1 alpha-2');
  const raw = mapGet(v, 'sources');
  if (!Array.isArray(raw)) bad('sources must be an array');
  const list = raw as CborValue[];
  if (list.length > limits.maxSources)
    throw new IthcError('SIZE_LIMIT', `the source list has ${list.length} sources; at most ${limits.maxSources} are accepted`);
  checkSignedWithinValidity(issuedAt, signer, 'source list');

  const problems: SourceListProblem[] = [];
  if (envelope) {
    const differs: string[] = [];
    if (envelope.version !== undefined && envelope.version !== version) differs.push('version');
    if (envelope.issuedAt !== undefined && (typeof envelope.issuedAt !== 'string' || Date.parse(envelope.issuedAt) !== issuedAt * 1000))
      differs.push('issuedAt');
    if (envelope.country !== undefined && envelope.country !== country) differs.push('country');
    if (differs.length)
      problems.push({
        code: 'ENVELOPE_MISMATCH',
        message: `the envelope's ${differs.join(', ')} disagree${differs.length === 1 ? 's' : ''} with the signed content; the signed content is used`,
      });
  }
  const entries: SourceListEntry[] = [];
  const seen = new Set<number>();
  list.forEach((x, i) => {
    const e = readEntry(x);
    const why = typeof e === 'string' ? e : sourceEntryProblem(e);
    if (why) return void problems.push({ code: 'ENTRY_MALFORMED', message: `source ${i}: ${why}; left out` });
    const entry = e as SourceListEntry;
    if (seen.has(entry.code)) return void problems.push({ code: 'ENTRY_MALFORMED', message: `source ${i}: code ${entry.code} is listed twice; left out` });
    seen.add(entry.code);
    entries.push(entry);
  });

  const maxAge = opts.maxAge ?? listMaxAge;
  const ageSeconds = Math.floor(opts.now - issuedAt);
  const stale = ageSeconds > maxAge;
  if (stale)
    problems.push({
      code: 'STALE',
      message: `the source list was issued ${Math.floor(ageSeconds / 86_400)} days ago, more than its maximum age of ${Math.floor(maxAge / 86_400)} days; fetch a fresh one`,
    });
  if (ageSeconds < -CLOCK_SKEW) problems.push({ code: 'NOT_YET_VALID', message: "the source list is issued in the future; check this computer's clock" });
  return {
    sources: new SourceDirectory(entries),
    version,
    issuedAt,
    maxAge: listMaxAge,
    country: country as string,
    ageSeconds,
    stale,
    problems,
    csca,
    ...(signer ? { signer } : {}),
  };
}

const ENTRY_KEYS = new Set(['code', 'type', 'name', 'nameLatin', 'country', 'region', 'accreditation', 'validFrom', 'validUntil']);

/** An entry's fields as they arrived (checked by sourceEntryProblem), or why it is not a map of them. */
function readEntry(x: CborValue): SourceListEntry | string {
  if (!(x instanceof Map)) return 'not a map';
  const o: Record<string, unknown> = {};
  for (const [k, val] of x) {
    // Keys this version does not know are additions a newer list may carry: ignored.
    if (typeof k === 'string' && ENTRY_KEYS.has(k)) o[k] = val;
  }
  return o as unknown as SourceListEntry;
}
