/**
 * First-use authentication, for the user or for a relative the user adds (the relative's own
 * identity check and consent): identity (name, resident ID number checked as it is typed, facial
 * verification) and then the travel document. Builds the feedback the form shows and makes the
 * calls (docs/functions.md: identity.*, document.bind, relatives.beginFaceCheck/add/bindDocument),
 * and giving the identity up again (identity.unbind, from the settings page).
 */
import { checkResidentId, chinaDate, normaliseResidentIdInput, MAX_ID_INPUT_LENGTH } from '../lib/ithc-main';
import { t, type Lang } from '../i18n/index';
import { appConfig } from '../config';
import { now } from '../adapters/clock';
import { requestFacialVerify } from '../adapters/facial';
import { callWithLoading, type Outcome, type ShownError } from './call';
import { formatDate } from './format';

export type AuthMode = 'self' | 'relative';
export type Step = 'privacy' | 'consent' | 'identity' | 'document' | 'done';

export function stepsFor(mode: AuthMode): Step[] {
  return mode === 'self' ? ['privacy', 'identity', 'document', 'done'] : ['consent', 'identity', 'document', 'done'];
}

export const RELATIONSHIPS = Object.freeze(['parent', 'grandparent', 'spouse', 'child', 'sibling', 'other'] as const);
export type Relationship = (typeof RELATIONSHIPS)[number];
export const RELATIONSHIP_KEYS = Object.freeze({
  parent: 'relParent',
  grandparent: 'relGrandparent',
  spouse: 'relSpouse',
  child: 'relChild',
  sibling: 'relSibling',
  other: 'relOther',
} as const);

export const DOCUMENT_TYPES = Object.freeze(['ordinary', 'diplomatic', 'service', 'public-affairs', 'travel-permit'] as const);
export type DocumentType = (typeof DOCUMENT_TYPES)[number];
export const DOCUMENT_TYPE_KEYS = Object.freeze({
  ordinary: 'docOrdinary',
  diplomatic: 'docDiplomatic',
  service: 'docService',
  'public-affairs': 'docPublicAffairs',
  'travel-permit': 'docTravelPermit',
} as const);

export interface Feedback {
  tone: 'neutral' | 'good' | 'bad';
  text: string;
}

/** What the ID field says while the number is typed: count, then the GB 11643 check's verdict. */
export function idFeedback(lang: Lang, input: string, nowMs: number = now()): Feedback {
  if (input.length > MAX_ID_INPUT_LENGTH) return { tone: 'bad', text: t(lang, 'idTyped', { n: input.length }) };
  const id = normaliseResidentIdInput(input);
  if (id.length === 0) return { tone: 'neutral', text: '' };
  if (id.length < 18 && /^[0-9]*$/.test(id)) return { tone: 'neutral', text: t(lang, 'idTyped', { n: id.length }) };
  const r = checkResidentId(id, chinaDate(nowMs));
  if (r.ok)
    return {
      tone: 'good',
      text: t(lang, 'idLooksRight', { birth: formatDate(lang, r.value.birthDate), sex: t(lang, r.value.sex === 'male' ? 'sexM' : 'sexF') }),
    };
  return { tone: 'bad', text: r.problems.map((p) => (lang === 'zh' ? p.zh : p.en)).join(lang === 'zh' ? '；' : '; ') };
}

export interface IdentityInput {
  name: string;
  idNumber: string;
  relationship?: Relationship | '';
}

/** Problems the form can tell before asking the server, per field. */
export function checkIdentityForm(lang: Lang, mode: AuthMode, input: IdentityInput, nowMs: number = now()): Record<string, string> {
  const fields: Record<string, string> = {};
  if (!input.name.trim()) fields.name = t(lang, 'fieldRequired');
  const id = idFeedback(lang, input.idNumber, nowMs);
  if (!input.idNumber.trim()) fields.idNumber = t(lang, 'fieldRequired');
  else if (id.tone !== 'good') fields.idNumber = id.tone === 'bad' ? id.text : t(lang, 'idTyped', { n: normaliseResidentIdInput(input.idNumber).length });
  if (mode === 'relative' && !input.relationship) fields.relationship = t(lang, 'fieldRequired');
  return fields;
}

interface FaceSession {
  verifyId: string;
  faceToken: string;
  provider: string;
}

export type IdentityOutcome = { ok: true; name: string; idNumberMasked: string; relationId?: string; faceSkipped: boolean } | { ok: false; error: ShownError };

function localError(lang: Lang, key: 'faceCancelled' | 'faceFailed' | 'errorCloudUnavailable'): ShownError {
  return { code: key === 'faceCancelled' ? 'FACE_CANCELLED' : 'FACE_CHECK_FAILED', message: t(lang, key), fields: {}, offline: false };
}

/**
 * The identity step: the face check session, WeChat's facial verification (skipped against the
 * local gateway, whose token alone suffices), then identity.verify or relatives.add.
 */
export async function verifyIdentity(lang: Lang, mode: AuthMode, input: IdentityInput): Promise<IdentityOutcome> {
  const person = { name: input.name.trim(), idNumber: normaliseResidentIdInput(input.idNumber) };
  const fn = mode === 'self' ? 'identity' : 'relatives';
  const session = await callWithLoading<FaceSession>(lang, fn, { action: 'beginFaceCheck', ...person });
  if (!session.ok) return session;
  const faceSkipped = appConfig().mode === 'local' || session.data.provider === 'local';
  if (!faceSkipped) {
    const face = await requestFacialVerify(session.data.verifyId);
    if (face === 'cancelled') return { ok: false, error: localError(lang, 'faceCancelled') };
    if (face !== 'passed') return { ok: false, error: localError(lang, 'faceFailed') };
  }
  if (mode === 'self') {
    const r = await callWithLoading<{ name: string; idNumberMasked: string }>(lang, 'identity', {
      action: 'verify',
      ...person,
      faceToken: session.data.faceToken,
    });
    return r.ok ? { ok: true, name: r.data.name, idNumberMasked: r.data.idNumberMasked, faceSkipped } : r;
  }
  const r = await callWithLoading<{ id: string; name: string; idNumberMasked: string }>(lang, 'relatives', {
    action: 'add',
    ...person,
    relationship: input.relationship,
    faceToken: session.data.faceToken,
    consent: true,
  });
  return r.ok ? { ok: true, name: r.data.name, idNumberMasked: r.data.idNumberMasked, relationId: r.data.id, faceSkipped } : r;
}

export interface DocumentInput {
  type: DocumentType | '';
  number: string;
  expiry: string;
  mrz: string;
}

const MRZ_LINE = /^[A-Z0-9<]{44}$/;

/** The MRZ as typed: upper case, spaces dropped, one entry per non-empty line. */
export function mrzLines(text: string): string[] {
  return text
    .toUpperCase()
    .split(/\r?\n/)
    .map((l) => l.replace(/\s+/g, ''))
    .filter(Boolean);
}

/** The MRZ feedback under the field: how many lines and characters there are so far. */
export function mrzFeedback(lang: Lang, text: string): Feedback {
  const lines = mrzLines(text);
  if (!lines.length) return { tone: 'neutral', text: '' };
  const good = lines.length === 2 && lines.every((l) => MRZ_LINE.test(l));
  return { tone: good ? 'good' : 'neutral', text: t(lang, 'mrzLineCount', { lines: lines.length, lengths: lines.map((l) => l.length).join(' / ') }) };
}

/** A scanned text that is an ICAO TD3 MRZ (two lines of 44), as the two lines; null otherwise. */
export function mrzFromScan(text: string): [string, string] | null {
  const lines = mrzLines(text);
  return lines.length === 2 && lines.every((l) => MRZ_LINE.test(l)) ? [lines[0], lines[1]] : null;
}

export function checkDocumentForm(lang: Lang, input: DocumentInput): Record<string, string> {
  const fields: Record<string, string> = {};
  if (!input.type) fields.type = t(lang, 'docTypePick');
  if (!input.number.trim()) fields.number = t(lang, 'fieldRequired');
  if (!input.expiry) fields.expiry = t(lang, 'docExpiryPick');
  return fields;
}

/** document.bind, or relatives.bindDocument for the relative just added. */
export async function bindDocument(lang: Lang, input: DocumentInput, relationId?: string): Promise<Outcome<unknown>> {
  const lines = mrzLines(input.mrz);
  const body: Record<string, unknown> = {
    type: input.type,
    number: input.number.trim().toUpperCase(),
    expiry: input.expiry,
    ...(lines.length ? { mrz: lines.length === 1 ? lines[0] : lines } : {}),
  };
  if (relationId) return callWithLoading(lang, 'relatives', { action: 'bindDocument', for: relationId, ...body });
  return callWithLoading(lang, 'document', { action: 'bind', ...body });
}

export interface AuthStatus {
  verified: boolean;
  name?: string;
  idNumberMasked?: string;
  documentBound: boolean;
}

/** Where the user's own authentication stands (so a half-done first use resumes where it stopped). */
export async function authStatus(lang: Lang): Promise<Outcome<AuthStatus>> {
  const identity = await callWithLoading<{ verified: boolean; name?: string; idNumberMasked?: string }>(lang, 'identity', { action: 'status' });
  if (!identity.ok) return identity;
  if (!identity.data.verified) return { ok: true, data: { verified: false, documentBound: false } };
  const doc = await callWithLoading<unknown>(lang, 'document', { action: 'current' });
  if (!doc.ok) return doc;
  return { ok: true, data: { verified: true, name: identity.data.name, idNumberMasked: identity.data.idNumberMasked, documentBound: doc.data !== null } };
}

/** The account's own verified identity, as the settings page shows it; null when it has none. */
export async function ownIdentity(lang: Lang): Promise<Outcome<{ name: string; idNumberMasked: string } | null>> {
  const identity = await callWithLoading<{ verified: boolean; name?: string; idNumberMasked?: string }>(lang, 'identity', { action: 'status' });
  if (!identity.ok) return identity;
  const d = identity.data;
  return { ok: true, data: d.verified && d.name && d.idNumberMasked ? { name: d.name, idNumberMasked: d.idNumberMasked } : null };
}

/**
 * Gives up the account's verified identity (identity.unbind): one person, one account, so this is
 * how a person moves to another WeChat account. The account keeps no identity or document after.
 */
export async function releaseIdentity(lang: Lang): Promise<Outcome<{ unbound: true }>> {
  return callWithLoading<{ unbound: true }>(lang, 'identity', { action: 'unbind' });
}

export function todayInChina(nowMs: number = now()): string {
  return chinaDate(nowMs);
}
