/** @jest-environment jsdom */
/**
 * The QR drawing module (utils/qr-draw.ts) and the qr-code component: what they draw is rasterised
 * and decoded with jsQR, and must give back the exact code — for a real ITHC code and a real DCC.
 */
import './bundles';
import jsQR from 'jsqr';
import { FIXED_NOW, startServer, type ServerFixture } from './server-fixture';
import { createEnv, FakeCanvas } from './mp-env';
import { attr } from './simulate-page';
import { drawQr, qrLayout, QUIET_ZONE_MODULES } from '../../miniprogram/utils/qr-draw';

let server: ServerFixture;
beforeAll(async () => {
  server = await startServer('qr-test');
});
afterAll(async () => server?.close());
beforeEach(() => jest.resetModules());

function rasterise(code: string, px: number) {
  const canvas = new FakeCanvas();
  canvas.width = canvas.height = px;
  const layout = qrLayout(code, px);
  drawQr(canvas.getContext('2d'), layout, px);
  return { canvas, layout };
}

describe('qr-draw', () => {
  test.each([
    ['the ITHC code', () => server.view.codes.ithc],
    ['a DCC code', () => server.view.codes.dcc[0].code],
  ])('%s decodes back exactly, at error correction Q in alphanumeric mode', (_name, code) => {
    const { canvas, layout } = rasterise(code(), 540);
    expect(canvas.decode()).toBe(code());
    expect(layout.matrix.ecc).toBe('Q');
    // Alphanumeric mode: a byte-mode code of the same text would need a larger version.
    const chars = code().length;
    expect(layout.matrix.version).toBeLessThanOrEqual(chars > 700 ? 25 : 20);
  });

  test('modules are whole pixels with a white quiet zone of at least 4 modules', () => {
    const px = 540;
    const { canvas, layout } = rasterise(server.view.codes.ithc, px);
    expect(Number.isInteger(layout.modulePx)).toBe(true);
    expect(layout.modulePx).toBe(Math.floor(px / (layout.matrix.size + 2 * QUIET_ZONE_MODULES)));
    const grey = canvas.grey();
    // Everything painted (no 128 = untouched), and the dark modules' bounding box sits inside a
    // 4-module white margin of the drawing.
    let minX = px,
      minY = px,
      maxX = -1,
      maxY = -1;
    for (let y = 0; y < px; y++) {
      for (let x = 0; x < px; x++) {
        const v = grey[y * px + x];
        if (v !== 0 && v !== 255) throw new Error(`unpainted pixel at ${x},${y}`);
        if (v === 0) {
          minX = Math.min(minX, x);
          maxX = Math.max(maxX, x);
          minY = Math.min(minY, y);
          maxY = Math.max(maxY, y);
        }
      }
    }
    const margin = QUIET_ZONE_MODULES * layout.modulePx;
    expect(minX).toBe(layout.offsetPx + margin);
    expect(minY).toBe(layout.offsetPx + margin);
    expect(maxX + 1).toBe(layout.offsetPx + layout.sizePx - margin);
    expect(maxY + 1).toBe(layout.offsetPx + layout.sizePx - margin);
    // Runs, not modules: far fewer fillRect calls than dark modules.
    const dark = layout.matrix.modules.filter(Boolean).length;
    expect(layout.runs.length).toBeLessThan(dark * 0.6);
  });

  test('too small a canvas is refused rather than drawn unreadably; misuse throws', () => {
    expect(() => qrLayout(server.view.codes.ithc, 50)).toThrow(RangeError);
    expect(() => qrLayout('', 500)).toThrow(TypeError);
    expect(() => qrLayout('HC1:X', 0)).toThrow(RangeError);
  });

  test('a damaged drawing no longer decodes (the decoder is really checking)', () => {
    const { canvas, layout } = rasterise(server.view.codes.ithc, 540);
    const ctx = canvas.getContext('2d');
    // getContext starts a fresh buffer: redraw, then wipe the top-left finder pattern.
    drawQr(ctx, layout, 540);
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, layout.offsetPx + 12 * layout.modulePx, layout.offsetPx + 12 * layout.modulePx);
    expect(canvas.decode()).toBeNull();
  });
});

describe('qr-code component', () => {
  test('draws its code on the canvas at device resolution, labelled, and emits open on tap', async () => {
    jest.spyOn(Date, 'now').mockReturnValue(FIXED_NOW);
    const env = createEnv();
    const id = env.simulate.load(require('node:path').join(__dirname, '../../miniprogram/components/qr-code/index'), {
      rootPath: require('node:path').join(__dirname, '../../miniprogram'),
    });
    const comp = env.simulate.render(id, { code: server.view.codes.ithc, label: '张伟的二维码' });
    comp.attach(document.createElement('parent-wrapper'));
    await env.settle();
    expect(env.canvases).toHaveLength(1);
    // 270 CSS px × pixel ratio 2.
    expect(env.canvases[0].width).toBe(540);
    expect(env.canvases[0].decode()).toBe(server.view.codes.ithc);
    expect(attr(comp.toJSON().children[0] as never, 'ariaLabel')).toBe('张伟的二维码');
    expect(attr(comp.toJSON().children[0] as never, 'ariaRole')).toBe('img');
    const opened = jest.fn();
    comp.instance.triggerEvent = opened;
    comp.instance.onTap();
    expect(opened).toHaveBeenCalledWith('open', { code: server.view.codes.ithc });

    // A new code redraws.
    comp.setData({ code: server.view.codes.dcc[1].code });
    await env.settle();
    expect(env.canvases[0].decode()).toBe(server.view.codes.dcc[1].code);
    jest.restoreAllMocks();
  });

  test('exportImage writes the drawn canvas to a temporary file', async () => {
    const canvasToTempFilePath = jest.fn((o: { canvas: unknown; success: (r: unknown) => void }) =>
      setTimeout(() => o.success({ tempFilePath: 'wxfile://tmp/qr.png' }), 0),
    );
    const env = createEnv({ wx: { canvasToTempFilePath } });
    const path = require('node:path');
    const id = env.simulate.load(path.join(__dirname, '../../miniprogram/components/qr-code/index'), { rootPath: path.join(__dirname, '../../miniprogram') });
    const comp = env.simulate.render(id, { code: server.view.codes.ithc, label: 'x' });
    comp.attach(document.createElement('parent-wrapper'));
    await env.settle();
    await expect(comp.instance.exportImage()).resolves.toBe('wxfile://tmp/qr.png');
    expect(canvasToTempFilePath.mock.calls[0][0].canvas).toBe(env.canvases[0]);
  });

  test('without a canvas node (the runtime has none yet) nothing is drawn and nothing throws', async () => {
    const env = createEnv({
      wx: {
        createSelectorQuery: jest.fn(() => {
          throw new Error('no query');
        }),
      },
    });
    const path = require('node:path');
    const id = env.simulate.load(path.join(__dirname, '../../miniprogram/components/qr-code/index'), { rootPath: path.join(__dirname, '../../miniprogram') });
    const comp = env.simulate.render(id, { code: server.view.codes.ithc, label: 'x' });
    comp.attach(document.createElement('parent-wrapper'));
    await env.settle();
    expect(comp.data.drawnCode).toBe('');
    await expect(comp.instance.exportImage()).resolves.toBeNull();
  });
});

describe('the matrix saved beside a copy', () => {
  type QrDraw = typeof import('../../miniprogram/utils/qr-draw');
  type Core = typeof import('../../miniprogram/lib/ithc-main');
  const fresh = (): QrDraw => {
    let m: QrDraw | undefined;
    jest.isolateModules(() => {
      m = require('../../miniprogram/utils/qr-draw') as QrDraw;
    });
    return m!;
  };

  test('the page opened after a restart draws the saved code from its saved matrix, without encoding it, in its first setData', async () => {
    jest.spyOn(Date, 'now').mockReturnValue(FIXED_NOW + 3_600_000);
    const code = server.view.codes.ithc;
    // The cloud never answers: what is drawn comes from storage.
    const env = createEnv({ request: jest.fn() });
    jest.isolateModules(() => {
      const { writeCached } = require('../../miniprogram/services/certificate') as typeof import('../../miniprogram/services/certificate');
      expect(writeCached(null, server.view, FIXED_NOW)).toBe(true);
    });
    const saved = env.storage.store.get('ithc.cert.self') as { qr: { code: string; size: number; modules: string } };
    expect(saved.qr.code).toBe(code);
    expect(saved.qr.size).toBe(jest.requireActual<Core>('../../miniprogram/lib/ithc-main').qrMatrix(code, 'Q').size);

    // A restart: a fresh module registry, with the core's encoder counted.
    jest.resetModules();
    const encode = jest.fn();
    jest.doMock('../../miniprogram/lib/ithc-main', () => {
      const actual = jest.requireActual<Core>('../../miniprogram/lib/ithc-main');
      return { ...actual, qrMatrix: encode.mockImplementation(actual.qrMatrix) };
    });
    try {
      const page = await env.open('pages/certificate/index');
      expect(env.canvases).toHaveLength(1);
      expect(env.canvases[0].decode()).toBe(code);
      expect(encode).not.toHaveBeenCalled();
      // The first setData already carries the code and its holder: no loading state is painted first.
      expect(env.payloads[0].keys).toEqual(expect.arrayContaining(['state', 'screen', 'person']));
      expect(page.data.screen.code).toBe(code);

      // A copy saved without a matrix (as older versions saved it) is still drawn: encoded then.
      delete (env.storage.store.get('ithc.cert.self') as { qr?: unknown }).qr;
      const older = await env.open('pages/certificate/index');
      expect(older.data.screen.code).toBe(code);
      expect(encode).toHaveBeenCalledTimes(1);
      expect(env.canvases.at(-1)!.decode()).toBe(code);
    } finally {
      jest.dontMock('../../miniprogram/lib/ithc-main');
      jest.restoreAllMocks();
    }
  });

  test("a saved matrix is taken only for exactly its code and only when well formed; what is taken is the encoder's matrix", () => {
    const code = server.view.codes.ithc;
    const other = server.view.codes.dcc[0].code;
    const saved = fresh().saveMatrix(code);
    const encoded = jest.requireActual<Core>('../../miniprogram/lib/ithc-main').qrMatrix(code, 'Q');

    const taken = fresh();
    expect(taken.rememberMatrix(code, saved)).toBe(true);
    expect(taken.qrLayout(code, 540).matrix.modules).toEqual(encoded.modules);

    const refused: Array<[string, unknown]> = [
      ['another code', { ...saved, code: other }],
      ['one character short', { ...saved, modules: saved.modules.slice(1) }],
      ['a character outside the alphabet', { ...saved, modules: `*${saved.modules.slice(1)}` }],
      ['a side no QR version has', { ...saved, size: saved.size + 1 }],
      ['a side beyond version 40', { ...saved, size: 181 }],
      ['nothing', undefined],
      ['not an object', 'AAAA'],
    ];
    for (const [why, bad] of refused) {
      const qr = fresh();
      expect([why, qr.rememberMatrix(code, bad)]).toEqual([why, false]);
      // Refused, the code is encoded when drawn, and still decodes.
      const { canvas } = (() => {
        const c = new FakeCanvas();
        c.width = c.height = 540;
        qr.drawQr(c.getContext('2d'), qr.qrLayout(code, 540), 540);
        return { canvas: c };
      })();
      expect(canvas.decode()).toBe(code);
    }
    // A matrix of another code is never drawn for this one, even when well formed for that one.
    const swapped = fresh();
    expect(swapped.rememberMatrix(code, fresh().saveMatrix(other))).toBe(false);
  });
});

test('jsQR is a real decoder here: random pixels decode to nothing', () => {
  const rgba = new Uint8ClampedArray(200 * 200 * 4).map((_, i) => (i % 4 === 3 ? 255 : (i * 7919) % 256));
  expect(jsQR(rgba, 200, 200)).toBeNull();
});
