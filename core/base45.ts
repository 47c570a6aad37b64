/**
 * Base45, RFC 9285: the encoding that fits binary data into a QR code's alphanumeric mode.
 * Two bytes become three characters (little-endian base-45 digits), a trailing byte two.
 */
import { IthcError } from './errors';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
const INDEX = (() => {
  const t = new Int8Array(128).fill(-1);
  for (let i = 0; i < ALPHABET.length; i++) t[ALPHABET.charCodeAt(i)] = i;
  return t;
})();

export function encodeBase45(bytes: Uint8Array): string {
  let s = '';
  let i = 0;
  for (; i + 1 < bytes.length; i += 2) {
    let n = bytes[i] * 256 + bytes[i + 1];
    const c = n % 45; n = (n - c) / 45;
    const d = n % 45; const e = (n - d) / 45;
    s += ALPHABET[c] + ALPHABET[d] + ALPHABET[e];
  }
  if (i < bytes.length) {
    const n = bytes[i];
    s += ALPHABET[n % 45] + ALPHABET[Math.floor(n / 45)];
  }
  return s;
}

export function decodeBase45(s: string): Uint8Array {
  const rem = s.length % 3;
  if (rem === 1) throw new IthcError('BASE45_INVALID', `base45 text has an impossible length (${s.length})`);
  const out = new Uint8Array(Math.floor(s.length / 3) * 2 + (rem === 2 ? 1 : 0));
  let o = 0;
  const digit = (k: number): number => {
    const ch = s.charCodeAt(k);
    const v = ch < 128 ? INDEX[ch] : -1;
    if (v < 0) throw new IthcError('BASE45_INVALID', `character ${JSON.stringify(s[k])} at position ${k} is not base45`);
    return v;
  };
  let i = 0;
  for (; i + 2 < s.length; i += 3) {
    const n = digit(i) + digit(i + 1) * 45 + digit(i + 2) * 2025;
    if (n > 0xffff) throw new IthcError('BASE45_INVALID', `base45 group at position ${i} exceeds two bytes`);
    out[o++] = n >> 8;
    out[o++] = n & 0xff;
  }
  if (rem === 2) {
    const n = digit(i) + digit(i + 1) * 45;
    if (n > 0xff) throw new IthcError('BASE45_INVALID', `base45 tail at position ${i} exceeds one byte`);
    out[o++] = n;
  }
  return out;
}
