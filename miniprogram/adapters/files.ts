/** Adapter over files: downloading and opening documents, saving images to the photo album. */

/** Downloads `url` to a temporary file; resolves its path, or null on failure. */
export function downloadFile(url: string): Promise<string | null> {
  return new Promise((resolve) => {
    wx.downloadFile({
      url,
      success: (res) => resolve(res.statusCode === 200 && res.tempFilePath ? res.tempFilePath : null),
      fail: () => resolve(null),
    });
  });
}

/** Opens a downloaded PDF in WeChat's viewer, whose menu offers printing and sharing. */
export function openDocument(filePath: string): Promise<boolean> {
  return new Promise((resolve) => {
    wx.openDocument({ filePath, fileType: 'pdf', showMenu: true, success: () => resolve(true), fail: () => resolve(false) });
  });
}

export type SaveOutcome = 'saved' | 'denied' | 'failed';

export function saveImageToAlbum(filePath: string): Promise<SaveOutcome> {
  return new Promise((resolve) => {
    wx.saveImageToPhotosAlbum({
      filePath,
      success: () => resolve('saved'),
      // "auth deny" / "authorize no response": the user refused the album scope.
      fail: (e) => resolve(/auth|deny|permission/i.test(e?.errMsg ?? '') ? 'denied' : 'failed'),
    });
  });
}

export function openSetting(): void {
  wx.openSetting({});
}
