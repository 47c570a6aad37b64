/**
 * Housekeeping on its own (server/provision/housekeeping.ts), on the CloudBase store stand-in with a
 * stand-in of cloud storage's deleteFile: bounded runs, deletion only of what expired, a refused
 * deletion kept for the next run, an upload cut off before its file id was saved. Through the
 * built admin function's timer trigger: test/cloud/fresh-deployment.test.ts.
 */
import { ManualClock } from '../../server/clock';
import { countAttempt } from '../../server/identity/attempts';
import { CloudFileStorage } from '../../server/pdf/storage';
import { runHousekeeping, type DeleteFiles } from '../../server/provision/housekeeping';
import { cloudbaseStore } from '../../server/store/cloudbase';
import { createCloudBaseStandIn } from '../support/cloudbase-standin';
import type { Store } from '../../server/store/store';

const T0 = Date.parse('2026-03-01T02:00:00Z');
const PREFIX = 'cloud://env-1.bucket-1/';

/** Cloud storage, in memory: uploads, temporary URLs, deletions (at most 50 a call, as the SDK). */
function storage(refuse = new Set<string>()) {
  const files = new Map<string, number>();
  const calls: number[] = [];
  const sdk = {
    async uploadFile({ cloudPath, fileContent }: { cloudPath: string; fileContent: Uint8Array }) {
      files.set(PREFIX + cloudPath, fileContent.length);
      return { fileID: PREFIX + cloudPath };
    },
    async getTempFileURL({ fileList }: { fileList: Array<string | { fileID: string }> }) {
      return {
        fileList: fileList.map((f) => ({ fileID: typeof f === 'string' ? f : f.fileID, tempFileURL: 'https://tmp.example/x', status: 0, errMsg: 'ok' })),
      };
    },
  };
  const deleteFiles: DeleteFiles = async ({ fileList }) => {
    if (fileList.length > 50) throw new Error('deleteFile:fail at most 50');
    calls.push(fileList.length);
    return {
      fileList: fileList.map((id) =>
        refuse.has(id)
          ? { fileID: id, status: -1, errMsg: 'STORAGE_EXCEED_AUTHORITY' }
          : files.delete(id)
            ? { fileID: id, status: 0 }
            : { fileID: id, status: -1, errMsg: 'STORAGE_FILE_NONEXIST' },
      ),
    };
  };
  return { files, sdk, deleteFiles, calls };
}

let store: Store;
let clock: ManualClock;
beforeEach(() => {
  store = cloudbaseStore(createCloudBaseStandIn({ throwOnNotFound: false }));
  clock = new ManualClock(T0);
});

test('expired paper certificates are deleted from storage and their records, a bounded number a run; the others stay', async () => {
  const s = storage();
  const put = (ttl: number) =>
    new CloudFileStorage(s.sdk, clock, { store }).put(new Uint8Array(8), { contentType: 'application/pdf', ttlSeconds: ttl, name: 'certificate.pdf' });
  for (let i = 0; i < 260; i++) await put(900);
  for (let i = 0; i < 5; i++) await put(3600);
  expect(s.files.size).toBe(265);
  expect((await runHousekeeping({ store, clock, deleteFiles: s.deleteFiles })).files).toBe(0);
  clock.advance(900_001);
  const first = await runHousekeeping({ store, clock, deleteFiles: s.deleteFiles }, 200);
  expect(first).toMatchObject({ files: 200, filesFailed: 0, more: true });
  expect(Math.max(...s.calls)).toBeLessThanOrEqual(50);
  const second = await runHousekeeping({ store, clock, deleteFiles: s.deleteFiles }, 200);
  expect(second).toMatchObject({ files: 60, more: false });
  expect(s.files.size).toBe(5);
  expect(await store.count('files', {})).toBe(5);
});

test('a file the storage refuses to delete keeps its record for the next run; one already gone counts as deleted', async () => {
  const refuse = new Set<string>();
  const s = storage(refuse);
  const storageOf = new CloudFileStorage(s.sdk, clock, { store });
  await storageOf.put(new Uint8Array(1), { contentType: 'application/pdf', ttlSeconds: 60, name: 'a.pdf' });
  await storageOf.put(new Uint8Array(1), { contentType: 'application/pdf', ttlSeconds: 60, name: 'b.pdf' });
  const [a, b] = [...s.files.keys()];
  refuse.add(a);
  s.files.delete(b);
  clock.advance(61_000);
  expect(await runHousekeeping({ store, clock, deleteFiles: s.deleteFiles })).toMatchObject({ files: 1, filesFailed: 1 });
  expect((await store.find('files', {})).map((d) => d.fileID)).toEqual([a]);
  refuse.clear();
  expect(await runHousekeeping({ store, clock, deleteFiles: s.deleteFiles })).toMatchObject({ files: 1, filesFailed: 0 });
  expect(s.files.size).toBe(0);
});

test("an upload cut off before its file id was saved is still deleted, its id rebuilt from another record's", async () => {
  const s = storage();
  await new CloudFileStorage(s.sdk, clock, { store }).put(new Uint8Array(1), { contentType: 'application/pdf', ttlSeconds: 60, name: 'a.pdf' });
  // As if the function ended between the upload and saving the file id.
  await store.insert('files', { _id: 'cutoff-token', cloudPath: 'ithc-pdf/cutoff-token.pdf', expiresAt: T0 + 60_000, fileID: '' });
  s.files.set(`${PREFIX}ithc-pdf/cutoff-token.pdf`, 1);
  clock.advance(61_000);
  expect(await runHousekeeping({ store, clock, deleteFiles: s.deleteFiles })).toMatchObject({ files: 2, filesFailed: 0 });
  expect(s.files.size).toBe(0);
});

test('expired nonces, face-check sessions and closed attempt windows go; live ones stay', async () => {
  await store.insert('ingestNonces', { _id: 'lab:old', sourceId: 'lab', expiresAt: T0 - 1 });
  await store.insert('ingestNonces', { _id: 'lab:new', sourceId: 'lab', expiresAt: T0 + 300_000 });
  await store.insert('faceChecks', { _id: 'fc-old', expiresAt: T0 - 1, openid: 'o' });
  await store.insert('faceChecks', { _id: 'fc-new', expiresAt: T0 + 3_600_000, openid: 'o' });
  const hour = { max: 5, windowSeconds: 3600 };
  await store.transaction((tx) => countAttempt(tx, [{ id: 'verify:o-1', limit: hour }], T0 - 2 * 3_600_000, 'test'));
  await store.transaction((tx) => countAttempt(tx, [{ id: 'verify:o-2', limit: hour }], T0, 'test'));
  const r = await runHousekeeping({ store, clock });
  expect(r).toMatchObject({ files: 0, nonces: 1, faceChecks: 1, attempts: 1, more: false });
  expect((await store.find('ingestNonces', {})).map((d) => d._id)).toEqual(['lab:new']);
  expect((await store.find('faceChecks', {})).map((d) => d._id)).toEqual(['fc-new']);
  expect(await store.count('attempts', {})).toBe(1);
});

test('before admin.init made the collections there is nothing to delete, and no error', async () => {
  const fresh = cloudbaseStore(createCloudBaseStandIn({ throwOnNotFound: false, requireCollections: true }));
  expect(await runHousekeeping({ store: fresh, clock })).toEqual({ files: 0, filesFailed: 0, nonces: 0, faceChecks: 0, attempts: 0, more: false });
});
