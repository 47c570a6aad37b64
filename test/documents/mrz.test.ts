import fc from 'fast-check';
import { parse } from 'mrz';
import { MAX_MRZ_INPUT, buildTd3, mrzCheckDigit, readTd3, type Td3Read } from '../../server/documents/mrz';

/**
 * The public specimen (证件样本) of the PRC ordinary e-passport, as printed on its data page:
 * surname 证件 ZHENGJIAN, given name 样本 YANGBEN, number E00000000, born 29 Oct 1983, female,
 * expiring 5 Feb 2022. An independent vector for the check digits.
 */
const SPECIMEN: [string, string] = ['POCHNZHENGJIAN<<YANGBEN<<<<<<<<<<<<<<<<<<<<<', 'E000000008CHN8310291F2202059NGKELMPONBPJB972'];

function fieldsOf(r: Td3Read): string[] {
  return r.ok ? [] : r.problems.map((p) => p.field);
}

describe('check digits', () => {
  test('the specimen’s check digits are what mrzCheckDigit computes', () => {
    const l2 = SPECIMEN[1];
    expect(mrzCheckDigit(l2.slice(0, 9))).toBe(l2[9]);
    expect(mrzCheckDigit(l2.slice(13, 19))).toBe(l2[19]);
    expect(mrzCheckDigit(l2.slice(21, 27))).toBe(l2[27]);
    expect(mrzCheckDigit(l2.slice(28, 42))).toBe(l2[42]);
    expect(mrzCheckDigit(l2.slice(0, 10) + l2.slice(13, 20) + l2.slice(21, 43))).toBe(l2[43]);
  });

  test('misuse throws TypeError', () => {
    expect(() => mrzCheckDigit('abc')).toThrow(TypeError);
  });
});

describe('readTd3', () => {
  test('reads the specimen', () => {
    const r = readTd3(SPECIMEN.join('\n'));
    expect(r).toEqual({
      ok: true,
      value: {
        lines: SPECIMEN,
        documentCode: 'PO',
        issuingState: 'CHN',
        nationality: 'CHN',
        nameField: SPECIMEN[0].slice(5),
        surname: 'ZHENGJIAN',
        givenNames: 'YANGBEN',
        number: 'E00000000',
        birthDate: '831029',
        sex: 'female',
        expiryDate: '2022-02-05',
        personalNumber: 'NGKELMPONBPJB9',
      },
    });
    expect(readTd3(SPECIMEN)).toEqual(r);
    expect(readTd3(`  ${SPECIMEN[0]}\r\n${SPECIMEN[1]}  \n`)).toEqual(r);
  });

  test('what buildTd3 writes, the mrz package reads as valid, and readTd3 gives the fields back', () => {
    const letters = fc.stringMatching(/^[A-Z]{1,12}$/);
    fc.assert(
      fc.property(
        fc.constantFrom('PO', 'PD', 'PS', 'PT', 'P<'),
        letters,
        letters,
        fc.stringMatching(/^[A-Z0-9]{9}$/),
        fc.date({ min: new Date('1930-01-01T00:00:00Z'), max: new Date('2026-01-01T00:00:00Z'), noInvalidDate: true }),
        fc.date({ min: new Date('2026-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }),
        fc.constantFrom('male' as const, 'female' as const),
        fc.stringMatching(/^[A-Z0-9<]{0,14}$/),
        (documentCode, surname, givenNames, number, birth, expiry, sex, personalNumber) => {
          const birthDate = birth.toISOString().slice(0, 10);
          const expiryDate = expiry.toISOString().slice(0, 10);
          const lines = buildTd3({ documentCode, surname, givenNames, number, birthDate, sex, expiryDate, personalNumber });
          expect(lines.map((l) => l.length)).toEqual([44, 44]);
          expect(parse(lines).valid).toBe(true);
          const r = readTd3(lines);
          expect(r.ok).toBe(true);
          if (r.ok) {
            expect(r.value).toMatchObject({ documentCode, surname, givenNames, number, sex, expiryDate, birthDate: birthDate.slice(2).replace(/-/g, '') });
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  describe('malformed MRZ names each wrong field', () => {
    const swap = (line: string, i: number, c: string) => line.slice(0, i) + c + line.slice(i + 1);
    const other = (d: string) => String((Number(d) + 1) % 10);
    const l2 = SPECIMEN[1];

    test.each([
      ['document number check digit', 9, 'mrz.documentNumberCheckDigit'],
      ['birth date check digit', 19, 'mrz.birthDateCheckDigit'],
      ['expiry check digit', 27, 'mrz.expirationDateCheckDigit'],
      ['personal number check digit', 42, 'mrz.personalNumberCheckDigit'],
      ['composite check digit', 43, 'mrz.compositeCheckDigit'],
    ])('wrong %s', (_name, pos, field) => {
      expect(fieldsOf(readTd3([SPECIMEN[0], swap(l2, pos, other(l2[pos]))]))).toContain(field);
    });

    test('a changed number is caught by its check digit and the composite one', () => {
      const changed = swap(l2, 3, '7');
      expect(fieldsOf(readTd3([SPECIMEN[0], changed])).sort()).toEqual(['mrz.compositeCheckDigit', 'mrz.documentNumberCheckDigit']);
    });

    test('every problem has a Chinese and an English message', () => {
      const r = readTd3([SPECIMEN[0], swap(swap(l2, 9, other(l2[9])), 19, other(l2[19]))]);
      expect(r.ok).toBe(false);
      if (!r.ok) for (const p of r.problems) expect(`${p.zh} ${p.en}`).toMatch(/\p{Script=Han}.* [a-z]+/u);
    });

    test.each([
      ['one line', [SPECIMEN[0]], 'mrz'],
      ['three lines', [...SPECIMEN, SPECIMEN[1]], 'mrz'],
      ['line 1 too short', [SPECIMEN[0].slice(0, 43), SPECIMEN[1]], 'mrz.line1'],
      ['line 2 too long', [SPECIMEN[0], SPECIMEN[1] + '<'], 'mrz.line2'],
      ['TD1 length lines', [SPECIMEN[0].slice(0, 30), SPECIMEN[1].slice(0, 30)], 'mrz.line1'],
      ['lower-case letters', [SPECIMEN[0].toLowerCase(), SPECIMEN[1]], 'mrz.line1'],
      ['a space inside', [swap(SPECIMEN[0], 20, ' '), SPECIMEN[1]], 'mrz.line1'],
      ['Chinese characters', [swap(SPECIMEN[0], 20, '张'), SPECIMEN[1]], 'mrz.line1'],
      ['a punctuation mark', [SPECIMEN[0], swap(SPECIMEN[1], 5, '-')], 'mrz.line2'],
      ['not a passport code', ['I' + SPECIMEN[0].slice(1), SPECIMEN[1]], 'mrz.documentCode'],
      ['a visa code', ['V' + SPECIMEN[0].slice(1), SPECIMEN[1]], 'mrz.documentCode'],
    ])('%s', (_name, lines, field) => {
      expect(fieldsOf(readTd3(lines))).toContain(field);
    });

    test('an impossible date with correct check digits is refused', () => {
      const lines = buildTd3({
        documentCode: 'PO',
        surname: 'ZHANG',
        givenNames: 'WEI',
        number: 'EH4180273',
        birthDate: '1988-02-30',
        sex: 'male',
        expiryDate: '2033-06-14',
      });
      expect(parse(lines).valid).toBe(true); // the mrz package alone would accept it
      expect(fieldsOf(readTd3(lines))).toEqual(['mrz.birthDate']);
      const expiry = buildTd3({
        documentCode: 'PO',
        surname: 'ZHANG',
        givenNames: 'WEI',
        number: 'EH4180273',
        birthDate: '1988-05-12',
        sex: 'male',
        expiryDate: '2033-04-31',
      });
      expect(fieldsOf(readTd3(expiry))).toEqual(['mrz.expirationDate']);
    });

    test('oversized and non-text input is refused before parsing', () => {
      expect(fieldsOf(readTd3('P'.repeat(MAX_MRZ_INPUT + 1)))).toEqual(['mrz']);
      expect(fieldsOf(readTd3([SPECIMEN[0] + '<'.repeat(100), SPECIMEN[1]]))).toEqual(['mrz']);
      expect(fieldsOf(readTd3(['a', 'b', 'c', 'd']))).toEqual(['mrz']);
      expect(fieldsOf(readTd3(42))).toEqual(['mrz']);
      expect(fieldsOf(readTd3({ line1: SPECIMEN[0] }))).toEqual(['mrz']);
      expect(fieldsOf(readTd3([SPECIMEN[0], 7]))).toEqual(['mrz']);
    });
  });
});

describe('buildTd3', () => {
  test('misuse throws TypeError', () => {
    const ok = {
      documentCode: 'PO',
      surname: 'ZHANG',
      givenNames: 'WEI',
      number: 'EH4180273',
      birthDate: '1988-05-12',
      sex: 'male' as const,
      expiryDate: '2033-06-14',
    };
    expect(() => buildTd3({ ...ok, documentCode: 'ID' })).toThrow(TypeError);
    expect(() => buildTd3({ ...ok, surname: 'ZHANG-SAN' })).toThrow(TypeError);
    expect(() => buildTd3({ ...ok, birthDate: '12.05.1988' })).toThrow(TypeError);
  });

  test('a long name is truncated to the 39-character field', () => {
    const [l1] = buildTd3({
      documentCode: 'PO',
      surname: 'A'.repeat(30),
      givenNames: 'B'.repeat(30),
      number: 'EH4180273',
      birthDate: '1988-05-12',
      sex: 'male',
      expiryDate: '2033-06-14',
    });
    expect(l1).toBe(`POCHN${'A'.repeat(30)}<<${'B'.repeat(7)}`);
  });
});
