/**
 * The store on the CloudBase document database of WeChat Cloud Development (`cloud.database()` of
 * wx-server-sdk), for production.
 *
 * wx-server-sdk is not imported here: the subset of its database API that we use is typed below as
 * `CloudBaseDatabase`, the cloud function passes `cloud.database({ throwOnNotFound: false })` in,
 * and tests pass the stand-in (test/support/cloudbase-standin.ts). The shapes follow the SDK's reference
 * (developers.weixin.qq.com/miniprogram/dev/wxcloud/reference-sdk-api/database/):
 * - `doc(id).get()` resolves `{ data }`. A missing record rejects with
 *   "document.get:fail document with _id … does not exist" unless the database was created with
 *   `throwOnNotFound: false` (wx-server-sdk ≥ 1.7.0), in which case `data` is empty. Both are handled.
 * - `doc(id).set({ data })` creates or replaces; `data` must not contain `_id`.
 * - `doc(id).update({ data })` merges nested objects field by field (it is a `$set` of dotted
 *   paths), unlike our `update`, which replaces top-level fields: so `update` is done here as
 *   get + set inside a transaction.
 * - `where(cond).orderBy(f, dir).skip(n).limit(n).get()` → `{ data: [...] }`; default 100, at most
 *   1000 per query in cloud functions. `count()` → `{ total }`.
 * - `db.command` builds `eq neq lt lte gt gte in` conditions.
 * - `db.runTransaction(async (transaction) => …, times)` runs single-record operations
 *   (`transaction.collection(c).doc(id).get/set/update/remove`, `collection(c).add`), commits when
 *   the callback resolves, rolls back when it throws (rejecting with what it threw), and re-runs
 *   the callback on a write conflict up to `times` (default 3).
 *
 * An insert must fail when the id exists, and CloudBase's duplicate-key error has no documented
 * code, so insert is also get + set in a transaction: two racing inserts conflict, the loser is
 * re-run, sees the record and fails with StoreConflict.
 */
import { Serializer } from './serial';
import { StoreConflict, StoreNotFound, type CollectionName, type Doc, type Filter, type FindOptions, type Json, type Store, type TxOps } from './store';
import { applyPatch, assertCollection, assertId, checkDoc, checkFilter, checkFindOptions, type CheckedCondition } from './validate';

/** Query commands from `db.command`; the values they return are opaque to us. */
export interface CloudBaseCommand {
  eq(value: unknown): unknown;
  neq(value: unknown): unknown;
  lt(value: unknown): unknown;
  lte(value: unknown): unknown;
  gt(value: unknown): unknown;
  gte(value: unknown): unknown;
  in(values: unknown[]): unknown;
}

export interface CloudBaseQuery {
  where(cond: Record<string, unknown>): CloudBaseQuery;
  orderBy(field: string, order: 'asc' | 'desc'): CloudBaseQuery;
  skip(n: number): CloudBaseQuery;
  limit(n: number): CloudBaseQuery;
  get(): Promise<{ data: unknown[] }>;
  count(): Promise<{ total: number }>;
}

export interface CloudBaseDocumentRef {
  get(): Promise<{ data?: unknown }>;
  set(opts: { data: Record<string, unknown> }): Promise<unknown>;
  update(opts: { data: Record<string, unknown> }): Promise<unknown>;
  remove(): Promise<unknown>;
}

export interface CloudBaseCollectionRef extends CloudBaseQuery {
  doc(id: string): CloudBaseDocumentRef;
  add(opts: { data: Record<string, unknown> }): Promise<{ _id: string | number }>;
}

export interface CloudBaseTransaction {
  collection(name: string): {
    doc(id: string): CloudBaseDocumentRef;
    add(opts: { data: Record<string, unknown> }): Promise<{ _id: string | number }>;
  };
  rollback(reason?: unknown): Promise<unknown>;
}

export interface CloudBaseDatabase {
  readonly command: CloudBaseCommand;
  collection(name: string): CloudBaseCollectionRef;
  runTransaction<T>(fn: (transaction: CloudBaseTransaction) => Promise<T>, times?: number): Promise<T>;
}

export interface CloudBaseStoreOptions {
  /** How many times CloudBase may run a transaction callback that hit a write conflict. Default 5. */
  transactionAttempts?: number;
}

/** True for the error doc.get throws on a missing record when throwOnNotFound is on. */
export function isMissingDocumentError(e: unknown): boolean {
  if (!e || typeof e !== 'object') return false;
  const given = (e as { errMsg?: unknown }).errMsg ?? (e as { message?: unknown }).message;
  const msg = typeof given === 'string' ? given : '';
  return /document\.get:fail/.test(msg) && /not exist/.test(msg);
}

/** Reads a doc.get result: the record, or null when it does not exist (either SDK setting). */
async function readDoc(ref: CloudBaseDocumentRef, coll: string, id: string): Promise<Doc | null> {
  let res: { data?: unknown };
  try {
    res = await ref.get();
  } catch (e) {
    if (isMissingDocumentError(e)) return null;
    throw e;
  }
  // Some SDK versions answer with a one-element array.
  const data: unknown = Array.isArray(res?.data) ? res.data[0] : res?.data;
  if (data === null || data === undefined) return null;
  if (typeof data !== 'object' || (data as Doc)._id !== id) throw new Error(`CloudBase returned a malformed record for ${coll}/${id}`);
  return data as Doc;
}

/** The record body for set(): CloudBase takes the id from doc(id) and refuses `_id` in data. */
function body(doc: Doc): Record<string, unknown> {
  const { _id, ...rest } = doc;
  void _id;
  return rest;
}

function whereObject(db: CloudBaseDatabase, conds: CheckedCondition[]): Record<string, unknown> {
  const _ = db.command;
  const out: Record<string, unknown> = {};
  for (const c of conds) {
    switch (c.op) {
      case 'eq':
        out[c.field] = _.eq(c.value);
        break;
      case 'ne':
        out[c.field] = _.neq(c.value);
        break;
      case 'in':
        out[c.field] = _.in(c.value);
        break;
      default:
        out[c.field] = _[c.op](c.value);
    }
  }
  return out;
}

/** Operations by id on either the database or a transaction: both have collection(c).doc(id). */
interface DocSource {
  collection(name: string): { doc(id: string): CloudBaseDocumentRef };
}

class CloudBaseStore implements Store {
  readonly kind = 'cloudbase' as const;
  // Transactions of this instance run one at a time: a cloud function instance serves one request
  // at a time anyway, and conflicts between instances are CloudBase's to detect (and ours to retry).
  private readonly serial = new Serializer();
  private readonly attempts: number;
  private closed = false;

  constructor(
    private readonly db: CloudBaseDatabase,
    opts: CloudBaseStoreOptions,
  ) {
    const attempts = opts.transactionAttempts ?? 5;
    if (!Number.isInteger(attempts) || attempts < 1 || attempts > 20) throw new RangeError('transactionAttempts must be in 1..20');
    this.attempts = attempts;
  }

  private enter(): void {
    if (this.closed) throw new Error('store is closed');
    this.serial.assertOutsideTransaction();
  }

  async get(coll: CollectionName, id: string): Promise<Doc | null> {
    assertCollection(coll);
    assertId(id);
    this.enter();
    return readDoc(this.db.collection(coll).doc(id), coll, id);
  }

  async insert(coll: CollectionName, doc: Doc): Promise<void> {
    assertCollection(coll);
    const d = checkDoc(doc);
    this.enter();
    await this.db.runTransaction(async (t) => {
      if (await readDoc(t.collection(coll).doc(d.doc._id), coll, d.doc._id)) throw new StoreConflict(coll, d.doc._id);
      await t
        .collection(coll)
        .doc(d.doc._id)
        .set({ data: body(d.doc) });
    }, this.attempts);
  }

  async put(coll: CollectionName, doc: Doc): Promise<void> {
    assertCollection(coll);
    const d = checkDoc(doc);
    this.enter();
    await this.db
      .collection(coll)
      .doc(d.doc._id)
      .set({ data: body(d.doc) });
  }

  async update(coll: CollectionName, id: string, patch: Record<string, Json>): Promise<void> {
    assertCollection(coll);
    assertId(id);
    this.enter();
    await this.db.runTransaction((t) => updateIn(t, coll, id, patch), this.attempts);
  }

  async delete(coll: CollectionName, id: string): Promise<void> {
    assertCollection(coll);
    assertId(id);
    this.enter();
    await this.db.collection(coll).doc(id).remove();
  }

  private query(coll: CollectionName, filter: Filter): CloudBaseQuery {
    const conds = checkFilter(filter);
    const ref: CloudBaseQuery = this.db.collection(coll);
    return conds.length === 0 ? ref : ref.where(whereObject(this.db, conds));
  }

  async find(coll: CollectionName, filter: Filter, opts?: FindOptions): Promise<Doc[]> {
    assertCollection(coll);
    const o = checkFindOptions(opts);
    let q = this.query(coll, filter);
    this.enter();
    // Ties in the same order on both adapters: by _id.
    if (o.orderBy && o.orderBy.field !== '_id') q = q.orderBy(o.orderBy.field, o.orderBy.direction).orderBy('_id', 'asc');
    else q = q.orderBy('_id', o.orderBy?.direction ?? 'asc');
    if (o.skip > 0) q = q.skip(o.skip);
    const res = await q.limit(o.limit).get();
    if (!res || !Array.isArray(res.data)) throw new Error(`CloudBase returned a malformed query result for ${coll}`);
    return res.data as Doc[];
  }

  async count(coll: CollectionName, filter: Filter): Promise<number> {
    assertCollection(coll);
    const q = this.query(coll, filter);
    this.enter();
    const res = await q.count();
    if (!res || !Number.isInteger(res.total)) throw new Error(`CloudBase returned a malformed count for ${coll}`);
    return res.total;
  }

  async transaction<T>(fn: (tx: TxOps) => Promise<T>): Promise<T> {
    if (typeof fn !== 'function') throw new TypeError('transaction needs a function');
    this.enter();
    return this.serial.run(() =>
      this.db.runTransaction(async (t) => {
        // A fresh handle per attempt: CloudBase may run this callback again after a conflict.
        let live = true;
        const assertLive = (): void => {
          if (!live) throw new TypeError('transaction handle used after its transaction ended');
        };
        const tx: TxOps = {
          get: async (coll, id) => {
            assertLive();
            assertCollection(coll);
            assertId(id);
            return readDoc(t.collection(coll).doc(id), coll, id);
          },
          insert: async (coll, doc) => {
            assertLive();
            assertCollection(coll);
            const d = checkDoc(doc);
            if (await readDoc(t.collection(coll).doc(d.doc._id), coll, d.doc._id)) throw new StoreConflict(coll, d.doc._id);
            await t
              .collection(coll)
              .doc(d.doc._id)
              .set({ data: body(d.doc) });
          },
          put: async (coll, doc) => {
            assertLive();
            assertCollection(coll);
            const d = checkDoc(doc);
            await t
              .collection(coll)
              .doc(d.doc._id)
              .set({ data: body(d.doc) });
          },
          update: async (coll, id, patch) => {
            assertLive();
            assertCollection(coll);
            assertId(id);
            await updateIn(t, coll, id, patch);
          },
          delete: async (coll, id) => {
            assertLive();
            assertCollection(coll);
            assertId(id);
            await t.collection(coll).doc(id).remove();
          },
        };
        try {
          return await this.serial.inTransaction(() => fn(tx));
        } finally {
          live = false;
        }
      }, this.attempts),
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.serial.drain();
  }
}

async function updateIn(t: DocSource, coll: CollectionName, id: string, patch: Record<string, Json>): Promise<void> {
  const existing = await readDoc(t.collection(coll).doc(id), coll, id);
  if (!existing) throw new StoreNotFound(coll, id);
  const d = applyPatch(existing, patch);
  await t
    .collection(coll)
    .doc(id)
    .set({ data: body(d.doc) });
}

/**
 * The store over a CloudBase database. In a cloud function:
 * `cloudbaseStore(cloud.database({ throwOnNotFound: false }))`.
 */
export function cloudbaseStore(db: CloudBaseDatabase, opts: CloudBaseStoreOptions = {}): Store {
  if (!db || typeof db.collection !== 'function' || typeof db.runTransaction !== 'function' || !db.command) {
    throw new TypeError('cloudbaseStore needs a CloudBase database (cloud.database())');
  }
  return new CloudBaseStore(db, opts);
}
