/**
 * What one certificate costs the store: every call a new certificate and a repeat request make,
 * counted through the wiring `npm start` runs (openLocalApp → createApp on the SQLite store, the
 * gateway asking the operator directory as node/start.ts wires it, HTTP on 127.0.0.1). A count is
 * behaviour, not a timing: a change that adds a store call to the hottest request shows here, and
 * whoever makes it updates the table below on purpose. Nothing in the app is replaced; the store's
 * methods are only observed.
 */
import { DEMO_CITIZENS } from '../../demo/citizens';
import { DEMO_DOCUMENTS } from '../../demo/documents';
import { demoTravellerFlow, seedDemo } from '../../demo/seed';
import type { App } from '../../server/app';
import { functionsFor } from '../../server/functions/definitions';
import { createGateway, LOCAL_OPENID_HEADER } from '../../server/gateway';
import type { Store, TxOps } from '../../server/store/store';
import { call, ok, openApp } from '../partners/helpers';

const STORE_METHODS = ['get', 'find', 'count', 'insert', 'put', 'update', 'delete'] as const;

/** Every store call while `on`, as "method collection" (inside a transaction "tx.method collection"). */
function observe(store: Store): { calls: string[]; on: boolean } {
  const seen = { calls: [] as string[], on: false };
  const s = store as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
  for (const m of STORE_METHODS) {
    const real = s[m].bind(store);
    s[m] = (coll: unknown, ...rest: unknown[]) => {
      if (seen.on) seen.calls.push(`${m} ${String(coll)}`);
      return real(coll, ...rest);
    };
  }
  const transaction = store.transaction.bind(store);
  store.transaction = <T>(fn: (tx: TxOps) => Promise<T>): Promise<T> => {
    if (seen.on) seen.calls.push('transaction');
    return transaction((tx) => {
      const counted = Object.fromEntries(
        STORE_METHODS.filter((m) => m in tx).map((m) => [
          m,
          (coll: unknown, ...rest: unknown[]) => {
            if (seen.on) seen.calls.push(`tx.${m} ${String(coll)}`);
            return (tx as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[m](coll, ...rest);
          },
        ]),
      ) as unknown as TxOps;
      return fn(counted);
    });
  };
  return seen;
}

/** Identity and passport for a demo citizen through the functions, without issuing. */
async function enrol(app: App, openid: string, index: number): Promise<void> {
  const c = DEMO_CITIZENS[index];
  const today = new Date(app.clock.now()).toISOString().slice(0, 10);
  const doc = DEMO_DOCUMENTS.find((d) => d.holderIdNumber === c.idNumber && d.status === 'valid' && d.expiresOn > today)!;
  const person = { name: c.name, idNumber: c.idNumber };
  const session = await ok<{ faceToken: string }>(call(app, 'identity', openid, { action: 'beginFaceCheck', ...person }));
  await ok(call(app, 'identity', openid, { action: 'verify', ...person, faceToken: session.faceToken }));
  await ok(call(app, 'document', openid, { action: 'bind', type: doc.type, number: doc.number, expiry: doc.expiresOn, mrz: doc.mrz }));
}

/** Calls grouped and counted, in a stable order. */
function tally(calls: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of [...calls].sort()) out[c] = (out[c] ?? 0) + 1;
  return out;
}

const reads = (calls: readonly string[]) => calls.filter((c) => /^(tx\.)?(get|find|count) /.test(c)).length;

test('a new certificate and a repeat request cost the store what the table says, through the gateway', async () => {
  const { app } = await openApp('store-calls');
  await seedDemo(app);
  // Another traveller first, so that what a process reads once (its keys) is read before counting.
  await demoTravellerFlow(app, 'warm-up', 1);
  const openid = 'counted';
  await enrol(app, openid, 0);
  const gw = createGateway({ functions: functionsFor(app), localMode: true, operators: { has: (o) => app.operators.isOperator(o) } });
  const base = await gw.listen(0);
  const seen = observe(app.store);
  const issue = async (): Promise<{ id: string; issuedAt: number }> => {
    seen.calls = [];
    seen.on = true;
    const res = await fetch(`${base}/functions/certificate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [LOCAL_OPENID_HEADER]: openid },
      body: JSON.stringify({ action: 'issue' }),
    });
    seen.on = false;
    const body = (await res.json()) as { ok: boolean; data: { id: string; issuedAt: number } };
    expect(body.ok).toBe(true);
    return body.data;
  };
  try {
    const first = await issue();
    const fresh = seen.calls;
    const again = await issue();
    const repeat = seen.calls;
    // The repeat request handed out the stored certificate: nothing was signed or written.
    expect(again).toEqual(first);

    // The demo traveller: 4 records (2 vaccinations, a NAAT, an IgG test) from 3 sources.
    expect(tally(fresh)).toEqual({
      'find certificates': 1, // the person's latest, for `replaces`
      'find records': 1,
      'find recordLinks': 1, // every record's blocks, before signing
      'find sources': 1, // the records' sources, named in what it signs
      'get certificates': 1, // the id's certificate
      'get documentRegistry': 1,
      'get documents': 1,
      'get holds': 1,
      'get revocations': 1,
      'get users': 1,
      transaction: 1,
      'tx.get certificates': 1,
      'tx.get holds': 1,
      'tx.get records': 4, // each record still the version signed
      'tx.get recordLinks': 4,
      'tx.insert audit': 1,
      'tx.put certificates': 1,
      'tx.put recordLinks': 4,
    });
    // The sources are read only to build a certificate's contents: a repeat request builds none.
    expect(tally(repeat)).toEqual({
      'find records': 1,
      'find recordLinks': 1,
      'get certificates': 1,
      'get documentRegistry': 1,
      'get documents': 1,
      'get holds': 1,
      'get users': 1,
    });
    expect([reads(fresh), reads(repeat)]).toEqual([20, 7]);
  } finally {
    await gw.close();
  }
});
