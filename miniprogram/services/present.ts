/**
 * The code the full-screen view shows. The page that opens it sets it here first (a certificate
 * code is too long for a page URL); the view reads it on load.
 */
export interface Presentation {
  code: string;
  /** Whose code it is, shown under it so the officer can compare it with the document. */
  name: string;
  nameLatin: string;
  documentMasked: string;
  /** What kind of code (e.g. 国际旅行健康证明二维码 / 加密二维码). */
  caption: string;
}

let current: Presentation | null = null;

export function setPresentation(p: Presentation): void {
  if (!p || typeof p.code !== 'string' || !p.code) throw new TypeError('a presentation needs a code');
  current = { ...p };
}

export function getPresentation(): Presentation | null {
  return current ? { ...current } : null;
}

export const PRESENT_ROUTE = '/pages/present/index';
