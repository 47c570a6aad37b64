/**
 * Kill points for the writer-thread crash test. sqlite.test.ts bundles this beside the real writer
 * (sqlite-writer.cjs) and hands it to the child process as its writer script: it wraps
 * better-sqlite3's statements so that the writer thread itself sends the process SIGKILL at a
 * chosen point of a batch, then loads the real writer unchanged. Not a test file itself.
 *
 *   ITHC_KILL_AT=in-batch       after the third member of a batch was written, before COMMIT
 *   ITHC_KILL_AT=after-commit   once a batch of two or more members was committed, before its
 *                               answers are sent
 *   ITHC_KILL_FROM_BATCH=N      only from the N-th batch on (default 1)
 *
 * Just before the kill it prints `killed <point> <ids of the certificates the batch wrote>`.
 */
import { writeSync } from 'node:fs';
import Database from 'better-sqlite3';

const point = process.env.ITHC_KILL_AT;
const fromBatch = Number(process.env.ITHC_KILL_FROM_BATCH ?? 1);
let batches = 0;
let members = 0;
let written: string[] = [];

function die(): void {
  writeSync(1, `killed ${point} ${written.join(',')}\n`);
  process.kill(process.pid, 'SIGKILL');
  // The signal ends every thread; until it lands, this one must not go on (nor answer anything).
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
}

const prepare = Database.prototype.prepare;
Database.prototype.prepare = function (this: Database.Database, sql: string) {
  const stmt = prepare.call(this, sql) as Database.Statement;
  const run = stmt.run.bind(stmt);
  stmt.run = (...args: unknown[]) => {
    if (sql === 'BEGIN IMMEDIATE') {
      batches++;
      members = 0;
      written = [];
    }
    const result = run(...args);
    if (sql.startsWith('INSERT INTO "certificates"')) written.push(String(args[0]));
    if (sql === 'RELEASE member' && ++members === 3 && point === 'in-batch' && batches >= fromBatch) die();
    if (sql === 'COMMIT' && members >= 2 && point === 'after-commit' && batches >= fromBatch) die();
    return result;
  };
  return stmt;
} as typeof prepare;

require('./sqlite-writer.cjs');
