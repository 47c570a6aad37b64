/**
 * cli/workers.ts: how many verification workers, and the workers bin/ithc.js starts before the CLI
 * loads. Real worker threads, running small scripts written here.
 */
import { spawnSync } from 'node:child_process';
import fs, { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import {
  AWAIT_SETTINGS,
  POOLED_INPUT_BYTES,
  SMALL_INPUT_BYTES,
  WORKER_MARK,
  batchWorkerCount,
  defaultWorkerCount,
  prestartWorkers,
  readsBatch,
} from '../../cli/workers';
import { ROOT, ensureBuilt } from './helpers';

const dir = mkdtempSync(join(tmpdir(), 'ithc-workers-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
/** Waits for its settings, then answers each message with what it was told and what it got. */
const ECHO = join(dir, 'echo.cjs');
writeFileSync(
  ECHO,
  `const { parentPort, workerData } = require('node:worker_threads');
   const mark = workerData[${JSON.stringify(WORKER_MARK)}];
   parentPort.once('message', (settings) => parentPort.on('message', (m) => parentPort.postMessage({ mark, settings, m })));`,
);
const BROKEN = join(dir, 'broken.cjs');
writeFileSync(BROKEN, `throw new Error('this worker cannot start');`);

const BATCH = ['verify', '--trust', 'dsc.json', '-'];
const exited = (w: Worker) => new Promise<number>((resolve) => w.once('exit', resolve));
const reply = (w: Worker) => new Promise<unknown>((resolve) => w.once('message', resolve));

describe('defaultWorkerCount', () => {
  test.each([
    [1, {}, 0],
    [2, {}, 1],
    [8, {}, 7],
    [64, {}, 15],
    [2, { ITHC_WORKERS: '0' }, 0],
    [2, { ITHC_WORKERS: '3' }, 3],
    [2, { ITHC_WORKERS: 'many' }, 1],
    [2, { ITHC_WORKERS: '-1' }, 1],
  ])('%i cores, env %j: %i workers', (cores, env, expected) => {
    expect(defaultWorkerCount(env, cores)).toBe(expected);
  });
});

describe('batchWorkerCount: a file of codes up to 8 MiB is verified without workers, a larger one or a pipe with them', () => {
  test.each([
    [null, 2, {}, 1],
    [0, 2, {}, 1],
    [SMALL_INPUT_BYTES, 2, {}, 1],
    [SMALL_INPUT_BYTES + 1, 2, {}, 0],
    [300 * 552, 2, {}, 0],
    [POOLED_INPUT_BYTES, 2, {}, 0],
    [POOLED_INPUT_BYTES + 1, 2, {}, 1],
    [POOLED_INPUT_BYTES + 1, 8, {}, 7],
    [null, 1, {}, 0],
    // ITHC_WORKERS decides whatever the input.
    [300 * 552, 2, { ITHC_WORKERS: '1' }, 1],
    [null, 2, { ITHC_WORKERS: '0' }, 0],
    [300 * 552, 2, { ITHC_WORKERS: 'many' }, 0],
  ])('%p bytes on %i cores, env %j: %i workers', (bytes, cores, env, expected) => {
    expect(batchWorkerCount(bytes, env, cores)).toBe(expected);
  });
});

describe('readsBatch', () => {
  test.each([
    [BATCH, true],
    [['verify', '--json', '-'], true],
    [['verify', 'HC1:ABC'], false],
    [['verify', 'qr.png'], false],
    [['verify', '--help', '-'], false],
    [['trustlist', 'export', '-'], false],
    [[], false],
  ])('%j: %s', (argv, expected) => {
    expect(readsBatch(argv)).toBe(expected);
  });
});

test('stdinFileSize: a file on standard input gives its size, a pipe null (in the bundle bin/ithc.js loads)', async () => {
  await ensureBuilt();
  const script = `process.stdout.write(JSON.stringify(require(${JSON.stringify(join(ROOT, 'dist/cli-prestart.cjs'))}).stdinFileSize()))`;
  const file = join(dir, 'codes.txt');
  writeFileSync(file, 'x'.repeat(1234));
  const fd = openSync(file, 'r');
  try {
    expect(spawnSync(process.execPath, ['-e', script], { stdio: [fd, 'pipe', 'inherit'], encoding: 'utf8' }).stdout).toBe('1234');
  } finally {
    closeSync(fd);
  }
  expect(spawnSync(process.execPath, ['-e', script], { input: 'x'.repeat(1234), encoding: 'utf8' }).stdout).toBe('null');
}, 300_000);

describe('prestartWorkers', () => {
  test('starts nothing for a command that reads no batch, or with no workers wanted', () => {
    expect(prestartWorkers(['verify', 'HC1:ABC'], ECHO, {}, 2, null)).toBeUndefined();
    expect(prestartWorkers(BATCH, ECHO, { ITHC_WORKERS: '0' }, 8, null)).toBeUndefined();
    expect(prestartWorkers(BATCH, ECHO, {}, 1, null)).toBeUndefined();
  });

  test('looks at standard input only for a command that reads a batch', () => {
    const fstat = jest.spyOn(fs, 'fstatSync');
    try {
      expect(prestartWorkers(['verify', 'HC1:ABC'], ECHO, {}, 2)).toBeUndefined();
      expect(prestartWorkers(['trustlist', 'export'], ECHO, {}, 2)).toBeUndefined();
      expect(fstat).not.toHaveBeenCalled();
      // A batch looks, whatever it then decides (here: no workers wanted).
      expect(prestartWorkers(BATCH, ECHO, { ITHC_WORKERS: '0' }, 2)).toBeUndefined();
      expect(fstat).toHaveBeenCalledWith(0);
    } finally {
      fstat.mockRestore();
    }
  });

  test('starts none when standard input is a file too small to hold more codes than the main thread verifies alone', () => {
    // 16 KB: 64 codes of 256 characters (cli/batch.ts verifies up to 64 lines without workers).
    expect(prestartWorkers(BATCH, ECHO, {}, 2, 550)).toBeUndefined();
    expect(prestartWorkers(BATCH, ECHO, {}, 2, SMALL_INPUT_BYTES)).toBeUndefined();
    expect(prestartWorkers(BATCH, ECHO, {}, 2, 0)).toBeUndefined();
  });

  test('starts none for a file verified without workers (batchWorkerCount)', () => {
    expect(prestartWorkers(BATCH, ECHO, {}, 2, SMALL_INPUT_BYTES + 1)).toBeUndefined();
    expect(prestartWorkers(BATCH, ECHO, {}, 2, POOLED_INPUT_BYTES)).toBeUndefined();
  });

  test('a file larger than that, or a pipe or terminal whose length nobody knows, gets its workers early', async () => {
    for (const inputBytes of [POOLED_INPUT_BYTES + 1, null]) {
      const early = prestartWorkers(BATCH, ECHO, {}, 2, inputBytes)!;
      expect(early.waiting).toBe(1);
      await early.close();
    }
  });

  test('starts one worker per core but one (the main thread verifies too), each told to wait for its settings; what is taken works, the rest is stopped', async () => {
    const early = prestartWorkers(BATCH, ECHO, {}, 4, null)!;
    expect(early.waiting).toBe(3);
    const taken = early.take(2);
    expect(taken).toHaveLength(2);
    // Taken workers are the caller's: taking again gives only the one left.
    const last = early.take(5);
    expect(last).toHaveLength(1);
    const lastExit = exited(last[0]);
    const answer = reply(taken[0]);
    taken[0].postMessage({ keys: [] });
    taken[0].postMessage('batch 1');
    expect(await answer).toEqual({ mark: AWAIT_SETTINGS, settings: { keys: [] }, m: 'batch 1' });
    // close() stops only what nobody took.
    const untaken = prestartWorkers(BATCH, ECHO, {}, 3, null)!;
    const kept = untaken.take(1)[0];
    await untaken.close();
    expect(untaken.waiting).toBe(0);
    expect(untaken.take(2)).toEqual([]);
    const keptAnswer = reply(kept);
    kept.postMessage({});
    kept.postMessage('still here');
    expect(await keptAnswer).toMatchObject({ m: 'still here' });
    await Promise.all([...taken, ...last, kept].map((w) => w.terminate()));
    // The last one taken was the caller's to stop, and it stopped.
    await expect(lastExit).resolves.toEqual(expect.any(Number));
  });

  test('a worker that dies before it is taken is not handed out, and does not crash the process', async () => {
    const early = prestartWorkers(BATCH, BROKEN, {}, 3, null)!;
    expect(early.waiting).toBe(2);
    // Both fail as they load; the jest timeout bounds the wait.
    while (early.waiting > 0) await new Promise((r) => setTimeout(r, 20));
    expect(early.take(2)).toEqual([]);
    await early.close();
  });
});
