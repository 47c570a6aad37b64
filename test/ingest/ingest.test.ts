/**
 * The ingestion endpoint's logic end to end on the test store: signed requests in, summaries and
 * stored records out. Whole-request failures must leave the store exactly as it was.
 */
import { recordDocId } from '../../server/records/record-id';
import { generateSourceKey, newNonce } from '../../server/ingest/signature';
import type { IngestRequest } from '../../server/ingest/service';
import { ITHC_FHIR, SYSTEMS } from '../../server/ingest/fhir';
import { bench, failure, iggJson, LAB, naatJson, NOW, PEOPLE, SITE, vaccinationJson, type Bench } from './helpers';
import * as F from './fhir-fixtures';

let b: Bench;
beforeEach(async () => {
  b = await bench();
});
afterEach(async () => {
  await b.close();
});

const stored = (sourceId: string, sourceRecordId: string) => b.ts.store.get('records', recordDocId(sourceId, sourceRecordId));
const allRecords = () => b.ts.store.find('records', {}, { orderBy: { field: '_id', direction: 'asc' }, limit: 1000 });

describe('our JSON format', () => {
  test('a lab batch is stored, tied to the resolved person and the source', async () => {
    const summary = await b.send({ records: [naatJson(), iggJson()] });
    expect(summary).toEqual({ accepted: 2, unchanged: 0, updated: 0, withdrawn: 0, rejected: [] });
    const naat = await stored(LAB, 'HS20240501-0001');
    expect(naat).toEqual({
      _id: recordDocId(LAB, 'HS20240501-0001'),
      kind: 'naat',
      personId: PEOPLE[0].personId,
      sourceId: LAB,
      sourceRecordId: 'HS20240501-0001',
      country: 'CN',
      issuer: '北京市朝阳区疾病预防控制中心', // the source's name: the record named no issuer
      receivedAt: NOW,
      sampledAt: '2024-05-01T09:30:00+08:00',
      result: '260415000',
      testType: 'LP6464-4',
      centre: naatJson().centre,
    });
    expect(await stored(LAB, 'IGG-20240501-0001')).toMatchObject({ kind: 'igg', result: 'positive', value: 26.8, unit: 'AU/mL', method: 'CLIA' });
    // One registry lookup per distinct person.
    expect(b.lookups).toEqual([PEOPLE[0].idNumber]);
  });

  test('a vaccination site’s batch is stored with the DCC codes', async () => {
    const summary = await b.send(
      { records: [vaccinationJson(), vaccinationJson({ sourceRecordId: 'JZ-0002', date: '2021-05-10', dose: 2 })] },
      { source: SITE },
    );
    expect(summary).toEqual({ accepted: 2, unchanged: 0, updated: 0, withdrawn: 0, rejected: [] });
    expect(await stored(SITE, 'JZ-0002')).toMatchObject({
      kind: 'vaccination',
      product: 'BBIBP-CorV',
      manufacturer: 'ORG-100020693',
      vaccine: '1157024006',
      disease: '840539006',
      dose: 2,
      doses: 2,
    });
  });

  test('valid records are stored and each invalid one is answered with index, field, code and message', async () => {
    const summary = await b.send({
      records: [
        naatJson({ sourceRecordId: 'OK-1' }),
        naatJson({ sourceRecordId: 'BAD-1', result: 'negative' }),
        naatJson({ sourceRecordId: 'BAD-2' }, { ...PEOPLE[1], name: '王五' }),
        vaccinationJson({ sourceRecordId: 'BAD-3' }),
        naatJson({ sourceRecordId: 'BAD-4', colour: 'blue' }),
        'not a record',
        naatJson({ sourceRecordId: 'OK-1' }),
        naatJson({ sourceRecordId: 'BAD-5', person: { idNumber: '12345', name: '张三' } }),
      ],
    });
    expect(summary.accepted).toBe(1);
    expect(summary.rejected.map((r) => [r.index, r.field, r.code])).toEqual([
      [1, 'result', 'UNKNOWN_CODE'],
      [2, 'person.name', 'NAME_MISMATCH'],
      [3, 'kind', 'NOT_PERMITTED'],
      [4, 'colour', 'UNKNOWN_FIELD'],
      [5, '', 'INVALID'],
      [6, 'sourceRecordId', 'DUPLICATE'],
      [7, 'person.idNumber', 'INVALID'],
    ]);
    for (const r of summary.rejected) expect(r.message.length).toBeGreaterThan(5);
    expect((await allRecords()).map((d) => d.sourceRecordId)).toEqual(['OK-1']);
  });

  test('re-sending the same records stores nothing new and reports them unchanged', async () => {
    const batch = { records: [naatJson(), iggJson()] };
    await b.send(batch);
    const before = JSON.stringify(await allRecords());
    b.clock.advance(60_000);
    expect(await b.send(batch)).toEqual({ accepted: 0, unchanged: 2, updated: 0, withdrawn: 0, rejected: [] });
    expect(JSON.stringify(await allRecords())).toBe(before);
  });

  test('a corrected record replaces the stored one and is reported as updated', async () => {
    await b.send({ records: [naatJson()] });
    b.clock.advance(3_600_000);
    const summary = await b.send({ records: [naatJson({ result: '260373001' }), iggJson()] });
    expect(summary).toEqual({ accepted: 1, unchanged: 0, updated: 1, withdrawn: 0, rejected: [] });
    const doc = await stored(LAB, 'HS20240501-0001');
    expect(doc).toMatchObject({ result: '260373001', receivedAt: NOW, updatedAt: NOW + 3_600_000 });
    expect(await allRecords()).toHaveLength(2);
  });

  test('records of a whole-request failure: empty batch, too many records, unknown top-level field', async () => {
    const small = await bench({ maxRecords: 2 });
    try {
      for (const body of [
        { records: [] },
        { records: [naatJson(), iggJson(), naatJson({ sourceRecordId: 'x' })] },
        { records: [naatJson()], extra: 1 },
        [naatJson()],
      ]) {
        const before = await small.ts.snapshot();
        const e = await failure(small.send(body));
        expect(e.code).toBe('VALIDATION_FAILED');
        expect(await small.ts.snapshot()).toBe(before);
      }
    } finally {
      await small.close();
    }
  });
});

describe('FHIR R4 Bundles', () => {
  test('Observations with accepted LOINC codes become NAAT and IgG records', async () => {
    const summary = await b.send(bundle([F.patient(), F.labOrganization(), F.naatObservation(), F.iggQuantObservation(), F.iggQualObservation()]), {
      contentType: 'application/fhir+json; charset=utf-8',
    });
    expect(summary).toEqual({ accepted: 3, unchanged: 0, updated: 0, withdrawn: 0, rejected: [] });
    expect(await stored(LAB, 'HS-FHIR-0001')).toMatchObject({
      kind: 'naat',
      personId: PEOPLE[0].personId,
      sampledAt: '2024-05-01T09:30:00+08:00',
      result: '260415000',
      issuer: '北京市朝阳区疾病预防控制中心',
      centre: '北京市朝阳区疾病预防控制中心',
      country: 'CN',
      testName: '新型冠状病毒2019-nCoV核酸检测试剂盒（荧光PCR法）',
    });
    expect(await stored(LAB, 'IGG-FHIR-0001')).toMatchObject({ kind: 'igg', result: 'positive', value: 26.8, unit: 'AU/mL' });
    expect(await stored(LAB, 'IGG-FHIR-0002')).toMatchObject({ kind: 'igg', result: 'negative', centre: '北京市海淀医院检验科' });
  });

  test('IgG units: UCUM spellings map to the certificate’s units; others and mass concentrations are refused', async () => {
    const entries = [
      F.patient(),
      F.labOrganization(),
      F.iggQuantObservation({ identifier: [{ value: 'Q-1' }], valueQuantity: { value: 310, system: 'http://unitsofmeasure.org', code: '{BAU}/mL' } }),
      F.iggQuantObservation({ identifier: [{ value: 'Q-2' }], valueQuantity: { value: 3, system: 'http://unitsofmeasure.org', code: 'mg/dL' } }),
      F.iggQuantObservation({
        identifier: [{ value: 'Q-3' }],
        code: { coding: [{ system: 'http://loinc.org', code: '96742-2' }] },
        valueQuantity: { value: 19, system: 'http://unitsofmeasure.org', code: 'ug/mL' },
      }),
    ];
    const summary = await b.send(bundle(entries));
    expect(summary.accepted).toBe(1);
    expect(await stored(LAB, 'Q-1')).toMatchObject({ value: 310, unit: 'BAU/mL', result: 'positive' });
    expect(summary.rejected.map((r) => [r.index, r.field, r.code])).toEqual([
      [3, 'Observation.valueQuantity.code', 'UNKNOWN_CODE'],
      [4, 'Observation.code', 'UNKNOWN_CODE'],
    ]);
  });

  test('what a foreign authority needs: the NAAT report time; the IgG assay, antigen target, threshold and censored value', async () => {
    const device = {
      fullUrl: 'urn:uuid:device-1',
      resource: {
        resourceType: 'Device',
        identifier: [{ system: ITHC_FHIR.assaySystem, value: '1' }],
        deviceName: [{ name: 'ignored when coded', type: 'user-friendly-name' }],
      },
    };
    const byName = {
      fullUrl: 'urn:uuid:device-2',
      resource: { resourceType: 'Device', manufacturer: 'Example Diagnostics', deviceName: [{ name: 'SARS-CoV-2 N IgG ELISA', type: 'user-friendly-name' }] },
    };
    const entries = [
      F.patient(),
      F.labOrganization(),
      device,
      byName,
      F.naatObservation({ issued: '2024-05-01T15:30:00+08:00' }),
      // Quantitative, censored below the assay's range, with its cut-off as the reference range's upper limit.
      F.iggQuantObservation({
        identifier: [{ value: 'Q-CENSORED' }],
        valueQuantity: { value: 0.4, comparator: '<', system: SYSTEMS.ucum, code: "[arb'U]/mL" },
        referenceRange: [{ high: { value: 1, system: SYSTEMS.ucum, code: "[arb'U]/mL" } }],
        interpretation: [{ coding: [{ system: SYSTEMS.interpretation, code: 'NEG' }] }],
        device: { reference: 'urn:uuid:device-1' },
        extension: [{ url: ITHC_FHIR.targetExtension, valueCode: 'rbd' }],
      }),
      // Qualitative, antigen-specific LOINC (S protein IgG), the assay by name on its Device.
      F.iggQualObservation({
        identifier: [{ value: 'S-PROTEIN' }],
        code: { coding: [{ system: SYSTEMS.loinc, code: '99597-7' }] },
        device: { reference: 'urn:uuid:device-2' },
      }),
      F.iggQualObservation({ identifier: [{ value: 'N-PROTEIN' }], code: { coding: [{ system: SYSTEMS.loinc, code: '99596-9' }] } }),
      // Refused: a reference range in another unit; a comparator that is no censored value.
      F.iggQuantObservation({ identifier: [{ value: 'BAD-RANGE' }], referenceRange: [{ high: { value: 1, system: SYSTEMS.ucum, code: '{COI}' } }] }),
      F.iggQuantObservation({ identifier: [{ value: 'BAD-CMP' }], valueQuantity: { value: 250, comparator: '>=', system: SYSTEMS.ucum, code: "[arb'U]/mL" } }),
    ];
    const summary = await b.send(bundle(entries));
    expect(summary.rejected.map((r) => [r.index, r.field, r.code])).toEqual([
      [8, 'Observation.referenceRange.high', 'INVALID'],
      [9, 'Observation.valueQuantity.comparator', 'UNKNOWN_CODE'],
    ]);
    expect(summary.accepted).toBe(4);
    expect(await stored(LAB, 'HS-FHIR-0001')).toMatchObject({ reportedAt: '2024-05-01T15:30:00+08:00' });
    expect(await stored(LAB, 'Q-CENSORED')).toMatchObject({
      value: 0.4,
      comparator: '<',
      cutoff: 1,
      unit: 'AU/mL',
      result: 'negative',
      assayCode: 1,
      target: 'rbd',
    });
    const sProtein = await stored(LAB, 'S-PROTEIN');
    expect(sProtein).toMatchObject({ target: 'spike', assay: 'SARS-CoV-2 N IgG ELISA', manufacturer: 'Example Diagnostics' });
    expect(sProtein).not.toHaveProperty('assayCode');
    expect(await stored(LAB, 'N-PROTEIN')).toMatchObject({ target: 'nucleocapsid' });
  });

  test('a detected NAAT coded with a LOINC answer maps to the DCC "detected" code', async () => {
    const obs = F.naatObservation({ valueCodeableConcept: { coding: [{ system: 'http://loinc.org', code: 'LA11882-0' }] } });
    await b.send(bundle([F.patient(), F.labOrganization(), obs]));
    expect(await stored(LAB, 'HS-FHIR-0001')).toMatchObject({ result: '260373001' });
  });

  test('Immunizations by DCC product or CVX code become vaccination records', async () => {
    const cvx = F.immunization(
      {
        vaccineCode: { coding: [{ system: 'http://hl7.org/fhir/sid/cvx', code: '511' }] },
        manufacturer: undefined,
        occurrenceDateTime: '2021-05-10',
        protocolApplied: [{ doseNumberPositiveInt: 2, seriesDosesPositiveInt: 2 }],
      },
      'JZ-FHIR-0002',
    );
    const p = F.patientById('p1');
    p.resource = {
      ...p.resource,
      identifier: F.patient(undefined, PEOPLE[0], { useType: true }).resource.identifier,
      name: F.patient(undefined, PEOPLE[0], { splitName: true }).resource.name,
    };
    const summary = await b.send(bundle([p, F.siteLocation(), F.immunization(), cvx], 'transaction'), { source: SITE });
    expect(summary).toEqual({ accepted: 2, unchanged: 0, updated: 0, withdrawn: 0, rejected: [] });
    expect(await stored(SITE, 'JZ-FHIR-0001')).toMatchObject({
      kind: 'vaccination',
      personId: PEOPLE[0].personId,
      date: '2021-04-12',
      product: 'BBIBP-CorV',
      manufacturer: 'ORG-100020693',
      vaccine: '1157024006',
      disease: '840539006',
      dose: 1,
      doses: 2,
      issuer: '北京市朝阳区劲松社区卫生服务中心',
      country: 'CN',
    });
    // CVX 511 is CoronaVac; its authorisation holder comes from Annex A.
    expect(await stored(SITE, 'JZ-FHIR-0002')).toMatchObject({ product: 'CoronaVac', manufacturer: 'Sinovac-Biotech', dose: 2 });
  });

  test('each unacceptable entry is rejected at its Bundle.entry index; the rest are stored', async () => {
    const entries = [
      F.patient(), // 0
      F.labOrganization(), // 1
      F.naatObservation(), // 2: fine
      F.naatObservation({ identifier: [{ value: 'U-1' }], code: { coding: [{ system: 'http://loinc.org', code: '94558-4' }] } }), // 3: antigen test, not accepted
      F.naatObservation({ identifier: [{ value: 'U-2' }], valueCodeableConcept: { coding: [{ system: 'http://snomed.info/sct', code: '419984006' }] } }), // 4: inconclusive
      F.naatObservation({ identifier: [{ value: 'U-3' }], subject: { reference: 'urn:uuid:nobody' } }), // 5
      { resource: { resourceType: 'DiagnosticReport', status: 'final' } }, // 6
      F.naatObservation({ identifier: [{ value: 'U-4' }], effectiveDateTime: '2024-05-01' }), // 7: a date is no sample time
      F.iggQuantObservation({ identifier: [{ value: 'U-5' }], interpretation: undefined }), // 8
      F.naatObservation({ identifier: [{ value: 'U-6' }], status: 'preliminary' }), // 9
    ];
    const summary = await b.send(bundle(entries));
    expect(summary.accepted).toBe(1);
    expect(summary.rejected.map((r) => [r.index, r.field, r.code])).toEqual([
      [3, 'Observation.code', 'UNKNOWN_CODE'],
      [4, 'Observation.valueCodeableConcept', 'UNSUPPORTED'],
      [5, 'Observation.subject', 'REQUIRED'],
      [6, 'DiagnosticReport', 'UNSUPPORTED'],
      [7, 'Observation.effectiveDateTime', 'INVALID'],
      [8, 'Observation.interpretation', 'REQUIRED'],
      [9, 'Observation.status', 'UNSUPPORTED'],
    ]);
    expect((await allRecords()).map((d) => d.sourceRecordId)).toEqual(['HS-FHIR-0001']);
  });

  test('immunization rejections name the FHIR element', async () => {
    const entries = [
      F.patientById(),
      F.siteLocation(),
      F.immunization({ status: 'not-done' }, 'R-1'),
      F.immunization({ vaccineCode: { coding: [{ system: 'http://hl7.org/fhir/sid/cvx', code: '03' }] } }, 'R-2'),
      F.immunization({ vaccineCode: { coding: [{ system: SYSTEMS.dccProduct, code: 'Wonder-Vax' }] } }, 'R-3'),
      F.immunization({ protocolApplied: [{ doseNumberPositiveInt: 12, seriesDosesPositiveInt: 2 }] }, 'R-4'),
    ];
    const summary = await b.send(bundle(entries), { source: SITE });
    expect(summary.accepted).toBe(0);
    expect(summary.rejected.map((r) => [r.index, r.field, r.code])).toEqual([
      [2, 'Immunization.status', 'UNSUPPORTED'],
      [3, 'Immunization.vaccineCode', 'UNKNOWN_CODE'],
      [4, 'Immunization.vaccineCode', 'UNKNOWN_CODE'],
      [5, 'Immunization.protocolApplied.doseNumberPositiveInt', 'INVALID'],
    ]);
    expect(await allRecords()).toEqual([]);
  });

  test('re-sending a Bundle is idempotent', async () => {
    const body = bundle([F.patient(), F.labOrganization(), F.naatObservation()]);
    await b.send(body);
    expect(await b.send(body)).toEqual({ accepted: 0, unchanged: 1, updated: 0, withdrawn: 0, rejected: [] });
  });

  test('a Bundle of the wrong type or without records is a whole-request failure', async () => {
    for (const body of [bundle([F.patient()]), bundle([F.naatObservation()], 'searchset'), { resourceType: 'Observation' }]) {
      const before = await b.ts.snapshot();
      expect((await failure(b.send(body))).code).toBe('VALIDATION_FAILED');
      expect(await b.ts.snapshot()).toBe(before);
    }
  });
});

const bundle = F.bundle;

describe('authentication, replay and bounds: refused, with nothing written', () => {
  const cases: [string, string, (bb: Bench) => IngestRequest][] = [
    ['signed with another key (forged)', 'SIGNATURE_INVALID', (bb) => bb.request({ records: [naatJson()] }, { key: generateSourceKey() })],
    [
      'body changed after signing',
      'SIGNATURE_INVALID',
      (bb) =>
        bb.request(
          { records: [naatJson()] },
          { tamper: (r) => ({ ...r, body: new TextEncoder().encode(JSON.stringify({ records: [naatJson({ result: '260373001' })] })) }) },
        ),
    ],
    ['path changed after signing', 'SIGNATURE_INVALID', (bb) => bb.request({ records: [naatJson()] }, { tamper: (r) => ({ ...r, path: '/ingest/other' }) })],
    [
      'timestamp changed after signing',
      'SIGNATURE_INVALID',
      (bb) =>
        bb.request({ records: [naatJson()] }, { tamper: (r) => ({ ...r, headers: { ...r.headers, 'x-ithc-timestamp': String(Math.floor(NOW / 1000) + 1) } }) }),
    ],
    [
      'signed by the lab, sent as the vaccination site (wrong source)',
      'SIGNATURE_INVALID',
      (bb) => bb.request({ records: [naatJson()] }, { key: bb.keys[LAB], source: SITE }),
    ],
    ['unknown source', 'UNAUTHENTICATED', (bb) => bb.request({ records: [naatJson()] }, { source: 'lab-nobody-knows', key: generateSourceKey() })],
    [
      'signature not base64',
      'SIGNATURE_INVALID',
      (bb) => bb.request({ records: [naatJson()] }, { tamper: (r) => ({ ...r, headers: { ...r.headers, 'x-ithc-signature': '***' } }) }),
    ],
    [
      'missing signature header',
      'UNAUTHENTICATED',
      (bb) => bb.request({ records: [naatJson()] }, { tamper: (r) => ({ ...r, headers: { ...r.headers, 'x-ithc-signature': undefined } }) }),
    ],
    [
      'repeated signature header',
      'BAD_REQUEST',
      (bb) =>
        bb.request({ records: [naatJson()] }, { tamper: (r) => ({ ...r, headers: { ...r.headers, 'X-ITHC-SIGNATURE': r.headers['x-ithc-signature'] } }) }),
    ],
    ['nonce too short', 'UNAUTHENTICATED', (bb) => bb.request({ records: [naatJson()] }, { nonce: 'short' })],
    ['stale timestamp (301 s old)', 'UNAUTHENTICATED:server.clockSkew', (bb) => bb.request({ records: [naatJson()] }, { senderNow: NOW - 301_000 })],
    ['future timestamp (301 s ahead)', 'UNAUTHENTICATED:server.clockSkew', (bb) => bb.request({ records: [naatJson()] }, { senderNow: NOW + 301_000 })],
    ['GET', 'METHOD_NOT_ALLOWED', (bb) => bb.request({ records: [naatJson()] }, { method: 'GET' })],
    ['oversized body (1 MiB + 1)', 'PAYLOAD_TOO_LARGE', (bb) => bb.request(null, { raw: new Uint8Array(1024 * 1024 + 1).fill(0x20) })],
    [
      'JSON nested 33 deep',
      'VALIDATION_FAILED:deeper',
      (bb) => bb.request(null, { raw: new TextEncoder().encode('{"records":' + '['.repeat(32) + ']'.repeat(32) + '}') }),
    ],
    [
      'JSON nested 100000 deep',
      'VALIDATION_FAILED:deeper',
      (bb) => bb.request(null, { raw: new TextEncoder().encode('['.repeat(100_000) + ']'.repeat(100_000)) }),
    ],
    [
      'invalid UTF-8',
      'VALIDATION_FAILED:UTF-8',
      (bb) =>
        bb.request(null, { raw: new Uint8Array([...new TextEncoder().encode('{"records":[{"centre":"'), 0xc3, 0x28, ...new TextEncoder().encode('"}]}')]) }),
    ],
    [
      'duplicate JSON keys',
      'VALIDATION_FAILED:duplicate',
      (bb) =>
        bb.request(null, { raw: new TextEncoder().encode(JSON.stringify({ records: [naatJson()] }).replace('"result":', '"result":"260373001","result":')) }),
    ],
    ['not JSON', 'VALIDATION_FAILED:not valid JSON', (bb) => bb.request(null, { raw: new TextEncoder().encode('records=1') })],
    ['text/plain', 'UNSUPPORTED_MEDIA_TYPE', (bb) => bb.request({ records: [naatJson()] }, { contentType: 'text/plain' })],
    ['latin-1 charset', 'UNSUPPORTED_MEDIA_TYPE', (bb) => bb.request({ records: [naatJson()] }, { contentType: 'application/json; charset=iso-8859-1' })],
  ];

  // Several reasons share a code: "CODE:server.…" also checks the catalogue message, and "CODE:words"
  // that the batch is refused with the parser's reason, which names the words.
  test.each(cases)('%s → %s', async (_, expected, make) => {
    const [code, said] = expected.split(':');
    const before = await b.ts.snapshot();
    const e = await failure(b.service.handle(make(b)));
    expect(e.code).toBe(code);
    if (said?.startsWith('server.')) expect(e.messageCode).toBe(said);
    else if (said)
      expect({ messageCode: e.messageCode, detail: e.params?.detail }).toEqual({ messageCode: 'server.batchInvalid', detail: expect.stringContaining(said) });
    expect(await b.ts.snapshot()).toBe(before);
  });

  test('an inactive source, or one without a key, is refused', async () => {
    const before = await b.ts.snapshot();
    await b.ts.store.update('sources', LAB, { active: false });
    expect((await failure(b.send({ records: [naatJson()] }))).code).toBe('UNAUTHENTICATED');
    await b.ts.store.update('sources', LAB, { active: true });
    expect(await b.ts.snapshot()).toBe(before);
    await b.ts.store.put('sources', { _id: 'lab-without-key', name: 'x', type: 'lab', country: 'CN', accepts: ['naat'], active: true });
    expect((await failure(b.send({ records: [naatJson()] }, { source: 'lab-without-key', key: generateSourceKey() }))).code).toBe('UNAUTHENTICATED');
  });

  test('timestamps just inside the window are accepted; the window is configurable', async () => {
    expect((await b.send({ records: [naatJson()] }, { senderNow: NOW - 299_000 })).accepted).toBe(1);
    const strict = await bench({ windowSeconds: 30 });
    try {
      expect((await failure(strict.send({ records: [naatJson()] }, { senderNow: NOW - 31_000 }))).code).toBe('UNAUTHENTICATED');
      expect((await strict.send({ records: [naatJson()] }, { senderNow: NOW - 29_000 })).accepted).toBe(1);
    } finally {
      await strict.close();
    }
  });

  test('a replayed request is refused with REPLAYED (409) and writes nothing', async () => {
    const req = b.request({ records: [naatJson()] });
    expect((await b.service.handle(req)).accepted).toBe(1);
    const before = await b.ts.snapshot();
    b.clock.advance(10_000);
    const e = await failure(b.service.handle(req));
    expect([e.code, e.status]).toEqual(['REPLAYED', 409]);
    // Same nonce, new content, properly signed: still a replayed nonce, and the correction is not applied.
    const e2 = await failure(b.send({ records: [naatJson({ result: '260373001' })] }, { nonce: req.headers['x-ithc-nonce'] as string }));
    expect(e2.code).toBe('REPLAYED');
    expect(await b.ts.snapshot()).toBe(before);
  });

  test('the same request twice at once: exactly one is stored, the other is REPLAYED', async () => {
    const req = b.request({ records: [naatJson()] });
    const results = await Promise.allSettled([b.service.handle(req), b.service.handle(req)]);
    const ok = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(ok).toHaveLength(1);
    expect(refused.map((r) => r.reason.code)).toEqual(['REPLAYED']);
    expect(await b.ts.store.count('records', {})).toBe(1);
    expect(await b.ts.store.count('ingestNonces', {})).toBe(1);
  });

  test('a nonce is per source: another source may use the same string', async () => {
    const nonce = newNonce();
    await b.send({ records: [naatJson()] }, { nonce });
    expect((await b.send({ records: [vaccinationJson()] }, { nonce, source: SITE })).accepted).toBe(1);
  });

  test('expired nonces are pruned with a successful request only; a replay after the window is stale', async () => {
    const a = b.request({ records: [naatJson()] });
    await b.service.handle(a);
    b.clock.advance(200_000);
    const c = b.request({ records: [iggJson()] });
    await b.service.handle(c);
    b.clock.advance(102_000); // a's window has passed, c's has not
    const ids = async () => (await b.ts.store.find('ingestNonces', {}, { orderBy: { field: '_id', direction: 'asc' } })).map((n) => n._id).sort();
    const idOf = (r: IngestRequest) => `${LAB}:${String(r.headers['x-ithc-nonce'])}`;
    expect((await failure(b.service.handle(a))).code).toBe('UNAUTHENTICATED');
    // A refused request (c's nonce again, freshly signed) removes nothing, not even expired nonces.
    expect((await failure(b.send({ records: [iggJson()] }, { nonce: c.headers['x-ithc-nonce'] as string }))).code).toBe('REPLAYED');
    expect(await ids()).toEqual([idOf(a), idOf(c)].sort());
    const d = b.request({ records: [iggJson()] });
    await b.service.handle(d);
    expect(await ids()).toEqual([idOf(c), idOf(d)].sort());
  });

  test('a body limit below the default applies', async () => {
    const small = await bench({ maxBodyBytes: 100 });
    try {
      expect((await failure(small.send({ records: [naatJson()] }))).code).toBe('PAYLOAD_TOO_LARGE');
    } finally {
      await small.close();
    }
  });

  test('errors never carry the key', async () => {
    const key = b.keys[LAB];
    const forms = [Buffer.from(key).toString('base64'), Buffer.from(key).toString('base64url'), Buffer.from(key).toString('hex')];
    const e = await failure(b.send({ records: [naatJson()] }, { key: generateSourceKey() }));
    for (const f of forms) expect(JSON.stringify({ ...e, message: e.message })).not.toContain(f);
  });
});
