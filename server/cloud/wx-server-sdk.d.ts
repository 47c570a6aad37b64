// The subset of wx-server-sdk the cloud entry uses. The SDK is not a dependency of this repository
// (it is installed by the cloud from each function's package.json), so it is typed here.
declare module 'wx-server-sdk' {
  export const DYNAMIC_CURRENT_ENV: unique symbol;
  export function init(opts: { env: unknown }): void;
  export function database(opts?: { throwOnNotFound?: boolean }): unknown;
  export function getWXContext(): { OPENID?: string; APPID?: string; UNIONID?: string };
  export function uploadFile(opts: { cloudPath: string; fileContent: Uint8Array }): Promise<{ fileID: string }>;
  export function getTempFileURL(opts: {
    fileList: Array<string | { fileID: string; maxAge?: number }>;
  }): Promise<{ fileList: Array<{ fileID: string; tempFileURL: string; status: number; errMsg: string }> }>;
  export function deleteFile(opts: { fileList: string[] }): Promise<{ fileList: Array<{ fileID: string; status: number; errMsg?: string }> }>;
}
