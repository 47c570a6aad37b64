/**
 * The popup WeChat's privacy authorisation needs (wx.onNeedPrivacyAuthorization): shown while WeChat
 * waits for the user's answer, with a link to the guidelines, an agree button of
 * open-type="agreePrivacyAuthorization" and a disagree button. Pages that collect data hold one.
 */
import { answerPrivacy, onPrivacyPending, openPrivacyContract, privacyPending } from '../../adapters/privacy';
import { t, type Lang } from '../../i18n/index';

const stops = new WeakMap<object, () => void>();

Component({
  properties: {
    lang: { type: String, value: 'zh' },
  },
  data: {
    show: false,
    title: '',
    text: '',
    guide: '',
    agree: '',
    disagree: '',
  },
  observers: {
    lang(lang: string) {
      this.label(lang === 'en' ? 'en' : 'zh');
    },
  },
  lifetimes: {
    attached() {
      this.label(this.data.lang === 'en' ? 'en' : 'zh');
      this.setData({ show: privacyPending() });
      stops.set(
        this,
        onPrivacyPending((show) => this.setData({ show })),
      );
    },
    detached() {
      stops.get(this)?.();
      stops.delete(this);
    },
  },
  methods: {
    label(lang: Lang) {
      this.setData({
        title: t(lang, 'privacyPopupTitle'),
        text: t(lang, 'privacyPopupText'),
        guide: t(lang, 'privacyGuide'),
        agree: t(lang, 'privacyPopupAgree'),
        disagree: t(lang, 'privacyPopupDisagree'),
      });
    },
    onGuide() {
      void openPrivacyContract();
    },
    onAgree() {
      answerPrivacy(true, 'agree-btn');
    },
    onDisagree() {
      answerPrivacy(false);
    },
  },
});
