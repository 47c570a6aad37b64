/**
 * The chain person → records → certificate → verdict, attacked through the calls clients make: the
 * local gateway over HTTP (functions and signed ingestion) on the app createApp builds, a real
 * SQLite file, the demo lab's own key. Verdicts come from core's verifier fed with the CSCA-signed
 * trust list the gateway publishes (GET /trustlist/signed), as a border officer's verifier gets it.
 *
 * - Records reach only their person: a wrong name is NAME_MISMATCH, an unregistered ID number
 *   PERSON_UNKNOWN, and nothing is stored.
 * - A correction or a withdrawal revokes every certificate that carried the earlier version; the
 *   holder's next get/issue gives a certificate of the records as they are, saying why the old one ended.
 * - Revocation that holds: an operator who says the records are bad blocks them for every travel
 *   document; a hold on a person stops all issuance until lifted; each audited.
 */
import { join } from 'node:path';
import { validateDccSchema } from '../../core/dcc-schema';
import { verifyCode } from '../../core/hcert';
import { KeyStore } from '../../core/keys';
import { verifyTrustList } from '../../core/trustlist';
import { nodeCrypto } from '../../node/crypto-node';
import { openLocalApp } from '../../node/local';
import { seedDemo } from '../../demo/seed';
import type { App } from '../../server/app';
import { DEMO_DOCUMENTS } from '../../demo/documents';
import { buildResidentId, DEMO_CITIZENS, type DemoCitizen } from '../../demo/citizens';
import { userIdFor } from '../../server/identity/person-id';
import { WrappedKeyring } from '../../server/ingest/signature';
import { DEMO_SOURCE_IDS } from '../../demo/records';
import { recordDocId } from '../../server/records/record-id';
import { recordVersion } from '../../server/records/version';
import type { CertificateDoc } from '../../server/issuance/service';
import {
  callFn,
  documentForm,
  failure,
  httpGet,
  naatRecord,
  ok,
  postIngest,
  serve,
  signedIngest,
  snapshot,
  tempDir,
  unexpectedChanges,
  verifyAndBind,
  type Change,
  type Served,
} from './helpers';

const OPERATOR = 'e2e-chain-operator';
const LAB = DEMO_SOURCE_IDS.naatLab;
const [ZHANG_WEI, LI_NA, , , LIU_YANG, LYU_XINYI] = DEMO_CITIZENS;

let app: App;
let server: Served;
let labKey: Uint8Array;

/**
 * A fresh data folder, seeded, behind the gateway. Each group of tests gets its own, so each can
 * use 张伟, the demo citizen with two valid passports (ordinary and public-affairs).
 */
function freshApp(label: string): void {
  beforeAll(async () => {
    const dataDir = join(tempDir(`chain-${label}`), 'data');
    app = await openLocalApp(dataDir, { config: { operators: [OPERATOR] } });
    await seedDemo(app);
    server = await serve(app);
    // The lab's key as the lab holds it (wrapped in the store, read here through the app's vault).
    const key = await new WrappedKeyring(app.vault).keyFor(LAB);
    if (!key) throw new Error('the demo lab has no key');
    labKey = key;
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await app?.store.close();
  });
}

/** The lab's signed POST /ingest/records; the summary. */
async function ingest(
  records: unknown[],
): Promise<{ accepted: number; unchanged: number; updated: number; withdrawn: number; rejected: Array<{ index: number; field: string; code: string }> }> {
  return ok(postIngest(server.base, signedIngest(LAB, labKey, { records })));
}

const HOUR = 3_600_000;
const onlyTheNonce = (c: Change) => c.coll === 'ingestNonces' && c.before === undefined;

/** Every code of a certificate view, verified by core against the signed trust list fetched now. */
async function verdicts(view: { codes: { ithc: string; dcc: Array<{ code: string }> } }): Promise<Array<{ valid: boolean; errors: string[] }>> {
  const envelope = (await httpGet(`${server.base}/trustlist/signed`)).body;
  const now = Math.floor(Date.now() / 1000);
  const list = await verifyTrustList(envelope, { cscas: [await app.keys.cscaCertificate()], now, crypto: nodeCrypto });
  const keys = new KeyStore(list.keys);
  const out: Array<{ valid: boolean; errors: string[] }> = [];
  for (const code of [view.codes.ithc, ...view.codes.dcc.map((d) => d.code)]) {
    const v = await verifyCode(code, { keys, now, crypto: nodeCrypto, validateDccSchema, revocation: list.revocation });
    out.push({ valid: v.valid, errors: v.errors.map((e) => e.code) });
  }
  return out;
}

const allValid = (n: number) => Array.from({ length: n }, () => ({ valid: true, errors: [] }));
const allRevoked = (n: number) => Array.from({ length: n }, () => ({ valid: false, errors: ['REVOKED'] }));
const codeCount = (v: { codes: { dcc: unknown[] } }) => 1 + v.codes.dcc.length;

function documentOf(c: DemoCitizen, type: string) {
  const d = DEMO_DOCUMENTS.find((x) => x.holderIdNumber === c.idNumber && x.type === type && x.status === 'valid');
  if (!d) throw new Error(`no ${type} document for ${c.name}`);
  return d;
}

describe('records reach only their person', () => {
  freshApp('people');

  test("a lab-signed NAAT record for 李娜's ID number with the name 张三 is NAME_MISMATCH: not stored, not on 李娜's certificate", async () => {
    const sampled = Date.now() - HOUR;
    const before = await snapshot(app.store);
    const summary = await ingest([naatRecord({ idNumber: LI_NA.idNumber, name: ZHANG_WEI.name }, 'E2E-CHAIN-MIXUP', sampled)]);
    expect(summary).toMatchObject({ accepted: 0, unchanged: 0, updated: 0, withdrawn: 0 });
    expect(summary.rejected.map((r) => [r.index, r.field, r.code])).toEqual([[0, 'person.name', 'NAME_MISMATCH']]);
    expect(unexpectedChanges(before, await snapshot(app.store), onlyTheNonce)).toEqual([]);

    await verifyAndBind(server.base, 'e2e-chain-lina', LI_NA);
    const cert = await ok(callFn(server.base, 'certificate', 'e2e-chain-lina', { action: 'issue' }));
    const sampledSeconds = Math.floor(sampled / 1000);
    expect(cert.certificate.tests.map((t: { sampleTime: string }) => Date.parse(t.sampleTime) / 1000)).not.toContain(sampledSeconds);
    expect(await app.store.get('records', recordDocId(LAB, 'E2E-CHAIN-MIXUP'))).toBeNull();
  });

  test('a record for a valid but unregistered ID number is PERSON_UNKNOWN, and nothing is stored', async () => {
    const unregistered = buildResidentId('310104', '1990-01-01', 5);
    expect(DEMO_CITIZENS.some((c) => c.idNumber === unregistered)).toBe(false);
    const before = await snapshot(app.store);
    const summary = await ingest([naatRecord({ idNumber: unregistered, name: '王五' }, 'E2E-CHAIN-NOBODY', Date.now() - HOUR)]);
    expect(summary.rejected.map((r) => [r.field, r.code])).toEqual([['person.idNumber', 'PERSON_UNKNOWN']]);
    expect(unexpectedChanges(before, await snapshot(app.store), onlyTheNonce)).toEqual([]);
  });

  test('the registered name as labs write it (a space, full-width characters) reaches the person', async () => {
    const summary = await ingest([naatRecord({ idNumber: LI_NA.idNumber, name: '李\u3000娜' }, 'E2E-CHAIN-SPACED', Date.now() - 2 * HOUR)]);
    expect(summary).toMatchObject({ accepted: 1, rejected: [] });
    expect(await app.store.get('records', recordDocId(LAB, 'E2E-CHAIN-SPACED'))).toMatchObject({ personId: app.personIds.personId(LI_NA.idNumber) });
  });
});

describe('corrections and withdrawals revoke what they invalidate', () => {
  freshApp('corrections');

  test('"not detected" corrected to "detected": the old certificate is REVOKED on the signed list, get gives the corrected one and why; a withdrawal does the same', async () => {
    const openid = 'e2e-chain-zhangwei';
    await verifyAndBind(server.base, openid, ZHANG_WEI);
    const sampled = Date.now() - HOUR;
    const record = { ...naatRecord(ZHANG_WEI, 'E2E-CHAIN-CORR', sampled), result: '260415000' };
    expect(await ingest([record])).toMatchObject({ accepted: 1, rejected: [] });
    const first = await ok(callFn(server.base, 'certificate', openid, { action: 'issue' }));
    const carried = (v: any) => v.certificate.tests.filter((t: { sampleTime: string }) => Date.parse(t.sampleTime) === Math.floor(sampled / 1000) * 1000);
    expect(carried(first).map((t: { result: string }) => t.result)).toEqual(['260415000']);
    expect(await verdicts(first)).toEqual(allValid(codeCount(first)));

    // The lab corrects the result.
    const corrected = await ingest([{ ...record, result: '260373001' }]);
    expect(corrected).toMatchObject({ updated: 1, rejected: [] });
    expect(await verdicts(first)).toEqual(allRevoked(codeCount(first)));
    const revocations = await ok(callFn(server.base, 'admin', OPERATOR, { action: 'revocations' }));
    expect(revocations.find((r: { certificateId: string }) => r.certificateId === first.id)).toMatchObject({
      reasonCode: 'RECORD_CORRECTED',
      revokedBy: `source:${LAB}`,
    });

    // The holder's next look: a new certificate with the corrected result, and why the old one ended.
    const second = await ok(callFn(server.base, 'certificate', openid, { action: 'get' }));
    expect(second.id).not.toBe(first.id);
    expect(second.status).toBe('valid');
    expect(carried(second).map((t: { result: string }) => t.result)).toEqual(['260373001']);
    expect(second.previous).toEqual({
      id: first.id,
      revokedAt: expect.any(Number),
      reason: expect.stringMatching(/corrected a record/),
      reasonCode: 'RECORD_CORRECTED',
    });
    expect(await verdicts(second)).toEqual(allValid(codeCount(second)));
    expect(await ok(callFn(server.base, 'certificate', openid, { action: 'issue' }))).toEqual(second);

    // The lab withdraws the record altogether.
    const withdrawal = {
      operation: 'withdraw',
      sourceRecordId: 'E2E-CHAIN-CORR',
      person: { idNumber: ZHANG_WEI.idNumber, name: ZHANG_WEI.name },
      reason: '样本编号错配 / sample mix-up',
    };
    expect(await ingest([withdrawal])).toMatchObject({ withdrawn: 1, rejected: [] });
    expect(await verdicts(second)).toEqual(allRevoked(codeCount(second)));
    const third = await ok(callFn(server.base, 'certificate', openid, { action: 'issue' }));
    expect(carried(third)).toEqual([]);
    expect(third.previous).toMatchObject({ id: second.id, reasonCode: 'RECORD_WITHDRAWN' });
    expect(await verdicts(third)).toEqual(allValid(codeCount(third)));

    // Withdrawing again changes nothing but the nonce; the earlier certificates stay revoked.
    const before = await snapshot(app.store);
    expect(await ingest([withdrawal])).toMatchObject({ unchanged: 1, withdrawn: 0, rejected: [] });
    expect(unexpectedChanges(before, await snapshot(app.store), onlyTheNonce)).toEqual([]);
    expect(await verdicts(first)).toEqual(allRevoked(codeCount(first)));
  });

  test('a correction revokes every certificate carrying the record, whichever travel document it was issued for', async () => {
    const openid = 'e2e-chain-zhangwei'; // verified, with his ordinary passport bound, above
    const sampled = Date.now() - HOUR / 2;
    await ingest([naatRecord(ZHANG_WEI, 'E2E-CHAIN-BOTH', sampled)]);
    const viaOrdinary = await ok(callFn(server.base, 'certificate', openid, { action: 'issue' }));
    await ok(callFn(server.base, 'document', openid, documentForm(documentOf(ZHANG_WEI, 'public-affairs'))));
    const viaPublicAffairs = await ok(callFn(server.base, 'certificate', openid, { action: 'issue' }));
    expect(viaPublicAffairs.id).not.toBe(viaOrdinary.id);
    expect(viaPublicAffairs.certificate.holder.documentNumber).toBe(documentOf(ZHANG_WEI, 'public-affairs').number);
    expect(await ingest([{ ...naatRecord(ZHANG_WEI, 'E2E-CHAIN-BOTH', sampled), centre: '北京市朝阳区疾病预防控制中心核酸检测实验室（复核）' }])).toMatchObject(
      { updated: 1, rejected: [] },
    );
    expect(await verdicts(viaOrdinary)).toEqual(allRevoked(codeCount(viaOrdinary)));
    expect(await verdicts(viaPublicAffairs)).toEqual(allRevoked(codeCount(viaPublicAffairs)));
  });
});

describe('revocation that holds', () => {
  freshApp('holds');

  test("张伟's certificate revoked with blockRecords: through his public-affairs passport issue is RECORDS_BLOCKED, nothing written; a certificate already issued through it is revoked too", async () => {
    const openid = 'e2e-chain-zhangwei';
    await verifyAndBind(server.base, openid, ZHANG_WEI);
    const ordinary = await ok(callFn(server.base, 'certificate', openid, { action: 'issue' }));
    await ok(callFn(server.base, 'document', openid, documentForm(documentOf(ZHANG_WEI, 'public-affairs'))));
    const publicAffairs = await ok(callFn(server.base, 'certificate', openid, { action: 'issue' }));
    expect(publicAffairs.id).not.toBe(ordinary.id);
    expect(publicAffairs.certificate.tests).toEqual(ordinary.certificate.tests);

    const reason = '记录系伪造 / the records are fraudulent';
    const r = await ok(callFn(server.base, 'admin', OPERATOR, { action: 'revoke', certificateId: ordinary.id, reason, blockRecords: true }));
    expect(r).toEqual({ revoked: true, alsoRevoked: [publicAffairs.id] });
    expect(await verdicts(ordinary)).toEqual(allRevoked(codeCount(ordinary)));
    expect(await verdicts(publicAffairs)).toEqual(allRevoked(codeCount(publicAffairs)));

    // Through either passport: refused with a typed error, and nothing written.
    for (const type of ['public-affairs', 'ordinary']) {
      if (type === 'ordinary') await ok(callFn(server.base, 'document', openid, documentForm(documentOf(ZHANG_WEI, 'ordinary'))));
      const at = await snapshot(app.store);
      const refused = await callFn(server.base, 'certificate', openid, { action: 'issue' });
      expect(failure(refused)).toEqual({ status: 422, ok: false, code: 'RECORDS_BLOCKED' });
      expect(refused.body.error.messageCode).toBe('server.recordsBlocked');
      expect(unexpectedChanges(at, await snapshot(app.store))).toEqual([]);
    }
    // get shows the ended certificate and why: an operator's decision is not re-issued by get.
    const seen = await ok(callFn(server.base, 'certificate', openid, { action: 'get' }));
    expect(seen).toMatchObject({ status: 'revoked', revokedReason: reason, revokedReasonCode: 'RECORDS_INVALID' });

    // Audited: both revocations, and one block per record version, by the operator.
    const audit = await app.store.find('audit', { personId: app.personIds.personId(ZHANG_WEI.idNumber) }, { limit: 1000 });
    expect(
      audit
        .filter((e) => e.action === 'certificate.revoke')
        .map((e) => [e.certificateId, e.reasonCode, e.actor])
        .sort(),
    ).toEqual(
      [
        [ordinary.id, 'RECORDS_INVALID', userIdFor(OPERATOR)],
        [publicAffairs.id, 'RECORDS_INVALID', userIdFor(OPERATOR)],
      ].sort(),
    );
    const doc = (await app.store.find('certificates', { uci: ordinary.id }))[0] as CertificateDoc;
    const c = ordinary.certificate;
    expect(doc.records!.length).toBe(c.tests.length + c.antibodyTests.length + c.vaccinations.length);
    for (const x of doc.records!) expect(recordVersion((await app.store.get('records', x.id))!)).toBe(x.version);
    expect(
      audit
        .filter((e) => e.action === 'record.block')
        .map((e) => [e.recordId, e.version, e.actor])
        .sort(),
    ).toEqual(doc.records!.map((x) => [x.id, x.version, userIdFor(OPERATOR)]).sort());
  });

  test('a hold on a person stops every issuance with ISSUANCE_HELD until released; refusals write nothing; all audited', async () => {
    const openid = 'e2e-chain-liuyang';
    await verifyAndBind(server.base, openid, LIU_YANG);
    const reason = '涉嫌冒用身份 / suspected identity fraud';

    // Only operators; malformed requests are refused; nothing written.
    let before = await snapshot(app.store);
    expect(failure(await callFn(server.base, 'admin', openid, { action: 'hold', idNumber: LIU_YANG.idNumber, reason }))).toEqual({
      status: 403,
      ok: false,
      code: 'FORBIDDEN',
    });
    for (const bad of [
      { reason },
      { idNumber: LIU_YANG.idNumber, certificateId: 'URN:UVCI:01:CN:ABC#X', reason },
      { idNumber: LIU_YANG.idNumber.slice(0, 17) + (LIU_YANG.idNumber[17] === '0' ? '1' : '0'), reason },
      { idNumber: LIU_YANG.idNumber, reason: ' ' },
    ]) {
      expect(failure(await callFn(server.base, 'admin', OPERATOR, { action: 'hold', ...bad })).code).toBe('VALIDATION_FAILED');
    }
    expect(unexpectedChanges(before, await snapshot(app.store))).toEqual([]);

    const held = await ok(callFn(server.base, 'admin', OPERATOR, { action: 'hold', idNumber: LIU_YANG.idNumber, reason }));
    expect(held).toEqual({ held: true, personId: app.personIds.personId(LIU_YANG.idNumber) });
    expect(failure(await callFn(server.base, 'admin', OPERATOR, { action: 'hold', idNumber: LIU_YANG.idNumber, reason }))).toEqual({
      status: 409,
      ok: false,
      code: 'CONFLICT',
    });
    const list = await ok(callFn(server.base, 'admin', OPERATOR, { action: 'holds' }));
    expect(list).toContainEqual(
      expect.objectContaining({ personId: held.personId, reason, idNumberMasked: expect.stringMatching(/\*/), placedBy: userIdFor(OPERATOR) }),
    );

    before = await snapshot(app.store);
    const refused = await callFn(server.base, 'certificate', openid, { action: 'issue' });
    expect(failure(refused)).toEqual({ status: 403, ok: false, code: 'ISSUANCE_HELD' });
    expect(refused.body.error.messageCode).toBe('server.issuanceHeld');
    expect(unexpectedChanges(before, await snapshot(app.store))).toEqual([]);

    await ok(callFn(server.base, 'admin', OPERATOR, { action: 'releaseHold', idNumber: LIU_YANG.idNumber, reason: '核实为本人 / identity confirmed' }));
    expect(await ok(callFn(server.base, 'admin', OPERATOR, { action: 'holds' }))).not.toContainEqual(expect.objectContaining({ personId: held.personId }));
    const cert = await ok(callFn(server.base, 'certificate', openid, { action: 'issue' }));
    expect(cert.status).toBe('valid');

    const audit = await app.store.find('audit', { personId: held.personId }, { limit: 1000 });
    expect(
      audit
        .filter((e) => e.action === 'issuance.hold' || e.action === 'issuance.release')
        .map((e) => [e.action, e.actor, e.reason])
        .sort(),
    ).toEqual([
      ['issuance.hold', userIdFor(OPERATOR), reason],
      ['issuance.release', userIdFor(OPERATOR), '核实为本人 / identity confirmed'],
    ]);
  });

  test('a hold can name the person by one of their certificates', async () => {
    const openid = 'e2e-chain-lyu';
    await verifyAndBind(server.base, openid, LYU_XINYI);
    const cert = await ok(callFn(server.base, 'certificate', openid, { action: 'issue' }));
    await ok(callFn(server.base, 'admin', OPERATOR, { action: 'hold', certificateId: cert.id, reason: '涉嫌冒用身份 / suspected identity fraud' }));
    expect(failure(await callFn(server.base, 'certificate', openid, { action: 'issue' })).code).toBe('ISSUANCE_HELD');
    await ok(callFn(server.base, 'admin', OPERATOR, { action: 'releaseHold', certificateId: cert.id, reason: '核实为本人 / identity confirmed' }));
    expect((await ok(callFn(server.base, 'certificate', openid, { action: 'issue' }))).id).toBe(cert.id);
  });
});

describe('a revocation without blockRecords', () => {
  freshApp('plain');

  test('ends only that certificate: its records issue again through another travel document', async () => {
    const openid = 'e2e-chain-zhangwei';
    await verifyAndBind(server.base, openid, ZHANG_WEI);
    const cert = await ok(callFn(server.base, 'certificate', openid, { action: 'issue' }));
    await ok(callFn(server.base, 'admin', OPERATOR, { action: 'revoke', certificateId: cert.id, reason: '证件遗失 / passport reported lost' }));
    expect(failure(await callFn(server.base, 'certificate', openid, { action: 'issue' }))).toEqual({ status: 409, ok: false, code: 'CONFLICT' });
    await ok(callFn(server.base, 'document', openid, documentForm(documentOf(ZHANG_WEI, 'public-affairs'))));
    const other = await ok(callFn(server.base, 'certificate', openid, { action: 'issue' }));
    expect(other).toMatchObject({ status: 'valid', previous: { id: cert.id, reasonCode: 'OPERATOR' } });
    expect(other.certificate.tests).toEqual(cert.certificate.tests);
  });
});
