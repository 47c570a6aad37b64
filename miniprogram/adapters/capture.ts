/**
 * Adapter over what WeChat offers against screenshots and screen recordings of a page that shows a
 * health code: hiding the screen in captures (wx.setVisualEffectOnCapture, base library 2.20.1+:
 * screenshots and recordings on Android, recordings only on iOS 16+ with base library 3.3.0+;
 * checked with wx.canIUse), and hearing of a screenshot (wx.onUserCaptureScreen) or of a recording
 * starting and stopping (wx.onScreenRecordingStateChanged, base library 2.24.0+).
 */

function can(api: string): boolean {
  try {
    return typeof wx.canIUse === 'function' && wx.canIUse(api) && typeof (wx as unknown as Record<string, unknown>)[api] === 'function';
  } catch {
    return false;
  }
}

/** Hides (true) or shows again (false) the screen in screenshots and recordings, where the phone allows it. */
export function hideInCaptures(hidden: boolean): void {
  if (!can('setVisualEffectOnCapture')) return;
  // iOS and older Android answer through `fail`: there is nothing more to do there.
  wx.setVisualEffectOnCapture({ visualEffect: hidden ? 'hidden' : 'none', fail: () => undefined });
}

export interface CaptureListeners {
  /** The user took a screenshot. */
  screenshot(): void;
  /** A screen recording started (true) or stopped (false). */
  recording(on: boolean): void;
}

/** Listens for screenshots and recordings; returns the function that stops listening. */
export function watchCaptures(listeners: CaptureListeners): () => void {
  const onShot = () => listeners.screenshot();
  const onRecording = (res: { state?: string }) => listeners.recording(res?.state === 'start');
  const shots = can('onUserCaptureScreen') && can('offUserCaptureScreen');
  const recordings = can('onScreenRecordingStateChanged') && can('offScreenRecordingStateChanged');
  if (shots) wx.onUserCaptureScreen(onShot);
  if (recordings) {
    wx.onScreenRecordingStateChanged(onRecording);
    // A recording already running when the page opened.
    if (can('getScreenRecordingState')) {
      wx.getScreenRecordingState({ success: (res) => (res.state === 'on' ? listeners.recording(true) : undefined), fail: () => undefined });
    }
  }
  return () => {
    // Given the listener, only this page's is removed (the typings still describe the older form without it).
    if (shots) (wx.offUserCaptureScreen as unknown as (listener: () => void) => void)(onShot);
    if (recordings) wx.offScreenRecordingStateChanged(onRecording);
  };
}
