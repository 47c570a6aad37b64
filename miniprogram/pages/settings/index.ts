/**
 * Settings: the language (Chinese or English, independent of the phone's), care mode (关怀模式:
 * larger text and higher contrast on every page), deleting the certificate copies kept on the
 * phone, and releasing the account's real-name verification (one person, one account: the way to
 * move to another WeChat account; docs/functions.md identity.unbind); changing or renewing the travel
 * document (the auth page's document step); the privacy guidelines; exporting the account's data and
 * deleting the account and its data (services/account.ts).
 */
import { messages, format, isLang } from '../../i18n/index';
import { applyPrefs, prefsData } from '../../services/page';
import { getCareState, setCareMode, setLanguage, CARE_FONT_SIZE } from '../../services/settings';
import { clearAllCached } from '../../services/certificate';
import { ownIdentity, releaseIdentity } from '../../services/auth';
import { confirmDialog, showToast } from '../../adapters/ui';
import { navigateTo, openOnFreshStack, HOME_ROUTE } from '../../adapters/navigation';
import { openPrivacyContract } from '../../adapters/privacy';
import { deleteMyAccount, exportMyData, sizeText } from '../../services/account';

Component({
  data: {
    ...prefsData(),
    /** The account's verified identity, shown with the way to release it; null when it has none. */
    identity: null as { name: string; idNumberMasked: string } | null,
    identityText: '',
    /** Care mode is on because WeChat's font size is large, not because the user chose it here. */
    careFollowsFont: false,
    careFontLine: '',
  },

  methods: {
    onLoad() {
      applyPrefs(this, 'settingsTitle');
      this.showCareSource();
    },

    onShow() {
      applyPrefs(this, 'settingsTitle');
      this.showCareSource();
      void this.loadIdentity();
    },

    /** Says when care mode is on by itself (WeChat's font size), so the user knows why and that they may turn it off. */
    showCareSource() {
      const follows = getCareState().source === 'fontSize';
      this.setData({ careFollowsFont: follows, careFontLine: follows ? format(messages(this.data.lang).careFromFont, { size: CARE_FONT_SIZE }) : '' });
    },

    async loadIdentity() {
      const r = await ownIdentity(this.data.lang);
      // Offline or unavailable: the section stays hidden rather than offering what cannot be done.
      this.setData({ identity: r.ok ? r.data : null });
      this.showIdentity();
    },

    /** The identity line in the language chosen now. */
    showIdentity() {
      const i = this.data.identity;
      this.setData({ identityText: i ? format(messages(this.data.lang).identityVerifiedAs, { name: i.name, id: i.idNumberMasked }) : '' });
    },

    async onUnbind() {
      const s = messages(this.data.lang);
      if (!(await confirmDialog({ title: s.unbindIdentity, content: s.unbindConfirm, confirmText: s.confirm, cancelText: s.cancel }))) return;
      const r = await releaseIdentity(this.data.lang);
      if (!r.ok) {
        showToast(r.error.message);
        return;
      }
      // The copies saved here are the released person's: this account is no longer them.
      clearAllCached();
      this.setData({ identity: null, identityText: '' });
      showToast(s.identityUnbound);
    },

    /** The document step alone, for the user's own new or renewed passport. */
    async onChangeDocument() {
      await navigateTo('/pages/auth/index?mode=self&step=document');
    },

    async onOpenGuide() {
      if (!(await openPrivacyContract())) showToast(messages(this.data.lang).privacyGuideOpenFailed);
    },

    async onExport() {
      const r = await exportMyData(this.data.lang);
      if (!r.ok) {
        showToast(r.error.message);
        return;
      }
      showToast(r.data.shared ? format(messages(this.data.lang).exportDone, { size: sizeText(r.data.bytes) }) : messages(this.data.lang).exportShareFailed);
    },

    async onDeleteAccount() {
      const s = messages(this.data.lang);
      if (!(await confirmDialog({ title: s.deleteAccount, content: s.deleteConfirm, confirmText: s.deleteAccount, cancelText: s.cancel }))) return;
      const r = await deleteMyAccount(this.data.lang);
      if (!r.ok) {
        showToast(r.error.message);
        return;
      }
      showToast(s.accountDeleted);
      // No page may still show the deleted account's certificate.
      await openOnFreshStack(HOME_ROUTE);
    },

    onPickLanguage(e: WechatMiniprogram.TouchEvent) {
      const lang: unknown = e.currentTarget.dataset.lang;
      if (!isLang(lang) || lang === this.data.lang) return;
      setLanguage(lang);
      applyPrefs(this, 'settingsTitle');
      this.showCareSource();
      this.showIdentity();
    },

    /** The user's choice, on or off, from now on wins over WeChat's font size. */
    onToggleCare() {
      setCareMode(!this.data.care);
      applyPrefs(this, 'settingsTitle');
      this.showCareSource();
    },

    async onClearCache() {
      const s = messages(this.data.lang);
      if (!(await confirmDialog({ title: s.clearCache, content: s.clearCacheConfirm, confirmText: s.confirm, cancelText: s.cancel }))) return;
      clearAllCached();
      showToast(s.cacheCleared);
    },
  },
});
