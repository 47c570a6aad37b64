'use strict';
// Stands in for the `brotli` package's decompress.js in the cloud PDF bundle (scripts/build.mjs).
// fontkit needs Brotli only to read WOFF2 fonts; the certificate embeds TrueType fonts (Noto Sans
// SC .ttf), and leaving out Brotli's 475 KB decoder and dictionary keeps the certificate function
// under 1 MB a file. Reaching this is a font in the wrong format, said plainly.
module.exports = function decompressWoff2() {
  throw new Error('WOFF2 fonts are not supported by the certificate PDF bundle: give it a TrueType (.ttf) font');
};
