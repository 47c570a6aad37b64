/**
 * 代为查询: the relatives the user acts for (docs/functions.md: relatives.list, relatives.remove), and
 * switching whose certificate the app shows (services/subject.ts); and the user's own side, as
 * somebody's relative: who acts for them (relatives.proxies), every proxy action on their data
 * (relatives.auditLog, a page at a time) and ending a proxy (relatives.endProxy).
 */
import { format, t, type Lang, type Messages } from '../i18n/index';
import { callWithLoading, type Outcome } from './call';
import { beijingDate, formatClock, formatDate, maskDocumentNumber } from './format';
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
  /** A document is bound: its button changes or renews it, else it verifies the first one. */
  hasDocument: boolean;
  acting: boolean;
  viewLabel: string;
  removeLabel: string;
  changeDocumentLabel: string;
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
      // Masked as on the certificate page: a list shown to others nearby need not carry the whole number.
      document: r.document ? `${r.document.typeName?.[lang] ?? ''} ${r.document.number ? maskDocumentNumber(r.document.number) : ''}`.trim() : m.relNoDocument,
      hasDocument: Boolean(r.document),
      acting: acting?.id === r.id,
      viewLabel: format(m.relViewLabel, { name: r.name }),
      removeLabel: format(m.relRemoveLabel, { name: r.name }),
      changeDocumentLabel: format(r.document ? m.docChangeRelative : m.relAddDocumentLabel, { name: r.name }),
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

/** Someone who acts for the user (relatives.proxies): the user is their relative. */
export interface Proxy {
  id: string;
  proxyName: string;
  relationship: string;
  since: number;
}

export interface ProxyLine {
  id: string;
  text: string;
  endLabel: string;
  name: string;
}

/** One line of the user's own log (relatives.auditLog). */
export interface AuditEntry {
  at: number;
  action: string;
  proxyName: string;
  relationship: string;
  proxyId: string;
  by: 'proxy' | 'relative' | 'operator';
}

export const AUDIT_PAGE = 20;

export function listProxies(lang: Lang): Promise<Outcome<Proxy[]>> {
  return callWithLoading<Proxy[]>(lang, 'relatives', { action: 'proxies' });
}

/** A page of the log, newest first; `cursor` is the `next` of the page before. */
export function auditPage(lang: Lang, cursor: string | null): Promise<Outcome<{ entries: AuditEntry[]; next: string | null }>> {
  return callWithLoading(lang, 'relatives', { action: 'auditLog', limit: AUDIT_PAGE, ...(cursor ? { cursor } : {}) });
}

export function endProxy(lang: Lang, id: string): Promise<Outcome<unknown>> {
  return callWithLoading(lang, 'relatives', { action: 'endProxy', id });
}

function relationshipText(m: Messages, relationship: string): string {
  const key = (RELATIONSHIP_KEYS as Record<string, keyof Messages>)[relationship as Relationship];
  return key ? m[key] : relationship;
}

export function proxyLines(lang: Lang, m: Messages, proxies: Proxy[]): ProxyLine[] {
  return proxies.map((p) => ({
    id: p.id,
    name: p.proxyName,
    text: format(m.proxyLine, { name: p.proxyName, relationship: relationshipText(m, p.relationship), date: formatDate(lang, beijingDate(p.since)) }),
    endLabel: format(m.proxyEndLabel, { name: p.proxyName }),
  }));
}

const ACTION_KEYS: Record<string, keyof Messages> = {
  'certificate.get': 'actCertificateGet',
  'certificate.issue': 'actCertificateIssue',
  'certificate.pdf': 'actCertificatePdf',
  'certificate.seal': 'actCertificateSeal',
  'certificate.rules': 'actCertificateRules',
  'relatives.add': 'actRelativesAdd',
  'relatives.bindDocument': 'actRelativesBindDocument',
  'relatives.remove': 'actRelativesRemove',
  'relatives.endProxy': 'actRelativesEndProxy',
  'admin.endProxy': 'actAdminEndProxy',
  'identity.unbind': 'actIdentityEnded',
  'identity.verify': 'actIdentityEnded',
  'identity.deleteAccount': 'actIdentityEnded',
  'admin.releaseIdentity': 'actIdentityEnded',
};

/** The log's lines in plain words: when, who, what (and who ended it, when not the proxy). */
export function auditLines(lang: Lang, m: Messages, entries: AuditEntry[]): Array<{ key: string; text: string }> {
  return entries.map((e, i) => {
    const key = ACTION_KEYS[e.action];
    const action = key ? m[key] : format(m.actOther, { action: e.action.slice(0, 40) });
    const by = e.by === 'relative' ? m.auditByRelative : e.by === 'operator' ? m.auditByOperator : '';
    // To the second, as the server recorded it: several entries in one minute stay apart.
    const time = formatClock(lang, e.at);
    return { key: `${e.at}-${i}`, text: format(m.auditLine, { time, name: e.proxyName, action }) + by };
  });
}
