/** Adapter over the screen: brightness (for showing a QR code to a scanner) and keeping it on. */
import { bestEffort } from './best-effort';

/** The current brightness 0..1, or undefined when the phone does not say. */
export function getBrightness(): Promise<number | undefined> {
  return new Promise((resolve) => {
    wx.getScreenBrightness({
      success: (res) => resolve(typeof res.value === 'number' ? res.value : undefined),
      fail: () => resolve(undefined),
    });
  });
}

export function setBrightness(value: number): Promise<boolean> {
  const v = Math.min(1, Math.max(0, value));
  return new Promise((resolve) => {
    wx.setScreenBrightness({ value: v, success: () => resolve(true), fail: () => resolve(false) });
  });
}

export function keepScreenOn(on: boolean): void {
  bestEffort(wx.setKeepScreenOn({ keepScreenOn: on }));
}
