/**
 * Names as printed on a resident ID card: Chinese characters, and for names of many ethnic
 * minorities a middle dot between the parts (买买提·艾力). People and systems write the same name
 * in several ways, and every place that compares a name with the citizen registry (identity
 * verification, record ingestion) reads it through normaliseName:
 * - full-width and other compatibility forms fold to their plain form (NFKC: "张　伟" with an
 *   ideographic space, full-width letters, CJK compatibility ideographs);
 * - spaces of any kind are dropped (labs' systems often put one between surname and given name);
 * - the dots typed for the middle dot (· • ・ ． ‧ . and their look-alikes) all become U+00B7.
 */

/** Longest name accepted (the card's name field holds at most 15 characters per line, two lines). */
export const MAX_NAME_LENGTH = 30;

/**
 * What people type for the middle dot, after NFKC (which already turns U+0387 into U+00B7,
 * U+FF0E into '.', and U+FF65 into U+30FB): bullet, hyphenation point, katakana middle dot, dot
 * operator, bullet operator, runic single punctuation, word separator middle dot, full stop.
 */
const DOTS = /[\u2022\u2027\u30FB\u22C5\u2219\u16EB\u2E31\u0387\uFF0E\uFF65.]/g;

/** White space and the invisible characters that copy-and-paste leaves in names. */
const SPACES = /[\s\u200B-\u200D\u2060\uFEFF]/g;

export function normaliseName(name: string): string {
  return name.normalize('NFKC').replace(SPACES, '').replace(DOTS, '\u00B7');
}

/** Whether two names are the same name as written by different people or systems. */
export function sameName(a: string, b: string): boolean {
  return normaliseName(a) === normaliseName(b);
}

/** Han characters with optional single middle dots between parts. */
export const NAME_PATTERN = /^\p{Script=Han}+(\u00B7\p{Script=Han}+)*$/u;

export function isValidName(name: string): boolean {
  return name.length >= 1 && [...name].length <= MAX_NAME_LENGTH && NAME_PATTERN.test(name);
}
