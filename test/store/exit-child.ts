/**
 * Child process of sqlite.test.ts: opens the store, writes, and with `close` closes it, printing
 * each step. The process must then end by itself: a pending write keeps it alive until answered,
 * an idle writer thread does not. Not a test file itself.
 *
 *   exit-child DB [close]
 */
import { openSqliteStore } from '../../server/store/sqlite';

async function main(path: string, close: boolean): Promise<void> {
  const store = openSqliteStore(path);
  await store.put('users', { _id: 'exit-child', v: 1 });
  process.stdout.write('written\n');
  if (!close) return;
  await store.close();
  process.stdout.write('closed\n');
}

main(process.argv[2], process.argv[3] === 'close').catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
