/**
 * The store the records and ingestion tests run on: the real SQLite adapter, one fresh file in a
 * temporary folder per test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../../server/store/sqlite';
import type { CollectionName, Doc, Store } from '../../../server/store/store';

export interface TestStore {
  store: Store;
  /** Serialised content of every collection records and ingestion write, for "nothing was written" checks. */
  snapshot(): Promise<string>;
  close(): Promise<void>;
}

/** What ingestion may write: records and nonces, and for a correction or withdrawal the links, revocations and audit entries. */
const SNAPSHOT_COLLECTIONS: CollectionName[] = ['sources', 'records', 'ingestNonces', 'recordLinks', 'certificates', 'revocations', 'audit'];

/** Stores a test file opened and has not closed yet: closed and removed when the file ends. */
const open = new Set<TestStore>();
afterAll(async () => {
  for (const ts of [...open]) await ts.close();
});

export async function openTestStore(): Promise<TestStore> {
  const dir = mkdtempSync(join(tmpdir(), 'ithc-records-'));
  const store = openSqliteStore(join(dir, 'ithc.db'));
  const ts: TestStore = {
    store,
    snapshot: () => snapshotOf(store),
    close: async () => {
      if (!open.delete(ts)) return;
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  open.add(ts);
  return ts;
}

async function snapshotOf(store: Store): Promise<string> {
  const o: Record<string, Doc[]> = {};
  for (const c of SNAPSHOT_COLLECTIONS) o[c] = await store.find(c, {}, { orderBy: { field: '_id', direction: 'asc' }, limit: 1000 });
  return JSON.stringify(o);
}
