/**
 * Child process of the crash test (sqlite.test.ts bundles it with esbuild and runs it): issues
 * "certificates" in a loop, one transaction each, WIDTH (argv[3], default 1) at a time, and prints
 * `ack <n>` only after the commit returned. The parent kills it with SIGKILL at some point and
 * checks that every acknowledged certificate is in the file. Not a test file itself.
 */
import { openSqliteStore } from '../../server/store/sqlite';

async function main(path: string, width: number): Promise<void> {
  const store = openSqliteStore(path);
  // Carry on from an earlier run that was killed.
  const start = (((await store.get('attempts', 'issued')) as { n: number } | null)?.n ?? 0) + 1;
  process.stdout.write(`start ${start}\n`);
  // `width` transactions at a time: the store commits them together (group commit) and answers
  // them in order, so the acknowledgements still come in order.
  for (let round = start; ; round += width) {
    await Promise.all(Array.from({ length: width }, (_, i) => issue(store, round + i)));
  }
}

async function issue(store: ReturnType<typeof openSqliteStore>, n: number): Promise<void> {
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

main(process.argv[2], Number(process.argv[3] ?? 1)).catch((e: unknown) => {
  process.stderr.write(`${String(e)}\n`);
  process.exit(1);
});
