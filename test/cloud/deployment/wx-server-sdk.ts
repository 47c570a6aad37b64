/**
 * STAND-IN for wx-server-sdk, for tests only: bundled (test/cloud/deployment/harness.ts) into
 * `node_modules/wx-server-sdk/index.js` beside copies of the built cloud functions, where Node's
 * resolution finds it for them as it finds the real SDK in the cloud. Only the subset the functions
 * use (server/cloud/wx-server-sdk.d.ts):
 *
 * - database(): one CloudBase database for the whole environment (the in-memory stand-in of
 *   test/support/cloudbase-standin.ts), empty and strict like a fresh environment: a collection
 *   exists only once createCollection made it;
 * - getWXContext(): the caller of the current invocation (the host sets it per call; empty for
 *   HTTP and timer events, as in the cloud);
 * - uploadFile / getTempFileURL / deleteFile: cloud storage in memory, with file ids and temporary
 *   URLs shaped like the cloud's.
 *
 * `__standIn` is for the host (test/cloud/deployment/host.ts) and is no part of the SDK.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createCloudBaseStandIn } from '../../support/cloudbase-standin';

export const DYNAMIC_CURRENT_ENV = Symbol('DYNAMIC_CURRENT_ENV');
const ENV_ID = 'ithc-test-1a2b3c';
const BUCKET = '6974-ithc-test-1a2b3c-1300000000';

const db = createCloudBaseStandIn({ throwOnNotFound: false, requireCollections: true });
const context = new AsyncLocalStorage<{ OPENID?: string; APPID?: string }>();
const storage = new Map<string, { path: string; bytes: Uint8Array }>();
let initialised = false;

export function init(opts: { env: unknown }): void {
  if (opts?.env !== DYNAMIC_CURRENT_ENV) throw new Error('the functions run in the environment that calls them (env: cloud.DYNAMIC_CURRENT_ENV)');
  initialised = true;
}

function ready(what: string): void {
  if (!initialised) throw new Error(`${what} before cloud.init()`);
}

export function database(opts?: { throwOnNotFound?: boolean }) {
  ready('cloud.database()');
  // One database for the environment; every function asks for missing documents as null.
  if (opts?.throwOnNotFound !== false) throw new Error('this stand-in serves database({ throwOnNotFound: false }) only, which every function asks for');
  return db;
}

export function getWXContext(): { OPENID?: string; APPID?: string; ENV: string } {
  return { ...(context.getStore() ?? {}), ENV: ENV_ID };
}

export async function uploadFile(opts: { cloudPath: string; fileContent: Uint8Array }): Promise<{ fileID: string }> {
  ready('cloud.uploadFile');
  if (typeof opts.cloudPath !== 'string' || !/^[A-Za-z0-9._/-]{1,200}$/.test(opts.cloudPath) || !(opts.fileContent instanceof Uint8Array))
    throw new Error('uploadFile:fail invalid cloudPath or fileContent');
  const fileID = `cloud://${ENV_ID}.${BUCKET}/${opts.cloudPath}`;
  storage.set(fileID, { path: opts.cloudPath, bytes: Uint8Array.from(opts.fileContent) });
  return { fileID };
}

export async function getTempFileURL(opts: { fileList: Array<string | { fileID: string; maxAge?: number }> }) {
  ready('cloud.getTempFileURL');
  return {
    fileList: opts.fileList.map((f) => {
      const fileID = typeof f === 'string' ? f : f.fileID;
      const file = storage.get(fileID);
      if (!file) return { fileID, tempFileURL: '', status: -1, errMsg: 'STORAGE_FILE_NONEXIST' };
      const maxAge = typeof f === 'string' ? 86400 : (f.maxAge ?? 86400);
      return { fileID, tempFileURL: `https://${BUCKET}.tcb.qcloud.la/${file.path}?sign=stand-in&t=${maxAge}`, status: 0, errMsg: 'ok' };
    }),
  };
}

export async function deleteFile(opts: { fileList: string[] }) {
  ready('cloud.deleteFile');
  if (!Array.isArray(opts.fileList) || opts.fileList.length > 50) throw new Error('deleteFile:fail at most 50 files a call');
  return {
    fileList: opts.fileList.map((fileID) =>
      storage.delete(fileID) ? { fileID, status: 0, errMsg: 'ok' } : { fileID, status: -1, errMsg: 'STORAGE_FILE_NONEXIST' },
    ),
  };
}

/** For the host only. */
export const __standIn = {
  db,
  /** Runs `fn` as an invocation by `openid` (none: an HTTP or timer event). */
  invoke<T>(openid: string | undefined, fn: () => Promise<T>): Promise<T> {
    return context.run(openid ? { OPENID: openid, APPID: 'wx0123456789abcdef' } : {}, fn);
  },
  /** The stored files: path → bytes. */
  files(): Array<{ fileID: string; path: string; bytes: Uint8Array }> {
    return [...storage.entries()].map(([fileID, f]) => ({ fileID, ...f }));
  },
};
