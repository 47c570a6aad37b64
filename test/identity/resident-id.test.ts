import fc from 'fast-check';
import { buildResidentId } from '../../demo/citizens';
import {
  PROVINCE_CODES,
  ResidentIdError,
  checkResidentId,
  chinaDate,
  maskResidentId,
  parseResidentId,
  residentIdCheckChar,
  type ResidentIdPart,
} from '../../core/resident-id';

const TODAY = '2026-06-01';

/**
 * ISO 7064 MOD 11-2 as the standard states it, independent of the weight table in the module:
 * with the check character at position 1 and a_i the value at position i (X = 10),
 * Σ a_i · 2^(i−1) ≡ 1 (mod 11).
 */
function satisfiesMod11_2(id: string): boolean {
  let sum = 0;
  for (let i = 1; i <= 18; i++) {
    const ch = id[18 - i];
    const a = ch === 'X' ? 10 : Number(ch);
    sum += a * (2 ** (i - 1) % 11);
  }
  return sum % 11 === 1;
}

/** The one number with a valid check character for these 17 digits, found by trying all 11. */
function completeByTrial(first17: string): string {
  const found = [...'0123456789X'].filter((c) => satisfiesMod11_2(first17 + c));
  if (found.length !== 1) throw new Error(`expected exactly one check character, got ${found.join(',')}`);
  return first17 + found[0];
}

function parts(r: ReturnType<typeof checkResidentId>): ResidentIdPart[] {
  return r.ok ? [] : r.problems.map((p) => p.part);
}

describe('check character (ISO 7064 MOD 11-2)', () => {
  test('the example of GB 11643-1999 (11010519491231002X) is valid, with X as its check character', () => {
    expect(satisfiesMod11_2('11010519491231002X')).toBe(true);
    expect(residentIdCheckChar('11010519491231002')).toBe('X');
    const r = parseResidentId('11010519491231002X', TODAY);
    expect(r).toEqual({ idNumber: '11010519491231002X', birthDate: '1949-12-31', sex: 'female', regionCode: '110105' });
  });

  test('agrees with the standard’s congruence for every 17-digit prefix tried', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{17}$/), (first17) => {
        expect(first17 + residentIdCheckChar(first17)).toBe(completeByTrial(first17));
      }),
      { numRuns: 2000 },
    );
  });

  test('misuse throws TypeError', () => {
    expect(() => residentIdCheckChar('1234')).toThrow(TypeError);
    expect(() => residentIdCheckChar('1101051949123100X')).toThrow(TypeError);
  });
});

describe('valid numbers', () => {
  const regions = ['110105', '310104', '441900', '429004', '650102', '810000', '820000', '500101'];
  test('any real date from 1900 to today, any sequence, any GB/T 2260-shaped region: valid, and the facts come back', () => {
    const day = 86_400_000;
    const from = Date.UTC(1900, 0, 1) / day;
    const to = Date.UTC(2026, 5, 1) / day;
    fc.assert(
      fc.property(fc.constantFrom(...regions), fc.integer({ min: from, max: to }), fc.integer({ min: 0, max: 999 }), (region, d, seq) => {
        const birthDate = new Date(d * day).toISOString().slice(0, 10);
        const id = completeByTrial(region + birthDate.replace(/-/g, '') + String(seq).padStart(3, '0'));
        expect(buildResidentId(region, birthDate, seq)).toBe(id);
        const r = checkResidentId(id, TODAY);
        expect(r).toEqual({ ok: true, value: { idNumber: id, birthDate, sex: seq % 2 === 1 ? 'male' : 'female', regionCode: region } });
      }),
      { numRuns: 1000 },
    );
  });

  test('a lower-case x check character is read as X', () => {
    const r = checkResidentId('11010519491231002x', TODAY);
    expect(r.ok && r.value.idNumber).toBe('11010519491231002X');
  });

  test('full-width digits and surrounding spaces are folded', () => {
    const id = buildResidentId('310104', '1992-11-03', 42);
    const fullWidth = [...id].map((c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).join('');
    const r = checkResidentId(`  ${fullWidth} `, TODAY);
    expect(r.ok && r.value.idNumber).toBe(id);
  });

  test('born today is valid (the boundary is inclusive)', () => {
    expect(checkResidentId(buildResidentId('110105', TODAY, 1), TODAY).ok).toBe(true);
  });

  test('29 February exists in 2000 and 2024', () => {
    expect(checkResidentId(buildResidentId('110105', '2000-02-29', 1), TODAY).ok).toBe(true);
    expect(checkResidentId(buildResidentId('110105', '2024-02-29', 2), TODAY).ok).toBe(true);
  });
});

describe('invalid numbers name the wrong part', () => {
  const good = buildResidentId('110105', '1988-05-12', 31);

  test('every wrong check character is reported as checkDigit, and only that', () => {
    for (const c of '0123456789X') {
      if (c === good[17]) continue;
      expect(parts(checkResidentId(good.slice(0, 17) + c, TODAY))).toEqual(['checkDigit']);
    }
  });

  test('a single changed digit is caught by the check character', () => {
    fc.assert(
      fc.property(fc.integer({ min: 14, max: 16 }), fc.integer({ min: 1, max: 9 }), (pos, delta) => {
        const changed = good.slice(0, pos) + String((Number(good[pos]) + delta) % 10) + good.slice(pos + 1);
        expect(parts(checkResidentId(changed, TODAY))).toContain('checkDigit');
      }),
    );
  });

  test.each([
    ['17 characters', good.slice(0, 17)],
    ['19 characters', good + '1'],
    ['empty', ''],
    ['15-digit first-generation number', '110105880512311'],
    ['far too long', '1'.repeat(10_000)],
  ])('length: %s', (_name, input) => {
    expect(parts(checkResidentId(input, TODAY))).toEqual(['length']);
  });

  test.each([
    ['a letter inside', good.slice(0, 5) + 'A' + good.slice(6)],
    ['X not at the end', 'X' + good.slice(1)],
    ['a space inside', good.slice(0, 8) + ' ' + good.slice(9)],
    ['a hyphen', good.slice(0, 6) + '-' + good.slice(7)],
    ['another final letter', good.slice(0, 17) + 'Y'],
  ])('characters: %s', (_name, input) => {
    expect(parts(checkResidentId(input, TODAY))).toEqual(['characters']);
  });

  test.each([
    ['province 00', '000000'],
    ['province 10 (unassigned)', '100101'],
    ['province 16 (unassigned)', '160101'],
    ['province 47 (unassigned)', '470101'],
    ['province 66 (unassigned)', '660101'],
    ['province 83 (Taiwan residence permits; not GB/T 2260)', '830000'],
    ['province 99', '990101'],
    ['prefecture 00', '110001'],
    ['prefecture 71', '447101'],
    ['prefecture 99', '119901'],
    ['Hong Kong below province level', '810101'],
    ['Taiwan below province level', '710100'],
  ])('region: %s', (_name, region) => {
    expect(parts(checkResidentId(buildResidentId(region, '1988-05-12', 31), TODAY))).toEqual(['region']);
  });

  test('every province code of the table is accepted', () => {
    for (const p of PROVINCE_CODES.keys()) {
      const region = ['71', '81', '82'].includes(p) ? `${p}0000` : `${p}0101`;
      expect(parts(checkResidentId(buildResidentId(region, '1988-05-12', 31), TODAY))).toEqual([]);
    }
  });

  /** A number whose check character fits, with an impossible or out-of-range birth date. */
  const withDate = (yyyymmdd: string) => completeByTrial(`110105${yyyymmdd}031`);

  test.each([
    ['30 February', '19990230'],
    ['29 February in a common year', '20230229'],
    ['29 February 1900 (not a leap year)', '19000229'],
    ['month 13', '19881312'],
    ['month 00', '19880012'],
    ['day 00', '19880500'],
    ['day 32', '19880132'],
    ['31 April', '19880431'],
    ['tomorrow', '20260602'],
    ['next year', '20270101'],
    ['before 1900', '18991231'],
  ])('birth date: %s', (_name, date) => {
    expect(parts(checkResidentId(withDate(date), TODAY))).toEqual(['birthDate']);
  });

  test('several wrong parts are all reported, each once', () => {
    const bad = '990101' + '19990230' + '031' + '0';
    const r = checkResidentId(bad.slice(0, 17) + (residentIdCheckChar(bad.slice(0, 17)) === '0' ? '1' : '0'), TODAY);
    expect(parts(r).sort()).toEqual(['birthDate', 'checkDigit', 'region']);
  });

  test('every problem says what is wrong in Chinese and in English', () => {
    const r = checkResidentId('990101' + '19990230' + '0311', TODAY);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      for (const p of r.problems) {
        expect(p.zh).toMatch(/\p{Script=Han}/u);
        expect(p.en).toMatch(/[a-z]{3}/);
      }
    }
  });

  test('parseResidentId throws ResidentIdError carrying the problems', () => {
    const bad = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
    expect(() => parseResidentId(bad, TODAY)).toThrow(ResidentIdError);
    try {
      parseResidentId(bad, TODAY);
    } catch (e) {
      expect((e as ResidentIdError).problems.map((p) => p.part)).toEqual(['checkDigit']);
    }
  });

  test('misuse throws TypeError', () => {
    expect(() => checkResidentId(123 as unknown as string, TODAY)).toThrow(TypeError);
    expect(() => checkResidentId(good, '2026/06/01')).toThrow(TypeError);
  });
});

describe('helpers', () => {
  test('maskResidentId keeps the region and the last four', () => {
    const id = buildResidentId('110101', '1990-03-07', 123);
    expect(maskResidentId(id)).toBe(`110101********${id.slice(14)}`);
    expect(maskResidentId(id)).not.toContain(id.slice(6, 14));
  });

  test('chinaDate is the civil date at UTC+8', () => {
    expect(chinaDate(Date.UTC(2026, 4, 31, 15, 59, 59))).toBe('2026-05-31');
    expect(chinaDate(Date.UTC(2026, 4, 31, 16, 0, 0))).toBe('2026-06-01');
  });
});
