/**
 * Demo citizens for the local registry (`citizens`, a stand-in for the national one). The people
 * are invented; their ID numbers are built from a real region code, the birth date and a sequence
 * number, and the check character is computed here, never typed in. The sequence's parity gives
 * the sex (GB 11643: odd for men).
 *
 * Chosen to exercise the passport checks: a polyphonic surname (单 = SHAN), a compound surname
 * (欧阳), ü in a name (吕 = LYU on passports), and two people born before 1950 for the relatives
 * feature.
 */
import type { Doc, Store } from '../server/store/store';
import { residentIdCheckChar } from '../core/resident-id';

export interface DemoCitizen {
  idNumber: string;
  name: string;
  /** Pinyin as printed on the passport (upper case, syllables joined). */
  surnamePinyin: string;
  givenNamePinyin: string;
  birthDate: string;
  sex: 'male' | 'female';
  regionCode: string;
  /** Who this person is in the demo. */
  role: string;
}

interface Seed {
  name: string;
  surnamePinyin: string;
  givenNamePinyin: string;
  regionCode: string;
  birthDate: string;
  sequence: number;
  role: string;
}

const SEEDS: readonly Seed[] = [
  {
    name: '张伟',
    surnamePinyin: 'ZHANG',
    givenNamePinyin: 'WEI',
    regionCode: '110105',
    birthDate: '1988-05-12',
    sequence: 31,
    role: 'the demo traveller (北京市朝阳区)',
  },
  { name: '李娜', surnamePinyin: 'LI', givenNamePinyin: 'NA', regionCode: '310104', birthDate: '1992-11-03', sequence: 42, role: 'a traveller (上海市徐汇区)' },
  {
    name: '王秀英',
    surnamePinyin: 'WANG',
    givenNamePinyin: 'XIUYING',
    regionCode: '320102',
    birthDate: '1946-02-18',
    sequence: 24,
    role: 'an elderly parent, born before 1950 (南京市玄武区)',
  },
  {
    name: '陈建国',
    surnamePinyin: 'CHEN',
    givenNamePinyin: 'JIANGUO',
    regionCode: '440103',
    birthDate: '1943-07-21',
    sequence: 15,
    role: 'an elderly parent, born before 1950 (广州市荔湾区)',
  },
  {
    name: '刘洋',
    surnamePinyin: 'LIU',
    givenNamePinyin: 'YANG',
    regionCode: '510107',
    birthDate: '2001-08-09',
    sequence: 57,
    role: 'a student (成都市武侯区)',
  },
  {
    name: '吕欣怡',
    surnamePinyin: 'LYU',
    givenNamePinyin: 'XINYI',
    regionCode: '330106',
    birthDate: '1995-04-27',
    sequence: 68,
    role: 'ü in the surname (杭州市西湖区)',
  },
  {
    name: '欧阳明',
    surnamePinyin: 'OUYANG',
    givenNamePinyin: 'MING',
    regionCode: '420106',
    birthDate: '1978-12-30',
    sequence: 73,
    role: 'a compound surname and a diplomatic passport (武汉市武昌区)',
  },
  {
    name: '单晓红',
    surnamePinyin: 'SHAN',
    givenNamePinyin: 'XIAOHONG',
    regionCode: '370102',
    birthDate: '1985-09-14',
    sequence: 86,
    role: 'a polyphonic surname (济南市历下区)',
  },
];

export function buildResidentId(regionCode: string, birthDate: string, sequence: number): string {
  if (!/^[0-9]{6}$/.test(regionCode) || !/^\d{4}-\d{2}-\d{2}$/.test(birthDate) || !Number.isInteger(sequence) || sequence < 0 || sequence > 999) {
    throw new TypeError('buildResidentId needs a 6-digit region, YYYY-MM-DD and a sequence 0–999');
  }
  const first17 = regionCode + birthDate.replace(/-/g, '') + String(sequence).padStart(3, '0');
  return first17 + residentIdCheckChar(first17);
}

export const DEMO_CITIZENS: readonly DemoCitizen[] = Object.freeze(
  SEEDS.map((s) => ({
    idNumber: buildResidentId(s.regionCode, s.birthDate, s.sequence),
    name: s.name,
    surnamePinyin: s.surnamePinyin,
    givenNamePinyin: s.givenNamePinyin,
    birthDate: s.birthDate,
    sex: s.sequence % 2 === 1 ? ('male' as const) : ('female' as const),
    regionCode: s.regionCode,
    role: s.role,
  })),
);

export function citizenDoc(c: DemoCitizen): Doc {
  return {
    _id: c.idNumber,
    idNumber: c.idNumber,
    name: c.name,
    surnamePinyin: c.surnamePinyin,
    givenNamePinyin: c.givenNamePinyin,
    birthDate: c.birthDate,
    sex: c.sex,
    regionCode: c.regionCode,
    status: 'active',
    demo: true,
  };
}

/** Inserts the demo citizens that are missing; running it again changes nothing. Returns how many it added. */
export async function seedCitizens(store: Store, citizens: readonly DemoCitizen[] = DEMO_CITIZENS): Promise<number> {
  return store.transaction(async (tx) => {
    let added = 0;
    for (const c of citizens) {
      if (await tx.get('citizens', c.idNumber)) continue;
      await tx.insert('citizens', citizenDoc(c));
      added++;
    }
    return added;
  });
}
