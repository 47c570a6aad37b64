/**
 * Attempt counters with reservations (server/identity/attempts.ts), on the store: a reservation
 * holds a place under the limit until it is settled or lapses; giving one back leaves the very
 * document there was; housekeeping keeps counters with calls in flight. Expired face-check
 * sessions are pruned.
 */
import { RESERVATION_LEASE_MS, blockedFor, countAttempt, pruneAttempts, reserveAttempt, settleAttempt, type Counter } from '../../server/identity/attempts';
import { pruneFaceChecks, sessionDoc } from '../../server/identity/face-checks';
import { openTestStore } from './test-store';

const T0 = Date.UTC(2026, 5, 1, 2, 0, 0);
const counter: Counter = { id: 'test:caller', limit: { max: 3, windowSeconds: 3600 } };
const rid = (n: number) => n.toString(16).padStart(32, '0');

test('reservations count against the limit while in flight: the fourth is refused, nothing written', async () => {
  const store = await openTestStore();
  for (let i = 1; i <= 3; i++) expect(await store.transaction((tx) => reserveAttempt(tx, [counter], rid(i), T0, 'test'))).toBe(0);
  const before = await store.get('attempts', counter.id);
  const wait = await store.transaction((tx) => reserveAttempt(tx, [counter], rid(4), T0 + 1000, 'test'));
  // Full only with calls in flight: at the latest when the first of them lapses.
  expect(wait).toBe((RESERVATION_LEASE_MS - 1000) / 1000);
  expect(await store.get('attempts', counter.id)).toEqual(before);
});

test('settling: a failure is counted, a success given back; the counter ends with the failures only', async () => {
  const store = await openTestStore();
  for (let i = 1; i <= 3; i++) await store.transaction((tx) => reserveAttempt(tx, [counter], rid(i), T0, 'test'));
  expect(await store.transaction((tx) => settleAttempt(tx, [counter], rid(1), T0, true, 'test'))).toBe(0);
  expect(await store.transaction((tx) => settleAttempt(tx, [counter], rid(2), T0, false, 'test'))).toBe(1);
  expect(await store.transaction((tx) => settleAttempt(tx, [counter], rid(3), T0, true, 'test'))).toBe(1);
  expect(await store.get('attempts', counter.id)).toEqual({ _id: counter.id, scope: 'test', windowStart: T0, windowEnd: T0 + 3600_000, count: 2 });
  expect(await blockedFor(store, [counter], T0)).toBe(0);
});

test('giving a reservation back leaves the document as it was, or none when there was none', async () => {
  const store = await openTestStore();
  await store.transaction((tx) => reserveAttempt(tx, [counter], rid(1), T0, 'test'));
  await store.transaction((tx) => settleAttempt(tx, [counter], rid(1), T0, false, 'test'));
  expect(await store.get('attempts', counter.id)).toBeNull();

  await store.transaction((tx) => countAttempt(tx, [counter], T0, 'test'));
  const counted = JSON.stringify(await store.get('attempts', counter.id));
  await store.transaction((tx) => reserveAttempt(tx, [counter], rid(2), T0 + 5, 'test'));
  expect(JSON.stringify(await store.get('attempts', counter.id))).not.toBe(counted);
  await store.transaction((tx) => settleAttempt(tx, [counter], rid(2), T0 + 10, false, 'test'));
  expect(JSON.stringify(await store.get('attempts', counter.id))).toBe(counted);
});

test('a reservation never settled lapses after its lease', async () => {
  const store = await openTestStore();
  for (let i = 1; i <= 3; i++) await store.transaction((tx) => reserveAttempt(tx, [counter], rid(i), T0, 'test'));
  expect(await blockedFor(store, [counter], T0 + RESERVATION_LEASE_MS - 1)).toBe(1);
  expect(await blockedFor(store, [counter], T0 + RESERVATION_LEASE_MS)).toBe(0);
  expect(await store.transaction((tx) => reserveAttempt(tx, [counter], rid(4), T0 + RESERVATION_LEASE_MS, 'test'))).toBe(0);
});

test('a failure settled after its window closed opens a new window', async () => {
  const store = await openTestStore();
  await store.transaction((tx) => countAttempt(tx, [counter], T0, 'test'));
  await store.transaction((tx) => reserveAttempt(tx, [counter], rid(1), T0 + 3600_000 - 10, 'test'));
  await store.transaction((tx) => settleAttempt(tx, [counter], rid(1), T0 + 3600_000 + 10, true, 'test'));
  expect(await store.get('attempts', counter.id)).toMatchObject({ windowStart: T0 + 3600_000 + 10, count: 1 });
});

test('reservation ids are 32 hex digits (they are document keys)', async () => {
  const store = await openTestStore();
  await expect(store.transaction((tx) => reserveAttempt(tx, [counter], 'a.b', T0, 'test'))).rejects.toThrow(TypeError);
});

test('pruneAttempts keeps a closed window while a call it reserved is still in flight', async () => {
  const store = await openTestStore();
  await store.transaction((tx) => countAttempt(tx, [counter], T0, 'test'));
  await store.transaction((tx) => reserveAttempt(tx, [counter], rid(1), T0 + 3600_000 - 1000, 'test'));
  await store.transaction((tx) => countAttempt(tx, [{ id: 'test:other', limit: counter.limit }], T0, 'test'));
  // Both windows have closed; the first still holds a reservation.
  expect(await pruneAttempts(store, T0 + 3600_000 + 1)).toBe(1);
  expect((await store.find('attempts', {})).map((d) => d._id)).toEqual([counter.id]);
});

test('pruneFaceChecks removes expired sessions only', async () => {
  const store = await openTestStore();
  const base = {
    caller: 'u1',
    purpose: { action: 'identity.verify' } as const,
    personId: 'p1',
    nameDigest: 'd',
    provider: 'local' as const,
    providerToken: 't',
    createdAt: T0,
    status: 'open' as const,
  };
  await store.insert('faceChecks', sessionDoc({ ...base, id: 'f' + '1'.repeat(32), expiresAt: T0 + 1000 }));
  await store.insert('faceChecks', sessionDoc({ ...base, id: 'f' + '2'.repeat(32), expiresAt: T0 + 5000 }));
  expect(await pruneFaceChecks(store, T0 + 1000)).toBe(0);
  expect(await pruneFaceChecks(store, T0 + 1001)).toBe(1);
  expect((await store.find('faceChecks', {})).map((d) => d._id)).toEqual(['f' + '2'.repeat(32)]);
});
