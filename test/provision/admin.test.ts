/**
 * Provisioning through the admin function as the cloud composes it (server/cloud/compose/admin.ts)
 * on a CloudBase database stand-in that starts empty, as a fresh environment does (a collection
 * exists only once created), with read-only environment secrets: initialise, the registry imports,
 * ingestion sources and their keys, operators, and operators' signed HTTP calls. The built bundles,
 * the timers and the whole flow: test/cloud/fresh-deployment.test.ts.
 */
import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { toBase64 } from '../../core/bytes';
import { ManualClock } from '../../server/clock';
import { composeAdmin } from '../../server/cloud/compose/admin';
import { composeIngest } from '../../server/cloud/compose/ingest';
import type { CloudBase, ComposedFunction } from '../../server/cloud/entry';
import { DEMO_DOCUMENTS } from '../../demo/documents';
import { DEMO_CITIZENS } from '../../demo/citizens';
import { dispatch, type Envelope } from '../../server/functions/router';
import type { RawRequest } from '../../server/http';
import { decodeSourceKey, signRequest } from '../../server/ingest/signature';
import { EnvSecretStore } from '../../server/keys/secrets';
import { newKekText } from '../../server/keys/vault';
import { cloudbaseCollections } from '../../server/provision/database';
import { DOCUMENT_COLUMNS, IMPORT_BATCH_ROWS } from '../../server/provision/imports';
import { ADMIN_PATH, signOperatorRequest } from '../../server/provision/operator-signing';
import { operatorKeyId } from '../../server/provision/operators';
import { openSecret, type SealedSecret } from '../../server/provision/sealed-secret';
import { cloudbaseStore } from '../../server/store/cloudbase';
import { createCloudBaseStandIn, type CloudBaseStandIn } from '../support/cloudbase-standin';
import { COLLECTIONS } from '../../server/store/store';

const T0 = Date.parse('2026-03-01T02:00:00Z');
const OPERATOR = 'o-admin-1';

function operatorKey(): { privateKey: KeyObject; spki: string; keyId: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const der = new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }));
  return { privateKey, spki: toBase64(der), keyId: operatorKeyId(der) };
}

interface World {
  db: CloudBaseStandIn;
  base: CloudBase;
  clock: ManualClock;
  admin: ComposedFunction;
  env: Record<string, string>;
  key: ReturnType<typeof operatorKey>;
  call(event: Record<string, unknown>, openid?: string): Promise<Envelope>;
  http(
    event: unknown,
    opts?: { key?: ReturnType<typeof operatorKey>; now?: number; nonce?: string; tamper?: (b: Uint8Array) => Uint8Array; method?: string },
  ): Promise<{ status: number; body: any }>;
}

/** `envOperators: false`: a deployment whose environment names no operator (no ITHC_OPERATORS, no ITHC_OPERATOR_KEYS). */
async function world(extraEnv: Record<string, string> = {}, { envOperators = true } = {}): Promise<World> {
  const db = createCloudBaseStandIn({ throwOnNotFound: false, requireCollections: true });
  const key = operatorKey();
  const env = {
    ITHC_SECRET_KEK: newKekText(),
    ITHC_PUBLIC_BASE_URL: 'https://ithc.example.org',
    ...(envOperators ? { ITHC_OPERATORS: OPERATOR, ITHC_OPERATOR_KEYS: key.spki } : {}),
    ...extraEnv,
  };
  const clock = new ManualClock(T0);
  const base: CloudBase = {
    store: cloudbaseStore(db),
    secrets: new EnvSecretStore(env),
    clock,
    env,
    sdk: { uploadFile: async () => ({ fileID: '' }), getTempFileURL: async () => ({ fileList: [] }) },
    operators: envOperators ? [OPERATOR] : [],
    collections: cloudbaseCollections(db),
  };
  const admin = await composeAdmin(base);
  const w: World = {
    db,
    base,
    clock,
    admin,
    env,
    key,
    call: (event, openid = OPERATOR) => dispatch(admin.def!, event, { openid, operator: openid === OPERATOR }),
    async http(event, opts = {}) {
      const k = opts.key ?? key;
      let body: Uint8Array = new TextEncoder().encode(JSON.stringify(event));
      const headers = signOperatorRequest({
        method: 'POST',
        path: ADMIN_PATH,
        body,
        keyId: k.keyId,
        privateKey: k.privateKey,
        now: opts.now ?? clock.now(),
        nonce: opts.nonce,
      });
      if (opts.tamper) body = opts.tamper(body);
      const req: RawRequest = { method: opts.method ?? 'POST', target: ADMIN_PATH, path: ADMIN_PATH, query: new URLSearchParams(), headers, body };
      for (const route of admin.routes) {
        const res = await route(req);
        if (res) return { status: res.status, body: JSON.parse(res.body as string) };
      }
      throw new Error('no route answered /admin');
    },
  };
  return w;
}

async function ok<T = any>(p: Promise<Envelope>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.data as T;
}

/** The collections that exist in the stand-in (a missing one refuses a count). */
async function existing(db: CloudBaseStandIn): Promise<string[]> {
  const out: string[] = [];
  for (const c of COLLECTIONS) {
    try {
      await db.collection(c).count();
      out.push(c);
    } catch {
      // not made
    }
  }
  return out;
}

describe('init', () => {
  test('refuses a bad environment, naming each variable and never its value, and creates nothing', async () => {
    const kek = newKekText();
    const w = await world({ ITHC_SECRET_KEK: kek, ITHC_SECRET_KEK_PREVIOUS: kek, ITHC_PUBLIC_BASE_URL: 'http://127.0.0.1:8787' });
    const r = await w.call({ action: 'init' });
    expect(!r.ok && r.error.code).toBe('VALIDATION_FAILED');
    expect(!r.ok && r.error.fields).toEqual({
      ITHC_SECRET_KEK_PREVIOUS: 'is the same as ITHC_SECRET_KEK',
      ITHC_PUBLIC_BASE_URL: expect.stringMatching(/https/),
    });
    expect(JSON.stringify(r)).not.toContain(kek);
    expect(await existing(w.db)).toEqual([]);
  });

  test('creates every collection once, reports the indexes and permissions it cannot set, and finds documents clients wrote', async () => {
    const w = await world();
    const first = await ok(w.call({ action: 'init' }));
    expect(first.collections.map((c: { name: string; status: string }) => [c.name, c.status])).toEqual(COLLECTIONS.map((c) => [c, 'created']));
    expect(first.collections.find((c: { name: string }) => c.name === 'records').indexes).toEqual([['personId'], ['sourceId', 'sourceRecordId']]);
    expect(first.permissions.commands).toHaveLength(COLLECTIONS.length);
    expect(await existing(w.db)).toEqual([...COLLECTIONS]);
    // A document a mini program wrote (a collection left open to clients) carries its _openid.
    await w.db
      .collection('citizens')
      .doc('110101199003077777')
      .set({ data: { name: '某人', status: 'active', _openid: 'o-client' } });
    const again = await ok(w.call({ action: 'init' }));
    expect(again.collections.every((c: { status: string }) => c.status === 'existed')).toBe(true);
    expect(again.permissions.clientWrittenDocuments).toBe(1);
    expect(again.next[0]).toMatch(/clients wrote 1 document/);
    // Audited, once per run.
    expect((await w.base.store.find('audit', { action: 'deployment.init' })).length).toBe(2);
  });

  test('is for operators only', async () => {
    const w = await world();
    const r = await w.call({ action: 'init' }, 'o-someone');
    expect(!r.ok && r.error.code).toBe('FORBIDDEN');
    expect(await existing(w.db)).toEqual([]);
  });
});

const documentRow = (d: (typeof DEMO_DOCUMENTS)[number], patch: Record<string, string> = {}) => ({
  ...Object.fromEntries(DOCUMENT_COLUMNS.map((c) => [c, String(d[c])])),
  ...patch,
});

describe('registry imports', () => {
  let w: World;
  beforeEach(async () => {
    w = await world();
    await ok(w.call({ action: 'init' }));
  });

  test('valid rows are upserted by number; each bad row is reported by field and not written; a second run changes nothing', async () => {
    const good = DEMO_DOCUMENTS.slice(0, 4).map((d) => documentRow(d));
    const bad = [
      documentRow(DEMO_DOCUMENTS[5], { number: 'X123' }),
      documentRow(DEMO_DOCUMENTS[6], { birthDate: '1901-01-01' }),
      documentRow(DEMO_DOCUMENTS[7], { expiresOn: '2001-02-30' }),
      { ...documentRow(DEMO_DOCUMENTS[8]), colour: 'red' },
      documentRow(DEMO_DOCUMENTS[0]),
    ];
    const report = await ok(w.call({ action: 'importDocuments', rows: [...good, ...bad] }));
    expect(report).toMatchObject({ received: 9, created: 4, updated: 0, unchanged: 0 });
    expect(report.rejected.map((p: { row: number; field: string; code: string }) => [p.row, p.field, p.code])).toEqual([
      [4, 'number', 'INVALID'],
      [5, 'birthDate', 'MISMATCH'],
      [6, 'expiresOn', 'INVALID'],
      [7, 'colour', 'UNKNOWN_FIELD'],
      [8, 'number', 'DUPLICATE'],
    ]);
    const stored = await w.base.store.find('documentRegistry', {}, { limit: 100 });
    expect(stored.map((d) => d._id).sort()).toEqual(good.map((g) => g.number).sort());
    expect(await ok(w.call({ action: 'importDocuments', rows: good }))).toMatchObject({ created: 0, updated: 0, unchanged: 4, rejected: [] });
    // A cancelled passport: an update.
    expect(await ok(w.call({ action: 'importDocuments', rows: [{ ...good[0], status: 'cancelled' }] }))).toMatchObject({ updated: 1 });
    expect(await w.base.store.get('documentRegistry', good[0].number)).toMatchObject({ status: 'cancelled' });
  });

  test('a number never changes holder: such a row is refused', async () => {
    const a = DEMO_DOCUMENTS[0];
    const b = DEMO_DOCUMENTS.find((d) => d.holderIdNumber !== a.holderIdNumber)!;
    await ok(w.call({ action: 'importDocuments', rows: [documentRow(a)] }));
    const moved = documentRow(b, { type: a.type, number: a.number });
    const r = await ok(w.call({ action: 'importDocuments', rows: [moved] }));
    expect(r.rejected).toEqual([expect.objectContaining({ row: 0, field: 'holderIdNumber', code: 'CONFLICT' })]);
    expect(await w.base.store.get('documentRegistry', a.number)).toMatchObject({ holderIdNumber: a.holderIdNumber });
  });

  test('batches are bounded; a refused batch writes nothing', async () => {
    const row = documentRow(DEMO_DOCUMENTS[0]);
    for (const rows of [[], Array(IMPORT_BATCH_ROWS + 1).fill(row), 'rows', [null], [{ ...row, number: 'X1' }, 'a']]) {
      const r = await w.call({ action: 'importDocuments', rows });
      expect([JSON.stringify(rows).slice(0, 20), !r.ok && r.error.code]).toEqual([JSON.stringify(rows).slice(0, 20), 'VALIDATION_FAILED']);
    }
    // Where no row could be imported, the answer says why for each.
    const none = await w.call({ action: 'importDocuments', rows: [{ ...row, number: 'X1' }, 'a'] });
    expect(!none.ok && none.error.fields).toEqual({ 'rows[0].number': expect.stringMatching(/^INVALID: /), 'rows[1]': expect.stringMatching(/^INVALID: /) });
    expect(await w.base.store.count('documentRegistry', {})).toBe(0);
    expect(await w.base.store.count('audit', { action: 'registry.importDocuments' })).toBe(0);
  });

  test('the same batch sent twice at once is stored once', async () => {
    const rows = DEMO_DOCUMENTS.slice(0, 6).map((d) => documentRow(d));
    const [a, b] = await Promise.all([ok(w.call({ action: 'importDocuments', rows })), ok(w.call({ action: 'importDocuments', rows }))]);
    expect(a.created + b.created).toBe(6);
    expect(a.created + a.unchanged).toBe(6);
    expect(await w.base.store.count('documentRegistry', {})).toBe(6);
  });

  test('citizens: ID number, name and status, checked', async () => {
    const rows = DEMO_CITIZENS.slice(0, 3).map((c) => ({ idNumber: c.idNumber, name: c.name, status: 'active' }));
    const bad = [
      { idNumber: DEMO_CITIZENS[3].idNumber.slice(0, 17) + (DEMO_CITIZENS[3].idNumber[17] === '0' ? '1' : '0'), name: DEMO_CITIZENS[3].name, status: 'active' },
      { idNumber: DEMO_CITIZENS[4].idNumber, name: 'Zhang Wei', status: 'active' },
      { idNumber: DEMO_CITIZENS[5].idNumber, name: DEMO_CITIZENS[5].name, status: 'dead' },
    ];
    const r = await ok(w.call({ action: 'importCitizens', rows: [...rows, ...bad] }));
    expect(r).toMatchObject({ created: 3 });
    expect(r.rejected.map((p: { row: number; field: string }) => [p.row, p.field])).toEqual([
      [3, 'idNumber'],
      [4, 'name'],
      [5, 'status'],
    ]);
    // Names are stored as the registry compares them (full-width space dropped).
    await ok(
      w.call({
        action: 'importCitizens',
        rows: [{ idNumber: DEMO_CITIZENS[0].idNumber, name: `${DEMO_CITIZENS[0].name[0]}\u3000${DEMO_CITIZENS[0].name.slice(1)}`, status: 'inactive' }],
      }),
    );
    expect(await w.base.store.get('citizens', DEMO_CITIZENS[0].idNumber)).toMatchObject({ name: DEMO_CITIZENS[0].name, status: 'inactive' });
  });
});

describe('ingestion sources', () => {
  let w: World;
  beforeEach(async () => {
    w = await world();
    await ok(w.call({ action: 'init' }));
    await ok(w.call({ action: 'importCitizens', rows: [{ idNumber: DEMO_CITIZENS[0].idNumber, name: DEMO_CITIZENS[0].name, status: 'active' }] }));
  });

  const recipient = () => generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = (k: KeyObject) => toBase64(new Uint8Array(k.export({ type: 'spki', format: 'der' })));
  const lab = { id: 'lab-haidian-01', name: '北京市海淀医院检验科', type: 'lab', country: 'CN' };

  /** A signed NAAT record from the source, through the ingest function as composed for the cloud. */
  async function send(sourceId: string, key: Uint8Array): Promise<{ status: number; body: any }> {
    const ingest = await composeIngest(w.base);
    const c = DEMO_CITIZENS[0];
    const body = new TextEncoder().encode(
      JSON.stringify({
        records: [
          {
            kind: 'naat',
            sourceRecordId: `R-${randomUUID()}`,
            person: { idNumber: c.idNumber, name: c.name },
            sampledAt: new Date(w.clock.now() - 3_600_000).toISOString(),
            result: '260415000',
            centre: 'lab',
          },
        ],
      }),
    );
    const headers = {
      ...signRequest({ method: 'POST', path: '/ingest/records', body, sourceId, key, now: w.clock.now() }),
      'content-type': 'application/json',
    };
    const res = await ingest.routes[0]({ method: 'POST', target: '/ingest/records', path: '/ingest/records', query: new URLSearchParams(), headers, body });
    return { status: res!.status, body: JSON.parse(res!.body as string) };
  }

  test("added with its key, sealed to the caller's one-time key; the key works for ingestion and is nowhere in clear", async () => {
    const r = recipient();
    const added = await ok<{ key: SealedSecret; outcome: string; source: unknown }>(w.call({ action: 'addSource', ...lab, recipient: spki(r.publicKey) }));
    expect(added).toMatchObject({ outcome: 'added', source: { id: lab.id, accepts: ['naat', 'igg'], active: true, hasKey: true } });
    const text = new TextDecoder().decode(openSecret(added.key, r.privateKey));
    const key = decodeSourceKey(text);
    expect(JSON.stringify(added)).not.toContain(text);
    expect(
      w.db
        .dump('keys')
        .map((d) => JSON.stringify(d))
        .join(''),
    ).not.toContain(text);
    // Only its recipient opens it.
    expect(() => openSecret(added.key, recipient().privateKey)).toThrow();
    expect((await send(lab.id, key)).body).toMatchObject({ ok: true, data: { accepted: 1 } });
    // Again: nothing new is shown.
    expect(await ok(w.call({ action: 'addSource', ...lab, recipient: spki(recipient().publicKey) }))).toMatchObject({ outcome: 'unchanged', key: null });
    // Other details under the same id: refused.
    const other = await w.call({ action: 'addSource', ...lab, name: 'Another lab', recipient: spki(recipient().publicKey) });
    expect(!other.ok && other.error.code).toBe('CONFLICT');
    expect(!other.ok && other.error.fields).toEqual({ name: 'differs from the stored name' });
  });

  test('refused without a recipient key, or with a bad field: nothing written', async () => {
    for (const event of [
      { ...lab },
      { ...lab, recipient: 'AAAA' },
      { ...lab, type: 'hospital', recipient: spki(recipient().publicKey) },
      { ...lab, country: 'ZZ', recipient: spki(recipient().publicKey) },
      { ...lab, id: 'Lab 1', recipient: spki(recipient().publicKey) },
    ]) {
      const r = await w.call({ action: 'addSource', ...event });
      expect(!r.ok && r.error.code).toBe('VALIDATION_FAILED');
    }
    expect(await w.base.store.count('sources', {})).toBe(0);
    expect(w.db.dump('keys')).toEqual([]);
  });

  test('two operators adding the same source at once: one key is made and shown', async () => {
    const answers = await Promise.all(
      [1, 2, 3].map(() => ok<{ key: SealedSecret | null }>(w.call({ action: 'addSource', ...lab, recipient: spki(recipient().publicKey) }))),
    );
    expect(answers.filter((a) => a.key !== null)).toHaveLength(1);
    expect(w.db.dump('keys').filter((k) => k._id === `wrapped:ingest-hmac:${lab.id}`)).toHaveLength(1);
  });

  test('a rotated key replaces the old one at once; a stopped source is refused', async () => {
    const r1 = recipient();
    const first = decodeSourceKey(
      new TextDecoder().decode(openSecret((await ok(w.call({ action: 'addSource', ...lab, recipient: spki(r1.publicKey) }))).key, r1.privateKey)),
    );
    const r2 = recipient();
    const rotated = await ok(w.call({ action: 'rotateSourceKey', id: lab.id, recipient: spki(r2.publicKey) }));
    expect(rotated.outcome).toBe('key-replaced');
    const second = decodeSourceKey(new TextDecoder().decode(openSecret(rotated.key, r2.privateKey)));
    expect((await send(lab.id, first)).body.error.code).toBe('SIGNATURE_INVALID');
    expect((await send(lab.id, second)).status).toBe(200);
    expect(await ok(w.call({ action: 'setSourceActive', id: lab.id, active: false }))).toMatchObject({ active: false });
    expect((await send(lab.id, second)).body.error.code).toBe('UNAUTHENTICATED');
    const missing = await w.call({ action: 'rotateSourceKey', id: 'lab-nowhere', recipient: spki(recipient().publicKey) });
    expect(!missing.ok && missing.error.code).toBe('NOT_FOUND');
    expect((await w.base.store.find('audit', { action: 'source.rotateKey' })).length).toBe(1);
  });
});

describe('operators', () => {
  test("added and removed by operators, audited; the environment's stay; the last one cannot go", async () => {
    const w = await world();
    await ok(w.call({ action: 'init' }));
    const dir = () =>
      w.admin.def!.actions.operators.handler({ openid: OPERATOR, operator: true, requestId: 'x' }, {}) as Promise<Array<{ id: string; active: boolean }>>;
    const other = operatorKey();
    const added = await ok(w.call({ action: 'addOperator', name: 'On-call engineer', publicKey: other.spki }));
    expect(added).toMatchObject({ added: true, operator: { id: `key:${other.keyId}`, kind: 'key', active: true, bootstrap: false } });
    expect(await ok(w.call({ action: 'addOperator', name: 'On-call engineer', publicKey: other.spki }))).toMatchObject({ added: false });
    // Its key may now sign requests.
    expect((await w.http({ action: 'operators' }, { key: other })).status).toBe(200);
    expect((await dir()).map((o) => o.id)).toEqual([`wx:${OPERATOR}`, `key:${w.key.keyId}`, `key:${other.keyId}`]);
    const removed = await ok(w.call({ action: 'removeOperator', id: `key:${other.keyId}`, reason: 'laptop lost' }));
    expect(removed.operator).toMatchObject({ active: false, removedReason: 'laptop lost' });
    expect((await w.http({ action: 'operators' }, { key: other })).body.error.code).toBe('UNAUTHENTICATED');
    for (const event of [
      { action: 'removeOperator', id: `wx:${OPERATOR}`, reason: 'x' },
      { action: 'removeOperator', id: `key:${other.keyId}`, reason: 'again' },
      { action: 'addOperator', name: 'Nobody', openid: 'o x' },
      { action: 'addOperator', name: 'Both', openid: 'o-x', publicKey: other.spki },
      { action: 'addOperator', name: '', openid: 'o-x' },
    ]) {
      const r = await w.call(event);
      expect([event, !r.ok && r.error.code]).toEqual([event, expect.stringMatching(/CONFLICT|NOT_FOUND|VALIDATION_FAILED/)]);
    }
    expect((await w.base.store.find('audit', { action: 'operator.add' })).length).toBe(1);
    expect((await w.base.store.find('audit', { action: 'operator.remove' })).length).toBe(1);
  });

  test('without environment operators, the last operator in the store cannot be removed', async () => {
    const admin = (await world({}, { envOperators: false })).admin.def!;
    const as = { openid: 'o-only', operator: true };
    await ok(dispatch(admin, { action: 'init' }, as));
    await ok(dispatch(admin, { action: 'addOperator', name: 'The only one', openid: 'o-only' }, as));
    const r = await dispatch(admin, { action: 'removeOperator', id: 'wx:o-only', reason: 'leaving' }, as);
    expect(!r.ok && r.error.code).toBe('CONFLICT');
  });
});

describe("operators' signed HTTP calls (POST /admin)", () => {
  let w: World;
  beforeEach(async () => {
    w = await world();
  });

  test("a signed call runs the action as the key's operator, even before init (its nonce's collection is made for it)", async () => {
    const r = await w.http({ action: 'init' });
    expect(r.status).toBe(200);
    expect(r.body.ok).toBe(true);
    const audit = await w.base.store.find('audit', { action: 'deployment.init' });
    expect(audit[0].actor).toBe((await ok(w.call({ action: 'operators' }))).find((o: { id: string }) => o.id === `key:${w.key.keyId}`).auditId);
  });

  test('refused: altered, replayed, out of time, unknown key, unsigned, wrong method, too large; nothing runs', async () => {
    await ok(w.call({ action: 'init' }));
    const nonce = 'n'.repeat(22);
    expect((await w.http({ action: 'sources' }, { nonce })).status).toBe(200);
    const cases: Array<[string, Promise<{ status: number; body: any }>, string]> = [
      ['replayed', w.http({ action: 'sources' }, { nonce }), 'REPLAYED'],
      ['altered body', w.http({ action: 'sources' }, { tamper: () => new TextEncoder().encode(JSON.stringify({ action: 'operators' })) }), 'SIGNATURE_INVALID'],
      ['clock 10 min behind', w.http({ action: 'sources' }, { now: w.clock.now() - 600_000 }), 'UNAUTHENTICATED'],
      ['unknown key', w.http({ action: 'sources' }, { key: operatorKey() }), 'UNAUTHENTICATED'],
      ['GET', w.http({ action: 'sources' }, { method: 'GET' }), 'METHOD_NOT_ALLOWED'],
      ['too large', w.http({ action: 'importDocuments', rows: ['x'.repeat(70_000)] }), 'PAYLOAD_TOO_LARGE'],
    ];
    for (const [what, p, code] of cases) {
      const r = await p;
      expect([what, r.body.error?.code]).toEqual([what, code]);
    }
    const unsigned = await w.admin.routes[0]({
      method: 'POST',
      target: ADMIN_PATH,
      path: ADMIN_PATH,
      query: new URLSearchParams(),
      headers: {},
      body: new TextEncoder().encode('{"action":"init"}'),
    });
    expect(JSON.parse(unsigned!.body as string).error.code).toBe('UNAUTHENTICATED');
    // Only the one accepted call left a nonce.
    expect(w.db.dump('ingestNonces').filter((n) => String(n._id).startsWith('operator:'))).toHaveLength(1);
  });
});
