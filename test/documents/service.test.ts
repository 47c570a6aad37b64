import { randomBytes } from 'node:crypto';
import { ManualClock } from '../../server/clock';
import { ServiceError, type ServiceErrorCode } from '../../server/errors';
import { buildTd3 } from '../../server/documents/mrz';
import { LocalDocumentRegistry } from '../../server/documents/registry';
import { DEMO_DOCUMENTS, seedDocumentRegistry, type DemoDocument } from '../../demo/documents';
import { DocumentService } from '../../server/documents/service';
import { DOCUMENT_TYPE_IDS } from '../../server/documents/types';
import { DEMO_CITIZENS, seedCitizens, type DemoCitizen } from '../../demo/citizens';
import { LocalIdentityProvider } from '../../server/identity/local';
import { PersonIds, userIdFor } from '../../server/identity/person-id';
import { maskResidentId } from '../../core/resident-id';
import { IdentityService } from '../../server/identity/service';
import { openTestStore, snapshot } from '../identity/test-store';

const T0 = Date.UTC(2026, 5, 1, 2, 0, 0);
const citizen = (name: string): DemoCitizen => DEMO_CITIZENS.find((c) => c.name === name)!;
const doc = (number: string): DemoDocument => DEMO_DOCUMENTS.find((d) => d.number === number)!;
const formOf = (d: DemoDocument, withMrz = true) => ({ type: d.type, number: d.number, expiry: d.expiresOn, ...(withMrz ? { mrz: d.mrz.join('\n') } : {}) });
const openIdOf = (c: DemoCitizen) => `o_demo_${c.regionCode}_${c.birthDate.replace(/-/g, '')}`;

async function setup(now = T0) {
  const store = await openTestStore();
  await seedCitizens(store);
  await seedDocumentRegistry(store);
  const clock = new ManualClock(now);
  const identity = new IdentityService({ store, clock, provider: new LocalIdentityProvider({ store, clock }), personIds: new PersonIds(randomBytes(32)) });
  const docs = new DocumentService({ store, clock, registry: new LocalDocumentRegistry(store) });
  const verify = async (c: DemoCitizen, openId = openIdOf(c)) => {
    const { faceToken } = await identity.beginFaceCheck(openId, { name: c.name, idNumber: c.idNumber });
    await identity.verify(openId, { name: c.name, idNumber: c.idNumber, faceToken });
    return openId;
  };
  return { store, clock, identity, docs, verify };
}

/** Asserts the code and the named fields, that every field message is bilingual, and that nothing was written. */
async function expectRejected(ctx: { store: Parameters<typeof snapshot>[0] }, call: () => Promise<unknown>, code: ServiceErrorCode, fields: string[]) {
  const before = await snapshot(ctx.store);
  const e = await call().then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(ServiceError);
  const err = e as ServiceError;
  expect({ code: err.code, fields: Object.keys(err.fields ?? {}).sort() }).toEqual({ code, fields: [...fields].sort() });
  for (const m of Object.values(err.fields ?? {})) expect(m).toMatch(/\p{Script=Han}.*\/ .*[a-z]/u);
  expect(err.message).toMatch(/\p{Script=Han}.*\/ .*[a-z]/u);
  expect(await snapshot(ctx.store)).toBe(before);
  return err;
}

describe('binding', () => {
  const bindable = DEMO_DOCUMENTS.filter((d) => d.status === 'valid' && d.expiresOn >= '2026-06-01');

  test('the demo documents cover all five types', () => {
    expect(new Set(bindable.map((d) => d.type))).toEqual(new Set(DOCUMENT_TYPE_IDS));
  });

  test.each(bindable.map((d) => [d.type, d.number, d] as const))('%s %s binds for its holder, with and without MRZ', async (_t, _n, d) => {
    const ctx = await setup();
    const holder = DEMO_CITIZENS.find((c) => c.idNumber === d.holderIdNumber)!;
    const openId = await ctx.verify(holder);
    for (const withMrz of [true, false]) {
      const bound = await ctx.docs.bind(openId, formOf(d, withMrz));
      expect(bound).toEqual({
        type: d.type,
        typeName: expect.objectContaining({ zh: expect.any(String) }),
        number: d.number,
        expiry: d.expiresOn,
        boundAt: T0,
        holder: { name: holder.name, idNumberMasked: maskResidentId(holder.idNumber) },
      });
      expect(JSON.stringify(bound)).not.toContain(holder.idNumber);
    }
    expect(await ctx.docs.current(openId)).toMatchObject({ type: d.type, number: d.number, expiry: d.expiresOn });
    const user = await ctx.store.get('users', userIdFor(openId));
    expect(user?.document).toEqual({ type: d.type, number: d.number, expiry: d.expiresOn, boundAt: T0 });
    const stored = await ctx.store.get('documents', `${userIdFor(openId)}:${d.number}`);
    expect(stored).toMatchObject({ type: d.type, number: d.number, personId: (user?.identity as { personId: string }).personId });
    expect(await ctx.store.count('audit', { action: 'document.bind' })).toBe(2);
  });

  test('a lower-case number is read as upper case', async () => {
    const ctx = await setup();
    const openId = await ctx.verify(citizen('张伟'));
    const d = doc('EH4180273');
    expect((await ctx.docs.bind(openId, { ...formOf(d), number: 'eh4180273' })).number).toBe('EH4180273');
  });

  test('the document is valid through its expiry date (China time) and not a moment longer', async () => {
    const permit = doc('T03927561');
    const ctx = await setup(Date.UTC(2027, 7, 31, 15, 59, 59)); // 23:59:59 on 31 August 2027 in Beijing
    const openId = await ctx.verify(citizen('刘洋'));
    await expect(ctx.docs.bind(openId, formOf(permit))).resolves.toMatchObject({ number: permit.number });
    ctx.clock.advance(1000);
    await expectRejected(ctx, () => ctx.docs.bind(openId, formOf(permit)), 'DOCUMENT_EXPIRED', ['expiry']);
  });

  test('verifying as another person drops the current document', async () => {
    const ctx = await setup();
    const openId = await ctx.verify(citizen('张伟'));
    await ctx.docs.bind(openId, formOf(doc('EH4180273')));
    await ctx.verify(citizen('李娜'), openId);
    expect(await ctx.docs.current(openId)).toBeNull();
  });
});

describe('rejections say which field to fix, and write nothing', () => {
  const zhang = citizen('张伟');
  const passport = doc('EH4180273');
  const mrzFor = (over: Partial<Parameters<typeof buildTd3>[0]>) =>
    buildTd3({
      documentCode: 'PO',
      surname: zhang.surnamePinyin,
      givenNames: zhang.givenNamePinyin,
      number: passport.number,
      birthDate: zhang.birthDate,
      sex: zhang.sex,
      expiryDate: passport.expiresOn,
      ...over,
    }).join('\n');

  test('a verified identity is required first', async () => {
    const ctx = await setup();
    await expectRejected(ctx, () => ctx.docs.bind('oNotVerified0001', formOf(passport)), 'IDENTITY_REQUIRED', []);
  });

  describe('mismatched passport (a valid MRZ of somebody else)', () => {
    test.each([
      ['name', { surname: 'LI', givenNames: 'NA' }, ['mrz.name']],
      ['date of birth', { birthDate: '1988-05-13' }, ['mrz.birthDate']],
      ['date of birth a century off', { birthDate: '1888-05-12' }, []],
      ['sex', { sex: 'female' as const }, ['mrz.sex']],
      [
        'name, date of birth and sex',
        { surname: 'LI', givenNames: 'NA', birthDate: '1992-11-03', sex: 'female' as const },
        ['mrz.name', 'mrz.birthDate', 'mrz.sex'],
      ],
    ])('%s', async (what, over, fields) => {
      const ctx = await setup();
      const openId = await ctx.verify(zhang);
      const form = { ...formOf(passport), mrz: mrzFor(over) };
      if (fields.length === 0) {
        // The MRZ has no century: 1888 and 1988 read the same, and the registry holds the truth.
        expect(what).toContain('century');
        await expect(ctx.docs.bind(openId, form)).resolves.toMatchObject({ number: passport.number });
      } else {
        await expectRejected(ctx, () => ctx.docs.bind(openId, form), 'DOCUMENT_MISMATCH', fields);
      }
    });

    test('the MRZ name must also be the one the registry holds for that document', async () => {
      const ctx = await setup();
      const shan = citizen('单晓红');
      const openId = await ctx.verify(shan);
      const service = doc('SE0276419');
      const dan = buildTd3({
        documentCode: 'PS',
        surname: 'DAN',
        givenNames: shan.givenNamePinyin,
        number: service.number,
        birthDate: shan.birthDate,
        sex: shan.sex,
        expiryDate: service.expiresOn,
      }).join('\n');
      // DAN is a reading of 单, so it matches the verified name; the registry says SHAN.
      await expectRejected(ctx, () => ctx.docs.bind(openId, { ...formOf(service), mrz: dan }), 'DOCUMENT_MISMATCH', ['mrz.name']);
    });
  });

  test('another person’s passport (no MRZ) is refused without saying whose it is', async () => {
    const ctx = await setup();
    const openId = await ctx.verify(zhang);
    const hers = doc('EK2093715');
    const e = await expectRejected(ctx, () => ctx.docs.bind(openId, formOf(hers, false)), 'DOCUMENT_MISMATCH', ['number']);
    expect(e.message).not.toContain(citizen('李娜').name);
    expect(e.message).not.toContain('LI');
  });

  test('another person’s passport with its MRZ fails on the MRZ name, birth date and sex', async () => {
    const ctx = await setup();
    const openId = await ctx.verify(zhang);
    await expectRejected(ctx, () => ctx.docs.bind(openId, formOf(doc('EK2093715'))), 'DOCUMENT_MISMATCH', ['mrz.name', 'mrz.birthDate', 'mrz.sex']);
  });

  test('an expired passport', async () => {
    const ctx = await setup();
    const openId = await ctx.verify(citizen('李娜'));
    await expectRejected(ctx, () => ctx.docs.bind(openId, formOf(doc('E60358127'))), 'DOCUMENT_EXPIRED', ['expiry']);
    await expectRejected(ctx, () => ctx.docs.bind(openId, formOf(doc('E60358127'), false)), 'DOCUMENT_EXPIRED', ['expiry']);
  });

  test('a registered passport with a wrong expiry date (form and MRZ agreeing)', async () => {
    const ctx = await setup();
    const openId = await ctx.verify(zhang);
    await expectRejected(
      ctx,
      () => ctx.docs.bind(openId, { ...formOf(passport), expiry: '2033-06-15', mrz: mrzFor({ expiryDate: '2033-06-15' }) }),
      'DOCUMENT_MISMATCH',
      ['expiry'],
    );
  });

  test('a cancelled passport', async () => {
    const ctx = await setup();
    const openId = await ctx.verify(citizen('单晓红'));
    await expectRejected(ctx, () => ctx.docs.bind(openId, formOf(doc('EA8841062'))), 'DOCUMENT_INVALID', ['number']);
  });

  test('an unknown number of the right format', async () => {
    const ctx = await setup();
    const openId = await ctx.verify(zhang);
    await expectRejected(ctx, () => ctx.docs.bind(openId, { ...formOf(passport, false), number: 'EH4180274' }), 'DOCUMENT_MISMATCH', ['number']);
  });

  test.each([
    ['ordinary', 'E1234567'],
    ['ordinary', 'EI1234567'],
    ['ordinary', 'EO1234567'],
    ['ordinary', 'X12345678'],
    ['diplomatic', 'D12345678'],
    ['service', 'SE123456'],
    ['public-affairs', 'PE12345678'],
    ['travel-permit', 'T1234567'],
    ['ordinary', 'DE0418723'],
  ])('number format: %s %s', async (type, number) => {
    const ctx = await setup();
    const openId = await ctx.verify(zhang);
    const e = await expectRejected(ctx, () => ctx.docs.bind(openId, { type, number, expiry: '2030-01-01' }), 'DOCUMENT_INVALID', ['number']);
    if (number === 'DE0418723') expect(e.fields?.number).toContain('diplomatic passport number');
  });

  test('MRZ of another document of the same person: number, type code and expiry are each named', async () => {
    const ctx = await setup();
    const openId = await ctx.verify(zhang);
    await expectRejected(ctx, () => ctx.docs.bind(openId, { ...formOf(doc('PE1039275')), mrz: passport.mrz.join('\n') }), 'DOCUMENT_INVALID', [
      'number',
      'type',
      'expiry',
    ]);
  });

  test.each([
    ['a diplomatic code on an ordinary passport', { documentCode: 'PD' }, ['type']],
    ['a travel-permit code on an ordinary passport', { documentCode: 'PT' }, ['type']],
    ['another issuing state', { issuingState: 'JPN' }, ['mrz.issuingState']],
    ['another nationality', { nationality: 'JPN' }, ['mrz.nationality']],
    ['an expiry other than the form’s', { expiryDate: '2033-06-15' }, ['expiry']],
  ])('MRZ ↔ form: %s', async (_what, over, fields) => {
    const ctx = await setup();
    const openId = await ctx.verify(zhang);
    await expectRejected(ctx, () => ctx.docs.bind(openId, { ...formOf(passport), mrz: mrzFor(over) }), 'DOCUMENT_INVALID', fields);
  });

  describe('malformed MRZ', () => {
    const [l1, l2] = passport.mrz;
    const swap = (s: string, i: number, c: string) => s.slice(0, i) + c + s.slice(i + 1);
    const bump = (s: string, i: number) => swap(s, i, String((Number(s[i]) + 1) % 10));
    // A check digit in a field is itself covered by the composite check digit, so both are named.
    test.each([
      ['bad number check digit', [l1, bump(l2, 9)], ['mrz.documentNumberCheckDigit', 'mrz.compositeCheckDigit']],
      ['bad birth-date check digit', [l1, bump(l2, 19)], ['mrz.birthDateCheckDigit', 'mrz.compositeCheckDigit']],
      ['bad expiry check digit', [l1, bump(l2, 27)], ['mrz.expirationDateCheckDigit', 'mrz.compositeCheckDigit']],
      ['bad composite check digit', [l1, bump(l2, 43)], ['mrz.compositeCheckDigit']],
      ['a digit of the number changed', [l1, swap(l2, 4, l2[4] === '1' ? '2' : '1')], ['mrz.documentNumberCheckDigit', 'mrz.compositeCheckDigit']],
      ['line 2 too short', [l1, l2.slice(0, 40)], ['mrz.line2']],
      ['both lines too long', [l1 + '<', l2 + '<'], ['mrz.line1', 'mrz.line2']],
      ['one line', [l1], ['mrz']],
      ['lower-case letters', [l1.toLowerCase(), l2], ['mrz.line1']],
      ['a character outside the MRZ set', [swap(l1, 12, '#'), l2], ['mrz.line1']],
      [
        'an impossible birth date with fitting check digits',
        [l1, l2.slice(0, 13) + '880230' + '0' + l2.slice(20)],
        ['mrz.birthDate', 'mrz.birthDateCheckDigit', 'mrz.compositeCheckDigit'],
      ],
    ])('%s', async (_what, lines, fields) => {
      const ctx = await setup();
      const openId = await ctx.verify(zhang);
      await expectRejected(ctx, () => ctx.docs.bind(openId, { ...formOf(passport), mrz: lines }), 'MRZ_INVALID', fields);
    });
  });

  test.each([
    ['a number longer than 16 characters', { number: 'E'.repeat(17) }, ['number']],
    ['an MRZ longer than 200 characters', { mrz: 'P'.repeat(201) }, ['mrz']],
    ['an MRZ of four lines', { mrz: ['a', 'b', 'c', 'd'] }, ['mrz']],
    ['an MRZ line of 101 characters', { mrz: ['P'.repeat(101), 'x'] }, ['mrz']],
    ['an MRZ that is an object', { mrz: { line1: 'x' } }, ['mrz']],
    ['an expiry longer than a date', { expiry: '2033-06-140' }, ['expiry']],
    ['an expiry that is no date', { expiry: '2033-02-30' }, ['expiry']],
    ['an unknown type', { type: 'passport' }, ['type']],
    ['a number with punctuation', { number: 'EH-418027' }, ['number']],
    ['everything wrong at once', { type: 'visa', number: 'x'.repeat(100), expiry: 'soon', mrz: 'P'.repeat(5000) }, ['type', 'number', 'expiry', 'mrz']],
  ])('oversized or malformed fields: %s', async (_what, over, fields) => {
    const ctx = await setup();
    const openId = await ctx.verify(zhang);
    await expectRejected(ctx, () => ctx.docs.bind(openId, { ...formOf(passport), ...over }), 'VALIDATION_FAILED', fields);
  });

  test('field validation comes before the identity check (sizes are bounded before any read)', async () => {
    const ctx = await setup();
    await expectRejected(ctx, () => ctx.docs.bind('oNotVerified0001', { ...formOf(passport), number: 'E'.repeat(17) }), 'VALIDATION_FAILED', ['number']);
  });
});

describe('registry seeding', () => {
  test('is idempotent', async () => {
    const store = await openTestStore();
    expect(await seedDocumentRegistry(store)).toBe(DEMO_DOCUMENTS.length);
    const after = await snapshot(store);
    expect(await seedDocumentRegistry(store)).toBe(0);
    expect(await snapshot(store)).toBe(after);
  });

  test('every demo document belongs to a demo citizen whose data its MRZ carries', async () => {
    const store = await openTestStore();
    await seedDocumentRegistry(store);
    const registry = new LocalDocumentRegistry(store);
    for (const d of DEMO_DOCUMENTS) {
      const c = DEMO_CITIZENS.find((x) => x.idNumber === d.holderIdNumber)!;
      const entry = await registry.lookup(d.number);
      expect(entry).toMatchObject({ type: d.type, number: d.number, holderIdNumber: c.idNumber, birthDate: c.birthDate, sex: c.sex });
      expect(d.mrz[1].slice(0, 9)).toBe(d.number);
    }
    expect(await registry.lookup('E00000000')).toBeNull();
  });
});
