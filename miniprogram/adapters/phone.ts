/** Adapter over the phone dialer. Pages never call `wx` themselves. */

export type CallOutcome = 'started' | 'cancelled' | 'failed';

/**
 * Opens the dialer with `phoneNumber` (digits, optionally a leading +). Resolves, never rejects:
 * a user who backs out of the dialer is not an error, a phone that cannot dial is.
 */
export function makePhoneCall(phoneNumber: string): Promise<CallOutcome> {
  if (!/^\+?\d{3,20}$/.test(phoneNumber)) throw new TypeError(`not a dialable number: ${phoneNumber}`);
  return new Promise((resolve) => {
    wx.makePhoneCall({
      phoneNumber,
      success: () => resolve('started'),
      fail: (err) => resolve(/cancel/i.test(err?.errMsg ?? '') ? 'cancelled' : 'failed'),
    });
  });
}
