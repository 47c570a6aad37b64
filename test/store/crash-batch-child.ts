/**
 * Child process of the writer-thread crash test (sqlite.test.ts bundles it with esbuild and runs
 * it): keeps WIDTH transactions in flight at once, so that the writer thread commits them in
 * batches, and prints `ack <n>` once a transaction's commit was answered. Each transaction writes
 * three documents that must agree: certificate n, its audit entry, and its person's count of
 * certificates (read, then written: the commit checks that nobody changed it in between).
 * Numbers start at BASE, so that the lives of one test never reuse a number. Not a test file itself.
 *
 *   crash-batch-child DB WIDTH BASE PERSONS [WRITER_SCRIPT]
 *
 * PERSONS: how many people the certificates go to (n mod PERSONS).
 */
import { openSqliteStore, type SqliteStore } from '../../server/store/sqlite';

async function issue(store: SqliteStore, n: number, persons: number): Promise<void> {
  const personId = `person-${n % persons}`;
  await store.transaction(async (tx) => {
    const person = (await tx.get('users', personId)) as { count: number } | null;
    await tx.insert('certificates', {
      _id: `cert-${n}`,
      personId,
      n,
      // Enough bytes that a batch spans many pages.
      codes: { ithc: `ITHC1:${'X'.repeat(3000)}`, dcc: [`HC1:${'Y'.repeat(1500)}`] },
    });
    await tx.insert('audit', { _id: `audit-${n}`, certificateId: `cert-${n}`, personId });
    await tx.put('users', { _id: personId, count: (person?.count ?? 0) + 1 });
  });
  // Writes to a pipe are synchronous on Linux: once this returns, the parent can read it.
  process.stdout.write(`ack ${n}\n`);
}

async function main(path: string, width: number, base: number, persons: number, writerScript: string | undefined): Promise<void> {
  const store = openSqliteStore(path, writerScript ? { writerScript } : {});
  process.stdout.write(`start ${base}\n`);
  let next = base;
  await Promise.all(
    Array.from({ length: width }, async () => {
      for (;;) await issue(store, next++, persons);
    }),
  );
}

main(process.argv[2], Number(process.argv[3]), Number(process.argv[4]), Number(process.argv[5]), process.argv[6]).catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
