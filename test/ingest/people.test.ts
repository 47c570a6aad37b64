/**
 * Records reach only their person: the ID number and the name are both checked against the
 * citizen registry (the resolver production wires, registryPersons over `citizens`), names compared
 * as people write them; and a source can withdraw a record it sent, idempotently.
 */
import { recordDocId } from '../../server/records/record-id';
import { bench, LAB, naatJson, PEOPLE, UNREGISTERED, type Bench } from './helpers';
import * as F from './fhir-fixtures';

let b: Bench;
beforeEach(async () => {
  b = await bench();
});
afterEach(async () => {
  await b.close();
});

const stored = (sourceRecordId: string) => b.ts.store.get('records', recordDocId(LAB, sourceRecordId));
/** The store's content besides nonces (a request's nonce is its replay protection, kept even when every record is refused). */
async function besidesNonces(snap?: string): Promise<Record<string, unknown>> {
  const { ingestNonces: _n, ...rest } = JSON.parse(snap ?? (await b.ts.snapshot()));
  return rest;
}

describe('the person: ID number and name against the registry', () => {
  test.each([
    ['full-width letters and an ideographic space', '张\u3000三', 0],
    ['a space between surname and given name', '张 三', 0],
    ['surrounding and zero-width spaces', ' \u200B张三 ', 0],
    ['the middle dot as written: ·', '买买提·艾力', 2],
    ['bullet •', '买买提•艾力', 2],
    ['katakana middle dot ・', '买买提・艾力', 2],
    ['full-width full stop ．', '买买提．艾力', 2],
    ['hyphenation point ‧', '买买提‧艾力', 2],
    ['full stop .', '买买提.艾力', 2],
    ['half-width katakana middle dot ･ with spaces', '买买提 ･ 艾力', 2],
  ])('a name written with %s is the registered name', async (_what, name, i) => {
    const summary = await b.send({ records: [naatJson({}, { ...PEOPLE[i], name })] });
    expect(summary).toMatchObject({ accepted: 1, rejected: [] });
    expect((await stored('HS20240501-0001'))?.personId).toBe(PEOPLE[i].personId);
  });

  test("another person's name with a registered ID number is NAME_MISMATCH, and nothing is stored", async () => {
    const before = await b.ts.snapshot();
    // 李四's ID number with 张三's name: a mix-up at the lab, or an attempt to put a result on someone else.
    const summary = await b.send({ records: [naatJson({}, { ...PEOPLE[1], name: PEOPLE[0].name })] });
    expect(summary).toEqual({
      accepted: 0,
      unchanged: 0,
      updated: 0,
      withdrawn: 0,
      rejected: [{ index: 0, field: 'person.name', code: 'NAME_MISMATCH', message: expect.stringMatching(/not the one registered/) }],
    });
    expect(await besidesNonces()).toEqual(await besidesNonces(before));
  });

  test('a valid ID number nobody is registered under is PERSON_UNKNOWN, and nothing is stored', async () => {
    const before = await b.ts.snapshot();
    const summary = await b.send({ records: [naatJson({}, UNREGISTERED)] });
    expect(summary.rejected.map((r) => [r.field, r.code])).toEqual([['person.idNumber', 'PERSON_UNKNOWN']]);
    expect(summary.accepted).toBe(0);
    expect(await besidesNonces()).toEqual(await besidesNonces(before));
  });

  test('an inactive registry entry (cancelled, deceased) names nobody', async () => {
    await b.ts.store.update('citizens', PEOPLE[1].idNumber, { status: 'cancelled' });
    const summary = await b.send({ records: [naatJson({}, PEOPLE[1])] });
    expect(summary.rejected.map((r) => r.code)).toEqual(['PERSON_UNKNOWN']);
    expect(await stored('HS20240501-0001')).toBeNull();
  });

  test('a name differing by one character is a mismatch, not a near match', async () => {
    const summary = await b.send({ records: [naatJson({}, { ...PEOPLE[0], name: '张叁' })] });
    expect(summary.rejected.map((r) => r.code)).toEqual(['NAME_MISMATCH']);
  });

  test('FHIR: the Patient name is checked the same way (family + given, or text)', async () => {
    const wrong = F.patient('urn:uuid:patient-1', { ...PEOPLE[1], name: PEOPLE[0].name });
    const s1 = await b.send(F.bundle([wrong, F.labOrganization(), F.naatObservation()]));
    expect(s1.rejected.map((r) => [r.index, r.field, r.code])).toEqual([[2, 'Patient.name', 'NAME_MISMATCH']]);
    const unknown = F.patient('urn:uuid:patient-1', UNREGISTERED);
    const s2 = await b.send(F.bundle([unknown, F.labOrganization(), F.naatObservation()]));
    expect(s2.rejected.map((r) => [r.index, r.field, r.code])).toEqual([[2, 'Patient.identifier', 'PERSON_UNKNOWN']]);
    const split = F.patient('urn:uuid:patient-1', PEOPLE[0], { splitName: true });
    expect((await b.send(F.bundle([split, F.labOrganization(), F.naatObservation()]))).accepted).toBe(1);
    expect(await b.ts.store.count('records', {})).toBe(1);
  });
});

describe('withdrawing a record', () => {
  const withdraw = (over: Record<string, unknown> = {}, person = PEOPLE[0]) => ({
    operation: 'withdraw',
    sourceRecordId: 'HS20240501-0001',
    person: { idNumber: person.idNumber, name: person.name },
    reason: '样本编号错配 / sample mix-up',
    ...over,
  });

  test('marks the record withdrawn (kept on file), audited; sending it again is unchanged', async () => {
    await b.send({ records: [naatJson()] });
    b.clock.advance(60_000);
    const at = b.clock.now();
    expect(await b.send({ records: [withdraw()] })).toEqual({ accepted: 0, unchanged: 0, updated: 0, withdrawn: 1, rejected: [] });
    expect(await stored('HS20240501-0001')).toMatchObject({
      result: '260415000',
      withdrawnAt: at,
      withdrawnReason: '样本编号错配 / sample mix-up',
      updatedAt: at,
    });
    const audit = await b.ts.store.find('audit', { action: 'record.withdraw' });
    expect(audit).toEqual([
      expect.objectContaining({ actor: `source:${LAB}`, personId: PEOPLE[0].personId, recordId: recordDocId(LAB, 'HS20240501-0001'), at }),
    ]);
    const before = await b.ts.snapshot();
    b.clock.advance(60_000);
    expect(await b.send({ records: [withdraw()] })).toEqual({ accepted: 0, unchanged: 1, updated: 0, withdrawn: 0, rejected: [] });
    expect(await besidesNonces()).toEqual(await besidesNonces(before));
  });

  test('the record sent again after a withdrawal is reinstated (updated)', async () => {
    await b.send({ records: [naatJson()] });
    await b.send({ records: [withdraw()] });
    expect(await b.send({ records: [naatJson()] })).toMatchObject({ updated: 1, rejected: [] });
    expect((await stored('HS20240501-0001'))?.withdrawnAt).toBeUndefined();
  });

  test("an unknown record id, or someone else's record, is NOT_FOUND and changes nothing", async () => {
    await b.send({ records: [naatJson()] });
    const before = await b.ts.snapshot();
    const summary = await b.send({ records: [withdraw({ sourceRecordId: 'NO-SUCH-RECORD' }), withdraw({}, PEOPLE[1])] });
    expect(summary.withdrawn).toBe(0);
    expect(summary.rejected.map((r) => [r.index, r.field, r.code])).toEqual([
      [0, 'sourceRecordId', 'NOT_FOUND'],
      [1, 'sourceRecordId', 'NOT_FOUND'],
    ]);
    expect(await besidesNonces()).toEqual(await besidesNonces(before));
  });

  test('a withdrawal needs a reason and the registered person, and takes no record fields', async () => {
    await b.send({ records: [naatJson()] });
    const before = await b.ts.snapshot();
    const summary = await b.send({
      records: [
        withdraw({ reason: ' ' }),
        withdraw({ sourceRecordId: 'HS20240501-0002' }, { ...PEOPLE[0], name: PEOPLE[1].name }),
        withdraw({ sourceRecordId: 'HS20240501-0003', result: '260373001' }),
        withdraw({ sourceRecordId: 'HS20240501-0004', operation: 'delete' }),
      ],
    });
    expect(summary.rejected.map((r) => [r.index, r.field, r.code])).toEqual([
      [0, 'reason', 'REQUIRED'],
      [1, 'person.name', 'NAME_MISMATCH'],
      [2, 'result', 'UNKNOWN_FIELD'],
      // An operation we do not know is no withdrawal: read as a record, it lacks a kind too.
      [3, 'operation', 'INVALID'],
      [3, 'reason', 'UNKNOWN_FIELD'],
      [3, 'kind', 'REQUIRED'],
    ]);
    expect(await besidesNonces()).toEqual(await besidesNonces(before));
  });

  test('a record and its withdrawal in one request: the second is a DUPLICATE', async () => {
    const summary = await b.send({ records: [naatJson(), withdraw()] });
    expect(summary.accepted).toBe(1);
    expect(summary.rejected.map((r) => [r.index, r.code])).toEqual([[1, 'DUPLICATE']]);
  });

  test('FHIR: an Observation with status entered-in-error withdraws the record, with its note as the reason', async () => {
    await b.send(F.bundle([F.patient(), F.labOrganization(), F.naatObservation()]));
    const erroneous = F.naatObservation({ status: 'entered-in-error', note: [{ text: '结果录入错误 / result entered in error' }] });
    expect(await b.send(F.bundle([F.patient(), erroneous]))).toMatchObject({ withdrawn: 1, rejected: [] });
    expect(await b.ts.store.get('records', recordDocId(LAB, 'HS-FHIR-0001'))).toMatchObject({ withdrawnReason: '结果录入错误 / result entered in error' });
    expect(await b.send(F.bundle([F.patient(), F.naatObservation({ status: 'entered-in-error' })]))).toMatchObject({ unchanged: 1, withdrawn: 0 });
  });
});
