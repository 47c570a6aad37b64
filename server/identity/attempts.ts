/**
 * Attempt counters in the `attempts` collection: fixed windows that open at the first counted
 * event and close `windowSeconds` later. A counter at its maximum blocks until its window closes;
 * the answer says how long that is (retryAfter, seconds).
 *
 * Two ways to count:
 * - countAttempt: the event is counted as it happens (a face-check session opened).
 * - reserveAttempt → settleAttempt: for an outcome known only after a slow call (the identity
 *   provider's answer, a WeChat round trip). reserveAttempt checks the limit and holds a place
 *   under it in one transaction, so requests in flight at the same time see each other: no more
 *   of them reach the provider than the limit allows, however many arrive at once. settleAttempt
 *   then counts the reservation (a failure) or gives it back (a success, an outcome that guesses
 *   nothing, an outage). A reservation never settled (the process died mid-call) lapses after
 *   RESERVATION_LEASE_MS.
 *
 * A counter document: `{_id, scope, windowStart, windowEnd, count, pending?: {reservationId:
 * lapsesAt}}`. Reservations are held under the limit, so `pending` has at most `max` entries.
 */
import type { Doc, Store, TxOps } from '../store/store';

export interface AttemptLimit {
  max: number;
  windowSeconds: number;
}

export interface Counter {
  /** attempts document id, e.g. "identity-failure:caller:u…" */
  id: string;
  limit: AttemptLimit;
}

/**
 * How long a reservation holds its place without being settled. Longer than any provider call is
 * allowed to take (the provider's own timeouts are shorter), so a slow call cannot free a place
 * for another while it is still running.
 */
export const RESERVATION_LEASE_MS = 120_000;

/** Reservation ids: 32 lower-case hex digits (a document key: no dots, no `$`). */
const RESERVATION_ID = /^[0-9a-f]{32}$/;

interface CounterState {
  scope: string;
  windowStart: number;
  windowEnd: number;
  /** Events counted in the window; 0 once the window closed. */
  count: number;
  /** Live reservations: id → when it lapses. */
  pending: Record<string, number>;
}

export function checkLimit(limit: AttemptLimit): void {
  if (!Number.isInteger(limit.max) || limit.max < 1 || !Number.isInteger(limit.windowSeconds) || limit.windowSeconds < 1) {
    throw new TypeError('an attempt limit needs whole max ≥ 1 and windowSeconds ≥ 1');
  }
}

/** The counter as it stands at `now`, or null when there is none (or not in the shape written here). */
function read(doc: Doc | null, now: number): CounterState | null {
  if (!doc || typeof doc.windowEnd !== 'number' || typeof doc.count !== 'number' || typeof doc.windowStart !== 'number') return null;
  const pending: Record<string, number> = {};
  const p = doc.pending;
  if (p && typeof p === 'object' && !Array.isArray(p)) {
    for (const [k, until] of Object.entries(p)) if (typeof until === 'number' && until > now) pending[k] = until;
  }
  const open = now < doc.windowEnd;
  return {
    scope: typeof doc.scope === 'string' ? doc.scope : 'unknown',
    windowStart: doc.windowStart,
    windowEnd: doc.windowEnd,
    count: open ? doc.count : 0,
    pending,
  };
}

function fresh(scope: string, c: Counter, now: number, pending: Record<string, number> = {}): CounterState {
  return { scope, windowStart: now, windowEnd: now + c.limit.windowSeconds * 1000, count: 0, pending };
}

/** Writes the counter in one fixed shape (so giving a reservation back leaves the very document there was), or removes it when it holds nothing. */
async function write(tx: TxOps, id: string, s: CounterState): Promise<void> {
  const held = Object.keys(s.pending).length > 0;
  if (s.count === 0 && !held) {
    await tx.delete('attempts', id);
    return;
  }
  await tx.put('attempts', {
    _id: id,
    scope: s.scope,
    windowStart: s.windowStart,
    windowEnd: s.windowEnd,
    count: s.count,
    ...(held ? { pending: s.pending } : {}),
  });
}

function used(s: CounterState): number {
  return s.count + Object.keys(s.pending).length;
}

/** Seconds until each counter that blocks would let one more attempt through; 0 when none blocks. */
export async function blockedFor(tx: Pick<TxOps, 'get'>, counters: readonly Counter[], now: number): Promise<number> {
  let wait = 0;
  for (const c of counters) {
    const s = read(await tx.get('attempts', c.id), now);
    if (!s || used(s) < c.limit.max) continue;
    // Full of counted events: until the window closes. Full only with calls in flight: until the
    // first of them lapses at the latest (it may be settled sooner).
    const until = s.count >= c.limit.max ? s.windowEnd : Math.min(...Object.values(s.pending));
    wait = Math.max(wait, Math.max(1, Math.ceil((until - now) / 1000)));
  }
  return wait;
}

/** Counts one event on each counter; returns the fewest events any counter still allows. */
export async function countAttempt(tx: TxOps, counters: readonly Counter[], now: number, scope: string): Promise<number> {
  let remaining = Infinity;
  for (const c of counters) {
    const s = read(await tx.get('attempts', c.id), now);
    const next = s && now < s.windowEnd ? { ...s, count: s.count + 1 } : { ...fresh(s?.scope ?? scope, c, now, s?.pending), count: 1 };
    await write(tx, c.id, next);
    remaining = Math.min(remaining, Math.max(0, c.limit.max - used(next)));
  }
  return remaining;
}

/**
 * Holds a place on each counter for reservation `id`, when every counter has one free; returns 0
 * then. Otherwise writes nothing and returns the seconds to wait (as blockedFor).
 */
export async function reserveAttempt(tx: TxOps, counters: readonly Counter[], id: string, now: number, scope: string): Promise<number> {
  if (!RESERVATION_ID.test(id)) throw new TypeError('a reservation id is 32 lower-case hex digits');
  const wait = await blockedFor(tx, counters, now);
  if (wait > 0) return wait;
  for (const c of counters) {
    const s = read(await tx.get('attempts', c.id), now);
    const base = s && now < s.windowEnd ? s : fresh(s?.scope ?? scope, c, now, s?.pending);
    await write(tx, c.id, { ...base, pending: { ...base.pending, [id]: now + RESERVATION_LEASE_MS } });
  }
  return 0;
}

/**
 * Ends reservation `id`: counted as one event when `counted`, given back otherwise. Returns the
 * fewest events any counter still allows.
 */
export async function settleAttempt(tx: TxOps, counters: readonly Counter[], id: string, now: number, counted: boolean, scope: string): Promise<number> {
  let remaining = Infinity;
  for (const c of counters) {
    const s = read(await tx.get('attempts', c.id), now);
    const pending = { ...(s?.pending ?? {}) };
    delete pending[id];
    let next: CounterState;
    if (!s) next = counted ? { ...fresh(scope, c, now), count: 1 } : fresh(scope, c, now);
    else if (!counted) next = { ...s, pending };
    else if (now < s.windowEnd) next = { ...s, pending, count: s.count + 1 };
    else next = { ...fresh(s.scope, c, now, pending), count: 1 };
    await write(tx, c.id, next);
    remaining = Math.min(remaining, Math.max(0, c.limit.max - used(next)));
  }
  return remaining;
}

/**
 * Deletes counters whose window closed before `now` and that hold no live reservation
 * (housekeeping; any time, any number of times). Each is re-read in a transaction first, so a
 * counter renewed meanwhile is kept.
 */
export async function pruneAttempts(store: Store, now: number, limit = 500): Promise<number> {
  const stale = await store.find('attempts', { windowEnd: { $lt: now } }, { limit });
  let removed = 0;
  for (const d of stale) {
    removed += await store.transaction(async (tx) => {
      const doc = await tx.get('attempts', d._id);
      const s = read(doc, now);
      if (!doc || !s || (doc.windowEnd as number) >= now || Object.keys(s.pending).length > 0) return 0;
      await tx.delete('attempts', d._id);
      return 1;
    });
  }
  return removed;
}
