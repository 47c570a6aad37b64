/**
 * Bad input over the gateway: each case gets a clear error code (and the field it concerns), and
 * nothing is written. "Nothing" is checked on a snapshot of every collection before and after; the
 * only writes allowed are the attempt counters and failure audit entry that a failed identity
 * verification is documented to make (server/identity/service.ts).
 */
import { join } from 'node:path';
import { call, openLocalApp } from '../../node/local';
import { seedDemo } from '../../demo/seed';
import type { App } from '../../server/app';
import { buildTd3 } from '../../server/documents/mrz';
import { DEMO_MRZ_CODES } from '../../demo/documents';
import { DEMO_CITIZENS } from '../../demo/citizens';
import { generateSourceKey } from '../../server/ingest/signature';
import { DEMO_SOURCE_IDS } from '../../demo/records';
import { REQUEST_LIMITS } from '../../server/validate';
import {
  bindableDocument,
  callFn,
  documentForm,
  failure,
  isFailedVerificationWrite,
  naatRecord,
  ok,
  postIngest,
  serve,
  signedIngest,
  snapshot,
  sourceKeyFromDataDir,
  tempDir,
  unexpectedChanges,
  verifyIdentity,
  type Change,
  type Reply,
  type Served,
} from './helpers';

const ZHANG = DEMO_CITIZENS[0];
const LI = DEMO_CITIZENS[1];
const CALLER = 'e2e-bad-input';
const LAB = DEMO_SOURCE_IDS.naatLab;

let dataDir: string;
let app: App;
let server: Served;
let labKey: Uint8Array;

beforeAll(async () => {
  dataDir = join(tempDir('bad-input'), 'data');
  app = await openLocalApp(dataDir);
  await seedDemo(app);
  server = await serve(app);
  // The caller has a verified identity and no document yet, so a bind that got through would write.
  await verifyIdentity(server.base, CALLER, ZHANG);
  labKey = await sourceKeyFromDataDir(dataDir, LAB);
}, 300_000);

afterAll(async () => {
  await server?.close();
  await app?.store.close();
});

/** Runs `send`, asserts the status, code and (when given) the fields, and that nothing was written. */
async function expectRefused(
  send: () => Promise<Reply>,
  expected: { status: number; code: string; fields?: string[] },
  allowed?: (c: Change) => boolean,
): Promise<Reply> {
  const before = await snapshot(app.store);
  const r = await send();
  expect(failure(r)).toEqual({ status: expected.status, ok: false, code: expected.code });
  expect(typeof r.body.error.message).toBe('string');
  expect(r.body.error.message.length).toBeGreaterThan(0);
  // An error never echoes a large input back.
  expect(JSON.stringify(r.body).length).toBeLessThan(4096);
  for (const f of expected.fields ?? []) expect(Object.keys(r.body.error.fields ?? {})).toContain(f);
  expect(unexpectedChanges(before, await snapshot(app.store), allowed)).toEqual([]);
  return r;
}

/** The ID number with a different, wrong check character. */
function wrongCheckDigit(id: string): string {
  const other = '0123456789X'.split('').find((c) => c !== id[17])!;
  return id.slice(0, 17) + other;
}

describe('identity', () => {
  test.each(['beginFaceCheck', 'verify'])('%s with a wrong ID check digit: ID_NUMBER_INVALID, nothing written (not even an attempt)', async (action) => {
    await expectRefused(
      () =>
        callFn(server.base, 'identity', 'e2e-checkdigit', {
          action,
          name: LI.name,
          idNumber: wrongCheckDigit(LI.idNumber),
          ...(action === 'verify' ? { faceToken: 'LF1.0.x' } : {}),
        }),
      { status: 400, code: 'ID_NUMBER_INVALID', fields: ['idNumber', 'idNumber.checkDigit'] },
    );
  });

  test('a name that does not belong to the ID number: IDENTITY_MISMATCH, with only the documented failure writes', async () => {
    const person = { name: '李娟', idNumber: LI.idNumber };
    const session = await ok(callFn(server.base, 'identity', 'e2e-wrongname', { action: 'beginFaceCheck', ...person }));
    const before = await snapshot(app.store);
    await expectRefused(
      () => callFn(server.base, 'identity', 'e2e-wrongname', { action: 'verify', ...person, faceToken: session.faceToken }),
      { status: 422, code: 'IDENTITY_MISMATCH' },
      isFailedVerificationWrite,
    );
    // Those writes happened (counters and one audit entry), and the audit keeps no raw ID number.
    const after = await snapshot(app.store);
    const written = [...after.keys()].filter((k) => after.get(k) !== before.get(k));
    expect(written.some((k) => k.startsWith('attempts/'))).toBe(true);
    const audit = written.filter((k) => k.startsWith('audit/'));
    expect(audit).toHaveLength(1);
    expect(after.get(audit[0])).not.toContain(LI.idNumber);
  });

  test.each([
    ['a number for the name', { name: 12345, idNumber: LI.idNumber }, 'name'],
    ['a list for the ID number', { name: LI.name, idNumber: [LI.idNumber] }, 'idNumber'],
    ['Latin letters for the name', { name: 'LI NA', idNumber: LI.idNumber }, 'name'],
    ['a missing ID number', { name: LI.name }, 'idNumber'],
  ])('wrong types and formats (%s): VALIDATION_FAILED naming the field', async (_what, input, field) => {
    await expectRefused(() => callFn(server.base, 'identity', 'e2e-types', { action: 'beginFaceCheck', ...input }), {
      status: 400,
      code: 'VALIDATION_FAILED',
      fields: [field],
    });
  });
});

describe('oversized input', () => {
  const big = (n: number) => '张'.repeat(n);

  test('a 100 KB name is refused by size at the gateway (413) and, without the gateway, as too long a field', async () => {
    const name = big(Math.ceil((100 * 1024) / 3)); // 3 UTF-8 bytes each: 100 KB
    await expectRefused(() => callFn(server.base, 'identity', 'e2e-big', { action: 'beginFaceCheck', name, idNumber: LI.idNumber }), {
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
    });
    const before = await snapshot(app.store);
    const env = await call(app, 'identity', 'e2e-big', { action: 'beginFaceCheck', name, idNumber: LI.idNumber });
    expect(env.ok).toBe(false);
    if (!env.ok) {
      expect(env.error.code).toBe('VALIDATION_FAILED');
      expect(Object.keys(env.error.fields ?? {})).toEqual(['name']);
      expect(JSON.stringify(env).length).toBeLessThan(4096);
    }
    expect(unexpectedChanges(before, await snapshot(app.store))).toEqual([]);
  });

  test('a long name inside the body limit: VALIDATION_FAILED naming the field', async () => {
    await expectRefused(() => callFn(server.base, 'identity', 'e2e-big', { action: 'beginFaceCheck', name: big(10_000), idNumber: LI.idNumber }), {
      status: 400,
      code: 'VALIDATION_FAILED',
      fields: ['name'],
    });
  });

  test('a body over 64 KB: 413 before it is parsed', async () => {
    const padding = 'x'.repeat(REQUEST_LIMITS.maxBytes + 1);
    await expectRefused(() => callFn(server.base, 'certificate', CALLER, { action: 'issue', padding }), { status: 413, code: 'PAYLOAD_TOO_LARGE' });
  });

  test('an ingestion body over 1 MiB: 413', async () => {
    const records = Array.from({ length: 9000 }, (_, i) => naatRecord(LI, `E2E-BIG-${i}`, Date.now() - 3_600_000));
    const req = signedIngest(LAB, labKey, { records });
    expect(req.body.length).toBeGreaterThan(1024 * 1024);
    await expectRefused(() => postIngest(server.base, req), { status: 413, code: 'PAYLOAD_TOO_LARGE' });
  });
});

describe('requests that are not what a function takes', () => {
  test.each([
    ['an unknown action', { action: 'delete' }, 400, 'BAD_REQUEST'],
    ['a missing action', { name: LI.name }, 400, 'BAD_REQUEST'],
    ['an action of the wrong type', { action: 42 }, 400, 'BAD_REQUEST'],
    ['an inherited property as action', { action: 'constructor' }, 400, 'BAD_REQUEST'],
    ['an array', [{ action: 'status' }], 400, 'BAD_REQUEST'],
    ['nesting deeper than allowed', { action: 'status', deep: JSON.parse('['.repeat(20) + ']'.repeat(20)) }, 400, 'BAD_REQUEST'],
  ])('%s: %s', async (_what, event, status, code) => {
    await expectRefused(() => callFn(server.base, 'identity', CALLER, event), { status, code });
  });

  test('body that is not JSON, or not UTF-8: BAD_REQUEST', async () => {
    await expectRefused(() => callFn(server.base, 'identity', CALLER, undefined, '{"action": "status"'), { status: 400, code: 'BAD_REQUEST' });
    await expectRefused(() => callFn(server.base, 'identity', CALLER, undefined, new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x7d])), {
      status: 400,
      code: 'BAD_REQUEST',
    });
  });

  test('an unknown function: 404 NOT_FOUND', async () => {
    await expectRefused(() => callFn(server.base, 'payments', CALLER, { action: 'refund' }), { status: 404, code: 'NOT_FOUND' });
  });
});

describe('passport binding', () => {
  const own = bindableDocument(ZHANG);
  const otherPerson = bindableDocument(LI);
  const mrzFor = (surname: string, givenNames: string) =>
    buildTd3({
      documentCode: DEMO_MRZ_CODES[own.type],
      surname,
      givenNames,
      number: own.number,
      birthDate: ZHANG.birthDate,
      sex: ZHANG.sex,
      expiryDate: own.expiresOn,
    }).join('\n');

  test("another person's passport (with its MRZ, and without): DOCUMENT_MISMATCH", async () => {
    await expectRefused(() => callFn(server.base, 'document', CALLER, documentForm(otherPerson)), { status: 422, code: 'DOCUMENT_MISMATCH' });
    await expectRefused(() => callFn(server.base, 'document', CALLER, documentForm(otherPerson, null)), {
      status: 422,
      code: 'DOCUMENT_MISMATCH',
      fields: ['number'],
    });
  });

  test("the caller's passport with another name in a well-formed MRZ: DOCUMENT_MISMATCH on mrz.name", async () => {
    await expectRefused(() => callFn(server.base, 'document', CALLER, documentForm(own, mrzFor(own.surname, 'WEIMING'))), {
      status: 422,
      code: 'DOCUMENT_MISMATCH',
      fields: ['mrz.name'],
    });
    await expectRefused(() => callFn(server.base, 'document', CALLER, documentForm(own, mrzFor('WANG', own.givenNames))), {
      status: 422,
      code: 'DOCUMENT_MISMATCH',
      fields: ['mrz.name'],
    });
  });

  test('an MRZ for another document number than the form: DOCUMENT_INVALID', async () => {
    await expectRefused(() => callFn(server.base, 'document', CALLER, { ...documentForm(own), number: 'EH4180274' }), {
      status: 400,
      code: 'DOCUMENT_INVALID',
      fields: ['number'],
    });
  });

  test('malformed MRZ (a wrong check digit, garbage, one line): MRZ_INVALID', async () => {
    const [l1, l2] = own.mrz;
    const check = l2[9];
    const flipped = l2.slice(0, 9) + String((Number(check) + 1) % 10) + l2.slice(10);
    await expectRefused(() => callFn(server.base, 'document', CALLER, documentForm(own, `${l1}\n${flipped}`)), {
      status: 400,
      code: 'MRZ_INVALID',
      fields: ['mrz.documentNumberCheckDigit'],
    });
    await expectRefused(() => callFn(server.base, 'document', CALLER, documentForm(own, 'this is not an MRZ\nnor is this')), {
      status: 400,
      code: 'MRZ_INVALID',
    });
    await expectRefused(() => callFn(server.base, 'document', CALLER, documentForm(own, l1)), { status: 400, code: 'MRZ_INVALID' });
  });

  test.each([
    ['a number of the wrong type', { number: 418027 }, 'number'],
    ['an unknown document type', { type: 'spaceship' }, 'type'],
    ['an MRZ object', { mrz: { line1: 'P' } }, 'mrz'],
    ['an MRZ far too long', { mrz: 'P'.repeat(5000) }, 'mrz'],
    ['a date that does not exist', { expiry: '2031-02-30' }, 'expiry'],
  ])('wrong types and sizes (%s): VALIDATION_FAILED naming the field', async (_what, patch, field) => {
    await expectRefused(() => callFn(server.base, 'document', CALLER, { ...documentForm(own), ...patch }), {
      status: 400,
      code: 'VALIDATION_FAILED',
      fields: [field],
    });
  });

  test('after all that, the right passport still binds (the refusals were about the input)', async () => {
    expect(await ok(callFn(server.base, 'document', CALLER, documentForm(own)))).toMatchObject({ number: own.number });
  });
});

describe('lab ingestion', () => {
  const body = () => ({ records: [naatRecord(LI, `E2E-SIG-${Math.random().toString(36).slice(2)}`, Date.now() - 3_600_000)] });

  test('a forged request (signed with another key): SIGNATURE_INVALID, nothing written, not even the nonce', async () => {
    await expectRefused(() => postIngest(server.base, signedIngest(LAB, generateSourceKey(), body())), { status: 401, code: 'SIGNATURE_INVALID' });
  });

  test('a body changed after signing: SIGNATURE_INVALID', async () => {
    const req = signedIngest(LAB, labKey, body());
    const changed = new TextEncoder().encode(new TextDecoder().decode(req.body).replace('260415000', '260373001'));
    await expectRefused(() => postIngest(server.base, { ...req, body: changed }), { status: 401, code: 'SIGNATURE_INVALID' });
  });

  test('an unknown source, and a request signed an hour ago: UNAUTHENTICATED', async () => {
    await expectRefused(() => postIngest(server.base, signedIngest('e2e-unknown-lab', generateSourceKey(), body())), { status: 401, code: 'UNAUTHENTICATED' });
    await expectRefused(() => postIngest(server.base, signedIngest(LAB, labKey, body(), { now: Date.now() - 3_600_000 })), {
      status: 401,
      code: 'UNAUTHENTICATED',
    });
  });

  test('a replayed request, and a new body under a used nonce: REPLAYED, nothing written', async () => {
    const req = signedIngest(LAB, labKey, body());
    const first = await postIngest(server.base, req);
    expect(first.status).toBe(200);
    expect(first.body.data.accepted).toBe(1);
    await expectRefused(() => postIngest(server.base, req), { status: 409, code: 'REPLAYED' });
    const nonce = req.headers['x-ithc-nonce'];
    await expectRefused(() => postIngest(server.base, signedIngest(LAB, labKey, body(), { nonce })), { status: 409, code: 'REPLAYED' });
  });
});
