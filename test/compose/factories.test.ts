/**
 * The per-service factories (server/compose/) over the cloud's platform as the functions make it
 * (server/cloud/compose/base.ts cloudPlatform), on the CloudBase store's stand-in: one service per
 * platform however often and however concurrently it is asked for; a factory that failed is tried
 * again; and a service that needs no key is made without the KEK, so the functions serving only
 * such services start without it.
 */
import { systemClock } from '../../server/clock';
import { cloudPlatform } from '../../server/cloud/compose/base';
import { composeDocument } from '../../server/cloud/compose/document';
import { composePartners } from '../../server/cloud/compose/partners';
import type { CloudBase } from '../../server/cloud/entry';
import { documentsOf } from '../../server/compose/documents';
import { identityOf } from '../../server/compose/identity';
import { keysOf } from '../../server/compose/keys';
import { personIdsOf } from '../../server/compose/person-ids';
import { relativesOf } from '../../server/compose/relatives';
import { vaultOf } from '../../server/compose/vault';
import { PersonIds } from '../../server/identity/person-id';
import { EnvSecretStore } from '../../server/keys/secrets';
import { cloudbaseStore } from '../../server/store/cloudbase';
import { createCloudBaseStandIn } from '../support/cloudbase-standin';
import { kekEnvironment } from '../cloud/operator';

const unused = () => Promise.reject(new Error('no cloud storage in this test'));

function baseWith(env: Record<string, string | undefined>): CloudBase {
  const store = cloudbaseStore(createCloudBaseStandIn({ throwOnNotFound: false }));
  return { store, secrets: new EnvSecretStore(env), clock: systemClock, env, sdk: { uploadFile: unused, getTempFileURL: unused }, operators: ['operator'] };
}

test('a service is made once per platform, however often and however concurrently it is asked for', async () => {
  const base = baseWith(kekEnvironment());
  const p = cloudPlatform(base);
  const [a, b] = await Promise.all([relativesOf(p), relativesOf(p)]);
  expect(a).toBe(b);
  expect(await relativesOf(p)).toBe(a);
  const [vault, keys, identity] = await Promise.all([vaultOf(p), keysOf(p), identityOf(p)]);
  expect(await vaultOf(p)).toBe(vault);
  expect(await keysOf(p)).toBe(keys);
  expect(await identityOf(p)).toBe(identity);
  // Another platform (another function's composition) has services of its own.
  const other = cloudPlatform(base);
  expect(await relativesOf(other)).not.toBe(a);
  expect(await vaultOf(other)).not.toBe(vault);
});

test('a factory that failed is tried again on the next call, and what depends on it with it', async () => {
  const env: Record<string, string | undefined> = {};
  const p = cloudPlatform(baseWith(env));
  await expect(vaultOf(p)).rejects.toThrow(/ITHC_SECRET_KEK/);
  await expect(personIdsOf(p)).rejects.toThrow(/ITHC_SECRET_KEK/);
  await expect(relativesOf(p)).rejects.toThrow(/ITHC_SECRET_KEK/);
  // The operator sets the variable: the same platform now makes them (as the admin function's
  // person services once init has run).
  env.ITHC_SECRET_KEK = kekEnvironment().ITHC_SECRET_KEK;
  expect(await personIdsOf(p)).toBeInstanceOf(PersonIds);
  expect(await relativesOf(p)).toBe(await relativesOf(p));
});

test('services that need no key are made without the KEK: the document and partners functions start without it', async () => {
  const base = baseWith({});
  const p = cloudPlatform(base);
  expect(await documentsOf(p)).toBe(await documentsOf(p));
  await expect(vaultOf(p)).rejects.toThrow(/ITHC_SECRET_KEK/);
  expect(Object.keys((await composeDocument(base)).def!.actions)).toEqual(['bind', 'current']);
  expect(Object.keys((await composePartners(base)).def!.actions)).toEqual(['list', 'get', 'upsert', 'remove']);
});
