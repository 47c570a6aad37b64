/**
 * Where generated files (the paper certificate) are put for the caller to download: a temporary
 * URL that stops working after a while, so a printout link forwarded by mistake does not expose
 * the holder's data for long.
 *
 * Two adapters behind one interface:
 * - LocalFileStorage: files in the data folder (`<data>/files/<token>.pdf`, mode 0600), served by
 *   the gateway at `/files/<token>.pdf` until they expire. The token is 128 random bits, the
 *   only thing that grants access (as with a cloud storage temporary URL).
 * - CloudFileStorage: WeChat Cloud storage, `cloud.uploadFile` + `cloud.getTempFileURL` with a
 *   maxAge. Each upload is recorded in the `files` collection with its expiry before it is made,
 *   and the admin function's housekeeping timer deletes the file once it expired
 *   (server/provision/housekeeping.ts): a temporary URL stops working, the file behind it would
 *   not go by itself. Typed against the SDK's shape; not callable here (wx-server-sdk talks only
 *   to Tencent's servers).
 *
 * Which storage an app uses is part of its paper settings (createApp's `paper`, server/pdf/service.ts).
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, unlinkSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../clock';
import type { Store } from '../store/store';

export interface StoredFile {
  /** Where the caller downloads it. Local: a gateway path (relative unless a base URL is set). */
  url: string;
  /** ms since the epoch. */
  expiresAt: number;
}

export interface PutOptions {
  contentType: 'application/pdf';
  ttlSeconds: number;
  name: string;
  /** The account (userId) the file was made for, so that deleting the account discards it at once. */
  owner?: string;
}

export interface FileStorage {
  /** Stores `bytes` for `ttlSeconds`; `name` is a hint for the stored name, never part of the URL's secret. */
  put(bytes: Uint8Array, opts: PutOptions): Promise<StoredFile>;
  /** Ends every file `owner` asked for (identity.deleteAccount); returns how many. */
  discardOwnedBy(owner: string): Promise<number>;
}

/** How long a download link lives unless the caller says otherwise. */
export const DEFAULT_FILE_TTL_SECONDS = 15 * 60;

const TOKEN = /^[A-Za-z0-9_-]{22}$/;

interface Meta {
  expiresAt: number;
  contentType: string;
  owner?: string;
}

/**
 * A put sweeps expired files at most this often (by the storage's clock). Sweeping reads every
 * file's metadata, so on every put it was work in proportion to the files kept: at 20 PDFs a
 * second and 15-minute links, thousands of reads on the serving thread for each PDF. Serving never
 * depends on it (get refuses and deletes an expired file itself); the folder still holds no more
 * than a minute of files beyond their links' lives.
 */
const SWEEP_EVERY_MS = 60_000;

export class LocalFileStorage implements FileStorage {
  private lastSweep = -Infinity;

  constructor(
    private readonly dir: string,
    private readonly clock: Clock,
    private readonly opts: { baseUrl?: string; random?: (n: number) => Uint8Array } = {},
  ) {}

  async put(bytes: Uint8Array, opts: PutOptions): Promise<StoredFile> {
    if (!(opts.ttlSeconds > 0 && opts.ttlSeconds <= 7 * 86400)) throw new RangeError('ttlSeconds must be in (0, 7 days]');
    if (this.clock.now() - this.lastSweep >= SWEEP_EVERY_MS) {
      this.lastSweep = this.clock.now();
      this.sweep();
    }
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    chmodSync(this.dir, 0o700);
    const token = Buffer.from((this.opts.random ?? ((n) => new Uint8Array(randomBytes(n))))(16)).toString('base64url');
    const expiresAt = this.clock.now() + opts.ttlSeconds * 1000;
    const meta: Meta = { expiresAt, contentType: opts.contentType, ...(opts.owner ? { owner: opts.owner } : {}) };
    const file = join(this.dir, `${token}.pdf`);
    writeFileSync(`${file}.tmp`, bytes, { mode: 0o600 });
    renameSync(`${file}.tmp`, file);
    writeFileSync(join(this.dir, `${token}.json`), JSON.stringify(meta), { mode: 0o600 });
    return Promise.resolve({ url: `${this.opts.baseUrl ?? ''}/files/${token}.pdf`, expiresAt });
  }

  /** The file behind a token while it has not expired; null otherwise (expired files are deleted). */
  get(token: string): { bytes: Uint8Array; contentType: string; expiresAt: number } | null {
    if (!TOKEN.test(token)) return null;
    const metaFile = join(this.dir, `${token}.json`);
    const file = join(this.dir, `${token}.pdf`);
    if (!existsSync(metaFile) || !existsSync(file)) return null;
    let meta: Meta;
    try {
      meta = JSON.parse(readFileSync(metaFile, 'utf8')) as Meta;
    } catch {
      return null;
    }
    if (!(meta.expiresAt > this.clock.now())) {
      this.remove(token);
      return null;
    }
    return { bytes: new Uint8Array(readFileSync(file)), contentType: meta.contentType, expiresAt: meta.expiresAt };
  }

  async discardOwnedBy(owner: string): Promise<number> {
    if (!owner || !existsSync(this.dir)) return Promise.resolve(0);
    let removed = 0;
    for (const f of readdirSync(this.dir)) {
      const m = /^([A-Za-z0-9_-]{22})\.json$/.exec(f);
      if (!m) continue;
      try {
        if ((JSON.parse(readFileSync(join(this.dir, f), 'utf8')) as Meta).owner !== owner) continue;
      } catch {
        continue;
      }
      this.remove(m[1]);
      removed++;
    }
    return Promise.resolve(removed);
  }

  /** Deletes every expired file. Runs on a put once a minute at most, so the folder never grows without bound. */
  sweep(): number {
    if (!existsSync(this.dir)) return 0;
    let removed = 0;
    const now = this.clock.now();
    const names = readdirSync(this.dir);
    for (const f of names) {
      const m = /^([A-Za-z0-9_-]{22})\.json$/.exec(f);
      if (!m) continue;
      try {
        const meta = JSON.parse(readFileSync(join(this.dir, f), 'utf8')) as Meta;
        if (meta.expiresAt > now) continue;
      } catch {
        // Unreadable metadata: the file cannot be served, so it goes.
      }
      this.remove(m[1]);
      removed++;
    }
    // A .tmp left by a crash, or a .pdf whose metadata is gone: removed once an hour old.
    for (const f of names) {
      if (!/\.(pdf|pdf\.tmp)$/.test(f) || existsSync(join(this.dir, f.replace(/\.pdf(\.tmp)?$/, '.json')))) continue;
      try {
        if (Date.now() - statSync(join(this.dir, f)).mtimeMs > 3_600_000) unlinkSync(join(this.dir, f));
      } catch {
        // Removed meanwhile.
      }
    }
    return removed;
  }

  private remove(token: string): void {
    for (const f of [`${token}.pdf`, `${token}.json`]) {
      try {
        unlinkSync(join(this.dir, f));
      } catch {
        // Already gone.
      }
    }
  }
}

/** The part of wx-server-sdk that cloud storage needs (see server/cloud/wx-server-sdk.d.ts). */
export interface CloudStorageSdk {
  uploadFile(opts: { cloudPath: string; fileContent: Uint8Array }): Promise<{ fileID: string }>;
  getTempFileURL(opts: {
    fileList: Array<string | { fileID: string; maxAge?: number }>;
  }): Promise<{ fileList: Array<{ fileID: string; tempFileURL: string; status: number; errMsg: string }> }>;
  /** Deletes files (at most 50 a call); housekeeping's. Optional only for callers that never delete. */
  deleteFile?(opts: { fileList: string[] }): Promise<{ fileList: Array<{ fileID: string; status: number; errMsg?: string }> }>;
}

export class CloudFileStorage implements FileStorage {
  constructor(
    private readonly sdk: CloudStorageSdk,
    private readonly clock: Clock,
    private readonly opts: { store: Pick<Store, 'insert' | 'update' | 'find'>; folder?: string; random?: (n: number) => Uint8Array },
  ) {}

  discardOwnedBy(owner: string): Promise<number> {
    return discardCloudFilesOf(this.opts.store, owner);
  }

  async put(bytes: Uint8Array, opts: PutOptions): Promise<StoredFile> {
    if (!(opts.ttlSeconds > 0 && opts.ttlSeconds <= 7 * 86400)) throw new RangeError('ttlSeconds must be in (0, 7 days]');
    const token = Buffer.from((this.opts.random ?? ((n) => new Uint8Array(randomBytes(n))))(16)).toString('base64url');
    // The cloud path carries a random token, never the holder's name or certificate id. Storage
    // rules must keep the folder private (docs/deploy.md).
    const cloudPath = `${this.opts.folder ?? 'ithc-pdf'}/${token}.pdf`;
    const expiresAt = this.clock.now() + opts.ttlSeconds * 1000;
    // Recorded before the upload, so no file is ever in storage without the record that deletes it;
    // the file id is added once the storage gave it.
    await this.opts.store.insert('files', { _id: token, cloudPath, expiresAt, fileID: '', ...(opts.owner ? { owner: opts.owner } : {}) });
    const { fileID } = await this.sdk.uploadFile({ cloudPath, fileContent: bytes });
    await this.opts.store.update('files', token, { fileID });
    const { fileList } = await this.sdk.getTempFileURL({ fileList: [{ fileID, maxAge: opts.ttlSeconds }] });
    const entry = fileList[0];
    if (!entry || entry.status !== 0 || !entry.tempFileURL) throw new Error(`getTempFileURL failed: ${entry?.errMsg ?? 'no entry'}`);
    return { url: entry.tempFileURL, expiresAt };
  }
}

/**
 * Cloud files `owner` asked for, made to expire now: the housekeeping timer deletes the stored file
 * on its next run (server/provision/housekeeping.ts), as for any expired one. Needs only the store,
 * so the identity function can discard them without the storage SDK.
 */
export async function discardCloudFilesOf(store: Pick<Store, 'find' | 'update'>, owner: string): Promise<number> {
  if (!owner) return 0;
  const docs = await store.find('files', { owner }, { limit: 1000 });
  for (const d of docs) if (typeof d.expiresAt !== 'number' || d.expiresAt > 0) await store.update('files', d._id, { expiresAt: 0 });
  return docs.length;
}
