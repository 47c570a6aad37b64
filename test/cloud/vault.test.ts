/**
 * Wrapped keys (server/keys/vault.ts): AES-256-GCM under the KEK, bound to their slot; the KEK
 * from read-only environment secrets (or made once in a local data folder); KEK rotation by
 * re-wrapping that survives a crash half-way and completes when run again. On the CloudBase store
 * stand-in, as production stores them.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../server/clock';
import { EnvSecretStore, FileSecretStore } from '../../server/keys/secrets';
import { KeyVault, KekError, UnwrapError, loadKekRing, newKekText, parseKek, wrappedKeyDocId, type KekRing, type WrappedKeyDoc } from '../../server/keys/vault';
import { cloudbaseStore } from '../../server/store/cloudbase';
import { createCloudBaseStandIn, type CloudBaseStandIn } from '../support/cloudbase-standin';
import type { Store, TxOps } from '../../server/store/store';

const clock = new ManualClock(Date.UTC(2026, 0, 1));
const bytes = (n: number) => new Uint8Array(randomBytes(n));

function fresh(): { db: CloudBaseStandIn; store: Store } {
  const db = createCloudBaseStandIn({ throwOnNotFound: false });
  return { db, store: cloudbaseStore(db) };
}

const ring = (...keks: string[]): KekRing => ({ current: parseKek(keks[0], 'KEK'), ...(keks[1] ? { previous: parseKek(keks[1], 'previous KEK') } : {}) });

async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a failure');
}

describe('wrapping', () => {
  test('a key goes in wrapped under the current KEK and comes out whole; the stored record holds no copy of it', async () => {
    const { db, store } = fresh();
    const vault = new KeyVault(store, ring(newKekText()), clock);
    const key = bytes(32);
    expect(await vault.create('person-id', 'v1', key)).toBe(true);
    expect(await vault.unwrap('person-id', 'v1')).toEqual(key);
    expect(await vault.unwrap('person-id', 'v2')).toBeNull();
    const [doc] = db.dump('keys') as WrappedKeyDoc[];
    expect(doc).toMatchObject({ _id: 'wrapped:person-id:v1', kind: 'wrapped', purpose: 'person-id', keyId: 'v1', kekId: vault.kekId, alg: 'A256GCM' });
    const text = JSON.stringify(doc);
    for (const form of ['hex', 'base64', 'base64url'] as const) expect(text).not.toContain(Buffer.from(key).toString(form));
    // A slot is made once: a second create changes nothing.
    expect(await vault.create('person-id', 'v1', bytes(32))).toBe(false);
    expect(await vault.unwrap('person-id', 'v1')).toEqual(key);
  });

  test('a wrapped key moved into another slot, relabelled, or altered does not open; nor under a KEK not given', async () => {
    const { db, store } = fresh();
    const kek = newKekText();
    const vault = new KeyVault(store, ring(kek), clock);
    await vault.create('ingest-hmac', 'lab-a', bytes(32));
    await vault.create('dsc', 'aaaa', bytes(138));
    const lab = (db.dump('keys') as WrappedKeyDoc[]).find((d) => d.keyId === 'lab-a')!;
    const { _id: _ignored, ...fields } = lab;
    // Copied as it is into the DSC's slot.
    await store.put('keys', { ...fields, _id: wrappedKeyDocId('dsc', 'aaaa') });
    expect(await failure(vault.unwrap('dsc', 'aaaa'))).toBeInstanceOf(UnwrapError);
    // Relabelled to look like the slot's own: the additional data still binds it to lab-a.
    await store.put('keys', { ...fields, _id: wrappedKeyDocId('dsc', 'aaaa'), purpose: 'dsc', keyId: 'aaaa' });
    const moved = await failure(vault.unwrap('dsc', 'aaaa'));
    expect(moved).toBeInstanceOf(UnwrapError);
    expect(moved.message).toMatch(/altered or moved/);
    // Into another source's slot of the same purpose.
    await store.put('keys', { ...fields, _id: wrappedKeyDocId('ingest-hmac', 'lab-b'), keyId: 'lab-b' });
    expect(await failure(vault.unwrap('ingest-hmac', 'lab-b'))).toBeInstanceOf(UnwrapError);
    // One bit of the ciphertext changed.
    const ct = Buffer.from(lab.ciphertext, 'base64');
    ct[3] ^= 1;
    await store.put('keys', { ...lab, ciphertext: ct.toString('base64') });
    expect(await failure(vault.unwrap('ingest-hmac', 'lab-a'))).toBeInstanceOf(UnwrapError);
    // Another KEK: the message names both KEK ids, never a key.
    const other = new KeyVault(store, ring(newKekText()), clock);
    await other.create('person-id', 'v1', bytes(32));
    const foreign = await failure(vault.unwrap('person-id', 'v1'));
    expect(foreign.message).toContain(other.kekId);
    expect(foreign.message).toContain(vault.kekId);
  });

  test('instances starting at once agree on one key (getOrCreate)', async () => {
    const { store } = fresh();
    const r = ring(newKekText());
    const keys = await Promise.all([1, 2, 3, 4, 5].map(() => new KeyVault(store, r, clock).getOrCreate('person-id', 'v1', () => bytes(32))));
    for (const k of keys) expect(k).toEqual(keys[0]);
  });

  test('misuse throws: unknown purposes, bad ids, empty or oversized keys', async () => {
    const vault = new KeyVault(fresh().store, ring(newKekText()), clock);
    await expect(vault.create('csca' as never, 'x', bytes(32))).rejects.toThrow(TypeError);
    await expect(vault.create('dsc', '../x', bytes(32))).rejects.toThrow(TypeError);
    await expect(vault.create('dsc', 'x', new Uint8Array(0))).rejects.toThrow(RangeError);
    await expect(vault.create('dsc', 'x', bytes(5000))).rejects.toThrow(RangeError);
  });
});

describe('the KEK', () => {
  test('production reads it from the environment and nothing else; a missing or malformed one names the variable', async () => {
    const kek = newKekText();
    const r = await loadKekRing(new EnvSecretStore({ ITHC_SECRET_KEK: kek }));
    expect(r.current.id).toBe(parseKek(kek, 'x').id);
    expect(r.previous).toBeUndefined();
    const missing = await failure(loadKekRing(new EnvSecretStore({})));
    expect(missing).toBeInstanceOf(KekError);
    expect(missing.message).toContain('ITHC_SECRET_KEK');
    // Even asked to make one, an environment cannot be written.
    expect((await failure(loadKekRing(new EnvSecretStore({}), { generate: true }))).message).toMatch(/read-only/);
    expect((await failure(loadKekRing(new EnvSecretStore({ ITHC_SECRET_KEK: 'not base64!' })))).message).toMatch(/ITHC_SECRET_KEK is not base64/);
    const shortKek = Buffer.from(bytes(16)).toString('base64');
    const short = await failure(loadKekRing(new EnvSecretStore({ ITHC_SECRET_KEK: shortKek })));
    expect(short.message).toMatch(/32 bytes/);
    expect(short.message).not.toContain(shortKek);
    // During a rotation both are known; the previous one equal to the current one is no rotation.
    const prev = newKekText();
    expect((await loadKekRing(new EnvSecretStore({ ITHC_SECRET_KEK: kek, ITHC_SECRET_KEK_PREVIOUS: prev }))).previous?.id).toBe(parseKek(prev, 'x').id);
    expect((await loadKekRing(new EnvSecretStore({ ITHC_SECRET_KEK: kek, ITHC_SECRET_KEK_PREVIOUS: kek }))).previous).toBeUndefined();
  });

  test('a local data folder makes it once, owner-only; processes starting at once get the same one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ithc-kek-'));
    try {
      const rings = await Promise.all([1, 2, 3].map(() => loadKekRing(new FileSecretStore(join(dir, 'secrets')), { generate: true })));
      for (const r of rings) expect(r.current.id).toBe(rings[0].current.id);
      expect(statSync(join(dir, 'secrets', 'kek')).mode & 0o777).toBe(0o600);
      expect(statSync(join(dir, 'secrets')).mode & 0o777).toBe(0o700);
      expect((await loadKekRing(new FileSecretStore(join(dir, 'secrets')))).current.id).toBe(rings[0].current.id);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('KEK rotation by re-wrapping', () => {
  async function populated(store: Store, kek: string): Promise<Map<string, Uint8Array>> {
    const vault = new KeyVault(store, ring(kek), clock);
    const keys = new Map<string, Uint8Array>();
    for (const [purpose, id, n] of [
      ['person-id', 'v1', 32],
      ['dsc', 'd1', 138],
      ['trustlist-signer', 't1', 138],
      ['ingest-hmac', 'lab-a', 32],
      ['ingest-hmac', 'lab-b', 32],
    ] as const) {
      const k = bytes(n);
      await vault.create(purpose, id, k);
      keys.set(`${purpose}/${id}`, k);
    }
    return keys;
  }

  async function opensAll(vault: KeyVault, keys: Map<string, Uint8Array>): Promise<void> {
    for (const [slot, k] of keys) {
      const [purpose, id] = slot.split('/');
      expect(await vault.unwrap(purpose as never, id)).toEqual(k);
    }
  }

  test('moves every key to the new KEK; a second run changes nothing; afterwards the old KEK opens none', async () => {
    const { db, store } = fresh();
    const [k1, k2] = [newKekText(), newKekText()];
    const keys = await populated(store, k1);
    const rotating = new KeyVault(store, ring(k2, k1), clock);
    const report = await rotating.rewrap();
    expect(report).toEqual({ kek: rotating.kekId, total: 5, rewrapped: 5, unreadable: [] });
    expect((await rotating.census()).byKek).toEqual({ [rotating.kekId]: 5 });
    expect((await rotating.rewrap()).rewrapped).toBe(0);
    await opensAll(new KeyVault(store, ring(k2), clock), keys);
    expect(await failure(new KeyVault(store, ring(k1), clock).unwrap('person-id', 'v1'))).toBeInstanceOf(UnwrapError);
    expect((db.dump('keys') as WrappedKeyDoc[]).every((d) => d.kekId === rotating.kekId)).toBe(true);
  });

  test('a crash half-way leaves every key readable with both KEKs, and running it again completes the rotation', async () => {
    const { store } = fresh();
    const [k1, k2] = [newKekText(), newKekText()];
    const keys = await populated(store, k1);
    // The process dies after two documents were re-wrapped.
    let commits = 0;
    const dying: Store = Object.create(store, {
      transaction: {
        value: <T>(fn: (tx: TxOps) => Promise<T>) => {
          if (commits === 2) throw new Error('process killed');
          return store.transaction(fn).then((v) => {
            commits++;
            return v;
          });
        },
      },
    });
    await expect(new KeyVault(dying, ring(k2, k1), clock).rewrap()).rejects.toThrow('process killed');
    const both = new KeyVault(store, ring(k2, k1), clock);
    await opensAll(both, keys);
    expect(Object.values((await both.census()).byKek).sort()).toEqual([2, 3]);
    const report = await both.rewrap();
    expect(report.rewrapped).toBe(3);
    await opensAll(new KeyVault(store, ring(k2), clock), keys);
  });

  test('keys under a KEK not given are reported, not lost, and the rotation is not called complete', async () => {
    const { store } = fresh();
    const [k1, k2, k3] = [newKekText(), newKekText(), newKekText()];
    await populated(store, k1);
    const report = await new KeyVault(store, ring(k3, k2), clock).rewrap();
    expect(report.rewrapped).toBe(0);
    expect(report.unreadable).toHaveLength(5);
    expect(await new KeyVault(store, ring(k1), clock).unwrap('person-id', 'v1')).toHaveLength(32);
  });
});
