/**
 * The machine-readable zone of a passport-size document (TD3, ICAO Doc 9303 Part 4): two lines of
 * 44 characters from [A-Z0-9<].
 *
 *   line 1: document code (2) · issuing state (3) · name (39: SURNAME<<GIVEN<NAMES, '<'-filled)
 *   line 2: number (9) + check · nationality (3) · birth YYMMDD + check · sex (M/F/<) ·
 *           expiry YYMMDD + check · optional/personal number (14) + check · composite check
 *
 * Parsing and the check digits are the `mrz` package's (5.0.2); this module adds what it leaves
 * out: a bound on the input, strict characters (its own line check is unanchored), real calendar
 * dates (it accepts 31 February), and bilingual messages naming each wrong field. buildTd3 writes
 * lines with computed check digits for tests and the demo; the tests check it against `mrz` and a
 * published specimen.
 */
import { parse as parseMrz, type FieldName } from 'mrz';
import { isRealDate } from '../../core/resident-id';

/** Two lines and their separators, with room for stray spaces; anything longer is not an MRZ. */
export const MAX_MRZ_INPUT = 200;

export interface MrzProblem {
  /** "mrz" for the whole zone, "mrz.line1"/"mrz.line2", or "mrz.<field>" (e.g. mrz.birthDateCheckDigit). */
  field: string;
  zh: string;
  en: string;
}

export interface Td3 {
  lines: [string, string];
  documentCode: string;
  issuingState: string;
  nationality: string;
  /** Name field as printed, filler included (39 characters). */
  nameField: string;
  surname: string;
  givenNames: string;
  number: string;
  /** YYMMDD: the century is not in the MRZ. */
  birthDate: string;
  sex: 'male' | 'female' | 'unspecified';
  /** YYYY-MM-DD, read as 20YY (no document valid today expired in the 1900s). */
  expiryDate: string;
  personalNumber: string;
}

export type Td3Read = { ok: true; value: Td3 } | { ok: false; problems: MrzProblem[] };

const FIELD_NAMES: Partial<Record<FieldName, { zh: string; en: string }>> = {
  documentCode: { zh: '证件类型代码', en: 'document code' },
  issuingState: { zh: '签发国', en: 'issuing state' },
  lastName: { zh: '姓', en: 'surname' },
  firstName: { zh: '名', en: 'given names' },
  documentNumber: { zh: '证件号码', en: 'document number' },
  documentNumberCheckDigit: { zh: '证件号码校验位', en: 'document number check digit' },
  nationality: { zh: '国籍', en: 'nationality' },
  birthDate: { zh: '出生日期', en: 'date of birth' },
  birthDateCheckDigit: { zh: '出生日期校验位', en: 'date of birth check digit' },
  sex: { zh: '性别', en: 'sex' },
  expirationDate: { zh: '有效期', en: 'date of expiry' },
  expirationDateCheckDigit: { zh: '有效期校验位', en: 'date of expiry check digit' },
  personalNumber: { zh: '个人号码', en: 'personal number' },
  personalNumberCheckDigit: { zh: '个人号码校验位', en: 'personal number check digit' },
  compositeCheckDigit: { zh: '总校验位', en: 'composite check digit' },
};

/** ICAO 9303 check digit: weights 7, 3, 1; digits as themselves, A–Z as 10–35, '<' as 0. */
export function mrzCheckDigit(s: string): string {
  if (!/^[A-Z0-9<]*$/.test(s)) throw new TypeError('mrzCheckDigit takes [A-Z0-9<] only');
  const weights = [7, 3, 1];
  let sum = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const v = c === 60 ? 0 : c <= 57 ? c - 48 : c - 55;
    sum += v * weights[i % 3];
  }
  return String(sum % 10);
}

export interface Td3Input {
  documentCode: string;
  issuingState?: string;
  nationality?: string;
  /** Upper-case Latin letters; spaces become '<'. */
  surname: string;
  givenNames: string;
  number: string;
  /** YYYY-MM-DD */
  birthDate: string;
  sex: 'male' | 'female';
  /** YYYY-MM-DD */
  expiryDate: string;
  personalNumber?: string;
}

/** Writes the two TD3 lines with computed check digits (tests and demo data). */
export function buildTd3(f: Td3Input): [string, string] {
  const field = (s: string, n: number) => {
    const v = s.toUpperCase().replace(/ /g, '<');
    if (!/^[A-Z0-9<]*$/.test(v)) throw new TypeError(`MRZ fields take A–Z, 0–9 and '<' only: ${JSON.stringify(s)}`);
    return v.slice(0, n).padEnd(n, '<');
  };
  const yymmdd = (d: string) => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) throw new TypeError('dates are YYYY-MM-DD');
    return d.slice(2).replace(/-/g, '');
  };
  if (!/^P[A-Z<]$/.test(f.documentCode)) throw new TypeError('a TD3 passport code is P plus a letter or <');
  const line1 = (f.documentCode + field(f.issuingState ?? 'CHN', 3) + field(`${f.surname}<<${f.givenNames}`, 39)).slice(0, 44);
  const number = field(f.number, 9);
  const birth = yymmdd(f.birthDate);
  const expiry = yymmdd(f.expiryDate);
  const personal = field(f.personalNumber ?? '', 14);
  const personalCheck = /^<+$/.test(personal) ? '<' : mrzCheckDigit(personal);
  const part1 = number + mrzCheckDigit(number);
  const part2 = birth + mrzCheckDigit(birth);
  const part3 = expiry + mrzCheckDigit(expiry) + personal + personalCheck;
  const line2 = part1 + field(f.nationality ?? 'CHN', 3) + part2 + (f.sex === 'male' ? 'M' : 'F') + part3 + mrzCheckDigit(part1 + part2 + part3);
  return [line1, line2];
}

/** Reads an MRZ given as one string (lines separated by a line break) or as an array of lines. */
export function readTd3(input: unknown): Td3Read {
  let lines: string[];
  if (typeof input === 'string') {
    if (input.length > MAX_MRZ_INPUT)
      return fail('mrz', `机读码过长（最多 ${MAX_MRZ_INPUT} 个字符）`, `the MRZ is too long (at most ${MAX_MRZ_INPUT} characters)`);
    lines = input.split(/\r?\n|\r/);
  } else if (Array.isArray(input)) {
    if (input.length > 3 || input.some((l) => typeof l !== 'string' || l.length > MAX_MRZ_INPUT / 2)) {
      return fail('mrz', '机读码应为两行文本', 'the MRZ must be two lines of text');
    }
    lines = input as string[];
  } else {
    return fail('mrz', '机读码应为两行文本', 'the MRZ must be two lines of text');
  }
  lines = lines.map((l) => l.trim()).filter((l) => l.length > 0);
  if (lines.length !== 2) return fail('mrz', `护照机读码应为两行（现为 ${lines.length} 行）`, `a passport MRZ has two lines (found ${lines.length})`);

  const problems: MrzProblem[] = [];
  lines.forEach((l, i) => {
    if (l.length !== 44)
      problems.push({
        field: `mrz.line${i + 1}`,
        zh: `第 ${i + 1} 行应为 44 个字符（现为 ${l.length} 个）`,
        en: `line ${i + 1} must have 44 characters (it has ${l.length})`,
      });
    else if (!/^[A-Z0-9<]{44}$/.test(l))
      problems.push({
        field: `mrz.line${i + 1}`,
        zh: `第 ${i + 1} 行只能包含大写字母、数字和 <`,
        en: `line ${i + 1} may hold only capital letters, digits and <`,
      });
  });
  if (problems.length) return { ok: false, problems };
  if (lines[0][0] !== 'P') return fail('mrz.documentCode', '不是护照类证件的机读码（应以 P 开头）', 'not a passport-type MRZ (it must start with P)');

  let parsed;
  try {
    parsed = parseMrz(lines);
  } catch {
    return fail('mrz', '无法识别机读码格式', 'the MRZ format is not recognised');
  }
  if (parsed.format !== 'TD3') return fail('mrz', '不是护照（TD3）机读码', 'not a passport (TD3) MRZ');

  for (const d of parsed.details) {
    if (d.valid || !d.field) continue;
    const name = FIELD_NAMES[d.field] ?? { zh: d.label, en: d.label };
    const isCheck = d.field.endsWith('CheckDigit');
    problems.push({
      field: `mrz.${d.field}`,
      zh: isCheck ? `${name.zh}不正确` : `${name.zh}格式不正确`,
      en: isCheck ? `the ${name.en} does not match` : `the ${name.en} is malformed`,
    });
  }
  const l1 = lines[0];
  const l2 = lines[1];
  const birth = l2.slice(13, 19);
  const expiry = l2.slice(21, 27);
  if (!problems.some((p) => p.field === 'mrz.birthDate') && !realYymmdd(birth))
    problems.push({ field: 'mrz.birthDate', zh: '出生日期不是有效日期', en: 'the date of birth is not a real date' });
  if (!problems.some((p) => p.field === 'mrz.expirationDate') && !realYymmdd(expiry))
    problems.push({ field: 'mrz.expirationDate', zh: '有效期不是有效日期', en: 'the date of expiry is not a real date' });
  const sexChar = l2[20];
  if (problems.length) return { ok: false, problems };

  const nameField = l1.slice(5, 44);
  const sep = nameField.indexOf('<<');
  const surname = (sep < 0 ? nameField : nameField.slice(0, sep)).replace(/<+$/, '');
  const givenNames = sep < 0 ? '' : nameField.slice(sep + 2).replace(/<+$/, '');
  return {
    ok: true,
    value: {
      lines: [l1, l2],
      documentCode: l1.slice(0, 2),
      issuingState: l1.slice(2, 5),
      nationality: l2.slice(10, 13),
      nameField,
      surname,
      givenNames,
      number: l2.slice(0, 9).replace(/<+$/, ''),
      birthDate: birth,
      sex: sexChar === 'M' ? 'male' : sexChar === 'F' ? 'female' : 'unspecified',
      expiryDate: `20${expiry.slice(0, 2)}-${expiry.slice(2, 4)}-${expiry.slice(4, 6)}`,
      personalNumber: l2.slice(28, 42).replace(/<+$/, ''),
    },
  };
}

function realYymmdd(s: string): boolean {
  if (!/^[0-9]{6}$/.test(s)) return false;
  // The century matters only for 29 February of a year ending in 00 (2000 has one, 1900 had
  // not); the cross-check against the verified birth date settles that case.
  return isRealDate(2000 + Number(s.slice(0, 2)), Number(s.slice(2, 4)), Number(s.slice(4, 6)));
}

function fail(field: string, zh: string, en: string): Td3Read {
  return { ok: false, problems: [{ field, zh, en }] };
}
