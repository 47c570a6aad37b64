/**
 * Synthetic travellers for load runs (`npm run bench`, `npm run load`): many more people than the
 * eight demo citizens, so that issuance can be measured on the path where every request signs a
 * new certificate (a person's first issue), not only on the path where a stored one is handed out.
 *
 * Each person is built like a demo citizen: a resident ID number with its computed check
 * character, a Chinese name whose characters read as the passport's pinyin (so the document
 * binding's name check passes for real), an ordinary passport with a computed MRZ in the local
 * registry, and the demo records (two vaccinations, a nucleic-acid test, an IgG test) from the demo
 * lab and vaccination site. Everything is deterministic in the index, so two runs make the same
 * people; the callers' OPENIDs are `load-<index>`.
 */
import type { App } from '../server/app';
import { buildResidentId, citizenDoc, type DemoCitizen } from '../demo/citizens';
import { buildTd3 } from '../server/documents/mrz';
import type { DemoDocument } from '../demo/documents';
import { demoRecordsFor } from '../demo/records';
import type { Doc } from '../server/store/store';

/** Characters with one common reading, so that the MRZ spelling is unambiguous. */
const SURNAMES: ReadonlyArray<readonly [string, string]> = [
  ['张', 'ZHANG'],
  ['王', 'WANG'],
  ['刘', 'LIU'],
  ['陈', 'CHEN'],
  ['杨', 'YANG'],
  ['赵', 'ZHAO'],
  ['黄', 'HUANG'],
  ['周', 'ZHOU'],
  ['吴', 'WU'],
  ['徐', 'XU'],
];
const GIVEN: ReadonlyArray<readonly [string, string]> = [
  ['伟', 'WEI'],
  ['芳', 'FANG'],
  ['敏', 'MIN'],
  ['静', 'JING'],
  ['磊', 'LEI'],
  ['军', 'JUN'],
  ['洋', 'YANG'],
  ['勇', 'YONG'],
  ['艳', 'YAN'],
  ['杰', 'JIE'],
  ['涛', 'TAO'],
  ['明', 'MING'],
  ['超', 'CHAO'],
  ['霞', 'XIA'],
  ['平', 'PING'],
  ['刚', 'GANG'],
  ['桂', 'GUI'],
  ['英', 'YING'],
  ['华', 'HUA'],
  ['玉', 'YU'],
];
/** Region codes of districts whose province the resident-ID check knows (Beijing, Shanghai, Guangzhou, Chengdu). */
const REGIONS = ['110105', '310104', '440103', '510107'];

export interface LoadPerson {
  index: number;
  openid: string;
  citizen: DemoCitizen;
  document: DemoDocument;
}

/** The largest number of distinct people this module makes. */
export const MAX_PEOPLE = REGIONS.length * 365 * 440;

export function loadPerson(index: number): LoadPerson {
  if (!Number.isInteger(index) || index < 0 || index >= MAX_PEOPLE) throw new RangeError(`person index must be in 0..${MAX_PEOPLE - 1}`);
  const [surname, surnamePinyin] = SURNAMES[index % SURNAMES.length];
  const g1 = GIVEN[Math.floor(index / SURNAMES.length) % GIVEN.length];
  const g2 = GIVEN[Math.floor(index / (SURNAMES.length * GIVEN.length)) % GIVEN.length];
  // Distinct (region, birth date, sequence) per index: the resident ID number is unique.
  const region = REGIONS[index % REGIONS.length];
  const day = Math.floor(index / REGIONS.length) % 365;
  const sequence = 100 + Math.floor(index / (REGIONS.length * 365)) * 2 + (index % 2);
  const birthDate = new Date(Date.UTC(1980, 0, 1) + day * 86_400_000).toISOString().slice(0, 10);
  const sex = sequence % 2 === 1 ? ('male' as const) : ('female' as const);
  const citizen: DemoCitizen = {
    idNumber: buildResidentId(region, birthDate, sequence),
    name: surname + g1[0] + g2[0],
    surnamePinyin,
    givenNamePinyin: g1[1] + g2[1],
    birthDate,
    sex,
    regionCode: region,
    role: `load-test traveller ${index}`,
  };
  const number = `E${String(10_000_000 + index).slice(-8)}`;
  const entry = {
    type: 'ordinary' as const,
    number,
    holderIdNumber: citizen.idNumber,
    surname: surnamePinyin,
    givenNames: citizen.givenNamePinyin,
    birthDate,
    sex,
    issuedOn: '2024-01-10',
    expiresOn: '2034-01-09',
    status: 'valid' as const,
  };
  const mrz = buildTd3({
    documentCode: 'PO',
    surname: surnamePinyin,
    givenNames: citizen.givenNamePinyin,
    number,
    birthDate,
    sex,
    expiryDate: entry.expiresOn,
  });
  return { index, openid: `load-${index}`, citizen, document: { ...entry, mrz } };
}

/**
 * Writes people `from`..`to-1` into the local registries and gives each the demo records, in
 * transactions of a few hundred documents. Idempotent: what is there is left alone.
 */
export async function seedLoadPeople(app: App, from: number, to: number): Promise<number> {
  const now = app.clock.now();
  let added = 0;
  for (let start = from; start < to; start += 200) {
    const batch = Array.from({ length: Math.min(200, to - start) }, (_, i) => loadPerson(start + i));
    added += await app.store.transaction(async (tx) => {
      let n = 0;
      for (const p of batch) {
        if (await tx.get('citizens', p.citizen.idNumber)) continue;
        await tx.insert('citizens', citizenDoc(p.citizen));
        await tx.insert('documentRegistry', { _id: p.document.number, ...p.document, mrz: [...p.document.mrz], demo: true });
        for (const r of demoRecordsFor(app.personIds.personId(p.citizen.idNumber), p.index, now)) await tx.put('records', r as unknown as Doc);
        n++;
      }
      return n;
    });
  }
  return added;
}
