/**
 * The paper version (docs/functions.md: certificate.pdf → a temporary URL of the bilingual A4 PDF),
 * opened in WeChat's document viewer to print or share; and the QR image saved to the album.
 */
import { t, type Lang } from '../i18n/index';
import { downloadFile, openDocument, saveImageToAlbum, type SaveOutcome } from '../adapters/files';
import { callWithLoading } from './call';
import { forParam, type ActingFor } from './subject';
import { hideLoading, showLoading } from '../adapters/ui';

export type PaperOutcome = { ok: true } | { ok: false; message: string };

/** The PDF of `who`'s certificate (the person the page acts for). */
export async function openPaperVersion(lang: Lang, who: ActingFor | null): Promise<PaperOutcome> {
  const r = await callWithLoading<{ url: string; expiresAt: number | string }>(lang, 'certificate', { action: 'pdf', lang, ...forParam(who) });
  if (!r.ok) return { ok: false, message: r.error.message };
  showLoading(t(lang, 'loading'));
  let path: string | null;
  try {
    path = typeof r.data.url === 'string' && r.data.url ? await downloadFile(r.data.url) : null;
  } finally {
    hideLoading();
  }
  if (!path || !(await openDocument(path))) return { ok: false, message: t(lang, 'paperPdfFailed') };
  return { ok: true };
}

/** Saves an exported QR image; what to tell the user about the outcome. */
export async function saveQrImage(lang: Lang, exportImage: () => Promise<string | null>): Promise<{ outcome: SaveOutcome; message: string }> {
  const path = await exportImage();
  if (!path) return { outcome: 'failed', message: t(lang, 'errorUnknown', { code: 'CANVAS' }) };
  const outcome = await saveImageToAlbum(path);
  const message = outcome === 'saved' ? t(lang, 'paperSaved') : outcome === 'denied' ? t(lang, 'paperSaveDenied') : t(lang, 'errorUnknown', { code: 'ALBUM' });
  return { outcome, message };
}
