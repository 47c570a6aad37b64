// Typings of chromium.mjs (tests import this one).
export const CHROMIUM: string;
export const CHROMIUM_ARGS: readonly string[];
