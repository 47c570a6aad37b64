/** Adapter over `<canvas type="2d">`: finds a canvas node inside a component and exports it as an image. */

/** The part of a 2d canvas node the QR drawing needs. */
export interface CanvasNode {
  width: number;
  height: number;
  getContext(kind: '2d'): CanvasContext2d;
}

/** The part of CanvasRenderingContext2D the QR drawing needs. */
export interface CanvasContext2d {
  fillStyle: string;
  fillRect(x: number, y: number, w: number, h: number): void;
}

/** The canvas node matched by `selector` in `component`, with its CSS size; null when there is none (yet). */
export function queryCanvas(
  component: WechatMiniprogram.Component.TrivialInstance,
  selector: string,
): Promise<{ node: CanvasNode; width: number; height: number } | null> {
  return new Promise((resolve) => {
    try {
      wx.createSelectorQuery()
        .in(component)
        .select(selector)
        .fields({ node: true, size: true }, () => undefined)
        .exec((res: Array<{ node?: CanvasNode; width?: number; height?: number } | null>) => {
          const r = res?.[0];
          resolve(r?.node && r.width && r.height ? { node: r.node, width: r.width, height: r.height } : null);
        });
    } catch {
      resolve(null);
    }
  });
}

/** Device pixels per CSS pixel, so a QR module maps onto whole device pixels. */
export function pixelRatio(): number {
  try {
    const r = wx.getWindowInfo().pixelRatio;
    return Number.isFinite(r) && r > 0 ? r : 2;
  } catch {
    return 2;
  }
}

/** Writes a 2d canvas to a temporary PNG file; resolves its path, or null on failure. */
export function canvasToTempFile(canvas: CanvasNode): Promise<string | null> {
  return new Promise((resolve) => {
    wx.canvasToTempFilePath({
      canvas: canvas as unknown as WechatMiniprogram.Canvas,
      fileType: 'png',
      success: (res) => resolve(res.tempFilePath || null),
      fail: () => resolve(null),
    });
  });
}
