/**
 * A correction and the revocation it causes are one write: whatever crashes or runs at the same
 * time, a stored correction never leaves a certificate carrying the replaced version valid.
 *
 * - A crash at any write of the correction's transaction (simulated by a store that fails that
 *   write, as a lost connection or a killed process would) leaves everything as it was: the old
 *   record, the certificate valid, no revocation, no nonce; the lab's re-send then does it all.
 * - Issuance and corrections at the same time, repeated, through the gateway (HTTP), on the SQLite
 *   file and on the CloudBase adapter (over its in-memory stand-in, which re-runs conflicting
 *   transactions as CloudBase does): after every round, each valid certificate carries only the
 *   records' current versions.
 */
import { join } from 'node:path';
import { validateDccSchema } from '../../core/dcc-schema';
import { verifyCode } from '../../core/hcert';
import { KeyStore } from '../../core/keys';
import { verifyTrustList } from '../../core/trustlist';
import { nodeCrypto } from '../../node/crypto-node';
import { openLocalApp } from '../../node/local';
import { seedDemo } from '../../demo/seed';
import { createApp, type App } from '../../server/app';
import { systemClock } from '../../server/clock';
import { DEMO_CITIZENS } from '../../demo/citizens';
import { WrappedKeyring } from '../../server/ingest/signature';
import type { CertificateDoc } from '../../server/issuance/service';
import { loadLocalCa } from '../../server/keys/local';
import type { SecretStore } from '../../server/keys/secrets';
import { recordVersion } from '../../server/records/version';
import { DEMO_SOURCE_IDS } from '../../demo/records';
import { cloudbaseStore } from '../../server/store/cloudbase';
import { createCloudBaseStandIn } from '../support/cloudbase-standin';
import type { CollectionName, Store, TxOps } from '../../server/store/store';
import { callFn, httpGet, naatRecord, ok, postIngest, serve, signedIngest, tempDir, verifyAndBind, type Served } from '../e2e/helpers';

const LAB = DEMO_SOURCE_IDS.naatLab;
const TRAVELLER = DEMO_CITIZENS[0];
const HOUR = 3_600_000;

interface Bench {
  app: App;
  server: Served;
  labKey: Uint8Array;
  close(): Promise<void>;
}

async function benchOn(app: App): Promise<Bench> {
  await seedDemo(app);
  const server = await serve(app);
  const labKey = await new WrappedKeyring(app.vault).keyFor(LAB);
  if (!labKey) throw new Error('the demo lab has no key');
  return {
    app,
    server,
    labKey,
    close: async () => {
      await server.close();
      await app.store.close();
    },
  };
}

async function sqliteBench(label: string): Promise<Bench> {
  return benchOn(await openLocalApp(join(tempDir(label), 'data')));
}

class MemorySecrets implements SecretStore {
  private readonly m = new Map<string, string>();
  async get(name: string) {
    return this.m.get(name);
  }
  async put(name: string, value: string) {
    this.m.set(name, value);
  }
}

/** createApp on the CloudBase adapter over its stand-in, with a CSCA at hand as the local app has. */
async function cloudBench(): Promise<Bench> {
  const store = cloudbaseStore(createCloudBaseStandIn({ throwOnNotFound: false }));
  const secrets = new MemorySecrets();
  const localCa = await loadLocalCa(secrets, { country: 'CN', organisation: 'ITHC', clock: systemClock });
  return benchOn(await createApp({ store, secrets, clock: systemClock, localCa }));
}

async function ingest(b: Bench, records: unknown[]) {
  return postIngest(b.server.base, signedIngest(LAB, b.labKey, { records }));
}

/** Core's verdicts of every code of a certificate against the signed trust list the gateway publishes now. */
async function validity(b: Bench, v: { codes: { ithc: string; dcc: Array<{ code: string }> } }): Promise<boolean[]> {
  const envelope = (await httpGet(`${b.server.base}/trustlist/signed`)).body;
  const now = Math.floor(Date.now() / 1000);
  const list = await verifyTrustList(envelope, { cscas: [await b.app.keys.cscaCertificate()], now, crypto: nodeCrypto });
  const keys = new KeyStore(list.keys);
  const out: boolean[] = [];
  for (const code of [v.codes.ithc, ...v.codes.dcc.map((d) => d.code)])
    out.push((await verifyCode(code, { keys, now, crypto: nodeCrypto, validateDccSchema, revocation: list.revocation })).valid);
  return out;
}

/** Every valid certificate of the person carries only the records' current, unwithdrawn versions. */
async function staleCertificates(app: App, personId: string): Promise<string[]> {
  const stale: string[] = [];
  for (const c of (await app.store.find('certificates', { personId, status: 'valid' }, { limit: 1000 })) as CertificateDoc[]) {
    for (const r of c.records ?? []) {
      const stored = await app.store.get('records', r.id);
      if (!stored || stored.withdrawnAt !== undefined || recordVersion(stored) !== r.version) stale.push(`${c.uci} carries ${r.id}@${r.version}`);
    }
  }
  return stale;
}

/**
 * Makes the store's transactions fail at the first `op` on `coll`, as a crash there would: the
 * transaction never commits. Returns the function that ends the fault.
 */
function crashAt(store: Store, op: keyof TxOps, coll: CollectionName): () => void {
  const original = store.transaction;
  store.transaction = <T>(fn: (tx: TxOps) => Promise<T>) =>
    original.call(store, (tx: TxOps) =>
      fn({
        ...tx,
        get: tx.get.bind(tx),
        insert: tx.insert.bind(tx),
        put: tx.put.bind(tx),
        update: tx.update.bind(tx),
        delete: tx.delete.bind(tx),
        [op]: (c: CollectionName, ...rest: unknown[]) => {
          if (c === coll) throw new Error(`simulated crash at ${op} ${coll}`);
          return (tx[op] as (...a: unknown[]) => Promise<unknown>).call(tx, c, ...rest);
        },
      }),
    ) as Promise<T>;
  return () => {
    store.transaction = original;
  };
}

async function everything(app: App): Promise<string> {
  const out: Record<string, unknown> = {};
  for (const c of ['records', 'certificates', 'revocations', 'recordLinks', 'ingestNonces', 'audit'] as const)
    out[c] = await app.store.find(c, {}, { orderBy: { field: '_id', direction: 'asc' }, limit: 1000 });
  return JSON.stringify(out);
}

test('a crash at any write of a correction leaves everything as it was; the re-send then stores it and revokes', async () => {
  const b = await sqliteBench('atomic-crash');
  try {
    const openid = 'atomic-crash-traveller';
    await verifyAndBind(b.server.base, openid, TRAVELLER);
    const record = naatRecord(TRAVELLER, 'ATOMIC-CRASH-1', Date.now() - HOUR);
    expect((await ingest(b, [record])).body.data).toMatchObject({ accepted: 1 });
    const cert = await ok(callFn(b.server.base, 'certificate', openid, { action: 'issue' }));
    const corrected = { ...record, result: '260373001' };

    const points: Array<[keyof TxOps, CollectionName]> = [
      ['update', 'certificates'],
      ['insert', 'revocations'],
      ['insert', 'audit'],
      ['put', 'recordLinks'],
      ['put', 'records'],
      ['insert', 'ingestNonces'],
    ];
    for (const [op, coll] of points) {
      const before = await everything(b.app);
      const end = crashAt(b.app.store, op, coll);
      try {
        const r = await ingest(b, [corrected]);
        expect({ at: `${op} ${coll}`, status: r.status, code: r.body?.error?.code }).toEqual({ at: `${op} ${coll}`, status: 500, code: 'INTERNAL' });
      } finally {
        end();
      }
      expect(await everything(b.app)).toBe(before);
      expect(await validity(b, cert)).toEqual(cert.codes.dcc.map(() => true).concat(true));
    }

    expect((await ingest(b, [corrected])).body.data).toMatchObject({ updated: 1, rejected: [] });
    expect(await validity(b, cert)).toEqual(cert.codes.dcc.map(() => false).concat(false));
    expect(await staleCertificates(b.app, b.app.personIds.personId(TRAVELLER.idNumber))).toEqual([]);
  } finally {
    await b.close();
  }
}, 120_000);

describe.each([
  ['SQLite', () => sqliteBench('atomic-race')],
  ['the CloudBase adapter', cloudBench],
])('issuance and corrections at the same time, on %s', (_name, open) => {
  test('after every round no valid certificate carries a replaced version, and corrections did revoke', async () => {
    const b = await open();
    try {
      const openid = 'atomic-race-traveller';
      const personId = b.app.personIds.personId(TRAVELLER.idNumber);
      await verifyAndBind(b.server.base, openid, TRAVELLER);
      const record = naatRecord(TRAVELLER, 'ATOMIC-RACE-1', Date.now() - HOUR);
      await ingest(b, [record]);
      await ok(callFn(b.server.base, 'certificate', openid, { action: 'issue' }));
      for (let round = 0; round < 12; round++) {
        const changed = { ...record, centre: `北京市朝阳区疾病预防控制中心核酸检测实验室（第 ${round + 1} 次复核）` };
        const replies = await Promise.all([
          callFn(b.server.base, 'certificate', openid, { action: 'issue' }),
          ingest(b, [changed]),
          callFn(b.server.base, 'certificate', openid, { action: 'get' }),
          callFn(b.server.base, 'certificate', openid, { action: 'issue' }),
        ]);
        // Each call either succeeds or is told to try again; the correction always lands.
        for (const r of replies) expect(r.status === 200 || r.body?.error?.code === 'CONFLICT').toBe(true);
        expect(replies[1].body.data).toMatchObject({ updated: 1, rejected: [] });
        expect(await staleCertificates(b.app, personId)).toEqual([]);
      }
      const revoked = await b.app.store.find('revocations', { personId }, { limit: 1000 });
      expect(revoked.filter((r) => r.reasonCode === 'RECORD_CORRECTED').length).toBeGreaterThan(0);
      // And the holder ends with a valid certificate of the current records.
      const last = await ok(callFn(b.server.base, 'certificate', openid, { action: 'issue' }));
      expect(await validity(b, last)).toEqual(last.codes.dcc.map(() => true).concat(true));
    } finally {
      await b.close();
    }
  }, 180_000);
});
