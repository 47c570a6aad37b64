/**
 * The shape of a catalogue entry: a text with {placeholders}, or plural forms chosen by the number
 * in the parameter `n` (CLDR categories; every language gives at least `other`).
 */
export interface Plural {
  readonly zero?: string;
  readonly one?: string;
  readonly two?: string;
  readonly few?: string;
  readonly many?: string;
  readonly other: string;
}

export type Message = string | Plural;

export type PluralCategory = keyof Plural;

/** Parameters of a message: text as given, numbers written with Latin digits. */
export type Params = Readonly<Record<string, string | number>>;
