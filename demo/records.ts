/**
 * Demo record sources and records for local runs (`npm start`, `npm run demo`). Nothing here is
 * real: the sources are plausible Beijing institutions with `demo-` ids, and the people are the
 * identity service's demo citizens, whose person ids the caller passes in.
 *
 * Each demo person gets a two-dose primary series of a Chinese inactivated vaccine (BBIBP-CorV by
 * China Sinopharm International Corp., or CoronaVac by Sinovac Biotech, alternating by person;
 * codes from the EU DCC value sets), one nucleic-acid test and one serum IgG antibody test. The two
 * tests are sampled the previous morning in Beijing time relative to the injected clock, so a fresh
 * demo always has tests young enough to issue from (about 14 to 38.5 hours old).
 *
 * Seeding is idempotent: a record's source record id is fixed by the person and, for the tests, by
 * the sample day; seeding twice on the same day writes nothing, and on a later day adds that day's
 * tests beside the earlier ones (as a person tested again would have).
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../server/clock';
import type { Doc, Store, TxOps } from '../server/store/store';
import { recordDocId, type SourceDoc } from '../server/records/record-id';
import type { HealthRecord, IggRecord, NaatRecord, VaccinationRecord } from '../server/records/types';

/**
 * The demo sources, registered in the source list (codes, Latin-script names, region): certificates
 * carry their codes. Their accreditation numbers are invented and say so.
 */
const REGISTERED_SINCE = Date.UTC(2020, 0, 1);
export const DEMO_SOURCES: readonly SourceDoc[] = Object.freeze([
  {
    _id: 'demo-lab-chaoyang-cdc',
    name: '北京市朝阳区疾病预防控制中心',
    type: 'lab',
    country: 'CN',
    accepts: ['naat', 'igg'],
    active: true,
    code: 1101,
    nameLatin: 'Beijing Chaoyang District Center for Disease Control and Prevention',
    region: 'CN-BJ',
    accreditation: 'CNAS ML0000 (ISO 15189), demo number',
    validFrom: REGISTERED_SINCE,
  },
  {
    _id: 'demo-lab-haidian-hospital',
    name: '北京市海淀医院检验科',
    type: 'lab',
    country: 'CN',
    accepts: ['naat', 'igg'],
    active: true,
    code: 1102,
    nameLatin: 'Beijing Haidian Hospital, Department of Clinical Laboratory',
    region: 'CN-BJ',
    accreditation: 'CNAS ML0001 (ISO 15189), demo number',
    validFrom: REGISTERED_SINCE,
  },
  {
    _id: 'demo-vacc-chaoyang-jinsong',
    name: '北京市朝阳区劲松社区卫生服务中心预防接种门诊',
    type: 'vaccination-site',
    country: 'CN',
    accepts: ['vaccination'],
    active: true,
    code: 2101,
    nameLatin: 'Jinsong Community Health Service Centre, Vaccination Clinic, Beijing',
    region: 'CN-BJ',
    accreditation: 'Designated vaccination unit, Chaoyang District Health Commission (demo)',
    validFrom: REGISTERED_SINCE,
  },
] satisfies SourceDoc[]);

export const DEMO_SOURCE_IDS = Object.freeze({
  naatLab: 'demo-lab-chaoyang-cdc',
  iggLab: 'demo-lab-haidian-hospital',
  vaccinationSite: 'demo-vacc-chaoyang-jinsong',
});

/** DCC codes of the two Chinese inactivated vaccines (vaccine-medicinal-product, vaccine-mah-manf, Annex A). */
export const DEMO_VACCINES = Object.freeze([
  { product: 'BBIBP-CorV', manufacturer: 'ORG-100020693', vaccine: '1157024006', dates: ['2021-04-12', '2021-05-10'] },
  { product: 'CoronaVac', manufacturer: 'Sinovac-Biotech', vaccine: '1157024006', dates: ['2021-05-06', '2021-06-03'] },
] as const);

const DAY = 86_400_000;
const BEIJING = 8 * 3_600_000;

/** The Beijing calendar day before `now`, as YYYY-MM-DD. */
export function previousBeijingDay(now: number): string {
  const startOfToday = Math.floor((now + BEIJING) / DAY) * DAY;
  return new Date(startOfToday - DAY).toISOString().slice(0, 10);
}

/** A short stable tag for a person in source record ids (a lab's ids never carry ID numbers). */
function personTag(personId: string): string {
  return createHash('sha256').update(personId, 'utf8').digest('hex').slice(0, 8).toUpperCase();
}

/** The demo records of one person (index alternates the vaccine product), as of `now`. */
export function demoRecordsFor(personId: string, index: number, now: number): HealthRecord[] {
  const tag = personTag(personId);
  const day = previousBeijingDay(now);
  const compact = day.replace(/-/g, '');
  const v = DEMO_VACCINES[index % DEMO_VACCINES.length];
  const out: HealthRecord[] = [];

  const naat: NaatRecord = {
    _id: '',
    kind: 'naat',
    personId,
    sourceId: DEMO_SOURCE_IDS.naatLab,
    sourceRecordId: `HS${compact}-${tag}`,
    country: 'CN',
    issuer: '北京市朝阳区疾病预防控制中心',
    receivedAt: now,
    sampledAt: `${day}T09:30:00+08:00`,
    reportedAt: `${day}T15:30:00+08:00`,
    result: '260415000',
    testType: 'LP6464-4',
    testName: '新型冠状病毒2019-nCoV核酸检测（荧光PCR法）',
    // The laboratory itself: certificates carry its code (1101) from the source list.
    centre: '北京市朝阳区疾病预防控制中心',
  };
  const igg: IggRecord = {
    _id: '',
    kind: 'igg',
    personId,
    sourceId: DEMO_SOURCE_IDS.iggLab,
    sourceRecordId: `IGG-${compact}-${tag}`,
    country: 'CN',
    issuer: '北京市海淀医院',
    receivedAt: now,
    sampledAt: `${day}T10:05:00+08:00`,
    // Two doses of an inactivated vaccine typically leave detectable IgG: a positive, quantified
    // result on a spike-RBD assay (assay code 1 of core/valuesets.ts), reported with its cut-off.
    result: 'positive',
    value: 26.8,
    cutoff: 1,
    unit: 'AU/mL',
    method: 'CLIA',
    assayCode: 1,
    target: 'rbd',
    centre: '北京市海淀医院检验科',
  };
  out.push(naat, igg);
  v.dates.forEach((date, i) => {
    const rec: VaccinationRecord = {
      _id: '',
      kind: 'vaccination',
      personId,
      sourceId: DEMO_SOURCE_IDS.vaccinationSite,
      sourceRecordId: `JZ-${tag}-${i + 1}`,
      country: 'CN',
      issuer: '北京市朝阳区劲松社区卫生服务中心预防接种门诊',
      receivedAt: now,
      date,
      disease: '840539006',
      vaccine: v.vaccine,
      product: v.product,
      manufacturer: v.manufacturer,
      dose: i + 1,
      doses: 2,
    };
    out.push(rec);
  });
  for (const r of out) r._id = recordDocId(r.sourceId, r.sourceRecordId);
  return out;
}

/**
 * Writes the demo sources and each person's demo records unless already there. Returns how many
 * documents were written. Person ids come from the identity service's demo citizens.
 */
export async function seedRecords(store: Store, personIds: readonly string[], clock: Clock): Promise<{ sources: number; records: number }> {
  for (const p of personIds) if (typeof p !== 'string' || p.length === 0) throw new TypeError('bad person id');
  const now = clock.now();
  const docs = personIds.flatMap((p, i) => demoRecordsFor(p, i, now));
  return store.transaction(async (tx) => {
    let sources = 0;
    let records = 0;
    for (const s of DEMO_SOURCES) {
      if (await insertIfAbsent(tx, 'sources', { ...s, accepts: [...s.accepts] })) sources++;
      else await registerIfUnregistered(tx, s);
    }
    for (const r of docs) {
      if (await insertIfAbsent(tx, 'records', r as unknown as Doc)) records++;
    }
    return { sources, records };
  });
}

/** A demo source seeded before sources had registry codes gets its registry fields. */
async function registerIfUnregistered(tx: TxOps, s: SourceDoc): Promise<void> {
  const cur = await tx.get('sources', s._id);
  if (!cur || cur.code !== undefined) return;
  const { _id, name: _name, type: _type, country: _country, accepts: _accepts, active: _active, ...registry } = s;
  await tx.update('sources', _id, registry);
}

/** Inside one transaction, so get-then-insert cannot race another seeder. */
async function insertIfAbsent(tx: TxOps, coll: 'sources' | 'records', doc: Doc): Promise<boolean> {
  if (await tx.get(coll, doc._id)) return false;
  await tx.insert(coll, doc);
  return true;
}
