// UTF-8 TextEncoder / TextDecoder for the mini program bundles (scripts/mp-bundle.mjs injects this
// file with esbuild's `inject`, so every reference to the globals in the bundled core resolves here).
//
// Why: the WeChat JavaScript engine does not promise TextEncoder/TextDecoder on every platform
// (JavaScriptCore on older iOS, the Android X5 runtime), and core/bytes.ts builds both at load time.
// Where the runtime has them they are used as they are; otherwise this strict codec stands in.
// It implements what the core asks of them: UTF-8 only, and `fatal: true` rejecting malformed
// input (overlong forms, surrogates, truncated sequences) the way the WHATWG decoder does.

class Utf8Encoder {
  get encoding() {
    return 'utf-8';
  }

  encode(input = '') {
    const s = String(input);
    const out = [];
    for (let i = 0; i < s.length; i++) {
      let c = s.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
        const d = s.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          i++;
        }
      }
      // A lone surrogate becomes U+FFFD, as the WHATWG encoder does.
      if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
      if (c < 0x80) out.push(c);
      else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
      else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
      else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    }
    return new Uint8Array(out);
  }
}

class Utf8Decoder {
  constructor(label = 'utf-8', options = {}) {
    const l = String(label).toLowerCase();
    if (l !== 'utf-8' && l !== 'utf8') throw new RangeError(`only UTF-8 is supported, not ${label}`);
    this.fatal = Boolean(options && options.fatal);
  }

  get encoding() {
    return 'utf-8';
  }

  decode(input) {
    if (input === undefined) return '';
    const b =
      input instanceof Uint8Array
        ? input
        : ArrayBuffer.isView(input)
          ? new Uint8Array(input.buffer, input.byteOffset, input.byteLength)
          : new Uint8Array(input);
    let out = '';
    let i = 0;
    const bad = () => {
      if (this.fatal) throw new TypeError('The encoded data was not valid UTF-8');
      out += '\ufffd';
    };
    while (i < b.length) {
      const x = b[i];
      if (x < 0x80) {
        out += String.fromCharCode(x);
        i++;
        continue;
      }
      let need, min, cp;
      if (x >= 0xc2 && x <= 0xdf) {
        need = 1;
        min = 0x80;
        cp = x & 31;
      } else if (x >= 0xe0 && x <= 0xef) {
        need = 2;
        min = 0x800;
        cp = x & 15;
      } else if (x >= 0xf0 && x <= 0xf4) {
        need = 3;
        min = 0x10000;
        cp = x & 7;
      } else {
        bad();
        i++;
        continue;
      }
      let j = 1;
      for (; j <= need; j++) {
        const y = b[i + j];
        if (y === undefined || (y & 0xc0) !== 0x80) break;
        cp = (cp << 6) | (y & 63);
      }
      if (j <= need || cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
        bad();
        i += Math.max(1, j);
        continue;
      }
      i += need + 1;
      if (cp >= 0x10000) {
        cp -= 0x10000;
        out += String.fromCharCode(0xd800 + (cp >> 10), 0xdc00 + (cp & 1023));
      } else {
        out += String.fromCharCode(cp);
      }
    }
    return out;
  }
}

const g = typeof globalThis !== 'undefined' ? globalThis : {};
const NativeEncoder = typeof g.TextEncoder === 'function' ? g.TextEncoder : undefined;
const NativeDecoder = typeof g.TextDecoder === 'function' ? g.TextDecoder : undefined;

export const TextEncoder = NativeEncoder || Utf8Encoder;
export const TextDecoder = NativeDecoder || Utf8Decoder;
export { Utf8Encoder, Utf8Decoder };
