/** Adapter over WeChat's toast and navigation bar. */

export function showToast(title: string): void {
  // 'none' shows the text without an icon, so it can hold two lines (the default icon style cuts at 7 characters).
  wx.showToast({ title, icon: 'none', duration: 2500 });
}

export function setTitle(title: string): void {
  wx.setNavigationBarTitle({ title });
}
