/**
 * STAND-IN for the CloudBase document database (wx-server-sdk's `cloud.database()`), in memory.
 *
 * This is not CloudBase and not a CloudBase emulator (none exists): it is a small imitation of the
 * API subset `CloudBaseDatabase` (server/store/cloudbase.ts) used by the store adapter, so the adapter can run
 * the store's contract tests without a cloud. It copies the behaviours the adapter depends on:
 * - `doc(id).get()` on a missing record rejects with errMsg
 *   "document.get:fail document with _id <id> does not exist" (the SDK's default), or resolves
 *   `{ data: null }` with `throwOnNotFound: false`;
 * - `set({ data })` creates or replaces and refuses `_id` in data; `add({ data })` creates, takes
 *   `_id` from data or makes one, and fails on an existing id; `update({ data })` merges nested
 *   objects path by path (MongoDB `$set` of dotted paths) unless a value is wrapped in
 *   `command.set`; empty data is refused;
 * - `where` with literal values (nested objects meaning dotted paths) and the commands
 *   `eq neq lt lte gt gte in`, with MongoDB's matching: typed equality, null matching a missing
 *   field, comparisons within one type, arrays matching by element;
 * - `orderBy` (several allowed), `skip`, `limit` (default 100, at most 1000), `count()`;
 * - `runTransaction(fn, times = 3)`: single-record reads and writes, all or nothing, a rejected
 *   promise with what fn threw (nothing written), `transaction.rollback(reason)`, and a re-run of
 *   fn on a conflict up to `times`. Conflicts are detected optimistically at commit: a record this
 *   transaction read or wrote was changed by someone else since. (CloudBase, on MongoDB, detects
 *   write-write conflicts; checking reads as well is stricter, never looser.)
 * - records are stored as JSON text, so callers never share objects with the store.
 * - `createCollection(name)`, and with `requireCollections` a fresh environment's behaviour: an
 *   operation on a collection nobody created rejects (errCode -502005), creating one that exists
 *   rejects (errCode -501001).
 * Every call yields to the event loop first, as a network call would, so concurrent callers
 * interleave. Error wording other than the not-found message is the stand-in's own.
 */
import { randomBytes } from 'node:crypto';
import type {
  CloudBaseCollectionRef,
  CloudBaseCommand,
  CloudBaseDatabase,
  CloudBaseDocumentRef,
  CloudBaseQuery,
  CloudBaseTransaction,
} from '../../server/store/cloudbase';

export interface CloudBaseStandInOptions {
  /** As `cloud.database({ throwOnNotFound })`: default true, like the SDK. */
  throwOnNotFound?: boolean;
  /**
   * As a fresh CloudBase environment: a collection exists only once `createCollection` made it,
   * and any read or write of another one rejects (DATABASE_COLLECTION_NOT_EXIST). Default false:
   * collections appear on first use, which the store's own tests rely on.
   */
  requireCollections?: boolean;
}

export interface CloudBaseStandIn extends CloudBaseDatabase {
  readonly command: StandInCommands;
  /** As the SDK's `db.createCollection(name)`: rejects when the collection exists. */
  createCollection(name: string): Promise<{ errMsg: string }>;
  /** Copies of a collection's records, in storage order (for tests). */
  dump(collection: string): Record<string, unknown>[];
  /** How many transaction attempts were re-run after a conflict (for tests). */
  readonly conflicts: number;
}

type Op = 'eq' | 'neq' | 'lt' | 'lte' | 'gt' | 'gte' | 'in' | 'set';

/** A command value (`db.command.gt(5)`), told apart from literal objects by its class. */
class StandInCommand {
  constructor(
    readonly op: Op,
    readonly value: unknown,
  ) {}
}

export interface StandInCommands extends CloudBaseCommand {
  /** Update command: replace the field with this value instead of merging into it. */
  set(value: unknown): unknown;
}

const MAX_LIMIT = 1000;
const DEFAULT_LIMIT = 100;
const DEFAULT_TIMES = 3;

function fail(errMsg: string, errCode = -1): Error {
  return Object.assign(new Error(errMsg), { errCode, errMsg });
}

/** A network round trip's worth of interleaving. */
function yieldTurn(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof StandInCommand);
}

/** JSON copy, as the SDK sends data over the wire; commands are not data. */
function toJson(data: unknown, what: string): string {
  const json = JSON.stringify(data, (_k, v: unknown) => {
    if (v instanceof StandInCommand) throw fail(`${what}:fail commands are not allowed here`);
    return v;
  });
  if (json === undefined) throw fail(`${what}:fail data is not JSON`);
  return json;
}

function assertDocId(id: unknown, what: string): asserts id is string {
  if (typeof id !== 'string' || id.length === 0) throw fail(`${what}:fail docId must be a non-empty string`);
}

function assertData(data: unknown, what: string): asserts data is Record<string, unknown> {
  if (!isPlainObject(data) || Object.keys(data).length === 0) throw fail(`${what}:fail data must be a non-empty object`);
}

// --- matching and ordering (MongoDB semantics for the scalar and array cases) ----------------

function getPath(doc: unknown, path: string): unknown {
  let cur: unknown = doc;
  for (const part of path.split('.')) {
    if (!isPlainObject(cur)) return undefined;
    cur = cur[part];
  }
  return cur;
}

/** Compares strings by code point (UTF-8 byte order), as MongoDB and SQLite do. */
function compareStrings(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done || y.done) return x.done && y.done ? 0 : x.done ? -1 : 1;
    const d = (x.value.codePointAt(0) as number) - (y.value.codePointAt(0) as number);
    if (d !== 0) return d;
  }
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

function equalsValue(fieldValue: unknown, target: unknown): boolean {
  if (target === null) return fieldValue === null || fieldValue === undefined;
  if (deepEqual(fieldValue, target)) return true;
  return Array.isArray(fieldValue) && fieldValue.some((el) => deepEqual(el, target));
}

function compareOne(v: unknown, op: 'lt' | 'lte' | 'gt' | 'gte', target: unknown): boolean {
  let d: number;
  if (typeof v === 'number' && typeof target === 'number') d = v - target;
  else if (typeof v === 'string' && typeof target === 'string') d = compareStrings(v, target);
  else return false; // MongoDB compares within one type only
  return op === 'lt' ? d < 0 : op === 'lte' ? d <= 0 : op === 'gt' ? d > 0 : d >= 0;
}

function matchesCommand(fieldValue: unknown, c: StandInCommand): boolean {
  switch (c.op) {
    case 'eq':
      return equalsValue(fieldValue, c.value);
    case 'neq':
      return !equalsValue(fieldValue, c.value);
    case 'in':
      return (c.value as unknown[]).some((t) => equalsValue(fieldValue, t));
    case 'lt':
    case 'lte':
    case 'gt':
    case 'gte': {
      const op = c.op;
      if (Array.isArray(fieldValue)) return fieldValue.some((el) => compareOne(el, op, c.value));
      return compareOne(fieldValue, op, c.value);
    }
    default:
      throw fail(`collection.where:fail ${c.op} is not a query command`);
  }
}

/** Flattens a where object: nested literal objects are dotted paths. */
function flattenWhere(cond: Record<string, unknown>, prefix: string, out: Array<[string, unknown]>): Array<[string, unknown]> {
  for (const [k, v] of Object.entries(cond)) {
    const path = prefix + k;
    if (isPlainObject(v)) flattenWhere(v, `${path}.`, out);
    else out.push([path, v]);
  }
  return out;
}

function matches(doc: Record<string, unknown>, conds: Array<[string, unknown]>): boolean {
  return conds.every(([path, c]) => {
    const v = getPath(doc, path);
    return c instanceof StandInCommand ? matchesCommand(v, c) : equalsValue(v, c);
  });
}

/** MongoDB's order of types: missing and null, numbers, strings, objects, arrays, booleans. */
function typeRank(v: unknown): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number') return 1;
  if (typeof v === 'string') return 2;
  if (Array.isArray(v)) return 4;
  if (typeof v === 'object') return 3;
  return 5;
}

function compareValues(a: unknown, b: unknown): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  if (ra === 0) return 0;
  return compareStrings(JSON.stringify(a), JSON.stringify(b)); // objects and arrays: rough, unused by the store
}

/** update({data}): literal objects merge path by path; command.set replaces. */
function applyUpdate(target: Record<string, unknown>, data: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(data)) {
    if (k === '_id') throw fail('document.update:fail _id cannot be updated');
    if (v instanceof StandInCommand) {
      if (v.op !== 'set') throw fail(`document.update:fail ${v.op} is not an update command`);
      target[k] = JSON.parse(toJson(v.value, 'document.update'));
    } else if (isPlainObject(v)) {
      const sub = isPlainObject(target[k]) ? target[k] : {};
      applyUpdate(sub, v);
      target[k] = sub;
    } else if (v !== undefined) {
      target[k] = JSON.parse(toJson(v, 'document.update'));
    }
  }
}

// --- storage and transactions ----------------------------------------------------------------

type Key = string;
const keyOf = (coll: string, id: string): Key => `${coll}\u0000${id}`;

interface TxState {
  /** Version of each record when this transaction first read it (0: never written). */
  reads: Map<Key, number>;
  /** Buffered writes in order: JSON text, or null for a removal. */
  writes: Map<Key, { coll: string; id: string; json: string | null }>;
  startSeq: number;
  done: boolean;
  rolledBack: { reason: unknown } | null;
}

/** The SDK's codes (CloudBase error codes) for a missing collection and for creating one that exists. */
export const COLLECTION_NOT_EXIST = -502005;
export const COLLECTION_ALREADY_EXISTS = -501001;

class Engine {
  readonly collections = new Map<string, Map<string, string>>();
  /** Sequence number of the last change to each record, removals included. */
  readonly versions = new Map<Key, number>();
  seq = 0;
  conflicts = 0;

  constructor(
    readonly throwOnNotFound: boolean,
    readonly requireCollections: boolean,
  ) {}

  coll(name: string): Map<string, string> {
    if (typeof name !== 'string' || name.length === 0) throw fail('collection:fail collection name must be a non-empty string');
    let c = this.collections.get(name);
    if (!c) {
      if (this.requireCollections)
        throw fail(`collection.${name}:fail ${COLLECTION_NOT_EXIST} DATABASE_COLLECTION_NOT_EXIST: database collection not exists`, COLLECTION_NOT_EXIST);
      c = new Map();
      this.collections.set(name, c);
    }
    return c;
  }

  version(key: Key): number {
    return this.versions.get(key) ?? 0;
  }

  /** Reads a record's JSON, through a transaction's buffer when there is one. */
  read(coll: string, id: string, tx: TxState | null): string | undefined {
    const key = keyOf(coll, id);
    if (tx) {
      const w = tx.writes.get(key);
      if (w) return w.json ?? undefined;
      if (!tx.reads.has(key)) tx.reads.set(key, this.version(key));
    }
    return this.coll(coll).get(id);
  }

  write(coll: string, id: string, json: string | null, tx: TxState | null): void {
    // A write to a missing collection fails when it is made, not halfway through a commit.
    this.coll(coll);
    if (tx) {
      tx.writes.set(keyOf(coll, id), { coll, id, json });
      return;
    }
    this.apply(coll, id, json);
  }

  apply(coll: string, id: string, json: string | null): void {
    const c = this.coll(coll);
    if (json === null) c.delete(id);
    else c.set(id, json);
    this.versions.set(keyOf(coll, id), ++this.seq);
  }

  /** Commits a transaction's writes atomically, or reports a conflict. */
  commit(tx: TxState): boolean {
    for (const [key, seen] of tx.reads) if (this.version(key) !== seen) return false;
    for (const key of tx.writes.keys()) if (this.version(key) > tx.startSeq) return false;
    for (const w of tx.writes.values()) this.apply(w.coll, w.id, w.json);
    return true;
  }
}

function assertTxUsable(tx: TxState | null): void {
  if (!tx) return;
  if (tx.done) throw fail('transaction:fail the transaction is over');
  if (tx.rolledBack) throw fail('transaction:fail the transaction was rolled back');
}

function docRef(engine: Engine, coll: string, id: string, tx: TxState | null): CloudBaseDocumentRef {
  return {
    async get() {
      assertDocId(id, 'document.get');
      await yieldTurn();
      assertTxUsable(tx);
      const json = engine.read(coll, id, tx);
      if (json === undefined) {
        if (engine.throwOnNotFound) throw fail(`document.get:fail document with _id ${id} does not exist`);
        return { data: null };
      }
      return { data: JSON.parse(json) as unknown };
    },
    async set({ data }: { data: Record<string, unknown> }) {
      assertDocId(id, 'document.set');
      assertData(data, 'document.set');
      if (Object.prototype.hasOwnProperty.call(data, '_id')) throw fail('document.set:fail _id cannot be updated');
      const json = toJson({ _id: id, ...data }, 'document.set');
      await yieldTurn();
      assertTxUsable(tx);
      const existed = engine.read(coll, id, tx) !== undefined;
      engine.write(coll, id, json, tx);
      return { _id: id, stats: { updated: existed ? 1 : 0, created: existed ? 0 : 1 } };
    },
    async update({ data }: { data: Record<string, unknown> }) {
      assertDocId(id, 'document.update');
      assertData(data, 'document.update');
      await yieldTurn();
      assertTxUsable(tx);
      const json = engine.read(coll, id, tx);
      if (json === undefined) return { stats: { updated: 0 } };
      const doc = JSON.parse(json) as Record<string, unknown>;
      applyUpdate(doc, data);
      engine.write(coll, id, JSON.stringify(doc), tx);
      return { stats: { updated: 1 } };
    },
    async remove() {
      assertDocId(id, 'document.remove');
      await yieldTurn();
      assertTxUsable(tx);
      const existed = engine.read(coll, id, tx) !== undefined;
      if (existed) engine.write(coll, id, null, tx);
      return { stats: { removed: existed ? 1 : 0 } };
    },
  };
}

async function addRecord(engine: Engine, coll: string, data: Record<string, unknown>, tx: TxState | null): Promise<{ _id: string }> {
  assertData(data, 'collection.add');
  const given = data._id;
  if (given !== undefined) assertDocId(given, 'collection.add');
  const id = given ?? randomBytes(16).toString('hex');
  const json = toJson({ ...data, _id: id }, 'collection.add');
  await yieldTurn();
  assertTxUsable(tx);
  if (engine.read(coll, id, tx) !== undefined) throw fail(`collection.add:fail duplicate key: _id ${id} exists`);
  engine.write(coll, id, json, tx);
  return { _id: id };
}

interface QueryState {
  where: Array<[string, unknown]>;
  orders: Array<[string, 'asc' | 'desc']>;
  skip: number;
  limit: number;
}

function query(engine: Engine, coll: string, state: QueryState): CloudBaseQuery {
  const next = (patch: Partial<QueryState>): CloudBaseQuery => query(engine, coll, { ...state, ...patch });
  const selected = (): Record<string, unknown>[] => {
    const out: Record<string, unknown>[] = [];
    for (const json of engine.coll(coll).values()) {
      const doc = JSON.parse(json) as Record<string, unknown>;
      if (matches(doc, state.where)) out.push(doc);
    }
    return out;
  };
  return {
    where(cond) {
      if (!isPlainObject(cond)) throw fail('collection.where:fail query must be an object');
      return next({ where: flattenWhere(cond, '', []) });
    },
    orderBy(field, order) {
      if (typeof field !== 'string' || field.length === 0) throw fail('collection.orderBy:fail field must be a non-empty string');
      if (order !== 'asc' && order !== 'desc') throw fail('collection.orderBy:fail order must be asc or desc');
      return next({ orders: [...state.orders, [field, order]] });
    },
    skip(n) {
      if (!Number.isInteger(n) || n < 0) throw fail('collection.skip:fail offset must be a non-negative integer');
      return next({ skip: n });
    },
    limit(n) {
      if (!Number.isInteger(n) || n < 1 || n > MAX_LIMIT) throw fail(`collection.limit:fail limit must be an integer in 1..${MAX_LIMIT}`);
      return next({ limit: n });
    },
    async get() {
      await yieldTurn();
      const docs = selected();
      // Array.prototype.sort is stable: records without an order keep storage order.
      docs.sort((a, b) => {
        for (const [field, dir] of state.orders) {
          const d = compareValues(getPath(a, field), getPath(b, field));
          if (d !== 0) return dir === 'asc' ? d : -d;
        }
        return 0;
      });
      return { data: docs.slice(state.skip, state.skip + state.limit) };
    },
    async count() {
      await yieldTurn();
      return { total: selected().length };
    },
  };
}

/** Creates an empty stand-in database. */
export function createCloudBaseStandIn(opts: CloudBaseStandInOptions = {}): CloudBaseStandIn {
  const engine = new Engine(opts.throwOnNotFound ?? true, opts.requireCollections ?? false);
  const command: StandInCommands = {
    eq: (v) => new StandInCommand('eq', v),
    neq: (v) => new StandInCommand('neq', v),
    lt: (v) => new StandInCommand('lt', v),
    lte: (v) => new StandInCommand('lte', v),
    gt: (v) => new StandInCommand('gt', v),
    gte: (v) => new StandInCommand('gte', v),
    in: (values) => {
      if (!Array.isArray(values)) throw fail('command.in:fail needs an array');
      return new StandInCommand('in', [...values]);
    },
    set: (v) => new StandInCommand('set', v),
  };

  const collectionRef = (name: string): CloudBaseCollectionRef => {
    // Like the SDK, naming a collection checks nothing yet: its first operation does.
    if (typeof name !== 'string' || name.length === 0) throw fail('collection:fail collection name must be a non-empty string');
    return {
      ...query(engine, name, { where: [], orders: [], skip: 0, limit: DEFAULT_LIMIT }),
      doc: (id: string) => docRef(engine, name, id, null),
      add: ({ data }) => addRecord(engine, name, data, null),
    };
  };

  async function runTransaction<T>(fn: (t: CloudBaseTransaction) => Promise<T>, times = DEFAULT_TIMES): Promise<T> {
    if (typeof fn !== 'function') throw fail('runTransaction:fail callback must be a function');
    if (!Number.isInteger(times) || times < 1) throw fail('runTransaction:fail times must be a positive integer');
    for (let attempt = 1; ; attempt++) {
      const state: TxState = { reads: new Map(), writes: new Map(), startSeq: engine.seq, done: false, rolledBack: null };
      const t: CloudBaseTransaction = {
        collection: (name: string) => {
          if (typeof name !== 'string' || name.length === 0) throw fail('collection:fail collection name must be a non-empty string');
          return {
            doc: (id: string) => docRef(engine, name, id, state),
            add: ({ data }) => addRecord(engine, name, data, state),
          };
        },
        async rollback(reason?: unknown) {
          assertTxUsable(state);
          state.rolledBack = { reason };
        },
      };
      let result: T;
      try {
        result = await fn(t);
      } catch (e) {
        state.done = true;
        throw state.rolledBack ? state.rolledBack.reason : e;
      }
      state.done = true;
      if (state.rolledBack) throw state.rolledBack.reason;
      await yieldTurn();
      if (engine.commit(state)) return result;
      engine.conflicts++;
      if (attempt >= times) throw fail(`runTransaction:fail write conflict, gave up after ${times} attempts`);
    }
  }

  return {
    command,
    collection: collectionRef,
    runTransaction,
    async createCollection(name: string) {
      if (typeof name !== 'string' || !/^[A-Za-z][A-Za-z0-9_-]{0,63}$/.test(name)) throw fail('createCollection:fail invalid collection name');
      await yieldTurn();
      if (engine.collections.has(name))
        throw fail(
          `createCollection:fail ${COLLECTION_ALREADY_EXISTS} DATABASE_COLLECTION_ALREADY_EXIST: collection ${name} already exists`,
          COLLECTION_ALREADY_EXISTS,
        );
      engine.collections.set(name, new Map());
      return { errMsg: 'createCollection:ok' };
    },
    dump: (name) => [...(engine.collections.get(name)?.values() ?? [])].map((json) => JSON.parse(json) as Record<string, unknown>),
    get conflicts() {
      return engine.conflicts;
    },
  };
}
