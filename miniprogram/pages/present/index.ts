/**
 * The full-screen view of a code, for a scanner: the QR as large as the screen allows, at maximum
 * screen brightness with the screen kept on; the brightness the user had is restored on leaving
 * (onHide: another app or the home screen; onUnload: back).
 */
import { applyPrefs, prefsData } from '../../services/page';
import { getPresentation, type Presentation } from '../../services/present';
import { getBrightness, keepScreenOn, setBrightness } from '../../adapters/screen';
import { navigateBack } from '../../adapters/navigation';

/** Brightness before this view raised it, per page instance. */
const before = new WeakMap<object, number | undefined>();

Component({
  data: {
    ...prefsData(),
    presentation: null as Presentation | null,
    qrLabel: '',
  },

  methods: {
    onLoad() {
      applyPrefs(this, 'presentTitle');
      const presentation = getPresentation();
      this.setData({ presentation, qrLabel: presentation ? this.data.s.qrLabel.replace('{name}', presentation.name) : '' });
    },

    async onShow() {
      applyPrefs(this, 'presentTitle');
      if (!before.has(this)) before.set(this, await getBrightness());
      await setBrightness(1);
      keepScreenOn(true);
    },

    onHide() {
      return this.restore();
    },

    onUnload() {
      return this.restore();
    },

    async restore() {
      if (!before.has(this)) return;
      const value = before.get(this);
      before.delete(this);
      if (value !== undefined) await setBrightness(value);
      keepScreenOn(false);
    },

    onClose() {
      navigateBack();
    },
  },
});
