/** Adapter over files: downloading and opening documents, saving images to the photo album. */
import { bestEffort } from './best-effort';

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
  bestEffort(wx.openSetting({}));
}

/**
 * Writes `text` to a file of the mini program's own user folder (replacing one of that name);
 * resolves its path, or null when it cannot be written.
 */
export function writeUserFile(name: string, text: string): Promise<string | null> {
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(name)) throw new TypeError(`not a plain file name: ${name}`);
  const path = `${wx.env.USER_DATA_PATH}/${name}`;
  return new Promise((resolve) => {
    wx.getFileSystemManager().writeFile({ filePath: path, data: text, encoding: 'utf8', success: () => resolve(path), fail: () => resolve(null) });
  });
}

/** Sends a file into a chat (e.g. 文件传输助手) the user picks; false when they cancel or it fails. */
export function shareFile(filePath: string, fileName: string): Promise<boolean> {
  return new Promise((resolve) => {
    wx.shareFileMessage({ filePath, fileName, success: () => resolve(true), fail: () => resolve(false) });
  });
}
