/** Adapter over wx.scanCode (camera scanning of QR codes and barcodes). */

export type ScanOutcome = { ok: true; text: string; scanType: string } | { ok: false; reason: 'cancelled' | 'failed' };

/** Scans one code with the camera. Resolves, never rejects: backing out is an outcome, not an error. */
export function scanCode(opts: { onlyFromCamera?: boolean } = {}): Promise<ScanOutcome> {
  return new Promise((resolve) => {
    wx.scanCode({
      onlyFromCamera: opts.onlyFromCamera ?? false,
      scanType: ['qrCode', 'barCode', 'datamatrix', 'pdf417'],
      success: (res) => resolve({ ok: true, text: String(res.result ?? ''), scanType: String(res.scanType ?? '') }),
      fail: (err) => resolve({ ok: false, reason: /cancel/i.test(err?.errMsg ?? '') ? 'cancelled' : 'failed' }),
    });
  });
}
