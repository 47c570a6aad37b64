/**
 * Housekeeping, run by the admin function's timer trigger (cloudfunctions/admin/config.json,
 * `housekeeping`, every 10 minutes): what would otherwise pile up.
 *
 * - Paper certificates in cloud storage (server/pdf/storage.ts records each upload in `files`
 *   with its expiry): deleted once their link has expired. They hold health data.
 * - Ingestion and operator-request nonces past their window: they can no longer be replayed anyway.
 * - Face-check sessions past their expiry (server/identity/face-checks.ts).
 * - Attempt counters whose window closed (server/identity/attempts.ts).
 *
 * Each run does a bounded amount of work (BATCH of each kind), so it always ends well within the
 * function's timeout; what is left waits for the next run, and `more` says there was some.
 * Deleting is idempotent: a file already gone counts as deleted, a run cut off halfway loses
 * nothing.
 */
import type { Clock } from '../clock';
import { pruneAttempts } from '../identity/attempts';
import { pruneFaceChecks } from '../identity/face-checks';
import type { Doc, Store } from '../store/store';
import { isMissingCollection } from './database';

/** Most items of each kind one run deletes. */
export const HOUSEKEEPING_BATCH = 200;
/** wx-server-sdk's deleteFile takes at most 50 files a call. */
const DELETE_FILES_PER_CALL = 50;

/** wx-server-sdk's cloud.deleteFile. */
export type DeleteFiles = (opts: { fileList: string[] }) => Promise<{ fileList: Array<{ fileID: string; status: number; errMsg?: string }> }>;

export interface HousekeepingReport {
  files: number;
  /** Files the storage refused to delete this run (kept on the list, tried again next run). */
  filesFailed: number;
  nonces: number;
  faceChecks: number;
  attempts: number;
  /** Some kind had a full batch: more may be waiting for the next run. */
  more: boolean;
}

/** A file gone already is as good as deleted (a run cut off after the storage call, before its record went). */
function gone(errMsg: string | undefined): boolean {
  return /NONEXIST|not ?exist|not found/i.test(errMsg ?? '');
}

/** Before admin.init has made the collections there is nothing to delete, rather than an error every run. */
async function orNone<T extends unknown[] | number>(work: Promise<T>, none: T): Promise<T> {
  try {
    return await work;
  } catch (e) {
    if (isMissingCollection(e)) return none;
    throw e;
  }
}

export async function runHousekeeping(
  deps: { store: Store; clock: Clock; deleteFiles?: DeleteFiles },
  batch = HOUSEKEEPING_BATCH,
): Promise<HousekeepingReport> {
  const { store } = deps;
  const now = deps.clock.now();

  let files = 0;
  let filesFailed = 0;
  const expired = await orNone(store.find('files', { expiresAt: { $lt: now } }, { orderBy: { field: 'expiresAt', direction: 'asc' }, limit: batch }), []);
  // A record whose upload was cut off before its file id was saved: the id is the environment's
  // storage prefix and the path, so it is rebuilt from any other record's (a file id is
  // "cloud://<env>.<bucket>/<path>"). Deleting a file that was never stored is harmless.
  const prefix = expired
    .map((d) =>
      typeof d.fileID === 'string' && typeof d.cloudPath === 'string' && d.fileID.endsWith(`/${d.cloudPath}`) ? d.fileID.slice(0, -d.cloudPath.length) : '',
    )
    .find(Boolean);
  const fileIdOf = (d: Doc): string =>
    typeof d.fileID === 'string' && d.fileID !== '' ? d.fileID : prefix && typeof d.cloudPath === 'string' ? prefix + d.cloudPath : '';
  for (let i = 0; i < expired.length; i += DELETE_FILES_PER_CALL) {
    const chunk = expired.slice(i, i + DELETE_FILES_PER_CALL);
    const ids = chunk.map(fileIdOf).filter(Boolean);
    const deleted = new Set<string>();
    if (ids.length) {
      if (!deps.deleteFiles) throw new Error('housekeeping needs cloud storage (deleteFile) to delete expired files');
      const res = await deps.deleteFiles({ fileList: ids });
      for (const r of res?.fileList ?? []) if (r.status === 0 || gone(r.errMsg)) deleted.add(r.fileID);
    }
    for (const d of chunk) {
      const id = fileIdOf(d);
      // Without any file id the upload never reached the storage as far as anything here knows.
      if (id && !deleted.has(id)) {
        filesFailed++;
        continue;
      }
      await store.delete('files', d._id);
      files++;
    }
  }

  const staleNonces = await orNone(store.find('ingestNonces', { expiresAt: { $lt: now } }, { limit: batch }), []);
  for (const d of staleNonces) await store.delete('ingestNonces', d._id);

  const faceChecks = await orNone(pruneFaceChecks(store, now, batch), 0);
  const attempts = await orNone(pruneAttempts(store, now, batch), 0);
  return {
    files,
    filesFailed,
    nonces: staleNonces.length,
    faceChecks,
    attempts,
    more: expired.length === batch || staleNonces.length === batch || faceChecks === batch || attempts === batch,
  };
}
