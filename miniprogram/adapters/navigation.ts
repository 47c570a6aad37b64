/** Adapter over page navigation. */

function checkUrl(url: string): void {
  if (!url.startsWith('/')) throw new TypeError(`page url must be absolute: ${url}`);
}

/** Resolves true when the page opened; false when it could not (e.g. a page not in app.json). */
export function navigateTo(url: string): Promise<boolean> {
  checkUrl(url);
  return new Promise((resolve) => {
    wx.navigateTo({ url, success: () => resolve(true), fail: () => resolve(false) });
  });
}

/** Replaces the current page (a finished flow should not be reachable with "back"). */
export function redirectTo(url: string): Promise<boolean> {
  checkUrl(url);
  return new Promise((resolve) => {
    wx.redirectTo({ url, success: () => resolve(true), fail: () => resolve(false) });
  });
}

export function navigateBack(): void {
  wx.navigateBack({ delta: 1, fail: () => wx.reLaunch({ url: '/pages/home/index' }) });
}
