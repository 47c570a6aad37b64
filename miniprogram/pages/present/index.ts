/**
 * The full-screen view of a code (出示), for an officer and a scanner at a border: whose code it is,
 * its status and validity (recomputed each second from the clock, so a code that expires while shown
 * says so), a live clock (a screenshot shows a frozen one), and the QR as large as the screen allows,
 * at maximum brightness with the screen kept on. The brightness the user had is restored on leaving
 * (onHide: another app or the home screen; onUnload: back).
 *
 * Screenshots and recordings: the screen is hidden in them where WeChat allows it, and a screenshot
 * or a recording brings a warning (adapters/capture.ts); both stop when the view is left.
 *
 * What to show comes from the phone's storage, for the person in the query (services/present.ts),
 * so a view WeChat restores after a restart shows the code again.
 */
import { applyPrefs, prefsData } from '../../services/page';
import { presentationFor, presentScreen, type Presentation, type PresentScreen } from '../../services/present';
import { loadCertificate, readCached, type CertificateView } from '../../services/certificate';
import { formatClock } from '../../services/format';
import { subjectFromQuery, type ActingFor } from '../../services/subject';
import { every, now } from '../../adapters/clock';
import { getBrightness, keepScreenOn, setBrightness } from '../../adapters/screen';
import { hideInCaptures, watchCaptures } from '../../adapters/capture';
import { navigateBack } from '../../adapters/navigation';

const TICK_MS = 1000;

interface ViewState {
  who: ActingFor | null;
  shown: { presentation: Presentation; view: CertificateView } | null;
  /** Brightness before this view raised it; absent while not raised. */
  brightness?: { before: number | undefined };
  stopClock?: () => void;
  stopWatching?: () => void;
}

/** Per page instance, outside `data` (setData copies what it is given). */
const states = new WeakMap<object, ViewState>();

Component({
  data: {
    ...prefsData(),
    /** The code on screen ('' when there is nothing to show). */
    code: '',
    screen: null as PresentScreen | null,
    clock: '',
    /** The warning after a screenshot. */
    captured: false,
    recording: false,
  },

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      applyPrefs(this, 'presentTitle');
      const who = subjectFromQuery(query);
      states.set(this, { who, shown: presentationFor(who) });
      this.render();
      void this.refreshStatus();
    },

    async onShow() {
      applyPrefs(this, 'presentTitle');
      const state = this.state();
      // What is saved may have changed while the view was hidden (a refresh, the copies deleted).
      state.shown = presentationFor(state.who) ?? null;
      this.render();
      this.startLive();
      if (!state.brightness) {
        state.brightness = { before: undefined };
        state.brightness.before = await getBrightness();
      }
      await setBrightness(1);
      keepScreenOn(true);
    },

    onHide() {
      return this.leave();
    },

    onUnload() {
      return this.leave();
    },

    state(): ViewState {
      let s = states.get(this);
      if (!s) {
        s = { who: null, shown: null };
        states.set(this, s);
      }
      return s;
    },

    /** The status, validity and clock at this moment. */
    render() {
      const { shown } = this.state();
      const at = now();
      const lang = this.data.lang;
      if (!shown) {
        this.setData({ code: '', screen: null, clock: formatClock(lang, at) });
        return;
      }
      const screen = presentScreen(lang, shown.presentation, shown.view, at);
      const changed =
        !this.data.screen ||
        this.data.screen.status !== screen.status ||
        this.data.code !== shown.presentation.code ||
        this.data.screen.caption !== screen.caption;
      // Each second only the clock changes, unless the status did: keep the per-second update small.
      this.setData(changed ? { code: shown.presentation.code, screen, clock: formatClock(lang, at) } : { clock: formatClock(lang, at) });
    },

    startLive() {
      const state = this.state();
      if (!state.stopClock) state.stopClock = every(TICK_MS, () => this.render());
      if (!state.stopWatching) {
        hideInCaptures(true);
        state.stopWatching = watchCaptures({
          screenshot: () => this.setData({ captured: true }),
          recording: (on) => this.setData({ recording: on }),
        });
      }
    },

    async leave() {
      const state = this.state();
      state.stopClock?.();
      state.stopClock = undefined;
      if (state.stopWatching) {
        state.stopWatching();
        state.stopWatching = undefined;
        hideInCaptures(false);
      }
      const raised = state.brightness;
      if (!raised) return;
      state.brightness = undefined;
      if (raised.before !== undefined) await setBrightness(raised.before);
      keepScreenOn(false);
    },

    /**
     * Asks the server, behind the code, whether the certificate is still valid: a revocation learnt
     * here shows at once. Offline, the saved status stands (nothing covers the code either way).
     */
    async refreshStatus() {
      const state = this.state();
      if (!state.shown) return;
      const r = await loadCertificate(this.data.lang, state.who, { quiet: true });
      const shown = state.shown;
      if (!shown) return;
      if (r.kind === 'fresh') {
        // The certificate saved now says whether the one presented was revoked (itself, or as the one it replaced).
        shown.view = r.cached.view;
      } else if (r.kind === 'failed' && !readCached(state.who)) {
        // The answer ended this person's copies (identity released, relative removed): nothing of theirs stays on screen.
        state.shown = null;
      }
      this.render();
    },

    onDismissCaptured() {
      this.setData({ captured: false });
    },

    onClose() {
      navigateBack();
    },
  },
});
