import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { countAttempt, pruneAttempts } from '../../server/identity/attempts';
import { PersonIds, loadPersonIdKey, userIdFor, PERSON_ID_KEY_SECRET } from '../../server/identity/person-id';
import { buildResidentId } from '../../server/identity/demo-citizens';
import { FileSecretStore } from '../../server/keys/secrets';
import { openTestStore } from './test-store';

const T0 = Date.UTC(2026, 5, 1, 2, 0, 0);

test('pruneAttempts removes closed windows only', async () => {
  const store = await openTestStore();
  const hour = { max: 5, windowSeconds: 3600 };
  await store.transaction((tx) => countAttempt(tx, [{ id: 'a:old', limit: hour }], T0, 'test'));
  await store.transaction((tx) => countAttempt(tx, [{ id: 'a:new', limit: hour }], T0 + 1800_000, 'test'));
  expect(await pruneAttempts(store, T0 + 3600_000 - 1)).toBe(0);
  expect(await pruneAttempts(store, T0 + 3600_000 + 1)).toBe(1);
  expect((await store.find('attempts', {})).map((d) => d._id)).toEqual(['a:new']);
  expect(await pruneAttempts(store, T0 + 3600_000 + 1)).toBe(0);
});

describe('person and user ids', () => {
  const id = buildResidentId('110105', '1988-05-12', 31);

  test('personId is keyed: the same number gives the same id under one key and another under another key', () => {
    const k = randomBytes(32);
    expect(new PersonIds(k).personId(id)).toBe(new PersonIds(Uint8Array.from(k)).personId(id));
    expect(new PersonIds(randomBytes(32)).personId(id)).not.toBe(new PersonIds(k).personId(id));
    expect(new PersonIds(k).personId(id)).toMatch(/^p[0-9a-f]{32}$/);
    expect(new PersonIds(k).personId(id)).not.toContain(id.slice(6, 14));
  });

  test('userIdFor is stable and does not contain the openid', () => {
    expect(userIdFor('oABC123')).toBe(userIdFor('oABC123'));
    expect(userIdFor('oABC123')).not.toBe(userIdFor('oABC124'));
    expect(userIdFor('oABC123')).toMatch(/^u[0-9a-f]{32}$/);
  });

  test('misuse throws TypeError', () => {
    expect(() => new PersonIds(new Uint8Array(16))).toThrow(TypeError);
    expect(() => new PersonIds(randomBytes(32)).personId('11010519880512031')).toThrow(TypeError);
    expect(() => userIdFor('')).toThrow(TypeError);
  });

  test('loadPersonIdKey creates the key once, owner-only, and reads it back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ithc-person-key-'));
    try {
      const secrets = new FileSecretStore(join(dir, 'secrets'));
      const k1 = await loadPersonIdKey(secrets, (n) => new Uint8Array(randomBytes(n)));
      const k2 = await loadPersonIdKey(secrets, () => {
        throw new Error('must not generate a second key');
      });
      expect(k1).toHaveLength(32);
      expect(Buffer.from(k2).equals(Buffer.from(k1))).toBe(true);
      expect(statSync(join(dir, 'secrets', PERSON_ID_KEY_SECRET)).mode & 0o777).toBe(0o600);
      await secrets.put(PERSON_ID_KEY_SECRET, 'abcd');
      await expect(loadPersonIdKey(secrets, (n) => new Uint8Array(randomBytes(n)))).rejects.toThrow(/64 hex digits/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
