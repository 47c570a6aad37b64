/**
 * The store: a small document-database interface that both adapters implement identically.
 *
 * - SQLite (better-sqlite3 12.x, sqlite.ts): the embedded default, one file in the data folder,
 *   WAL, transactions, migrations.
 * - CloudBase document database (cloudbase.ts, over wx-server-sdk's `cloud.database()`): production
 *   on WeChat Cloud.
 *
 * The shape follows what CloudBase can do, so nothing here works on SQLite and fails in production:
 * documents are JSON objects with a string `_id`; queries are equality filters on top-level fields
 * (plus simple comparisons), with an order and a limit; transactions touch documents by id only
 * (CloudBase transactions cannot run queries).
 */

export type Scalar = string | number | boolean | null;
export type Json = Scalar | Json[] | { [k: string]: Json };

export interface Doc {
  _id: string;
  [field: string]: Json | undefined;
}

/** Collections the services use. Adding one means a migration in the SQLite adapter and its indexes in server/provision/database.ts (INDEXES), which admin.init declares for CloudBase. */
export const COLLECTIONS = [
  'citizens', // local identity registry (stand-in for the national one)
  'documentRegistry', // local travel-document registry (stand-in)
  'users', // one per caller (openid): verified person, settings
  'documents', // bound travel documents
  'records', // nucleic-acid, antibody and vaccination records
  'sources', // record sources (labs, vaccination sites) with their HMAC key ids
  'ingestNonces', // replay protection for signed requests (ingestion, operators' HTTP calls)
  'certificates', // issued certificates
  'relatives', // proxy relationships with consent
  'partners', // partner authorities
  'keys', // signing key metadata (never private key material)
  'revocations', // revoked certificates
  'attempts', // attempt counters for rate limits
  'audit', // append-only audit log
  'recordLinks', // per record: the certificates that carry it, and versions an operator blocked
  'holds', // operator holds on issuance for a person (identity fraud)
  'faceChecks', // face-check sessions: who asked, for what, for whom, until when; used once
  'identityBindings', // per verified person (_id = personId): the one account verified as them
  'files', // files put in cloud storage (paper certificates) with their expiry, for the timer that deletes them
  'operators', // operators added by operators (WeChat accounts, CLI keys); ITHC_OPERATORS and ITHC_OPERATOR_KEYS bootstrap the first
] as const;

export type CollectionName = (typeof COLLECTIONS)[number];

export type Condition =
  | Scalar
  | { $eq: Scalar }
  | { $ne: Scalar }
  | { $lt: number | string }
  | { $lte: number | string }
  | { $gt: number | string }
  | { $gte: number | string }
  | { $in: Scalar[] };

export type Filter = Record<string, Condition>;

export interface FindOptions {
  orderBy?: { field: string; direction: 'asc' | 'desc' };
  /** Default 100, at most 1000 (CloudBase's server-side maximum per query). */
  limit?: number;
  skip?: number;
}

/** Operations allowed inside a transaction: by id only. */
export interface TxOps {
  get(coll: CollectionName, id: string): Promise<Doc | null>;
  /** Creates the document; fails with StoreConflict if the id exists. */
  insert(coll: CollectionName, doc: Doc): Promise<void>;
  /** Creates or replaces. */
  put(coll: CollectionName, doc: Doc): Promise<void>;
  /** Shallow-merges top-level fields into an existing document; fails with StoreNotFound if absent. */
  update(coll: CollectionName, id: string, patch: Record<string, Json>): Promise<void>;
  delete(coll: CollectionName, id: string): Promise<void>;
}

export interface Store extends TxOps {
  readonly kind: 'sqlite' | 'cloudbase';
  find(coll: CollectionName, filter: Filter, opts?: FindOptions): Promise<Doc[]>;
  count(coll: CollectionName, filter: Filter): Promise<number>;
  /** Runs fn atomically; fn may be retried by the adapter on a conflict, so it must not have side effects outside tx. */
  transaction<T>(fn: (tx: TxOps) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export class StoreConflict extends Error {
  constructor(coll: string, id: string) {
    super(`${coll}/${id} already exists`);
    this.name = 'StoreConflict';
  }
}

export class StoreNotFound extends Error {
  constructor(coll: string, id: string) {
    super(`${coll}/${id} does not exist`);
    this.name = 'StoreNotFound';
  }
}
