/**
 * Keys of a local data folder (npm start, the demo): the KEK and the stand-in CSCA are made once
 * into the folder's secrets (0600); every other key is made through the same KeyService steps as
 * in the cloud (request, certification by the CSCA, installation) and kept only wrapped in the
 * SQLite store. No private or secret key is in clear in the database file, its journal, the
 * folder's other files or a function's answer; reopening the folder finds the same keys; `ithc
 * keys rotate-kek` re-wraps them under a new KEK, resuming after a crash.
 */
import { createPrivateKey } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rotateLocalKek } from '../../cli/keys-local';
import { call, openLocalApp } from '../../node/local';
import { demoTravellerFlow, seedDemo } from '../../demo/seed';
import type { App } from '../../server/app';
import { DEMO_SOURCES } from '../../demo/records';
import { FileSecretStore } from '../../server/keys/secrets';
import { openSqliteStore } from '../../server/store/sqlite';
import type { KeyView } from '../../server/keys/service';
import { KEK_SECRET, PREVIOUS_KEK_SECRET, loadKekRing, newKekText, parseKek, type WrappedKeyDoc } from '../../server/keys/vault';

const OPERATOR = 'local-keys-operator';
let dir: string;
let data: string;
const responses: string[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ithc-local-keys-'));
  data = join(dir, 'data');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function open(): Promise<App> {
  return openLocalApp(data, { config: { operators: [OPERATOR] } });
}

/** Every file of the folder, recursively, with its bytes. */
function files(root: string): Array<{ path: string; bytes: Buffer }> {
  const out: Array<{ path: string; bytes: Buffer }> = [];
  for (const name of readdirSync(root)) {
    const p = join(root, name);
    if (statSync(p).isDirectory()) out.push(...files(p));
    else out.push({ path: p.slice(data.length + 1), bytes: readFileSync(p) });
  }
  return out;
}

/** Raw, hex, base64 and base64url forms of a secret. */
function forms(secret: Uint8Array): Buffer[] {
  const raw = Buffer.from(secret);
  return [raw, ...[raw.toString('hex'), raw.toString('base64').replace(/=+$/, ''), raw.toString('base64url')].map((t) => Buffer.from(t))];
}

test('a new folder gets its KEK and CSCA (0600) and, through the cloud steps, a DSC and a trust-list signer; an issued code carries the DSC', async () => {
  const app = await open();
  try {
    await seedDemo(app);
    expect(statSync(join(data, 'secrets', KEK_SECRET)).mode & 0o777).toBe(0o600);
    expect(statSync(join(data, 'secrets', 'csca-key.pem')).mode & 0o777).toBe(0o600);
    const keys = await call(app, 'admin', OPERATOR, { action: 'keys' });
    responses.push(JSON.stringify(keys));
    const views = (keys as { data: KeyView[] }).data;
    expect(views.map((k) => [k.kind, k.status])).toEqual([
      ['csca', 'active'],
      ['dsc', 'active'],
      ['ithc-dsc', 'active'],
      ['trustlist-signer', 'active'],
    ]);
    const issued = await demoTravellerFlow(app, 'local-keys-traveller', 0);
    responses.push(JSON.stringify(issued));
    expect(issued.kid).toBe(views[2].kid);
    // A rotation goes through the same steps; the local CSCA certifies at once, pre-publication still applies.
    const rotated = await call(app, 'admin', OPERATOR, { action: 'rotateKey', kind: 'ithc-dsc' });
    responses.push(JSON.stringify(rotated));
    expect((rotated as { data: KeyView }).data.status).toBe('published');
    responses.push(JSON.stringify(await call(app, 'trustlist', '', { action: 'signed' })));
  } finally {
    await app.store.close();
  }
});

test('reopened, the folder has the same keys: no second CSCA, DSC or person-id key', async () => {
  const app = await open();
  try {
    const views = ((await call(app, 'admin', OPERATOR, { action: 'keys' })) as { data: KeyView[] }).data;
    expect(views.map((k) => [k.kind, k.status])).toEqual([
      ['csca', 'active'],
      ['dsc', 'active'],
      ['ithc-dsc', 'active'],
      ['trustlist-signer', 'active'],
      ['ithc-dsc', 'published'],
    ]);
    const again = await demoTravellerFlow(app, 'local-keys-traveller', 0);
    expect(again.kid).toBe(views[2].kid);
  } finally {
    await app.store.close();
  }
});

test('no private or secret key is in clear in the database, its journal, the other files or an answer; the secrets folder holds only the KEK and the local CSCA', async () => {
  const app = await open();
  const secrets: Array<{ what: string; bytes: Uint8Array }> = [];
  try {
    for (const doc of (await app.store.find('keys', { kind: 'wrapped' }, { limit: 100 })) as WrappedKeyDoc[]) {
      const material = (await app.vault.unwrap(doc.purpose, doc.keyId))!;
      secrets.push({ what: `${doc.purpose}/${doc.keyId}`, bytes: material });
      if (doc.purpose === 'dsc' || doc.purpose === 'ithc-dsc' || doc.purpose === 'trustlist-signer') {
        secrets.push({
          what: `${doc.purpose}/${doc.keyId} d`,
          bytes: new Uint8Array(
            Buffer.from(createPrivateKey({ key: Buffer.from(material), format: 'der', type: 'pkcs8' }).export({ format: 'jwk' }).d!, 'base64url'),
          ),
        });
      }
    }
  } finally {
    await app.store.close();
  }
  const purposes = secrets.filter((s) => !s.what.endsWith(' d')).map((s) => s.what.split('/')[0]);
  // face-check-stand-in: the local face-check stand-in's token key (node/start.ts runs several processes), made by the first face check.
  expect(purposes.filter((p) => p !== 'ingest-hmac').sort()).toEqual(['dsc', 'face-check-stand-in', 'ithc-dsc', 'ithc-dsc', 'person-id', 'trustlist-signer']);
  expect(purposes.filter((p) => p === 'ingest-hmac')).toHaveLength(DEMO_SOURCES.length);
  const cscaD = Buffer.from(createPrivateKey(readFileSync(join(data, 'secrets', 'csca-key.pem'), 'utf8')).export({ format: 'jwk' }).d!, 'base64url');
  const all = files(data);
  expect(all.some((f) => f.path === 'ithc.sqlite')).toBe(true);
  for (const f of all) {
    for (const s of secrets)
      expect({ file: f.path, found: forms(s.bytes).some((form) => f.bytes.includes(form)) ? s.what : null }).toEqual({ file: f.path, found: null });
    // The CSCA's key is in its own 0600 file and nowhere else.
    if (f.path !== join('secrets', 'csca-key.pem'))
      expect({ file: f.path, csca: forms(cscaD).some((form) => f.bytes.includes(form)) }).toEqual({ file: f.path, csca: false });
  }
  for (const r of responses) for (const s of secrets) expect(forms(s.bytes).some((form) => Buffer.from(r).includes(form)) ? s.what : null).toBeNull();
  expect(readdirSync(join(data, 'secrets')).sort()).toEqual(['authority-demo-key', 'csca-key.pem', 'csca.pem', KEK_SECRET].sort());
});

test('ithc keys rotate-kek re-wraps every key under a new KEK, finishes a rotation a crash interrupted, and the folder opens as before', async () => {
  const secrets = new FileSecretStore(join(data, 'secrets'));
  const before = (await loadKekRing(secrets)).current.id;
  const first = await rotateLocalKek(data);
  expect(first.kek).not.toBe(before);
  expect(first.rewrapped).toBe(first.total);
  expect(first.unreadable).toEqual([]);
  expect(existsSync(join(data, 'secrets', PREVIOUS_KEK_SECRET))).toBe(false);

  // A crash right after the new KEK was written, before any key was re-wrapped: both KEKs on disk.
  const current = (await secrets.get(KEK_SECRET))!;
  await secrets.put(PREVIOUS_KEK_SECRET, current);
  const next = newKekText();
  await secrets.put(KEK_SECRET, next);
  const resumed = await rotateLocalKek(data);
  expect(resumed.kek).toBe(parseKek(next, 'x').id);
  expect(resumed.rewrapped).toBe(resumed.total);
  expect(existsSync(join(data, 'secrets', PREVIOUS_KEK_SECRET))).toBe(false);

  const app = await open();
  try {
    const views = ((await call(app, 'admin', OPERATOR, { action: 'keys' })) as { data: KeyView[] }).data;
    expect((await demoTravellerFlow(app, 'local-keys-traveller', 0)).kid).toBe(views[2].kid);
  } finally {
    await app.store.close();
  }
});

test('a data folder from before wrapped keys (private keys in clear files) is refused with what to do, not half used', async () => {
  const old = join(dir, 'old');
  mkdirSync(old, { recursive: true, mode: 0o700 });
  const store = openSqliteStore(join(old, 'ithc.sqlite'));
  await store.insert('keys', {
    _id: 'dsc:AAAAAAAAAAA',
    kind: 'dsc',
    kid: 'AAAAAAAAAAA=',
    certificate: 'MA==',
    status: 'active',
    createdAt: 1,
    secret: 'dsc-aaaa-1',
  });
  await store.close();
  await expect(openLocalApp(old)).rejects.toThrow(/earlier version.*new data folder/);
});
