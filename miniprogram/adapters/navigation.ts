/** Adapter over page navigation. */

/** Resolves true when the page opened; false when it could not (e.g. a page not in app.json). */
export function navigateTo(url: string): Promise<boolean> {
  if (!url.startsWith('/')) throw new TypeError(`page url must be absolute: ${url}`);
  return new Promise((resolve) => {
    wx.navigateTo({ url, success: () => resolve(true), fail: () => resolve(false) });
  });
}
