/**
 * 查验证明, for airline and border staff: scan (wx.scanCode) or paste a code, verify it on the phone
 * with the pre-bundled core against the last good CSCA-signed trust list (its signing certificates
 * and revocations), and read the verdict and key facts in the officer's own language (switchable
 * here, independent of the traveller's).
 */
import { messages, otherLang, t } from '../../i18n/index';
import { applyPrefs, prefsData } from '../../services/page';
import { officerLanguage, readTrustList, setOfficerLanguage, trustStatus, updateTrustList, verifyScanned, type TrustStatus, type VerdictScreen } from '../services/verify';
import { scanCode } from '../../adapters/camera';
import { now } from '../../adapters/clock';
import { setTitle, showToast } from '../../adapters/ui';

/** The last code verified, to give its verdict again in another language. */
const lastCode = new WeakMap<object, string>();

Component({
  data: {
    ...prefsData(),
    trust: null as TrustStatus | null,
    /** Why the last update of the list failed (refused, offline); cleared by a successful one. */
    trustNote: '',
    verdict: null as VerdictScreen | null,
    pasted: '',
    otherLangName: '',
  },

  methods: {
    async onLoad() {
      this.useLanguage();
      // A list is fetched when there is none usable yet or it is past its maximum age; otherwise
      // the officer updates it on demand. Offline, the last good list stays in use.
      if ((await trustStatus(this.data.lang, readTrustList(), now())).wantsUpdate) await this.updateTrust(false);
      else await this.showTrust();
    },

    onShow() {
      applyPrefs(this, 'verifyTitle');
      this.useLanguage();
    },

    /** The officer's language for this page's strings (the care mode stays the app's). */
    useLanguage() {
      const lang = officerLanguage();
      this.setData({ lang, s: messages(lang), otherLangName: t(lang, otherLang(lang) === 'zh' ? 'langZh' : 'langEn') });
      setTitle(t(lang, 'verifyTitle'));
    },

    async showTrust() {
      this.setData({ trust: await trustStatus(this.data.lang, readTrustList(), now()) });
    },

    /** Fetches the signed list; says why when it was not taken (on the page, and as a toast when the officer asked). */
    async updateTrust(asked: boolean) {
      const r = await updateTrustList(this.data.lang, now());
      this.setData({ trustNote: r.ok ? '' : r.error.message });
      if (asked) showToast(r.ok ? this.data.s.trustUpdated : r.error.message);
      await this.showTrust();
    },

    async onSwitchLanguage() {
      setOfficerLanguage(otherLang(this.data.lang));
      this.useLanguage();
      await this.showTrust();
      const code = lastCode.get(this);
      if (code) await this.verify(code);
    },

    async onUpdateTrust() {
      await this.updateTrust(true);
    },

    async onScan() {
      const r = await scanCode({ onlyFromCamera: false });
      if (!r.ok) {
        if (r.reason === 'cancelled') showToast(this.data.s.scanCancelled);
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
      lastCode.set(this, code);
      const verdict = await verifyScanned(this.data.lang, code, readTrustList(), now());
      this.setData({ verdict });
    },
  },
});
