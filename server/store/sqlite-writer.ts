/**
 * The SQLite store's writer thread (bundled to dist/sqlite-writer.cjs, started by sqlite.ts): the
 * one connection that writes the file, so that COMMIT and its fsync never stop the thread that
 * serves requests.
 *
 * - `synchronous=FULL` on this connection: COMMIT returns only after the WAL is fsync'd, and SQLite
 *   makes a commit visible to other connections (the serving thread's reads) only after that sync
 *   (sqlite3WalFrames: the frames are synced before the wal-index header that readers look at is
 *   updated). So nothing is read, and nothing answered, before it is on disk.
 * - Group commit: the commits that queued up while the previous one was on disk are taken
 *   together (`receiveMessageOnPort`, up to GROUP_COMMIT_MAX) and committed in one transaction,
 *   one fsync, a savepoint around each, in the order they were sent. Each is first checked against
 *   what its transaction read: a document whose text changed since makes it a `conflict`, nothing
 *   of it written. The answers go back in one message after COMMIT returned.
 * - A member that fails on its own (a constraint) is rolled back alone; a failure of the whole
 *   transaction (BEGIN waiting out another process's lock, an I/O error at COMMIT) fails every
 *   member, and none of them was written.
 */
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { COLLECTIONS } from './store';
import { WAL_SIZE_LIMIT, type DocState, type WriterData, type WriterError, type WriterMessage, type WriterReply, type WriterRequest } from './sqlite-protocol';

/**
 * Most commits in one batch. Bounds how long one batch holds the write lock and how much one
 * failed COMMIT takes with it; 50 concurrent callers rarely queue more than 50.
 */
const GROUP_COMMIT_MAX = 128;

const TABLES: ReadonlySet<string> = new Set(COLLECTIONS);

interface Statements {
  read: Database.Statement;
  put: Database.Statement;
  remove: Database.Statement;
}

function asError(e: unknown): WriterError {
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    return { name: e.name, message: e.message, ...(typeof code === 'string' ? { code } : {}) };
  }
  return { name: 'Error', message: String(e) };
}

function main(): void {
  const port = parentPort;
  if (!port) throw new Error('sqlite-writer runs as the SQLite store writer thread (server/store/sqlite.ts)');
  const { path, busyTimeoutMs } = workerData as WriterData;
  const send = (m: WriterMessage): void => port.postMessage(m);

  let db: Database.Database;
  try {
    db = new Database(path, { fileMustExist: true, timeout: busyTimeoutMs });
    // The store set WAL when it opened the file; the mode is kept in the file. Checked, not assumed.
    const mode = db.pragma('journal_mode', { simple: true });
    if (mode !== 'wal') throw new Error(`${path} is not in WAL mode (journal_mode=${String(mode)})`);
    db.pragma('synchronous = FULL');
    if (db.pragma('synchronous', { simple: true }) !== 2) throw new Error('could not set synchronous=FULL on the writer connection');
    db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT}`);
  } catch (e) {
    send({ ready: false, error: asError(e) });
    port.close();
    return;
  }

  const control = {
    begin: db.prepare('BEGIN IMMEDIATE'),
    savepoint: db.prepare('SAVEPOINT member'),
    release: db.prepare('RELEASE member'),
    rollbackTo: db.prepare('ROLLBACK TO member'),
    commit: db.prepare('COMMIT'),
    rollback: db.prepare('ROLLBACK'),
  };
  const byTable = new Map<string, Statements>();
  const statements = (coll: string): Statements => {
    let s = byTable.get(coll);
    if (!s) {
      // Names go into SQL: only the store's own collections, as the serving thread checked too.
      if (!TABLES.has(coll)) throw new TypeError(`unknown collection ${JSON.stringify(coll).slice(0, 80)}`);
      s = {
        read: db.prepare(`SELECT doc FROM "${coll}" WHERE id = ?`).pluck(),
        put: db.prepare(`INSERT INTO "${coll}" (id, doc) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET doc = excluded.doc`),
        remove: db.prepare(`DELETE FROM "${coll}" WHERE id = ?`),
      };
      byTable.set(coll, s);
    }
    return s;
  };

  /** The first document read whose text is no longer what the transaction saw, if any. */
  const stale = (reads: DocState[]): DocState | undefined =>
    reads.find(([coll, id, json]) => ((statements(coll).read.get(id) as string | undefined) ?? null) !== json);

  let commits = 0;
  let transactionsCommitted = 0;
  const commitBatch = (batch: Array<Extract<WriterRequest, { kind: 'commit' }>>): WriterReply[] => {
    const replies: WriterReply[] = [];
    try {
      control.begin.run();
      for (const m of batch) {
        let saved = false;
        try {
          const changed = stale(m.reads);
          if (changed) {
            replies.push({ id: m.id, outcome: 'conflict', coll: changed[0], docId: changed[1] });
            continue;
          }
          control.savepoint.run();
          saved = true;
          for (const [coll, id, json] of m.writes) {
            if (json === null) statements(coll).remove.run(id);
            else statements(coll).put.run(id, json);
          }
          control.release.run();
          saved = false;
          replies.push({ id: m.id, outcome: 'committed' });
        } catch (e) {
          // An I/O error can end the whole transaction; otherwise undo only this member.
          if (!db.inTransaction) throw e;
          if (saved) {
            control.rollbackTo.run();
            control.release.run();
          }
          replies.push({ id: m.id, outcome: 'failed', error: asError(e) });
        }
      }
      control.commit.run();
      commits++;
      transactionsCommitted += replies.filter((r) => r.outcome === 'committed').length;
    } catch (e) {
      if (db.inTransaction) control.rollback.run();
      // Nothing of this batch was committed: every member fails, with the cause.
      const error = asError(e);
      return batch.map((m) => ({ id: m.id, outcome: 'failed', error }));
    }
    return replies;
  };

  let closed = false;
  const handle = (requests: WriterRequest[]): WriterReply[] => {
    const replies: WriterReply[] = [];
    let queued: Array<Extract<WriterRequest, { kind: 'commit' }>> = [];
    const flush = (): void => {
      if (queued.length) replies.push(...commitBatch(queued));
      queued = [];
    };
    for (const r of requests) {
      if (closed) {
        replies.push({ id: r.id, outcome: 'failed', error: { name: 'Error', message: 'store is closed' } });
      } else if (r.kind === 'commit') {
        queued.push(r);
      } else if (r.kind === 'info') {
        flush();
        replies.push({
          id: r.id,
          outcome: 'info',
          info: {
            journalMode: String(db.pragma('journal_mode', { simple: true })),
            synchronous: Number(db.pragma('synchronous', { simple: true })),
            busyTimeoutMs: Number(db.pragma('busy_timeout', { simple: true })),
            walSizeLimit: Number(db.pragma('journal_size_limit', { simple: true })),
            commits,
            transactionsCommitted,
          },
        });
      } else {
        flush();
        closed = true;
        // No `PRAGMA optimize`: it would take planner statistics (sqlite.ts, dropPlannerStatistics,
        // says why the store keeps none). The last connection checkpoints the WAL into the file.
        db.close();
        replies.push({ id: r.id, outcome: 'closed' });
      }
    }
    flush();
    return replies;
  };

  port.on('message', (first: WriterRequest) => {
    // Everything that queued up while the last batch was being written goes into this one.
    const requests = [first];
    for (let next; requests.length < GROUP_COMMIT_MAX && (next = receiveMessageOnPort(port));) requests.push(next.message as WriterRequest);
    send({ replies: handle(requests) });
    if (closed) port.close();
  });
  send({ ready: true });
}

main();
