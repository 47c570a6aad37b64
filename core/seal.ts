/**
 * Sealed codes ("ITHCS1:"): the comprehensive certificate's tagged COSE_Sign1, compressed and
 * encrypted so that only the destination authority can read it. docs/sealed-codes.md is the
 * specification; in short:
 *
 *   code = "ITHCS1:" + base45(COSE_Encrypt)            (no zlib outside: ciphertext does not compress)
 *   plaintext = raw DEFLATE (RFC 1951) of the COSE_Sign1 (compressed inside, where it still can be;
 *               no zlib header or Adler-32: AES-GCM authenticates the plaintext)
 *   COSE_Encrypt (RFC 9052 §5.1, tag 96) = [protected {1: A256GCM}, {5: IV}, ciphertext, [recipient]]
 *   recipient = [protected {1: ECDH-ES + HKDF-256}, {4: kid, -1: ephemeral EC2 P-256 COSE_Key}, h'']
 *   ephemeral key = {1: 2 (EC2), -1: 1 (P-256), -2: x, -3: sign bit of y (true: odd)}, or y in full
 *   CEK = HKDF-SHA-256(salt none, IKM = ECDH x-coordinate,
 *                      info = COSE_KDF_Context [3, [nil,nil,nil], [nil,nil,nil], [256, recipient protected]])
 *   AAD = Enc_structure ["Encrypt", protected, h''] (external AAD empty)
 *
 * Several recipients. With direct key agreement the derived key *is* the content key, so two
 * recipients would need two different content keys for one ciphertext; RFC 9052 §8.5.4 therefore
 * says "When direct key agreement mode is used, there MUST be only one recipient in the message".
 * A partner with two keys (a key rollover) gets one single-recipient code per key, which is what
 * the service and the demo publish (`[{authority, kid, code}]`). When a caller does pass several
 * recipients to one message, the message uses ECDH-ES + A256KW (-31, RFC 9053 §6.4): a random
 * content key wrapped (AES key wrap, RFC 3394) for each recipient under a key derived the same way
 * (KDF context AlgorithmID A256KW, -5). openSealed reads both.
 *
 * Pure: @noble/curves, @noble/hashes and @noble/ciphers, so it runs in browsers and the mini
 * program. Randomness is a parameter (the core has no hidden random source).
 */
import { p256 } from '@noble/curves/nist.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { aeskw, gcm } from '@noble/ciphers/aes.js';
import { decodeBase45, encodeBase45 } from './base45';
import { bytesEqual, toBase64 } from './bytes';
import { Tag, decodeLenient, describeCborValue, encodeStrict, type CborValue } from './cbor';
import { HEADER } from './cose';
import { IthcError } from './errors';
import { withLimits, type Limits } from './limits';
import { P256_SPKI_PREFIX } from './seal-keys';
import { addPrefix, splitPrefix } from './prefix';
import { deflateRaw, inflateRaw } from './zlib';

/** CBOR tag of COSE_Encrypt (RFC 9052 §2). */
export const TAG_COSE_ENCRYPT = 96;

/** COSE algorithm ids used here (RFC 9053 §4.1, §6.3, §6.4; IANA COSE Algorithms). */
export const SEAL_ALGORITHMS = Object.freeze({
  A256GCM: 3,
  A256KW: -5,
  /** ECDH-ES + HKDF-256, direct key agreement: exactly one recipient. */
  ECDH_ES_HKDF_256: -25,
  /** ECDH-ES + A256KW: for messages with several recipients. */
  ECDH_ES_A256KW: -31,
});

/** Recipient header label of the ephemeral key (RFC 9053 §6.4, "ephemeral key", -1). */
export const HEADER_EPHEMERAL_KEY = -1;
/** COSE_Key labels and values for an EC2 P-256 public key (RFC 9052 §7, RFC 9053 §7.1). */
const COSE_KEY = Object.freeze({ kty: 1, crv: -1, x: -2, y: -3, EC2: 2, P256: 1 });

const KEY_BITS = 256;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const COORD_BYTES = 32;
/** A 256-bit key wrapped with AES key wrap: 8 bytes of integrity check value + 32. */
const WRAPPED_KEY_BYTES = 40;

/** Bounds on what a sealed code may hold, beyond the general limits (inflated size, CBOR depth). */
export const SEAL_LIMITS = Object.freeze({
  /** A partner publishes one or two keys; a message for more is not one of ours. */
  maxRecipients: 8,
  maxKidBytes: 64,
});

/** Random bytes of the given length (crypto.getRandomValues, node:crypto.randomBytes, ...). */
export type RandomSource = (n: number) => Uint8Array;

export interface SealRecipient {
  /** The authority key's kid, as the partner registry lists it. */
  kid: Uint8Array;
  /** The authority's P-256 public key: an uncompressed point (65 bytes) or its SubjectPublicKeyInfo DER. */
  publicKey: Uint8Array;
  /**
   * The ephemeral key's y as a sign bit (RFC 9053 §7.1.1 point compression, 33 bytes shorter) or,
   * when false, as the full coordinate, for an authority whose COSE stack reads only that.
   * Default true.
   */
  pointCompression?: boolean;
}

export interface OpeningKey {
  /** When given, the key is tried only on recipients with this kid. */
  kid?: Uint8Array;
  /** The authority's P-256 private scalar, 32 bytes. */
  privateKey: Uint8Array;
}

/**
 * Compresses (raw DEFLATE) and encrypts a tagged COSE_Sign1 to the given recipients; returns the
 * tagged COSE_Encrypt bytes. One recipient: ECDH-ES + HKDF-256 (direct). Several: ECDH-ES + A256KW
 * (see the module header).
 */
export function sealSign1(sign1Bytes: Uint8Array, recipients: readonly SealRecipient[], rng: RandomSource): Uint8Array {
  if (!(sign1Bytes instanceof Uint8Array) || sign1Bytes.length === 0) throw new TypeError('sealSign1 needs the COSE_Sign1 bytes');
  // The plaintext is the tagged COSE_Sign1 (tag 18, head 0xd2), so that once opened it verifies like an open code.
  if (sign1Bytes[0] !== 0xd2) throw new TypeError('sealSign1 seals a tagged COSE_Sign1 (CBOR tag 18)');
  // Checked as unknown: Array.isArray would narrow a readonly array to any[].
  const recipientList: unknown = recipients;
  if (!Array.isArray(recipientList) || recipients.length === 0) throw new TypeError('sealSign1 needs at least one recipient');
  if (recipients.length > SEAL_LIMITS.maxRecipients) throw new RangeError(`at most ${SEAL_LIMITS.maxRecipients} recipients`);
  if (typeof rng !== 'function') throw new TypeError('sealSign1 needs a random source');
  const points = recipients.map((r, i) => {
    if (!(r.kid instanceof Uint8Array) || r.kid.length === 0 || r.kid.length > SEAL_LIMITS.maxKidBytes)
      throw new TypeError(`recipient ${i}: kid must be 1 to ${SEAL_LIMITS.maxKidBytes} bytes`);
    if (r.pointCompression !== undefined && typeof r.pointCompression !== 'boolean') throw new TypeError(`recipient ${i}: pointCompression must be a boolean`);
    return recipientPoint(r.publicKey, i);
  });
  const direct = recipients.length === 1;
  let cek: Uint8Array;
  const recipientStructures: CborValue[] = [];
  if (direct) {
    const protectedBytes = encodeStrict(new Map<CborValue, CborValue>([[HEADER.alg, SEAL_ALGORITHMS.ECDH_ES_HKDF_256]]));
    const { ephemeral, shared } = agree(points[0], rng);
    cek = hkdf(sha256, shared, undefined, kdfContext(SEAL_ALGORITHMS.A256GCM, protectedBytes), KEY_BITS / 8);
    shared.fill(0);
    recipientStructures.push([protectedBytes, recipientHeader(recipients[0], ephemeral), new Uint8Array(0)]);
  } else {
    cek = randomBytes(rng, KEY_BITS / 8);
    const protectedBytes = encodeStrict(new Map<CborValue, CborValue>([[HEADER.alg, SEAL_ALGORITHMS.ECDH_ES_A256KW]]));
    recipients.forEach((r, i) => {
      const { ephemeral, shared } = agree(points[i], rng);
      const kek = hkdf(sha256, shared, undefined, kdfContext(SEAL_ALGORITHMS.A256KW, protectedBytes), KEY_BITS / 8);
      shared.fill(0);
      const wrapped = aeskw(kek).encrypt(cek);
      kek.fill(0);
      recipientStructures.push([protectedBytes, recipientHeader(r, ephemeral), wrapped]);
    });
  }
  const protectedBytes = encodeStrict(new Map<CborValue, CborValue>([[HEADER.alg, SEAL_ALGORITHMS.A256GCM]]));
  const iv = randomBytes(rng, IV_BYTES);
  const ciphertext = gcm(cek, iv, encStructure(protectedBytes)).encrypt(deflateRaw(sign1Bytes));
  cek.fill(0);
  return encodeStrict(new Tag([protectedBytes, new Map<CborValue, CborValue>([[HEADER.iv, iv]]), ciphertext, recipientStructures], TAG_COSE_ENCRYPT));
}

/**
 * Opens a COSE_Encrypt made by sealSign1 (or any sender following docs/sealed-codes.md) with the
 * authority's private keys; returns the COSE_Sign1 (the plaintext inflated, at most
 * limits.maxInflatedBytes). Throws IthcError: COSE_INVALID for a malformed message,
 * ALG_UNSUPPORTED for algorithms other than the ones above, DECRYPT_FAILED when no key given opens
 * it (wrong key, or the code was altered), ZLIB_INVALID or SIZE_LIMIT for a plaintext that does
 * not inflate within the limit.
 */
export function openSealed(coseEncrypt: Uint8Array, keys: readonly OpeningKey[], limits: Partial<Limits> = {}): Uint8Array {
  if (!(coseEncrypt instanceof Uint8Array)) throw new TypeError('openSealed needs the COSE_Encrypt bytes');
  const keyList: unknown = keys;
  if (!Array.isArray(keyList)) throw new TypeError('openSealed needs an array of keys');
  keys.forEach((k, i) => {
    if (!(k?.privateKey instanceof Uint8Array) || !p256.utils.isValidSecretKey(k.privateKey))
      throw new TypeError(`key ${i}: privateKey must be a 32-byte P-256 scalar`);
    if (k.kid !== undefined && !(k.kid instanceof Uint8Array)) throw new TypeError(`key ${i}: kid must be bytes`);
  });
  const lim = withLimits(limits);
  const msg = parseCoseEncrypt(coseEncrypt, lim);
  const sealedFor = [...new Set(msg.recipients.map((r) => (r.kid ? toBase64(r.kid) : '(no kid)')))].join(', ');
  if (keys.length === 0) {
    throw new IthcError(
      'DECRYPT_FAILED',
      `no matching key: this code is sealed for a destination authority (kid ${sealedFor}); give that authority's private key to open it`,
    );
  }
  const aad = encStructure(msg.protectedBytes);
  let attempts = 0;
  for (const r of msg.recipients) {
    for (const k of keys) {
      if (k.kid && r.kid && !bytesEqual(k.kid, r.kid)) continue;
      attempts++;
      const plaintext = tryRecipient(r, k.privateKey, msg, aad);
      // Authentic from here (the GCM tag verified): only its inflated size is bounded.
      if (plaintext) return inflateRaw(plaintext, lim.maxInflatedBytes);
    }
  }
  if (attempts === 0) {
    throw new IthcError(
      'DECRYPT_FAILED',
      `no matching key: this code is sealed for kid ${sealedFor}, and none of the ${keys.length} key${keys.length > 1 ? 's' : ''} given has that kid`,
    );
  }
  throw new IthcError(
    'DECRYPT_FAILED',
    `no matching key: none of the ${keys.length} key${keys.length > 1 ? 's' : ''} given opens this code (sealed for kid ${sealedFor}); it was sealed for another authority's key, or it was altered`,
  );
}

/** `ITHCS1:` + base45(COSE_Encrypt): no zlib around the ciphertext, which would only add 11 bytes. */
export function sealCode(sign1Bytes: Uint8Array, recipients: readonly SealRecipient[], rng: RandomSource): string {
  return addPrefix('sealed', encodeBase45(sealSign1(sign1Bytes, recipients, rng)));
}

/** The COSE_Encrypt bytes of a sealed code (prefix and base45 undone, bounded). */
export function sealedCodeContent(code: string, limitsIn: Partial<Limits> = {}): Uint8Array {
  const limits = withLimits(limitsIn);
  if (typeof code !== 'string') throw new TypeError('code must be a string');
  if (code.length > limits.maxCodeLength) throw new IthcError('SIZE_LIMIT', `code is ${code.length} characters; at most ${limits.maxCodeLength} are accepted`);
  const { format, body } = splitPrefix(code);
  if (format !== 'sealed') throw new IthcError('PREFIX_UNKNOWN', `this is an open ${format === 'dcc' ? 'HC1' : 'ITHC1'} code, not a sealed one`);
  return decodeBase45(body);
}

/** The `openSealed` option of verifyCode (core/hcert.ts) for a set of authority keys. */
export function sealedOpener(keys: readonly OpeningKey[], limits: Partial<Limits> = {}): (coseEncrypt: Uint8Array) => Promise<Uint8Array> {
  const own = keys.map((k) => ({ kid: k.kid?.slice(), privateKey: k.privateKey.slice() }));
  return async (coseEncrypt) => Promise.resolve(openSealed(coseEncrypt, own, limits));
}

export { authorityKid, p256Spki } from './seal-keys';

/** The public key (uncompressed point) of a private scalar: what an authority publishes. */
export function sealPublicKey(privateKey: Uint8Array): Uint8Array {
  return p256.getPublicKey(privateKey, false);
}

// --- structure --------------------------------------------------------------------------------

interface ParsedRecipient {
  alg: number;
  protectedBytes: Uint8Array;
  kid?: Uint8Array;
  /** The ephemeral public key as a SEC1 point. */
  ephemeral: Uint8Array;
  ciphertext: Uint8Array;
}

interface ParsedEncrypt {
  protectedBytes: Uint8Array;
  iv: Uint8Array;
  ciphertext: Uint8Array;
  recipients: ParsedRecipient[];
}

function invalid(message: string): never {
  throw new IthcError('COSE_INVALID', `sealed code: ${message}`);
}

function parseCoseEncrypt(bytes: Uint8Array, limits: Limits): ParsedEncrypt {
  let v = decodeLenient(bytes, limits);
  // Tagged 96 as we write it; untagged is accepted because the ITHCS1: prefix already says what it is.
  if (v instanceof Tag) {
    if (v.tag !== TAG_COSE_ENCRYPT) invalid(`unexpected CBOR tag ${v.tag} (expected 96, COSE_Encrypt)`);
    v = v.value as CborValue;
  }
  if (!Array.isArray(v) || v.length !== 4) invalid('COSE_Encrypt must be an array of four items');
  const [prot, unprot, ciphertext, recipients] = v;
  if (!(prot instanceof Uint8Array)) invalid('protected header must be a byte string');
  if (!(unprot instanceof Map)) invalid('unprotected header must be a map');
  if (!(ciphertext instanceof Uint8Array)) invalid('ciphertext must be an attached byte string');
  if (!Array.isArray(recipients) || recipients.length === 0) invalid('recipients must be a non-empty array');
  if (recipients.length > SEAL_LIMITS.maxRecipients)
    throw new IthcError('SIZE_LIMIT', `sealed code has ${recipients.length} recipients; at most ${SEAL_LIMITS.maxRecipients} are accepted`);
  const ph = headerMap(prot, 'protected header');
  checkNoCrit(ph, unprot);
  const alg = ph.get(HEADER.alg);
  if (alg === undefined) invalid('no content algorithm in the protected header');
  if (alg !== SEAL_ALGORITHMS.A256GCM)
    throw new IthcError('ALG_UNSUPPORTED', `sealed code: content algorithm ${describeCborValue(alg)} is not supported (expected A256GCM, 3)`);
  if (unprot.has(HEADER.alg)) invalid('the content algorithm must be protected');
  if (unprot.has(HEADER.partialIv) || ph.has(HEADER.partialIv)) invalid('partial IVs are not used');
  const iv = unprot.get(HEADER.iv) ?? ph.get(HEADER.iv);
  if (!(iv instanceof Uint8Array) || iv.length !== IV_BYTES) invalid(`IV (header 5) must be ${IV_BYTES} bytes`);
  if (ciphertext.length < TAG_BYTES) invalid('ciphertext is shorter than its authentication tag');
  const parsed = recipients.map((r) => parseRecipient(r));
  if (parsed.length > 1 && parsed.some((r) => r.alg === SEAL_ALGORITHMS.ECDH_ES_HKDF_256)) {
    invalid('direct key agreement allows exactly one recipient (RFC 9052 §8.5.4)');
  }
  return { protectedBytes: prot.slice(), iv: iv.slice(), ciphertext: ciphertext.slice(), recipients: parsed };
}

function parseRecipient(r: CborValue): ParsedRecipient {
  if (!Array.isArray(r) || r.length !== 3) invalid('a recipient must be an array of three items');
  const [prot, unprot, ciphertext] = r;
  if (!(prot instanceof Uint8Array)) invalid('recipient protected header must be a byte string');
  if (!(unprot instanceof Map)) invalid('recipient unprotected header must be a map');
  if (!(ciphertext instanceof Uint8Array)) invalid('recipient ciphertext must be a byte string');
  const ph = headerMap(prot, 'recipient protected header');
  checkNoCrit(ph, unprot);
  const alg = ph.get(HEADER.alg);
  if (alg === undefined) invalid('no key agreement algorithm in the recipient protected header');
  if (alg !== SEAL_ALGORITHMS.ECDH_ES_HKDF_256 && alg !== SEAL_ALGORITHMS.ECDH_ES_A256KW) {
    throw new IthcError(
      'ALG_UNSUPPORTED',
      `sealed code: recipient algorithm ${describeCborValue(alg)} is not supported (expected ECDH-ES + HKDF-256, -25, or ECDH-ES + A256KW, -31)`,
    );
  }
  if (alg === SEAL_ALGORITHMS.ECDH_ES_HKDF_256 && ciphertext.length !== 0) invalid('with direct key agreement the recipient ciphertext is empty');
  if (alg === SEAL_ALGORITHMS.ECDH_ES_A256KW && ciphertext.length !== WRAPPED_KEY_BYTES) invalid(`a wrapped key is ${WRAPPED_KEY_BYTES} bytes`);
  const kid = ph.get(HEADER.kid) ?? unprot.get(HEADER.kid);
  if (kid !== undefined && (!(kid instanceof Uint8Array) || kid.length > SEAL_LIMITS.maxKidBytes))
    invalid(`kid must be a byte string of at most ${SEAL_LIMITS.maxKidBytes} bytes`);
  const key = unprot.get(HEADER_EPHEMERAL_KEY) ?? ph.get(HEADER_EPHEMERAL_KEY);
  if (key === undefined) invalid('no ephemeral key (header -1) in the recipient');
  return { alg, protectedBytes: prot.slice(), kid: kid?.slice(), ephemeral: ephemeralPoint(key), ciphertext: ciphertext.slice() };
}

function headerMap(bytes: Uint8Array, what: string): Map<CborValue, CborValue> {
  if (bytes.length === 0) return new Map();
  let m: CborValue;
  try {
    m = decodeLenient(bytes);
  } catch {
    invalid(`${what} is not well-formed CBOR`);
  }
  if (!(m instanceof Map)) invalid(`${what} must encode a map`);
  return m;
}

/** We understand no critical header parameters (RFC 9052 §3.1), so a message that lists any is refused. */
function checkNoCrit(ph: Map<CborValue, CborValue>, unprot: Map<CborValue, CborValue>): void {
  if (ph.has(HEADER.crit) || unprot.has(HEADER.crit)) invalid('critical header parameters are not supported');
}

/** An EC2 P-256 COSE_Key → SEC1 point, checked to be on the curve. */
function ephemeralPoint(key: CborValue): Uint8Array {
  if (!(key instanceof Map)) invalid('the ephemeral key must be a COSE_Key map');
  if (key.get(COSE_KEY.kty) !== COSE_KEY.EC2) invalid('the ephemeral key must be an EC2 key (kty 2)');
  if (key.get(COSE_KEY.crv) !== COSE_KEY.P256) invalid('the ephemeral key must be on P-256 (crv 1)');
  if (key.has(-4)) invalid('the ephemeral key must not carry a private part');
  const x = key.get(COSE_KEY.x);
  const y = key.get(COSE_KEY.y);
  if (!(x instanceof Uint8Array) || x.length !== COORD_BYTES) invalid(`the ephemeral key's x must be ${COORD_BYTES} bytes`);
  let point: Uint8Array;
  // RFC 9053 §7.1.1: y is the coordinate, or a boolean sign bit (point compression).
  if (y instanceof Uint8Array && y.length === COORD_BYTES) point = Uint8Array.of(4, ...x, ...y);
  else if (typeof y === 'boolean') point = Uint8Array.of(y ? 3 : 2, ...x);
  else invalid(`the ephemeral key's y must be ${COORD_BYTES} bytes or a sign bit`);
  if (!p256.utils.isValidPublicKey(point, point.length === 33)) invalid('the ephemeral key is not a point on P-256');
  return point;
}

// --- cryptography -----------------------------------------------------------------------------

function tryRecipient(r: ParsedRecipient, privateKey: Uint8Array, msg: ParsedEncrypt, aad: Uint8Array): Uint8Array | undefined {
  const direct = r.alg === SEAL_ALGORITHMS.ECDH_ES_HKDF_256;
  const shared = sharedX(privateKey, r.ephemeral);
  // Direct: the derived key is the content key. Key wrap: it is the key that unwraps the content key.
  const derived = hkdf(sha256, shared, undefined, kdfContext(direct ? SEAL_ALGORITHMS.A256GCM : SEAL_ALGORITHMS.A256KW, r.protectedBytes), KEY_BITS / 8);
  shared.fill(0);
  let cek: Uint8Array;
  if (direct) cek = derived;
  else {
    try {
      cek = aeskw(derived).decrypt(r.ciphertext);
    } catch {
      return undefined;
    } finally {
      derived.fill(0);
    }
  }
  try {
    return gcm(cek, msg.iv, aad).decrypt(msg.ciphertext);
  } catch {
    // A failed tag check: not this key, or altered bytes. Both read the same to the caller.
    return undefined;
  } finally {
    cek.fill(0);
  }
}

function sharedX(privateKey: Uint8Array, point: Uint8Array): Uint8Array {
  // The shared secret is the x-coordinate of the ECDH point (RFC 9053 §6.3.1).
  return p256.getSharedSecret(privateKey, point, true).slice(1);
}

function agree(recipient: Uint8Array, rng: RandomSource): { ephemeral: Uint8Array; shared: Uint8Array } {
  const secret = p256.utils.randomSecretKey(randomBytes(rng, p256.lengths.seed ?? 48));
  const ephemeral = p256.getPublicKey(secret, false);
  const shared = sharedX(secret, recipient);
  secret.fill(0);
  return { ephemeral, shared };
}

/** `ephemeral` is the uncompressed SEC1 point 04 ‖ x ‖ y. */
function recipientHeader(r: SealRecipient, ephemeral: Uint8Array): Map<CborValue, CborValue> {
  const y = ephemeral.slice(1 + COORD_BYTES);
  // The sign bit is y's least significant bit, as in SEC1's compressed form (02 even, 03 odd). With
  // ECDH only x of the shared point is used, and ±P give the same x, so a reader that takes either
  // root still derives the same key.
  const coseKey = new Map<CborValue, CborValue>([
    [COSE_KEY.kty, COSE_KEY.EC2],
    [COSE_KEY.crv, COSE_KEY.P256],
    [COSE_KEY.x, ephemeral.slice(1, 1 + COORD_BYTES)],
    [COSE_KEY.y, r.pointCompression === false ? y : (y[COORD_BYTES - 1] & 1) === 1],
  ]);
  return new Map<CborValue, CborValue>([
    [HEADER.kid, r.kid.slice()],
    [HEADER_EPHEMERAL_KEY, coseKey],
  ]);
}

/** COSE_KDF_Context (RFC 9053 §5.2) with empty party info: [alg, [nil,nil,nil], [nil,nil,nil], [256, protected]]. */
export function kdfContext(algorithmId: number, recipientProtected: Uint8Array): Uint8Array {
  const party = [null, null, null];
  return encodeStrict([algorithmId, party, party, [KEY_BITS, recipientProtected]]);
}

/** Enc_structure (RFC 9052 §5.3) with empty external AAD. */
export function encStructure(protectedBytes: Uint8Array): Uint8Array {
  return encodeStrict(['Encrypt', protectedBytes, new Uint8Array(0)]);
}

function recipientPoint(publicKey: Uint8Array, i: number): Uint8Array {
  if (!(publicKey instanceof Uint8Array)) throw new TypeError(`recipient ${i}: publicKey must be bytes`);
  let point = publicKey;
  if (publicKey.length === P256_SPKI_PREFIX.length + 65 && bytesEqual(publicKey.subarray(0, P256_SPKI_PREFIX.length), P256_SPKI_PREFIX)) {
    point = publicKey.subarray(P256_SPKI_PREFIX.length);
  }
  if (point.length !== 65 || point[0] !== 4 || !p256.utils.isValidPublicKey(point, false)) {
    throw new TypeError(`recipient ${i}: publicKey must be an uncompressed P-256 point or its SubjectPublicKeyInfo`);
  }
  return point.slice();
}

function randomBytes(rng: RandomSource, n: number): Uint8Array {
  const b = rng(n);
  if (!(b instanceof Uint8Array) || b.length !== n)
    throw new TypeError(`the random source returned ${b instanceof Uint8Array ? b.length : typeof b} bytes, not ${n}`);
  return b;
}
