/**
 * Whose certificate the app is showing: the user's own, or a relative's the user acts for
 * (docs/functions.md: the `for` parameter). Kept on the device, so it survives a restart.
 */
import { readValue, removeValue, writeValue } from '../adapters/storage';

const KEY = 'ithc.actingFor';

export interface ActingFor {
  /** The relation id the server gave (relatives.list). */
  id: string;
  name: string;
}

export function getActingFor(): ActingFor | null {
  const v = readValue(KEY) as Partial<ActingFor> | undefined;
  return v && typeof v.id === 'string' && typeof v.name === 'string' && v.id ? { id: v.id, name: v.name } : null;
}

export function setActingFor(who: ActingFor | null): void {
  if (who === null) removeValue(KEY);
  else writeValue(KEY, { id: who.id, name: who.name });
}

/** The `for` parameter of a call: present only when acting for a relative. */
export function forParam(who: ActingFor | null = getActingFor()): Record<string, string> {
  return who ? { for: who.id } : {};
}
