/**
 * The destination authorities a sealed code may be sealed for, by the kids of their encryption
 * keys: from the public partner list (partners.list, docs/functions.md), kept on the phone so the
 * page names them offline too. Only for naming whom a code the phone cannot open is for: nothing is
 * trusted from it, and without it the page names the kid the code carries.
 */
import { callFunction } from '../../services/cloud';
import { readValue, writeValue } from '../../adapters/storage';

export const AUTHORITIES_KEY = 'ithc.verify.authorities';
/** Bounds on what is kept (a real list holds a few dozen partners with one or two keys each). */
const MAX_PARTNERS = 250;
const MAX_KIDS = 16;
const MAX_NAME = 80;
const COUNTRY = /^[A-Z]{2}$/;
const KID = /^[A-Za-z0-9+/]{1,88}={0,2}$/;

export interface Authority {
  country: string;
  name: { zh: string; en: string };
  kids: string[];
}

const isName = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= MAX_NAME;

/** The partner list as kept, when it has the shape and sizes of a real one; null otherwise. */
function readAuthorities(v: unknown): Authority[] | null {
  if (!Array.isArray(v) || v.length > MAX_PARTNERS) return null;
  const out: Authority[] = [];
  for (const p of v as Array<Partial<Authority> | null>) {
    if (!p || typeof p.country !== 'string' || !COUNTRY.test(p.country) || !p.name || !isName(p.name.zh) || !isName(p.name.en)) return null;
    // A server from before kids were listed gives none: the partner is kept, and codes for it are named by kid.
    const kids = p.kids === undefined ? [] : p.kids;
    if (!Array.isArray(kids) || kids.length > MAX_KIDS || !kids.every((k) => typeof k === 'string' && KID.test(k))) return null;
    out.push({ country: p.country, name: { zh: p.name.zh, en: p.name.en }, kids: [...kids] });
  }
  return out;
}

export function savedAuthorities(): Authority[] {
  const v = readValue(AUTHORITIES_KEY) as { list?: unknown } | undefined;
  return (v && readAuthorities(v.list)) || [];
}

/** Fetches the public partner list and keeps it; false when it could not be fetched or is not one (the kept one stays). */
export async function updateAuthorities(): Promise<boolean> {
  const r = await callFunction<unknown>('partners', { action: 'list' });
  if (!r.ok) return false;
  const list = readAuthorities(r.data);
  if (!list) return false;
  writeValue(AUTHORITIES_KEY, { list });
  return true;
}

/** The authority one of `kids` (a sealed code's recipients, base64) belongs to, if the kept list knows it. */
export function authorityFor(kids: readonly string[], list: readonly Authority[]): Authority | undefined {
  return list.find((a) => a.kids.some((k) => kids.includes(k)));
}
