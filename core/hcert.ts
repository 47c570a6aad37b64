/**
 * The pipeline composer, both directions (HCERT §2–§4):
 *
 *   payload ⇄ CWT claims ⇄ COSE_Sign1 ⇄ zlib ⇄ base45 ⇄ prefix
 *
 * Decoding returns every intermediate it reached, so a failing code can be shown stage by stage.
 * Verifying never presents a payload whose signature did not verify: the verdict's `certificate`
 * is filled only after a trusted key verified the received bytes.
 */
import { ALGORITHMS, DEFAULT_ALLOWED_ALGORITHMS, algorithmName, type AlgorithmInfo } from './algorithms';
import { decodeBase45, encodeBase45 } from './base45';
import { toBase64 } from './bytes';
import { encodeCoseSign1, encodeProtectedHeader, parseCoseSign1, sigStructure, type UnverifiedCoseSign1 } from './cose';
import type { CryptoProvider, Signer } from './crypto/provider';
import { encodeClaims, parseClaims, type UnverifiedClaims } from './cwt';
import { IthcError, toProblem, type Problem } from './errors';
import { checkWellFormed, type CborValue } from './cbor';
import { DccCertificate, readDcc, type DccSchemaValidator } from './dcc';
import { IthcCertificate, readIthc } from './ithc';
import type { KeyStore, KeyUsage, TrustedKey } from './keys';
import { withLimits, type Limits } from './limits';
import { decodeUnwrapped, unwrapCode } from './pasted';
import { addPrefix, splitPrefix, type CodeFormat } from './prefix';
import type { RevocationList } from './revocation';
import { deflate, inflate, type Inflater } from './zlib';

/** Everything decoded from a code, none of it verified. */
export interface DecodedStages {
  code: string;
  format?: CodeFormat;
  prefix?: string;
  base45?: string;
  compressed?: Uint8Array;
  cose?: Uint8Array;
  sign1?: UnverifiedCoseSign1;
  claims?: UnverifiedClaims;
  /** The first fatal problem, when decoding stopped early. */
  error?: IthcError;
}

/**
 * Decodes as far as possible without any key. For a sealed code the stages stop after base45
 * (`cose` holds the COSE_Encrypt, there is no zlib stage): only the destination authority can
 * open it (seal.ts).
 */
export function decodeStages(code: string, limitsIn?: Partial<Limits>, inflater: Inflater = inflate): DecodedStages {
  const limits = withLimits(limitsIn);
  const st: DecodedStages = { code };
  try {
    if (typeof code !== 'string') throw new TypeError('code must be a string');
    if (code.length > limits.maxCodeLength)
      throw new IthcError('SIZE_LIMIT', `code is ${code.length} characters; at most ${limits.maxCodeLength} are accepted`);
    // A pasted code may be wrapped over lines (core/pasted.ts); a scanned one comes through unchanged.
    const unwrapped = unwrapCode(code);
    const { format, prefix, body } = splitPrefix(unwrapped.text);
    st.format = format;
    st.prefix = prefix;
    st.base45 = body;
    let read: { body: string; value: { compressed?: Uint8Array; cose: Uint8Array } };
    try {
      read = decodeUnwrapped(unwrapped, prefix.length, (b) => {
        const bytes = decodeBase45(b);
        // A sealed code has no zlib around its ciphertext (docs/sealed-codes.md): its base45 bytes are
        // the COSE_Encrypt. Without a checksum, its CBOR being well formed is what tells a right
        // guess at lost spaces from a wrong one (decodeUnwrapped tries the next on CBOR_INVALID).
        if (format === 'sealed') {
          checkWellFormed(bytes, limits);
          return { cose: bytes };
        }
        // HCERT §4.3: codes must be compressed; an uncompressed COSE is refused, not guessed at.
        return { compressed: bytes, cose: inflater(bytes, limits.maxInflatedBytes) };
      });
    } catch (e) {
      // The stage reached is kept: the base45 bytes when only zlib failed.
      try {
        st.compressed = decodeBase45(body);
      } catch {
        // base45 itself failed.
      }
      throw e;
    }
    st.base45 = read.body;
    if (read.value.compressed) st.compressed = read.value.compressed;
    st.cose = read.value.cose;
    if (format === 'sealed') return st;
    st.sign1 = parseCoseSign1(st.cose, limits);
    st.claims = parseClaims(st.sign1.payload, limits);
  } catch (e) {
    if (e instanceof TypeError && typeof code !== 'string') throw e;
    st.error = e instanceof IthcError ? e : new IthcError('CBOR_INVALID', `malformed input (${e instanceof Error ? e.message : String(e)})`);
  }
  return st;
}

/** What a code says, whoever read it: a DCC or a comprehensive certificate. */
export type CertificateContent = { readonly format: 'dcc'; readonly dcc: DccCertificate } | { readonly format: 'ithc'; readonly ithc: IthcCertificate };

declare const verifiedBrand: unique symbol;

/**
 * The content of a code whose signature verified with a trusted key. Only `verifyCode` makes one
 * (the brand exists in types only), so a function that takes a VerifiedCertificate cannot be
 * handed bytes nobody checked; content read without a signature check is a CertificateContent.
 */
export type VerifiedCertificate = CertificateContent & { readonly [verifiedBrand]: true };

/**
 * Reads the certificate out of one of our own codes as the store keeps it, without a key: we
 * signed it, and the store is where it stays. This is not verification, so the result is plain
 * content; a code that does not read back is our bug and throws TypeError.
 */
export function readOwnCode(code: string): { certificate: IthcCertificate; iat?: number; exp?: number; kid?: Uint8Array } {
  const st = decodeStages(code);
  if (st.error || st.format !== 'ithc' || st.claims?.ithc === undefined) {
    throw new TypeError(`not an open ITHC code: ${st.error?.message ?? st.format ?? 'no certificate claim'}`);
  }
  const r = readIthc(st.claims.ithc);
  if (!r.certificate) throw new TypeError(`the code's certificate is not readable: ${r.problems.join('; ')}`);
  return { certificate: r.certificate, iat: st.claims.iat, exp: st.claims.exp, kid: st.sign1?.kid };
}

export interface Verdict {
  valid: boolean;
  format: CodeFormat | null;
  /** kid as base64, as trust lists write it. */
  kid: string | null;
  /** The issuing country: the iss claim, else the signing key's country. */
  issuer: string | null;
  alg: string | null;
  errors: Problem[];
  /** Issued-at and expiry of the signature, seconds since the epoch (only once verified). */
  issuedAt: number | null;
  expiresAt: number | null;
  /** Present only when the signature verified with a trusted key. */
  certificate: VerifiedCertificate | null;
  /** The key that verified the signature. */
  signer: TrustedKey | null;
  stages: DecodedStages;
}

export interface VerifyOptions {
  keys: KeyStore;
  /** The validation clock, seconds since the epoch. Required: the core has no clock of its own. */
  now: number;
  crypto: CryptoProvider;
  validateDccSchema: DccSchemaValidator;
  limits?: Partial<Limits>;
  /** COSE algorithm ids accepted; checked before any key is looked up. Default ES256, PS256. */
  algorithms?: readonly number[];
  revocation?: RevocationList;
  /** Opens a sealed code into the COSE_Sign1 bytes inside it (seal.ts), or throws DECRYPT_FAILED. */
  openSealed?: (coseEncrypt: Uint8Array) => Promise<Uint8Array>;
  /** Inflates the zlib stage; default the pure one of ./zlib.ts. A platform may pass its native zlib with the same contract. */
  inflate?: Inflater;
}

function emptyVerdict(stages: DecodedStages): Verdict {
  return {
    valid: false,
    format: stages.format ?? null,
    kid: null,
    issuer: null,
    alg: null,
    errors: [],
    issuedAt: null,
    expiresAt: null,
    certificate: null,
    signer: null,
    stages,
  };
}

/** The verdict for input a verifier could not take to the core at all (too long, a reader's failure): invalid, with `problem`. */
export function failedVerdict(problem: Problem, stages: DecodedStages = { code: '' }): Verdict {
  const v = emptyVerdict(stages);
  v.errors.push(problem);
  return v;
}

export async function verifyCode(code: string, opts: VerifyOptions): Promise<Verdict> {
  if (!Number.isFinite(opts.now)) throw new TypeError('verifyCode needs a validation clock (now, in seconds)');
  let stages = decodeStages(code, opts.limits, opts.inflate);
  if (!stages.error && stages.format === 'sealed') {
    try {
      if (!opts.openSealed)
        throw new IthcError('DECRYPT_FAILED', "this code is sealed for a destination authority; load that authority's private key to open it");
      const inner = await opts.openSealed(stages.cose!);
      const limits = withLimits(opts.limits);
      stages = { ...stages, sign1: parseCoseSign1(inner, limits) };
      stages.claims = parseClaims(stages.sign1!.payload, limits);
    } catch (e) {
      stages = { ...stages, error: e instanceof IthcError ? e : new IthcError('DECRYPT_FAILED', String(e)) };
    }
  }
  const v = emptyVerdict(stages);
  if (stages.error) {
    v.errors.push(toProblem(stages.error));
    return v;
  }
  const sign1 = stages.sign1!;
  const claims = stages.claims!;
  v.kid = sign1.kid ? toBase64(sign1.kid) : null;

  // Algorithm allow-list first, before any key is resolved (as jose does).
  const allowed = opts.algorithms ?? DEFAULT_ALLOWED_ALGORITHMS;
  const alg: AlgorithmInfo | undefined = typeof sign1.alg === 'number' ? ALGORITHMS[sign1.alg] : undefined;
  v.alg = sign1.alg === undefined ? null : algorithmName(sign1.alg);
  if (sign1.alg === undefined) return fail(v, 'ALG_UNSUPPORTED', 'no alg in the COSE headers');
  if (!alg || !allowed.includes(alg.id))
    return fail(v, 'ALG_UNSUPPORTED', `algorithm ${algorithmName(sign1.alg)} is not accepted (accepted: ${allowed.map(algorithmName).join(', ')})`);
  if (!sign1.kid) return fail(v, 'KID_UNKNOWN', 'no kid in the COSE headers, so no signing key can be chosen');

  const candidates = opts.keys.find(sign1.kid);
  if (candidates.length === 0) return fail(v, 'KID_UNKNOWN', `no trusted signing key has kid ${v.kid}`);
  const fitting = candidates.filter((k) => k.key.kty === alg.kty);
  if (fitting.length === 0) return fail(v, 'ALG_UNSUPPORTED', `algorithm ${alg.name} does not match the ${candidates[0].key.kty} key with kid ${v.kid}`);
  const toBeSigned = sigStructure(sign1.protectedBytes, sign1.payload);
  let signer: TrustedKey | null = null;
  for (const k of fitting) {
    if (await opts.crypto.verify(alg, k.key, toBeSigned, sign1.signature)) {
      signer = k;
      break;
    }
  }
  if (!signer) return fail(v, 'SIGNATURE_INVALID', `the signature does not verify with the trusted key${fitting.length > 1 ? 's' : ''} for kid ${v.kid}`);

  // From here on the claims are authentic.
  v.signer = signer;
  v.issuer = claims.iss ?? signer.country ?? null;
  v.issuedAt = claims.iat ?? null;
  v.expiresAt = claims.exp ?? null;

  // What the signing certificate must allow: the DCC's type, or the ITHC format as a whole.
  let types: KeyUsage[] = [];
  let uci: string | undefined;
  if (stages.format === 'dcc' || (stages.format === 'sealed' && claims.dcc !== undefined)) {
    if (claims.dcc === undefined) return fail(v, 'CWT_INVALID', 'an HC1 code must carry a DCC in the hcert claim');
    const r = readDcc(claims.dcc, opts.validateDccSchema);
    if (r.type) types = [r.type];
    if (r.certificate) {
      v.certificate = { format: 'dcc', dcc: r.certificate } as VerifiedCertificate;
      uci = r.certificate.uci;
    }
    for (const m of r.problems) v.errors.push({ code: 'SCHEMA_INVALID', message: m });
  } else {
    if (claims.ithc === undefined) return fail(v, 'CWT_INVALID', 'an ITHC code must carry the ITHC certificate claim');
    const r = readIthc(claims.ithc);
    if (r.certificate) {
      v.certificate = { format: 'ithc', ithc: r.certificate } as VerifiedCertificate;
      // Only a signer for the ITHC format (keys.ts ITHC_SIGNER_EKU): a DCC signer's key never
      // signs an ITHC code, so an ITHC code relabelled HC1: cannot verify under a DCC signer.
      types = ['ithc'];
      uci = r.certificate.id;
    }
    for (const m of r.problems) v.errors.push({ code: 'SCHEMA_INVALID', message: m });
  }

  if (signer.usage) {
    const refused = types.filter((t) => !signer.usage!.includes(t));
    if (refused.length) {
      v.errors.push({
        code: 'KEY_USAGE_MISMATCH',
        message: `the signing certificate may sign ${signer.usage.map(typeName).join(', ')} certificates, not ${refused.map(typeName).join(', ')}`,
      });
    }
  }
  if (claims.iat !== undefined && opts.now < claims.iat) {
    v.errors.push({ code: 'NOT_YET_VALID', message: `issued at ${iso(claims.iat)}, after the validation time ${iso(opts.now)}` });
  } else if (claims.nbf !== undefined && opts.now < claims.nbf) {
    v.errors.push({ code: 'NOT_YET_VALID', message: `not valid before ${iso(claims.nbf)}` });
  }
  if (claims.exp !== undefined && opts.now > claims.exp) {
    v.errors.push({ code: 'EXPIRED', message: `the signature expired at ${iso(claims.exp)}` });
  }
  if (opts.revocation?.isRevoked({ kid: sign1.kid, uci, country: claims.iss ?? signer.country, signature: sign1.signature, kty: alg.kty })) {
    v.errors.push({ code: 'REVOKED', message: 'the issuer has revoked this certificate' });
  }
  v.valid = v.errors.length === 0;
  return v;
}

function fail(v: Verdict, code: Problem['code'], message: string): Verdict {
  v.errors.push({ code, message });
  return v;
}

function typeName(t: KeyUsage): string {
  return t === 'v' ? 'vaccination' : t === 't' ? 'test' : t === 'r' ? 'recovery' : 'ITHC comprehensive';
}

function iso(s: number): string {
  return new Date(s * 1000).toISOString().replace('.000Z', 'Z');
}

export interface SignInput {
  format: 'dcc' | 'ithc';
  /** The certificate as a CBOR value (dcc.ts / ithc.ts build these). */
  content: CborValue;
  iss: string;
  iat: number;
  exp: number;
  cti?: Uint8Array;
  kid: Uint8Array;
  signer: Signer;
}

export interface SignedStages {
  code: string;
  claims: Uint8Array;
  protectedHeader: Uint8Array;
  toBeSigned: Uint8Array;
  signature: Uint8Array;
  cose: Uint8Array;
  compressed: Uint8Array;
  base45: string;
}

/** Signs and encodes, returning every intermediate (deterministic except the ECDSA signature). */
export async function signCode(input: SignInput): Promise<SignedStages> {
  const claims = encodeClaims({
    iss: input.iss,
    iat: input.iat,
    exp: input.exp,
    cti: input.cti,
    ...(input.format === 'dcc' ? { dcc: input.content } : { ithc: input.content }),
  });
  const protectedHeader = encodeProtectedHeader(input.signer.alg.id, input.kid);
  const toBeSigned = sigStructure(protectedHeader, claims);
  const signature = await input.signer.sign(toBeSigned);
  const cose = encodeCoseSign1(protectedHeader, claims, signature);
  const compressed = deflate(cose);
  const base45 = encodeBase45(compressed);
  return { code: addPrefix(input.format, base45), claims, protectedHeader, toBeSigned, signature, cose, compressed, base45 };
}
