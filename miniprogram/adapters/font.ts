/**
 * Adapter over the font size the user chose in WeChat (我 → 设置 → 通用 → 字体大小), in px:
 * `wx.getAppBaseInfo().fontSizeSetting` (base library ≥ 2.20.1), else the older
 * `wx.getSystemInfoSync().fontSizeSetting`. WeChat's standard size is 17.
 */

/** The size, or undefined when this WeChat does not say (or says something that is not a size). */
export function wechatFontSize(): number | undefined {
  const read = (fn: (() => { fontSizeSetting?: unknown }) | undefined): number | undefined => {
    if (typeof fn !== 'function') return undefined;
    try {
      const v = fn().fontSizeSetting;
      return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined;
    } catch {
      return undefined;
    }
  };
  const api = wx as unknown as Record<string, (() => { fontSizeSetting?: unknown }) | undefined>;
  return read(api.getAppBaseInfo) ?? read(api.getSystemInfoSync);
}
