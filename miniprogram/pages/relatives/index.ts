/**
 * 为他人查询: the relatives the user acts for — view (switch to) a relative's certificate, add one
 * (the relative's own identity check and consent, pages/auth ?mode=relative), remove one — and the
 * way back to the user's own certificate; changing or renewing a relative's travel document (the
 * auth page's document step for that relation). And the user's own side, as somebody's relative:
 * who acts for them, the log of every proxy action on their data (a page at a time), and ending a
 * proxy after a confirmation.
 */
import { applyPrefs, prefsData } from '../../services/page';
import {
  actFor,
  actForSelf,
  auditLines,
  auditPage,
  endProxy,
  listProxies,
  listRelatives,
  proxyLines,
  relativeLines,
  removeConfirmText,
  removeRelative,
  type AuditEntry,
  type Proxy,
  type ProxyLine,
  type Relative,
  type RelativeLine,
} from '../../services/relatives';
import { messages, format } from '../../i18n/index';
import { getActingFor, routeFor } from '../../services/subject';
import { navigateTo, openOnFreshStack } from '../../adapters/navigation';
import { confirmDialog, showToast } from '../../adapters/ui';

const listed = new WeakMap<object, Relative[]>();
const proxiesOf = new WeakMap<object, Proxy[]>();
const logOf = new WeakMap<object, AuditEntry[]>();
const CERTIFICATE_ROUTE = '/pages/certificate/index';

Component({
  data: {
    ...prefsData(),
    relatives: [] as RelativeLine[],
    loaded: false,
    actingForRelative: false,
    errorMessage: '',
    /** The user as somebody's relative: who acts for them, and their log. */
    proxies: [] as ProxyLine[],
    proxiesLoaded: false,
    audit: [] as Array<{ key: string; text: string }>,
    auditNext: '',
    auditLoaded: false,
  },

  methods: {
    onLoad() {
      applyPrefs(this, 'relTitle');
    },

    async onShow() {
      applyPrefs(this, 'relTitle');
      await this.refresh();
      await this.refreshOwnSide();
    },

    /** Who acts for the user and the first page of their log; hidden when the user is not verified. */
    async refreshOwnSide() {
      const [p, log] = await Promise.all([listProxies(this.data.lang), auditPage(this.data.lang, null)]);
      proxiesOf.set(this, p.ok ? p.data : []);
      logOf.set(this, log.ok ? log.data.entries : []);
      this.setData({ proxiesLoaded: p.ok, auditLoaded: log.ok, auditNext: log.ok && log.data.next ? log.data.next : '' });
      this.showOwnSide();
    },

    showOwnSide() {
      this.setData({
        proxies: proxyLines(this.data.lang, messages(this.data.lang), proxiesOf.get(this) ?? []),
        audit: auditLines(this.data.lang, messages(this.data.lang), logOf.get(this) ?? []),
      });
    },

    async onAuditMore() {
      if (!this.data.auditNext) return;
      const r = await auditPage(this.data.lang, this.data.auditNext);
      if (!r.ok) {
        showToast(r.error.message);
        return;
      }
      logOf.set(this, (logOf.get(this) ?? []).concat(r.data.entries));
      this.setData({ auditNext: r.data.next ?? '' });
      this.showOwnSide();
    },

    async onEndProxy(e: WechatMiniprogram.TouchEvent) {
      const p = (proxiesOf.get(this) ?? []).find((x) => x.id === e.currentTarget.dataset.id);
      if (!p) return;
      const s = messages(this.data.lang);
      const sure = await confirmDialog({
        title: s.proxyEnd,
        content: format(s.proxyEndConfirm, { name: p.proxyName }),
        confirmText: s.proxyEnd,
        cancelText: s.cancel,
      });
      if (!sure) return;
      const done = await endProxy(this.data.lang, p.id);
      if (!done.ok) {
        this.setData({ errorMessage: done.error.message });
        return;
      }
      showToast(s.proxyEnded);
      await this.refreshOwnSide();
    },

    /** The document step for this relative: a new or renewed passport. */
    async onChangeDocument(e: WechatMiniprogram.TouchEvent) {
      const r = (listed.get(this) ?? []).find((x) => x.id === e.currentTarget.dataset.id);
      if (!r) return;
      await navigateTo(`/pages/auth/index?mode=relative&step=document&for=${encodeURIComponent(r.id)}&name=${encodeURIComponent(r.name)}`);
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
        relatives: relativeLines(this.data.lang, messages(this.data.lang), relatives),
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
      const s = messages(this.data.lang);
      const sure = await confirmDialog({
        title: s.relRemove,
        content: removeConfirmText(this.data.lang, r.name),
        confirmText: s.relRemove,
        cancelText: s.cancel,
      });
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
