/**
 * The sizes the specification states, measured on real codes: the sealed envelope byte by byte and
 * the fixed sizes (docs/sealed-codes.md §Size), the character arithmetic that follows, and the
 * sizes of the golden vectors and of the compact carriage (docs/ithc-certificate.md §Size,
 * §Defaults and canonical form, §Codes). Lengths are counted here from the CBOR as decoded by
 * cbor-x, with a length function written from RFC 8949 §3, and checked against the real bytes.
 */
import { createECDH, createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync, deflateSync } from 'node:zlib';
import { Decoder, Tag } from 'cbor-x';
import { fromHex, toHex } from '../../core/bytes';
import { encodeStrict } from '../../core/cbor';
import { decodeStages } from '../../core/hcert';
import { qrMatrix } from '../../core/qr';
import { authorityKid, kdfContext, p256Spki, sealCode, SEAL_ALGORITHMS } from '../../core/seal';
import { SIZE_TARGETS } from '../../core/seal-size';
import { coseOfSealedCode, independentDecrypt } from '../seal/independent-opener';
import { codeIn, numberIn, readDoc, section, tableAfter } from './markdown';

const decoder = new Decoder({
  mapsAsObjects: false,
  useRecords: false,
});
const decode = (b: Uint8Array): any => decoder.decode(b);

const SPEC = readDoc('ithc-certificate.md');
const SEALED = readDoc('sealed-codes.md');
const SEALED_SIZE = section(SEALED, '## Size');
const GOLDEN = JSON.parse(readFileSync(join(__dirname, '../golden/vectors.json'), 'utf8')).cases as Array<Record<string, any>>;
const FULL = GOLDEN.find((c) => c.NAME === 'ITHC-FULL')!;

/** Bytes of a CBOR head for argument n (RFC 8949 §3.1). */
function headLen(n: number): number {
  return n < 24 ? 1 : n < 256 ? 2 : n < 65536 ? 3 : n < 2 ** 32 ? 5 : 9;
}

/** Bytes of the shortest encoding of a decoded value: integers, byte and text strings, arrays, maps, tags, booleans. */
function encodedLength(v: unknown): number {
  if (typeof v === 'number') return headLen(v < 0 ? -1 - v : v);
  if (typeof v === 'boolean' || v === null) return 1;
  if (v instanceof Uint8Array) return headLen(v.length) + v.length;
  if (typeof v === 'string') return headLen(Buffer.byteLength(v)) + Buffer.byteLength(v);
  if (Array.isArray(v)) return headLen(v.length) + v.reduce((n, x) => n + encodedLength(x), 0);
  if (v instanceof Map) return headLen(v.size) + [...v].reduce((n, [k, x]) => n + encodedLength(k) + encodedLength(x), 0);
  if (v instanceof Tag) return headLen(v.tag) + encodedLength(v.value);
  throw new Error(`no length for a ${typeof v}`);
}

/** RFC 9285: 3 characters per 2 bytes, 2 for a last odd byte. */
const base45Len = (n: number) => Math.floor(n / 2) * 3 + (n % 2) * 2;

// The authority: the RFC 6979 §A.2.5 test key of docs/sealed-codes.md §The recipient kid.
const SCALAR = Buffer.from('c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721', 'hex');
const ecdh = createECDH('prime256v1');
ecdh.setPrivateKey(SCALAR);
const POINT = new Uint8Array(ecdh.getPublicKey());
const JWK = {
  kty: 'EC',
  crv: 'P-256',
  d: SCALAR.toString('base64url'),
  x: Buffer.from(POINT.subarray(1, 33)).toString('base64url'),
  y: Buffer.from(POINT.subarray(33)).toString('base64url'),
};
const KID = authorityKid(p256Spki(POINT));

const open = decodeStages(FULL.PREFIX);
const draws: number[] = [];
const recordingRng = (n: number) => {
  draws.push(n);
  return new Uint8Array(randomBytes(n));
};
const sealedCode = sealCode(open.cose!, [{ kid: KID, publicKey: POINT }], recordingRng);
const fullYCode = sealCode(open.cose!, [{ kid: KID, publicKey: POINT, pointCompression: false }], recordingRng);

interface Measured {
  bytes: Buffer;
  msg: Tag;
  plaintext: Buffer;
}
let sealed: Measured;
let fullY: Measured;
beforeAll(async () => {
  const measure = async (code: string): Promise<Measured> => {
    const bytes = coseOfSealedCode(code);
    return {
      bytes,
      msg: decode(bytes),
      plaintext: await independentDecrypt(bytes, JWK),
    };
  };
  sealed = await measure(sealedCode);
  fullY = await measure(fullYCode);
});

test("the length function counts the real bytes, and the plaintext is the open code's own deflate stream", () => {
  expect(encodedLength(sealed.msg)).toBe(sealed.bytes.length);
  expect(encodedLength(fullY.msg)).toBe(fullY.bytes.length);
  // "Our issuer encrypts the very deflate stream that sits inside the open code's zlib."
  expect(toHex(sealed.plaintext)).toBe(toHex(open.compressed!.subarray(2, -4)));
});

describe('docs/sealed-codes.md §Size: the envelope, byte by byte', () => {
  const rows = tableAfter(SEALED_SIZE, '| part | bytes |').map(([part, bytes]) => ({
    part: part.replace(/\*/g, ''),
    bytes: numberIn(bytes),
  }));

  /** What each row measures on the real sealed code. */
  function measured(m: Measured, openCompressed: number): Array<[RegExp, number]> {
    const [prot, unprot, ciphertext, recipients] = m.msg.value as [
      Uint8Array,
      Map<number, unknown>,
      Uint8Array,
      Array<[Uint8Array, Map<number, unknown>, Uint8Array]>,
    ];
    const [rProt, rUnprot, rCiphertext] = recipients[0];
    const kid = rUnprot.get(4) as Uint8Array;
    const envelope = m.bytes.length - m.plaintext.length;
    return [
      [/^tag 96/, headLen(m.msg.tag) + headLen((m.msg.value as unknown[]).length)],
      [/^content protected header/, encodedLength(prot)],
      [/^unprotected header/, encodedLength(unprot)],
      [/^ciphertext bstr head/, headLen(ciphertext.length)],
      [/^GCM authentication tag/, ciphertext.length - m.plaintext.length],
      [/^recipients array head/, headLen(recipients.length) + headLen(recipients[0].length)],
      [/^recipient protected header/, encodedLength(rProt)],
      [/^recipient unprotected map head/, headLen(rUnprot.size)],
      [/^kid: label, bstr head, 8 bytes/, encodedLength(4) + encodedLength(kid)],
      [/^ephemeral key label/, encodedLength(-1)],
      [/^COSE_Key/, encodedLength(rUnprot.get(-1))],
      [/^recipient ciphertext/, encodedLength(rCiphertext)],
      [/^envelope$/, envelope],
      [/^zlib's header and Adler-32/, -(openCompressed - m.plaintext.length)],
      [/^net, against the open code's bytes$/, m.bytes.length - openCompressed],
    ];
  }

  test('every row is what the real sealed code measures, and every part is in a row', () => {
    const parts = measured(sealed, open.compressed!.length);
    expect(rows.map((r) => r.part)).toHaveLength(parts.length);
    for (const [re, value] of parts) {
      const hits = rows.filter((r) => re.test(r.part));
      expect([re.source, hits.length]).toEqual([re.source, 1]);
      expect([hits[0].part, hits[0].bytes]).toEqual([hits[0].part, value]);
    }
  });

  test('the parts add up to the envelope, and the envelope less the zlib framing to the net', () => {
    const envelopeAt = rows.findIndex((r) => r.part === 'envelope');
    const sum = rows.slice(0, envelopeAt).reduce((n, r) => n + r.bytes, 0);
    expect(sum).toBe(rows[envelopeAt].bytes);
    expect(rows[envelopeAt].bytes + rows[envelopeAt + 1].bytes).toBe(rows[envelopeAt + 2].bytes);
    // The zlib framing is what zlib adds to the same raw DEFLATE stream (RFC 1950: a 2-byte header, Adler-32).
    const x = Buffer.from(open.cose!);
    expect(deflateSync(x).length - deflateRawSync(x).length).toBe(-rows[envelopeAt + 1].bytes);
  });

  test("the COSE_Key row's parts, and the conditions the table is stated under", () => {
    const key = sealed.msg.value[3][0][1].get(-1) as Map<number, unknown>;
    const row = rows.find((r) => r.part.startsWith('COSE_Key'))!.part;
    const m = /map head (\d+), kty (\d+), crv (\d+), x (\d+) \(label, head, (\d+)\), y (\d+)/.exec(row)!;
    const [head, kty, crv, x, xBytes, y] = m.slice(1).map(Number);
    expect([head, kty, crv, x, xBytes, y]).toEqual([
      headLen(key.size),
      encodedLength(1) + encodedLength(key.get(1)),
      encodedLength(-1) + encodedLength(key.get(-1)),
      encodedLength(-2) + encodedLength(key.get(-2)),
      (key.get(-2) as Uint8Array).length,
      encodedLength(-3) + encodedLength(key.get(-3)),
    ]);
    expect(typeof key.get(-3)).toBe('boolean');
    // "a kid of 8 bytes as the demo partner's, a ciphertext of 256 to 65,535 bytes"
    const stated = /a kid of (\d+) bytes as the demo partner's, a ciphertext of ([\d,]+) to ([\d,]+) bytes/.exec(SEALED_SIZE.replace(/\s+/g, ' '))!;
    expect(Number(stated[1])).toBe(KID.length);
    const ciphertext = sealed.msg.value[2] as Uint8Array;
    expect(ciphertext.length).toBeGreaterThanOrEqual(numberIn(stated[2]));
    expect(ciphertext.length).toBeLessThanOrEqual(numberIn(stated[3]));
    // Within that range the ciphertext's head is the 3 bytes the table counts; just outside it is not.
    expect([headLen(numberIn(stated[2]) - 1), headLen(numberIn(stated[2])), headLen(numberIn(stated[3])), headLen(numberIn(stated[3]) + 1)]).toEqual([
      2, 3, 3, 5,
    ]);
  });
});

describe('docs/sealed-codes.md §Size: characters', () => {
  const flat = SEALED_SIZE.replace(/\s+/g, ' ');
  const net = numberIn(tableAfter(SEALED_SIZE, '| part | bytes |').find((r) => r[0].includes('net'))![1]);
  const prefixes = 'ITHCS1:'.length - 'ITHC1:'.length;

  test("97 more bytes: 146 characters when the open code's byte count is even, 145 when odd; +147 or +146 with the prefix", () => {
    const m =
      /so (\d+) more bytes are (\d+) more characters when the open code's byte count is even and (\d+) when it is odd, and the prefix `ITHCS1:` is one character longer than `ITHC1:`: \*\*\+(\d+) or \+(\d+) characters\*\*/.exec(
        flat,
      );
    expect(m).not.toBeNull();
    const [bytes, even, odd, plusEven, plusOdd] = m!.slice(1).map(Number);
    expect(bytes).toBe(net);
    expect(prefixes).toBe(1);
    expect(even).toBe(base45Len(300 + net) - base45Len(300));
    expect(odd).toBe(base45Len(301 + net) - base45Len(301));
    expect([plusEven, plusOdd]).toEqual([even + prefixes, odd + prefixes]);
    // And the real code: its overhead is the one its byte count's parity gives.
    const n = open.compressed!.length;
    expect(sealedCode.length - FULL.PREFIX.length).toBe(n % 2 ? plusOdd : plusEven);
  });

  test('y in full: 33 bytes more, envelope 136, net 130, +196 characters; a kid byte moves it 1.5 characters', () => {
    const m = /the COSE_Key is (\d+) bytes longer \(envelope (\d+) bytes, net (\d+)\): \+(\d+) characters/.exec(flat);
    expect(m).not.toBeNull();
    const [longer, envelope, fullNet, plus] = m!.slice(1).map(Number);
    const key = (m2: Measured) => encodedLength(m2.msg.value[3][0][1].get(-1));
    expect(key(fullY) - key(sealed)).toBe(longer);
    expect(fullY.bytes.length - fullY.plaintext.length).toBe(envelope);
    expect(fullY.bytes.length - open.compressed!.length).toBe(fullNet);
    expect(fullYCode.length - FULL.PREFIX.length).toBe(plus);
    expect(base45Len(300 + fullNet) - base45Len(300) + prefixes).toBe(plus);
    expect(base45Len(301 + fullNet) - base45Len(301) + prefixes).toBe(plus);
    expect(flat).toContain('moves this by 1.5 characters a byte');
    expect((base45Len(302) - base45Len(300)) / 2).toBe(1.5);
  });

  test('the target the section and core state is the same', () => {
    expect(numberIn(/the target is at most (\d+)/.exec(flat)![1])).toBe(SIZE_TARGETS.sealedOverheadChars);
  });
});

describe('docs/sealed-codes.md §Size: fixed sizes', () => {
  const rows = tableAfter(SEALED_SIZE, '| what | bytes |').map(([what, bytes]) => ({ what, bytes: numberIn(bytes) }));

  test('every row is measured on real codes or by the real code', async () => {
    const [prot, unprot, ciphertext, recipients] = sealed.msg.value as any[];
    void prot;
    const key = recipients[0][1].get(-1) as Map<number, Uint8Array>;
    const fullKey = fullY.msg.value[3][0][1].get(-1) as Map<number, Uint8Array>;
    // The ECDH secret: the x-coordinate of the shared point, as node:crypto computes it.
    const ephemeral = Buffer.concat([Buffer.from([4]), fullKey.get(-2)!, fullKey.get(-3)!]);
    const z = ecdh.computeSecret(ephemeral);
    // The content key length: the KDF context's keyDataLength, in bits (RFC 9053 §5.2).
    const context = decode(kdfContext(SEAL_ALGORITHMS.A256GCM, recipients[0][0]));
    // Several recipients: the wrapped content key.
    const second = createECDH('prime256v1');
    second.generateKeys();
    const wrappedMsg = decode(
      coseOfSealedCode(
        sealCode(
          open.cose!,
          [
            { kid: KID, publicKey: POINT },
            {
              kid: Uint8Array.of(1),
              publicKey: new Uint8Array(second.getPublicKey()),
            },
          ],
          (n) => new Uint8Array(randomBytes(n)),
        ),
      ),
    );
    const x = Buffer.from(open.cose!);
    const measured: Array<[RegExp, number]> = [
      [/^IV/, (unprot.get(5) as Uint8Array).length],
      [/^GCM authentication tag/, ciphertext.length - sealed.plaintext.length],
      [/^content key/, context[3][0] / 8],
      [/^ECDH shared secret/, z.length],
      [/^ephemeral key x/, key.get(-2)!.length],
      [/^random bytes drawn for one ephemeral private key/, draws[0]],
      [/^kid of an authority key/, KID.length],
      [/^SubjectPublicKeyInfo of a P-256 key/, p256Spki(POINT).length],
      [/^wrapped content key/, wrappedMsg.value[3][0][2].length],
      [/^envelope with y in full/, fullY.bytes.length - fullY.plaintext.length],
      [/^zlib's header \(2\) and Adler-32 \(4\)/, deflateSync(x).length - deflateRawSync(x).length],
    ];
    // The y in full is as long as x; the IV drawn is the IV written; draws alternate key, IV.
    expect(fullKey.get(-3)!.length).toBe(key.get(-2)!.length);
    expect(draws.slice(0, 2)).toEqual([draws[0], (unprot.get(5) as Uint8Array).length]);
    expect(toHex(Buffer.from(z))).toHaveLength(64);
    expect(rows).toHaveLength(measured.length);
    for (const [re, value] of measured) {
      const hits = rows.filter((r) => re.test(r.what));
      expect([re.source, hits.length]).toEqual([re.source, 1]);
      expect([hits[0].what, hits[0].bytes]).toEqual([hits[0].what, value]);
    }
    // The kid row is the SHA-256 rule: 8 bytes of the hash of those 91.
    expect(toHex(KID)).toBe(createHash('sha256').update(p256Spki(POINT)).digest().subarray(0, 8).toString('hex'));
  });
});

describe('docs/ithc-certificate.md §Size and the compact carriage', () => {
  const size = section(SPEC, '## Size');
  const flat = size.replace(/\s+/g, ' ');

  test("the ITHC-FULL vector: characters, QR version and every stage's bytes", () => {
    const m =
      /The ITHC-FULL golden vector \([^)]*\): \*\*(\d+) characters\*\*, version (\d+); its certificate is (\d+) bytes of CBOR, the CWT claims (\d+), the COSE_Sign1 (\d+), zlib (\d+), base45 (\d+)\. A minimal certificate \(one IgG test\) is (\d+) characters\./.exec(
        flat,
      );
    expect(m).not.toBeNull();
    const minimal = GOLDEN.find((c) => c.NAME === 'ITHC-MINIMAL')!;
    expect(m!.slice(1).map(Number)).toEqual([
      FULL.PREFIX.length,
      qrMatrix(FULL.PREFIX, 'Q').version,
      FULL.ITHC.length / 2,
      FULL.CBOR.length / 2,
      FULL.COSE.length / 2,
      FULL.COMPRESSED.length / 2,
      FULL.BASE45.length,
      minimal.PREFIX.length,
    ]);
    expect(FULL.BASE45.length).toBe(base45Len(FULL.COMPRESSED.length / 2));
  });

  test("the targets are core's, and the signature costs the characters stated", () => {
    const open =
      /the open code at most (\d+) characters, which fits QR version (\d+) at level Q, within the target of version (\d+)-Q or lower; the sealed overhead at most (\d+) characters/.exec(
        flat,
      );
    expect(open).not.toBeNull();
    const [chars, fits, target, overhead] = open!.slice(1).map(Number);
    expect(chars).toBe(SIZE_TARGETS.openChars);
    // The QR version (level Q) of a code of that many characters: base45 text is all alphanumeric.
    expect(qrMatrix('ITHC1:' + 'A'.repeat(chars - 6), 'Q').version).toBe(fits);
    expect(fits).toBeLessThanOrEqual(target);
    expect(overhead).toBe(SIZE_TARGETS.sealedOverheadChars);
    const sig = /the signature \((\d+) bytes that do not compress: (\d+) characters\)/.exec(flat)!;
    expect(Number(sig[1])).toBe((decode(fromHex(FULL.COSE)).value[3] as Uint8Array).length);
    expect(Number(sig[2])).toBe(base45Len(Number(sig[1])));
  });

  test('the compact carriage saves the bytes the specification says', () => {
    const codes = section(SPEC, '## Codes').replace(/\s+/g, ' ');
    const numeric = /travels as an unsigned integer \((\d+) bytes instead of (\d+) or (\d+)\)/.exec(codes)!;
    expect(numeric.slice(1).map(Number)).toEqual([encodeStrict(840539006).length, encodeStrict('840539006').length, encodeStrict('1157024006').length]);
    const org = /travels as the digits' integer \(`ORG-100020693` → 100020693, (\d+) bytes instead of (\d+)\)/.exec(codes)!;
    expect(org.slice(1).map(Number)).toEqual([encodeStrict(100020693).length, encodeStrict('ORG-100020693').length]);
    const defaults = section(SPEC, '## Defaults and canonical form').replace(/\s+/g, ' ');
    expect(defaults).toContain('the date of vaccination is a day number, three bytes instead of eleven');
    expect([encodeStrict(18718).length, encodeStrict('2021-04-01').length]).toEqual([3, 11]);
    expect(defaults).toContain('`2021-04-01` is day 18718');
    expect(Date.UTC(2021, 3, 1) / 86_400_000).toBe(18718);
    const places = section(SPEC, '## Testing centres and vaccination sites').replace(/\s+/g, ' ');
    const code = /A code up to ([\d,]+) takes (\d+) bytes/.exec(places)!;
    expect([encodeStrict(numberIn(code[1])).length, encodeStrict(numberIn(code[1]) + 1).length]).toEqual([Number(code[2]), 5]);
    expect(codeIn('`URN:UVCI:01:`')).toHaveLength(12);
  });
});
