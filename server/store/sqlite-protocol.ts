/**
 * What the SQLite store (sqlite.ts, on the thread that serves requests) and its writer thread
 * (sqlite-writer.ts) say to each other. Types only: both sides are bundled separately.
 *
 * A commit carries what its transaction read and what it wrote, each as
 * `[collection, id, JSON text or null]` (null: the document was absent, or is to be deleted). The
 * writer commits it only if every document read still has exactly that text; otherwise it answers
 * `conflict` and the store runs the transaction again.
 */

/** A document as it was read, or as it is to be written: null means absent / delete. */
export type DocState = [coll: string, id: string, json: string | null];

export type WriterRequest =
  { kind: 'commit'; id: number; reads: DocState[]; writes: DocState[] } | { kind: 'info'; id: number } | { kind: 'close'; id: number };

/** An error as it crosses threads: SQLite's error code (SQLITE_BUSY, SQLITE_IOERR_FSYNC, ...) kept. */
export interface WriterError {
  name: string;
  message: string;
  code?: string;
}

/**
 * The WAL file's size once SQLite starts it over after a checkpoint (`journal_size_limit`, both
 * connections). Without it the file keeps the size of the largest transaction it ever held, for as
 * long as the store is open: a migration that moves the certificates (sqlite.ts) left 167 MB for
 * 30,000 of them. Ordinary commits cycle through ~4 MB (SQLite checkpoints at 1,000 pages).
 */
export const WAL_SIZE_LIMIT = 16 * 1024 * 1024;

export interface WriterInfo {
  journalMode: string;
  synchronous: number;
  busyTimeoutMs: number;
  /** journal_size_limit, bytes. */
  walSizeLimit: number;
  /** COMMITs the writer ran since it started (each one fsync of the WAL). */
  commits: number;
  /** Transactions those COMMITs carried: over `commits`, how much group commit saved. */
  transactionsCommitted: number;
}

export type WriterReply =
  | { id: number; outcome: 'committed' }
  /** A document read has changed since (named for the message): nothing of this transaction was written. */
  | { id: number; outcome: 'conflict'; coll: string; docId: string }
  | { id: number; outcome: 'failed'; error: WriterError }
  | { id: number; outcome: 'info'; info: WriterInfo }
  | { id: number; outcome: 'closed' };

/** The writer's first message, once its connection is open (or could not be). */
export type WriterStart = { ready: true } | { ready: false; error: WriterError };

/** Each message from the writer: its start, or the answers to one batch, in request order. */
export type WriterMessage = WriterStart | { replies: WriterReply[] };

export interface WriterData {
  path: string;
  busyTimeoutMs: number;
}
