/**
 * core/qr-read.ts: reading order, the enlarged second try, and the real decoder (ZXing-C++ from
 * the zxing-wasm package's own file, node/qr-reader.ts) on a sheet of several codes drawn here.
 */
import { qrMatrix, qrPixels } from '../../core/qr';
import { readingOrder, readQrCodes, upscale2x, type DecodedSymbol, type FoundCode, type Pixels } from '../../core/qr-read';
import { nodeQrDecoder, readQrCodesNode } from '../../node/qr-reader';

function box(text: string, left: number, top: number, size = 100): FoundCode {
  return { text, box: { left, top, right: left + size, bottom: top + size } };
}

/** A white sheet with each code's QR drawn at (x, y), `scale` pixels a module. */
function sheet(width: number, height: number, codes: Array<{ text: string; x: number; y: number }>, scale = 3): Pixels {
  const data = new Uint8ClampedArray(width * height * 4).fill(255);
  for (const c of codes) {
    const q = qrPixels(qrMatrix(c.text), scale);
    for (let y = 0; y < q.width; y++) {
      for (let x = 0; x < q.width; x++) {
        const o = ((c.y + y) * width + c.x + x) * 4;
        data[o] = data[o + 1] = data[o + 2] = q.pixels[y * q.width + x];
      }
    }
  }
  return { data, width, height };
}

describe('readingOrder', () => {
  it('top to bottom, then left to right; codes of a tilted row stay one row', () => {
    const codes = [box('row2-left', 10, 300), box('row1-right', 400, 40), box('row1-left', 10, 0), box('row2-right', 400, 260)];
    expect(readingOrder(codes).map((c) => c.text)).toEqual(['row1-left', 'row1-right', 'row2-left', 'row2-right']);
  });

  it('a code overlapping a row by less than half its height starts the next row', () => {
    const codes = [box('first', 400, 0), box('second', 10, 60)];
    expect(readingOrder(codes).map((c) => c.text)).toEqual(['first', 'second']);
  });

  it('one code printed twice is given once, at its first place', () => {
    expect(readingOrder([box('B', 10, 300), box('A', 10, 0), box('A', 400, 300)]).map((c) => c.text)).toEqual(['A', 'B']);
  });
});

describe('readQrCodes', () => {
  const symbol = (text: string, x: number, y: number, s: number): DecodedSymbol => ({
    text,
    isValid: true,
    position: { topLeft: { x, y }, topRight: { x: x + s, y }, bottomLeft: { x, y: y + s }, bottomRight: { x: x + s, y: y + s } },
  });

  it('tries an enlarged copy when nothing is found in a small image, and maps places back to the image', async () => {
    const seen: Array<[number, number]> = [];
    const found = await readQrCodes({ data: new Uint8ClampedArray(40 * 30 * 4), width: 40, height: 30 }, async (p) => {
      seen.push([p.width, p.height]);
      return p.width === 80 ? [symbol('X', 20, 10, 40)] : [];
    });
    expect(seen).toEqual([
      [40, 30],
      [80, 60],
    ]);
    expect(found).toEqual([{ text: 'X', box: { left: 10, top: 5, right: 30, bottom: 25 } }]);
  });

  it('no second try when the first found a code, when told so (camera frames), or for a large image', async () => {
    let calls = 0;
    const none = async () => (calls++, []);
    await readQrCodes({ data: new Uint8ClampedArray(40 * 30 * 4), width: 40, height: 30 }, async () => (calls++, [symbol('X', 0, 0, 10)]));
    expect(calls).toBe(1);
    calls = 0;
    await readQrCodes({ data: new Uint8ClampedArray(40 * 30 * 4), width: 40, height: 30 }, none, { enlarge: false });
    expect(calls).toBe(1);
    calls = 0;
    await readQrCodes({ data: new Uint8ClampedArray(0), width: 2000, height: 2000 }, none);
    expect(calls).toBe(1);
  });

  it('drops what the decoder marks invalid', async () => {
    const found = await readQrCodes({ data: new Uint8ClampedArray(4), width: 1, height: 1 }, async () => [
      { ...symbol('bad', 0, 0, 1), isValid: false },
      symbol('good', 0, 0, 1),
    ]);
    expect(found.map((c) => c.text)).toEqual(['good']);
  });
});

describe('upscale2x', () => {
  it('doubles each side; a new pixel between two is their rounded mean', () => {
    const src: Pixels = { width: 2, height: 1, data: new Uint8ClampedArray([0, 0, 0, 255, 255, 255, 255, 255]) };
    const up = upscale2x(src);
    expect([up.width, up.height]).toEqual([4, 2]);
    const reds = Array.from({ length: 8 }, (_, i) => up.data[i * 4]);
    expect(reds).toEqual([0, 128, 255, 255, 0, 128, 255, 255]);
  });
});

describe('the real decoder (ZXing-C++, WebAssembly from the package file)', () => {
  it('reads four codes of a sheet, in reading order, each text exactly', async () => {
    const texts = ['HC1:AAA 111', 'HC1:BBB 222', 'ITHC1:CCC $%*+-./:', 'HC1:DDD 444'];
    const img = sheet(560, 520, [
      { text: texts[2], x: 300, y: 30 },
      { text: texts[0], x: 20, y: 10 },
      { text: texts[3], x: 300, y: 290 },
      { text: texts[1], x: 20, y: 280 },
    ]);
    expect((await readQrCodesNode(img)).map((c) => c.text)).toEqual([texts[0], texts[2], texts[1], texts[3]]);
  });

  it('finds nothing on a blank sheet (and says so with an empty list, not an error)', async () => {
    expect(await readQrCodesNode(sheet(300, 200, []))).toEqual([]);
    expect(await nodeQrDecoder(sheet(30, 20, []))).toEqual([]);
  });
});
