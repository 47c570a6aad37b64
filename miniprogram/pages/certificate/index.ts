/**
 * The certificate of one person (the user, or a relative: the page's `for`): whom it is for at the
 * top, its status, the QR (tap: full screen), the holder, the records with their ages, and
 * issue/expiry.
 *
 * Offline first: the copy saved on the phone is shown at once, and the refresh runs behind it with
 * nothing covering it; when the refresh fails the copy stays, with a note of its age. Shown again
 * (back from another page, or the app resumed the next day), the status and ages are computed anew
 * from the clock, and the certificate is fetched again in the background when the last try is over
 * a minute old. Thin: services/certificate.ts fetches, saves and builds the screen.
 */
import { messages, t } from '../../i18n/index';
import { applyPrefs, prefsData, setChanged } from '../../services/page';
import {
  buildCertificateScreen,
  dccExpiresAtMs,
  dccRecordLabel,
  keptCopyNote,
  loadCertificate,
  personLine,
  readCached,
  REFRESH_INTERVAL_MS,
  type CachedCertificate,
  type CertificateScreen,
} from '../../services/certificate';
import type { ShownError } from '../../services/call';
import { routeFor, subjectFromQuery, type ActingFor } from '../../services/subject';
import { presentRoute, setPresentation } from '../../services/present';
import { faqRoute } from '../../services/faq';
import { now } from '../../adapters/clock';
import { navigateTo } from '../../adapters/navigation';
import { showToast, stopPullDownRefresh } from '../../adapters/ui';

type State = 'loading' | 'ready' | 'needAuth' | 'noRecords' | 'failed';

interface PageState {
  /** Whom this page acts for, fixed when it opened. */
  who: ActingFor | null;
  /** The copy on screen. */
  shown?: CachedCertificate;
  /** Why the copy on screen could not be updated (its note is rebuilt with the age at each showing). */
  keptError?: ShownError;
  /** When the certificate was last asked for (ms; 0: never). */
  lastAttempt: number;
  inFlight?: Promise<void>;
}

/** Per page instance, outside `data` (setData copies what it is given). */
const states = new WeakMap<object, PageState>();

const ROUTES: Readonly<Record<string, { url: string; forPerson: boolean }>> = Object.freeze({
  auth: { url: '/pages/auth/index', forPerson: false },
  destination: { url: '/pages/destination/index', forPerson: true },
  paper: { url: '/pages/paper/index', forPerson: true },
  relatives: { url: '/pages/relatives/index', forPerson: false },
  // No records yet: the FAQ on missing, wrong or not yet synced records.
  faqRecords: { url: faqRoute('records'), forPerson: false },
});

Component({
  data: {
    ...prefsData(),
    state: 'loading' as State,
    screen: null as CertificateScreen | null,
    /** Whom the page acts for: "张伟（本人）", "正在查看：王秀英". */
    person: '',
    acting: false,
    /** The note over a saved copy that could not be updated. */
    offline: '',
    savedLine: '',
    refreshing: false,
    errorMessage: '',
    revealed: false,
    /** Care mode shows the code, status and name; the rest opens with a tap. */
    detailsOpen: false,
  },

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      applyPrefs(this, 'certTitle');
      const who = subjectFromQuery(query);
      states.set(this, { who, lastAttempt: 0 });
      // The saved copy first, in the first render, so the QR is there at once; then the fresh one behind it.
      const saved = readCached(who);
      if (saved) this.showCopy(saved, { acting: who !== null });
      else this.setData({ acting: who !== null, person: personLine(messages(this.data.lang), who) });
      void this.refresh();
    },

    onShow() {
      applyPrefs(this, 'certTitle');
      const st = this.pageState();
      // The copy may have been refreshed, replaced or deleted by another page meanwhile.
      const saved = readCached(st.who);
      if (saved) this.showCopy(saved);
      else if (this.data.state === 'ready') this.setData({ state: 'loading', screen: null, offline: '', person: personLine(messages(this.data.lang), st.who) });
      else this.setData({ person: personLine(messages(this.data.lang), st.who) });
      if (!st.inFlight && (now() - st.lastAttempt >= REFRESH_INTERVAL_MS || this.data.state !== 'ready')) void this.refresh();
    },

    async onPullDownRefresh() {
      await this.refresh();
      stopPullDownRefresh();
    },

    pageState(): PageState {
      let st = states.get(this);
      if (!st) {
        st = { who: null, lastAttempt: 0 };
        states.set(this, st);
      }
      return st;
    },

    /** Fetches the certificate; behind the copy on screen when there is one (no indicator then). */
    refresh(): Promise<void> {
      const st = this.pageState();
      if (st.inFlight) return st.inFlight;
      const run = async () => {
        st.lastAttempt = now();
        const quiet = Boolean(st.shown);
        if (quiet) this.setData({ refreshing: true });
        const r = await loadCertificate(this.data.lang, st.who, { quiet });
        if (r.kind === 'failed') {
          st.shown = undefined;
          st.keptError = undefined;
          const state: State = r.error.code === 'IDENTITY_REQUIRED' ? 'needAuth' : r.error.code === 'NO_RECORDS' ? 'noRecords' : 'failed';
          this.setData({
            state,
            errorMessage: r.error.message,
            screen: null,
            offline: '',
            refreshing: false,
            person: personLine(messages(this.data.lang), st.who),
          });
          return;
        }
        st.keptError = r.kind === 'kept' ? r.error : undefined;
        this.showCopy(r.cached);
        this.setData({ refreshing: false });
      };
      st.inFlight = run().finally(() => {
        st.inFlight = undefined;
      });
      return st.inFlight;
    },

    /** Shows a copy as it stands now: status and ages at this moment, in the language chosen now. */
    showCopy(copy: CachedCertificate, also: Record<string, unknown> = {}) {
      const st = this.pageState();
      st.shown = copy;
      const at = now();
      const lang = this.data.lang;
      const screen = buildCertificateScreen(lang, copy, at);
      // Shown again or refreshed, mostly the ages change: only what changed is sent, not the code and records around it.
      setChanged(this, {
        state: 'ready',
        screen,
        person: personLine(messages(this.data.lang), st.who, screen.holder.name),
        offline: st.keptError ? keptCopyNote(lang, st.keptError, copy.savedAt, at) : '',
        savedLine: t(lang, 'savedAt', { age: screen.savedAge }),
        errorMessage: '',
        ...also,
      });
    },

    onToggleDetails() {
      this.setData({ detailsOpen: !this.data.detailsOpen });
    },

    /** One record's EU code, full screen (出示), for a destination that takes EU codes. */
    async onOpenEuCode(event: WechatMiniprogram.TouchEvent) {
      const st = this.pageState();
      const view = st.shown?.view;
      const record = view?.codes.dcc[Number(event.currentTarget.dataset.index)];
      if (!view || !record) return;
      const caption = (lang: 'zh' | 'en') => `${t(lang, 'formatDcc')} · ${dccRecordLabel(lang, view, record)}`;
      setPresentation({
        code: record.code,
        kind: 'dcc',
        caption: { zh: caption('zh'), en: caption('en') },
        who: st.who,
        certificateId: view.id,
        expiresAt: dccExpiresAtMs(record),
      });
      await navigateTo(presentRoute(st.who));
    },

    onToggleReveal() {
      this.setData({ revealed: !this.data.revealed });
    },

    async onOpenQr() {
      const st = this.pageState();
      const view = st.shown?.view;
      if (!view) return;
      setPresentation({
        code: view.codes.ithc,
        kind: 'ithc',
        caption: { zh: t('zh', 'formatIthc'), en: t('en', 'formatIthc') },
        who: st.who,
        certificateId: view.id,
        expiresAt: view.expiresAt,
      });
      await navigateTo(presentRoute(st.who));
    },

    onRetry() {
      this.setData({ state: 'loading' });
      void this.refresh();
    },

    async onGo(event: WechatMiniprogram.TouchEvent) {
      const route = ROUTES[String(event.currentTarget.dataset.to)];
      if (!route) return;
      // The next page acts for the person this page shows, whatever was chosen elsewhere since.
      const url = route.forPerson ? routeFor(route.url, this.pageState().who) : route.url;
      if (!(await navigateTo(url))) showToast(messages(this.data.lang).pageUnavailable);
    },
  },
});
