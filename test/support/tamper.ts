/**
 * The code with its third character from the end changed to another base45 character, whatever it
 * held there: its compressed bytes change, so its zlib check or its signature fails.
 */
export function changeOneCharacter(code: string): string {
  const i = code.length - 3;
  return code.slice(0, i) + (code[i] === 'A' ? 'B' : 'A') + code.slice(i + 1);
}
