/**
 * The database a deployment needs (docs/deploy.md, "Database"): every collection of the store, the
 * indexes its queries use, and who may touch it.
 *
 * - Collections: a fresh CloudBase environment has none, and the database refuses to read or write
 *   a collection nobody created. admin.init creates the missing ones (`db.createCollection`);
 *   running it again changes nothing.
 * - Indexes: the cloud functions' SDK cannot create them. INDEXES lists each (the same fields the
 *   SQLite adapter indexes, test/provision checks they agree); the operator creates them in the
 *   console or with the CloudBase CLI, as docs/deploy.md shows. Without them queries still answer,
 *   slowly, as collections grow.
 * - Permissions: every collection must be "ADMINONLY" (仅管理端可读写): no mini program or web
 *   client may read or write any of them; only the cloud functions (which have admin rights) do.
 *   The functions' SDK can neither set nor read a collection's permission, so init cannot prove
 *   it. What it can see: a document a client wrote carries the client's `_openid`, which nothing of
 *   ours writes; init counts such documents in every collection and reports any as a breach
 *   (the permission is too open, or was).
 */
import { COLLECTIONS, type CollectionName, type Store } from '../store/store';

/** The permission every collection needs (CloudBase AclTag; console: 仅管理端可读写). */
export const REQUIRED_PERMISSION = 'ADMINONLY';

/** Indexes per collection, fields in order (ascending); `_id` is always indexed. */
export const INDEXES: Readonly<Partial<Record<CollectionName, ReadonlyArray<readonly string[]>>>> = Object.freeze({
  users: [['openid']],
  documents: [['userId']],
  records: [['personId'], ['sourceId', 'sourceRecordId']],
  certificates: [['personId', 'issuedAt']],
  relatives: [['proxyUserId'], ['relativeUserId'], ['personId']],
  audit: [['personId', 'at'], ['at']],
  attempts: [['key'], ['windowEnd']],
  ingestNonces: [['expiresAt']],
  revocations: [['certificateId']],
  keys: [['kind', 'status', 'createdAt']],
  holds: [['active']],
  faceChecks: [['expiresAt']],
  files: [['expiresAt']],
});

/** Makes collections where the database needs them made (CloudBase), says which existed. */
export interface CollectionAdmin {
  ensure(name: CollectionName): Promise<'created' | 'existed'>;
}

/** What of wx-server-sdk's database creating collections needs. */
export interface CloudBaseCollectionsApi {
  collection(name: string): { count(): Promise<{ total: number }> };
  createCollection(name: string): Promise<unknown>;
}

/** A code or message the SDK gave as text; anything else (absent, an object) as ''. */
function scalarText(v: unknown): string {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean' ? String(v) : '';
}

/** The SDK's answer for a collection that does not exist (DATABASE_COLLECTION_NOT_EXIST, -502005). */
export function isMissingCollection(e: unknown): boolean {
  const o = e as { errCode?: unknown; errMsg?: unknown; message?: unknown } | null;
  const text = `${scalarText(o?.errCode)} ${scalarText(o?.errMsg ?? o?.message)}`;
  return /-502005|COLLECTION_NOT_EXIST|collection (does )?not exists?|Table not exist/i.test(text);
}

/**
 * CloudBase: a collection exists when it answers a count; a missing one is created. Two inits at
 * once: the loser's createCollection fails because the collection now exists, which a second count
 * confirms.
 */
export function cloudbaseCollections(db: CloudBaseCollectionsApi): CollectionAdmin {
  const exists = async (name: string): Promise<boolean> => {
    try {
      await db.collection(name).count();
      return true;
    } catch (e) {
      if (isMissingCollection(e)) return false;
      throw e;
    }
  };
  return {
    async ensure(name) {
      if (await exists(name)) return 'existed';
      try {
        await db.createCollection(name);
        return 'created';
      } catch (e) {
        if (await exists(name)) return 'existed';
        throw e;
      }
    },
  };
}

/** SQLite: the migrations made every collection when the store opened. */
export const migratedCollections: CollectionAdmin = { ensure: () => Promise.resolve('existed') };

export interface CollectionReport {
  name: CollectionName;
  status: 'created' | 'existed';
  indexes: ReadonlyArray<readonly string[]>;
  permission: typeof REQUIRED_PERMISSION;
  /** Documents a client wrote (they carry `_openid`): must be 0. */
  clientWritten: number;
}

/** Creates what is missing, and reports every collection. Idempotent. */
export async function initialiseCollections(admin: CollectionAdmin, store: Store): Promise<CollectionReport[]> {
  const out: CollectionReport[] = [];
  for (const name of COLLECTIONS) {
    const status = await admin.ensure(name);
    // Any non-empty string: only clients' writes carry an `_openid`.
    const clientWritten = await store.count(name, { _openid: { $gt: '' } });
    out.push({ name, status, indexes: INDEXES[name] ?? [], permission: REQUIRED_PERMISSION, clientWritten });
  }
  return out;
}

/**
 * The CloudBase CLI commands that set what the functions' SDK cannot (tcb 3.x): each collection's
 * permission. Printed by `ithc provision init`; docs/deploy.md shows the same.
 */
export function permissionCommands(envId = '$ENV_ID'): string[] {
  return COLLECTIONS.map((c) => `tcb permission set collection:${c} --level adminonly -e ${envId}`);
}
