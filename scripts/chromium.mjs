// The headless Chromium that previews and browser tests drive through playwright-core: Debian's,
// or the one ITHC_CHROMIUM names, with the same flags everywhere (no sandbox in a container, no
// GPU, and none of the browser's own network traffic, so a test sees only the requests it makes).

export const CHROMIUM = process.env.ITHC_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = Object.freeze([
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]);
