/**
 * Attempt counters in the `attempts` collection: fixed windows that open at the first counted
 * event and close `windowSeconds` later. A counter at its maximum blocks until its window closes;
 * the answer says how long that is (retryAfter, seconds).
 *
 * Check and count are separate steps (the count happens after the outcome is known), so a burst
 * of parallel requests from one caller can overshoot a limit by the number in flight; the
 * gateway's per-caller concurrency bounds that.
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

interface CounterDoc extends Doc {
  windowStart: number;
  windowEnd: number;
  count: number;
}

export function checkLimit(limit: AttemptLimit): void {
  if (!Number.isInteger(limit.max) || limit.max < 1 || !Number.isInteger(limit.windowSeconds) || limit.windowSeconds < 1) {
    throw new TypeError('an attempt limit needs whole max ≥ 1 and windowSeconds ≥ 1');
  }
}

function live(doc: Doc | null, now: number): CounterDoc | null {
  if (!doc || typeof doc.windowEnd !== 'number' || typeof doc.count !== 'number' || typeof doc.windowStart !== 'number') return null;
  return now < doc.windowEnd ? (doc as CounterDoc) : null;
}

/** Seconds until every blocked counter reopens; 0 when none blocks. */
export async function blockedFor(tx: Pick<TxOps, 'get'>, counters: readonly Counter[], now: number): Promise<number> {
  let wait = 0;
  for (const c of counters) {
    const doc = live(await tx.get('attempts', c.id), now);
    if (doc && doc.count >= c.limit.max) wait = Math.max(wait, Math.ceil((doc.windowEnd - now) / 1000));
  }
  return wait;
}

/** Counts one event on each counter; returns the fewest events any counter still allows. */
export async function countAttempt(tx: TxOps, counters: readonly Counter[], now: number, scope: string): Promise<number> {
  let remaining = Infinity;
  for (const c of counters) {
    const doc = live(await tx.get('attempts', c.id), now);
    const next: CounterDoc = doc
      ? { ...doc, count: doc.count + 1 }
      : { _id: c.id, scope, windowStart: now, windowEnd: now + c.limit.windowSeconds * 1000, count: 1 };
    await tx.put('attempts', next);
    remaining = Math.min(remaining, Math.max(0, c.limit.max - next.count));
  }
  return remaining;
}

/** "3 分钟 / 3 minutes" for a retryAfter in seconds. */
export function describeWait(seconds: number): { zh: string; en: string } {
  if (seconds < 60) return { zh: `${seconds} 秒`, en: `${seconds} second${seconds === 1 ? '' : 's'}` };
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 120) return { zh: `${minutes} 分钟`, en: `${minutes} minute${minutes === 1 ? '' : 's'}` };
  const hours = Math.ceil(minutes / 60);
  return { zh: `${hours} 小时`, en: `${hours} hours` };
}

/**
 * Deletes counters whose window closed before `now` (housekeeping; any time, any number of times).
 * Each is re-read in a transaction first, so a counter renewed meanwhile is kept.
 */
export async function pruneAttempts(store: Store, now: number, limit = 500): Promise<number> {
  const stale = await store.find('attempts', { windowEnd: { $lt: now } }, { limit });
  let removed = 0;
  for (const d of stale) {
    removed += await store.transaction(async (tx) => {
      const fresh = await tx.get('attempts', d._id);
      if (!fresh || typeof fresh.windowEnd !== 'number' || fresh.windowEnd >= now) return 0;
      await tx.delete('attempts', d._id);
      return 1;
    });
  }
  return removed;
}
