/** Adapter over page navigation. */

export const HOME_ROUTE = '/pages/home/index';

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

/** Replaces the current page (a finished step should not be reachable with "back"). */
export function redirectTo(url: string): Promise<boolean> {
  checkUrl(url);
  return new Promise((resolve) => {
    wx.redirectTo({ url, success: () => resolve(true), fail: () => resolve(false) });
  });
}

/**
 * Opens `url` on a fresh page stack: home, then `url` on top. Every page that was open is closed,
 * so none can show an earlier person's certificate or an earlier state under the new one, and
 * "back" leads home (rather than out of the mini program, as it would from a lone reLaunched page).
 */
export function openOnFreshStack(url: string): Promise<boolean> {
  checkUrl(url);
  return new Promise((resolve) => {
    wx.reLaunch({
      url: HOME_ROUTE,
      success: () => {
        if (url === HOME_ROUTE) resolve(true);
        else wx.navigateTo({ url, success: () => resolve(true), fail: () => resolve(false) });
      },
      fail: () => resolve(false),
    });
  });
}

export function navigateBack(): void {
  wx.navigateBack({ delta: 1, fail: () => wx.reLaunch({ url: HOME_ROUTE }) });
}
