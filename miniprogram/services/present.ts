/**
 * The code the full-screen view (出示) shows, and what it says about it: whose it is, its status
 * and until when it is valid.
 *
 * The page that opens the view saves the presentation on the phone first (a certificate code is
 * too long for a page URL) and opens the view with the person in its query. The saved presentation
 * is what a view restored after a restart shows; it is shown only for the person in the query and
 * while that person's certificate is saved on the phone (so nothing of a removed relative or a
 * released identity comes back: their copies are deleted). Without one, the view shows the open
 * code of the person's saved certificate.
 */
import { t, type Lang } from '../i18n/index';
import { readValue, writeValue } from '../adapters/storage';
import { CACHE_PREFIX, fullName, readCached, type CertificateView } from './certificate';
import { formatInstant, maskDocumentNumber } from './format';
import { routeFor, samePerson, type ActingFor } from './subject';

export type CodeKind = 'ithc' | 'sealed' | 'dcc';

export interface Presentation {
  code: string;
  kind: CodeKind;
  /** What the code is, in both languages (e.g. 新加坡 · 加密二维码), so a language change or a restore keeps it. */
  caption: { zh: string; en: string };
  /** The person the code is for, as the opening page acted for them. */
  who: ActingFor | null;
  /** The certificate the code was made from. */
  certificateId: string;
  /** When the code stops being valid, ms: the certificate's signature, or a DCC's own. */
  expiresAt: number;
}

export const PRESENT_ROUTE = '/pages/present/index';
/** Under the certificate copies' prefix: deleting the copies (settings) deletes it too. */
const KEY = `${CACHE_PREFIX}present`;
/** QR codes hold at most 4,296 alphanumeric characters: anything longer is not a code to show. */
export const MAX_CODE_LENGTH = 4296;
const MAX_CAPTION_LENGTH = 200;

function checkPresentation(p: Presentation): void {
  if (!p || typeof p.code !== 'string' || !p.code) throw new TypeError('a presentation needs a code');
  if (p.code.length > MAX_CODE_LENGTH) throw new RangeError(`a code to show is at most ${MAX_CODE_LENGTH} characters`);
  if (!['ithc', 'sealed', 'dcc'].includes(p.kind)) throw new TypeError(`unknown kind of code: ${String(p.kind)}`);
  if (typeof p.certificateId !== 'string' || !p.certificateId || !Number.isFinite(p.expiresAt))
    throw new TypeError('a presentation names its certificate and expiry');
}

/** Saves what the view is to show; then open routeForPresentation(p). */
export function setPresentation(p: Presentation): void {
  checkPresentation(p);
  const caption = { zh: String(p.caption?.zh ?? '').slice(0, MAX_CAPTION_LENGTH), en: String(p.caption?.en ?? '').slice(0, MAX_CAPTION_LENGTH) };
  writeValue(KEY, {
    code: p.code,
    kind: p.kind,
    caption,
    who: p.who ? { id: p.who.id, name: p.who.name } : null,
    certificateId: p.certificateId,
    expiresAt: p.expiresAt,
  });
}

export function presentRoute(who: ActingFor | null): string {
  return routeFor(PRESENT_ROUTE, who);
}

function readSaved(): Presentation | null {
  const v = readValue(KEY) as Partial<Presentation> | undefined;
  if (!v || typeof v !== 'object') return null;
  const who = v.who && typeof v.who.id === 'string' && typeof v.who.name === 'string' ? { id: v.who.id, name: v.who.name } : null;
  const p = { code: v.code, kind: v.kind, caption: v.caption, who, certificateId: v.certificateId, expiresAt: v.expiresAt } as Presentation;
  try {
    checkPresentation(p);
  } catch {
    return null;
  }
  return p.caption && typeof p.caption.zh === 'string' && typeof p.caption.en === 'string' ? p : null;
}

/** The open code of `who`'s saved certificate, as a presentation. */
function openCode(who: ActingFor | null, view: CertificateView): Presentation {
  return {
    code: view.codes.ithc,
    kind: 'ithc',
    caption: { zh: t('zh', 'formatIthc'), en: t('en', 'formatIthc') },
    who,
    certificateId: view.id,
    expiresAt: view.expiresAt,
  };
}

/**
 * What the view for `who` shows: the saved presentation when it is for `who`, else the open code of
 * their saved certificate; nothing when no certificate of theirs is saved. `view` is the certificate
 * saved for them now (its holder, and what it says of the presented certificate's revocation).
 */
export function presentationFor(who: ActingFor | null): { presentation: Presentation; view: CertificateView } | null {
  const saved = readCached(who);
  if (!saved) return null;
  const p = readSaved();
  if (p && samePerson(p.who, who)) return { presentation: { ...p, who }, view: saved.view };
  return { presentation: openCode(who, saved.view), view: saved.view };
}

/** Whether `view` (the certificate saved for the person now) says the presented certificate was revoked: itself, or as the one it replaced. */
export function presentedRevoked(p: Presentation, view: CertificateView): boolean {
  return (view.id === p.certificateId && view.status === 'revoked') || view.previous?.id === p.certificateId;
}

export interface PresentScreen {
  caption: string;
  status: 'valid' | 'expired' | 'revoked';
  statusText: string;
  /** "有效期至 2026年3月17日 10:00（北京时间）", or when it expired. */
  validity: string;
  name: string;
  nameLatin: string;
  documentMasked: string;
  qrLabel: string;
}

/**
 * The view's text at `nowMs`: a code stops being valid when its own expiry passes, and a code of a
 * revoked certificate is revoked (the copy saved last says so once a refresh learnt it).
 */
export function presentScreen(lang: Lang, p: Presentation, view: CertificateView, nowMs: number): PresentScreen {
  const status = presentedRevoked(p, view) ? 'revoked' : p.expiresAt <= nowMs ? 'expired' : 'valid';
  const { name, nameLatin } = fullName(view.certificate.holder);
  return {
    caption: p.caption[lang] || p.caption.zh,
    status,
    statusText: t(lang, status === 'valid' ? 'presentValid' : status === 'expired' ? 'presentExpired' : 'presentRevoked'),
    // Once past, the date is when it expired, not a "valid until" that reads as still valid.
    validity: t(lang, status === 'expired' ? 'presentExpiredOn' : 'presentValidUntil', { date: formatInstant(lang, p.expiresAt) }),
    name,
    nameLatin,
    documentMasked: maskDocumentNumber(view.certificate.holder.documentNumber),
    qrLabel: t(lang, 'presentQrLabel', { name: name || nameLatin }),
  };
}
