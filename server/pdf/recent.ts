/**
 * Values made once and kept while they are among the `max` most recently used, by a string key:
 * the PDF renderer's QR matrices, text layouts, font subsets and deflated streams, each a pure
 * function of its key. A Map iterates in insertion order, so the first key is the least recently
 * used one.
 */
export class Recent<V> {
  private readonly entries = new Map<string, V>();

  constructor(readonly max: number) {
    if (!Number.isSafeInteger(max) || max < 1) throw new RangeError('max must be a whole number ≥ 1');
  }

  /** The value kept under `key`, else `make()`'s, kept (the least recently used one goes when full). */
  get(key: string, make: () => V): V {
    let value = this.entries.get(key);
    if (value !== undefined || this.entries.has(key)) {
      this.entries.delete(key);
    } else {
      value = make();
      if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value as string);
    }
    this.entries.set(key, value as V);
    return value as V;
  }

  get size(): number {
    return this.entries.size;
  }
}
