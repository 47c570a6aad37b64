/**
 * 代为查询: the relatives the user acts for (docs/functions.md: relatives.list, relatives.remove), and
 * switching whose certificate the app shows (services/subject.ts).
 */
import { format, t, type Lang, type Messages } from '../i18n/index';
import { callWithLoading, type Outcome } from './call';
import { formatDate, beijingDate } from './format';
import { RELATIONSHIP_KEYS, type Relationship } from './auth';
import { forgetCached } from './certificate';
import { getActingFor, setActingFor, type ActingFor } from './subject';

export interface Relative {
  id: string;
  name: string;
  idNumberMasked: string;
  relationship: string;
  /** ms, or an ISO string. */
  since: number | string;
  document: { typeName?: { zh: string; en: string }; number?: string } | null;
}

export interface RelativeLine {
  id: string;
  name: string;
  relationship: string;
  idNumberMasked: string;
  since: string;
  document: string;
  acting: boolean;
  viewLabel: string;
  removeLabel: string;
}

export function listRelatives(lang: Lang): Promise<Outcome<Relative[]>> {
  return callWithLoading<Relative[]>(lang, 'relatives', { action: 'list' });
}

export function relativeLines(lang: Lang, m: Messages, relatives: Relative[], acting: ActingFor | null = getActingFor()): RelativeLine[] {
  return relatives.map((r) => {
    const key = (RELATIONSHIP_KEYS as Record<string, keyof Messages>)[r.relationship as Relationship];
    const sinceMs = typeof r.since === 'number' ? r.since : Date.parse(r.since);
    return {
      id: r.id,
      name: r.name,
      relationship: key ? m[key] : r.relationship,
      idNumberMasked: r.idNumberMasked,
      since: Number.isFinite(sinceMs) ? format(m.relSince, { date: formatDate(lang, beijingDate(sinceMs)) }) : '',
      document: r.document ? `${r.document.typeName?.[lang] ?? ''} ${r.document.number ?? ''}`.trim() : m.relNoDocument,
      acting: acting?.id === r.id,
      viewLabel: format(m.relViewLabel, { name: r.name }),
      removeLabel: format(m.relRemoveLabel, { name: r.name }),
    };
  });
}

/** Show this relative's certificate from now on (until switched back). */
export function actFor(relative: { id: string; name: string }): void {
  setActingFor({ id: relative.id, name: relative.name });
}

export function actForSelf(): void {
  setActingFor(null);
}

/** Ends acting for a relative: the server ends the relation; their saved copy leaves the phone. */
export async function removeRelative(lang: Lang, relative: { id: string; name: string }): Promise<Outcome<unknown>> {
  const r = await callWithLoading(lang, 'relatives', { action: 'remove', for: relative.id });
  if (r.ok) {
    forgetCached(relative);
    if (getActingFor()?.id === relative.id) setActingFor(null);
  }
  return r;
}

export function removeConfirmText(lang: Lang, name: string): string {
  return t(lang, 'relRemoveConfirm', { name });
}
