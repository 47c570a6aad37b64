/**
 * The store on one SQLite file (better-sqlite3 12.x): the embedded default for local use and a
 * single machine.
 *
 * - One table per collection: `(id TEXT PRIMARY KEY, doc TEXT)` holding the whole document as
 *   JSON (checked by `json_valid`, and `doc._id` must equal `id`); WITHOUT ROWID, but for the
 *   certificates, whose documents run to kilobytes (migration 6). Filters become `json_extract`
 *   expressions; the fields services filter on have expression indexes (migration 2).
 * - WAL journal with `synchronous=FULL`. In WAL mode NORMAL already survives a killed process
 *   (a commit is in the WAL through write() before COMMIT returns), but it may lose the last
 *   commits on power loss or an OS crash. An acknowledged certificate is a code in a traveller's
 *   hand: losing its record would break revocation and the audit trail, so each commit waits for
 *   fsync of the WAL.
 * - Two connections. Writes go to a writer thread (sqlite-writer.ts, its own connection, FULL),
 *   so that COMMIT and its fsync never stop the thread that serves requests; that thread reads
 *   through a connection of its own that cannot write (query_only). SQLite shows a commit to other
 *   connections only after its fsync, so a read never sees what could still be lost, and after a
 *   write is answered every later read sees it.
 * - Transactions are optimistic: the callback runs on the serving thread against the committed
 *   state, concurrently with others, its writes held back; the writer commits them only if every
 *   document it read is still as it read it, and otherwise the callback runs again (the Store
 *   contract allows re-runs). Transactions touch documents by id only, so checking those is enough
 *   for them to be serializable. Single writes are one-operation transactions.
 * - Group commit: the writer takes every commit that queued up while the one before was on disk
 *   and commits them together, one savepoint each, one fsync; none is answered before that COMMIT
 *   returned. An acknowledged write is as durable as with a commit of its own.
 * - The file is created owner-only (0600; SQLite gives its -wal and -shm files the same mode) in a
 *   folder created owner-only (0700): it holds personal health data.
 * - Migrations: numbered, applied in order in one IMMEDIATE transaction at open (on the serving
 *   thread, before the writer starts), recorded in `schema_migrations`. A database newer than this
 *   program is refused.
 */
import { chmodSync, closeSync, existsSync, linkSync, mkdirSync, openSync, realpathSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { systemClock, type Clock } from '../clock';
import { Serializer } from './serial';
import {
  WAL_SIZE_LIMIT,
  type DocState,
  type WriterData,
  type WriterError,
  type WriterInfo,
  type WriterMessage,
  type WriterReply,
  type WriterRequest,
} from './sqlite-protocol';
import {
  COLLECTIONS,
  StoreConflict,
  StoreNotFound,
  type CollectionName,
  type Doc,
  type Filter,
  type FindOptions,
  type Json,
  type Store,
  type TxOps,
} from './store';
import {
  applyPatch,
  assertCollection,
  assertId,
  checkDoc,
  checkFilter,
  checkFindOptions,
  parseStored,
  type CheckedCondition,
  type CheckedDoc,
  type CheckedFindOptions,
} from './validate';

type Db = Database.Database;

export interface Migration {
  readonly version: number;
  readonly name: string;
  up(db: Db): void;
}

/** The collections as they were in schema version 1 (frozen: later collections come with their own migration). */
const V1_COLLECTIONS = [
  'citizens',
  'documentRegistry',
  'users',
  'documents',
  'records',
  'sources',
  'ingestNonces',
  'certificates',
  'relatives',
  'partners',
  'keys',
  'revocations',
  'attempts',
  'audit',
] as const;

/** Fields the services filter or sort on, per collection (one index per entry, fields in order). */
const V2_INDEXES: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['users', ['openid']],
  ['documents', ['userId']],
  ['records', ['personId']],
  ['records', ['sourceId', 'sourceRecordId']],
  ['certificates', ['personId', 'issuedAt']],
  ['relatives', ['proxyUserId']],
  ['relatives', ['relativeUserId']],
  ['relatives', ['personId']],
  ['audit', ['personId', 'at']],
  ['audit', ['at']],
  ['attempts', ['key']],
  ['ingestNonces', ['expiresAt']],
  ['revocations', ['certificateId']],
  ['keys', ['kind', 'status', 'createdAt']],
];

/**
 * A collection's table, WITHOUT ROWID unless `rowid`. WITHOUT ROWID keeps a small document beside
 * its id in one b-tree, one lookup away. A rowid table keeps only the id in its primary-key index
 * and the document in the table: right for documents longer than a WITHOUT ROWID row keeps in its
 * page (migration 6).
 */
function createTableSql(coll: string, opts: { rowid?: boolean; table?: string } = {}): string {
  return `CREATE TABLE "${opts.table ?? coll}" (
    id TEXT PRIMARY KEY NOT NULL,
    doc TEXT NOT NULL CHECK (json_valid(doc)) CHECK (json_extract(doc, '$._id') IS id)
  ) STRICT${opts.rowid ? '' : ', WITHOUT ROWID'}`;
}

/**
 * Moves a collection from its WITHOUT ROWID table to a rowid table, with its documents and
 * indexes, inside the migration's transaction.
 */
function rebuildAsRowidTable(db: Db, coll: string): void {
  const indexes = db.prepare("SELECT sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL").pluck().all(coll) as string[];
  const next = `${coll}__rowid`;
  db.exec(createTableSql(coll, { rowid: true, table: next }));
  db.exec(`INSERT INTO "${next}" (id, doc) SELECT id, doc FROM "${coll}"`);
  db.exec(`DROP TABLE "${coll}"`);
  db.exec(`ALTER TABLE "${next}" RENAME TO "${coll}"`);
  for (const sql of indexes) db.exec(sql);
}

function pathExpr(field: string): string {
  return `json_extract(doc, '$.${field}')`;
}

export const MIGRATIONS: readonly Migration[] = Object.freeze([
  {
    version: 1,
    name: 'collections',
    up(db: Db) {
      for (const coll of V1_COLLECTIONS) db.exec(createTableSql(coll));
    },
  },
  {
    version: 2,
    name: 'service indexes',
    up(db: Db) {
      for (const [coll, fields] of V2_INDEXES) {
        const name = `idx_${coll}_${fields.join('_')}`;
        db.exec(`CREATE INDEX "${name}" ON "${coll}" (${fields.map(pathExpr).join(', ')})`);
      }
    },
  },
  {
    version: 3,
    name: 'record links and issuance holds',
    up(db: Db) {
      // Both are read and written by id only (inside transactions); holds are also listed by status.
      db.exec(createTableSql('recordLinks'));
      db.exec(createTableSql('holds'));
      db.exec(`CREATE INDEX "idx_holds_active" ON "holds" (${pathExpr('active')})`);
    },
  },
  {
    version: 4,
    name: 'face-check sessions and identity bindings',
    up(db: Db) {
      // Both are read and written by id inside transactions; expired sessions are pruned by expiresAt.
      db.exec(createTableSql('faceChecks'));
      db.exec(createTableSql('identityBindings'));
      db.exec(`CREATE INDEX "idx_faceChecks_expiresAt" ON "faceChecks" (${pathExpr('expiresAt')})`);
    },
  },
  {
    version: 5,
    name: 'stored files and operators',
    up(db: Db) {
      // Stored files are deleted by expiresAt (the housekeeping timer); operators are read by id.
      db.exec(createTableSql('files'));
      db.exec(createTableSql('operators'));
      db.exec(`CREATE INDEX "idx_files_expiresAt" ON "files" (${pathExpr('expiresAt')})`);
      // Housekeeping deletes attempt counters by the end of their window.
      db.exec(`CREATE INDEX "idx_attempts_windowEnd" ON "attempts" (${pathExpr('windowEnd')})`);
    },
  },
  {
    version: 6,
    name: 'certificates in a rowid table',
    up(db: Db) {
      // A certificate document is ~5.3 KB (its codes and readable contents), and their number grows
      // with use. A WITHOUT ROWID table is an index b-tree: a row keeps at most ~1 KB in its page
      // and spills the rest to two overflow pages, and the interior pages a lookup descends through
      // hold whole rows. So the table took 1.7 times its documents' size, and finding a certificate
      // by id took 22–46 µs where a rowid table takes 3–11 µs (3,000 to 100,000 certificates,
      // docs/performance.md).
      rebuildAsRowidTable(db, 'certificates');
    },
  },
]);

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

export interface SqliteStoreOptions {
  /** How long a write waits for another process's lock before failing with SQLITE_BUSY. Default 5000 ms. */
  busyTimeoutMs?: number;
  /** Clock for `schema_migrations.applied_at`. */
  clock?: Clock;
  /** Migrate only up to this version (tests of upgrades). Default: the latest. */
  targetVersion?: number;
  /** The writer thread's script (dist/sqlite-writer.cjs). Default: beside the bundle this store is in. */
  writerScript?: string;
}

export interface IntegrityReport {
  ok: boolean;
  /** SQLite's findings when not ok (empty when ok). */
  problems: string[];
}

/** The writer connection's settings (the one that commits), and what it did. */
export interface SqliteInfo {
  journalMode: string;
  /** 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA. */
  synchronous: number;
  busyTimeoutMs: number;
  /** The WAL's size once it starts over after a checkpoint (journal_size_limit), bytes. */
  walSizeLimit: number;
  schemaVersion: number;
  /** COMMITs of the writer thread since the store opened, each one fsync of the WAL. */
  commits: number;
  /** Transactions (single writes included) those COMMITs carried: group commit puts several in one. */
  transactionsCommitted: number;
}

export interface SqliteStore extends Store {
  readonly kind: 'sqlite';
  readonly path: string;
  integrityCheck(): Promise<IntegrityReport>;
  info(): Promise<SqliteInfo>;
}

/** Creates the folder (0700) and the file (0600) before SQLite opens it, and tightens an existing file. */
function prepareFiles(path: string): void {
  const dir = dirname(path);
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    // 'wx' fails if the file exists, so an existing database is never truncated.
    closeSync(openSync(path, 'wx', 0o600));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  for (const p of [path, `${path}-wal`, `${path}-shm`]) {
    if (!existsSync(p)) continue;
    const st = statSync(p);
    if (!st.isFile()) throw new TypeError(`${p} is not a file`);
    if ((st.mode & 0o077) !== 0) chmodSync(p, 0o600);
  }
}

function schemaVersion(db: Db): number {
  const row = db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number | null };
  return row.v ?? 0;
}

function migrate(db: Db, target: number, clock: Clock): void {
  const run = db.transaction(() => {
    db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT');
    const current = schemaVersion(db);
    if (current > SCHEMA_VERSION) throw new Error(`database schema version ${current} is newer than this program's ${SCHEMA_VERSION}`);
    const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
    for (const m of MIGRATIONS) {
      if (m.version <= current || m.version > target) continue;
      m.up(db);
      record.run(m.version, m.name, clock.now());
    }
  });
  // IMMEDIATE: two processes opening the same new file cannot both apply a migration.
  run.immediate();
}

/**
 * Statistics taken while a collection was small (a new store holds two certificates) tell the
 * planner to scan it and sort rather than use its index, and they stay while it grows to
 * thousands: every lookup by person then reads the whole table. Every query the services make is
 * an equality or a range on an indexed field, for which the index is right at any size, and
 * without statistics SQLite plans by the indexes alone. So the store takes none (no ANALYZE, no
 * `PRAGMA optimize`) and removes any found at open, e.g. from an ANALYZE run by hand.
 */
function dropPlannerStatistics(db: Db): void {
  db.exec('DROP TABLE IF EXISTS sqlite_stat1');
  db.exec('DROP TABLE IF EXISTS sqlite_stat4');
}

function assertTables(db: Db): void {
  const tables = new Set((db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name));
  for (const coll of COLLECTIONS) {
    if (!tables.has(coll)) throw new Error(`collection ${coll} has no table: add a migration in server/store/sqlite.ts`);
  }
}

function runIntegrityCheck(db: Db): IntegrityReport {
  try {
    const rows = (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check);
    const ok = rows.length === 1 && rows[0] === 'ok';
    return { ok, problems: ok ? [] : rows };
  } catch (e) {
    // A badly damaged file makes the check itself fail (SQLITE_CORRUPT, SQLITE_NOTADB).
    return { ok: false, problems: [(e as Error).message] };
  }
}

/** Runs PRAGMA integrity_check on a database file (opened read-write so a WAL left by a crash is recovered first). */
export function integrityCheck(path: string): IntegrityReport {
  return checkStoreFile(path).report;
}

/**
 * The integrity check of a store file, with the file's size and, when the check passed, how much
 * of it is free pages (kept for later writes, left out of a backup's copy). One connection: a
 * damaged file may not even say its page count, so a failed check gives the size alone.
 */
export function checkStoreFile(path: string): { report: IntegrityReport; bytes: number; freeBytes?: number } {
  const bytes = (): number => statSync(path, { throwIfNoEntry: false })?.size ?? 0;
  let db: Db;
  try {
    db = new Database(path, { fileMustExist: true });
  } catch (e) {
    return { report: { ok: false, problems: [(e as Error).message] }, bytes: bytes() };
  }
  try {
    const report = runIntegrityCheck(db);
    if (!report.ok) return { report, bytes: bytes() };
    const free = (db.pragma('freelist_count', { simple: true }) as number) * (db.pragma('page_size', { simple: true }) as number);
    return { report, bytes: bytes(), freeBytes: free };
  } finally {
    db.close();
  }
}

/** What a backup copy holds. */
export interface BackupReport {
  /** The copy's size, bytes. */
  bytes: number;
  schemaVersion: number;
  /** Documents in the copy, by collection. */
  documents: Partial<Record<CollectionName, number>>;
}

/** Why a backup was not made. */
export class BackupError extends Error {
  constructor(
    readonly code: 'BACKUP_EXISTS' | 'BACKUP_FAILED',
    message: string,
  ) {
    super(message);
    this.name = 'BackupError';
  }
}

/**
 * A consistent copy of the store file at `path`, taken while the store is in use: `VACUUM INTO`
 * reads one snapshot (a read transaction, which in WAL mode stops no writer and sees every commit
 * answered before it began) and writes it compacted, without the pages a store frees and keeps.
 * The copy is written under a temporary name beside `out`, owner-only (0600) before anything is in
 * it, since it holds the same personal data; it is checked (integrity_check), and only then given
 * the name `out`, by a link that fails if `out` exists. So `out` is never a half-written copy (a
 * backup killed midway leaves at most its temporary file) and never replaces a file.
 */
export function backupStore(path: string, out: string): BackupReport {
  if (!existsSync(path)) throw new BackupError('BACKUP_FAILED', `${path} does not exist`);
  const exists = (): BackupError => new BackupError('BACKUP_EXISTS', `${out} exists; a backup never overwrites a file`);
  if (existsSync(out)) throw exists();
  const partial = `${out}.partial-${process.pid}`;
  try {
    closeSync(openSync(partial, 'wx', 0o600));
  } catch (e) {
    throw new BackupError('BACKUP_FAILED', `cannot create ${partial}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  try {
    const source = new Database(path, { readonly: true, fileMustExist: true });
    try {
      source.prepare('VACUUM INTO ?').run(partial);
    } finally {
      source.close();
    }
    const report = checkedCopy(partial);
    try {
      linkSync(partial, out);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') throw exists();
      // A file system without hard links: a rename, which would replace a file made since the check above.
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw e;
      if (existsSync(out)) throw exists();
      renameSync(partial, out);
    }
    return report;
  } catch (e) {
    if (e instanceof BackupError) throw e;
    throw new BackupError('BACKUP_FAILED', `backup of ${path} failed: ${(e as Error).message}`);
  } finally {
    rmSync(partial, { force: true });
  }
}

/** The copy's integrity check (BackupError when it fails), then what it holds: one connection. */
function checkedCopy(file: string): BackupReport {
  const copy = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const check = runIntegrityCheck(copy);
    if (!check.ok) throw new BackupError('BACKUP_FAILED', `the copy failed its integrity check: ${check.problems.slice(0, 5).join('; ')}`);
    const tables = new Set(copy.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").pluck().all() as string[]);
    const documents: Partial<Record<CollectionName, number>> = {};
    for (const coll of COLLECTIONS) if (tables.has(coll)) documents[coll] = copy.prepare(`SELECT count(*) FROM "${coll}"`).pluck().get() as number;
    return { bytes: statSync(file).size, schemaVersion: tables.has('schema_migrations') ? schemaVersion(copy) : 0, documents };
  } finally {
    copy.close();
  }
}

// --- SQL for filters -------------------------------------------------------------------------

function typeExpr(field: string): string {
  return `json_type(doc, '$.${field}')`;
}

/**
 * Typed equality that is never NULL (so NOT works for `$ne`): `IS` instead of `=`, and the JSON
 * type checked beside the value, because json_extract gives 1 for true and text for objects.
 */
function eqSql(field: string, v: Json, params: unknown[]): string {
  if (field === '_id') {
    if (typeof v !== 'string') return '0';
    params.push(v);
    return '(id = ?)';
  }
  const fx = pathExpr(field);
  const tx = typeExpr(field);
  if (v === null) return `(${fx} IS NULL)`; // JSON null or missing, as in MongoDB
  if (typeof v === 'boolean') return `(${fx} IS ${v ? 1 : 0} AND ${tx} IS '${v}')`;
  params.push(v);
  if (typeof v === 'number') return `(${fx} IS ? AND ${tx} IN ('integer', 'real'))`;
  // json_extract gives a JSON string as its text, an object or array as JSON text (which starts
  // with '{' or '['), numbers and booleans as numbers. So a text that starts otherwise can only
  // equal a JSON string, and the type check, which parses the whole document again for every
  // row the index found, can be left out.
  if (typeof v === 'string' && v[0] !== '{' && v[0] !== '[') return `(${fx} IS ?)`;
  return `(${fx} IS ? AND ${tx} IS 'text')`;
}

const COMPARATORS = { lt: '<', lte: '<=', gt: '>', gte: '>=' } as const;

function cmpSql(field: string, op: keyof typeof COMPARATORS, v: number | string, params: unknown[]): string {
  const sym = COMPARATORS[op];
  if (field === '_id') {
    if (typeof v !== 'string') return '0';
    params.push(v);
    return `(id ${sym} ?)`;
  }
  params.push(v);
  const types = typeof v === 'number' ? `IN ('integer', 'real')` : `IS 'text'`;
  // TEXT compares with the BINARY collation: UTF-8 byte order, which is code point order.
  return `(${typeExpr(field)} ${types} AND ${pathExpr(field)} ${sym} ?)`;
}

function condSql(c: CheckedCondition, params: unknown[]): string {
  switch (c.op) {
    case 'eq':
      return eqSql(c.field, c.value, params);
    case 'ne':
      return `(NOT ${eqSql(c.field, c.value, params)})`;
    case 'in': {
      if (c.field === '_id') {
        // One IN list over the primary key: a single sorted probe, where an OR of equalities is planned as a union.
        const ids = c.value.filter((v): v is string => typeof v === 'string');
        if (ids.length === 0) return '0';
        params.push(...ids);
        return `(id IN (${ids.map(() => '?').join(', ')}))`;
      }
      return c.value.length === 0 ? '0' : `(${c.value.map((v) => eqSql(c.field, v, params)).join(' OR ')})`;
    }
    default:
      return cmpSql(c.field, c.op, c.value, params);
  }
}

function whereSql(conds: CheckedCondition[], params: unknown[]): string {
  return conds.length === 0 ? '1' : conds.map((c) => condSql(c, params)).join(' AND ');
}

function orderSql(conds: CheckedCondition[], opts: CheckedFindOptions): string {
  const o = opts.orderBy;
  if (!o) {
    // Without statistics SQLite prefers walking the table in id order (no sort) over a range
    // index. `+id` takes the ordering index away: the range index finds the matches and a
    // top-N sort orders them, which is bounded by the matches instead of by the table.
    const range = conds.some((c) => c.field !== '_id' && (c.op === 'lt' || c.op === 'lte' || c.op === 'gt' || c.op === 'gte'));
    return range ? '+id ASC' : 'id ASC';
  }
  const dir = o.direction === 'asc' ? 'ASC' : 'DESC';
  if (o.field === '_id') return `id ${dir}`;
  // Ties in the same order on both adapters: by _id.
  return `${pathExpr(o.field)} ${dir}, id ASC`;
}

/** The SQL and parameters of a find (exported so tests can EXPLAIN it). */
export function buildFindSql(coll: CollectionName, filter: Filter, opts?: FindOptions): { sql: string; params: unknown[] } {
  assertCollection(coll);
  const conds = checkFilter(filter);
  const o = checkFindOptions(opts);
  const params: unknown[] = [];
  const where = whereSql(conds, params);
  // LIMIT and OFFSET are written into the SQL, not bound: SQLite built with STAT4 (better-sqlite3
  // is) marks a bound LIMIT as able to change the plan, and then prepares the statement again at
  // every run, about 5 µs a find. checkFindOptions made both whole numbers in range.
  return { sql: `SELECT id, doc FROM "${coll}" WHERE ${where} ORDER BY ${orderSql(conds, o)} LIMIT ${o.limit} OFFSET ${o.skip}`, params };
}

// --- the store -------------------------------------------------------------------------------

const STATEMENT_CACHE = 256;

/**
 * Attempts after which a transaction that keeps conflicting gives up. Re-runs go one at a time
 * with this process's other transactions held back (runTransaction), so a re-run conflicts again
 * only when another process keeps changing what it read.
 */
const MAX_ATTEMPTS = 32;

/** The writer thread's script as scripts/build.mjs writes it (from sqlite-writer.ts). */
const WRITER_FILE = 'sqlite-writer.cjs';

/**
 * Where the writer thread's script is by default: beside the bundle that holds this store
 * (dist/start.cjs and the CLI's bundles in dist/, the bench's in dist/bench/); running from the
 * TypeScript sources (the tests), the one `npm run build` put in dist/.
 */
function defaultWriterScript(): string {
  const beside = join(__dirname, WRITER_FILE);
  if (!existsSync(beside) && __filename.endsWith('.ts')) return resolve(__dirname, '..', '..', 'dist', WRITER_FILE);
  return beside;
}

/**
 * Files open in this process. A second store on the same file would start a second writer, and
 * the two would only queue for the one write lock.
 */
const openPaths = new Set<string>();

function docKey(coll: string, id: string): string {
  // Neither collection names nor ids contain '/'.
  return `${coll}/${id}`;
}

function fromWriter(e: WriterError): Error {
  const err = new Error(e.message) as Error & { code?: string };
  err.name = e.name;
  if (e.code !== undefined) err.code = e.code;
  return err;
}

/**
 * The writer thread, seen from the serving thread: requests by id, answered in batches. An idle
 * writer does not keep the process alive; one with a request pending does, until it answers.
 */
class WriterThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (r: WriterReply) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  /** Why the thread can take no more requests (it failed, exited or was closed). */
  private ended?: Error;
  private closing = false;
  private readonly exited: Promise<void>;

  constructor(script: string, data: WriterData) {
    this.worker = new Worker(script, { workerData: data });
    this.worker.unref();
    this.worker.on('message', (m: WriterMessage) => this.receive(m));
    this.worker.on('error', (e) => this.end(new Error(`the SQLite writer thread failed: ${e.message}`)));
    this.exited = new Promise((done) => {
      this.worker.on('exit', (code) => {
        this.end(new Error(`the SQLite writer thread ended (exit code ${code})`));
        done();
      });
    });
  }

  private receive(m: WriterMessage): void {
    if ('ready' in m) {
      if (!m.ready) this.end(fromWriter(m.error));
      return;
    }
    for (const r of m.replies) {
      const p = this.pending.get(r.id);
      if (!p) continue;
      this.pending.delete(r.id);
      p.resolve(r);
    }
    if (this.pending.size === 0 && !this.closing) this.worker.unref();
  }

  /** Fails what is pending: none of it was answered, so none of it counts as written. */
  private end(why: Error): void {
    this.ended ??= why;
    for (const p of this.pending.values()) p.reject(this.ended);
    this.pending.clear();
  }

  private request(r: DistributiveOmit<WriterRequest, 'id'>): Promise<WriterReply> {
    if (this.ended) return Promise.reject(this.ended);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) this.worker.ref();
      this.worker.postMessage({ ...r, id });
    });
  }

  /** Commits if nothing read changed since; resolves to the changed document's key on a conflict. */
  async commit(reads: DocState[], writes: DocState[]): Promise<string | null> {
    const r = await this.request({ kind: 'commit', reads, writes });
    if (r.outcome === 'committed') return null;
    if (r.outcome === 'conflict') return docKey(r.coll, r.docId);
    if (r.outcome === 'failed') throw fromWriter(r.error);
    throw new Error(`the SQLite writer answered a commit with ${r.outcome}`);
  }

  async info(): Promise<WriterInfo> {
    const r = await this.request({ kind: 'info' });
    if (r.outcome === 'info') return r.info;
    if (r.outcome === 'failed') throw fromWriter(r.error);
    throw new Error(`the SQLite writer answered info with ${r.outcome}`);
  }

  /** Closes the writer's connection (after every request sent before) and waits for the thread to end. */
  async close(): Promise<void> {
    // Held until the thread has ended: the process waits for close() like for any write.
    this.closing = true;
    this.worker.ref();
    if (!this.ended) {
      const r = await this.request({ kind: 'close' });
      if (r.outcome === 'failed') throw fromWriter(r.error);
    }
    await this.exited;
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/**
 * One attempt at a transaction: what it read (the text as read, null for absent) and what it
 * means to write, by document. Reads are repeatable: a document is read from the file once, then
 * served from what this attempt read or wrote.
 */
class Attempt {
  readonly reads = new Map<string, DocState>();
  readonly writes = new Map<string, DocState>();
  private live = true;

  constructor(private readonly readText: (coll: CollectionName, id: string) => string | null) {}

  end(): void {
    this.live = false;
  }

  private assertLive(): void {
    if (!this.live) throw new TypeError('transaction handle used after its transaction ended');
  }

  /** The document's text as this attempt sees it. */
  private text(coll: CollectionName, id: string): string | null {
    const key = docKey(coll, id);
    const seen = this.writes.get(key) ?? this.reads.get(key);
    if (seen) return seen[2];
    const json = this.readText(coll, id);
    this.reads.set(key, [coll, id, json]);
    return json;
  }

  get(coll: CollectionName, id: string): Doc | null {
    this.assertLive();
    const json = this.text(coll, id);
    return json === null ? null : parseStored(json, coll, id);
  }

  insert(coll: CollectionName, d: CheckedDoc): void {
    this.assertLive();
    // Read, so that the commit checks the id is still free.
    if (this.text(coll, d.doc._id) !== null) throw new StoreConflict(coll, d.doc._id);
    this.writes.set(docKey(coll, d.doc._id), [coll, d.doc._id, d.json]);
  }

  put(coll: CollectionName, d: CheckedDoc): void {
    this.assertLive();
    this.writes.set(docKey(coll, d.doc._id), [coll, d.doc._id, d.json]);
  }

  update(coll: CollectionName, id: string, patch: Record<string, Json>): void {
    this.assertLive();
    const json = this.text(coll, id);
    if (json === null) throw new StoreNotFound(coll, id);
    const d = applyPatch(parseStored(json, coll, id), patch);
    this.writes.set(docKey(coll, id), [coll, id, d.json]);
  }

  delete(coll: CollectionName, id: string): void {
    this.assertLive();
    this.writes.set(docKey(coll, id), [coll, id, null]);
  }

  /** The handle a transaction callback gets: checks its arguments, then acts on this attempt. */
  handle(): TxOps {
    return {
      // async: a bad argument reaches the caller as a rejection, like every Store call.
      get: async (coll, id) => {
        assertCollection(coll);
        assertId(id);
        return Promise.resolve(this.get(coll, id));
      },
      insert: async (coll, doc) => {
        this.assertLive();
        assertCollection(coll);
        return Promise.resolve(this.insert(coll, checkDoc(doc)));
      },
      put: async (coll, doc) => {
        this.assertLive();
        assertCollection(coll);
        return Promise.resolve(this.put(coll, checkDoc(doc)));
      },
      update: async (coll, id, patch) => {
        assertCollection(coll);
        assertId(id);
        return Promise.resolve(this.update(coll, id, patch));
      },
      delete: async (coll, id) => {
        assertCollection(coll);
        assertId(id);
        return Promise.resolve(this.delete(coll, id));
      },
    };
  }
}

type Outcome<T> = { done: true; value: T } | { done: false; conflict: string };

class SqliteStoreImpl implements SqliteStore {
  readonly kind = 'sqlite' as const;
  /** Marks transaction callbacks, so that the store used directly from inside one is refused (serial.ts). */
  private readonly guard = new Serializer();
  /** Transactions that conflicted run again one at a time (runTransaction). */
  private readonly reruns = new Serializer();
  private rerunning = 0;
  /** Set while re-runs are queued: new transactions wait for it before they start. */
  private rerunsDone?: { promise: Promise<void>; resolve: () => void };
  private readonly statements = new Map<string, Database.Statement>();
  private readonly byId = new Map<string, Database.Statement>();
  /** Transactions and writes begun and not yet answered; close() waits for them. */
  private active = 0;
  private idle: Array<() => void> = [];
  private closed = false;
  private closing?: Promise<void>;

  constructor(
    /** This thread's connection: reads only (query_only); every write goes through the writer. */
    private readonly db: Db,
    readonly path: string,
    private readonly writer: WriterThread,
  ) {}

  private stmt(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      if (this.statements.size >= STATEMENT_CACHE) this.statements.delete(this.statements.keys().next().value as string);
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  /** Refuses new work once close() began, and the store used from inside its own transaction. */
  private enter(): void {
    if (this.closed) throw new Error('store is closed');
    this.guard.assertOutsideTransaction();
  }

  /** A document's text as committed (and, the writer's connection being FULL, on disk), or null. */
  private readonly readText = (coll: CollectionName, id: string): string | null => {
    // The hottest statement (a request reads a dozen documents or more): one per collection, kept apart.
    let s = this.byId.get(coll);
    if (!s) {
      s = this.db.prepare(`SELECT doc FROM "${coll}" WHERE id = ?`).pluck();
      this.byId.set(coll, s);
    }
    return (s.get(id) as string | undefined) ?? null;
  };

  /** The first document an attempt read that is no longer as it read it, all looked at in one snapshot. */
  private firstChanged(a: Attempt): string | undefined {
    if (a.reads.size === 0) return undefined;
    this.stmt('BEGIN').run();
    try {
      for (const [key, [coll, id, json]] of a.reads) if (this.readText(coll as CollectionName, id) !== json) return key;
      return undefined;
    } finally {
      this.stmt('COMMIT').run();
    }
  }

  // The Store API.

  async get(coll: CollectionName, id: string): Promise<Doc | null> {
    assertCollection(coll);
    assertId(id);
    this.enter();
    const json = this.readText(coll, id);
    return Promise.resolve(json === null ? null : parseStored(json, coll, id));
  }

  async find(coll: CollectionName, filter: Filter, opts?: FindOptions): Promise<Doc[]> {
    const { sql, params } = buildFindSql(coll, filter, opts);
    this.enter();
    return Promise.resolve((this.stmt(sql).all(...params) as { id: string; doc: string }[]).map((r) => parseStored(r.doc, coll, r.id)));
  }

  async count(coll: CollectionName, filter: Filter): Promise<number> {
    assertCollection(coll);
    const params: unknown[] = [];
    const sql = `SELECT count(*) AS n FROM "${coll}" WHERE ${whereSql(checkFilter(filter), params)}`;
    this.enter();
    return Promise.resolve((this.stmt(sql).get(...params) as { n: number }).n);
  }

  // Single writes are one-operation transactions: they share the writer's group commit, and an
  // insert or update is checked against the file at commit like any transaction's read.

  async insert(coll: CollectionName, doc: Doc): Promise<void> {
    assertCollection(coll);
    const d = checkDoc(doc);
    this.enter();
    return this.track((a) => Promise.resolve(a.insert(coll, d)));
  }

  async put(coll: CollectionName, doc: Doc): Promise<void> {
    assertCollection(coll);
    const d = checkDoc(doc);
    this.enter();
    return this.track((a) => Promise.resolve(a.put(coll, d)));
  }

  async update(coll: CollectionName, id: string, patch: Record<string, Json>): Promise<void> {
    assertCollection(coll);
    assertId(id);
    this.enter();
    return this.track((a) => Promise.resolve(a.update(coll, id, patch)));
  }

  async delete(coll: CollectionName, id: string): Promise<void> {
    assertCollection(coll);
    assertId(id);
    this.enter();
    return this.track((a) => Promise.resolve(a.delete(coll, id)));
  }

  async transaction<T>(fn: (tx: TxOps) => Promise<T>): Promise<T> {
    if (typeof fn !== 'function') throw new TypeError('transaction needs a function');
    this.enter();
    return this.track((a) => this.guard.inTransaction(() => fn(a.handle())));
  }

  /** Runs a transaction body, counted as active until it is answered (close() waits). */
  private async track<T>(body: (a: Attempt) => Promise<T>): Promise<T> {
    this.active++;
    try {
      return await this.runTransaction(body);
    } finally {
      if (--this.active === 0) for (const wake of this.idle.splice(0)) wake();
    }
  }

  /**
   * Optimistic concurrency: the body runs here, concurrently with others, reading the committed
   * state and buffering its writes; the writer thread commits them only if everything it read is
   * still as it was (sqlite-writer.ts), so transactions are serializable, in commit order. A body
   * that lost that race runs again, as the Store contract allows. Re-runs go one at a time, and
   * while any is queued new transactions wait: the re-run competes only with transactions already
   * running, and another process's writes, so a hot document cannot starve it.
   */
  private async runTransaction<T>(body: (a: Attempt) => Promise<T>): Promise<T> {
    while (this.rerunsDone) await this.rerunsDone.promise;
    const first = await this.attempt(body);
    if (first.done) return first.value;
    if (this.rerunning++ === 0) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      this.rerunsDone = { promise, resolve };
    }
    try {
      return await this.reruns.run(async () => {
        let last = first.conflict;
        for (let n = 2; n <= MAX_ATTEMPTS; n++) {
          const r = await this.attempt(body);
          if (r.done) return r.value;
          last = r.conflict;
        }
        throw new Error(`transaction gave up after ${MAX_ATTEMPTS} attempts: ${last} kept changing`);
      });
    } finally {
      if (--this.rerunning === 0) {
        this.rerunsDone?.resolve();
        this.rerunsDone = undefined;
      }
    }
  }

  private async attempt<T>(body: (a: Attempt) => Promise<T>): Promise<Outcome<T>> {
    const a = new Attempt(this.readText);
    let value: T;
    try {
      value = await body(a);
    } catch (e) {
      a.end();
      // What the body saw may have changed between two of its reads (a commit landed in
      // between): what it threw stands only if everything it read is still so.
      const changed = this.firstChanged(a);
      if (changed !== undefined) return { done: false, conflict: changed };
      throw e;
    }
    a.end();
    if (a.writes.size === 0) {
      // Nothing to write: valid if what it read is still the committed state.
      const changed = this.firstChanged(a);
      return changed === undefined ? { done: true, value } : { done: false, conflict: changed };
    }
    const conflict = await this.writer.commit([...a.reads.values()], [...a.writes.values()]);
    return conflict === null ? { done: true, value } : { done: false, conflict };
  }

  async integrityCheck(): Promise<IntegrityReport> {
    this.enter();
    return Promise.resolve(runIntegrityCheck(this.db));
  }

  async info(): Promise<SqliteInfo> {
    this.enter();
    // The journal and sync settings that matter are the writer's: its connection commits.
    const writer = await this.writer.info();
    return { ...writer, schemaVersion: schemaVersion(this.db) };
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    this.closed = true;
    // Writes asked for before close() are committed first.
    while (this.active > 0) await new Promise<void>((r) => this.idle.push(r));
    this.statements.clear();
    this.byId.clear();
    // This connection first: the writer's, closed last, checkpoints the WAL into the file.
    this.db.close();
    try {
      await this.writer.close();
    } finally {
      openPaths.delete(this.path);
    }
  }
}

/** Opens (creating if needed) the store at `path`, a file path (not `:memory:`). */
export function openSqliteStore(path: string, opts: SqliteStoreOptions = {}): SqliteStore {
  if (typeof path !== 'string' || path.length === 0 || path === ':memory:' || path.startsWith('file:')) {
    throw new TypeError('openSqliteStore needs a file path');
  }
  const target = opts.targetVersion ?? SCHEMA_VERSION;
  if (!Number.isInteger(target) || target < 1 || target > SCHEMA_VERSION) throw new RangeError(`targetVersion must be in 1..${SCHEMA_VERSION}`);
  const busy = opts.busyTimeoutMs ?? 5000;
  if (!Number.isInteger(busy) || busy < 0 || busy > 60_000) throw new RangeError('busyTimeoutMs must be in 0..60000');
  const script = opts.writerScript ?? defaultWriterScript();
  if (!existsSync(script)) throw new Error(`the SQLite writer thread's script ${script} is missing: run npm run build`);
  prepareFiles(resolve(path));
  const abs = realpathSync(resolve(path)); // one key per file, whatever the spelling of its path
  if (openPaths.has(abs)) throw new Error(`${abs} is already open in this process: share the store instead of opening it twice`);
  const db = new Database(abs, { fileMustExist: true, timeout: busy });
  let writer: WriterThread;
  try {
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') throw new Error(`could not switch ${abs} to WAL (journal_mode=${String(mode)})`);
    db.pragma('synchronous = FULL');
    // This connection migrates: a migration's transaction can be large (sqlite-protocol.ts).
    db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT}`);
    migrate(db, target, opts.clock ?? systemClock);
    if (target === SCHEMA_VERSION) assertTables(db);
    dropPlannerStatistics(db);
    // From here on this connection only reads; the writer thread's connection writes.
    db.pragma('query_only = ON');
    writer = new WriterThread(script, { path: abs, busyTimeoutMs: busy });
  } catch (e) {
    db.close();
    throw e;
  }
  openPaths.add(abs);
  return new SqliteStoreImpl(db, abs, writer);
}
