/**
 * Codes as people paste them: a code copied out of an e-mail, a chat or a document arrives with
 * line breaks that the mail client inserted to wrap it. Base45 (RFC 9285) has a SPACE in its
 * alphabet, so whitespace cannot simply be dropped; what is safe (docs/reading-codes.md):
 *
 * - Line breaks (CR, LF, VT, FF, NEL, U+2028, U+2029), tabs and zero-width characters (U+200B,
 *   U+2060, U+FEFF) are not base45 and never part of a code: they are removed.
 * - No-break spaces (U+00A0, U+2007, U+202F), which HTML mail puts for runs of spaces, are read
 *   as SPACE.
 * - Spaces are base45 and stay, including those a mail client left next to a break it inserted
 *   (RFC 3676 "format=flowed" keeps the space at the end of the line).
 * - Spaces at the very start and end are removed: a code starts with its prefix, and base45 text
 *   never ends with a space (a group's last digit is at most 32, a lone byte's at most 5; SPACE is 36).
 * - Some clients wrap at a space and drop it. Where a line break was removed, the code may have
 *   lost a space (next to another space too: base45 has runs of spaces). When the joined text does not decode
 *   (base45 or zlib, whose Adler-32 checksum catches a wrong guess), the decoder tries putting
 *   spaces back at those places (withLostSpaces: at most MAX_CANDIDATES tries). The signature is
 *   checked on whatever decodes, so a wrong guess can only fail, never make a forged code pass.
 */
import { IthcError } from './errors';

/** Not base45, never inside a code: removed wherever they are. */
const REMOVED = /[\t\n\v\f\r\u0085\u2028\u2029\u200b\u2060\ufeff]/;
/** No-break spaces (HTML mail writes runs of spaces as "&nbsp; "): read as the SPACE they stand for. */
const NO_BREAK_SPACES = /[\u00a0\u2007\u202f]/g;

/**
 * Most candidates tried for one code: each is a base45 decode and an inflate that fails within a
 * few bytes (measured: all 4,096 for a 900-character code that never decodes, ~80 ms on one core).
 */
export const MAX_CANDIDATES = 4096;

export interface UnwrappedCode {
  /** The code with line breaks, tabs and zero-width characters removed and the ends trimmed. */
  text: string;
  /** Offsets in `text` where a line break was removed: a space may have been lost there. Ascending. */
  gaps: number[];
}

export function unwrapCode(raw: string): UnwrappedCode {
  const input = raw.replace(NO_BREAK_SPACES, ' ');
  if (!REMOVED.test(input)) return { text: input.trim(), gaps: [] };
  let text = '';
  const gaps: number[] = [];
  // Split at runs of removed characters; a run that held a line break is where a wrap may have dropped a space.
  const parts = input.split(/([\t\n\v\f\r\u0085\u2028\u2029\u200b\u2060\ufeff]+)/);
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (i % 2 === 1) {
      if (/[\n\v\f\r\u0085\u2028\u2029]/.test(part)) gaps.push(text.length);
      continue;
    }
    text += part;
  }
  const lead = text.length - text.trimStart().length;
  const trimmed = text.trim();
  // A break before or after the code (blank lines around it) lost nothing.
  return { text: trimmed, gaps: [...new Set(gaps.map((g) => g - lead))].filter((g) => g > 0 && g < trimmed.length) };
}

/**
 * The text with spaces put back at some of its gaps (offsets at or after `from`), at most
 * MAX_CANDIDATES texts. First as it is (breaks that only wrapped: a hard wrap, RFC 3676's flowed
 * text), then a space at every gap (a client that wraps at spaces and drops them), then at all but
 * one, all but two, ... : such a client breaks at a space wherever the line has one, so few of its
 * breaks lost nothing.
 */
export function* withLostSpaces(u: UnwrappedCode, from: number): Generator<string> {
  yield u.text;
  const gaps = u.gaps.filter((g) => g >= from);
  let budget = MAX_CANDIDATES - 1;
  for (let size = gaps.length; size >= 1; size--) {
    for (const subset of combinations(gaps.length, size)) {
      if (budget-- <= 0) return;
      let s = '';
      let at = 0;
      for (const k of subset) {
        s += u.text.slice(at, gaps[k]) + ' ';
        at = gaps[k];
      }
      yield s + u.text.slice(at);
    }
  }
}

/** Index subsets of {0..n-1} of the given size, in lexicographic order. */
function* combinations(n: number, size: number): Generator<number[]> {
  const idx = Array.from({ length: size }, (_, i) => i);
  while (true) {
    yield idx.slice();
    let i = size - 1;
    while (i >= 0 && idx[i] === n - size + i) i--;
    if (i < 0) return;
    idx[i]++;
    for (let j = i + 1; j < size; j++) idx[j] = idx[j - 1] + 1;
  }
}

/**
 * Runs `decode` on the body (the text after `prefixLength` characters) of each candidate from
 * withLostSpaces, and returns the first that decodes. Only a BASE45_INVALID, ZLIB_INVALID or
 * CBOR_INVALID failure (a sealed code's envelope, which has no checksum) leads to the next candidate; any other (SIZE_LIMIT: a decompression bomb) ends the
 * search at once. When none decodes, the plain text's error is thrown.
 */
/** Failures that say "not this guess": the text did not decode, or decoded into bytes that are not what a code holds. */
const RETRY_ON: ReadonlySet<string> = new Set(['BASE45_INVALID', 'ZLIB_INVALID', 'CBOR_INVALID']);

export function decodeUnwrapped<T>(u: UnwrappedCode, prefixLength: number, decode: (body: string) => T): { body: string; value: T } {
  // A scanned code has no gaps, so the text as it is is the only candidate: decoded without the
  // generator, which a batch verification would otherwise build for every code.
  if (!u.gaps.some((g) => g >= prefixLength)) {
    const body = u.text.slice(prefixLength);
    return { body, value: decode(body) };
  }
  let first: unknown;
  let tried = 0;
  for (const text of withLostSpaces(u, prefixLength)) {
    const body = text.slice(prefixLength);
    try {
      return { body, value: decode(body) };
    } catch (e) {
      if (tried++ === 0) first = e;
      if (!(e instanceof IthcError) || !RETRY_ON.has(e.code)) break;
    }
  }
  throw first;
}
