/**
 * Which thread verifies each batch of `ithc verify -` (cli/batch.ts Dispatcher): workers whenever
 * they have room, the main thread one batch a turn, and only when every worker is full. The
 * workers and the main thread's turns are driven by hand here, so each step is exact; the real
 * threads' output is checked by test/cli/batch.test.ts.
 */
import { Dispatcher, type BatchWorkers } from '../../cli/batch';
import type { BatchLine, BatchResult } from '../../cli/verifier';

/** A worker pool that holds its batches until the test lets one finish. */
class HeldWorkers implements BatchWorkers {
  room: number;
  readonly held: Array<{ first: number; finish: () => void; fail: (e: unknown) => void }> = [];
  constructor(room: number) {
    this.room = room;
  }
  hasRoom(): boolean {
    return this.room > this.held.length;
  }
  run(first: number): Promise<BatchResult> {
    return new Promise((resolve, reject) => {
      this.held.push({ first, finish: () => resolve(result(`worker ${first}`)), fail: reject });
    });
  }
  /** Lets the oldest held batch finish, as a worker's reply does. */
  reply(): void {
    this.held.shift()!.finish();
  }
}

const result = (output: string): BatchResult => ({ output, invalid: 0, cannot: 0 });
const lines = (n: number): BatchLine[] => Array.from({ length: n }, (_, i) => `line ${i}`);
/** Lets promise callbacks run, as the event loop does before the next turn. */
const settle = () => new Promise<void>((r) => setImmediate(r));

function setup(room: number) {
  const workers = new HeldWorkers(room);
  const here: number[] = [];
  const turns: Array<() => void> = [];
  const dispatcher = new Dispatcher(
    workers,
    (first) => {
      here.push(first);
      return Promise.resolve(result(`here ${first}`));
    },
    (turn) => turns.push(turn),
  );
  return { workers, here, turns, dispatcher };
}

test('a worker with room takes each batch as it comes; the main thread is not asked for a turn', async () => {
  const { workers, here, turns, dispatcher } = setup(3);
  const results = [1, 2, 3].map((first) => dispatcher.run(first, lines(2)));
  expect(workers.held.map((h) => h.first)).toEqual([1, 2, 3]);
  expect(turns).toHaveLength(0);
  workers.held.slice().forEach(() => workers.reply());
  expect((await Promise.all(results)).map((r) => r.output)).toEqual(['worker 1', 'worker 2', 'worker 3']);
  expect(here).toEqual([]);
});

test('with every worker full, batches wait: the main thread verifies one a turn, never where they came in', async () => {
  const { workers, here, turns, dispatcher } = setup(1);
  const results = [1, 2, 3, 4].map((first) => dispatcher.run(first, lines(2)));
  // A burst of input: the worker took the first, nothing was verified here yet, one turn asked.
  expect(workers.held.map((h) => h.first)).toEqual([1]);
  expect(here).toEqual([]);
  expect(turns).toHaveLength(1);

  turns.shift()!();
  expect(here).toEqual([2]);
  await settle();
  // Done with its batch, the main thread asks for its next turn, and only one.
  expect(turns).toHaveLength(1);

  // The worker replies before that turn: the batch that waited longest is its, not the main thread's.
  workers.reply();
  expect(workers.held.map((h) => h.first)).toEqual([]);
  dispatcher.pump();
  expect(workers.held.map((h) => h.first)).toEqual([3]);

  turns.shift()!();
  expect(here).toEqual([2, 4]);
  await settle();
  // Nothing waits: no turn is asked for, and a turn that comes anyway does nothing.
  expect(turns).toHaveLength(0);
  workers.reply();
  expect((await Promise.all(results)).map((r) => r.output)).toEqual(['worker 1', 'here 2', 'worker 3', 'here 4']);
});

test('a turn with nothing left waiting does nothing', () => {
  const { workers, here, turns, dispatcher } = setup(1);
  void dispatcher.run(1, lines(1));
  void dispatcher.run(2, lines(1));
  expect(turns).toHaveLength(1);
  // The worker frees its room and takes the waiting batch before the turn comes.
  workers.room = 2;
  dispatcher.pump();
  turns.shift()!();
  expect(here).toEqual([]);
  expect(workers.held.map((h) => h.first)).toEqual([1, 2]);
});

test('a batch that fails fails alone, on whichever thread it ran; the next still runs', async () => {
  const workers = new HeldWorkers(1);
  const turns: Array<() => void> = [];
  const dispatcher = new Dispatcher(
    workers,
    (first) => (first === 2 ? Promise.reject(new Error('here failed')) : Promise.resolve(result(`here ${first}`))),
    (turn) => turns.push(turn),
  );
  const results = [1, 2, 3].map((first) =>
    dispatcher.run(first, lines(1)).then(
      (r) => r.output,
      (e: Error) => e.message,
    ),
  );
  workers.held[0].fail(new Error('worker stopped'));
  turns.shift()!();
  await settle();
  turns.shift()!();
  expect(await Promise.all(results)).toEqual(['worker stopped', 'here failed', 'here 3']);
});
