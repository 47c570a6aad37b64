/**
 * Adapter over WeChat's privacy APIs: the 用户隐私保护指引 (wx.openPrivacyContract) and the
 * authorisation WeChat asks for before the first privacy-related API (wx.onNeedPrivacyAuthorization,
 * base library ≥ 2.32.3). WeChat holds that API's call until the user answers in a popup of ours;
 * the popup (components/privacy-popup) listens here and answers with `answerPrivacy`.
 */

type Resolve = (r: { buttonId?: string; event: 'agree' | 'disagree' }) => void;
type Listener = (pending: boolean) => void;

let pending: Resolve | null = null;
const listeners = new Set<Listener>();

function api(): Record<string, unknown> {
  return wx as unknown as Record<string, unknown>;
}

/** Opens the privacy guidelines; false when WeChat cannot (older base library, or it failed). */
export function openPrivacyContract(): Promise<boolean> {
  const open = api().openPrivacyContract as ((o: { success: () => void; fail: () => void }) => void) | undefined;
  if (typeof open !== 'function') return Promise.resolve(false);
  return new Promise((resolve) => open({ success: () => resolve(true), fail: () => resolve(false) }));
}

/** Registers the handler once, at launch (app.ts); a no-op where the base library has no such API. */
export function registerPrivacyHandler(): boolean {
  const on = api().onNeedPrivacyAuthorization as ((cb: (resolve: Resolve, e: unknown) => void) => void) | undefined;
  if (typeof on !== 'function') return false;
  on((resolve) => {
    // A newer request replaces one nobody answered: WeChat has given up on the older one.
    pending = resolve;
    listeners.forEach((l) => l(true));
  });
  return true;
}

/** Whether WeChat is waiting for the user's answer now. */
export function privacyPending(): boolean {
  return pending !== null;
}

/**
 * The user's answer. Agreeing comes from a button with open-type="agreePrivacyAuthorization", whose
 * id WeChat checks, so the id here must be that button's.
 */
export function answerPrivacy(agree: boolean, buttonId = 'agree-btn'): void {
  const resolve = pending;
  pending = null;
  listeners.forEach((l) => l(false));
  if (resolve) resolve(agree ? { buttonId, event: 'agree' } : { event: 'disagree' });
}

/** Calls `l` whenever a request starts or is answered; returns the way to stop. */
export function onPrivacyPending(l: Listener): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}
