/**
 * Home: the main entry to the certificate, the other entries, and the consular hotline.
 * Thin on purpose: services/home.ts builds what is shown, adapters do the wx calls.
 */
import { otherLang, t, DEFAULT_LANG, type Lang } from '../../i18n/index';
import { buildHomeView, isHomeEntryId, HOME_ROUTES } from '../../services/home';
import { getCareMode, getLanguage, setLanguage } from '../../services/settings';
import { makePhoneCall } from '../../adapters/phone';
import { navigateTo } from '../../adapters/navigation';
import { setTitle, showToast } from '../../adapters/ui';

Component({
  data: buildHomeView(DEFAULT_LANG),

  methods: {
    onLoad() {
      this.show(getLanguage());
    },

    // Coming back from settings, the language or the care mode may have changed there.
    onShow() {
      const lang = getLanguage();
      if (lang !== this.data.lang || getCareMode() !== this.data.care) this.show(lang);
    },

    show(lang: Lang) {
      this.setData(buildHomeView(lang, getCareMode()));
      setTitle(t(lang, 'appTitle'));
    },

    onSwitchLanguage() {
      const next = otherLang(this.data.lang);
      setLanguage(next);
      this.show(next);
    },

    async onOpenEntry(event: WechatMiniprogram.TouchEvent) {
      const entry: unknown = event.currentTarget.dataset.entry;
      if (!isHomeEntryId(entry)) return;
      const opened = await navigateTo(HOME_ROUTES[entry]);
      if (!opened) showToast(t(this.data.lang, 'pageUnavailable'));
    },

    async onCallHotline(event: WechatMiniprogram.TouchEvent) {
      const hotline = this.data.hotlines[Number(event.currentTarget.dataset.index)];
      if (!hotline) return;
      const outcome = await makePhoneCall(hotline.dial);
      if (outcome === 'failed') showToast(t(this.data.lang, 'callFailed', { number: hotline.display }));
    },
  },
});
