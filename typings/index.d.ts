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

/**
 * The core files lib/*.d.ts re-export build TextEncoder/TextDecoder at load time. The WeChat runtime
 * does not promise them, so the pre-bundled core carries its own (scripts/mp-text-codec.mjs); these
 * declarations describe that, for type-checking the core's types under this tsconfig (no DOM lib).
 */
declare class TextEncoder {
  readonly encoding: string;
  encode(input?: string): Uint8Array;
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean });
  readonly encoding: string;
  decode(input?: ArrayBufferView | ArrayBuffer): string;
}
