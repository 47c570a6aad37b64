/**
 * COSE_Sign1 (RFC 9052 §4.2): parse leniently what others signed, build strictly what we sign.
 * The signature is always checked over the bytes received (protected header and payload exactly
 * as they arrived), never over a re-encoding: real certificates are not canonical.
 */
import { IthcError } from './errors';
import { Tag, decodeLenient, encodeStrict, type CborValue } from './cbor';
import type { Limits } from './limits';
import { DEFAULT_LIMITS } from './limits';

/** RFC 9052 §3.1 common header parameters; x5chain is RFC 9360 §2 (the signer's certificate, then its issuers). */
export const HEADER = Object.freeze({ alg: 1, crit: 2, contentType: 3, kid: 4, iv: 5, partialIv: 6, x5chain: 33 });
/** CBOR tags: COSE_Sign1 (RFC 9052 §2), CWT (RFC 8392 §6). */
export const TAG_COSE_SIGN1 = 18;
export const TAG_CWT = 61;

export type HeaderSource = 'protected' | 'unprotected';

/** A COSE_Sign1 as received: nothing in it is trusted yet. */
export interface UnverifiedCoseSign1 {
  readonly protectedBytes: Uint8Array;
  readonly protectedHeader: Map<CborValue, CborValue>;
  readonly unprotectedHeader: Map<CborValue, CborValue>;
  readonly payload: Uint8Array;
  readonly signature: Uint8Array;
  readonly alg?: CborValue;
  readonly algSource?: HeaderSource;
  readonly kid?: Uint8Array;
  readonly kidSource?: HeaderSource;
  /** The tags found around the array, outermost first (e.g. [61, 18]). */
  readonly tags: number[];
}

export function parseCoseSign1(bytes: Uint8Array, limits: Limits = DEFAULT_LIMITS): UnverifiedCoseSign1 {
  let v = decodeLenient(bytes, limits);
  const tags: number[] = [];
  // Untagged, tagged 18, or tagged twice (61 then 18, seen in CO28) are all accepted.
  while (v instanceof Tag) {
    if ((v.tag !== TAG_COSE_SIGN1 && v.tag !== TAG_CWT) || tags.length >= 2) {
      throw new IthcError('COSE_INVALID', `unexpected CBOR tag ${v.tag} around the COSE message (expected 18, optionally inside 61)`);
    }
    tags.push(v.tag);
    v = v.value as CborValue;
  }
  if (tags.length && tags[tags.length - 1] !== TAG_COSE_SIGN1) {
    throw new IthcError('COSE_INVALID', 'CWT tag 61 must wrap a COSE_Sign1 (tag 18)');
  }
  if (!Array.isArray(v) || v.length !== 4) throw new IthcError('COSE_INVALID', 'COSE_Sign1 must be an array of four items');
  const [prot, unprot, payload, signature] = v;
  if (!(prot instanceof Uint8Array)) throw new IthcError('COSE_INVALID', 'protected header must be a byte string');
  if (!(unprot instanceof Map)) throw new IthcError('COSE_INVALID', 'unprotected header must be a map');
  if (!(payload instanceof Uint8Array)) throw new IthcError('COSE_INVALID', 'payload must be an attached byte string');
  if (!(signature instanceof Uint8Array)) throw new IthcError('COSE_INVALID', 'signature must be a byte string');
  let protectedHeader: Map<CborValue, CborValue>;
  if (prot.length === 0) protectedHeader = new Map();
  else {
    const ph = decodeLenient(prot, limits);
    if (!(ph instanceof Map)) throw new IthcError('COSE_INVALID', 'protected header must encode a map');
    protectedHeader = ph;
  }
  // Protected wins over unprotected (RFC 9052 §3: a parameter must not be in both; HCERT
  // verifiers prefer the protected one, CO18–CO23).
  const pick = (label: number): [CborValue | undefined, HeaderSource | undefined] =>
    protectedHeader.has(label) ? [protectedHeader.get(label), 'protected'] : unprot.has(label) ? [unprot.get(label), 'unprotected'] : [undefined, undefined];
  const [alg, algSource] = pick(HEADER.alg);
  const [kidRaw, kidSource] = pick(HEADER.kid);
  if (kidRaw !== undefined && !(kidRaw instanceof Uint8Array)) throw new IthcError('COSE_INVALID', 'kid must be a byte string');
  return {
    protectedBytes: copy(prot),
    protectedHeader,
    unprotectedHeader: unprot,
    payload: copy(payload),
    signature: copy(signature),
    alg,
    algSource,
    kid: kidRaw === undefined ? undefined : copy(kidRaw),
    kidSource,
    tags,
  };
}

function copy(b: Uint8Array): Uint8Array {
  // Decoders may hand out views into a shared buffer; the message owns its bytes.
  return new Uint8Array(b);
}

/** The encoded array head (4 items) and text string "Signature1" that open every Sig_structure. */
const SIG_STRUCTURE_HEAD = new Uint8Array([0x84, 0x6a, ...'Signature1'.split('').map((c) => c.charCodeAt(0))]);

/**
 * Sig_structure for COSE_Sign1 (RFC 9052 §4.4), external_aad empty: the deterministic encoding of
 * ["Signature1", protected, external_aad, payload], assembled directly. It is built for every
 * code verified, and going through the general encoder cost 2% of a batch verification; the
 * bytes are the same (shortest heads, definite lengths).
 */
export function sigStructure(protectedBytes: Uint8Array, payload: Uint8Array, externalAad: Uint8Array = new Uint8Array(0)): Uint8Array {
  const parts = [protectedBytes, externalAad, payload];
  let size = SIG_STRUCTURE_HEAD.length;
  for (const p of parts) size += byteStringHeadLength(p.length) + p.length;
  const out = new Uint8Array(size);
  out.set(SIG_STRUCTURE_HEAD);
  let o = SIG_STRUCTURE_HEAD.length;
  for (const p of parts) {
    o = writeByteStringHead(out, o, p.length);
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function byteStringHeadLength(n: number): number {
  return n < 24 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : 5;
}

/** Major type 2 with the shortest argument (RFC 8949 §4.2.1); returns the offset after the head. */
function writeByteStringHead(out: Uint8Array, o: number, n: number): number {
  if (n < 24) out[o++] = 0x40 | n;
  else if (n < 0x100) {
    out[o++] = 0x58;
    out[o++] = n;
  } else if (n < 0x10000) {
    out[o++] = 0x59;
    out[o++] = n >> 8;
    out[o++] = n & 0xff;
  } else {
    out[o++] = 0x5a;
    out[o++] = (n >>> 24) & 0xff;
    out[o++] = (n >> 16) & 0xff;
    out[o++] = (n >> 8) & 0xff;
    out[o++] = n & 0xff;
  }
  return o;
}

/** Builds the protected header we sign: {1: alg, 4: kid}, deterministic. */
export function encodeProtectedHeader(alg: number, kid: Uint8Array): Uint8Array {
  return encodeStrict(
    new Map<CborValue, CborValue>([
      [HEADER.alg, alg],
      [HEADER.kid, kid],
    ]),
  );
}

/** Assembles a tagged COSE_Sign1 with an empty unprotected header. */
export function encodeCoseSign1(protectedBytes: Uint8Array, payload: Uint8Array, signature: Uint8Array): Uint8Array {
  return encodeStrict(new Tag([protectedBytes, new Map(), payload, signature], TAG_COSE_SIGN1));
}
