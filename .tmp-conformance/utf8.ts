import { checkWellFormed } from '../core/cbor';
import { utf8Encode } from '../core/bytes';
const head = (n: number) => n < 24 ? [0x60 | n] : n < 256 ? [0x78, n] : [0x79, n >> 8, n & 255];
const wrap = (b: Uint8Array) => new Uint8Array([...head(b.length), ...b]);
const ok = (b: Uint8Array) => { try { checkWellFormed(wrap(b)); return true; } catch { return false; } };
// every code point round trip
let bad = 0;
for (let cp = 0; cp <= 0x10ffff; cp += (cp < 0x30000 ? 1 : 97)) { if (cp >= 0xd800 && cp <= 0xdfff) continue; if (!ok(utf8Encode(String.fromCodePoint(cp)))) bad++; }
console.log('valid rejected', bad);
// random bytes agree with TextDecoder fatal
const td = new TextDecoder('utf-8', { fatal: true });
let dis = 0;
for (let t = 0; t < 200000; t++) { const len = 1 + (Math.random() * 6 | 0); const b = new Uint8Array(len); for (let i = 0; i < len; i++) b[i] = Math.random() < 0.5 ? 0x80 + (Math.random() * 128 | 0) : (Math.random() * 256 | 0); let ref = true; try { td.decode(b); } catch { ref = false; } if (ref !== ok(b)) { dis++; if (dis < 5) console.log('disagree', Buffer.from(b).toString('hex'), ref); } }
console.log('disagreements', dis);
