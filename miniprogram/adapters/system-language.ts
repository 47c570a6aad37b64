/**
 * Adapter over the language WeChat itself is set to (我 → 设置 → 通用 → 多语言):
 * `wx.getAppBaseInfo().language` (base library ≥ 2.20.1), else the older
 * `wx.getSystemInfoSync().language`; e.g. "zh_CN", "en", "fr".
 */

/** WeChat's language tag, or undefined when this WeChat does not say. */
export function wechatLanguage(): string | undefined {
  const read = (fn: (() => { language?: unknown }) | undefined): string | undefined => {
    if (typeof fn !== 'function') return undefined;
    try {
      const v = fn().language;
      return typeof v === 'string' && v.length > 0 && v.length <= 35 ? v : undefined;
    } catch {
      return undefined;
    }
  };
  const api = wx as unknown as Record<string, (() => { language?: unknown }) | undefined>;
  return read(api.getAppBaseInfo) ?? read(api.getSystemInfoSync);
}
