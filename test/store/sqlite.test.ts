/**
 * What only the SQLite adapter has: a file that persists, WAL with fsync on commit, owner-only
 * permissions, migrations, indexes, an integrity check, and durability through kill -9.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, chmodSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { ManualClock } from '../../server/clock';
import { buildFindSql, integrityCheck, MIGRATIONS, openSqliteStore, SCHEMA_VERSION } from '../../server/store/sqlite';
import { WAL_SIZE_LIMIT } from '../../server/store/sqlite-protocol';
import { StoreConflict, type Filter } from '../../server/store/store';
import { bundleStoreChildren, childEnv } from './children';

let dir: string;
let dbPath: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ithc-sqlite-'));
  dbPath = join(dir, 'data', 'ithc.db');
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A plain connection for looking at the file from outside the adapter. */
function raw<T>(path: string, f: (db: Database.Database) => T): T {
  const db = new Database(path, { fileMustExist: true });
  try {
    return f(db);
  } finally {
    db.close();
  }
}

function mode(p: string): number {
  return statSync(p).mode & 0o777;
}

test('reopening finds what was written; the connection that commits is WAL with fsync on every commit', async () => {
  const a = openSqliteStore(dbPath);
  await a.insert('users', { _id: 'u1', openid: 'o-1', name: '张三' });
  expect(await a.info()).toEqual({
    journalMode: 'wal',
    synchronous: 2,
    busyTimeoutMs: 5000,
    walSizeLimit: WAL_SIZE_LIMIT,
    schemaVersion: SCHEMA_VERSION,
    commits: 1,
    transactionsCommitted: 1,
  });
  await a.close();
  await expect(a.get('users', 'u1')).rejects.toThrow(/closed/);
  const b = openSqliteStore(dbPath);
  expect(await b.get('users', 'u1')).toEqual({ _id: 'u1', openid: 'o-1', name: '张三' });
  await b.close();
});

test('after a transaction larger than the WAL limit, the WAL file shrinks back to the limit while the store stays open', async () => {
  const store = openSqliteStore(dbPath);
  const doc = 'x'.repeat(5_000);
  const n = Math.ceil((1.5 * WAL_SIZE_LIMIT) / doc.length);
  await store.transaction(async (tx) => {
    for (let i = 0; i < n; i++) await tx.insert('certificates', { _id: `c${i}`, personId: `p${i}`, issuedAt: i, doc });
  });
  const wal = (): number => statSync(`${dbPath}-wal`).size;
  expect(wal()).toBeGreaterThan(1.5 * WAL_SIZE_LIMIT);
  // SQLite starts the WAL over at the first commit after a checkpoint, and cuts the file to the limit then.
  for (let i = 0; i < 3; i++) await store.insert('users', { _id: `u${i}`, openid: `o-${i}` });
  expect(wal()).toBeLessThanOrEqual(WAL_SIZE_LIMIT);
  expect(await store.get('certificates', `c${n - 1}`)).toMatchObject({ personId: `p${n - 1}` });
  await store.close();
});

test('the same file cannot be opened twice in one process (two writer threads for one lock); after close it can', async () => {
  const a = openSqliteStore(dbPath);
  expect(() => openSqliteStore(join(dir, 'data', '..', 'data', 'ithc.db'))).toThrow(/already open/);
  await a.close();
  const b = openSqliteStore(dbPath);
  await b.close();
});

test('paths that are not files are refused', () => {
  expect(() => openSqliteStore(':memory:')).toThrow(TypeError);
  expect(() => openSqliteStore('')).toThrow(TypeError);
  expect(() => openSqliteStore(dbPath, { targetVersion: SCHEMA_VERSION + 1 })).toThrow(RangeError);
});

test('without its writer thread script the store does not open, and says what to do', () => {
  expect(() => openSqliteStore(dbPath, { writerScript: join(dir, 'missing-writer.cjs') })).toThrow(/writer thread's script .* is missing: run npm run build/);
  expect(existsSync(dbPath)).toBe(false);
  // Nothing of it stays open: the file opens normally afterwards.
  return openSqliteStore(dbPath).close();
});

test('the folder is created 0700 and the database, its WAL and shared memory 0600', async () => {
  const store = openSqliteStore(dbPath);
  await store.insert('users', { _id: 'u1', v: 1 });
  expect(mode(join(dir, 'data'))).toBe(0o700);
  expect(mode(dbPath)).toBe(0o600);
  // While the store is open after a write, SQLite keeps the -wal and -shm files beside it.
  expect(existsSync(`${dbPath}-wal`)).toBe(true);
  expect(mode(`${dbPath}-wal`)).toBe(0o600);
  expect(mode(`${dbPath}-shm`)).toBe(0o600);
  await store.close();
});

test('an existing database readable by others is tightened to 0600 on open', async () => {
  await openSqliteStore(dbPath).close();
  chmodSync(dbPath, 0o644);
  const store = openSqliteStore(dbPath);
  expect(mode(dbPath)).toBe(0o600);
  await store.close();
});

describe('transactions on the writer thread', () => {
  test('transactions arriving together on one document run one after the other; one that throws is undone alone, the others stand', async () => {
    const store = openSqliteStore(dbPath);
    try {
      await store.insert('attempts', { _id: 'counter', n: 0 });
      const boom = new Error('member 4 fails');
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) =>
          store.transaction(async (tx) => {
            const c = (await tx.get('attempts', 'counter')) as { n: number } | null;
            await tx.put('attempts', { _id: 'counter', n: (c?.n ?? 0) + 1 });
            await tx.insert('users', { _id: `u${i}`, i });
            if (i === 4) throw boom;
            return c!.n + 1;
          }),
        ),
      );
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled']);
      expect((results[4] as PromiseRejectedResult).reason).toBe(boom);
      // The others ran in order, each after the one before (those that lost the race ran again),
      // and the failed one left no trace.
      expect(results.filter((r) => r.status === 'fulfilled').map((r) => r.value)).toEqual([1, 2, 3, 4, 5, 6, 7]);
      expect(((await store.get('attempts', 'counter')) as unknown as { n: number }).n).toBe(7);
      expect(await store.get('users', 'u4')).toBeNull();
      expect(await store.count('users', {})).toBe(7);
    } finally {
      await store.close();
    }
    // And all of it is in the file.
    const again = openSqliteStore(dbPath);
    expect(await again.count('users', {})).toBe(7);
    await again.close();
  });

  test('independent transactions arriving together share COMMITs (group commit), and each is answered only after its COMMIT', async () => {
    const store = openSqliteStore(dbPath);
    try {
      const before = await store.info();
      const n = 40;
      await Promise.all(
        Array.from({ length: n }, (_, i) =>
          store.transaction(async (tx) => {
            await tx.insert('certificates', { _id: `c${i}`, personId: `p${i}` });
            await tx.insert('audit', { _id: `a${i}`, certificateId: `c${i}` });
          }),
        ),
      );
      const after = await store.info();
      expect(after.transactionsCommitted - before.transactionsCommitted).toBe(n);
      // Those that arrived while a COMMIT was on disk went into the next one together.
      expect(after.commits - before.commits).toBeLessThan(n);
      expect(after.commits - before.commits).toBeGreaterThanOrEqual(1);
      expect(await store.count('certificates', {})).toBe(n);
      expect(await store.count('audit', {})).toBe(n);
    } finally {
      await store.close();
    }
  });

  test('a transaction that read a document another write changed meanwhile runs again on the new state', async () => {
    const store = openSqliteStore(dbPath);
    try {
      await store.insert('users', { _id: 'u', credits: 10 });
      let runs = 0;
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const spend = store.transaction(async (tx) => {
        runs++;
        const u = (await tx.get('users', 'u')) as { credits: number } | null;
        await gate;
        await tx.update('users', 'u', { credits: u!.credits - 3 });
        return u!.credits;
      });
      // While the transaction waits, a write of its own changes what it read.
      await store.update('users', 'u', { credits: 100 });
      release();
      // The first run saw 10; its commit was refused, and the second run saw 100.
      expect(await spend).toBe(100);
      expect(runs).toBe(2);
      expect(await store.get('users', 'u')).toEqual({ _id: 'u', credits: 97 });
    } finally {
      await store.close();
    }
  });

  test('a document another process changed after the transaction read it: the commit is refused and the transaction runs again', async () => {
    const store = openSqliteStore(dbPath);
    try {
      await store.insert('users', { _id: 'u', credits: 10 });
      const seen: number[] = [];
      const result = await store.transaction(async (tx) => {
        const u = (await tx.get('users', 'u')) as { credits: number } | null;
        seen.push(u!.credits);
        // Another process's write lands between this read and the commit (once).
        if (seen.length === 1) raw(dbPath, (db) => db.prepare('UPDATE users SET doc = ? WHERE id = ?').run(JSON.stringify({ _id: 'u', credits: 50 }), 'u'));
        await tx.put('users', { _id: 'u', credits: u!.credits - 1 });
        return u!.credits - 1;
      });
      expect(seen).toEqual([10, 50]);
      expect(result).toBe(49);
      expect(await store.get('users', 'u')).toEqual({ _id: 'u', credits: 49 });
    } finally {
      await store.close();
    }
  });

  test('a transaction whose reads keep changing gives up after a bounded number of runs, writing nothing', async () => {
    const store = openSqliteStore(dbPath);
    try {
      await store.insert('users', { _id: 'u', n: 0 });
      let runs = 0;
      await expect(
        store.transaction(async (tx) => {
          runs++;
          await tx.get('users', 'u');
          raw(dbPath, (db) => db.prepare('UPDATE users SET doc = ? WHERE id = ?').run(JSON.stringify({ _id: 'u', n: runs }), 'u'));
          await tx.insert('audit', { _id: `a${runs}`, at: runs });
        }),
      ).rejects.toThrow(/gave up after \d+ attempts: users\/u kept changing/);
      expect(runs).toBeGreaterThan(1);
      expect(runs).toBeLessThanOrEqual(100);
      expect(await store.count('audit', {})).toBe(0);
      // The store goes on working.
      await store.put('users', { _id: 'v', n: 1 });
      expect(await store.get('users', 'v')).toEqual({ _id: 'v', n: 1 });
    } finally {
      await store.close();
    }
  });

  test('single writes join the group too, and a write asked for before close() is committed by it', async () => {
    const store = openSqliteStore(dbPath);
    const writes = Array.from({ length: 20 }, (_, i) => store.put('audit', { _id: `a${i}`, at: i }));
    const closing = store.close();
    await Promise.all(writes);
    await closing;
    const again = openSqliteStore(dbPath);
    expect(await again.count('audit', {})).toBe(20);
    await again.close();
  });
});

describe('migrations', () => {
  test('are numbered 1..N without gaps', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(Array.from({ length: MIGRATIONS.length }, (_, i) => i + 1));
    expect(SCHEMA_VERSION).toBe(MIGRATIONS.length);
  });

  test('a version-1 database migrates to the latest, keeping its data; reopening changes nothing', async () => {
    const clock = new ManualClock(1_000);
    const v1 = openSqliteStore(dbPath, { targetVersion: 1, clock });
    expect((await v1.info()).schemaVersion).toBe(1);
    await v1.insert('users', { _id: 'u1', openid: 'o-1' });
    await v1.close();
    const indexesAt = (): string[] =>
      raw(dbPath, (db) =>
        (db.prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND name LIKE 'idx_%' ORDER BY name").all() as { name: string }[]).map((r) => r.name),
      );
    expect(indexesAt()).toEqual([]);

    clock.set(2_000);
    const latest = openSqliteStore(dbPath, { clock });
    expect((await latest.info()).schemaVersion).toBe(SCHEMA_VERSION);
    expect(await latest.get('users', 'u1')).toEqual({ _id: 'u1', openid: 'o-1' });
    await latest.close();
    const applied = raw(dbPath, (db) => db.prepare('SELECT version, name, applied_at FROM schema_migrations ORDER BY version').all());
    expect(applied).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name, applied_at: m.version === 1 ? 1_000 : 2_000 })));
    expect(indexesAt()).toContain('idx_users_openid');

    clock.set(3_000);
    await openSqliteStore(dbPath, { clock }).close();
    expect(raw(dbPath, (db) => db.prepare('SELECT version, name, applied_at FROM schema_migrations ORDER BY version').all())).toEqual(applied);
  });

  test('a version-5 store moves its certificates to a rowid table, every document and index kept, and reads them back', async () => {
    const v5 = openSqliteStore(dbPath, { targetVersion: 5 });
    const certificate = (i: number) => ({ _id: `c${i}`, personId: `p${i % 7}`, issuedAt: 1_000 + i, status: 'valid', codes: { ithc: 'I'.repeat(200 + i) } });
    await v5.transaction(async (tx) => {
      for (let i = 0; i < 60; i++) await tx.insert('certificates', certificate(i));
    });
    await v5.close();
    const tableSql = (): string =>
      raw(dbPath, (db) => db.prepare("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'certificates'").pluck().get() as string);
    const indexNames = (): string[] =>
      raw(
        dbPath,
        (db) =>
          db
            .prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'certificates' AND sql IS NOT NULL ORDER BY name")
            .pluck()
            .all() as string[],
      );
    expect(tableSql()).toMatch(/WITHOUT ROWID$/);
    const indexesBefore = indexNames();
    expect(indexesBefore).toContain('idx_certificates_personId_issuedAt');

    const latest = openSqliteStore(dbPath);
    expect(tableSql()).not.toMatch(/WITHOUT ROWID/);
    expect(indexNames()).toEqual(indexesBefore);
    for (let i = 0; i < 60; i++) expect(await latest.get('certificates', `c${i}`)).toEqual(certificate(i));
    expect(await latest.get('certificates', 'c60')).toBeNull();
    expect(await latest.find('certificates', { personId: 'p3' }, { orderBy: { field: 'issuedAt', direction: 'desc' }, limit: 2 })).toEqual([
      certificate(59),
      certificate(52),
    ]);
    // Writes after the move: the primary key still refuses a second document with an id.
    await expect(latest.insert('certificates', certificate(5))).rejects.toThrow(StoreConflict);
    await latest.put('certificates', { ...certificate(5), status: 'revoked' });
    expect(await latest.get('certificates', 'c5')).toMatchObject({ status: 'revoked' });
    expect((await latest.integrityCheck()).ok).toBe(true);
    await latest.close();
    // The CHECK constraints came along: a row whose doc does not name its id is refused.
    expect(() => raw(dbPath, (db) => db.prepare('INSERT INTO certificates (id, doc) VALUES (\'x\', \'{"_id":"y"}\')').run())).toThrow(/CHECK/);
  });

  test('certificate documents take about their own size on disk, where a WITHOUT ROWID table took 1.7 times it', async () => {
    // Sizes do not depend on the machine: pages of the table, from SQLite's dbstat.
    const store = openSqliteStore(dbPath);
    const doc = 'x'.repeat(5_200);
    await store.transaction(async (tx) => {
      for (let i = 0; i < 300; i++) await tx.insert('certificates', { _id: `c${String(i).padStart(4, '0')}`, personId: `p${i}`, issuedAt: i, doc });
    });
    await store.close();
    const { bytes, payload } = raw(dbPath, (db) => ({
      bytes: db.prepare("SELECT sum(pgsize) FROM dbstat WHERE name = 'certificates'").pluck().get() as number,
      payload: db.prepare('SELECT sum(length(doc)) FROM certificates').pluck().get() as number,
    }));
    expect(bytes / payload).toBeLessThan(1.2);
  });

  test('a database from a newer program is refused', async () => {
    await openSqliteStore(dbPath).close();
    raw(dbPath, (db) => db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'from the future', 0)").run(SCHEMA_VERSION + 1));
    expect(() => openSqliteStore(dbPath)).toThrow(/newer/);
    // The refusal released the file.
    raw(dbPath, (db) => db.prepare('DELETE FROM schema_migrations WHERE version = ?').run(SCHEMA_VERSION + 1));
    await openSqliteStore(dbPath).close();
  });
});

test.each<[string, 'users' | 'records' | 'ingestNonces' | 'keys' | 'certificates', Filter, string]>([
  ['users by openid', 'users', { openid: 'o-1' }, 'idx_users_openid'],
  ['records by person', 'records', { personId: 'p-1' }, 'idx_records_personId'],
  ['records by source and source record id', 'records', { sourceId: 's', sourceRecordId: 'r' }, 'idx_records_sourceId_sourceRecordId'],
  ['expired nonces', 'ingestNonces', { expiresAt: { $lt: 1_700_000_000_000 } }, 'idx_ingestNonces_expiresAt'],
  ['active keys of a kind', 'keys', { kind: 'dsc', status: 'active' }, 'idx_keys_kind_status'],
  ['certificates of several people', 'certificates', { personId: { $in: ['a', 'b'] } }, 'idx_certificates_personId'],
])('the query for %s uses its index', async (_label, coll, filter, index) => {
  await openSqliteStore(dbPath).close();
  const { sql, params } = buildFindSql(coll, filter);
  const plan = raw(dbPath, (db) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join('\n'));
  expect(plan).toContain(`USING INDEX ${index}`);
});

test('statistics taken while the store was small never steer its plans once it has grown', async () => {
  const small = openSqliteStore(dbPath);
  for (const i of [1, 2]) await small.insert('certificates', { _id: `c${i}`, personId: `p${i}`, issuedAt: i });
  await small.close();
  // What ANALYZE (by hand, or PRAGMA optimize in an older version) leaves: a two-row table.
  raw(dbPath, (db) => db.exec('ANALYZE'));
  const stat = (db: Database.Database): unknown => db.prepare("SELECT name FROM sqlite_schema WHERE name LIKE 'sqlite_stat%'").all();
  expect(raw(dbPath, stat)).toContainEqual({ name: 'sqlite_stat1' });

  const grown = openSqliteStore(dbPath);
  await grown.transaction(async (tx) => {
    for (let i = 3; i <= 400; i++) await tx.insert('certificates', { _id: `c${i}`, personId: `p${i % 50}`, issuedAt: i });
  });
  await grown.close();
  expect(raw(dbPath, stat)).toEqual([]);
  // The issuance service's lookup of a person's latest certificate.
  const { sql, params } = buildFindSql('certificates', { personId: 'p7' }, { orderBy: { field: 'issuedAt', direction: 'desc' }, limit: 1 });
  const plan = raw(dbPath, (db) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join('\n'));
  expect(plan).toContain('USING INDEX idx_certificates_personId_issuedAt');
  // (Ties on issuedAt are ordered by id ascending: a sort of that one person's certificates.)
  expect(plan).not.toMatch(/SCAN/);
});

test("a find binds only its filter's values: LIMIT and OFFSET are in its text, so SQLite does not prepare it again at each run", () => {
  // With STAT4 compiled in, a bound LIMIT marks the statement to be prepared again whenever a value is bound.
  const { sql, params } = buildFindSql('records', { personId: 'p1' }, { limit: 7, skip: 3 });
  expect(params).toEqual(['p1']);
  expect(sql).toMatch(/ LIMIT 7 OFFSET 3$/);
  for (const bad of [1.5, -1, Number.NaN, '7; DROP TABLE records' as unknown as number]) {
    expect(() => buildFindSql('records', {}, { limit: bad })).toThrow(RangeError);
    expect(() => buildFindSql('records', {}, { skip: bad })).toThrow(RangeError);
  }
});

test('documents by a list of ids are one probe of the primary key per id, whatever else the list holds', async () => {
  await openSqliteStore(dbPath).close();
  const { sql, params } = buildFindSql('sources', { _id: { $in: ['s1', 3, 's2'] } });
  expect(params.slice(0, 2)).toEqual(['s1', 's2']);
  const plan = raw(dbPath, (db) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join('\n'));
  expect(plan).toMatch(/SEARCH sources USING PRIMARY KEY \(id=\?\)/);
  expect(plan).not.toMatch(/MULTI-INDEX OR|SCAN/);
});

describe('integrity check', () => {
  test('says ok for a sound file, from the store and from the path', async () => {
    const store = openSqliteStore(dbPath);
    await store.insert('users', { _id: 'u1', openid: 'o' });
    expect(await store.integrityCheck()).toEqual({ ok: true, problems: [] });
    await store.close();
    expect(integrityCheck(dbPath)).toEqual({ ok: true, problems: [] });
  });

  test('reports a damaged file', async () => {
    const store = openSqliteStore(dbPath);
    await store.transaction(async (tx) => {
      for (let i = 0; i < 400; i++) await tx.insert('users', { _id: `u${i}`, openid: `openid-${i}`, pad: 'x'.repeat(200) });
    });
    await store.close(); // checkpoints the WAL into the file
    const pageSize = raw(dbPath, (db) => db.pragma('page_size', { simple: true }) as number);
    const size = statSync(dbPath).size;
    expect(size).toBeGreaterThan(pageSize * 8);
    // Overwrite a page in the middle of the file (never page 1, the header) with garbage.
    const fd = openSync(dbPath, 'r+');
    writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, Math.floor(size / pageSize / 2) * pageSize);
    closeSync(fd);
    const report = integrityCheck(dbPath);
    expect(report.ok).toBe(false);
    expect(report.problems.length).toBeGreaterThan(0);
  });

  test('reports a file that is not a database', () => {
    const junk = join(dir, 'junk.db');
    closeSync(openSync(junk, 'w'));
    const fd = openSync(junk, 'r+');
    writeSync(fd, Buffer.from('this is not an SQLite database, just some text '.repeat(200)));
    closeSync(fd);
    expect(integrityCheck(junk).ok).toBe(false);
    expect(integrityCheck(join(dir, 'missing.db')).ok).toBe(false);
  });
});

describe('durability', () => {
  let childDir: string;
  let childJs: string;
  beforeAll(async () => {
    // The children run our TypeScript store, bundled with its writer thread.
    childDir = mkdtempSync(join(tmpdir(), 'ithc-crash-child-'));
    childJs = join(childDir, 'crash-child.cjs');
    await bundleStoreChildren(childDir, ['crash-child.cjs', 'crash-batch-child.cjs', 'exit-child.cjs', 'writer-kill-points.cjs']);
  });
  afterAll(() => {
    rmSync(childDir, { recursive: true, force: true });
  });

  /** Runs the child until it acknowledged `count` more certificates, then kills it with SIGKILL. */
  function runAndKill(count: number, width = 1): Promise<{ start: number; lastAck: number }> {
    return new Promise((done, fail) => {
      const child = spawn(process.execPath, [childJs, dbPath, String(width)], {
        env: childEnv(),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let start = 0;
      let lastAck = 0;
      let stderr = '';
      child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
      createInterface({ input: child.stdout }).on('line', (line) => {
        const [word, n] = line.split(' ');
        if (word === 'start') start = Number(n);
        if (word !== 'ack') return;
        if (Number(n) !== (lastAck || start - 1) + 1) fail(new Error(`acks out of order: ${line} after ${lastAck}`));
        lastAck = Number(n);
        if (lastAck - start + 1 >= count && !child.killed) child.kill('SIGKILL');
      });
      child.on('error', fail);
      child.on('exit', (code, signal) => {
        if (signal === 'SIGKILL') done({ start, lastAck });
        else fail(new Error(`child exited with ${code}: ${stderr}`));
      });
    });
  }

  // Width 1: a COMMIT (and fsync) per transaction; width 8: eight at a time on the one counter, so
  // that all but one conflict at each step and run again.
  test.each([1, 8])(
    'after kill -9 during issuance (transactions committed %i at a time), every acknowledged certificate is there and the file is sound',
    async (width) => {
      const first = await runAndKill(150, width);
      expect(first.start).toBe(1);
      // A second life that is killed too: recovery, then more writes, then another crash.
      const second = await runAndKill(150, width);
      expect(second.start).toBeGreaterThan(first.lastAck);

      expect(integrityCheck(dbPath)).toEqual({ ok: true, problems: [] });
      const store = openSqliteStore(dbPath);
      const issued = ((await store.get('attempts', 'issued')) as unknown as { n: number }).n;
      expect(issued).toBeGreaterThanOrEqual(second.lastAck);
      // Every acknowledged certificate survived.
      for (let n = 1; n <= second.lastAck; n++) {
        const cert = await store.get('certificates', `cert-${n}`);
        if (cert?.n !== n) throw new Error(`acknowledged certificate ${n} is missing after the crash`);
      }
      // Transactions were all or nothing: the counter and the certificates agree.
      expect(await store.count('certificates', {})).toBe(issued);
      expect(await store.get('certificates', `cert-${issued + 1}`)).toBeNull();
      expect(await store.integrityCheck()).toEqual({ ok: true, problems: [] });
      await store.close();
      // Nothing of the file is world-readable after the crashes either.
      expect(mode(dbPath)).toBe(0o600);
      expect(readFileSync(dbPath).subarray(0, 16).toString('latin1')).toBe('SQLite format 3\u0000');
    },
  );

  test.each([
    ['closes the store', ['close'], 'written\nclosed\n'],
    ['leaves the store open', [], 'written\n'],
  ])('a process that writes and %s ends by itself, its write in the file', async (_label, args, stdout) => {
    const r = spawnSync(process.execPath, [join(childDir, 'exit-child.cjs'), dbPath, ...args], {
      env: childEnv(),
      encoding: 'utf8',
      // A bound only: a hang is the failure this looks for.
      timeout: 60_000,
    });
    expect({ status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr }).toEqual({ status: 0, signal: null, stdout, stderr: '' });
    const store = openSqliteStore(dbPath);
    expect(await store.get('users', 'exit-child')).toEqual({ _id: 'exit-child', v: 1 });
    await store.close();
  });

  /** People the batch child's certificates go to (n mod PERSONS): some transactions in a batch conflict. */
  const PERSONS = 61;
  const WIDTH = 32;

  interface Life {
    acked: Set<number>;
    /** What the writer thread said just before it killed the process, when it did. */
    killed: { point: string; ids: string[] } | null;
  }

  /**
   * One life of crash-batch-child.ts, WIDTH transactions in flight from number `base` on. Killed
   * by the writer thread itself at `killAt` (writer-kill-points.ts), or from here once `acks`
   * commits were answered.
   */
  function live(base: number, how: { killAt: 'in-batch' | 'after-commit'; fromBatch: number } | { acks: number }): Promise<Life> {
    return new Promise((done, fail) => {
      const args = [join(childDir, 'crash-batch-child.cjs'), dbPath, String(WIDTH), String(base), String(PERSONS)];
      const env = childEnv();
      if ('killAt' in how) {
        args.push(join(childDir, 'writer-kill-points.cjs'));
        Object.assign(env, { ITHC_KILL_AT: how.killAt, ITHC_KILL_FROM_BATCH: String(how.fromBatch) });
      }
      const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
      const life: Life = { acked: new Set(), killed: null };
      let stderr = '';
      child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
      createInterface({ input: child.stdout }).on('line', (line) => {
        const [word, arg = ''] = line.split(' ', 3);
        if (word === 'ack') {
          life.acked.add(Number(arg));
          if ('acks' in how && life.acked.size >= how.acks && !child.killed) child.kill('SIGKILL');
        } else if (word === 'killed') {
          life.killed = { point: arg, ids: (line.split(' ')[2] ?? '').split(',').filter(Boolean) };
        }
      });
      child.on('error', fail);
      child.on('exit', (code, signal) => {
        if (signal === 'SIGKILL') done(life);
        else fail(new Error(`child exited with ${code}: ${stderr}`));
      });
    });
  }

  /** Everything acknowledged is there, and every transaction is all or nothing: certificate, audit entry and person count agree. */
  async function checkWhole(acked: Set<number>): Promise<void> {
    expect(integrityCheck(dbPath)).toEqual({ ok: true, problems: [] });
    const store = openSqliteStore(dbPath);
    try {
      for (const n of acked) {
        if ((await store.get('certificates', `cert-${n}`))?.n !== n) throw new Error(`acknowledged certificate ${n} is missing after the crash`);
      }
      const certificates = await store.count('certificates', {});
      expect(await store.count('audit', {})).toBe(certificates);
      let counted = 0;
      for (let p = 0; p < PERSONS; p++) {
        const personId = `person-${p}`;
        const person = (await store.get('users', personId)) as { count: number } | null;
        const held = await store.count('certificates', { personId });
        expect({ personId, count: person?.count ?? 0 }).toEqual({ personId, count: held });
        expect(await store.count('audit', { personId })).toBe(held);
        counted += held;
      }
      expect(counted).toBe(certificates);
    } finally {
      await store.close();
    }
  }

  test('SIGKILL inside a batch on the writer thread, after its COMMIT and from outside: every acknowledged write is there, nothing half-written', async () => {
    const acked = new Set<number>();
    const collect = (life: Life) => life.acked.forEach((n) => acked.add(n));
    const presentOf = async (ids: string[]) => {
      const store = openSqliteStore(dbPath);
      try {
        return await Promise.all(ids.map(async (id) => (await store.get('certificates', id)) !== null));
      } finally {
        await store.close();
      }
    };

    // Killed by the writer in the middle of a batch: three or more members written, no COMMIT.
    const inBatch = await live(1_000_000, { killAt: 'in-batch', fromBatch: 10 });
    collect(inBatch);
    expect(inBatch.killed?.point).toBe('in-batch');
    expect(inBatch.killed!.ids.length).toBeGreaterThanOrEqual(3);
    expect(inBatch.acked.size).toBeGreaterThan(0);
    await checkWhole(acked);
    // Nothing of the batch reached the file, and none of it had been acknowledged.
    expect(await presentOf(inBatch.killed!.ids)).toEqual(inBatch.killed!.ids.map(() => false));
    for (const id of inBatch.killed!.ids) expect(inBatch.acked.has(Number(id.slice('cert-'.length)))).toBe(false);

    // Killed from outside while transactions keep coming.
    const outside = await live(2_000_000, { acks: 300 });
    collect(outside);
    expect(outside.acked.size).toBeGreaterThanOrEqual(300);
    await checkWhole(acked);

    // Killed by the writer once a batch was committed, before it answered: on disk, never acknowledged.
    const afterCommit = await live(3_000_000, { killAt: 'after-commit', fromBatch: 5 });
    collect(afterCommit);
    expect(afterCommit.killed?.point).toBe('after-commit');
    expect(afterCommit.killed!.ids.length).toBeGreaterThanOrEqual(2);
    await checkWhole(acked);
    expect(await presentOf(afterCommit.killed!.ids)).toEqual(afterCommit.killed!.ids.map(() => true));
    for (const id of afterCommit.killed!.ids) expect(afterCommit.acked.has(Number(id.slice('cert-'.length)))).toBe(false);
  });
});
