/**
 * Whose certificate a page shows: the user's own, or a relative's the user acts for
 * (docs/functions.md: the `for` parameter).
 *
 * Each page holds its person in its own state, from its query (`for=self` or `for=<relation id>`),
 * and passes it on to the pages it opens; every call it makes carries that person. The person chosen
 * last is also kept on the device, but only as the default for a page opened without `for` (from
 * home, or after a restart): a page never changes whom it acts for because storage changed under it.
 */
import { readValue, removeValue, writeValue } from '../adapters/storage';

const KEY = 'ithc.actingFor';

/** The `for` value that names the user themself (relation ids are UUIDs, never this word). */
export const SELF = 'self';
/** What a relation id may look like in a query (the server's are UUIDs); anything else is ignored. */
const RELATION_ID = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_NAME_LENGTH = 64;

export interface ActingFor {
  /** The relation id the server gave (relatives.list). */
  id: string;
  /** As the relatives list names them; '' when the page has not learnt it yet (the certificate names the holder). */
  name: string;
}

export function getActingFor(): ActingFor | null {
  const v = readValue(KEY) as Partial<ActingFor> | undefined;
  return v && typeof v.id === 'string' && typeof v.name === 'string' && RELATION_ID.test(v.id) ? { id: v.id, name: v.name.slice(0, MAX_NAME_LENGTH) } : null;
}

/** Makes `who` the default person (null: the user). Pages already open keep their own. */
export function setActingFor(who: ActingFor | null): void {
  if (who === null) removeValue(KEY);
  else writeValue(KEY, { id: who.id, name: who.name.slice(0, MAX_NAME_LENGTH) });
}

/**
 * The person a page acts for, from its query: `for=self` the user, `for=<relation id>` that relative
 * (named as the stored default names them, when it is the same one), no `for` (or a malformed one)
 * the default person.
 */
export function subjectFromQuery(query?: Record<string, string | undefined> | null): ActingFor | null {
  const raw = query?.for;
  if (raw === SELF) return null;
  if (typeof raw !== 'string' || !RELATION_ID.test(raw)) return getActingFor();
  const stored = getActingFor();
  return { id: raw, name: stored && stored.id === raw ? stored.name : '' };
}

/** `route` with the person in its query, for the next page to act for the same person. */
export function routeFor(route: string, who: ActingFor | null): string {
  return `${route}${route.includes('?') ? '&' : '?'}for=${who ? who.id : SELF}`;
}

/** The `for` parameter of a call: present only when acting for a relative. */
export function forParam(who: ActingFor | null): Record<string, string> {
  return who ? { for: who.id } : {};
}

/** The same person (both the user, or the same relative). */
export function samePerson(a: ActingFor | null, b: ActingFor | null): boolean {
  return a === null || b === null ? a === b : a.id === b.id;
}
