/**
 * 为他人查询: the relatives the user acts for — view (switch to) a relative's certificate, add one
 * (the relative's own identity check and consent, pages/auth ?mode=relative), remove one — and the
 * way back to the user's own certificate.
 */
import { applyPrefs, prefsData } from '../../services/page';
import { actFor, actForSelf, listRelatives, relativeLines, removeConfirmText, removeRelative, type Relative, type RelativeLine } from '../../services/relatives';
import { getActingFor, routeFor } from '../../services/subject';
import { navigateTo, openOnFreshStack } from '../../adapters/navigation';
import { confirmDialog, showToast } from '../../adapters/ui';

const listed = new WeakMap<object, Relative[]>();
const CERTIFICATE_ROUTE = '/pages/certificate/index';

Component({
  data: {
    ...prefsData(),
    relatives: [] as RelativeLine[],
    loaded: false,
    actingForRelative: false,
    errorMessage: '',
  },

  methods: {
    onLoad() {
      applyPrefs(this, 'relTitle');
    },

    async onShow() {
      applyPrefs(this, 'relTitle');
      await this.refresh();
    },

    async refresh() {
      const r = await listRelatives(this.data.lang);
      if (!r.ok) {
        this.setData({ errorMessage: r.error.message, loaded: true });
        return;
      }
      listed.set(this, r.data);
      this.show();
    },

    show() {
      const relatives = listed.get(this) ?? [];
      this.setData({
        relatives: relativeLines(this.data.lang, this.data.s, relatives),
        actingForRelative: getActingFor() !== null,
        loaded: true,
        errorMessage: '',
      });
    },

    /**
     * Switching person opens their certificate on a fresh page stack: no page of the person shown
     * before stays underneath (where its QR, paper version or destination codes would be theirs).
     */
    async onView(e: WechatMiniprogram.TouchEvent) {
      const r = (listed.get(this) ?? []).find((x) => x.id === e.currentTarget.dataset.id);
      if (!r) return;
      actFor(r);
      await openOnFreshStack(routeFor(CERTIFICATE_ROUTE, { id: r.id, name: r.name }));
    },

    async onBackToSelf() {
      actForSelf();
      await openOnFreshStack(routeFor(CERTIFICATE_ROUTE, null));
    },

    async onAdd() {
      await navigateTo('/pages/auth/index?mode=relative');
    },

    async onRemove(e: WechatMiniprogram.TouchEvent) {
      const r = (listed.get(this) ?? []).find((x) => x.id === e.currentTarget.dataset.id);
      if (!r) return;
      const s = this.data.s;
      const sure = await confirmDialog({ title: s.relRemove, content: removeConfirmText(this.data.lang, r.name), confirmText: s.relRemove, cancelText: s.cancel });
      if (!sure) return;
      const done = await removeRelative(this.data.lang, r);
      if (!done.ok) {
        this.setData({ errorMessage: done.error.message });
        return;
      }
      showToast(s.relRemoved);
      await this.refresh();
    },
  },
});
