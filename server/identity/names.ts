/**
 * Names as printed on a resident ID card: Chinese characters, and for names of many ethnic
 * minorities a middle dot between the parts (买买提·艾力). People type that dot in several ways;
 * all of them mean U+00B7.
 */

/** Longest name accepted (the card's name field holds at most 15 characters per line, two lines). */
export const MAX_NAME_LENGTH = 30;

const DOTS = /[\u2022\u30FB\uFF0E\u2027\u0387\u16EB\u2219.]/g;

export function normaliseName(name: string): string {
  return name.normalize('NFC').trim().replace(DOTS, '\u00B7');
}

/** Han characters with optional single middle dots between parts. */
export const NAME_PATTERN = /^\p{Script=Han}+(\u00B7\p{Script=Han}+)*$/u;

export function isValidName(name: string): boolean {
  return name.length >= 1 && [...name].length <= MAX_NAME_LENGTH && NAME_PATTERN.test(name);
}
