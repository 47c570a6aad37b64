/**
 * The certificate: its status, the QR (tap: full screen), the holder, the records with their ages,
 * and issue/expiry. Pull to refresh; offline, the copy saved last is shown with its age.
 * Thin: services/certificate.ts fetches, caches and builds the screen.
 */
import { format } from '../../i18n/index';
import { applyPrefs, prefsData } from '../../services/page';
import { buildCertificateScreen, loadCertificate, actingLine, readCached, type CachedCertificate, type CertificateScreen } from '../../services/certificate';
import { getActingFor } from '../../services/subject';
import { setPresentation, PRESENT_ROUTE } from '../../services/present';
import { now } from '../../adapters/clock';
import { navigateTo } from '../../adapters/navigation';
import { showToast, stopPullDownRefresh } from '../../adapters/ui';

type State = 'loading' | 'ready' | 'needAuth' | 'noRecords' | 'failed';

/** The copy on screen, kept outside `data` (setData copies what it is given). */
const shown = new WeakMap<object, CachedCertificate>();

Component({
  data: {
    ...prefsData(),
    state: 'loading' as State,
    screen: null as CertificateScreen | null,
    acting: null as string | null,
    offline: '',
    savedLine: '',
    errorMessage: '',
    revealed: false,
  },

  methods: {
    onLoad() {
      applyPrefs(this, 'certTitle');
      const who = getActingFor();
      this.setData({ acting: actingLine(this.data.s, who) });
      // The saved copy first, so the QR is there at once; then the fresh one.
      const saved = readCached(who);
      if (saved) this.showCopy(saved, '');
      void this.load();
    },

    onShow() {
      const changed = applyPrefs(this, 'certTitle');
      const copy = shown.get(this);
      if (changed && copy) this.showCopy(copy, this.data.offline ? this.data.offline : '');
    },

    async onPullDownRefresh() {
      await this.load();
      stopPullDownRefresh();
    },

    async load() {
      const lang = this.data.lang;
      const r = await loadCertificate(lang);
      if (r.kind === 'fresh') {
        this.showCopy(r.cached, '');
        return;
      }
      if (r.kind === 'offline') {
        this.showCopy(r.cached, 'offline');
        return;
      }
      const state: State = r.error.code === 'IDENTITY_REQUIRED' ? 'needAuth' : r.error.code === 'NO_RECORDS' ? 'noRecords' : 'failed';
      this.setData({ state, errorMessage: r.error.message, screen: null });
    },

    showCopy(copy: CachedCertificate, offline: '' | 'offline' | string) {
      shown.set(this, copy);
      const screen = buildCertificateScreen(this.data.lang, copy, now());
      this.setData({
        state: 'ready',
        screen,
        offline: offline ? format(this.data.s.offlineCopy, { age: screen.savedAge }) : '',
        savedLine: format(this.data.s.savedAt, { age: screen.savedAge }),
        errorMessage: '',
      });
    },

    onToggleReveal() {
      this.setData({ revealed: !this.data.revealed });
    },

    async onOpenQr() {
      const screen = this.data.screen;
      if (!screen) return;
      setPresentation({ code: screen.code, name: screen.holder.name, nameLatin: screen.holder.nameLatin, documentMasked: screen.holder.documentMasked, caption: this.data.s.formatIthc });
      await navigateTo(PRESENT_ROUTE);
    },

    onRetry() {
      this.setData({ state: 'loading' });
      void this.load();
    },

    async onGo(event: WechatMiniprogram.TouchEvent) {
      const routes: Record<string, string> = {
        auth: '/pages/auth/index',
        destination: '/pages/destination/index',
        paper: '/pages/paper/index',
        relatives: '/pages/relatives/index',
      };
      const url = routes[String(event.currentTarget.dataset.to)];
      if (url && !(await navigateTo(url))) showToast(this.data.s.pageUnavailable);
    },
  },
});
