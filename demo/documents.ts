/**
 * The demo travel documents: passports and a travel permit for the demo citizens (citizens.ts), with
 * their MRZ lines, seeded into the local registry (server/documents/registry.ts) by `npm start`.
 */
import { buildTd3 } from '../server/documents/mrz';
import type { RegistryEntry } from '../server/documents/registry';
import type { DocumentType } from '../server/documents/types';
import type { Store } from '../server/store/store';
import { DEMO_CITIZENS } from './citizens';

/**
 * Demo documents. The MRZ document codes of service ("PS") and public-affairs ("PP") passports
 * are our assumption (see server/documents/types.ts); the others follow published specimens.
 */
interface DemoDocSeed {
  holder: string;
  type: DocumentType;
  number: string;
  issuedOn: string;
  expiresOn: string;
  status?: 'valid' | 'cancelled';
}

const DEMO_DOC_SEEDS: readonly DemoDocSeed[] = [
  { holder: '张伟', type: 'ordinary', number: 'EH4180273', issuedOn: '2023-06-15', expiresOn: '2033-06-14' },
  { holder: '张伟', type: 'public-affairs', number: 'PE1039275', issuedOn: '2024-02-20', expiresOn: '2029-02-19' },
  { holder: '李娜', type: 'ordinary', number: 'E60358127', issuedOn: '2014-03-20', expiresOn: '2024-03-19' },
  { holder: '李娜', type: 'ordinary', number: 'EK2093715', issuedOn: '2024-04-02', expiresOn: '2034-04-01' },
  { holder: '王秀英', type: 'ordinary', number: 'EC7730416', issuedOn: '2019-05-08', expiresOn: '2029-05-07' },
  { holder: '陈建国', type: 'ordinary', number: 'EF0925381', issuedOn: '2021-10-12', expiresOn: '2031-10-11' },
  { holder: '刘洋', type: 'travel-permit', number: 'T03927561', issuedOn: '2025-09-01', expiresOn: '2027-08-31' },
  { holder: '吕欣怡', type: 'ordinary', number: 'EJ5528104', issuedOn: '2022-01-11', expiresOn: '2032-01-10' },
  { holder: '欧阳明', type: 'diplomatic', number: 'DE0418723', issuedOn: '2022-07-05', expiresOn: '2027-07-04' },
  { holder: '单晓红', type: 'service', number: 'SE0276419', issuedOn: '2023-11-28', expiresOn: '2028-11-27' },
  { holder: '单晓红', type: 'ordinary', number: 'EA8841062', issuedOn: '2018-08-30', expiresOn: '2028-08-29', status: 'cancelled' },
];

export const DEMO_MRZ_CODES: Readonly<Record<DocumentType, string>> = Object.freeze({
  ordinary: 'PO',
  diplomatic: 'PD',
  service: 'PS',
  'public-affairs': 'PP',
  'travel-permit': 'PT',
});

export interface DemoDocument extends RegistryEntry {
  mrz: [string, string];
}

export const DEMO_DOCUMENTS: readonly DemoDocument[] = Object.freeze(
  DEMO_DOC_SEEDS.map((s) => {
    const c = DEMO_CITIZENS.find((x) => x.name === s.holder);
    if (!c) throw new Error(`demo document for unknown citizen ${s.holder}`);
    const entry: RegistryEntry = {
      type: s.type,
      number: s.number,
      holderIdNumber: c.idNumber,
      surname: c.surnamePinyin,
      givenNames: c.givenNamePinyin,
      birthDate: c.birthDate,
      sex: c.sex,
      issuedOn: s.issuedOn,
      expiresOn: s.expiresOn,
      status: s.status ?? 'valid',
    };
    const mrz = buildTd3({
      documentCode: DEMO_MRZ_CODES[s.type],
      surname: c.surnamePinyin,
      givenNames: c.givenNamePinyin,
      number: s.number,
      birthDate: c.birthDate,
      sex: c.sex,
      expiryDate: s.expiresOn,
    });
    return { ...entry, mrz };
  }),
);

/** Inserts the demo documents that are missing; running it again changes nothing. Returns how many it added. */
export async function seedDocumentRegistry(store: Store, docs: readonly DemoDocument[] = DEMO_DOCUMENTS): Promise<number> {
  return store.transaction(async (tx) => {
    let added = 0;
    for (const d of docs) {
      if (await tx.get('documentRegistry', d.number)) continue;
      await tx.insert('documentRegistry', { _id: d.number, ...d, mrz: [...d.mrz], demo: true });
      added++;
    }
    return added;
  });
}
