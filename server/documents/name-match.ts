/**
 * Does an MRZ name field belong to a person whose verified name is in Chinese characters?
 *
 * PRC travel documents print the name in Hanyu Pinyin without tone marks, surname and given name
 * each written as one word (GB/T 28039-2011), in the MRZ as SURNAME<<GIVENNAME (ICAO 9303 Part 3:
 * upper case, '<' for spaces, truncated at 39 characters). The verified identity gives only the
 * characters, and characters can have several readings (单 DAN/SHAN, 曾 ZENG/CENG), so the check
 * is whether SOME reading of each character, and a split into surname and given name (after the
 * first or second character, 欧阳 being one surname, or at a middle dot), spells the MRZ name. Readings come from pinyin-pro's dictionary. Accepted beyond
 * that, because passports show them: ü written YU (吕 LYU, the current practice), U, V or UE; a
 * '<' between syllables; truncation at the end of a full name field. A character the dictionary
 * does not know (rare characters, extension planes) matches any one syllable of 1–6 letters,
 * rather than refusing the person.
 */
import { pinyin } from 'pinyin-pro';

const NAME_FIELD_LENGTH = 39;
const UNKNOWN = Symbol('unknown syllable');
type Syllable = readonly string[] | typeof UNKNOWN;

const U_UMLAUT_SPELLINGS = ['YU', 'U', 'V', 'UE'];

/** Upper-case MRZ spellings of one character's readings. */
export function spellingsOf(char: string): readonly string[] | null {
  const readings = pinyin(char, { toneType: 'none', multiple: true, type: 'array' });
  const out = new Set<string>();
  for (const r of readings) {
    if (!/^[a-zü]+$/.test(r)) continue;
    const up = r.toUpperCase();
    if (up.includes('Ü')) for (const s of U_UMLAUT_SPELLINGS) out.add(up.replace(/Ü/g, s));
    else out.add(up);
  }
  return out.size ? [...out] : null;
}

/** True when some reading and some surname/given split of `name` spells the MRZ name field. */
export function mrzNameMatches(name: string, nameField: string): boolean {
  if (!/^[A-Z<]{1,39}$/.test(nameField)) return false;
  const all = [...name.normalize('NFC')];
  const chars = all.filter((c) => c !== '\u00B7');
  if (chars.length === 0 || all.length > 30) return false;
  const syllables: Syllable[] = chars.map((c) => spellingsOf(c) ?? UNKNOWN);
  const field = nameField.padEnd(NAME_FIELD_LENGTH, '<');
  const truncated = field[NAME_FIELD_LENGTH - 1] !== '<';
  // Where the surname may end: after one or two characters (欧阳, 司马 and double surnames are two),
  // or at a middle dot; the given name is never empty unless the name is a single character.
  const splits = new Set([1, 2]);
  all.forEach((c, i) => {
    if (c === '\u00B7') splits.add(all.slice(0, i).filter((x) => x !== '\u00B7').length);
  });
  for (const k of [...splits].sort((a, b) => a - b)) {
    if (k < 1 || (k >= chars.length && chars.length > 1) || k > chars.length) continue;
    if (matchFrom(field, 0, [...syllables.slice(0, k), '<<', ...syllables.slice(k)], 0, truncated)) return true;
  }
  return false;
}

/** Tokens: syllables, and the literal '<<' between surname and given name. */
function matchFrom(field: string, pos: number, tokens: (Syllable | '<<')[], ti: number, truncated: boolean): boolean {
  if (pos === field.length) return truncated || ti === tokens.length;
  if (ti === tokens.length) return /^<*$/.test(field.slice(pos));
  const t = tokens[ti];
  if (t === '<<') return consume(field, pos, '<<', truncated, (p) => matchFrom(field, p, tokens, ti + 1, truncated));
  // An optional '<' between two syllables of the same part.
  const afterSyllable = (p: number): boolean => {
    if (matchFrom(field, p, tokens, ti + 1, truncated)) return true;
    const nextIsSyllable = ti + 1 < tokens.length && tokens[ti + 1] !== '<<';
    return nextIsSyllable && field[p] === '<' && field[p + 1] !== '<' && matchFrom(field, p + 1, tokens, ti + 1, truncated);
  };
  if (t === UNKNOWN) {
    for (let n = 1; n <= 6 && pos + n <= field.length; n++) {
      if (!/^[A-Z]+$/.test(field.slice(pos, pos + n))) break;
      if (afterSyllable(pos + n)) return true;
    }
    return false;
  }
  return t.some((s) => consume(field, pos, s, truncated, afterSyllable));
}

/** Matches `s` at pos; a truncated field may end inside it. */
function consume(field: string, pos: number, s: string, truncated: boolean, next: (p: number) => boolean): boolean {
  const end = Math.min(field.length, pos + s.length);
  if (field.slice(pos, end) !== s.slice(0, end - pos)) return false;
  if (end < pos + s.length) return truncated;
  return next(end);
}
