/**
 * The store the identity and document tests run on: the SQLite adapter (server/store/sqlite.ts)
 * on a fresh file in a temporary folder per call, closed and removed after the test file.
 *
 * MemoryStore below is the in-test stand-in these tests ran on before the SQLite adapter existed
 * (same semantics: insert conflicts, update of a missing document fails, transactions roll back
 * on a throw, documents are copied in and out). Set ITHC_TEST_STORE=memory to use it, e.g. to
 * tell a store bug from a service bug. Nothing else in the tests depends on which store it is:
 * they use the Store interface only, and `snapshot` reads through it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../server/store/sqlite';
import {
  COLLECTIONS,
  StoreConflict,
  StoreNotFound,
  type CollectionName,
  type Condition,
  type Doc,
  type Filter,
  type FindOptions,
  type Json,
  type Scalar,
  type Store,
  type TxOps,
} from '../../server/store/store';

const opened: { store: Store; dir?: string }[] = [];

afterAll(async () => {
  for (const { store, dir } of opened.splice(0)) {
    await store.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
});

export async function openTestStore(): Promise<Store> {
  if (process.env.ITHC_TEST_STORE === 'memory') {
    const store = new MemoryStore();
    opened.push({ store });
    return store;
  }
  const dir = mkdtempSync(join(tmpdir(), 'ithc-identity-test-'));
  const store = openSqliteStore(join(dir, 'store.db'));
  opened.push({ store, dir });
  return store;
}

/** Every document of every collection, in id order: equal snapshots mean nothing was written. */
export async function snapshot(store: Store): Promise<string> {
  const out: Record<string, Doc[]> = {};
  for (const c of COLLECTIONS) {
    const docs = await store.find(c, {}, { limit: 1000, orderBy: { field: '_id', direction: 'asc' } });
    if (docs.length) out[c] = docs;
  }
  return JSON.stringify(out);
}

const copy = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

export class MemoryStore implements Store {
  readonly kind = 'sqlite' as const;
  private data = new Map<CollectionName, Map<string, Doc>>(COLLECTIONS.map((c) => [c, new Map()]));
  private closed = false;

  private coll(c: CollectionName): Map<string, Doc> {
    if (this.closed) throw new Error('store closed');
    const m = this.data.get(c);
    if (!m) throw new TypeError(`unknown collection ${c}`);
    return m;
  }

  async get(c: CollectionName, id: string): Promise<Doc | null> {
    const d = this.coll(c).get(id);
    return d ? copy(d) : null;
  }

  async insert(c: CollectionName, doc: Doc): Promise<void> {
    const m = this.coll(c);
    if (m.has(doc._id)) throw new StoreConflict(c, doc._id);
    m.set(doc._id, copy(doc));
  }

  async put(c: CollectionName, doc: Doc): Promise<void> {
    this.coll(c).set(doc._id, copy(doc));
  }

  async update(c: CollectionName, id: string, patch: Record<string, Json>): Promise<void> {
    const m = this.coll(c);
    const d = m.get(id);
    if (!d) throw new StoreNotFound(c, id);
    m.set(id, { ...d, ...copy(patch), _id: id });
  }

  async delete(c: CollectionName, id: string): Promise<void> {
    this.coll(c).delete(id);
  }

  async find(c: CollectionName, filter: Filter, opts: FindOptions = {}): Promise<Doc[]> {
    let docs = [...this.coll(c).values()].filter((d) => Object.entries(filter).every(([k, cond]) => matches(d[k], cond)));
    if (opts.orderBy) {
      const { field, direction } = opts.orderBy;
      docs.sort((a, b) => {
        const x = a[field] as Scalar,
          y = b[field] as Scalar;
        const r = x === y ? 0 : (x as string | number) < (y as string | number) ? -1 : 1;
        return direction === 'asc' ? r : -r;
      });
    }
    const limit = Math.min(opts.limit ?? 100, 1000);
    docs = docs.slice(opts.skip ?? 0, (opts.skip ?? 0) + limit);
    return copy(docs);
  }

  async count(c: CollectionName, filter: Filter): Promise<number> {
    return [...this.coll(c).values()].filter((d) => Object.entries(filter).every(([k, cond]) => matches(d[k], cond))).length;
  }

  async transaction<T>(fn: (tx: TxOps) => Promise<T>): Promise<T> {
    const saved = new Map([...this.data].map(([c, m]) => [c, new Map([...m].map(([id, d]) => [id, copy(d)]))]));
    try {
      return await fn(this);
    } catch (e) {
      this.data = saved;
      throw e;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

function matches(v: Json | undefined, cond: Condition): boolean {
  if (cond === null || typeof cond !== 'object') return v === cond;
  if ('$eq' in cond) return v === cond.$eq;
  if ('$ne' in cond) return v !== cond.$ne;
  if ('$in' in cond) return cond.$in.includes(v as Scalar);
  if (typeof v !== 'number' && typeof v !== 'string') return false;
  if ('$lt' in cond) return v < cond.$lt;
  if ('$lte' in cond) return v <= cond.$lte;
  if ('$gt' in cond) return v > cond.$gt;
  if ('$gte' in cond) return v >= cond.$gte;
  return false;
}
