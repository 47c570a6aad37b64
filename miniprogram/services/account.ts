/**
 * The user's own data (docs/functions.md identity.exportData, identity.deleteAccount): exporting it
 * to a file the user can send to themselves, and deleting the account and its data. After deletion
 * nothing of the account stays on the phone either: every saved copy, the person last acted for and
 * the code last shown go; only the language and care mode stay (they are the phone's, not the account's).
 */
import type { Lang } from '../i18n/index';
import { removeValue, storedKeys } from '../adapters/storage';
import { shareFile, writeUserFile } from '../adapters/files';
import { callWithLoading, type Outcome } from './call';

const KEPT_KEYS = new Set(['ithc.lang', 'ithc.care']);
const EXPORT_FILE = 'ithc-my-data.json';

export interface ExportOutcome {
  /** The exported JSON's size in bytes (UTF-8). */
  bytes: number;
  shared: boolean;
}

export async function exportMyData(lang: Lang): Promise<Outcome<ExportOutcome>> {
  const r = await callWithLoading<Record<string, unknown>>(lang, 'identity', { action: 'exportData' });
  if (!r.ok) return r;
  const text = JSON.stringify(r.data, null, 2);
  const bytes = utf8Length(text);
  const path = await writeUserFile(EXPORT_FILE, text);
  const shared = path !== null && (await shareFile(path, EXPORT_FILE));
  return { ok: true, data: { bytes, shared } };
}

export async function deleteMyAccount(lang: Lang): Promise<Outcome<unknown>> {
  const r = await callWithLoading(lang, 'identity', { action: 'deleteAccount', confirm: true });
  if (r.ok) forgetEverything();
  return r;
}

/** Removes everything the app stored on the phone except the language and care mode. */
export function forgetEverything(): number {
  const keys = storedKeys().filter((k) => k.startsWith('ithc.') && !KEPT_KEYS.has(k));
  for (const k of keys) removeValue(k);
  return keys.length;
}

export function sizeText(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KB`;
}

function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}
