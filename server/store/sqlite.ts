/**
 * The store on one SQLite file (better-sqlite3 12.x): the embedded default for local use and a
 * single machine.
 *
 * - One table per collection: `(id TEXT PRIMARY KEY, doc TEXT)` holding the whole document as
 *   JSON (checked by `json_valid`, and `doc._id` must equal `id`). Filters become `json_extract`
 *   expressions; the fields services filter on have expression indexes (migration 2).
 * - WAL journal with `synchronous=FULL`. In WAL mode NORMAL already survives a killed process
 *   (a commit is in the WAL through write() before COMMIT returns), but it may lose the last
 *   commits on power loss or an OS crash. An acknowledged certificate is a code in a traveller's
 *   hand: losing its record would break revocation and the audit trail, so each commit waits for
 *   fsync of the WAL.
 * - Group commit: transactions (and single writes) that arrive while the connection is busy are
 *   committed together, one savepoint each, with one fsync; none is answered before that COMMIT
 *   returned. Under load this turns an fsync per request into an fsync per batch (measured here:
 *   an fsync'd commit takes ~0.3 ms of the one thread that serves every request).
 * - The file is created owner-only (0600; SQLite gives its -wal and -shm files the same mode) in a
 *   folder created owner-only (0700): it holds personal health data.
 * - Migrations: numbered, applied in order in one IMMEDIATE transaction at open, recorded in
 *   `schema_migrations`. A database newer than this program is refused.
 * - better-sqlite3 is synchronous; the Store API is async. One connection serves every caller, so
 *   calls are serialized (serial.ts): a transaction runs BEGIN IMMEDIATE … COMMIT around its async
 *   callback, and nothing else touches the connection until it ends.
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, realpathSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { systemClock, type Clock } from '../clock';
import { Serializer } from './serial';
import { COLLECTIONS, StoreConflict, StoreNotFound, type CollectionName, type Doc, type Filter, type FindOptions, type Json, type Store, type TxOps } from './store';
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

function createTableSql(coll: string): string {
  return `CREATE TABLE "${coll}" (
    id TEXT PRIMARY KEY NOT NULL,
    doc TEXT NOT NULL CHECK (json_valid(doc)) CHECK (json_extract(doc, '$._id') IS id)
  ) STRICT, WITHOUT ROWID`;
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
]);

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

export interface SqliteStoreOptions {
  /** How long a write waits for another process's lock before failing with SQLITE_BUSY. Default 5000 ms. */
  busyTimeoutMs?: number;
  /** Clock for `schema_migrations.applied_at`. */
  clock?: Clock;
  /** Migrate only up to this version (tests of upgrades). Default: the latest. */
  targetVersion?: number;
}

export interface IntegrityReport {
  ok: boolean;
  /** SQLite's findings when not ok (empty when ok). */
  problems: string[];
}

export interface SqliteInfo {
  journalMode: string;
  /** 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA. */
  synchronous: number;
  busyTimeoutMs: number;
  schemaVersion: number;
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
  let db: Db;
  try {
    db = new Database(path, { fileMustExist: true });
  } catch (e) {
    return { ok: false, problems: [(e as Error).message] };
  }
  try {
    return runIntegrityCheck(db);
  } finally {
    db.close();
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
    case 'in':
      return c.value.length === 0 ? '0' : `(${c.value.map((v) => eqSql(c.field, v, params)).join(' OR ')})`;
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
  params.push(o.limit, o.skip);
  return { sql: `SELECT id, doc FROM "${coll}" WHERE ${where} ORDER BY ${orderSql(conds, o)} LIMIT ? OFFSET ?`, params };
}

// --- the store -------------------------------------------------------------------------------

const STATEMENT_CACHE = 256;

/**
 * Most transactions committed together. Bounds how long one batch holds the connection (each
 * member is a few statements) and how much work one failed COMMIT takes with it.
 */
const GROUP_COMMIT_MAX = 64;

interface BatchMember {
  fn: (tx: TxOps) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (e: unknown) => void;
}

interface Batch {
  members: BatchMember[];
  started: boolean;
}

/**
 * Files open in this process. A second connection to the same file in the same process would
 * deadlock: its BEGIN IMMEDIATE waits synchronously (busy_timeout) for a lock that the first
 * connection can only release when the event loop runs again. Other processes are fine.
 */
const openPaths = new Set<string>();

class SqliteStoreImpl implements SqliteStore {
  readonly kind = 'sqlite' as const;
  private readonly serial = new Serializer();
  private readonly statements = new Map<string, Database.Statement>();
  /** Transactions waiting for the next group commit (see enqueue). */
  private pending?: Batch;
  private closed = false;

  constructor(
    private readonly db: Db,
    readonly path: string,
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

  /** Transaction control, prepared once (exec would parse the statement on every call). */
  private control(sql: 'BEGIN IMMEDIATE' | 'SAVEPOINT member' | 'RELEASE member' | 'ROLLBACK TO member' | 'COMMIT' | 'ROLLBACK'): void {
    this.stmt(sql).run();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('store is closed');
  }

  // Synchronous operations: callers hold the serializer, inside a transaction or not.

  private rawGet(coll: CollectionName, id: string): Doc | null {
    const row = this.stmt(`SELECT doc FROM "${coll}" WHERE id = ?`).get(id) as { doc: string } | undefined;
    return row ? parseStored(row.doc, coll, id) : null;
  }

  private rawInsert(coll: CollectionName, d: CheckedDoc): void {
    const r = this.stmt(`INSERT INTO "${coll}" (id, doc) VALUES (?, ?) ON CONFLICT (id) DO NOTHING`).run(d.doc._id, d.json);
    if (r.changes === 0) throw new StoreConflict(coll, d.doc._id);
  }

  private rawPut(coll: CollectionName, d: CheckedDoc): void {
    this.stmt(`INSERT INTO "${coll}" (id, doc) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET doc = excluded.doc`).run(d.doc._id, d.json);
  }

  private rawUpdate(coll: CollectionName, id: string, patch: Record<string, Json>): void {
    const existing = this.rawGet(coll, id);
    if (!existing) throw new StoreNotFound(coll, id);
    const d = applyPatch(existing, patch);
    this.stmt(`UPDATE "${coll}" SET doc = ? WHERE id = ?`).run(d.json, id);
  }

  private rawDelete(coll: CollectionName, id: string): void {
    this.stmt(`DELETE FROM "${coll}" WHERE id = ?`).run(id);
  }

  private rawAll(coll: CollectionName, sql: string, params: unknown[]): Doc[] {
    return (this.stmt(sql).all(...params) as { id: string; doc: string }[]).map((r) => parseStored(r.doc, coll, r.id));
  }

  // The Store API.

  async get(coll: CollectionName, id: string): Promise<Doc | null> {
    assertCollection(coll);
    assertId(id);
    return this.serial.run(() => {
      this.assertOpen();
      return this.rawGet(coll, id);
    });
  }

  // Single writes are one-operation transactions, so they share the group commit's fsync.

  async insert(coll: CollectionName, doc: Doc): Promise<void> {
    assertCollection(coll);
    const d = checkDoc(doc);
    this.assertOpen();
    return this.write(() => this.rawInsert(coll, d));
  }

  async put(coll: CollectionName, doc: Doc): Promise<void> {
    assertCollection(coll);
    const d = checkDoc(doc);
    this.assertOpen();
    return this.write(() => this.rawPut(coll, d));
  }

  async update(coll: CollectionName, id: string, patch: Record<string, Json>): Promise<void> {
    assertCollection(coll);
    assertId(id);
    this.assertOpen();
    // Read and write in one transaction: another process may share the file.
    return this.write(() => this.rawUpdate(coll, id, patch));
  }

  async delete(coll: CollectionName, id: string): Promise<void> {
    assertCollection(coll);
    assertId(id);
    this.assertOpen();
    return this.write(() => this.rawDelete(coll, id));
  }

  private write(op: () => void): Promise<void> {
    this.serial.assertOutsideTransaction();
    return new Promise<void>((resolve, reject) => {
      this.enqueue({ fn: async () => op(), resolve: () => resolve(), reject });
    });
  }

  async find(coll: CollectionName, filter: Filter, opts?: FindOptions): Promise<Doc[]> {
    const { sql, params } = buildFindSql(coll, filter, opts);
    return this.serial.run(() => {
      this.assertOpen();
      return this.rawAll(coll, sql, params);
    });
  }

  async count(coll: CollectionName, filter: Filter): Promise<number> {
    assertCollection(coll);
    const params: unknown[] = [];
    const sql = `SELECT count(*) AS n FROM "${coll}" WHERE ${whereSql(checkFilter(filter), params)}`;
    return this.serial.run(() => {
      this.assertOpen();
      return (this.stmt(sql).get(...params) as { n: number }).n;
    });
  }

  async transaction<T>(fn: (tx: TxOps) => Promise<T>): Promise<T> {
    if (typeof fn !== 'function') throw new TypeError('transaction needs a function');
    // Checked here, not when the batch runs: a transaction opened from inside another would
    // otherwise wait for a batch that waits for it.
    this.serial.assertOutsideTransaction();
    return new Promise<T>((resolve, reject) => {
      this.enqueue({ fn: fn as (tx: TxOps) => Promise<unknown>, resolve: resolve as (v: unknown) => void, reject });
    });
  }

  /**
   * Group commit. Transactions (and single writes) that arrive within one turn of the event loop
   * form one batch; the batch runs as one SQLite transaction (BEGIN IMMEDIATE … COMMIT, so one
   * fsync of the WAL) with a savepoint around each member, so a member that throws is rolled back alone. No member is
   * answered before the COMMIT returned: an acknowledged transaction is durable exactly as with a
   * commit of its own. Members run one after the other in arrival order, each seeing the writes of
   * those before it, as if each had committed alone in that order.
   */
  private enqueue(member: BatchMember): void {
    if (this.pending && this.pending.members.length < GROUP_COMMIT_MAX) {
      this.pending.members.push(member);
      return;
    }
    const batch: Batch = { members: [member], started: false };
    this.pending = batch;
    // After the current turn of the event loop: every request whose data arrived in this turn has
    // by then run up to its transaction (reads are synchronous underneath) and joined the batch.
    setImmediate(() => this.start(batch));
  }

  private start(batch: Batch): void {
    if (batch.started) return;
    batch.started = true;
    // Sealed when it starts: later arrivals form the next batch.
    if (this.pending === batch) this.pending = undefined;
    this.serial
      .run(() => this.runBatch(batch.members))
      // runBatch answers every member itself; this catches only a failure of the failure path
      // (a ROLLBACK that throws). A member already answered ignores a second answer.
      .catch((e: unknown) => {
        for (const m of batch.members) m.reject(e);
      });
  }

  private async runBatch(batch: BatchMember[]): Promise<void> {
    if (this.closed) {
      for (const m of batch) m.reject(new Error('store is closed'));
      return;
    }
    const done: Array<{ m: BatchMember; ok: boolean; value: unknown }> = [];
    try {
      this.control('BEGIN IMMEDIATE');
      for (const m of batch) {
        this.control('SAVEPOINT member');
        try {
          const value = await this.runMember(m.fn);
          this.control('RELEASE member');
          done.push({ m, ok: true, value });
        } catch (e) {
          // An I/O error can end the whole transaction; otherwise undo only this member.
          if (!this.db.inTransaction) throw e;
          this.control('ROLLBACK TO member');
          this.control('RELEASE member');
          done.push({ m, ok: false, value: e });
        }
      }
      this.control('COMMIT');
    } catch (e) {
      if (this.db.inTransaction) this.control('ROLLBACK');
      // Nothing of this batch was committed: every member fails, with the cause.
      for (const m of batch) m.reject(e);
      return;
    }
    for (const d of done) (d.ok ? d.m.resolve : d.m.reject)(d.value);
  }

  /** One member's callback with its own handle, usable only while the callback runs. */
  private async runMember(fn: (tx: TxOps) => Promise<unknown>): Promise<unknown> {
    let live = true;
    const assertLive = (): void => {
      if (!live) throw new TypeError('transaction handle used after its transaction ended');
    };
    const tx: TxOps = {
      get: async (coll, id) => {
        assertLive();
        assertCollection(coll);
        assertId(id);
        return this.rawGet(coll, id);
      },
      insert: async (coll, doc) => {
        assertLive();
        assertCollection(coll);
        this.rawInsert(coll, checkDoc(doc));
      },
      put: async (coll, doc) => {
        assertLive();
        assertCollection(coll);
        this.rawPut(coll, checkDoc(doc));
      },
      update: async (coll, id, patch) => {
        assertLive();
        assertCollection(coll);
        assertId(id);
        this.rawUpdate(coll, id, patch);
      },
      delete: async (coll, id) => {
        assertLive();
        assertCollection(coll);
        assertId(id);
        this.rawDelete(coll, id);
      },
    };
    try {
      return await this.serial.inTransaction(() => fn(tx));
    } finally {
      live = false;
    }
  }

  async integrityCheck(): Promise<IntegrityReport> {
    return this.serial.run(() => {
      this.assertOpen();
      return runIntegrityCheck(this.db);
    });
  }

  async info(): Promise<SqliteInfo> {
    return this.serial.run(() => {
      this.assertOpen();
      return {
        journalMode: String(this.db.pragma('journal_mode', { simple: true })),
        synchronous: Number(this.db.pragma('synchronous', { simple: true })),
        busyTimeoutMs: Number(this.db.pragma('busy_timeout', { simple: true })),
        schemaVersion: schemaVersion(this.db),
      };
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    // Writes asked for before close() are committed first.
    if (this.pending) this.start(this.pending);
    await this.serial.run(() => {
      if (this.closed) return;
      this.closed = true;
      this.statements.clear();
      this.db.pragma('optimize');
      this.db.close();
      openPaths.delete(this.path);
    });
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
  prepareFiles(resolve(path));
  const abs = realpathSync(resolve(path)); // one key per file, whatever the spelling of its path
  if (openPaths.has(abs)) throw new Error(`${abs} is already open in this process: share the store instead of opening it twice`);
  const db = new Database(abs, { fileMustExist: true, timeout: busy });
  try {
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') throw new Error(`could not switch ${abs} to WAL (journal_mode=${String(mode)})`);
    db.pragma('synchronous = FULL');
    migrate(db, target, opts.clock ?? systemClock);
    if (target === SCHEMA_VERSION) assertTables(db);
    // SQLite's advice for long-lived connections: refresh planner statistics where they are stale.
    db.pragma('optimize = 0x10002');
  } catch (e) {
    db.close();
    throw e;
  }
  openPaths.add(abs);
  return new SqliteStoreImpl(db, abs);
}
