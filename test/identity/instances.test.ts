/**
 * Two instances of the app on one store, as the local server's serving processes are
 * (node/start.ts): the face-check stand-in's token key is the store's (kept in the vault), so a
 * face check begun on one instance is accepted by the other; a token made under another key is not.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { call } from '../../node/local';
import { seedDemo } from '../../demo/seed';
import { DEMO_CITIZENS } from '../../demo/citizens';
import { createApp, type App } from '../../server/app';
import { systemClock } from '../../server/clock';
import { LocalFaceCheckStandIn } from '../../server/identity/local';
import { FileSecretStore } from '../../server/keys/secrets';
import { openSqliteStore } from '../../server/store/sqlite';
import type { Store } from '../../server/store/store';

let dir: string;
let store: Store;
let apps: App[];
/** One person per account: each case verifies a demo citizen of its own. */
const person = (i: number) => ({ name: DEMO_CITIZENS[i].name, idNumber: DEMO_CITIZENS[i].idNumber });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ithc-instances-'));
  store = openSqliteStore(join(dir, 'ithc.sqlite'));
  const secrets = new FileSecretStore(join(dir, 'secrets'));
  apps = [await createApp({ store, secrets, clock: systemClock })];
  await seedDemo(apps[0]);
  apps.push(await createApp({ store, secrets, clock: systemClock }));
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a face check begun on one instance is accepted by the other, both ways', async () => {
  for (const [first, second, openid, citizen] of [
    [0, 1, 'instances-a', 2],
    [1, 0, 'instances-b', 3],
  ] as const) {
    const begun = await call(apps[first], 'identity', openid, { action: 'beginFaceCheck', ...person(citizen) });
    if (!begun.ok) throw new Error(begun.error.code);
    const verified = await call(apps[second], 'identity', openid, {
      action: 'verify',
      ...person(citizen),
      faceToken: (begun.data as { faceToken: string }).faceToken,
    });
    expect({ openid, ok: verified.ok }).toEqual({ openid, ok: true });
  }
  expect((await store.find('keys', { kind: 'wrapped' }, { limit: 100 })).map((k) => k._id)).toContain('wrapped:face-check-stand-in:local');
});

test("a token made under a key that is not the store's is refused", async () => {
  const openid = 'instances-c';
  const forged = new LocalFaceCheckStandIn(systemClock).issue(openid, person(4).name, person(4).idNumber).token;
  const r = await call(apps[1], 'identity', openid, { action: 'verify', ...person(4), faceToken: forged });
  expect(r.ok ? 'accepted' : r.error.code).toBe('FACE_TOKEN_INVALID');
});
