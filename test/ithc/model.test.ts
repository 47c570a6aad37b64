/**
 * Data model B: encoding, reading, defaults, canonical form and every validation problem.
 * Negative cases start from the valid example's CBOR and change one thing, so each asserts that
 * exactly that change is reported, at the right path.
 */
import fc from 'fast-check';
import { fromHex, toHex } from '../../core/bytes';
import { decodeLenient, encodeStrict, type CborValue } from '../../core/cbor';
import {
  ITHC_KEYS,
  ITHC_LIMITS,
  ITHC_VERSION,
  checkDate,
  ithcToCbor,
  ithcToJson,
  readIthc,
  type IthcCertificate,
  type IthcCertificateInput,
} from '../../core/ithc';
import { exampleCertificate, ISSUER } from './fixtures';

type CMap = Map<CborValue, CborValue>;

/** The example's CBOR, freshly decoded from its bytes (as a verifier would hold it). */
function exampleCbor(input: IthcCertificateInput = exampleCertificate()): CMap {
  return decodeLenient(encodeStrict(ithcToCbor(input))) as CMap;
}

/** Follows a key path into nested maps/arrays. */
function at(root: CborValue, path: number[]): CborValue {
  let v: CborValue = root;
  for (const k of path) v = Array.isArray(v) ? v[k] : (v as CMap).get(k)!;
  return v;
}

/** The example with one value set (or deleted, for undefined) at a key path. */
function withValue(path: number[], value: CborValue | undefined): CMap {
  const root = exampleCbor();
  const parent = at(root, path.slice(0, -1));
  const last = path[path.length - 1];
  if (Array.isArray(parent)) parent[last] = value;
  else if (value === undefined) (parent as CMap).delete(last);
  else (parent as CMap).set(last, value);
  return root;
}

const K = ITHC_KEYS;
const H = (k: keyof typeof K.holder) => [K.certificate.holder, K.holder[k]];
const T = (k: keyof typeof K.test, i = 0) => [K.certificate.tests, i, K.test[k]];
const A = (k: keyof typeof K.antibodyTest, i = 0) => [K.certificate.antibodyTests, i, K.antibodyTest[k]];
const V = (k: keyof typeof K.vaccination, i = 0) => [K.certificate.vaccinations, i, K.vaccination[k]];

describe('round trip', () => {
  test('a certificate reads back as it was written, with version and record types derived', () => {
    const input = exampleCertificate();
    const { certificate, problems } = readIthc(exampleCbor(input));
    expect(problems).toEqual([]);
    expect(certificate).toEqual({ ...input, version: ITHC_VERSION, recordTypes: ['t', 'v'] });
  });

  test('encoding is deterministic and canonical: decoding and re-encoding gives the same bytes', () => {
    const bytes = toHex(encodeStrict(ithcToCbor(exampleCertificate())));
    expect(toHex(encodeStrict(decodeLenient(fromHex(bytes))))).toBe(bytes);
    expect(toHex(encodeStrict(ithcToCbor(exampleCertificate())))).toBe(bytes);
  });

  test('record types follow the lists present: antibody tests are tests', () => {
    const base = exampleCertificate();
    const only = (k: 'tests' | 'antibodyTests' | 'vaccinations'): IthcCertificate => {
      const input = { ...base, tests: undefined, antibodyTests: undefined, vaccinations: undefined, [k]: base[k] };
      return readIthc(ithcToCbor(input)).certificate!;
    };
    expect(only('tests').recordTypes).toEqual(['t']);
    expect(only('antibodyTests').recordTypes).toEqual(['t']);
    expect(only('vaccinations').recordTypes).toEqual(['v']);
  });

  test('random valid certificates round-trip (property)', () => {
    const base = exampleCertificate();
    const name = fc.string({ minLength: 1, maxLength: 80, unit: fc.constantFrom(...'张王李赵伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英'.split('')) });
    const icao = fc.string({ minLength: 1, maxLength: 80, unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ<'.split('')) });
    const day = fc
      .integer({ min: Date.UTC(1900, 0, 1) / 864e5, max: Date.UTC(2099, 11, 31) / 864e5 })
      .map((d) => new Date(d * 864e5).toISOString().slice(0, 10));
    const time = fc.integer({ min: 946684800, max: 4102444799 });
    const decimal = fc
      .tuple(fc.integer({ min: 0, max: 999999999 }), fc.option(fc.stringMatching(/^\d{1,6}$/), { nil: undefined }))
      .map(([i, f]) => (f === undefined ? String(i) : `${i}.${f}`));
    fc.assert(
      fc.property(
        name,
        icao,
        day,
        fc.constantFrom<'M' | 'F' | 'X'>('M', 'F', 'X'),
        time,
        decimal,
        day,
        fc.integer({ min: 1, max: 9 }),
        (surname, latin, dob, sex, sampleTime, value, date, dose) => {
          const input: IthcCertificateInput = {
            ...base,
            holder: { ...base.holder, surname, surnameLatin: latin, dateOfBirth: dob, sex },
            tests: [{ ...base.tests![0], sampleTime, reportTime: Math.min(sampleTime + 3600, 4102444799) }],
            antibodyTests: [{ ...base.antibodyTests![0], sampleTime, value }],
            vaccinations: [{ ...base.vaccinations![0], date, doseNumber: dose }],
          };
          const read = readIthc(decodeLenient(encodeStrict(ithcToCbor(input))));
          expect(read.problems).toEqual([]);
          expect(read.certificate).toEqual({ ...input, version: ITHC_VERSION, recordTypes: ['t', 'v'] });
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('defaults and canonical form', () => {
  test('the encoder leaves out defaults: disease, nucleic-acid test type, inherited issuer', () => {
    const m = exampleCbor();
    for (const path of [T('disease'), T('testType'), T('issuer'), A('disease'), A('issuer'), V('disease'), V('issuer')]) {
      expect((at(m, path.slice(0, -1)) as CMap).has(path[path.length - 1])).toBe(false);
    }
    const cert = readIthc(m).certificate!;
    expect(cert.tests[0]).toMatchObject({ disease: '840539006', testType: 'LP6464-4', issuer: ISSUER });
    expect(cert.vaccinations[1]).toMatchObject({ disease: '840539006', issuer: ISSUER });
  });

  test('values that differ from the defaults are written out and read back', () => {
    const base = exampleCertificate();
    const input = { ...base, tests: [{ ...base.tests![0], testType: 'LP217198-3', device: '1232', issuer: 'Beijing Municipal Health Commission' }] };
    const m = exampleCbor(input);
    expect(at(m, T('testType'))).toBe('LP217198-3');
    expect(at(m, T('issuer'))).toBe('Beijing Municipal Health Commission');
    expect(readIthc(m).certificate!.tests[0]).toEqual(input.tests[0]);
  });

  test('a default written out explicitly is accepted and reads the same', () => {
    const m = withValue(T('disease'), '840539006');
    (at(m, [K.certificate.tests, 0]) as CMap).set(K.test.testType, 'LP6464-4').set(K.test.issuer, ISSUER);
    expect(readIthc(m)).toEqual(readIthc(exampleCbor()));
  });

  test('empty lists are left out by the encoder and accepted by the reader', () => {
    const input = { ...exampleCertificate(), tests: [] };
    const m = exampleCbor(input);
    expect(m.has(K.certificate.tests)).toBe(false);
    m.set(K.certificate.tests, []);
    const read = readIthc(m);
    expect(read.problems).toEqual([]);
    expect(read.certificate!.tests).toEqual([]);
  });

  test('negative keys are extensions a reader ignores, in every map', () => {
    const m = exampleCbor();
    m.set(-1, 'display hint');
    (at(m, [K.certificate.holder]) as CMap).set(-7, [1, 2, 3]);
    (at(m, [K.certificate.vaccinations, 0]) as CMap).set(-65536, new Map([[1, 2]]));
    expect(readIthc(m)).toEqual(readIthc(exampleCbor()));
  });

  test('the vaccination date is a day number and reads back as the same calendar date', () => {
    const m = exampleCbor();
    expect(at(m, V('date'))).toBe(Date.UTC(2021, 3, 1) / 86400000);
    expect(readIthc(m).certificate!.vaccinations[0].date).toBe('2021-04-01');
  });
});

describe('ithcToCbor refuses what is not a valid certificate (caller misuse)', () => {
  const base = exampleCertificate();
  test.each<[string, unknown, RegExp]>([
    ['not an object', null, /needs a certificate object/],
    ['a missing holder', { ...base, holder: undefined }, /certificate\.holder is required/],
    ['an unknown sex', { ...base, holder: { ...base.holder, sex: 'Q' } }, /holder\.sex must be one of X, M, F/],
    [
      'an impossible vaccination date',
      { ...base, vaccinations: [{ ...base.vaccinations![0], date: '2021-02-30' }] },
      /vaccinations\[0\]\.date "2021-02-30" is not a calendar date/,
    ],
    [
      'a malformed decimal',
      { ...base, antibodyTests: [{ ...base.antibodyTests![0], value: '1e3' }] },
      /antibodyTests\[0\]\.value \(key 5\/0\/10\): "1e3" is not a decimal/,
    ],
    ['an invalid date of birth', { ...base, holder: { ...base.holder, dateOfBirth: '1985-3-12' } }, /holder\.dateOfBirth \(key 3\/5\)/],
    ['no records at all', { ...base, tests: undefined, antibodyTests: undefined, vaccinations: undefined }, /carries no test, antibody test or vaccination/],
  ])('%s', (_what, input, message) => {
    expect(() => ithcToCbor(input as IthcCertificateInput)).toThrow(TypeError);
    expect(() => ithcToCbor(input as IthcCertificateInput)).toThrow(message);
  });
});

describe('readIthc reports each problem with its path', () => {
  const bigint = BigInt('18446744073709551615');
  const cases: Array<[string, () => CborValue, string]> = [
    ['not a map', () => ['ITHC'], 'certificate (key -): expected the ITHC certificate as a map, got an array of 1'],
    ['an unknown format version', () => withValue([0], 2), 'version (key 0): ITHC format version 2 is not supported; this verifier reads version 1'],
    ['no version', () => withValue([0], undefined), 'version (key 0): is missing'],
    ['a version as text', () => withValue([0], '1'), 'version (key 0): expected an integer version, got text "1"'],
    ['an id that is no UVCI', () => withValue([1], 'ABC-123'), 'id (key 1): "ABC-123" is not a UVCI without its prefix (CC:...#C)'],
    [
      'a UVCI with its prefix written out',
      () => withValue([1], 'URN:UVCI:01:CN:9F3K2M7Q4T8W1Z5X#Y'),
      'id (key 1): "URN:UVCI:01:CN:9F3K2M7Q4T8W1Z5X#Y" is not a UVCI without its prefix (CC:...#C)',
    ],
    [
      'a UVCI with a wrong check character',
      () => withValue([1], 'CN:9F3K2M7Q4T8W1Z5X#6'),
      'id (key 1): "URN:UVCI:01:CN:9F3K2M7Q4T8W1Z5X#6" has a wrong UVCI checksum character',
    ],
    ['an id as a number', () => withValue([1], 42), 'id (key 1): expected the UVCI without URN:UVCI:01: as text, got integer 42'],
    [
      'an unknown issuer code',
      () => withValue([2], 7),
      'issuer (key 2): integer 7 is not a known issuer code (known: 1 National Health Commission of the PRC, 2 General Administration of Customs of the PRC, 3 Chinese Center for Disease Control and Prevention)',
    ],
    [
      'a test result past 2^53',
      () => withValue(T('result'), 2 ** 60),
      `tests[0].result (key 4/0/6): expected a code (integer or text) from the DCC value set testResult, got integer ${2 ** 60}`,
    ],
    [
      'a test result code that is no SNOMED result',
      () => withValue(T('result'), 840539006),
      'tests[0].result (key 4/0/6): "840539006" is not a code of the DCC value set testResult',
    ],
    [
      'a manufacturer code 0',
      () => withValue(V('manufacturer'), 0),
      'vaccinations[0].manufacturer (key 6/0/4): expected a code (integer or text) from the DCC value set vaccineManufacturer, got integer 0',
    ],
    ['an empty issuer', () => withValue([2], ''), 'issuer (key 2): must not be empty'],
    ['an issuer of 81 characters', () => withValue([2], 'x'.repeat(81)), 'issuer (key 2): is 81 characters long; at most 80 are allowed'],
    ['an issuer with an escape sequence', () => withValue([2], 'NHC\u001b[2J'), 'issuer (key 2): contains a control character'],
    ['an issuer as bytes', () => withValue([2], new Uint8Array(3)), 'issuer (key 2): expected a text string, got a byte string of 3 bytes'],
    ['a holder that is no map', () => withValue([3], 'Zhang Wei'), 'holder (key 3): expected the holder as a map, got text "Zhang Wei"'],
    [
      'no name in Chinese characters',
      () => {
        const m = withValue(H('surname'), undefined);
        (at(m, [3]) as CMap).delete(2);
        return m;
      },
      'holder (key 3): needs a surname or a given name in Chinese characters (key 1 or 2)',
    ],
    [
      'no transliterated name',
      () => {
        const m = withValue(H('surnameLatin'), undefined);
        (at(m, [3]) as CMap).delete(4);
        return m;
      },
      'holder (key 3): needs a transliterated surname or given name (key 3 or 4)',
    ],
    [
      'a lower-case transliteration',
      () => withValue(H('surnameLatin'), 'Zhang'),
      'holder.surnameLatin (key 3/3): "Zhang" is not an ICAO 9303 transliteration (A-Z and <)',
    ],
    ['the 30th of February', () => withValue(H('dateOfBirth'), '1990-02-30'), 'holder.dateOfBirth (key 3/5): "1990-02-30" is not a calendar date'],
    ['month 13', () => withValue(H('dateOfBirth'), '1990-13'), 'holder.dateOfBirth (key 3/5): "1990-13" has no month 13'],
    [
      'a birth before 1900',
      () => withValue(H('dateOfBirth'), '1850-01-01'),
      'holder.dateOfBirth (key 3/5): "1850-01-01" is not a date YYYY-MM-DD, YYYY-MM or YYYY between 1900 and 2099',
    ],
    [
      'a date of birth as an instant',
      () => withValue(H('dateOfBirth'), '1985-03-12T00:00:00Z'),
      'holder.dateOfBirth (key 3/5): "1985-03-12T00:00:00Z" is not a date YYYY-MM-DD, YYYY-MM or YYYY between 1900 and 2099',
    ],
    ['a date of birth as a number', () => withValue(H('dateOfBirth'), 19850312), 'holder.dateOfBirth (key 3/5): expected a text string, got integer 19850312'],
    ['an unknown sex code', () => withValue(H('sex'), 5), 'holder.sex (key 3/6): 5 is not a known sex code (known: 0 X, 1 M, 2 F)'],
    ['an alpha-3 nationality', () => withValue(H('nationality'), 'CHN'), 'holder.nationality (key 3/7): "CHN" is not a code of the DCC value set country'],
    [
      'an unknown travel document type',
      () => withValue(H('documentType'), 6),
      'holder.documentType (key 3/8): 6 is not a known travel document type code (known: 1 ordinary, 2 diplomatic, 3 service, 4 public-affairs, 5 travel-permit)',
    ],
    [
      'a malformed document number',
      () => withValue(H('documentNumber'), 'e1234567'),
      'holder.documentNumber (key 3/9): "e1234567" is not a document number (5 to 20 of A-Z, 0-9)',
    ],
    ['no document number', () => withValue(H('documentNumber'), undefined), 'holder.documentNumber (key 3/9): is missing'],
    ['tests that are no array', () => withValue([4], new Map()), 'tests (key 4): expected an array of tests, got a map'],
    ['an unknown test type', () => withValue(T('testType'), 'PCR'), 'tests[0].testType (key 4/0/2): "PCR" is not a code of the DCC value set testType'],
    [
      'a test result in words',
      () => withValue(T('result'), 'negative'),
      'tests[0].result (key 4/0/6): "negative" is not a code of the DCC value set testResult',
    ],
    [
      'a sample time in floating point',
      () => withValue(T('sampleTime'), 1622514600.5),
      'tests[0].sampleTime (key 4/0/5): expected whole seconds since 1970-01-01T00:00:00Z, got float 1622514600.5',
    ],
    ['a sample time in 1970', () => withValue(T('sampleTime'), 100), 'tests[0].sampleTime (key 4/0/5): 100 is not between 2000-01-01 and 2099-12-31'],
    [
      'a sample time past 2^64',
      () => withValue(T('sampleTime'), bigint),
      `tests[0].sampleTime (key 4/0/5): expected whole seconds since 1970-01-01T00:00:00Z, got the out-of-range integer ${bigint}`,
    ],
    [
      'a malformed RAT device',
      () => withValue(T('device'), 'Panbio'),
      'tests[0].device (key 4/0/4): "Panbio" is not a well-formed code for the DCC value set testManufacturer',
    ],
    ['no sample time', () => withValue(T('sampleTime'), undefined), 'tests[0].sampleTime (key 4/0/5): is missing'],
    ['an unknown key', () => withValue(T('result').slice(0, -1).concat(12), 'x'), 'tests[0] (key 4/0): unknown key 12 in a test (ITHC version 1)'],
    [
      'a text key',
      () => {
        const m = exampleCbor();
        (at(m, [4, 0]) as CMap).set('tg', '840539006');
        return m;
      },
      'tests[0] (key 4/0): unexpected key text "tg" (keys are integers)',
    ],
    [
      'an unknown IgG method',
      () => withValue(A('method'), 4),
      'antibodyTests[0].method (key 5/0/2): 4 is not a known IgG method code (known: 1 CLIA, 2 ELISA, 3 LFIA, 9 other)',
    ],
    [
      'an unknown IgG result',
      () => withValue(A('result'), 0),
      'antibodyTests[0].result (key 5/0/6): 0 is not a known IgG result code (known: 1 negative, 2 positive, 3 indeterminate)',
    ],
    [
      'an unknown IgG unit',
      () => withValue(A('unit'), 7),
      'antibodyTests[0].unit (key 5/0/11): 7 is not a known IgG unit code (known: 1 BAU/mL, 2 AU/mL, 3 U/mL, 4 S/CO)',
    ],
    [
      'a value without its unit',
      () => {
        const m = withValue(A('unit'), undefined);
        (at(m, [5, 0]) as CMap).delete(K.antibodyTest.cutoff);
        return m;
      },
      'antibodyTests[0] (key 5/0): has a quantitative value (key 10) without its unit (key 11)',
    ],
    [
      'a threshold without its unit',
      () => {
        const m = withValue(A('unit'), undefined);
        (at(m, [5, 0]) as CMap).delete(K.antibodyTest.value);
        return m;
      },
      'antibodyTests[0] (key 5/0): has a positivity threshold (key 13) without its unit (key 11)',
    ],
    [
      'a unit without a value or threshold',
      () => {
        const m = withValue(A('value'), undefined);
        (at(m, [5, 0]) as CMap).delete(K.antibodyTest.cutoff);
        return m;
      },
      'antibodyTests[0] (key 5/0): has a unit (key 11) without a quantitative value (key 10) or threshold (key 13)',
    ],
    [
      'a comparator without a value',
      () => {
        const m = withValue(A('value'), undefined);
        (at(m, [5, 0]) as CMap).set(K.antibodyTest.comparator, 1);
        return m;
      },
      'antibodyTests[0] (key 5/0): has a comparator (key 14) without a quantitative value (key 10)',
    ],
    [
      'an unknown comparator',
      () => withValue(A('comparator'), 3),
      'antibodyTests[0].comparator (key 5/0/14): 3 is not a known value comparator code (known: 1 <, 2 >)',
    ],
    [
      'an unknown antigen target',
      () => withValue(A('target'), 9),
      'antibodyTests[0].target (key 5/0/12): 9 is not a known IgG antigen target code (known: 1 spike, 2 rbd, 3 nucleocapsid, 4 spike+nucleocapsid)',
    ],
    ['a threshold as a float', () => withValue(A('cutoff'), 1.5), 'antibodyTests[0].cutoff (key 5/0/13): expected a text string, got float 1.5'],
    [
      'a manufacturer beside an assay code',
      () => withValue(A('manufacturer'), 'Snibe'),
      'antibodyTests[0] (key 5/0): has a manufacturer (key 4) beside an assay code (key 3), which names the manufacturer already',
    ],
    ['an assay code 0', () => withValue(A('assay'), 0), 'antibodyTests[0].assay (key 5/0/3): integer 0 is not an assay code (1 to 4294967295)'],
    [
      'a source code past 2^32',
      () => withValue(T('testingCentre'), 2 ** 32),
      `tests[0].testingCentre (key 4/0/7): integer ${2 ** 32} is not a source code (1 to 4294967295)`,
    ],
    [
      'a source code in floating point',
      () => withValue(A('testingCentre'), 1101.5),
      'antibodyTests[0].testingCentre (key 5/0/7): float 1101.5 is not a source code (1 to 4294967295)',
    ],
    [
      'a testing centre as bytes',
      () => withValue(T('testingCentre'), new Uint8Array(2)),
      'tests[0].testingCentre (key 4/0/7): expected a source code (integer) or a name (text), got a byte string of 2 bytes',
    ],
    [
      'a result reported before the sample',
      () => withValue(T('reportTime'), 1622514599),
      'tests[0] (key 4/0): reports its result (key 10) before the sample was taken (key 5)',
    ],
    [
      'no vaccination site in the first vaccination',
      () => withValue(V('vaccinationSite'), undefined),
      'vaccinations[0].vaccinationSite (key 6/0/10): is missing',
    ],
    ['no document issuer', () => withValue(H('documentIssuer'), undefined), 'holder.documentIssuer (key 3/10): is missing'],
    [
      'an alpha-3 document issuer',
      () => withValue(H('documentIssuer'), 'CHN'),
      'holder.documentIssuer (key 3/10): "CHN" is not a code of the DCC value set country',
    ],
    ['a value as a float', () => withValue(A('value'), 58.2), 'antibodyTests[0].value (key 5/0/10): expected a text string, got float 58.2'],
    [
      'a value with a sign',
      () => withValue(A('value'), '-3'),
      'antibodyTests[0].value (key 5/0/10): "-3" is not a decimal like 12.5 (up to 9 integer and 6 fraction digits)',
    ],
    [
      'an unknown prophylaxis',
      () => withValue(V('prophylaxis'), 'J07BX99'),
      'vaccinations[0].prophylaxis (key 6/0/2): "J07BX99" is not a code of the DCC value set vaccineProphylaxis',
    ],
    [
      'an empty product',
      () => withValue(V('product'), ''),
      'vaccinations[0].product (key 6/0/3): "" is not a well-formed code for the DCC value set vaccineProduct',
    ],
    ['dose 0', () => withValue(V('doseNumber'), 0), 'vaccinations[0].doseNumber (key 6/0/5): dose number 0 is outside 1–9'],
    ['ten doses in the series', () => withValue(V('totalDoses', 1), 10), 'vaccinations[1].totalDoses (key 6/1/6): total doses 10 is outside 1–9'],
    [
      'a vaccination date before 1900',
      () => withValue(V('date'), -30000),
      'vaccinations[0].date (key 6/0/7): day -30000 is not between 1900-01-01 and 2099-12-31',
    ],
    [
      'a vaccination date as text',
      () => withValue(V('date'), '2021-04-01'),
      'vaccinations[0].date (key 6/0/7): expected a date as whole days since 1970-01-01, got text "2021-04-01"',
    ],
    [
      'a vaccination country that is no country',
      () => withValue(V('country'), 'EU'),
      'vaccinations[0].country (key 6/0/8): "EU" is not a code of the DCC value set country',
    ],
    ['an unknown top-level key', () => withValue([7], 1), 'certificate (key -): unknown key 7 in the ITHC certificate (ITHC version 1)'],
    [
      'no records',
      () => {
        const m = exampleCbor();
        m.delete(4);
        m.delete(5);
        m.delete(6);
        return m;
      },
      'certificate (key -): carries no test, antibody test or vaccination; a certificate needs at least one record',
    ],
  ];

  test.each(cases)('%s', (_what, make, message) => {
    const { certificate, problems } = readIthc(make());
    expect(problems).toEqual([message]);
    expect(certificate).toBeUndefined();
  });

  test('every problem in one certificate is reported, not just the first', () => {
    const m = withValue(H('dateOfBirth'), '1990-02-30');
    (at(m, [4, 0]) as CMap).set(K.test.result, 'negative');
    (at(m, [6, 1]) as CMap).set(K.vaccination.doseNumber, 0);
    const { problems } = readIthc(m);
    expect(problems).toEqual([
      'holder.dateOfBirth (key 3/5): "1990-02-30" is not a calendar date',
      'tests[0].result (key 4/0/6): "negative" is not a code of the DCC value set testResult',
      'vaccinations[1].doseNumber (key 6/1/5): dose number 0 is outside 1–9',
    ]);
  });

  test('an issuer that fails leaves the records that inherit it without a second report', () => {
    const { problems } = readIthc(withValue([2], new Uint8Array(2)));
    expect(problems).toEqual(['issuer (key 2): expected a text string, got a byte string of 2 bytes']);
  });

  test('open value sets accept codes this verifier has never seen', () => {
    const m = withValue(V('product'), 'New-Vaccine-2025');
    (at(m, [6, 0]) as CMap).set(K.vaccination.manufacturer, 'ORG-999');
    const read = readIthc(m);
    expect(read.problems).toEqual([]);
    expect(read.certificate!.vaccinations[0]).toMatchObject({ product: 'New-Vaccine-2025', manufacturer: 'ORG-999' });
  });
});

describe('decoding bounds', () => {
  test(`a list of more than ${ITHC_LIMITS.maxRecords} records is refused without reading its entries`, () => {
    const m = exampleCbor();
    m.set(
      K.certificate.vaccinations,
      Array.from({ length: ITHC_LIMITS.maxRecords + 1 }, () => 'garbage'),
    );
    expect(readIthc(m).problems).toEqual([
      `vaccinations (key 6): holds ${ITHC_LIMITS.maxRecords + 1} vaccinations; at most ${ITHC_LIMITS.maxRecords} are allowed`,
    ]);
  });

  test(`${ITHC_LIMITS.maxRecords} records are accepted`, () => {
    const base = exampleCertificate();
    const input = { ...base, vaccinations: Array.from({ length: ITHC_LIMITS.maxRecords }, (_, i) => ({ ...base.vaccinations![0], doseNumber: (i % 9) + 1 })) };
    expect(readIthc(exampleCbor(input)).certificate!.vaccinations).toHaveLength(ITHC_LIMITS.maxRecords);
  });

  test('text limits count characters, not bytes: 80 Chinese characters or emoji fit, 81 do not', () => {
    for (const ch of ['国', '😷']) {
      const ok = readIthc(withValue(A('testingCentre'), ch.repeat(80)));
      expect(ok.problems).toEqual([]);
      expect(readIthc(withValue(A('testingCentre'), ch.repeat(81))).problems).toEqual([
        'antibodyTests[0].testingCentre (key 5/0/7): is 81 characters long; at most 80 are allowed',
      ]);
    }
  });

  test(`the report stops at ${ITHC_LIMITS.maxProblems} problems and counts the rest`, () => {
    const m = exampleCbor();
    const bad = new Map<CborValue, CborValue>(Array.from({ length: 12 }, (_, i) => [100 + i, 0]));
    m.set(
      K.certificate.tests,
      Array.from({ length: ITHC_LIMITS.maxRecords }, () => bad),
    );
    const { problems } = readIthc(m);
    // The first bad test: 12 unknown keys and 4 missing required fields (sample time, result,
    // testing centre, country). The others: 12 and 2, since a missing testing centre and country
    // would be the unreadable entry's before them, and that was reported already.
    const total = 12 + 4 + (ITHC_LIMITS.maxRecords - 1) * (12 + 2);
    expect(problems).toHaveLength(ITHC_LIMITS.maxProblems + 1);
    expect(problems[ITHC_LIMITS.maxProblems]).toBe(`… and ${total - ITHC_LIMITS.maxProblems} more problems`);
  });
});

describe('compact carriage (docs §Defaults and canonical form)', () => {
  const keysOf = (m: CborValue): CborValue[] => [...(m as CMap).keys()];

  test('numeric codes travel as integers, ORG- manufacturers as their number, other codes as text', () => {
    const m = exampleCbor();
    expect(at(m, T('result'))).toBe(260415000);
    expect(at(m, V('prophylaxis'))).toBe(1157024006);
    expect(at(m, V('manufacturer'))).toBe(100020693);
    expect(at(m, V('product'))).toBe('BBIBP-CorV');
    const base = exampleCertificate();
    const mrna = { ...base.vaccinations![0], prophylaxis: 'J07BX03', product: 'CoronaVac', manufacturer: 'Sinovac-Biotech' };
    const other = exampleCbor({ ...base, vaccinations: [mrna] });
    expect([at(other, V('prophylaxis')), at(other, V('manufacturer'))]).toEqual(['J07BX03', 'Sinovac-Biotech']);
    expect(readIthc(other).certificate!.vaccinations[0]).toEqual(mrna);
  });

  test('the text form of a numeric code reads as the integer form does', () => {
    const m = withValue(T('result'), '260415000');
    (at(m, [K.certificate.vaccinations, 0]) as CMap).set(K.vaccination.manufacturer, 'ORG-100020693');
    expect(readIthc(m)).toEqual(readIthc(exampleCbor()));
  });

  test('a listed issuer travels as its code, any other as text; both read as the name', () => {
    expect(at(exampleCbor(), [K.certificate.issuer])).toBe(1);
    expect(readIthc(withValue([K.certificate.issuer], ISSUER))).toEqual(readIthc(exampleCbor()));
    const input = { ...exampleCertificate(), issuer: 'Macao SAR Health Bureau' };
    const m = exampleCbor(input);
    expect(at(m, [K.certificate.issuer])).toBe('Macao SAR Health Bureau');
    expect(readIthc(m).certificate!.issuer).toBe('Macao SAR Health Bureau');
    // The records keep their own issuer, which now differs from the certificate's: written out, as its code.
    expect(at(m, V('issuer', 1))).toBe(1);
    expect(readIthc(m).certificate!.vaccinations[1].issuer).toBe(ISSUER);
  });

  test('the UVCI travels without URN:UVCI:01: and reads back whole', () => {
    const input = exampleCertificate();
    const m = exampleCbor(input);
    expect(at(m, [K.certificate.id])).toBe(input.id.slice('URN:UVCI:01:'.length));
    expect(readIthc(m).certificate!.id).toBe(input.id);
  });

  test('a vaccination series writes its vaccine once: the second dose carries only dose number and date', () => {
    const m = exampleCbor();
    expect(keysOf(at(m, [K.certificate.vaccinations, 1]))).toEqual([K.vaccination.doseNumber, K.vaccination.date]);
    expect(readIthc(m).certificate!.vaccinations).toEqual(exampleCertificate().vaccinations);
  });

  test('what changes within a series is written out, and the entry after follows the change', () => {
    const base = exampleCertificate();
    const [first, second] = base.vaccinations!;
    const booster = {
      ...second,
      doseNumber: 3,
      totalDoses: 3,
      prophylaxis: 'J07BX03',
      product: 'EU/1/20/1528',
      manufacturer: 'ORG-100030215',
      date: '2021-12-01',
    };
    const fourth = { ...booster, doseNumber: 4, totalDoses: 4, date: '2022-06-01' };
    const input = { ...base, vaccinations: [first, second, booster, fourth] };
    const m = exampleCbor(input);
    const V2 = K.vaccination;
    expect(keysOf(at(m, [K.certificate.vaccinations, 2]))).toEqual([V2.prophylaxis, V2.product, V2.manufacturer, V2.doseNumber, V2.totalDoses, V2.date]);
    expect(keysOf(at(m, [K.certificate.vaccinations, 3]))).toEqual([V2.doseNumber, V2.totalDoses, V2.date]);
    expect(readIthc(m).certificate!.vaccinations).toEqual(input.vaccinations);
  });

  test('the first entry falls back on the default, later ones on the entry before: a NAAT after a RAT says so', () => {
    const base = exampleCertificate();
    const rat = { ...base.tests![0], testType: 'LP217198-3', device: '1232' };
    const naat = { ...base.tests![0], sampleTime: base.tests![0].sampleTime + 86400, reportTime: base.tests![0].reportTime! + 86400 };
    const input = { ...base, tests: [rat, naat] };
    const m = exampleCbor(input);
    expect(at(m, T('testType', 0))).toBe('LP217198-3');
    expect(at(m, T('testType', 1))).toBe('LP6464-4');
    expect((at(m, [K.certificate.tests, 1]) as CMap).has(K.test.testingCentre)).toBe(false);
    expect(readIthc(m).certificate!.tests).toEqual(input.tests);
  });

  test('a series field missing from the first entry is reported once, not again for the entries that follow it', () => {
    const { problems, certificate } = readIthc(withValue(V('product', 0), undefined));
    expect(problems).toEqual(['vaccinations[0].product (key 6/0/3): is missing']);
    expect(certificate).toBeUndefined();
  });
});

describe('calendar dates', () => {
  test.each([
    ['2000-02-29', true],
    ['1900-02-29', false],
    ['2024-02-29', true],
    ['2023-02-29', false],
    ['2021-04-31', false],
    ['2021-12-31', true],
    ['2021-00-10', false],
    ['2021-01-00', false],
  ])('%s is a date: %s', (s, ok) => {
    expect(checkDate(s, false) === undefined).toBe(ok);
  });

  test('partial dates are allowed for the date of birth only', () => {
    expect(checkDate('1985-03', true)).toBeUndefined();
    expect(checkDate('1985', true)).toBeUndefined();
    expect(checkDate('1985', false)).toBe('"1985" is not a full date YYYY-MM-DD');
  });

  test('every day from 1900 to 2099 survives the day-number encoding (no time zone involved)', () => {
    const base = exampleCertificate();
    const cbor = ithcToCbor(base) as CMap;
    const vac = at(cbor, [6, 0]) as CMap;
    let checked = 0;
    for (let d = Date.UTC(1900, 0, 1); d <= Date.UTC(2099, 11, 31); d += 86400000 * 37) {
      const iso = new Date(d).toISOString().slice(0, 10);
      const encoded = (ithcToCbor({ ...base, vaccinations: [{ ...base.vaccinations![0], date: iso }] }) as CMap).get(6) as CMap[];
      vac.set(K.vaccination.date, encoded[0].get(K.vaccination.date));
      expect(readIthc(cbor).certificate!.vaccinations[0].date).toBe(iso);
      checked++;
    }
    expect(checked).toBeGreaterThan(1900);
  });
});

describe('ithcToJson', () => {
  test('writes instants as ISO 8601 UTC and keeps everything else readable', () => {
    const cert = readIthc(exampleCbor()).certificate!;
    const json = ithcToJson(cert) as { tests: Array<{ sampleTime: string }>; holder: unknown; vaccinations: Array<{ date: string }> };
    expect(json.tests[0].sampleTime).toBe('2021-06-01T02:30:00Z');
    expect(json.vaccinations[0].date).toBe('2021-04-01');
    expect(json.holder).toEqual(cert.holder);
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });
});
