/** Record collection (sources + service) and the demo seed, on the test store. */
import { ManualClock } from '../../server/clock';
import { ServiceError } from '../../server/errors';
import { DEMO_SOURCES, DEMO_SOURCE_IDS, DEMO_VACCINES, demoRecordsFor, previousBeijingDay, seedRecords } from '../../demo/records';
import { recordDocId } from '../../server/records/record-id';
import { RecordsService } from '../../server/records/service';
import { LocalRecordSource, type RecordSource } from '../../server/records/sources';
import type { HealthRecord, NaatRecord, VaccinationRecord } from '../../server/records/types';
import { validateRecord } from '../../server/records/validate';
import { lookup } from '../../core/valuesets';
import type { Doc } from '../../server/store/store';
import { openTestStore, type TestStore } from './helpers/store';

const NOW = Date.parse('2024-05-02T02:00:00Z'); // 10:00 in Beijing
const ALICE = 'person-alice';
const BOB = 'person-bob';

let ts: TestStore;
beforeEach(async () => {
  ts = await openTestStore();
});
afterEach(async () => {
  await ts.close();
});

function naat(over: Partial<NaatRecord>): NaatRecord {
  const r: NaatRecord = {
    _id: '',
    kind: 'naat',
    personId: ALICE,
    sourceId: 'lab-a',
    sourceRecordId: 'N1',
    country: 'CN',
    issuer: 'Lab A',
    receivedAt: NOW,
    sampledAt: '2024-05-01T09:00:00+08:00',
    result: '260415000',
    testType: 'LP6464-4',
    centre: 'Lab A',
    ...over,
  };
  r._id = recordDocId(r.sourceId, r.sourceRecordId);
  return r;
}

function vacc(over: Partial<VaccinationRecord>): VaccinationRecord {
  const r: VaccinationRecord = {
    _id: '',
    kind: 'vaccination',
    personId: ALICE,
    sourceId: 'site-a',
    sourceRecordId: 'V1',
    country: 'CN',
    issuer: 'Site A',
    receivedAt: NOW,
    date: '2021-04-12',
    disease: '840539006',
    vaccine: '1157024006',
    product: 'BBIBP-CorV',
    manufacturer: 'ORG-100020693',
    dose: 1,
    doses: 2,
    ...over,
  };
  r._id = recordDocId(r.sourceId, r.sourceRecordId);
  return r;
}

const put = (r: HealthRecord) => ts.store.put('records', r as unknown as Doc);

describe('RecordsService.collect', () => {
  test('groups NAAT, IgG, vaccination; newest first by instant, not by string', async () => {
    // 09:00+08:00 is 01:00Z, earlier than 02:00Z although its string sorts later.
    const a = naat({ sourceRecordId: 'N-a', sampledAt: '2024-05-01T09:00:00+08:00' });
    const b = naat({ sourceRecordId: 'N-b', sampledAt: '2024-05-01T02:00:00Z' });
    const v1 = vacc({ sourceRecordId: 'V-1', date: '2021-04-12', dose: 1 });
    const v2 = vacc({ sourceRecordId: 'V-2', date: '2021-05-10', dose: 2 });
    const igg = { ...naat({ sourceRecordId: 'G-1' }), kind: 'igg', result: 'positive', testType: undefined } as unknown as HealthRecord;
    delete (igg as unknown as Record<string, unknown>).testType;
    for (const r of [v1, a, igg, v2, b]) await put(r);
    await put(naat({ personId: BOB, sourceRecordId: 'N-bob' }));

    const got = await new RecordsService([new LocalRecordSource(ts.store)]).collect(ALICE);
    expect(got.map((r) => r.sourceRecordId)).toEqual(['N-b', 'N-a', 'G-1', 'V-2', 'V-1']);
  });

  test('deduplicates by (sourceId, sourceRecordId) across sources, keeping the latest change', async () => {
    const old = naat({ result: '260415000', receivedAt: NOW - 1000 });
    const corrected = { ...old, result: '260373001' as const, updatedAt: NOW };
    const other = naat({ sourceId: 'lab-b', sourceRecordId: 'N1' }); // same record id, other source: distinct
    const s1: RecordSource = { name: 's1', collect: async () => [corrected, other] };
    const s2: RecordSource = { name: 's2', collect: async () => [old] };
    const got = await new RecordsService([s2, s1]).collect(ALICE);
    expect(got).toHaveLength(2);
    expect(got.find((r) => r.sourceId === 'lab-a')).toEqual(corrected);
  });

  test('a source returning someone else’s record is a bug and fails loudly', async () => {
    const s: RecordSource = { name: 'bad', collect: async () => [naat({ personId: BOB })] };
    await expect(new RecordsService([s]).collect(ALICE)).rejects.toThrow(/another person/);
  });

  test('a malformed stored record fails with INTERNAL instead of reaching issuance', async () => {
    await ts.store.put('records', { ...(naat({}) as unknown as Doc), result: 'maybe' });
    const err = await new RecordsService([new LocalRecordSource(ts.store)]).collect(ALICE).catch((e) => e);
    expect(err).toBeInstanceOf(ServiceError);
    expect(err.code).toBe('INTERNAL');
  });

  test('local source pages through more than one store page', async () => {
    const n = 501;
    await ts.store.transaction(async (tx) => {
      for (let i = 0; i < n; i++) await tx.put('records', naat({ sourceRecordId: `N-${i}` }) as unknown as Doc);
    });
    const got = await new LocalRecordSource(ts.store).collect(ALICE);
    expect(new Set(got.map((r) => r.sourceRecordId)).size).toBe(n);
  });

  test('person ids are checked', async () => {
    await expect(new RecordsService([new LocalRecordSource(ts.store)]).collect('')).rejects.toThrow(TypeError);
  });
});

describe('demo records', () => {
  test('every demo record is valid and uses active DCC codes for Chinese products', () => {
    const recs = [...demoRecordsFor(ALICE, 0, NOW), ...demoRecordsFor(BOB, 1, NOW)];
    for (const r of recs) {
      const { _id, personId, sourceId, receivedAt, ...fields } = r;
      const v = validateRecord({ ...fields, testType: undefined } as never, { now: NOW, defaultCountry: 'CN', defaultIssuer: 'x' });
      expect(v).toEqual({ ok: true, value: fields });
      expect(_id).toBe(recordDocId(sourceId, r.sourceRecordId));
      expect(typeof personId).toBe('string');
      expect(receivedAt).toBe(NOW);
    }
    const vaccinations = recs.filter((r): r is VaccinationRecord => r.kind === 'vaccination');
    expect(vaccinations.map((v) => v.product).sort()).toEqual(['BBIBP-CorV', 'BBIBP-CorV', 'CoronaVac', 'CoronaVac']);
    for (const v of vaccinations) {
      expect(lookup('vaccineProduct', v.product)).toMatchObject({ en: v.product });
      expect(lookup('vaccineProduct', v.product)?.inactive).toBeUndefined();
      expect(lookup('vaccineManufacturer', v.manufacturer)?.inactive).toBeUndefined();
      expect(lookup('vaccineProphylaxis', v.vaccine)).toMatchObject({ en: 'Inactivated whole SARS-CoV-2 antigen vaccine' });
    }
    expect(lookup('vaccineManufacturer', DEMO_VACCINES[0].manufacturer)?.en).toBe('China Sinopharm International Corp. - Beijing location');
    expect(lookup('vaccineManufacturer', DEMO_VACCINES[1].manufacturer)?.en).toBe('Sinovac Biotech');
  });

  test('tests are sampled the morning before, in Beijing time, whatever the hour of the clock', () => {
    const beijingDay = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
    for (const now of [Date.parse('2024-05-01T16:00:00Z'), Date.parse('2024-05-02T15:59:59Z'), NOW]) {
      for (const r of demoRecordsFor(ALICE, 0, now)) {
        if (r.kind === 'vaccination') continue;
        const t = Date.parse(r.sampledAt);
        expect(beijingDay(t)).toBe(beijingDay(now - 86_400_000));
        expect(now - t).toBeGreaterThan(12 * 3_600_000);
        expect(now - t).toBeLessThan(48 * 3_600_000);
      }
    }
    expect(previousBeijingDay(Date.parse('2024-05-01T15:59:59Z'))).toBe('2024-04-30');
    expect(previousBeijingDay(Date.parse('2024-05-01T16:00:00Z'))).toBe('2024-05-01');
  });

  test('seeding writes sources and records once; a later day adds that day’s tests', async () => {
    const clock = new ManualClock(NOW);
    const first = await seedRecords(ts.store, [ALICE, BOB], clock);
    expect(first).toEqual({ sources: DEMO_SOURCES.length, records: 8 });
    const snap = await ts.snapshot();
    clock.advance(3_600_000);
    expect(await seedRecords(ts.store, [ALICE, BOB], clock)).toEqual({ sources: 0, records: 0 });
    expect(await ts.snapshot()).toBe(snap);

    clock.advance(24 * 3_600_000);
    expect(await seedRecords(ts.store, [ALICE, BOB], clock)).toEqual({ sources: 0, records: 4 });
    const got = await new RecordsService([new LocalRecordSource(ts.store)]).collectGrouped(ALICE);
    expect(got.naat).toHaveLength(2);
    expect(got.vaccination).toHaveLength(2);
    // The newest test comes first.
    expect(Date.parse(got.naat[0].sampledAt)).toBeGreaterThan(Date.parse(got.naat[1].sampledAt));
    expect(got.naat[0].sourceId).toBe(DEMO_SOURCE_IDS.naatLab);
  });

  test('seeded sources are stored as the ingestion endpoint reads them', async () => {
    await seedRecords(ts.store, [], new ManualClock(NOW));
    for (const s of DEMO_SOURCES) expect(await ts.store.get('sources', s._id)).toEqual(s);
  });
});
