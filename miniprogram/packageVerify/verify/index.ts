/**
 * 查验证明, for airline and border staff: scan (wx.scanCode) or paste a code, verify it on the phone
 * with the pre-bundled core against the last good CSCA-signed trust list (its signing certificates
 * and revocations), and read one of three verdicts (valid; invalid and why; cannot confirm and what
 * is missing), the trust list beside it, and the readable summary (holder, records, issuer) in the
 * officer's language: one of the six of the shared catalogue, chosen here, independent of the
 * traveller's. Arabic lays the page out right to left.
 *
 * Laboratories and vaccination sites a certificate gives by code are named from the signed source
 * list, fetched with the trust list and checked against the same pinned CSCA (services/sources.ts);
 * the trust card shows both lists.
 *
 * The view of the last code is kept off the page's data (a language change renders it again
 * without verifying again). The data holds only what differs from one certificate or language to
 * the next: the page's own words and the catalogue's labels and section titles are in the strings
 * module (lib/strings.wxs, read in the view layer), so a language change sends `lang` and the values
 * written again. A scan sends the verdict, then the summary in its own setData; the details only
 * once the officer opens them.
 */
import { LANGS, LANG_NAMES, textDirection, type CertificateView, type Lang } from '../lib/ithc-verify';
import { chrome } from '../i18n';
import {
  checkCode,
  officerLanguage,
  readTrustList,
  screenSections,
  setOfficerLanguage,
  trustInUse,
  trustStatus,
  updateTrustList,
  verdictScreen,
  wantsUpdate,
  type Said,
  type ScreenSection,
  type TrustStatus,
  type VerdictScreen,
} from '../services/verify';
import { readSourceList, sourcesInUse, sourcesStatus, updateSourceList, wantsSources } from '../services/sources';
import { savedAuthorities, updateAuthorities } from '../services/authorities';
import { getCareMode } from '../../services/settings';
import { setChanged } from '../../services/page';
import { scanCode } from '../../adapters/camera';
import { now } from '../../adapters/clock';
import { hideLoading, setTitle, showLoading, showToast } from '../../adapters/ui';

interface PageState {
  /** The view of the last code checked. */
  view: CertificateView | null;
  /** Why the last update of the list was not taken; null after a successful one. */
  trustNote: Said | null;
  /** Why the last update of the source list was not taken; null after a successful one. */
  sourcesNote: Said | null;
}

const states = new WeakMap<object, PageState>();

function stateOf(page: object): PageState {
  let s = states.get(page);
  if (!s) {
    s = { view: null, trustNote: null, sourcesNote: null };
    states.set(page, s);
  }
  return s;
}

/** The language the page first renders in (onLoad reads it again: the officer may have changed it since). */
const initial = officerLanguage();

Component({
  data: {
    care: getCareMode(),
    lang: initial,
    dir: textDirection(initial),
    langNames: LANGS.map((l) => LANG_NAMES[l]),
    langIndex: LANGS.indexOf(initial),
    /** The trust card: the trust list's status and the source list's line. */
    trust: null as (TrustStatus & { sources: string }) | null,
    trustNote: '',
    sourcesNote: '',
    verdict: null as VerdictScreen | null,
    summary: [] as ScreenSection[],
    detailsOpen: false,
    details: [] as ScreenSection[],
    pasted: '',
  },

  methods: {
    async onLoad() {
      this.useLanguage(officerLanguage());
      // A list is fetched when there is none usable yet or it is past its maximum age; otherwise
      // the officer updates it on demand. Offline, the last good list stays in use. The source list
      // is fetched with it, or alone when only it is missing or past its maximum age.
      if (wantsUpdate(await trustInUse(readTrustList(), now()), now())) await this.updateTrust(false);
      else if (wantsSources(await sourcesInUse(readSourceList(), now()), now())) await this.updateSources();
      else await this.showTrust();
    },

    onShow() {
      const care = getCareMode();
      if (care !== this.data.care) this.setData({ care });
      setTitle(chrome(this.data.lang, 'title'));
    },

    /**
     * Everything on screen in `lang`: its direction and the notes (the page's words follow `lang` in
     * the strings module), then the last verdict, its summary and the open details written again,
     * each in its own setData.
     */
    useLanguage(lang: Lang) {
      const s = stateOf(this);
      const patch: Record<string, unknown> = {
        lang,
        dir: textDirection(lang),
        langIndex: LANGS.indexOf(lang),
        care: getCareMode(),
        trustNote: s.trustNote ? s.trustNote(lang) : '',
        sourcesNote: s.sourcesNote ? s.sourcesNote(lang) : '',
      };
      if (s.view) patch.verdict = verdictScreen(lang, s.view);
      // Only what differs is sent: on the first load that is little or nothing (the data starts in this language).
      setChanged(this, patch);
      if (s.view) {
        this.setData({ summary: screenSections(lang, s.view.summary) });
        if (this.data.detailsOpen) this.setData({ details: screenSections(lang, s.view.details) });
      }
      setTitle(chrome(lang, 'title'));
    },

    /** The trust card: the trust list in use (or why none) and the source list's line. */
    async showTrust() {
      const at = now();
      const lang = this.data.lang;
      const trust = trustStatus(lang, await trustInUse(readTrustList(), at), at);
      setChanged(this, { trust: { ...trust, sources: sourcesStatus(lang, await sourcesInUse(readSourceList(), at), at) } });
    },

    /**
     * Fetches the signed list, then (when it was taken) the partner list that names sealed codes'
     * authorities and the signed source list; says why a list was not taken and what stays in use.
     */
    async updateTrust(asked: boolean) {
      const lang = this.data.lang;
      const s = stateOf(this);
      showLoading(chrome(lang, 'loading'));
      let ok: boolean;
      try {
        const r = await updateTrustList(now());
        s.trustNote = r.ok ? null : r.note;
        ok = r.ok;
        if (r.ok) {
          // Best effort: without it a sealed code is named by its kid.
          await updateAuthorities();
          const sources = await updateSourceList(now());
          s.sourcesNote = sources.ok ? null : sources.note;
        }
      } finally {
        hideLoading();
      }
      const note = s.trustNote;
      setChanged(this, { trustNote: note ? note(this.data.lang) : '', sourcesNote: s.sourcesNote ? s.sourcesNote(this.data.lang) : '' });
      if (asked) showToast(ok ? chrome(this.data.lang, 'trustUpdated') : note!(this.data.lang));
      await this.showTrust();
    },

    /** Fetches the signed source list alone (the trust list in use is current); says why it was not taken. */
    async updateSources() {
      const s = stateOf(this);
      const r = await updateSourceList(now());
      s.sourcesNote = r.ok ? null : r.note;
      setChanged(this, { sourcesNote: s.sourcesNote ? s.sourcesNote(this.data.lang) : '' });
      await this.showTrust();
    },

    async onPickLanguage(e: WechatMiniprogram.PickerChange) {
      const lang = LANGS[Number(e.detail.value)];
      if (!lang || lang === this.data.lang) return;
      setOfficerLanguage(lang);
      this.useLanguage(lang);
      await this.showTrust();
    },

    async onUpdateTrust() {
      await this.updateTrust(true);
    },

    async onScan() {
      const r = await scanCode({ onlyFromCamera: false });
      if (!r.ok) {
        if (r.reason === 'cancelled') showToast(chrome(this.data.lang, 'scanCancelled'));
        return;
      }
      await this.verify(r.text);
    },

    onPasteInput(e: WechatMiniprogram.Input) {
      this.setData({ pasted: String(e.detail.value ?? '') });
    },

    async onCheckPasted() {
      if (this.data.pasted.trim()) await this.verify(this.data.pasted);
    },

    async verify(code: string) {
      const at = now();
      const sources = await sourcesInUse(readSourceList(), at);
      const view = await checkCode(code, await trustInUse(readTrustList(), at), at, savedAuthorities(), sources.ok ? sources.list.sources : undefined);
      stateOf(this).view = view;
      const lang = this.data.lang;
      // The verdict first (what the officer acts on), then the summary on its own.
      setChanged(this, { verdict: verdictScreen(lang, view), detailsOpen: false, details: [] });
      this.setData({ summary: screenSections(lang, view.summary) });
      // The trust card shows the same age as the line beside the verdict.
      await this.showTrust();
    },

    /** Details (the signature, an HC1 code's fields as issued, the verifier's own words) are sent to the view only when opened. */
    onToggleDetails() {
      const view = stateOf(this).view;
      if (!view) return;
      const open = !this.data.detailsOpen;
      this.setData({ detailsOpen: open, details: open ? screenSections(this.data.lang, view.details) : [] });
    },
  },
});
