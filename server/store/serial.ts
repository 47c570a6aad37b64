/**
 * One-at-a-time execution for a store, and the guard that catches the store being used directly
 * from inside one of its own transactions.
 *
 * The Store API is async but a CloudBase transaction holds one transaction handle across the
 * awaits of its callback: everything queued behind it would deadlock if the callback itself waited
 * for it (`store.get` instead of `tx.get`). On SQLite the same call would read or write outside
 * the transaction, unchecked at its commit. Both adapters refuse it at once with a TypeError.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

interface TxMark {
  open: boolean;
}

export class Serializer {
  private tail: Promise<unknown> = Promise.resolve();
  private readonly inTx = new AsyncLocalStorage<TxMark>();

  /** Runs task after every task queued earlier has settled. */
  run<T>(task: () => Promise<T> | T): Promise<T> {
    this.assertOutsideTransaction();
    const result = this.tail.then(task);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /** Runs a transaction body with the mark that lets `run` recognise calls made from inside it. */
  async inTransaction<T>(body: () => Promise<T>): Promise<T> {
    const mark: TxMark = { open: true };
    try {
      return await this.inTx.run(mark, body);
    } finally {
      mark.open = false;
    }
  }

  assertOutsideTransaction(): void {
    if (this.inTx.getStore()?.open) {
      throw new TypeError('store called directly inside one of its transactions: use the tx handle (this would deadlock)');
    }
  }

  /** Resolves once everything queued so far has settled. */
  drain(): Promise<void> {
    return this.tail.then(() => undefined);
  }
}
