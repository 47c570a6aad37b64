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
    const c = n % 45;
    n = (n - c) / 45;
    const d = n % 45;
    const e = (n - d) / 45;
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
  let i = 0;
  // Digits are looked up inline (a closure per character cost a third of this function's time);
  // any character outside the alphabet maps to -1, which `bad` turns into the error.
  for (; i + 2 < s.length; i += 3) {
    const c0 = s.charCodeAt(i),
      c1 = s.charCodeAt(i + 1),
      c2 = s.charCodeAt(i + 2);
    const d0 = c0 < 128 ? INDEX[c0] : -1,
      d1 = c1 < 128 ? INDEX[c1] : -1,
      d2 = c2 < 128 ? INDEX[c2] : -1;
    if ((d0 | d1 | d2) < 0) bad(s, i);
    const n = d0 + d1 * 45 + d2 * 2025;
    if (n > 0xffff) throw new IthcError('BASE45_INVALID', `base45 group at position ${i} exceeds two bytes`);
    out[o++] = n >> 8;
    out[o++] = n & 0xff;
  }
  if (rem === 2) {
    const c0 = s.charCodeAt(i),
      c1 = s.charCodeAt(i + 1);
    const d0 = c0 < 128 ? INDEX[c0] : -1,
      d1 = c1 < 128 ? INDEX[c1] : -1;
    if ((d0 | d1) < 0) bad(s, i);
    const n = d0 + d1 * 45;
    if (n > 0xff) throw new IthcError('BASE45_INVALID', `base45 tail at position ${i} exceeds one byte`);
    out[o++] = n;
  }
  return out;
}

/** Names the first character from `from` on that is not base45. */
function bad(s: string, from: number): never {
  let k = from;
  while (k < s.length && s.charCodeAt(k) < 128 && INDEX[s.charCodeAt(k)] >= 0) k++;
  throw new IthcError('BASE45_INVALID', `character ${JSON.stringify(s[k])} at position ${k} is not base45`);
}
