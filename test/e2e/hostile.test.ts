/**
 * Hostile requests against every action of every function, enumerated from functionsFor(app), so
 * an action added later is covered without touching this file: wrong types, injection strings
 * (SQL, NoSQL operators, path traversal, prototype pollution), huge and deep bodies, invalid
 * UTF-8, the local caller header outside local mode, forged and replayed ingestion signatures, and
 * other callers' ids. Each gets a 4xx with a clear error, and nothing is written: every collection
 * is compared before and after, the only writes allowed being the attempt counters and failure
 * audit entries that failed identity checks are documented to make.
 *
 * Everything runs against the gateway on 127.0.0.1 (an OS-chosen port) in this process, so the
 * prototype-pollution checks look at this process's own Object.prototype.
 */
import { join } from 'node:path';
import { openLocalApp } from '../../node/local';
import { demoRelativeFlow, demoTravellerFlow, seedDemo } from '../../demo/seed';
import type { App } from '../../server/app';
import { SERVICE_ERROR_STATUS } from '../../server/errors';
import { functionsFor } from '../../server/functions/definitions';
import type { FunctionDef } from '../../server/functions/router';
import { createGateway, LOCAL_OPENID_HEADER } from '../../server/gateway';
import { DEMO_CITIZENS } from '../../demo/citizens';
import { signRequest } from '../../server/ingest/signature';
import { DEMO_PARTNER_COUNTRY } from '../../demo/partner';
import { DEMO_SOURCE_IDS } from '../../demo/records';
import { appRoutes } from '../../server/routes';
import { REQUEST_LIMITS } from '../../server/validate';
import {
  callFn,
  isFailedVerificationWrite,
  naatRecord,
  ok,
  postIngest,
  reply,
  serve,
  signedIngest,
  snapshot,
  sourceKeyFromDataDir,
  tempDir,
  unexpectedChanges,
  type Change,
  type Reply,
  type Served,
} from './helpers';

const ALICE = 'e2e-hostile-alice';
const MALLORY = 'e2e-hostile-mallory';
const OPERATOR = 'e2e-hostile-operator';
const LAB = DEMO_SOURCE_IDS.naatLab;

let dataDir: string;
let app: App;
let server: Served;
let functions: FunctionDef[];
let aliceRelation: string;
let aliceCertificate: string;

beforeAll(async () => {
  dataDir = join(tempDir('hostile'), 'data');
  app = await openLocalApp(dataDir, { config: { operators: [OPERATOR] } });
  await seedDemo(app);
  server = await serve(app);
  functions = functionsFor(app);
  // Alice holds a certificate and acts for her mother; Mallory is another verified traveller.
  aliceCertificate = (await demoTravellerFlow(app, ALICE, 0)).id;
  aliceRelation = (await demoRelativeFlow(app, ALICE)).relative.id;
  await demoTravellerFlow(app, MALLORY, 1);
}, 300_000);

afterAll(async () => {
  await server?.close();
  await app?.store.close();
});

afterEach(() => {
  // Prototype pollution through any request would show here, in the server's own process.
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
});

/** What failed identity checks are documented to write (server/identity/service.ts, server/relatives). */
function allowedWrite(c: Change): boolean {
  return (
    isFailedVerificationWrite(c) ||
    (c.coll === 'audit' &&
      c.before === undefined &&
      c.after?.outcome === 'failure' &&
      typeof c.after?.action === 'string' &&
      /^(identity\.verify|relatives\.add)$/.test(c.after.action))
  );
}

/** A refusal: 4xx, the envelope with a known code and a message, and no echo of a large input. */
function expectRefusal(r: Reply, label: string): void {
  const e = r.body?.error;
  const seen = {
    label,
    status: r.status,
    ok: r.body?.ok,
    knownCode: typeof e?.code === 'string' && e.code in SERVICE_ERROR_STATUS,
    message: typeof e?.message === 'string' && e.message.length > 0,
  };
  expect(seen).toEqual({ label, status: seen.status >= 400 && seen.status < 500 ? seen.status : '4xx', ok: false, knownCode: true, message: true });
  expect({ label, short: JSON.stringify(r.body).length < 4096 }).toEqual({ label, short: true });
}

// --- the payloads ------------------------------------------------------------------------------

const HOSTILE_STRINGS = [
  "' OR '1'='1",
  "'; DROP TABLE users; --",
  '" OR ""="',
  '../../../../etc/passwd',
  '..%2F..%2F..%2Fetc%2Fpasswd',
  '/functions/../trustlist',
  '<script>alert(1)</script>',
  '${7*7}{{7*7}}',
  'x'.repeat(10_000),
  '\u0000',
  '\ud800',
  '\u202e\u200b',
  'URN:UVCI:01:CN:AAAAAAAAAAAAAAAA#A',
];

/** Values no field accepts as they are (null and '' mean "absent" for optional fields, so they are left out). */
const HOSTILE_VALUES: unknown[] = [
  ...HOSTILE_STRINGS,
  -1,
  1.5,
  1e308,
  9007199254740993,
  true,
  [],
  ['a', 'b'],
  {},
  { $gt: '' },
  { $ne: null },
  { $where: 'sleep(1000)' },
  { $regex: '.*' },
  JSON.parse('{"__proto__": {"polluted": true}}'),
  { constructor: { prototype: { polluted: true } } },
];

/** Fields no action takes, each with a hostile value. */
const STRAY_FIELDS: Array<Record<string, unknown>> = [
  { $where: 'this.openid != ""' },
  JSON.parse('{"__proto__": {"polluted": true}}'),
  { constructor: { prototype: { polluted: true } } },
  { 'a.b': 1 },
  { openid: ALICE },
  { _id: 'users/x' },
];

/**
 * Actions whose only field is a yes: `true` there is the whole, valid request (identity.deleteAccount
 * {confirm: true} deletes the caller's account), not a hostile value. Every other value still goes in.
 */
const TRUE_IS_THE_REQUEST: ReadonlySet<string> = new Set(['deleteAccount.confirm']);

/** Every hostile event for one action: stray fields, and each of its fields set to each hostile value. */
function eventsFor(action: string, input: readonly string[] | undefined): Array<Record<string, unknown>> {
  // Without an input list (partners.upsert: a whole document), its document's own fields.
  const fields = input ?? ['country', 'name', 'accepts', 'encryptionKeys', 'rules', 'signingCertificates'];
  const out: Array<Record<string, unknown>> = STRAY_FIELDS.map((f) => ({ action, ...f }));
  for (const f of fields) for (const v of HOSTILE_VALUES) if (!(v === true && TRUE_IS_THE_REQUEST.has(`${action}.${f}`))) out.push({ action, [f]: v });
  return out;
}

const actionsOf = () => functions.flatMap((f) => Object.entries(f.actions).map(([action, def]) => ({ fn: f.name, action, def })));

// --- every action --------------------------------------------------------------------------------

describe('every action of every function', () => {
  test('the table is not empty', () => {
    expect(actionsOf().length).toBeGreaterThan(20);
  });

  test.each([
    ['a verified caller', MALLORY],
    ['an operator', OPERATOR],
    ['an anonymous caller', undefined],
  ])(
    'hostile field values from %s: 4xx, a clear error, nothing written',
    async (_who, openid) => {
      for (const { fn, action, def } of actionsOf()) {
        const before = await snapshot(app.store);
        const codes = new Set<string>();
        for (const event of eventsFor(action, def.input)) {
          const r = await callFn(server.base, fn, openid, event);
          expectRefusal(r, `${fn}.${action} ${JSON.stringify(event).slice(0, 120)}`);
          codes.add(r.body.error.code);
        }
        expect({ action: `${fn}.${action}`, writes: unexpectedChanges(before, await snapshot(app.store), allowedWrite) }).toEqual({
          action: `${fn}.${action}`,
          writes: [],
        });
        // The payloads reached the action's own checks, unless the caller may not call it at all.
        const door = openid === undefined && !def.public ? 'UNAUTHENTICATED' : def.operator && openid !== OPERATOR ? 'FORBIDDEN' : null;
        expect({ action: `${fn}.${action}`, codes: door ? [...codes] : codes.has('VALIDATION_FAILED') }).toEqual({
          action: `${fn}.${action}`,
          codes: door ? [door] : true,
        });
      }
    },
    300_000,
  );
});

describe('whole bodies', () => {
  const nested = (depth: number) => '{"action":"x","a":' + '['.repeat(depth) + ']'.repeat(depth) + '}';
  const bodies: Array<[string, string | Uint8Array]> = [
    ['invalid UTF-8', Uint8Array.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0xff, 0xfe, 0x22, 0x7d])],
    ['an overlong UTF-8 slash', Uint8Array.from([...Buffer.from('{"action":"'), 0xc0, 0xaf, ...Buffer.from('"}')])],
    ['a body over the function limit', JSON.stringify({ action: 'get', pad: 'x'.repeat(REQUEST_LIMITS.maxBytes) })],
    ['a body over the gateway limit (2 MiB)', 'x'.repeat(2 * 1024 * 1024)],
    ['JSON nested 20 deep', nested(20)],
    ['JSON nested 100,000 deep', nested(100_000)],
    ['many keys', JSON.stringify(Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, i])))],
    ['truncated JSON', '{"action": "get"'],
    ['empty', ''],
    ['an array', '[]'],
    ['a string', '"get"'],
    ['a number', '123'],
    ['null', 'null'],
    ['action __proto__', '{"action":"__proto__"}'],
    ['action constructor', '{"action":"constructor"}'],
    ['action toString', '{"action":"toString"}'],
    ['action hasOwnProperty', '{"action":"hasOwnProperty"}'],
    ['action as an operator object', '{"action":{"$ne":null}}'],
    ['action as a number', '{"action":1}'],
    ['duplicate action keys', '{"action":"get","action":"__proto__"}'],
    ['prototype pollution beside a known action', '{"action":"get","__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}'],
  ];

  test.each(bodies)('%s, to every function: 4xx, nothing written', async (label, body) => {
    const before = await snapshot(app.store);
    for (const f of functions) expectRefusal(await callFn(server.base, f.name, MALLORY, undefined, body), `${label} → ${f.name}`);
    expect(unexpectedChanges(before, await snapshot(app.store))).toEqual([]);
  });

  test('other methods, unknown functions and paths: 4xx', async () => {
    const before = await snapshot(app.store);
    for (const f of functions)
      expectRefusal(await reply(await fetch(`${server.base}/functions/${f.name}`, { headers: { [LOCAL_OPENID_HEADER]: MALLORY } })), `GET ${f.name}`);
    for (const path of [
      '/functions/nope',
      '/functions/..%2Ftrustlist',
      '/functions/certificate/../admin',
      '/files/../../etc/passwd.pdf',
      '/files/%2e%2e%2fsecrets.pdf',
      '/verify/..%2f..%2fsecrets',
      '/trustlist/../.data/secrets',
    ]) {
      expectRefusal(
        await reply(await fetch(`${server.base}${path}`, { method: 'POST', headers: { [LOCAL_OPENID_HEADER]: MALLORY }, body: '{"action":"get"}' })),
        `POST ${path}`,
      );
    }
    expectRefusal(await reply(await fetch(`${server.base}/trustlist`, { method: 'DELETE' })), 'DELETE /trustlist');
    expect(unexpectedChanges(before, await snapshot(app.store))).toEqual([]);
  });
});

describe('the local caller header outside local mode', () => {
  test('every action of every function refuses it (FORBIDDEN), even for public actions', async () => {
    const gw = createGateway({ functions, localMode: false, operators: new Set([OPERATOR]), routes: appRoutes(app) });
    const base = await gw.listen(0);
    try {
      const before = await snapshot(app.store);
      for (const { fn, action } of actionsOf()) {
        for (const who of [ALICE, OPERATOR]) {
          const r = await callFn(base, fn, who, { action });
          expect({ at: `${fn}.${action} as ${who}`, status: r.status, code: r.body?.error?.code }).toEqual({
            at: `${fn}.${action} as ${who}`,
            status: 403,
            code: 'FORBIDDEN',
          });
        }
      }
      expect(unexpectedChanges(before, await snapshot(app.store))).toEqual([]);
    } finally {
      await gw.close();
    }
  });
});

describe("other callers' ids", () => {
  test("Mallory naming Alice's relation with `for`: NOT_FOUND on every action that takes it, nothing written, nothing of Alice's in the answer", async () => {
    const takesFor = actionsOf().filter(({ def }) => def.input?.includes('for'));
    expect(takesFor.map((a) => `${a.fn}.${a.action}`)).toEqual(
      expect.arrayContaining(['certificate.issue', 'certificate.get', 'relatives.remove', 'relatives.bindDocument']),
    );
    const before = await snapshot(app.store);
    for (const { fn, action, def } of takesFor) {
      // Everything else well formed, so that the relation is what is refused.
      const r = await callFn(server.base, fn, MALLORY, {
        action,
        for: aliceRelation,
        ...(def.input?.includes('destination') ? { destination: DEMO_PARTNER_COUNTRY } : {}),
      });
      expect({ at: `${fn}.${action}`, status: r.status, code: r.body?.error?.code }).toEqual({ at: `${fn}.${action}`, status: 404, code: 'NOT_FOUND' });
      expect(JSON.stringify(r.body)).not.toContain(aliceCertificate);
    }
    const end = await callFn(server.base, 'relatives', MALLORY, { action: 'endProxy', id: aliceRelation });
    expect({ status: end.status, code: end.body?.error?.code }).toEqual({ status: 404, code: 'NOT_FOUND' });
    expect(unexpectedChanges(before, await snapshot(app.store))).toEqual([]);
  });

  test("Mallory revoking Alice's certificate or ending her relation as an operator would: FORBIDDEN", async () => {
    const before = await snapshot(app.store);
    for (const event of [
      { action: 'revoke', certificateId: aliceCertificate, reason: 'hostile' },
      { action: 'endProxy', id: aliceRelation },
    ]) {
      const r = await callFn(server.base, 'admin', MALLORY, event);
      expect({ action: event.action, status: r.status, code: r.body?.error?.code }).toEqual({ action: event.action, status: 403, code: 'FORBIDDEN' });
    }
    expect(unexpectedChanges(before, await snapshot(app.store))).toEqual([]);
    // Alice's certificate is still hers and valid.
    expect((await ok(callFn(server.base, 'certificate', ALICE, { action: 'get' }))).status).toBe('valid');
  });
});

describe('lab ingestion', () => {
  const citizen = DEMO_CITIZENS[3];
  const body = (id: string) => ({ records: [naatRecord(citizen, id, Date.now() - 3_600_000)] });

  test('forged, tampered, replayed, stale and unsigned requests, hostile headers and bodies: 4xx, nothing written', async () => {
    const key = await sourceKeyFromDataDir(dataDir, LAB);
    const genuine = signedIngest(LAB, key, body('E2E-HOSTILE-1'));
    // The genuine request goes through once; that write is the baseline.
    expect((await postIngest(server.base, genuine)).status).toBe(200);
    const before = await snapshot(app.store);
    const forgedKey = new Uint8Array(32).fill(7);
    const cases: Array<[string, { headers: Record<string, string>; body: Uint8Array }]> = [
      ['replayed as it was', genuine],
      ['replayed with a new timestamp but the old nonce', signedIngest(LAB, key, body('E2E-HOSTILE-2'), { nonce: genuine.headers['x-ithc-nonce'] })],
      ['signed with another key', signedIngest(LAB, forgedKey, body('E2E-HOSTILE-3'))],
      [
        'a body changed after signing',
        { ...signedIngest(LAB, key, body('E2E-HOSTILE-4')), body: new TextEncoder().encode(JSON.stringify(body('E2E-HOSTILE-5'))) },
      ],
      [
        'a signature of another length',
        { ...signedIngest(LAB, key, body('E2E-HOSTILE-6')), headers: { ...signedIngest(LAB, key, body('E2E-HOSTILE-6')).headers, 'x-ithc-signature': 'AAAA' } },
      ],
      ['a stale timestamp', signedIngest(LAB, key, body('E2E-HOSTILE-7'), { now: Date.now() - 86_400_000 })],
      ['a timestamp far ahead', signedIngest(LAB, key, body('E2E-HOSTILE-8'), { now: Date.now() + 86_400_000 })],
      ['an unknown source', signedIngest('e2e-no-such-lab', key, body('E2E-HOSTILE-9'))],
      ['a path-traversal source id', signedIngest('../secrets/person-id', key, body('E2E-HOSTILE-10'))],
      ['no signature headers', { headers: { 'content-type': 'application/json' }, body: new TextEncoder().encode(JSON.stringify(body('E2E-HOSTILE-11'))) }],
      ['invalid UTF-8, signed', signedRaw(key, Uint8Array.from([0x7b, 0xff, 0xfe, 0x7d]))],
      ['JSON nested 100,000 deep, signed', signedRaw(key, new TextEncoder().encode('['.repeat(100_000) + ']'.repeat(100_000)))],
      ['records as an operator object, signed', signedIngest(LAB, key, { records: { $gt: '' } })],
      ['prototype pollution, signed', signedRaw(key, new TextEncoder().encode('{"records":[],"__proto__":{"polluted":true}}'))],
    ];
    for (const [label, req] of cases) expectRefusal(await postIngest(server.base, req), label);
    expectRefusal(await reply(await fetch(`${server.base}/ingest/records`, { method: 'GET' })), 'GET /ingest/records');
    expect(unexpectedChanges(before, await snapshot(app.store))).toEqual([]);
  });

  test("a genuine lab's batch of hostile records: each record refused by name, none stored (only the request's nonce, its replay protection)", async () => {
    const key = await sourceKeyFromDataDir(dataDir, LAB);
    const records = [
      { ...naatRecord(citizen, "'; DROP TABLE records; --", Date.now()), centre: '<script>x</script>' },
      { ...naatRecord(citizen, 'E2E-HOSTILE-20', Date.now()), result: { $ne: null } },
      { ...naatRecord(citizen, 'E2E-HOSTILE-21', Date.now()), person: { idNumber: { $gt: '' }, name: citizen.name } },
      { ...naatRecord(citizen, '../../secrets/x', Date.now()), $where: '1' },
      JSON.parse(`{"kind":"naat","sourceRecordId":"E2E-HOSTILE-22","__proto__":{"polluted":true}}`),
    ];
    const before = await snapshot(app.store);
    // Partial acceptance is the documented protocol (docs/ingestion.md): a lab's batch answers 200
    // with each record's problem, so that one bad record does not hold back the others.
    const summary = await ok(postIngest(server.base, signedIngest(LAB, key, { records })));
    expect(summary.accepted + summary.unchanged + summary.updated).toBe(0);
    expect([...new Set(summary.rejected.map((r: { index: number }) => r.index))]).toEqual(records.map((_, i) => i));
    expect(unexpectedChanges(before, await snapshot(app.store), (c) => c.coll === 'ingestNonces' && c.before === undefined)).toEqual([]);
  });

  /** A correctly signed request over raw bytes (signedIngest signs the JSON of its argument). */
  function signedRaw(key: Uint8Array, bytes: Uint8Array): { headers: Record<string, string>; body: Uint8Array } {
    const headers = signRequest({ method: 'POST', path: '/ingest/records', body: bytes, sourceId: LAB, key, now: Date.now() });
    return { headers: { ...headers, 'content-type': 'application/json' }, body: bytes };
  }
});
