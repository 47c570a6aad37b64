/**
 * An opener for sealed codes written from RFC 9052/9053 and docs/sealed-codes.md alone, with none
 * of core/: node:crypto and WebCrypto for the cryptography (ECDH via crypto.subtle.deriveBits, HKDF
 * via crypto.hkdfSync, AES-GCM and AES key wrap via createDecipheriv), cbor-x to read the message,
 * and the few CBOR byte strings the KDF context and Enc_structure need assembled by hand. If it
 * opens our codes, another authority's implementation can too.
 */
import { ECDH, createDecipheriv, hkdfSync, webcrypto } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import { Decoder, Tag } from 'cbor-x';

const decoder = new Decoder({ mapsAsObjects: false, useRecords: false });

const BASE45 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';

/** RFC 9285, written out again. */
export function base45Decode(s: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < s.length; i += 3) {
    const chunk = s
      .slice(i, i + 3)
      .split('')
      .map((c) => BASE45.indexOf(c));
    if (chunk.some((d) => d < 0)) throw new Error('not base45');
    const n = chunk.reduce((acc, d, k) => acc + d * 45 ** k, 0);
    if (chunk.length === 3) out.push(n >> 8, n & 0xff);
    else out.push(n);
  }
  return Buffer.from(out);
}

/** The COSE_Encrypt bytes of an ITHCS1: code: base45, no zlib (docs/sealed-codes.md). */
export function coseOfSealedCode(code: string): Buffer {
  if (!code.startsWith('ITHCS1:')) throw new Error('not a sealed code');
  return base45Decode(code.slice('ITHCS1:'.length));
}

/** A definite-length CBOR byte string head + content (RFC 8949 §3.1, major type 2). */
function bstr(b: Uint8Array): Buffer {
  const n = b.length;
  const head = n < 24 ? [0x40 | n] : n < 256 ? [0x58, n] : [0x59, n >> 8, n & 0xff];
  return Buffer.concat([Buffer.from(head), Buffer.from(b)]);
}

/** CBOR for a small integer (major type 0 or 1, |n| < 24 or one extra byte). */
function int(n: number): Buffer {
  const [mt, v] = n >= 0 ? [0x00, n] : [0x20, -1 - n];
  return Buffer.from(v < 24 ? [mt | v] : [mt | 24, v]);
}

/** COSE_KDF_Context [alg, [nil,nil,nil], [nil,nil,nil], [256, protected]] (RFC 9053 §5.2). */
function kdfContext(alg: number, protectedBytes: Uint8Array): Buffer {
  return Buffer.concat([
    Buffer.from([0x84]),
    int(alg),
    Buffer.from([0x83, 0xf6, 0xf6, 0xf6, 0x83, 0xf6, 0xf6, 0xf6, 0x82, 0x19, 0x01, 0x00]),
    bstr(protectedBytes),
  ]);
}

/** Enc_structure ["Encrypt", protected, h''] (RFC 9052 §5.3). */
function encStructure(protectedBytes: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([0x83, 0x67]), Buffer.from('Encrypt'), bstr(protectedBytes), Buffer.from([0x40])]);
}

const b64u = (b: Uint8Array) => Buffer.from(b).toString('base64url');

/**
 * Opens a COSE_Encrypt with the authority's private key (a JWK with d, x, y). Tries each recipient;
 * returns the COSE_Sign1 (the plaintext, raw DEFLATE, inflated by node's zlib), or throws.
 */
export async function independentOpen(coseEncrypt: Uint8Array, privateJwk: JsonWebKey): Promise<Buffer> {
  return inflateRawSync(await independentDecrypt(coseEncrypt, privateJwk));
}

/** As independentOpen, but returns the decrypted plaintext as it is: the raw DEFLATE stream. */
export async function independentDecrypt(coseEncrypt: Uint8Array, privateJwk: JsonWebKey): Promise<Buffer> {
  const top = decoder.decode(coseEncrypt);
  if (!(top instanceof Tag) || top.tag !== 96) throw new Error('not a tagged COSE_Encrypt');
  const [protectedBytes, unprotected, ciphertext, recipients] = top.value as [Uint8Array, Map<number, unknown>, Uint8Array, unknown[][]];
  const contentAlg = (decoder.decode(protectedBytes) as Map<number, unknown>).get(1);
  if (contentAlg !== 3) throw new Error(`content algorithm ${String(contentAlg)} is not A256GCM`);
  const iv = unprotected.get(5) as Uint8Array;
  const privateKey = await webcrypto.subtle.importKey('jwk', { ...privateJwk, key_ops: ['deriveBits'] }, { name: 'ECDH', namedCurve: 'P-256' }, false, [
    'deriveBits',
  ]);
  for (const [rProtected, rUnprotected, rCiphertext] of recipients as [Uint8Array, Map<number, unknown>, Uint8Array][]) {
    const alg = (decoder.decode(rProtected) as Map<number, unknown>).get(1);
    const epk = rUnprotected.get(-1) as Map<number, unknown>;
    if (epk.get(1) !== 2 || epk.get(-1) !== 1) throw new Error('ephemeral key is not EC2 P-256');
    const x = epk.get(-2) as Uint8Array;
    let y = epk.get(-3) as Uint8Array | boolean;
    if (typeof y === 'boolean') {
      // RFC 9053 §7.1.1: y may be the sign bit; OpenSSL recovers the coordinate from SEC1 02/03 ‖ x.
      const full = ECDH.convertKey(Buffer.concat([Buffer.from([y ? 3 : 2]), x]), 'prime256v1', undefined, undefined, 'uncompressed') as Buffer;
      y = full.subarray(33);
    }
    const publicKey = await webcrypto.subtle.importKey(
      'jwk',
      { kty: 'EC', crv: 'P-256', x: b64u(x), y: b64u(y) },
      { name: 'ECDH', namedCurve: 'P-256' },
      false,
      [],
    );
    const shared = Buffer.from(await webcrypto.subtle.deriveBits({ name: 'ECDH', public: publicKey }, privateKey, 256));
    let cek: Buffer;
    if (alg === -25) {
      cek = Buffer.from(hkdfSync('sha256', shared, Buffer.alloc(0), kdfContext(3, rProtected), 32));
    } else if (alg === -31) {
      const kek = Buffer.from(hkdfSync('sha256', shared, Buffer.alloc(0), kdfContext(-5, rProtected), 32));
      try {
        const unwrap = createDecipheriv('id-aes256-wrap', kek, Buffer.from('A6A6A6A6A6A6A6A6', 'hex'));
        cek = Buffer.concat([unwrap.update(rCiphertext), unwrap.final()]);
      } catch {
        continue;
      }
    } else throw new Error(`recipient algorithm ${String(alg)}`);
    try {
      const d = createDecipheriv('aes-256-gcm', cek, iv);
      d.setAAD(encStructure(protectedBytes));
      d.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
      return Buffer.concat([d.update(ciphertext.subarray(0, ciphertext.length - 16)), d.final()]);
    } catch {
      // Not this recipient.
    }
  }
  throw new Error('no recipient opens with this key');
}
