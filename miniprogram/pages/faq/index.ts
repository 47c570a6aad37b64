/** 常见问题解答: questions that open to their answers, and the consular hotline one tap away. */
import { applyPrefs, prefsData } from '../../services/page';
import { faqItems, type FaqItem } from '../../services/faq';
import { CONSULAR_HOTLINE, dialString } from '../../services/home';
import { makePhoneCall } from '../../adapters/phone';
import { showToast } from '../../adapters/ui';
import { format } from '../../i18n/index';

Component({
  data: {
    ...prefsData(),
    items: [] as FaqItem[],
    open: { q1: true } as Record<string, boolean>,
    hotline: CONSULAR_HOTLINE.short,
    callLabel: '',
  },

  methods: {
    onLoad() {
      this.show();
    },

    onShow() {
      if (applyPrefs(this, 'faqTitle')) this.show();
    },

    show() {
      applyPrefs(this, 'faqTitle');
      this.setData({ items: faqItems(this.data.lang), callLabel: format(this.data.s.callLabel, { number: CONSULAR_HOTLINE.short }) });
    },

    onToggle(e: WechatMiniprogram.TouchEvent) {
      const id = String(e.currentTarget.dataset.id);
      this.setData({ [`open.${id}`]: !this.data.open[id] });
    },

    async onCall() {
      const outcome = await makePhoneCall(dialString(CONSULAR_HOTLINE.short));
      if (outcome === 'failed') showToast(format(this.data.s.callFailed, { number: CONSULAR_HOTLINE.numbers[0] }));
    },
  },
});
