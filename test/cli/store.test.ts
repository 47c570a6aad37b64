/**
 * `ithc store check|backup` on local data folders: a backup taken while another process commits,
 * checked from outside and restored; refusals; a damaged file. In-process through the CLI's main(),
 * and once through bin/ithc.js and the bundle the command loads.
 */
import { spawn } from 'node:child_process';
import { closeSync, copyFileSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { integrityCheck, openSqliteStore } from '../../server/store/sqlite';
import { bundleStoreChildren, childEnv } from '../store/children';
import { BIN, ensureBuilt, runCli, runMain, tempDir } from './helpers';

/** A data folder whose store holds `n` users, closed again. */
async function folder(n = 20): Promise<string> {
  const data = join(tempDir(), 'data');
  const store = openSqliteStore(join(data, 'ithc.sqlite'));
  await store.transaction(async (tx) => {
    for (let i = 0; i < n; i++) await tx.insert('users', { _id: `u${i}`, openid: `openid-${i}`, pad: 'x'.repeat(200) });
  });
  await store.close();
  return data;
}

test('a backup taken while another process commits holds every commit answered before it began, whole, in a sound owner-only copy that opens as a store', async () => {
  const children = tempDir();
  await bundleStoreChildren(children, ['crash-child.cjs']);
  const data = join(tempDir(), 'data');
  mkdirSync(data, { recursive: true });
  // The writer: a certificate and a counter in each transaction, `ack n` once its commit returned.
  const child = spawn(process.execPath, [join(children, 'crash-child.cjs'), join(data, 'ithc.sqlite'), '4'], {
    env: childEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let lastAck = 0;
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    const [word, n] = line.split(' ');
    if (word !== 'ack') return;
    lastAck = Math.max(lastAck, Number(n));
    for (const w of waiters.splice(0))
      if (lastAck >= w.n) w.resolve();
      else waiters.push(w);
  });
  const acked = (n: number) => new Promise<void>((resolve) => (lastAck >= n ? resolve() : waiters.push({ n, resolve })));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  try {
    await acked(200);
    const before = lastAck;
    const out = join(tempDir(), 'copy.sqlite');
    const r = await runMain(['store', 'backup', '--data', data, '--out', out]);
    const after = lastAck;
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(/integrity ok/);
    expect(r.stdout).toMatch(/secrets\/kek/);
    // The writer went on while the copy was made, and after.
    await acked(after + 50);

    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(integrityCheck(out)).toEqual({ ok: true, problems: [] });
    const copy = new Database(out, { readonly: true });
    let issued: number;
    let held: number;
    try {
      issued = (JSON.parse(copy.prepare("SELECT doc FROM attempts WHERE id = 'issued'").pluck().get() as string) as { n: number }).n;
      held = copy.prepare('SELECT count(*) FROM certificates').pluck().get() as number;
      const get = copy.prepare('SELECT doc FROM certificates WHERE id = ?').pluck();
      for (let n = 1; n <= before; n++) {
        const doc = get.get(`cert-${n}`) as string | undefined;
        if (doc === undefined || (JSON.parse(doc) as { n: number }).n !== n)
          throw new Error(`certificate ${n}, answered before the backup began, is not in the copy`);
      }
    } finally {
      copy.close();
    }
    // One snapshot: the counter and the certificates agree, and nothing answered after the backup is in it.
    expect(held).toBe(issued);
    expect(issued).toBeGreaterThanOrEqual(before);
    expect(issued).toBeLessThanOrEqual(lastAck);
    expect(r.stdout).toContain(`certificates ${held.toLocaleString('en-US')}`);

    // Restored into a folder of its own, it opens as a store (migrated to the latest version).
    const restored = join(tempDir(), 'data');
    mkdirSync(restored, { recursive: true, mode: 0o700 });
    copyFileSync(out, join(restored, 'ithc.sqlite'));
    const store = openSqliteStore(join(restored, 'ithc.sqlite'));
    try {
      expect(await store.get('certificates', `cert-${before}`)).toMatchObject({ n: before });
      expect(await store.count('certificates', {})).toBe(issued);
    } finally {
      await store.close();
    }
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
  expect(stderr).toBe('');
});

test('a backup never overwrites a file, and a folder without a store is a usage error, not a new store', async () => {
  const data = await folder();
  const out = join(tempDir(), 'there.sqlite');
  writeFileSync(out, 'keep me');
  const r = await runMain(['store', 'backup', '--data', data, '--out', out]);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/exists; a backup never overwrites a file/);
  expect(readFileSync(out, 'utf8')).toBe('keep me');

  const missing = join(tempDir(), 'nothing-here');
  for (const args of [
    ['store', 'check', '--data', missing],
    ['store', 'backup', '--data', missing, '--out', join(tempDir(), 'x.sqlite')],
  ]) {
    const m = await runMain(args);
    expect(m.code).toBe(2);
    expect(m.stderr).toMatch(/no ITHC data folder at .*nothing-here/);
  }
  expect(() => statSync(join(missing, 'ithc.sqlite'))).toThrow();
});

test.each([
  ['no action', ['store'], /store needs an action: check, backup/],
  ['backup without --out', ['store', 'backup'], /store backup needs --out FILE/],
  ['--out with check', ['store', 'check', '--out', 'x.sqlite'], /--out is for store backup/],
  ['a FILE argument', ['store', 'backup', 'x.sqlite'], /takes no FILE argument \(give --out FILE\)/],
])('usage errors: %s', async (_label, args, message) => {
  const r = await runMain(args);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(message);
});

test('check says a sound store is sound, and lists what is wrong with a damaged one (exit 1)', async () => {
  const data = await folder(400);
  const ok = await runMain(['store', 'check', '--data', data]);
  expect(ok).toMatchObject({ code: 0, stderr: '' });
  expect(ok.stdout).toMatch(/ithc\.sqlite: 完好 \/ sound \(\d+\.\d MB, of which free pages 0\.0 MB, which a backup leaves out\)\n$/);

  // A page in the middle of the file (never page 1, the header) overwritten with garbage.
  const file = join(data, 'ithc.sqlite');
  const size = statSync(file).size;
  const fd = openSync(file, 'r+');
  writeSync(fd, Buffer.alloc(4096, 0xa5), 0, 4096, Math.floor(size / 4096 / 2) * 4096);
  closeSync(fd);
  const bad = await runMain(['store', 'check', '--data', data]);
  expect(bad.code).toBe(1);
  expect(bad.stdout).toMatch(/ithc\.sqlite: 已损坏 \/ damaged\n {2}\S/);
  // A copy of a damaged store is refused, and none is left behind.
  const out = join(tempDir(), 'copy.sqlite');
  const b = await runMain(['store', 'backup', '--data', data, '--out', out]);
  expect(b.code).toBe(1);
  expect(b.stderr).toMatch(/^ithc: /);
  expect(() => statSync(out)).toThrow();
});

test('check says how much of the file is free pages, which a backup leaves out', async () => {
  const data = join(tempDir(), 'data');
  const store = openSqliteStore(join(data, 'ithc.sqlite'));
  await store.transaction(async (tx) => {
    for (let i = 0; i < 2_000; i++) await tx.insert('users', { _id: `u${i}`, openid: `openid-${i}`, pad: 'x'.repeat(2_000) });
  });
  // Deleted documents leave their pages free in the file (SQLite does not shrink it).
  await store.transaction(async (tx) => {
    for (let i = 10; i < 2_000; i++) await tx.delete('users', `u${i}`);
  });
  await store.close();
  const r = await runMain(['store', 'check', '--data', data]);
  expect(r.code).toBe(0);
  const [, total, free] = /sound \((\d+\.\d) MB, of which free pages (\d+\.\d) MB/.exec(r.stdout)!.map(Number);
  expect(free).toBeGreaterThan(3);
  expect(free).toBeLessThan(total);
  const out = join(tempDir(), 'copy.sqlite');
  const b = await runMain(['store', 'backup', '--data', data, '--out', out]);
  expect(b.code).toBe(0);
  expect(statSync(out).size / 1e6).toBeLessThan(total - free + 0.5);
});

test('a backup killed midway leaves no file under the name asked for, and the next one succeeds', async () => {
  await ensureBuilt();
  // Certificates enough (~40 MB) that the copy takes a while.
  const data = join(tempDir(), 'data');
  const store = openSqliteStore(join(data, 'ithc.sqlite'));
  const doc = 'x'.repeat(5_000);
  await store.transaction(async (tx) => {
    for (let i = 0; i < 8_000; i++) await tx.insert('certificates', { _id: `c${i}`, personId: `p${i}`, issuedAt: i, doc });
  });
  await store.close();
  const dir = tempDir();
  const out = join(dir, 'copy.sqlite');
  const child = spawn(process.execPath, [BIN, 'store', 'backup', '--data', data, '--out', out], { stdio: 'ignore' });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  // Killed the moment its copy is begun: the copy is written under a temporary name beside `out`.
  let partial: string | undefined;
  for (let tries = 0; tries < 30_000 && !partial; tries++) {
    partial = readdirSync(dir).find((f) => f.startsWith('copy.sqlite.partial-'));
    if (partial) child.kill('SIGKILL');
    else await new Promise((r) => setTimeout(r, 1));
  }
  expect(partial).toBeDefined();
  expect(await exited).toBe('SIGKILL');
  expect(existsSync(out)).toBe(false);

  const r = await runCli(['store', 'backup', '--data', data, '--out', out]);
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
  expect(r.stdout).toMatch(/certificates 8,000/);
  expect(integrityCheck(out)).toEqual({ ok: true, problems: [] });
  // What the killed backup left is its own temporary files (the copy, and SQLite's journal of it when the kill came mid-write), 0600.
  const left = readdirSync(dir).filter((f) => f !== 'copy.sqlite');
  expect(left.length).toBeGreaterThan(0);
  for (const f of left) {
    expect(f.startsWith(partial!)).toBe(true);
    expect(statSync(join(dir, f)).mode & 0o777).toBe(0o600);
  }
});

test('through bin/ithc.js, the command loads its own bundle and backs a folder up', async () => {
  await ensureBuilt();
  const data = await folder();
  const out = join(tempDir(), 'copy.sqlite');
  const r = await runCli(['store', 'backup', '--data', data, '--out', out]);
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
  expect(r.stdout).toMatch(/users 20/);
  const copy = new Database(out, { readonly: true });
  try {
    expect(copy.prepare('SELECT count(*) FROM users').pluck().get()).toBe(20);
  } finally {
    copy.close();
  }
});
