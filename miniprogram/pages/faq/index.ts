/**
 * 常见问题解答: questions that open to their answers (`?open=<topic>` opens one, as the auth steps
 * link to the one about their own trouble), and the consular hotline one tap away, as it is dialled
 * inside China and from abroad.
 */
import { applyPrefs, prefsData } from '../../services/page';
import { faqItems, hotlineChoices, isFaqTopic, type HotlineChoice } from '../../services/faq';
import { makePhoneCall } from '../../adapters/phone';
import { showToast } from '../../adapters/ui';
import { messages, format } from '../../i18n/index';

Component({
  data: {
    ...prefsData(),
    items: faqItems(),
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- Component infers the page's data type from this literal: any topic may be open
    open: { apply: true } as Record<string, boolean>,
    hotlines: [] as HotlineChoice[],
  },

  methods: {
    onLoad(query?: Record<string, string | undefined>) {
      const topic = query?.open;
      if (isFaqTopic(topic)) this.setData({ open: { [topic]: true } });
      this.show();
    },

    onShow() {
      if (applyPrefs(this, 'faqTitle')) this.show();
    },

    show() {
      applyPrefs(this, 'faqTitle');
      this.setData({ hotlines: hotlineChoices(this.data.lang) });
    },

    onToggle(e: WechatMiniprogram.TouchEvent) {
      const id = String(e.currentTarget.dataset.id);
      this.setData({ [`open.${id}`]: !this.data.open[id] });
    },

    async onCall(e: WechatMiniprogram.TouchEvent) {
      const hotline = this.data.hotlines[Number(e.currentTarget.dataset.index)];
      if (!hotline) return;
      const outcome = await makePhoneCall(hotline.dial);
      if (outcome === 'failed') showToast(format(messages(this.data.lang).callFailed, { number: hotline.display }));
    },
  },
});
