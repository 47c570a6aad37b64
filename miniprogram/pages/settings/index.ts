/**
 * Settings: the language (Chinese or English, independent of the phone's), care mode (关怀模式:
 * larger text and higher contrast on every page), and deleting the certificate copies kept on the phone.
 */
import type { Lang } from '../../i18n/index';
import { isLang } from '../../i18n/index';
import { applyPrefs, prefsData } from '../../services/page';
import { setCareMode, setLanguage } from '../../services/settings';
import { clearAllCached } from '../../services/certificate';
import { confirmDialog, showToast } from '../../adapters/ui';

Component({
  data: {
    ...prefsData(),
  },

  methods: {
    onLoad() {
      applyPrefs(this, 'settingsTitle');
    },

    onShow() {
      applyPrefs(this, 'settingsTitle');
    },

    onPickLanguage(e: WechatMiniprogram.TouchEvent) {
      const lang: unknown = e.currentTarget.dataset.lang;
      if (!isLang(lang) || lang === this.data.lang) return;
      setLanguage(lang as Lang);
      applyPrefs(this, 'settingsTitle');
    },

    onToggleCare() {
      setCareMode(!this.data.care);
      applyPrefs(this, 'settingsTitle');
    },

    async onClearCache() {
      const s = this.data.s;
      if (!(await confirmDialog({ title: s.clearCache, content: s.clearCacheConfirm, confirmText: s.confirm, cancelText: s.cancel }))) return;
      clearAllCached();
      showToast(s.cacheCleared);
    },
  },
});
