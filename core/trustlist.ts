/**
 * Our signed trust list (docs/trust-list.md): what a verifier abroad loads to trust our codes.
 *
 *   COSE_Sign1 (ES256, tag 18), signed by our CSCA or by a trust-list signer the CSCA certified
 *     protected {1: -7, 3: "application/vnd.ithc.trustlist+cbor", 4: kid of the signing certificate,
 *                33 (x5chain, RFC 9360): the trust-list signer's certificate (absent when the CSCA signs)}
 *     payload: deterministic CBOR, a map with text keys:
 *       format "ithc-trustlist", version (grows whenever the content changes), issuedAt (s),
 *       maxAge (s: a verifier warns past issuedAt + maxAge), country,
 *       csca (DER), certificates [{kid, country, usage, notBefore, notAfter, certificate (DER)}],
 *       revocation [{kid, type, hash}] (the EU hashed-UCI scheme, core/revocation.ts)
 *
 * It is published inside a JSON envelope whose readable fields are a copy for people; only the
 * signed content is trusted. Verifying checks the list's signature first: by a CSCA the verifier
 * was given by other means, or by a trust-list signer whose certificate chains to such a CSCA,
 * carries the trust-list-signing extended key usage and is valid now (the CSCA stays offline; the
 * signer lets the service re-sign the list, with new revocations, every day). Then each signing
 * certificate's X.509 signature is checked against that CSCA, and age past maxAge is reported as a
 * warning, not a failure: an offline verifier must keep working.
 */
import { ALGORITHMS, ES256 } from './algorithms';
import { bytesEqual, fromBase64, toBase64, utf8Decode } from './bytes';
import { Tag, decodeLenient, describeCborValue, encodeStrict, mapGet, type CborValue } from './cbor';
import { HEADER, TAG_COSE_SIGN1, parseCoseSign1, sigStructure } from './cose';
import type { CryptoProvider, Signer } from './crypto/provider';
import { IthcError } from './errors';
import { kidFromCertificate, type KeyUsage as SigningUsage, type TrustedKey } from './keys';
import { HashRevocationList, type RevocationHashType } from './revocation';
import type { Limits } from './limits';
import { KEY_USAGE, ecdsaDerToRaw, parseCertificate, receivedTbs, type ParsedCertificate } from './x509';

export const TRUST_LIST_FORMAT = 'ithc-trustlist';
/** COSE content type (header 3) of the payload: binds the signature to this purpose. */
export const TRUST_LIST_CONTENT_TYPE = 'application/vnd.ithc.trustlist+cbor';
/**
 * Extended key usage (RFC 5280 §4.2.1.12) that makes a certificate issued by the CSCA a trust-list
 * signer, and nothing else: a DSC, which signs health certificates, cannot sign a trust list. An
 * OID in the 2.25 arc (ITU-T X.667: derived from a UUID, so it needs no registration).
 */
export const TRUST_LIST_SIGNER_EKU = '2.25.27792758625094721048152614562012617311';

/** Default maximum age: two days. Verifiers refresh daily; one missed refresh is not yet a warning. */
export const DEFAULT_TRUST_LIST_MAX_AGE = 2 * 86_400;

export interface TrustListLimits {
  /** Largest list accepted (envelope text or COSE bytes). */
  maxBytes: number;
  maxCertificates: number;
  maxRevocations: number;
}

export const DEFAULT_TRUST_LIST_LIMITS: Readonly<TrustListLimits> = Object.freeze({
  maxBytes: 16 * 1024 * 1024,
  maxCertificates: 10_000,
  maxRevocations: 500_000,
});

/** Seconds of clock difference tolerated before an issuedAt in the future is reported. */
const CLOCK_SKEW = 300;
const ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
const USAGES: readonly SigningUsage[] = ['t', 'v', 'r', 'ithc'];
const HASH_TYPES: readonly RevocationHashType[] = ['UCI', 'COUNTRYCODEUCI', 'SIGNATURE'];

export interface TrustListCertificate {
  kid: Uint8Array;
  country: string;
  /** t, v, r (DCCs of that type) or ithc (ITHC comprehensive certificates), as its certificate's extended key usage says. */
  usage: SigningUsage[];
  /** Seconds since the epoch. */
  notBefore: number;
  notAfter: number;
  certificate: Uint8Array;
}

export interface TrustListRevocation {
  /** kid of the signing certificate the entry applies to. */
  kid: Uint8Array;
  type: RevocationHashType;
  /** First 16 bytes of SHA-256 (core/revocation.ts). */
  hash: Uint8Array;
}

export interface TrustListContent {
  version: number;
  /** Seconds since the epoch. */
  issuedAt: number;
  maxAge: number;
  country: string;
  csca: Uint8Array;
  certificates: TrustListCertificate[];
  revocation: TrustListRevocation[];
}

/** The JSON envelope as published (GET /trustlist/signed, `ithc trustlist export --signed`). */
export interface TrustListEnvelope {
  format: typeof TRUST_LIST_FORMAT;
  version: number;
  issuedAt: string;
  maxAge: number;
  country: string;
  /** A readable copy; verifiers ignore it. Deliberately not named "certificates", so no DSC-list reader takes it for unsigned trust. */
  summary: { signingCertificates: Array<{ kid: string; notBefore: string; notAfter: string }>; revocations: number };
  note: string;
  /** base64 of the tagged COSE_Sign1: the only part that is trusted. */
  signed: string;
}

// --- publishing -------------------------------------------------------------------------------

/** The payload bytes (deterministic CBOR). */
export function encodeTrustListPayload(c: TrustListContent): Uint8Array {
  checkContent(c);
  const m = (entries: Array<[string, CborValue]>) => new Map<CborValue, CborValue>(entries);
  return encodeStrict(
    m([
      ...listHeaderEntries(TRUST_LIST_FORMAT, c),
      ['csca', c.csca],
      [
        'certificates',
        c.certificates.map((d) =>
          m([
            ['kid', d.kid],
            ['country', d.country],
            ['usage', [...d.usage]],
            ['notBefore', d.notBefore],
            ['notAfter', d.notAfter],
            ['certificate', d.certificate],
          ]),
        ),
      ],
      [
        'revocation',
        c.revocation.map((r) =>
          m([
            ['kid', r.kid],
            ['type', r.type],
            ['hash', r.hash],
          ]),
        ),
      ],
    ]),
  );
}

/**
 * Signs the content; returns the tagged COSE_Sign1. `by` is the CSCA itself (its certificate is
 * `c.csca`) or a trust-list signer it certified, whose certificate then travels in the protected
 * header (x5chain) so that a verifier holding only the CSCA can check it.
 */
export async function signTrustList(c: TrustListContent, by: { certificate: Uint8Array; signer: Signer }): Promise<Uint8Array> {
  if (by.signer.alg.id !== ES256) throw new TypeError('trust lists are signed with ES256');
  const payload = encodeTrustListPayload(c);
  // Integer keys in ascending order: the protected header is deterministic CBOR.
  const header: Array<[CborValue, CborValue]> = [
    [HEADER.alg, ES256],
    [HEADER.contentType, TRUST_LIST_CONTENT_TYPE],
    [HEADER.kid, kidFromCertificate(by.certificate)],
  ];
  if (!bytesEqual(by.certificate, c.csca)) header.push([HEADER.x5chain, by.certificate]);
  const protectedBytes = encodeStrict(new Map<CborValue, CborValue>(header));
  const signature = await by.signer.sign(sigStructure(protectedBytes, payload));
  return encodeStrict(new Tag([protectedBytes, new Map(), payload, signature], TAG_COSE_SIGN1));
}

export function trustListEnvelope(signed: Uint8Array, c: TrustListContent): TrustListEnvelope {
  const iso = (s: number) => new Date(s * 1000).toISOString().replace('.000Z', 'Z');
  return {
    format: TRUST_LIST_FORMAT,
    version: c.version,
    issuedAt: iso(c.issuedAt),
    maxAge: c.maxAge,
    country: c.country,
    summary: {
      signingCertificates: c.certificates.map((d) => ({ kid: toBase64(d.kid), notBefore: iso(d.notBefore), notAfter: iso(d.notAfter) })),
      revocations: c.revocation.length,
    },
    note: 'Only "signed" (a COSE_Sign1 by the CSCA or its trust-list signer, base64) is trusted; the other fields are a readable copy. See docs/trust-list.md.',
    signed: toBase64(signed),
  };
}

/** The fields every signed list of ours starts with (trust list, source list), in the order they are encoded. */
export function listHeaderEntries(format: string, c: { version: number; issuedAt: number; maxAge: number; country: string }): Array<[string, CborValue]> {
  return [
    ['format', format],
    ['version', c.version],
    ['issuedAt', c.issuedAt],
    ['maxAge', c.maxAge],
    ['country', c.country],
  ];
}

/** The fields every signed list of ours starts with (trust list, source list), checked before signing. */
export function checkListHeader(c: { version: unknown; issuedAt: unknown; maxAge: unknown; country: string }): void {
  const int = (v: unknown, what: string) => {
    if (!Number.isSafeInteger(v) || (v as number) < 0) throw new TypeError(`${what} must be a non-negative integer`);
  };
  int(c.version, 'version');
  int(c.issuedAt, 'issuedAt');
  int(c.maxAge, 'maxAge');
  if (!/^[A-Z]{2}$/.test(c.country)) throw new TypeError('country must be ISO 3166-1 alpha-2');
}

function checkContent(c: TrustListContent): void {
  checkListHeader(c);
  for (const d of c.certificates) {
    if (!bytesEqual(d.kid, kidFromCertificate(d.certificate))) throw new TypeError(`kid ${toBase64(d.kid)} is not its certificate's kid`);
    if (!d.usage.every((u) => USAGES.includes(u))) throw new TypeError('usage must be t, v, r or ithc');
  }
  for (const r of c.revocation) {
    if (!HASH_TYPES.includes(r.type)) throw new TypeError(`revocation type ${r.type}`);
    if (r.hash.length !== 16) throw new TypeError('revocation hashes are 16 bytes');
  }
}

// --- verifying --------------------------------------------------------------------------------

export type TrustListProblemCode =
  /** Older than its maxAge (or the verifier's): still used, but a fresh list should be fetched. */
  | 'STALE'
  /** issuedAt lies in the future: the verifier's clock or the list is wrong. */
  | 'NOT_YET_VALID'
  /** A certificate entry is not well formed or not a certificate we can use. */
  | 'ENTRY_MALFORMED'
  /** The stated kid is not the certificate's kid. */
  | 'KID_MISMATCH'
  /** The signing certificate was not issued by the CSCA (name or X.509 signature). */
  | 'CHAIN_INVALID'
  /** A revocation entry is malformed. */
  | 'REVOCATION_MALFORMED'
  /** The envelope's readable fields disagree with the signed content (the signed content is used). */
  | 'ENVELOPE_MISMATCH'
  /** The list names a CSCA other than the one that verified it. */
  | 'CSCA_MISMATCH';

export interface TrustListProblem {
  code: TrustListProblemCode;
  message: string;
}

/** A revocation entry as plain data (structured-clonable, e.g. to worker threads). */
export interface RevocationEntry {
  kid: Uint8Array;
  type: RevocationHashType;
  hash: Uint8Array;
}

export interface VerifiedTrustList {
  keys: TrustedKey[];
  revocation: HashRevocationList;
  revocationEntries: RevocationEntry[];
  version: number;
  issuedAt: number;
  maxAge: number;
  country: string;
  ageSeconds: number;
  stale: boolean;
  /** Warnings: entries left out and why, staleness. The list itself verified. */
  problems: TrustListProblem[];
  /** The CSCA that signed it, or that certified its signer. */
  csca: ParsedCertificate;
  /** The trust-list signer that signed it on the CSCA's behalf; absent when the CSCA signed. */
  signer?: ParsedCertificate;
}

export interface VerifyTrustListOptions {
  /** CSCA certificates (DER) the verifier trusts, obtained by other means. */
  cscas: readonly Uint8Array[];
  /** Validation clock, seconds since the epoch. */
  now: number;
  crypto: CryptoProvider;
  /** Overrides the list's own maxAge (seconds). */
  maxAge?: number;
  limits?: Partial<TrustListLimits>;
}

/** Is this (text or bytes) our signed trust list rather than a DSC list or a certificate? */
export function isSignedTrustList(input: unknown): boolean {
  if (input instanceof Uint8Array) {
    // A tagged COSE_Sign1 (0xd2) is binary; anything else may be the JSON envelope.
    if (input.length > 0 && input[0] === 0xd2) return signedListContentType(input) !== OTHER_LIST;
    // Not fatal: the 4 KB cut may split a character; only the ASCII "format" field matters here.
    const text = new TextDecoder('utf-8').decode(input.subarray(0, 4096));
    return /^\s*\{[\s\S]*"format"\s*:\s*"ithc-trustlist"/.test(text);
  }
  if (typeof input === 'string') return /^\s*\{[\s\S]*"format"\s*:\s*"ithc-trustlist"/.test(input.slice(0, 4096));
  return isObject(input) && input.format === TRUST_LIST_FORMAT;
}

const OTHER_LIST = Symbol('another list');

/**
 * The content type in a binary signed list's protected header, read without verifying anything:
 * only to tell our kinds of list apart (a trust list from a source list) when they arrive as bare
 * COSE_Sign1 files. OTHER_LIST when it names another type, undefined when it cannot be read.
 */
function signedListContentType(bytes: Uint8Array): string | typeof OTHER_LIST | undefined {
  try {
    const ct = parseCoseSign1(bytes, { maxCborDepth: 8, maxCborItems: 1000, maxCodeLength: 0, maxInflatedBytes: 0 }).protectedHeader.get(HEADER.contentType);
    return ct === TRUST_LIST_CONTENT_TYPE ? ct : typeof ct === 'string' ? OTHER_LIST : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Verifies a signed trust list: the envelope (JSON text, bytes or parsed) or the bare COSE_Sign1.
 * Throws IthcError when the list as a whole cannot be trusted (malformed, unknown CSCA, bad
 * signature); returns the trusted keys and revocation list with warnings otherwise.
 */
export async function verifyTrustList(input: string | Uint8Array | Record<string, unknown>, opts: VerifyTrustListOptions): Promise<VerifiedTrustList> {
  if (!Number.isFinite(opts.now)) throw new TypeError('verifyTrustList needs a validation clock (now, in seconds)');
  if (!opts.cscas.length) throw new TypeError('verifyTrustList needs the CSCA certificate(s) that sign the list');
  const limits = { ...DEFAULT_TRUST_LIST_LIMITS, ...(opts.limits ?? {}) };
  const { cose, envelope } = unwrapSignedEnvelope(input, limits.maxBytes, TRUST_LIST_FORMAT, 'trust list');
  // The payload holds up to maxRevocations entries of 7 items each, plus the certificates.
  const cborLimits = { maxCborDepth: 8, maxCborItems: limits.maxRevocations * 7 + limits.maxCertificates * 16 + 64, maxCodeLength: 0, maxInflatedBytes: 0 };
  const { payload, csca, signer } = await verifySignedList(cose, {
    contentType: TRUST_LIST_CONTENT_TYPE,
    what: 'trust list',
    cscas: opts.cscas,
    now: opts.now,
    crypto: opts.crypto,
    cborLimits,
  });
  const c = readContent(payload, limits);
  checkSignedWithinValidity(c.issuedAt, signer, 'trust list');
  const problems: TrustListProblem[] = [];
  if (!bytesEqual(c.csca, csca.der))
    problems.push({
      code: 'CSCA_MISMATCH',
      message: 'the list names a CSCA other than the one that signed it; its signing certificates are checked against the signing CSCA',
    });
  if (envelope) compareEnvelope(envelope, c, problems);

  const keys: TrustedKey[] = [];
  for (const [i, entry] of c.certificates.entries()) {
    const k = await readCertificateEntry(entry, i, csca, c.country, opts.crypto, problems);
    if (k) keys.push(k);
  }
  const revocation = new HashRevocationList();
  const revocationEntries: RevocationEntry[] = [];
  for (const [i, entry] of c.revocation.entries()) {
    const r = readRevocationEntry(entry, i, problems);
    if (!r) continue;
    revocation.add(r.kid, r.type, r.hash);
    revocationEntries.push(r);
  }

  const maxAge = opts.maxAge ?? c.maxAge;
  const ageSeconds = Math.floor(opts.now - c.issuedAt);
  const stale = ageSeconds > maxAge;
  if (stale)
    problems.push({
      code: 'STALE',
      message: `the trust list was issued ${describeAge(ageSeconds)} ago, more than its maximum age of ${describeAge(maxAge)}; fetch a fresh one`,
    });
  if (ageSeconds < -CLOCK_SKEW)
    problems.push({ code: 'NOT_YET_VALID', message: `the trust list is issued ${describeAge(-ageSeconds)} in the future; check this computer's clock` });
  return {
    keys,
    revocation,
    revocationEntries,
    version: c.version,
    issuedAt: c.issuedAt,
    maxAge: c.maxAge,
    country: c.country,
    ageSeconds,
    stale,
    problems,
    csca,
    ...(signer ? { signer } : {}),
  };
}

/** A signed list (trust list, source list) whose signature verified: its payload and who signed it. */
export interface VerifiedListSignature {
  /** The payload, decoded only after the signature verified. */
  payload: CborValue;
  /** The CSCA that signed the list, or that certified its signer. */
  csca: ParsedCertificate;
  /** The trust-list signer that signed it on the CSCA's behalf; absent when the CSCA signed. */
  signer?: ParsedCertificate;
}

/**
 * The signature of one of our signed lists (docs/trust-list.md §Signature): a COSE_Sign1, ES256,
 * with `contentType` in its protected header (which binds the signature to one kind of list),
 * signed by one of the CSCAs given or by a trust-list signer one of them certified (x5chain).
 * Nothing in the payload is read before the signature verified. Throws IthcError when the list
 * cannot be trusted; the caller reads the payload's content and checks that its issuedAt lies
 * within the signer's validity (signedWithinValidity).
 */
export async function verifySignedList(
  cose: Uint8Array,
  opts: { contentType: string; what: string; cscas: readonly Uint8Array[]; now: number; crypto: CryptoProvider; cborLimits: Limits },
): Promise<VerifiedListSignature> {
  const what = opts.what;
  const sign1 = parseCoseSign1(cose, opts.cborLimits);
  if (sign1.alg !== ES256) throw new IthcError('ALG_UNSUPPORTED', `${what} signed with algorithm ${describeCborValue(sign1.alg)}; only ES256 is accepted`);
  if (sign1.protectedHeader.get(HEADER.contentType) !== opts.contentType) {
    throw new IthcError('COSE_INVALID', `not an ITHC ${what}: the protected content type is not ${opts.contentType}`);
  }
  const anchors = opts.cscas.map((der) => {
    try {
      return parseCertificate(der);
    } catch (e) {
      throw new TypeError(`a CSCA given is not a certificate (${e instanceof Error ? e.message : String(e)})`);
    }
  });
  const toBeSigned = sigStructure(sign1.protectedBytes, sign1.payload);
  const x5chain = sign1.protectedHeader.get(HEADER.x5chain);
  let csca: ParsedCertificate | undefined;
  let signer: ParsedCertificate | undefined;
  if (x5chain === undefined) {
    // Signed by the CSCA itself.
    const candidates = sign1.kid ? anchors.filter((a) => bytesEqual(kidFromCertificate(a.der), sign1.kid!)) : anchors;
    if (!candidates.length) {
      throw new IthcError(
        'KID_UNKNOWN',
        `the ${what} is signed by a CSCA with kid ${toBase64(sign1.kid!)}, which is not among the ${anchors.length} CSCA certificate${anchors.length > 1 ? 's' : ''} given`,
      );
    }
    for (const a of candidates) {
      if (a.key.kty === 'EC' && (await opts.crypto.verify(ALGORITHMS[ES256], a.key, toBeSigned, sign1.signature))) {
        csca = a;
        break;
      }
    }
    if (!csca) throw new IthcError('SIGNATURE_INVALID', `the ${what}'s signature does not verify with the CSCA given`);
  } else {
    ({ csca, signer } = await trustListSigner(x5chain, sign1.kid, anchors, opts.now, opts.crypto, what));
    if (!(await opts.crypto.verify(ALGORITHMS[ES256], signer.key, toBeSigned, sign1.signature))) {
      throw new IthcError('SIGNATURE_INVALID', `the ${what}'s signature does not verify with its signer's key ("${signer.subject}")`);
    }
  }
  // From here on the payload is authentic.
  return { payload: decodeLenient(sign1.payload, opts.cborLimits), csca, ...(signer ? { signer } : {}) };
}

/** A signer signs only within its own validity: a list dated outside it was not made by the service. Throws EXPIRED. */
export function checkSignedWithinValidity(issuedAt: number, signer: ParsedCertificate | undefined, what: string): void {
  if (signer && (issuedAt < signer.notBefore - CLOCK_SKEW || issuedAt > signer.notAfter)) {
    throw new IthcError('EXPIRED', `the ${what} is dated ${new Date(issuedAt * 1000).toISOString()}, outside its signer's validity`);
  }
}

/**
 * The trust-list signer named by the protected x5chain header, accepted only when it is what the
 * CSCA delegated list signing to: issued by one of the CSCAs given (issuer name and X.509
 * signature), an end-entity certificate for digital signatures, carrying TRUST_LIST_SIGNER_EKU,
 * valid now, and the one the kid names. Throws IthcError otherwise.
 */
async function trustListSigner(
  x5chain: CborValue,
  kid: Uint8Array | undefined,
  anchors: ParsedCertificate[],
  now: number,
  crypto: CryptoProvider,
  what: string,
): Promise<{ csca: ParsedCertificate; signer: ParsedCertificate }> {
  // RFC 9360: one certificate as a byte string, or an array with the signer first. Only the signer
  // is used: it must be issued by a CSCA the verifier holds, never by an intermediate carried here.
  const der = x5chain instanceof Uint8Array ? x5chain : Array.isArray(x5chain) && x5chain[0] instanceof Uint8Array ? x5chain[0] : undefined;
  if (!der || der.length === 0 || der.length > 16 * 1024)
    throw new IthcError('COSE_INVALID', `the ${what}'s x5chain header must hold the signer's DER certificate (at most 16 KB)`);
  if (!kid || !bytesEqual(kid, kidFromCertificate(der))) throw new IthcError('COSE_INVALID', `the ${what}'s kid is not its signer certificate's kid`);
  let signer: ParsedCertificate;
  try {
    signer = parseCertificate(der);
  } catch (e) {
    throw new IthcError('COSE_INVALID', `the ${what}'s signer certificate cannot be read (${e instanceof Error ? e.message : String(e)})`);
  }
  const issuers = anchors.filter((a) => a.subject === signer.issuer);
  if (!issuers.length)
    throw new IthcError(
      'KID_UNKNOWN',
      `the ${what} is signed by "${signer.subject}", issued by "${signer.issuer}", which is not among the CSCA certificates given`,
    );
  const tbs = receivedTbs(der);
  const raw = tbs && signer.signatureAlgorithm === ECDSA_WITH_SHA256 ? ecdsaDerToRaw(signer.signature, 32) : undefined;
  let csca: ParsedCertificate | undefined;
  for (const a of issuers) {
    if (tbs && raw && a.key.kty === 'EC' && (await crypto.verify(ALGORITHMS[ES256], a.key, tbs, raw))) {
      csca = a;
      break;
    }
  }
  if (!csca)
    throw new IthcError(
      'SIGNATURE_INVALID',
      `the ${what}'s signer certificate "${signer.subject}" was not signed by the CSCA "${issuers[0].subject}" (ecdsa-with-SHA256)`,
    );
  // What the CSCA allowed the certificate to do: sign (digitalSignature), as an end entity, trust lists only.
  if (
    signer.ca ||
    (signer.keyUsage !== undefined && !(signer.keyUsage & KEY_USAGE.digitalSignature)) ||
    !signer.extendedKeyUsage.includes(TRUST_LIST_SIGNER_EKU)
  ) {
    throw new IthcError(
      'KEY_USAGE_MISMATCH',
      `the certificate "${signer.subject}" may not sign our lists (it lacks the trust-list signer extended key usage ${TRUST_LIST_SIGNER_EKU})`,
    );
  }
  if (signer.key.kty !== 'EC' || signer.key.crv !== 'P-256') throw new IthcError('ALG_UNSUPPORTED', `the ${what}'s signer key is not a P-256 key (ES256)`);
  if (now < signer.notBefore - CLOCK_SKEW)
    throw new IthcError(
      'NOT_YET_VALID',
      `the ${what}'s signer certificate is valid only from ${new Date(signer.notBefore * 1000).toISOString()}; check this computer's clock`,
    );
  if (now > signer.notAfter)
    throw new IthcError('EXPIRED', `the ${what}'s signer certificate expired on ${new Date(signer.notAfter * 1000).toISOString()}; fetch a fresh list`);
  return { csca, signer };
}

/**
 * A signed list as published: its JSON envelope (text, bytes or parsed; `format` must be the
 * list's) or the bare tagged COSE_Sign1. Returns the COSE_Sign1 bytes and the envelope, whose
 * readable fields the caller compares with the signed content.
 */
export function unwrapSignedEnvelope(
  input: string | Uint8Array | Record<string, unknown>,
  maxBytes: number,
  format: string,
  what: string,
): { cose: Uint8Array; envelope?: Record<string, unknown> } {
  if (input instanceof Uint8Array) {
    if (input.length > maxBytes) throw new IthcError('SIZE_LIMIT', `the ${what} is ${input.length} bytes; at most ${maxBytes} are accepted`);
    if (input.length > 0 && input[0] === 0xd2) return { cose: input };
    let text: string;
    try {
      text = utf8Decode(input);
    } catch {
      throw new IthcError('COSE_INVALID', `not an ITHC ${what}: neither a COSE_Sign1 nor UTF-8 JSON`);
    }
    return unwrapSignedEnvelope(text, maxBytes, format, what);
  }
  let envelope: unknown = input;
  if (typeof input === 'string') {
    if (input.length > maxBytes) throw new IthcError('SIZE_LIMIT', `the ${what} is ${input.length} characters; at most ${maxBytes} are accepted`);
    try {
      envelope = JSON.parse(input);
    } catch (e) {
      throw new IthcError('COSE_INVALID', `not an ITHC ${what}: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
    }
  }
  if (!isObject(envelope) || envelope.format !== format) throw new IthcError('COSE_INVALID', `not an ITHC ${what}: "format" is not "${format}"`);
  if (typeof envelope.signed !== 'string' || envelope.signed.length > maxBytes)
    throw new IthcError('COSE_INVALID', `not an ITHC ${what}: "signed" (base64 COSE_Sign1) is missing`);
  let cose: Uint8Array;
  try {
    cose = fromBase64(envelope.signed);
  } catch {
    throw new IthcError('COSE_INVALID', `the ${what}'s "signed" field is not base64`);
  }
  return { cose, envelope };
}

interface RawContent {
  version: number;
  issuedAt: number;
  maxAge: number;
  country: string;
  csca: Uint8Array;
  certificates: CborValue[];
  revocation: CborValue[];
}

function readContent(v: CborValue, limits: TrustListLimits): RawContent {
  const bad = (m: string): never => {
    throw new IthcError('SCHEMA_INVALID', `the signed trust list content is malformed: ${m}`);
  };
  if (!(v instanceof Map)) bad('not a map');
  if (mapGet(v, 'format') !== TRUST_LIST_FORMAT) bad(`format is not "${TRUST_LIST_FORMAT}"`);
  const int = (k: string): number => {
    const x = mapGet(v, k);
    const n = typeof x === 'bigint' ? Number(x) : x;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) bad(`${k} must be a non-negative integer`);
    return n as number;
  };
  const country = mapGet(v, 'country');
  if (typeof country !== 'string' || !/^[A-Z]{2}$/.test(country)) bad('country must be ISO 3166-1 alpha-2');
  const csca = mapGet(v, 'csca');
  if (!(csca instanceof Uint8Array)) bad('csca must be the DER certificate');
  const certificates = mapGet(v, 'certificates');
  const revocation = mapGet(v, 'revocation');
  if (!Array.isArray(certificates)) bad('certificates must be an array');
  if (!Array.isArray(revocation)) bad('revocation must be an array');
  if ((certificates as CborValue[]).length > limits.maxCertificates)
    throw new IthcError(
      'SIZE_LIMIT',
      `the trust list has ${(certificates as CborValue[]).length} certificates; at most ${limits.maxCertificates} are accepted`,
    );
  if ((revocation as CborValue[]).length > limits.maxRevocations)
    throw new IthcError('SIZE_LIMIT', `the trust list has ${(revocation as CborValue[]).length} revocations; at most ${limits.maxRevocations} are accepted`);
  return {
    version: int('version'),
    issuedAt: int('issuedAt'),
    maxAge: int('maxAge'),
    country: country as string,
    csca: csca as Uint8Array,
    certificates: certificates as CborValue[],
    revocation: revocation as CborValue[],
  };
}

async function readCertificateEntry(
  entry: CborValue,
  i: number,
  csca: ParsedCertificate,
  listCountry: string,
  crypto: CryptoProvider,
  problems: TrustListProblem[],
): Promise<TrustedKey | undefined> {
  const skip = (code: TrustListProblemCode, m: string): undefined => {
    problems.push({ code, message: `certificate ${i}: ${m}; left out` });
    return undefined;
  };
  if (!(entry instanceof Map)) return skip('ENTRY_MALFORMED', 'not a map');
  const der = mapGet(entry, 'certificate');
  const kid = mapGet(entry, 'kid');
  const country = mapGet(entry, 'country') ?? listCountry;
  if (!(der instanceof Uint8Array) || der.length === 0 || der.length > 16 * 1024)
    return skip('ENTRY_MALFORMED', 'certificate must be DER bytes (at most 16 KB)');
  if (!(kid instanceof Uint8Array)) return skip('ENTRY_MALFORMED', 'kid must be bytes');
  if (typeof country !== 'string' || !/^[A-Z]{2}$/.test(country)) return skip('ENTRY_MALFORMED', 'country must be ISO 3166-1 alpha-2');
  if (!bytesEqual(kid, kidFromCertificate(der)))
    return skip('KID_MISMATCH', `kid ${toBase64(kid)} is not the certificate's kid ${toBase64(kidFromCertificate(der))}`);
  let dsc: ParsedCertificate;
  try {
    dsc = parseCertificate(der);
  } catch (e) {
    return skip('ENTRY_MALFORMED', e instanceof Error ? e.message : String(e));
  }
  if (dsc.issuer !== csca.subject) return skip('CHAIN_INVALID', `issued by "${dsc.issuer}", not by the CSCA "${csca.subject}"`);
  // A CA or a trust-list signer is not a document signer: its key must never verify a health certificate.
  if (dsc.ca || dsc.extendedKeyUsage.includes(TRUST_LIST_SIGNER_EKU)) return skip('ENTRY_MALFORMED', `"${dsc.subject}" is not a document signing certificate`);
  if (dsc.signatureAlgorithm !== ECDSA_WITH_SHA256) return skip('CHAIN_INVALID', `signature algorithm ${dsc.signatureAlgorithm} is not ecdsa-with-SHA256`);
  const tbs = receivedTbs(der);
  const raw = tbs && ecdsaDerToRaw(dsc.signature, 32);
  if (!tbs || !raw || !(await crypto.verify(ALGORITHMS[ES256], csca.key, tbs, raw)))
    return skip('CHAIN_INVALID', 'its X.509 signature does not verify with the CSCA key');
  return {
    kid: kidFromCertificate(der),
    key: dsc.key,
    country,
    // What the certificate itself allows (its key-usage extension) is authoritative.
    usage: dsc.usage,
    notBefore: dsc.notBefore,
    notAfter: dsc.notAfter,
    certificate: der.slice(),
    subject: dsc.subject,
  };
}

function readRevocationEntry(entry: CborValue, i: number, problems: TrustListProblem[]): RevocationEntry | undefined {
  const kid = mapGet(entry, 'kid');
  const type = mapGet(entry, 'type');
  const hash = mapGet(entry, 'hash');
  if (
    !(kid instanceof Uint8Array) ||
    kid.length === 0 ||
    kid.length > 64 ||
    typeof type !== 'string' ||
    !HASH_TYPES.includes(type as RevocationHashType) ||
    !(hash instanceof Uint8Array) ||
    hash.length !== 16
  ) {
    problems.push({
      code: 'REVOCATION_MALFORMED',
      message: `revocation entry ${i} is malformed (kid bytes, type UCI|COUNTRYCODEUCI|SIGNATURE, 16-byte hash); left out`,
    });
    return undefined;
  }
  return { kid: kid.slice(), type: type as RevocationHashType, hash: hash.slice() };
}

function compareEnvelope(env: Record<string, unknown>, c: RawContent, problems: TrustListProblem[]): void {
  const differs: string[] = [];
  if (env.version !== undefined && env.version !== c.version) differs.push('version');
  if (env.issuedAt !== undefined && (typeof env.issuedAt !== 'string' || Date.parse(env.issuedAt) !== c.issuedAt * 1000)) differs.push('issuedAt');
  if (env.maxAge !== undefined && env.maxAge !== c.maxAge) differs.push('maxAge');
  if (env.country !== undefined && env.country !== c.country) differs.push('country');
  if (differs.length)
    problems.push({
      code: 'ENVELOPE_MISMATCH',
      message: `the envelope's ${differs.join(', ')} disagree${differs.length === 1 ? 's' : ''} with the signed content; the signed content is used`,
    });
}

function describeAge(s: number): string {
  if (s >= 2 * 86_400) return `${Math.floor(s / 86_400)} days`;
  if (s >= 2 * 3600) return `${Math.floor(s / 3600)} hours`;
  if (s >= 120) return `${Math.floor(s / 60)} minutes`;
  return `${s} second${s === 1 ? '' : 's'}`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array);
}
