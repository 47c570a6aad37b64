/**
 * A certificate code as a QR on a `type="2d"` canvas. The layout and drawing are the pure module
 * utils/qr-draw.ts; this component only finds its canvas (adapters/canvas.ts), sizes it in device
 * pixels and hands the context over. The whole code is one image for screen readers, named by
 * `label`. A tap emits `open` (pages open the full-screen view).
 */
import { drawQr, qrLayout } from '../../utils/qr-draw';
import { canvasToTempFile, pixelRatio, queryCanvas, type CanvasNode } from '../../adapters/canvas';

/** The canvas each instance drew on, for exportImage. */
const drawnOn = new WeakMap<object, CanvasNode>();

Component({
  properties: {
    code: { type: String, value: '' },
    /** Accessible name of the code. */
    label: { type: String, value: '' },
    /** Side in rpx. */
    size: { type: Number, value: 560 },
    tappable: { type: Boolean, value: true },
    care: { type: Boolean, value: false },
  },

  data: {
    failed: false,
    /** The code last drawn (tests and previews read it). */
    drawnCode: '',
  },

  observers: {
    code() {
      void this.draw();
    },
  },

  lifetimes: {
    ready() {
      void this.draw();
    },
  },

  methods: {
    async draw(): Promise<boolean> {
      const code = this.data.code;
      if (!code) return false;
      const found = await queryCanvas(this, '#qr');
      // The canvas is not laid out yet (or this runtime has no 2d canvas): `ready` draws again.
      if (!found || code !== this.data.code) return false;
      const px = Math.floor(Math.min(found.width, found.height) * pixelRatio());
      try {
        const layout = qrLayout(code, px);
        found.node.width = px;
        found.node.height = px;
        drawQr(found.node.getContext('2d'), layout, px);
        drawnOn.set(this, found.node);
        this.setData({ failed: false, drawnCode: code });
        return true;
      } catch {
        this.setData({ failed: true });
        return false;
      }
    },

    /** The drawn code as a temporary PNG file (for the album); null when nothing is drawn. */
    async exportImage(): Promise<string | null> {
      if (!drawnOn.has(this)) await this.draw();
      const canvas = drawnOn.get(this);
      return canvas ? canvasToTempFile(canvas) : null;
    },

    onTap() {
      if (this.data.tappable) this.triggerEvent('open', { code: this.data.code });
    },
  },
});
