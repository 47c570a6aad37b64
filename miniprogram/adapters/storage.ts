/** Adapter over WeChat's local key-value storage (per user, per mini program). */

/** The stored value, or undefined when there is none or storage cannot be read. */
export function readValue(key: string): unknown {
  try {
    const value: unknown = wx.getStorageSync(key);
    // getStorageSync answers '' for a key that was never set.
    return value === '' ? undefined : value;
  } catch {
    return undefined;
  }
}

/** Stores a value; returns false when storage is full or unavailable (preferences then last only this session). */
export function writeValue(key: string, value: string | number | boolean): boolean {
  try {
    wx.setStorageSync(key, value);
    return true;
  } catch {
    return false;
  }
}
