import { readDscList, DscListError } from '../../core/dsc-list';
import { bytesEqual, toBase64, utf8Encode } from '../../core/bytes';
import { kidFromCertificate } from '../../core/keys';
import { makeDsc, pem, type Dsc } from '../../bench/fixtures';

const entry = (d: Dsc, extra: Record<string, unknown> = {}) => ({ kid: toBase64(d.kid), country: d.country, rawData: toBase64(d.der), ...extra });

describe('readDscList', () => {
  let a: Dsc, b: Dsc, c: Dsc;
  beforeAll(() => {
    a = makeDsc({ country: 'AT', usage: ['v'] });
    b = makeDsc({ country: 'BE' });
    c = makeDsc({ country: 'CZ', usage: ['t', 'r'] });
  });

  it('reads the gateway shape [{kid, country, rawData}] with kid, country and key usage', () => {
    const r = readDscList(JSON.stringify([entry(a), entry(b)]));
    expect(r.problems).toEqual([]);
    expect(r.keys.map((k) => toBase64(k.kid))).toEqual([toBase64(a.kid), toBase64(b.kid)]);
    expect(r.keys.map((k) => k.country)).toEqual(['AT', 'BE']);
    expect(r.keys[0].usage).toEqual(['v']);
    expect(r.keys[1].usage).toBeUndefined();
    expect(bytesEqual(r.keys[0].certificate!, a.der)).toBe(true);
  });

  it('reads the {certificates: [...]} shape and skips entries that are not DSCs', () => {
    const list = { certificates: [entry(a, { certificateType: 'DSC' }), entry(b, { certificateType: 'CSCA' }), entry(c, { certificateType: 'DSC' })] };
    const r = readDscList(utf8Encode(JSON.stringify(list)));
    expect(r.keys.map((k) => k.country)).toEqual(['AT', 'CZ']);
    expect(r.skipped).toBe(1);
    expect(r.problems).toEqual([]);
  });

  it('derives the kid when the entry has none, and takes the entry country over the certificate subject', () => {
    const r = readDscList(JSON.stringify([{ rawData: toBase64(a.der), country: 'DE' }]));
    expect(bytesEqual(r.keys[0].kid, kidFromCertificate(a.der))).toBe(true);
    expect(r.keys[0].country).toBe('DE');
  });

  it('refuses an entry whose kid is not its certificate kid, and keeps the others', () => {
    const r = readDscList(JSON.stringify([entry(a, { kid: toBase64(b.kid) }), entry(c)]));
    expect(r.keys.map((k) => k.country)).toEqual(['CZ']);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({ code: 'KID_MISMATCH', index: 0, kid: toBase64(b.kid), country: 'AT' });
  });

  it('reports malformed entries with typed problems and loads the rest', () => {
    const der = toBase64(a.der);
    const list = [
      'not an object',
      { kid: toBase64(a.kid), country: 'AT' },
      { rawData: 42 },
      { rawData: der, kid: 7 },
      { rawData: der, country: 'austria' },
      { rawData: '!!!not base64!!!' },
      { rawData: toBase64(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00])) },
      { rawData: 'A'.repeat(20_000) },
      entry(b),
    ];
    const r = readDscList(JSON.stringify(list));
    expect(r.keys.map((k) => k.country)).toEqual(['BE']);
    expect(r.problems.map((p) => [p.index, p.code])).toEqual([
      [0, 'ENTRY_MALFORMED'],
      [1, 'ENTRY_MALFORMED'],
      [2, 'ENTRY_MALFORMED'],
      [3, 'ENTRY_MALFORMED'],
      [4, 'ENTRY_MALFORMED'],
      [5, 'CERTIFICATE_INVALID'],
      [6, 'CERTIFICATE_INVALID'],
      [7, 'ENTRY_MALFORMED'],
    ]);
    for (const p of r.problems) expect(p.message).toMatch(new RegExp(`^entry ${p.index}: |^entry ${p.index} `));
  });

  it('accepts single certificates: PEM, a PEM bundle, DER bytes and base64 DER', () => {
    expect(readDscList(pem(a.der)).keys.map((k) => k.country)).toEqual(['AT']);
    expect(readDscList(pem(a.der) + pem(b.der)).keys.map((k) => k.country)).toEqual(['AT', 'BE']);
    expect(readDscList(a.der).keys.map((k) => toBase64(k.kid))).toEqual([toBase64(a.kid)]);
    expect(readDscList(toBase64(b.der) + '\n').keys.map((k) => toBase64(k.kid))).toEqual([toBase64(b.kid)]);
  });

  it('throws DscListError for input that is not a list at all', () => {
    const code = (input: string | Uint8Array) => {
      try {
        readDscList(input);
      } catch (e) {
        return e instanceof DscListError ? e.code : `other: ${String(e)}`;
      }
      return 'no error';
    };
    expect(code('[not json')).toBe('LIST_MALFORMED');
    expect(code('{"certs": []}')).toBe('LIST_MALFORMED');
    expect(code('{"certificates": {}}')).toBe('LIST_MALFORMED');
    expect(code('hello, world')).toBe('LIST_MALFORMED');
    expect(code(new Uint8Array([0xff, 0xfe, 0x00]))).toBe('LIST_MALFORMED');
  });

  it('bounds the list size and the entry count', () => {
    const list = JSON.stringify([entry(a), entry(b), entry(c)]);
    expect(() => readDscList(list, { maxBytes: list.length - 1 })).toThrow(expect.objectContaining({ code: 'LIST_TOO_LARGE' }));
    expect(() => readDscList(list, { maxEntries: 2 })).toThrow(expect.objectContaining({ code: 'LIST_TOO_LARGE' }));
    expect(readDscList(list, { maxBytes: list.length, maxEntries: 3 }).keys).toHaveLength(3);
  });
});
