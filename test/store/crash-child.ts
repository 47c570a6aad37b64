/**
 * Child process of the crash test (sqlite.test.ts bundles it with esbuild and runs it): issues
 * "certificates" in a loop, one transaction each, and prints `ack <n>` only after the commit
 * returned. The parent kills it with SIGKILL at some point and checks that every acknowledged
 * certificate is in the file. Not a test file itself.
 */
import { openSqliteStore } from '../../server/store/sqlite';

async function main(path: string): Promise<void> {
  const store = openSqliteStore(path);
  // Carry on from an earlier run that was killed.
  const start = (((await store.get('attempts', 'issued')) as { n: number } | null)?.n ?? 0) + 1;
  process.stdout.write(`start ${start}\n`);
  for (let n = start; ; n++) {
    await store.transaction(async (tx) => {
      const issued = (await tx.get('attempts', 'issued')) as { n: number } | null;
      await tx.insert('certificates', {
        _id: `cert-${n}`,
        personId: `person-${n % 7}`,
        n,
        // Enough bytes that a commit spans several pages.
        codes: { ithc: `ITHC1:${'X'.repeat(3000)}`, dcc: [`HC1:${'Y'.repeat(1500)}`] },
      });
      await tx.put('attempts', { _id: 'issued', n: (issued?.n ?? 0) + 1 });
    });
    // Writes to a pipe are synchronous on Linux: once this returns, the parent can read it.
    process.stdout.write(`ack ${n}\n`);
  }
}

main(process.argv[2]).catch((e: unknown) => {
  process.stderr.write(`${String(e)}\n`);
  process.exit(1);
});
