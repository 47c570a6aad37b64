/**
 * Adapter over WeChat's facial verification, wx.requestFacialVerify (base library 3.8.12+, with the
 * server's getVerifyId / queryVerifyInfo). It is restricted to government, medical, finance and
 * transport accounts; the typings do not know it yet, hence the narrow cast. The local gateway's
 * stand-in needs no face check: its token alone suffices (docs/functions.md, identity.beginFaceCheck).
 */
export type FaceOutcome = 'passed' | 'cancelled' | 'failed' | 'unavailable';

interface FacialApi {
  requestFacialVerify?: (opts: { verifyId: string; success?: () => void; fail?: (e: { errMsg?: string; errCode?: number }) => void }) => void;
}

export function requestFacialVerify(verifyId: string): Promise<FaceOutcome> {
  const api = (wx as unknown as FacialApi).requestFacialVerify;
  if (typeof api !== 'function') return Promise.resolve('unavailable');
  return new Promise((resolve) => {
    api.call(wx, {
      verifyId,
      success: () => resolve('passed'),
      fail: (e) => resolve(/cancel/i.test(e?.errMsg ?? '') ? 'cancelled' : 'failed'),
    });
  });
}
