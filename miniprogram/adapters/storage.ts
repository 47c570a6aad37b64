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
export function writeValue(key: string, value: string | number | boolean | Record<string, unknown>): boolean {
  try {
    wx.setStorageSync(key, value);
    return true;
  } catch {
    return false;
  }
}

export function removeValue(key: string): void {
  try {
    wx.removeStorageSync(key);
  } catch {
    // Nothing stored, or storage unavailable: either way nothing is left to remove.
  }
}

/** Every stored key (for clearing a family of keys). */
export function storedKeys(): string[] {
  try {
    return wx.getStorageInfoSync().keys;
  } catch {
    return [];
  }
}
