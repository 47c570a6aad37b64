/**
 * CBOR (RFC 8949) in two modes.
 *
 * - Strict, for what we sign: deterministic encoding (§4.2.1): shortest heads, definite lengths,
 *   map keys sorted by their encoded bytes, integers only (no floats), no tags but the ones the
 *   caller builds explicitly. cbor-x's defaults are wrong for signed bytes (tag 259 on maps, tag 64
 *   on Uint8Array in Node only, records, unsorted keys), hence the explicit options below.
 * - Lenient, for what others signed: any well-formed CBOR within bounds. A bounded walk checks
 *   well-formedness, nesting depth and item count *before* cbor-x allocates anything, so a header
 *   that claims four billion items costs nothing.
 */
import { Decoder, Encoder, Tag } from 'cbor-x';
import { IthcError } from './errors';
import type { Limits } from './limits';
import { DEFAULT_LIMITS } from './limits';

export { Tag };

const strictEncoder = new Encoder({
  useRecords: false,
  mapsAsObjects: false,
  useTag259ForMaps: false,
  tagUint8Array: false,
  variableMapSize: true,
  pack: false,
} as ConstructorParameters<typeof Encoder>[0]);

const lenientDecoder = new Decoder({ useRecords: false, mapsAsObjects: false });

export type CborValue = number | bigint | string | boolean | null | undefined | Uint8Array | CborValue[] | Map<CborValue, CborValue> | Tag;

/**
 * Encodes deterministically. Accepts Maps (any key order: they are sorted here), arrays, integers,
 * strings, byte strings, booleans, null and cbor-x Tags. Plain objects are refused so that key
 * types are always explicit. Misuse (a float, an object) throws TypeError: it is our bug, not input.
 */
export function encodeStrict(value: CborValue): Uint8Array {
  const out = strictEncoder.encode(canonical(value));
  // Copy off cbor-x's shared buffer: callers keep and sign these bytes.
  return new Uint8Array(out);
}

function canonical(v: CborValue): unknown {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) throw new TypeError(`strict CBOR carries integers only, got ${v}`);
    // cbor-x writes integers past 32 bits as floats; a bigint keeps them integers. The bound is the
    // head's 32-bit argument, which for a negative n is -1-n: -2^32 still takes 5 bytes (as a number;
    // as a bigint cbor-x would spend 9, found by test/property/cbor.test.ts).
    return v > 0xffffffff || v < -0x100000000 ? BigInt(v) : v;
  }
  // cbor-x writes every bigint with an 8-byte argument; small ones go back to numbers to stay shortest.
  if (typeof v === 'bigint') return v <= 0xffffffffn && v >= -0x100000000n ? Number(v) : v;
  if (v instanceof Uint8Array) return v;
  // Array.from builds the copy in this module's realm: cbor-x writes an array from another realm
  // (structuredClone under jest's sandbox, a vm context) as an indefinite-length iterable, which
  // is not deterministic encoding. map() would keep the other realm's Array.
  if (Array.isArray(v)) return Array.from(v, canonical);
  if (v instanceof Tag) return new Tag(canonical(v.value as CborValue), v.tag);
  if (v instanceof Map) {
    const entries = [...v.entries()].map(([k, val]) => {
      const ck = canonical(k);
      return { key: ck, sortKey: sortKeyOf(ck), value: canonical(val) };
    });
    entries.sort((a, b) => compareBytes(a.sortKey, b.sortKey));
    for (let i = 1; i < entries.length; i++) {
      if (compareBytes(entries[i - 1].sortKey, entries[i].sortKey) === 0) throw new TypeError('duplicate map key');
    }
    return new Map(entries.map((e) => [e.key, e.value]));
  }
  throw new TypeError(`strict CBOR cannot encode ${v === undefined ? 'undefined' : Object.prototype.toString.call(v)}`);
}

/**
 * The encoded bytes of a map key, by which deterministic encoding orders a map (§4.2.1). A signed
 * certificate's maps use a few dozen integer and text keys over and over: those are encoded once
 * (measured: the encoder's call per key was ~9 % of signing a certificate). Keys seen after the
 * table is full, and keys of other types, are encoded each time.
 */
function sortKeyOf(key: unknown): Uint8Array {
  if (typeof key !== 'number' && typeof key !== 'string') return new Uint8Array(strictEncoder.encode(key));
  let bytes = sortKeys.get(key);
  if (!bytes) {
    bytes = new Uint8Array(strictEncoder.encode(key));
    if (sortKeys.size < MAX_SORT_KEYS) sortKeys.set(key, bytes);
  }
  return bytes;
}
const sortKeys = new Map<number | string, Uint8Array>();
const MAX_SORT_KEYS = 1024;

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/**
 * Checks that `bytes` is exactly one well-formed CBOR data item within the limits.
 * Throws CBOR_INVALID for malformed data and SIZE_LIMIT for data past the bounds.
 */
export function checkWellFormed(bytes: Uint8Array, limits: Pick<Limits, 'maxCborDepth' | 'maxCborItems'> = DEFAULT_LIMITS): void {
  let pos = 0;
  let items = 0;
  const fail = (msg: string): never => {
    throw new IthcError('CBOR_INVALID', `malformed CBOR at byte ${pos}: ${msg}`);
  };
  const need = (n: number): void => {
    if (n > bytes.length - pos) fail('unexpected end of data');
  };
  const readArg = (ai: number): number => {
    if (ai < 24) return ai;
    if (ai === 24) {
      need(1);
      return bytes[pos++];
    }
    if (ai === 25) {
      need(2);
      const v = (bytes[pos] << 8) | bytes[pos + 1];
      pos += 2;
      return v;
    }
    if (ai === 26) {
      need(4);
      const v = ((bytes[pos] << 24) >>> 0) + (bytes[pos + 1] << 16) + (bytes[pos + 2] << 8) + bytes[pos + 3];
      pos += 4;
      return v;
    }
    if (ai === 27) {
      need(8);
      const hi = ((bytes[pos] << 24) >>> 0) + (bytes[pos + 1] << 16) + (bytes[pos + 2] << 8) + bytes[pos + 3];
      const lo = ((bytes[pos + 4] << 24) >>> 0) + (bytes[pos + 5] << 16) + (bytes[pos + 6] << 8) + bytes[pos + 7];
      pos += 8;
      // Larger than any length we could hold: the caller's bound check turns this into an error.
      return hi > 0x1fffff ? Number.MAX_SAFE_INTEGER : hi * 0x100000000 + lo;
    }
    return fail(`reserved additional information ${ai}`);
  };
  // Returns true when the item was a "break" stop code (only legal inside indefinite containers).
  const item = (depth: number, allowBreak: boolean): boolean => {
    if (depth > limits.maxCborDepth) throw new IthcError('SIZE_LIMIT', `CBOR nesting deeper than ${limits.maxCborDepth}`);
    if (++items > limits.maxCborItems) throw new IthcError('SIZE_LIMIT', `more than ${limits.maxCborItems} CBOR items`);
    need(1);
    const ib = bytes[pos++];
    const mt = ib >> 5;
    const ai = ib & 0x1f;
    if (ib === 0xff) {
      if (!allowBreak) fail('unexpected break');
      items--;
      return true;
    }
    if (ai === 31) {
      if (mt === 2 || mt === 3) {
        // Indefinite string: chunks of the same major type, definite length each.
        for (;;) {
          need(1);
          if (bytes[pos] === 0xff) {
            pos++;
            break;
          }
          const cb = bytes[pos++];
          if (cb >> 5 !== mt || (cb & 0x1f) === 31) fail('bad chunk in indefinite-length string');
          const len = readArg(cb & 0x1f);
          need(len);
          if (mt === 3 && !isUtf8(bytes, pos, pos + len)) fail('invalid UTF-8 in a text string');
          pos += len;
        }
        return false;
      }
      if (mt === 4 || mt === 5) {
        for (;;) {
          if (item(depth + 1, true)) break;
          if (mt === 5 && item(depth + 1, false)) fail('break inside a map entry');
        }
        return false;
      }
      if (mt === 7) fail('unexpected break');
      fail(`indefinite length on major type ${mt}`);
    }
    const arg = readArg(ai);
    switch (mt) {
      case 0:
      case 1:
        return false;
      case 2:
      case 3:
        need(arg);
        // RFC 8949 §5.3.1: a text string that is not UTF-8 is invalid. cbor-x would turn some such
        // bytes into U+FFFD and throw on others; refusing them all here keeps the outcome one code.
        if (mt === 3 && !isUtf8(bytes, pos, pos + arg)) fail('invalid UTF-8 in a text string');
        pos += arg;
        return false;
      case 4:
      case 5: {
        const n = mt === 5 ? arg * 2 : arg;
        // Every item takes at least one byte: a larger count cannot be genuine.
        if (n > bytes.length - pos) fail(`container claims ${arg} items but only ${bytes.length - pos} bytes remain`);
        for (let i = 0; i < n; i++) item(depth + 1, false);
        return false;
      }
      case 6:
        item(depth + 1, false);
        return false;
      default:
        // Simple values and floats: the head already consumed their bytes.
        if (ai === 24 && arg < 32) fail('two-byte simple value below 32');
        return false;
    }
  };
  item(0, false);
  if (pos !== bytes.length) fail(`${bytes.length - pos} trailing bytes after the data item`);
}

/** UTF-8 as RFC 3629 defines it: shortest forms only, no surrogates, nothing above U+10FFFF. */
function isUtf8(b: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end;) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    let n: number, min: number, cp: number;
    if (c >= 0xc2 && c <= 0xdf) {
      n = 1;
      min = 0x80;
      cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      min = 0x800;
      cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      min = 0x10000;
      cp = c & 0x07;
    } else return false;
    if (i + n >= end) return false;
    for (let k = 1; k <= n; k++) {
      const cc = b[i + k];
      if ((cc & 0xc0) !== 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += n + 1;
  }
  return true;
}

/** Decodes untrusted CBOR leniently, after the bounded well-formedness walk. */
export function decodeLenient(bytes: Uint8Array, limits: Pick<Limits, 'maxCborDepth' | 'maxCborItems'> = DEFAULT_LIMITS): CborValue {
  checkWellFormed(bytes, limits);
  try {
    return lenientDecoder.decode(bytes) as CborValue;
  } catch (e) {
    throw new IthcError('CBOR_INVALID', `malformed CBOR (${e instanceof Error ? e.message : String(e)})`);
  }
}

/**
 * A decoded value as an error message names it: a number, text or simple value as written, any other
 * item by its kind (a hostile header may put a map where a number belongs).
 */
export function describeCborValue(v: unknown): string {
  if (v === null || v === undefined || typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean' || typeof v === 'string') return String(v);
  if (v instanceof Uint8Array) return `a byte string of ${v.length} bytes`;
  if (Array.isArray(v)) return `an array of ${v.length} items`;
  if (v instanceof Map) return `a map of ${v.size} entries`;
  if (v instanceof Tag) return `a value with tag ${String(v.tag)}`;
  return typeof v;
}

/** Reads a value from a CBOR map decoded as Map, or undefined. */
export function mapGet(m: unknown, key: CborValue): CborValue | undefined {
  return m instanceof Map ? (m.get(key) as CborValue | undefined) : undefined;
}

/**
 * Converts decoded CBOR into JSON-compatible data (for DCC payloads, whose keys are strings).
 * Byte strings become base64-less hex-free arrays are not expected in DCC; they are rendered as
 * { "$bytes": hex }. Keys that are not strings are stringified. Prototype keys are kept as data.
 */
export function toJsonValue(v: unknown, depth = 0): unknown {
  if (depth > 64) throw new IthcError('SIZE_LIMIT', 'value nested too deeply');
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return Number(v);
  // cbor-x turns tags 0/1 into Dates; an unparseable one (tag 0 "abcd") is an Invalid Date whose
  // toISOString() throws. Hostile input must not crash the verifier: report it as null, which the
  // schema then refuses.
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
  if (v instanceof Uint8Array) {
    let s = '';
    for (const b of v) s += b.toString(16).padStart(2, '0');
    return { $bytes: s };
  }
  if (Array.isArray(v)) return v.map((x) => toJsonValue(x, depth + 1));
  if (v instanceof Tag) return { $tag: v.tag, value: toJsonValue(v.value, depth + 1) };
  if (v instanceof Map) {
    const o: Record<string, unknown> = {};
    for (const [k, val] of v) setOwn(o, String(k), toJsonValue(val, depth + 1));
    return o;
  }
  if (typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, val] of Object.entries(v as Record<string, unknown>)) setOwn(o, k, toJsonValue(val, depth + 1));
    return o;
  }
  // Not decoded CBOR (cbor-x makes neither a symbol nor a function): named by its kind.
  return describeCborValue(v);
}

/**
 * An own data property, even for the key "__proto__", whose assignment would set the prototype
 * instead. Plain assignment for every other key: defineProperty on each key made this function
 * the costliest step of a batch verification after the signature itself (measured: 5% of CPU).
 */
function setOwn(o: Record<string, unknown>, k: string, value: unknown): void {
  if (k === '__proto__') Object.defineProperty(o, k, { value, enumerable: true, writable: true, configurable: true });
  else o[k] = value;
}
