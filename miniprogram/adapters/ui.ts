/** Adapter over WeChat's toast, loading indicator, modal dialog, navigation bar and pull-down refresh. */
import { bestEffort } from './best-effort';

export function showToast(title: string): void {
  // 'none' shows the text without an icon, so it can hold two lines (the default icon style cuts at 7 characters).
  bestEffort(wx.showToast({ title, icon: 'none', duration: 2500 }));
}

export function setTitle(title: string): void {
  bestEffort(wx.setNavigationBarTitle({ title }));
}

/** A blocking loading indicator (mask: a second tap cannot start a second call). */
export function showLoading(title: string): void {
  bestEffort(wx.showLoading({ title, mask: true }));
}

export function hideLoading(): void {
  bestEffort(wx.hideLoading({}));
}

/** Resolves true when the user confirmed, false when they cancelled or the dialog could not open. */
export function confirmDialog(opts: { title: string; content: string; confirmText: string; cancelText: string }): Promise<boolean> {
  return new Promise((resolve) => {
    wx.showModal({
      title: opts.title,
      content: opts.content,
      confirmText: opts.confirmText,
      cancelText: opts.cancelText,
      success: (res) => resolve(Boolean(res.confirm)),
      fail: () => resolve(false),
    });
  });
}

export function stopPullDownRefresh(): void {
  bestEffort(wx.stopPullDownRefresh({}));
}
