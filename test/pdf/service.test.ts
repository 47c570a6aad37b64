/**
 * `certificate.pdf` over the local gateway: the action renders the caller's certificate into the
 * file storage and answers with a temporary URL that the gateway serves until it expires. Also the
 * two storage adapters on their own (the cloud one against a named stand-in of wx-server-sdk).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ManualClock, systemClock } from '../../server/clock';
import { functionsFor } from '../../server/functions/definitions';
import { createGateway, LOCAL_OPENID_HEADER } from '../../server/gateway';
import { appRoutes } from '../../server/routes';
import { createApp } from '../../server/app';
import { dispatch } from '../../server/functions/router';
import { FileSecretStore } from '../../server/keys/secrets';
import { verifyLinks } from '../../server/pdf/service';
import { CloudFileStorage, LocalFileStorage, type CloudStorageSdk } from '../../server/pdf/storage';
import { cloudbaseStore } from '../../server/store/cloudbase';
import { createCloudBaseStandIn } from '../support/cloudbase-standin';
import type { Store } from '../../server/store/store';
import { openLocalApp } from '../../node/local';
import { DEMO_TRAVELLER_OPENID, demoTravellerFlow, seedDemo } from '../../demo/seed';
import { tempDir } from './helpers';

describe('LocalFileStorage', () => {
  it('serves a stored file by its random token until it expires, then deletes it', async () => {
    const dir = tempDir('files');
    const clock = new ManualClock(Date.UTC(2026, 10, 1));
    const storage = new LocalFileStorage(dir, clock);
    const bytes = new TextEncoder().encode('%PDF-1.7 test');
    const a = await storage.put(bytes, { contentType: 'application/pdf', ttlSeconds: 60, name: 'certificate.pdf' });
    const b = await storage.put(bytes, { contentType: 'application/pdf', ttlSeconds: 600, name: 'certificate.pdf' });
    expect(a.url).toMatch(/^\/files\/[A-Za-z0-9_-]{22}\.pdf$/);
    expect(a.url).not.toBe(b.url);
    expect(a.expiresAt).toBe(clock.now() + 60_000);
    const token = (u: string) => /([A-Za-z0-9_-]{22})\.pdf$/.exec(u)![1];
    expect(storage.get(token(a.url))?.bytes).toEqual(bytes);
    clock.advance(60_000);
    expect(storage.get(token(a.url))).toBeNull();
    expect(storage.get(token(b.url))?.bytes).toEqual(bytes);
    // The expired file is gone from the folder, not just hidden.
    expect(readdirSync(dir).filter((f) => f.startsWith(token(a.url)))).toEqual([]);
    clock.advance(600_000);
    expect(storage.sweep()).toBe(1);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('deletes expired files on a later put, sweeping the folder once a minute at most', async () => {
    const dir = tempDir('files');
    const clock = new ManualClock(Date.UTC(2026, 10, 1));
    const storage = new LocalFileStorage(dir, clock);
    const put = () => storage.put(new TextEncoder().encode('%PDF-1.7 test'), { contentType: 'application/pdf', ttlSeconds: 1, name: 'certificate.pdf' });
    const token = (u: string) => /([A-Za-z0-9_-]{22})\.pdf$/.exec(u)![1];
    const onDisk = (t: string) => readdirSync(dir).filter((f) => f.startsWith(t)).length;
    const a = token((await put()).url);
    clock.advance(2_000);
    // Within the minute: the expired file is not swept yet, and not served either.
    const b = token((await put()).url);
    expect(onDisk(a)).toBe(2);
    clock.advance(60_000);
    const c = token((await put()).url);
    expect([onDisk(a), onDisk(b), onDisk(c)]).toEqual([0, 0, 2]);
    clock.advance(2_000);
    expect(storage.get(c)).toBeNull();
    expect(onDisk(c)).toBe(0);
  });

  it('refuses tokens that are not its own shape (no paths)', async () => {
    const storage = new LocalFileStorage(tempDir('files'), new ManualClock(0));
    for (const t of ['../secrets/signing', '', 'a'.repeat(23), 'aaaaaaaaaaaaaaaaaaaaa/']) expect(storage.get(t)).toBeNull();
  });
});

describe('CloudFileStorage', () => {
  // Where each upload is recorded with its expiry, for the housekeeping timer that deletes it.
  let files: Store;
  beforeEach(() => {
    files = cloudbaseStore(createCloudBaseStandIn({ throwOnNotFound: false }));
  });

  it('uploads under a random path and returns the temporary URL with the requested lifetime', async () => {
    // A stand-in of wx-server-sdk's storage calls: records what it was asked, answers like the cloud.
    const calls: unknown[] = [];
    const standIn: CloudStorageSdk = {
      async uploadFile(opts) {
        calls.push({ upload: opts.cloudPath, size: opts.fileContent.length });
        return { fileID: `cloud://env/${opts.cloudPath}` };
      },
      async getTempFileURL(opts) {
        calls.push({ temp: opts.fileList });
        const f = opts.fileList[0] as { fileID: string; maxAge: number };
        return {
          fileList: [
            { fileID: f.fileID, tempFileURL: `https://tmp.example/${f.fileID.slice('cloud://env/'.length)}?sign=x&t=${f.maxAge}`, status: 0, errMsg: 'ok' },
          ],
        };
      },
    };
    const clock = new ManualClock(1_000_000);
    const r = await new CloudFileStorage(standIn, clock, { store: files }).put(new Uint8Array(10), {
      contentType: 'application/pdf',
      ttlSeconds: 900,
      name: 'certificate.pdf',
    });
    expect(calls).toHaveLength(2);
    const upload = (calls[0] as { upload: string }).upload;
    expect(upload).toMatch(/^ithc-pdf\/[A-Za-z0-9_-]{22}\.pdf$/);
    expect((calls[1] as { temp: unknown }).temp).toEqual([{ fileID: `cloud://env/${upload}`, maxAge: 900 }]);
    expect(r).toEqual({ url: `https://tmp.example/${upload}?sign=x&t=900`, expiresAt: 1_000_000 + 900_000 });
    // Recorded with the storage's file id and the link's expiry, so that it is deleted when the link ends.
    expect(await files.find('files', {})).toEqual([
      { _id: upload.slice('ithc-pdf/'.length, -'.pdf'.length), cloudPath: upload, fileID: `cloud://env/${upload}`, expiresAt: 1_000_000 + 900_000 },
    ]);
  });

  it('fails when the cloud gives no temporary URL', async () => {
    const standIn: CloudStorageSdk = {
      uploadFile: async () => ({ fileID: 'cloud://x' }),
      getTempFileURL: async () => ({ fileList: [{ fileID: 'cloud://x', tempFileURL: '', status: -1, errMsg: 'STORAGE_FILE_NONEXIST' }] }),
    };
    await expect(
      new CloudFileStorage(standIn, new ManualClock(0), { store: files }).put(new Uint8Array(1), {
        contentType: 'application/pdf',
        ttlSeconds: 60,
        name: 'x.pdf',
      }),
    ).rejects.toThrow(/STORAGE_FILE_NONEXIST/);
  });
});

describe('certificate.pdf over the local gateway', () => {
  it('answers with a URL the gateway serves as the PDF, and only to a caller with a certificate', async () => {
    const dir = tempDir('gw');
    // The paper settings as npm start gives them (the data folder's files), with links valid for two minutes.
    const storage = new LocalFileStorage(join(dir, 'data', 'files'), systemClock);
    const app = await openLocalApp(join(dir, 'data'), { paper: { storage, links: verifyLinks('http://127.0.0.1:8787'), ttlSeconds: 120 } });
    const gateway = createGateway({ functions: functionsFor(app), localMode: true, operators: new Set(), routes: appRoutes(app) });
    try {
      await seedDemo(app);
      const call = (openid: string, event: Record<string, unknown>) =>
        fetch(`${base}/functions/certificate`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', [LOCAL_OPENID_HEADER]: openid },
          body: JSON.stringify(event),
        }).then((r) => r.json() as Promise<{ ok: boolean; data?: { url: string; expiresAt: number }; error?: { code: string } }>);
      const base = await gateway.listen(0);
      await demoTravellerFlow(app);

      // An app built without paper settings (openLocalApp gives it some), over the same data, says so rather than failing obscurely.
      const bare = await createApp({ store: app.store, secrets: new FileSecretStore(join(dir, 'data', 'secrets')), clock: app.clock });
      const unavailable = await dispatch(
        functionsFor(bare).find((f) => f.name === 'certificate')!,
        { action: 'pdf' },
        { openid: DEMO_TRAVELLER_OPENID, operator: false },
      );
      expect(!unavailable.ok && unavailable.error.code).toBe('UNAVAILABLE');

      const r = await call(DEMO_TRAVELLER_OPENID, { action: 'pdf', lang: 'en' });
      expect(r.ok).toBe(true);
      expect(r.data!.url).toMatch(/^\/files\/[A-Za-z0-9_-]{22}\.pdf$/);
      expect(r.data!.expiresAt - Date.now()).toBeGreaterThan(100_000);
      const res = await fetch(base + r.data!.url);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/pdf');
      const body = new Uint8Array(await res.arrayBuffer());
      expect(new TextDecoder().decode(body.subarray(0, 5))).toBe('%PDF-');

      // A caller who has not verified an identity gets IDENTITY_REQUIRED, never someone else's printout.
      expect((await call('someone-else', { action: 'pdf' })).error?.code).toBe('IDENTITY_REQUIRED');
      expect((await call(DEMO_TRAVELLER_OPENID, { action: 'pdf', lang: 'fr' })).error?.code).toBe('VALIDATION_FAILED');
      // An unknown token and a path outside the files folder are 404.
      expect((await fetch(`${base}/files/${'A'.repeat(22)}.pdf`)).status).toBe(404);
      expect((await fetch(`${base}/files/..%2Fsecrets.pdf`)).status).toBe(404);
    } finally {
      await gateway.close();
      await app.store.close();
    }
  });

  it('stops serving the link once it expires', async () => {
    const dir = tempDir('gw2');
    const clock = new ManualClock(Date.now());
    const app = await openLocalApp(join(dir, 'data'), {
      paper: { storage: new LocalFileStorage(join(dir, 'data', 'files'), clock), links: verifyLinks('http://127.0.0.1:8787'), ttlSeconds: 60 },
    });
    const gateway = createGateway({ functions: functionsFor(app), localMode: true, operators: new Set(), routes: appRoutes(app) });
    try {
      await seedDemo(app);
      const base = await gateway.listen(0);
      await demoTravellerFlow(app);
      const r = (await (
        await fetch(`${base}/functions/certificate`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', [LOCAL_OPENID_HEADER]: DEMO_TRAVELLER_OPENID },
          body: JSON.stringify({ action: 'pdf' }),
        })
      ).json()) as { data: { url: string } };
      expect((await fetch(base + r.data.url)).status).toBe(200);
      clock.advance(61_000);
      expect((await fetch(base + r.data.url)).status).toBe(404);
    } finally {
      await gateway.close();
      await app.store.close();
    }
  });
});
