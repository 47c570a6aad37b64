/**
 * Checks shared by both store adapters, so that a call either fails the same way on SQLite and on
 * CloudBase or succeeds the same way on both.
 *
 * What a caller passes here comes from our own services (they validate untrusted input first), so a
 * bad collection, id, filter or document is a programming error: TypeError for a wrong shape,
 * RangeError for a size over its bound. Nothing is written when a check fails.
 */
import { COLLECTIONS, type CollectionName, type Condition, type Doc, type Filter, type FindOptions, type Json, type Scalar } from './store';

/** Limits of the store. CloudBase caps a query at 1000 documents (server SDK) and defaults to 100. */
export const STORE_LIMITS = Object.freeze({
  /** Document ids: long enough for a prefixed SHA-256 hex digest, short enough for logs. */
  idLength: 128,
  /** Serialised document (UTF-8 JSON). CloudBase allows more; our largest documents (certificates with their codes) are a few KB. */
  docBytes: 512 * 1024,
  /** Nesting depth of a document. */
  depth: 32,
  /** Length of one object key. */
  keyLength: 256,
  /** Fields in one filter. */
  filterFields: 16,
  /** Values in one `$in`. */
  inValues: 100,
  /** Length of a string in a filter. */
  filterString: 1024,
  defaultLimit: 100,
  maxLimit: 1000,
  /** Deep skips are slow on both backends: page by a field instead. */
  maxSkip: 100_000,
} as const);

/**
 * Ids: ASCII letters, digits and `_ - . : @ + =`. This covers idNumbers, openids, source ids,
 * base64url kids and hex digests, and keeps ids safe in URLs, logs and CloudBase paths.
 */
const ID_PATTERN = /^[A-Za-z0-9_\-.:@+=]+$/;

/** Filter and sort fields: `_id`, or an identifier path of up to four levels (`a.b.c.d`). */
const FIELD_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,63}(\.[A-Za-z_][A-Za-z0-9_]{0,63}){0,3}$/;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * No lone surrogate (UTF-8 cannot carry one). String.prototype.isWellFormed (ES2024, Node 20) is
 * one native scan; the regular expression is the fallback for older runtimes. Every string of
 * every document written passes here, certificate codes among them.
 */
const isWellFormed: (s: string) => boolean =
  typeof (String.prototype as { isWellFormed?: unknown }).isWellFormed === 'function'
    ? (s) => (s as string & { isWellFormed(): boolean }).isWellFormed()
    : (s) => !LONE_SURROGATE.test(s);

const COLLECTION_SET: ReadonlySet<string> = new Set(COLLECTIONS);

export function assertCollection(coll: unknown): asserts coll is CollectionName {
  if (typeof coll !== 'string' || !COLLECTION_SET.has(coll)) throw new TypeError(`unknown collection ${JSON.stringify(String(coll)).slice(0, 80)}`);
}

export function assertId(id: unknown): asserts id is string {
  if (typeof id !== 'string') throw new TypeError('document id must be a string');
  if (id.length === 0 || id.length > STORE_LIMITS.idLength || !ID_PATTERN.test(id)) {
    throw new TypeError(`bad document id ${JSON.stringify(id.slice(0, 40))}: 1-${STORE_LIMITS.idLength} characters of [A-Za-z0-9_-.:@+=]`);
  }
}

/**
 * Copies a JSON value, checking that JSON carries it unchanged: finite numbers, well-formed strings,
 * plain objects and arrays only. `undefined` object members are dropped (JSON has no undefined);
 * `undefined` in an array is refused (JSON would turn it into null).
 */
function cleanJson(v: unknown, depth: number, path: string): Json {
  if (depth > STORE_LIMITS.depth) throw new RangeError(`document nested deeper than ${STORE_LIMITS.depth} at ${path}`);
  const scalar = cleanScalar(v);
  if (scalar !== NOT_SCALAR) {
    if (scalar === BAD_NUMBER) throw new TypeError(`non-finite number at ${path}`);
    if (scalar === BAD_STRING) throw new TypeError(`string with a lone surrogate at ${path}`);
    return scalar;
  }
  // Members that are scalars are checked here, without recursing: building each member's path
  // (for error messages only) was a measurable share of issuing a certificate.
  if (Array.isArray(v)) {
    const out = new Array<Json>(v.length);
    for (let i = 0; i < v.length; i++) {
      const item: unknown = v[i];
      if (item === undefined) throw new TypeError(`undefined array element at ${path}[${i}]`);
      const c = cleanScalar(item);
      out[i] = c === NOT_SCALAR || c === BAD_NUMBER || c === BAD_STRING ? cleanJson(item, depth + 1, `${path}[${i}]`) : c;
    }
    return out;
  }
  if (typeof v === 'object' && v !== null) {
    const proto: unknown = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) throw new TypeError(`not a plain object at ${path}`);
    const out: { [k: string]: Json } = {};
    for (const k of Object.keys(v)) {
      assertKey(k, path);
      const item = (v as Record<string, unknown>)[k];
      if (item === undefined) continue;
      const c = cleanScalar(item);
      out[k] = c === NOT_SCALAR || c === BAD_NUMBER || c === BAD_STRING ? cleanJson(item, depth + 1, `${path}.${k}`) : c;
    }
    return out;
  }
  throw new TypeError(`${typeof v} is not JSON at ${path}`);
}

const NOT_SCALAR = Symbol('not a scalar');
const BAD_NUMBER = Symbol('non-finite number');
const BAD_STRING = Symbol('lone surrogate');

/** A JSON scalar as stored (-0 as 0), or why it cannot be stored, or NOT_SCALAR. */
function cleanScalar(v: unknown): Json | typeof NOT_SCALAR | typeof BAD_NUMBER | typeof BAD_STRING {
  if (v === null || typeof v === 'boolean') return v;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return BAD_NUMBER;
    return v === 0 ? 0 : v; // -0 does not survive JSON: store 0 everywhere
  }
  if (typeof v === 'string') return isWellFormed(v) ? v : BAD_STRING;
  return NOT_SCALAR;
}

/** Keys CloudBase (MongoDB) can store and query: no `$` prefix, no dots, no NUL, not empty. */
function assertKey(k: string, path: string): void {
  if (k.length === 0 || k.length > STORE_LIMITS.keyLength || k.startsWith('$') || k.includes('.') || k.includes('\u0000') || !isWellFormed(k)) {
    throw new TypeError(`bad key ${JSON.stringify(k.slice(0, 40))} at ${path}`);
  }
}

const encoder = new TextEncoder();

function assertSize(json: string): void {
  // UTF-8 is at most 3 bytes per UTF-16 unit: skip the encoding when the bound cannot be reached.
  if (json.length * 3 > STORE_LIMITS.docBytes && encoder.encode(json).length > STORE_LIMITS.docBytes) {
    throw new RangeError(`document larger than ${STORE_LIMITS.docBytes} bytes`);
  }
}

/** A checked document: a clean copy and its JSON text. */
export interface CheckedDoc {
  doc: Doc;
  json: string;
}

/**
 * Checks a whole document. It needs at least one field besides `_id`: CloudBase refuses to
 * `set` an empty record, so SQLite refuses it too.
 */
export function checkDoc(doc: unknown): CheckedDoc {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new TypeError('document must be an object');
  assertId((doc as { _id?: unknown })._id);
  const clean = cleanJson(doc, 0, '$') as Doc;
  if (Object.keys(clean).length < 2) throw new TypeError('document has no field besides _id');
  const json = JSON.stringify(clean);
  assertSize(json);
  return { doc: clean, json };
}

/** Checks an update patch and applies it: top-level fields replace the stored ones (no deep merge). */
export function applyPatch(existing: Doc, patch: unknown): CheckedDoc {
  if (!patch || typeof patch !== 'object' || Array.isArray(patch)) throw new TypeError('patch must be an object');
  if (Object.prototype.hasOwnProperty.call(patch, '_id')) throw new TypeError('a patch cannot change _id');
  const clean = cleanJson(patch, 0, '$') as { [k: string]: Json };
  return checkDoc({ ...existing, ...clean });
}

/** A filter after checking: one condition per field, operators spelled out. */
export type CheckedCondition =
  | { field: string; op: 'eq' | 'ne'; value: Scalar }
  | { field: string; op: 'lt' | 'lte' | 'gt' | 'gte'; value: number | string }
  | { field: string; op: 'in'; value: Scalar[] };

export type ComparisonOp = 'lt' | 'lte' | 'gt' | 'gte';

function assertField(field: string): void {
  if (field !== '_id' && !FIELD_PATTERN.test(field)) throw new TypeError(`bad field ${JSON.stringify(field.slice(0, 80))}`);
}

function checkScalar(v: unknown, where: string): Scalar {
  if (v === null || typeof v === 'boolean') return v;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new TypeError(`non-finite number in filter ${where}`);
    return v === 0 ? 0 : v;
  }
  if (typeof v === 'string') {
    if (v.length > STORE_LIMITS.filterString) throw new RangeError(`filter string longer than ${STORE_LIMITS.filterString} at ${where}`);
    if (LONE_SURROGATE.test(v)) throw new TypeError(`string with a lone surrogate in filter ${where}`);
    return v;
  }
  throw new TypeError(`filter value at ${where} must be a string, number, boolean or null`);
}

const OPERATORS: Readonly<Record<string, CheckedCondition['op']>> = Object.freeze({
  $eq: 'eq',
  $ne: 'ne',
  $lt: 'lt',
  $lte: 'lte',
  $gt: 'gt',
  $gte: 'gte',
  $in: 'in',
});

/**
 * Checks a filter. Semantics (MongoDB's, which CloudBase has and the SQLite adapter reproduces):
 * - equality is typed: 1 matches 1 and 1.0, never true or "1";
 * - `null` (as a value, `$eq` or inside `$in`) also matches a missing field;
 * - `$ne` matches documents whose field is missing or of another type;
 * - `$lt`/`$lte`/`$gt`/`$gte` compare numbers with numbers and strings with strings (by code
 *   point, which is UTF-8 byte order); a field of another type never matches;
 * - filtered fields are expected to hold scalars (arrays match differently on each backend).
 */
export function checkFilter(filter: unknown): CheckedCondition[] {
  if (!filter || typeof filter !== 'object' || Array.isArray(filter)) throw new TypeError('filter must be an object');
  const entries = Object.entries(filter as Filter);
  if (entries.length > STORE_LIMITS.filterFields) throw new RangeError(`filter has more than ${STORE_LIMITS.filterFields} fields`);
  const out: CheckedCondition[] = [];
  for (const [field, cond] of entries) {
    assertField(field);
    out.push(checkCondition(field, cond));
  }
  return out;
}

function checkCondition(field: string, cond: Condition | undefined): CheckedCondition {
  if (cond === null || typeof cond !== 'object') return { field, op: 'eq', value: checkScalar(cond, field) };
  const keys = Object.keys(cond);
  if (keys.length !== 1 || !OPERATORS[keys[0]]) throw new TypeError(`filter on ${field} needs exactly one of ${Object.keys(OPERATORS).join(' ')}`);
  const op = OPERATORS[keys[0]];
  const raw = (cond as Record<string, unknown>)[keys[0]];
  if (op === 'in') {
    if (!Array.isArray(raw)) throw new TypeError(`$in on ${field} needs an array`);
    if (raw.length > STORE_LIMITS.inValues) throw new RangeError(`$in on ${field} has more than ${STORE_LIMITS.inValues} values`);
    return { field, op, value: raw.map((v, i) => checkScalar(v, `${field}[${i}]`)) };
  }
  const value = checkScalar(raw, field);
  if (op === 'eq' || op === 'ne') return { field, op, value };
  if (typeof value !== 'number' && typeof value !== 'string') throw new TypeError(`${keys[0]} on ${field} needs a number or a string`);
  return { field, op, value };
}

export interface CheckedFindOptions {
  orderBy: { field: string; direction: 'asc' | 'desc' } | null;
  limit: number;
  skip: number;
}

export function checkFindOptions(opts: FindOptions | undefined): CheckedFindOptions {
  if (opts === undefined) return { orderBy: null, limit: STORE_LIMITS.defaultLimit, skip: 0 };
  if (!opts || typeof opts !== 'object') throw new TypeError('find options must be an object');
  let orderBy: CheckedFindOptions['orderBy'] = null;
  if (opts.orderBy !== undefined) {
    const { field, direction } = opts.orderBy;
    if (typeof field !== 'string') throw new TypeError('orderBy.field must be a string');
    assertField(field);
    if (direction !== 'asc' && direction !== 'desc') throw new TypeError('orderBy.direction must be asc or desc');
    orderBy = { field, direction };
  }
  const limit = opts.limit ?? STORE_LIMITS.defaultLimit;
  if (!Number.isInteger(limit) || limit < 1 || limit > STORE_LIMITS.maxLimit) throw new RangeError(`limit must be an integer in 1..${STORE_LIMITS.maxLimit}`);
  const skip = opts.skip ?? 0;
  if (!Number.isInteger(skip) || skip < 0 || skip > STORE_LIMITS.maxSkip) throw new RangeError(`skip must be an integer in 0..${STORE_LIMITS.maxSkip}`);
  return { orderBy, limit, skip };
}

/** Parses a stored document back, checking it is what a store may hold. */
export function parseStored(json: string, coll: string, id: string): Doc {
  const doc = JSON.parse(json) as unknown;
  if (!doc || typeof doc !== 'object' || Array.isArray(doc) || (doc as Doc)._id !== id) throw new Error(`stored document ${coll}/${id} is malformed`);
  return doc as Doc;
}
