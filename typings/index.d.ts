/**
 * Global typings of the mini program (miniprogram/tsconfig.json includes this folder).
 * WeChat's API typings come from miniprogram-api-typings; they declare `wx`, `App`, `Component`, ...
 * as globals, which is why the mini program has its own tsconfig without Node's or the DOM's types.
 */
/// <reference types="miniprogram-api-typings" />

/** What app.ts passes to App(): the app keeps no global state (see app.ts). */
interface IAppOption {
  globalData: Record<string, never>;
}
