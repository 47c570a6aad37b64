import { randomBytes } from 'node:crypto';
import { countAttempt, pruneAttempts } from '../../server/identity/attempts';
import { PersonIds, loadPersonIdKey, userIdFor } from '../../server/identity/person-id';
import { buildResidentId } from '../../demo/citizens';
import { KeyVault, newKekText, parseKek } from '../../server/keys/vault';
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

  test('loadPersonIdKey makes the key once, stores it only wrapped, and every instance starting at once gets the same key', async () => {
    const store = await openTestStore();
    const vault = () => new KeyVault(store, { current: parseKek(newKekText(), 'KEK') }, { now: () => T0 });
    const ring = { current: parseKek(newKekText(), 'KEK') };
    const instances = [0, 1, 2, 3].map(() => new KeyVault(store, ring, { now: () => T0 }));
    const keys = await Promise.all(instances.map((v) => loadPersonIdKey(v, (n) => new Uint8Array(randomBytes(n)))));
    expect(keys[0]).toHaveLength(32);
    for (const k of keys) expect(Buffer.from(k).equals(Buffer.from(keys[0]))).toBe(true);
    const again = await loadPersonIdKey(instances[0], () => {
      throw new Error('must not generate a second key');
    });
    expect(Buffer.from(again).equals(Buffer.from(keys[0]))).toBe(true);
    const stored = JSON.stringify(await store.find('keys', {}));
    expect(stored).not.toContain(Buffer.from(keys[0]).toString('hex'));
    expect(stored).not.toContain(Buffer.from(keys[0]).toString('base64'));
    // Under another KEK the stored key does not open: it is not silently replaced by a new one.
    await expect(loadPersonIdKey(vault(), (n) => new Uint8Array(randomBytes(n)))).rejects.toThrow(/does not open|neither/);
  });
});
