/**
 * Showing the certificate of one person (the page's `for`) for a destination: choose the country
 * (partners.list); get the code it takes (certificate.seal: sealed for its authority, else the open
 * code, else per-record DCCs) and whether the certificate meets its entry rules today
 * (certificate.rules).
 *
 * Offline first: the partner list and the codes last fetched for each destination are kept on the
 * phone (services/destination.ts) and shown at once, with when they were fetched and until when
 * they are valid; the page opens on the destination fetched last. Fetching runs behind what is
 * shown, and a failure leaves it standing with a note of its age.
 */
import { messages, t } from '../../i18n/index';
import { applyPrefs, prefsData, setChanged } from '../../services/page';
import {
  codeChoices,
  codeStatus,
  codeValidity,
  dropSavedOn,
  listPartners,
  partnerOptions,
  rulesFor,
  rulesScreen,
  saveDestination,
  savedDestination,
  savedDestinations,
  savedPartners,
  savePartners,
  sealFor,
  type CodeChoice,
  type CodeStatus,
  type Partner,
  type PartnerOption,
  type RulesScreen,
  type SavedDestination,
} from '../../services/destination';
import { loadCertificate, personLine, readCached, REFRESH_INTERVAL_MS } from '../../services/certificate';
import type { ShownError } from '../../services/call';
import { ageOfInstant } from '../../services/format';
import { subjectFromQuery, type ActingFor } from '../../services/subject';
import { presentRoute, setPresentation } from '../../services/present';
import { now } from '../../adapters/clock';
import { navigateTo } from '../../adapters/navigation';

/** A code choice as the tabs show it. */
type ChoiceTab = Pick<CodeChoice, 'title' | 'kind' | 'hint'> & { id: string };

interface PageState {
  who: ActingFor | null;
  partners: Partner[];
  /** The codes on screen, for `this.data.destination`: fetched now or kept from before. */
  shown?: SavedDestination;
  /** Why the codes on screen could not be updated. */
  keptError?: ShownError;
  lastAttempt: number;
}

const states = new WeakMap<object, PageState>();

Component({
  data: {
    ...prefsData(),
    person: '',
    partners: [] as PartnerOption[],
    destination: '',
    destinationName: '',
    /** The codes to choose from, without the codes themselves: only the chosen one is in the data (`code`), so a tab sends one code. */
    choices: [] as ChoiceTab[],
    chosen: 0,
    code: '',
    status: 'unknown' as CodeStatus,
    validity: '',
    fetchedLine: '',
    /** The note over kept codes that could not be updated. */
    note: '',
    rules: null as RulesScreen | null,
    errorMessage: '',
    qrLabel: '',
    /** The rules' ids, for those who ask the destination about one. */
    ruleIdsShown: false,
  },

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      applyPrefs(this, 'destTitle');
      const who = subjectFromQuery(query);
      const partners = savedPartners();
      states.set(this, { who, partners, lastAttempt: 0 });
      const wanted = typeof query?.destination === 'string' && /^[A-Z]{2}$/.test(query.destination) ? query.destination : savedDestinations(who)[0]?.country;
      if (wanted) this.showSaved(wanted);
      this.rebuild();
      void this.refreshPartners(wanted);
      if (wanted) void this.refreshCodes(wanted);
    },

    onShow() {
      applyPrefs(this, 'destTitle');
      const st = this.pageState();
      // The status and ages at this moment; what is kept may have changed (deleted in settings).
      if (this.data.destination && st.shown && !savedDestination(st.who, this.data.destination)) st.shown = undefined;
      this.rebuild();
      if (this.data.destination && st.lastAttempt && now() - st.lastAttempt >= REFRESH_INTERVAL_MS) void this.refreshCodes(this.data.destination);
    },

    pageState(): PageState {
      let st = states.get(this);
      if (!st) {
        st = { who: null, partners: [], lastAttempt: 0 };
        states.set(this, st);
      }
      return st;
    },

    async refreshPartners(wanted?: string) {
      const st = this.pageState();
      const r = await listPartners(this.data.lang, { quiet: st.partners.length > 0 });
      if (!r.ok) {
        if (!st.partners.length && !st.shown) this.setData({ errorMessage: r.error.message });
        return;
      }
      st.partners = r.data;
      savePartners(r.data);
      this.rebuild();
      // Opened for a destination that is not (or no longer) a partner: nothing is chosen.
      if (wanted && !r.data.some((p) => p.country === wanted) && this.data.destination === wanted) {
        st.shown = undefined;
        this.setData({ destination: '' });
        this.rebuild();
      }
    },

    /** Puts the kept codes of `country` on screen (none kept: an empty choice until the fetch). */
    showSaved(country: string) {
      const st = this.pageState();
      st.shown = savedDestination(st.who, country) ?? undefined;
      st.keptError = undefined;
      this.setData({ destination: country, chosen: 0, errorMessage: '' });
    },

    /** Everything on screen, from what the page holds, in the language chosen now and at this moment. */
    rebuild() {
      const st = this.pageState();
      const lang = this.data.lang;
      const at = now();
      const view = readCached(st.who)?.view ?? null;
      const partners = partnerOptions(lang, st.partners);
      const entry = st.shown;
      const choices = entry ? codeChoices(lang, entry.seal, view) : [];
      const chosen = Math.min(this.data.chosen, Math.max(0, choices.length - 1));
      const choice = choices[chosen];
      const status: CodeStatus = choice && entry ? codeStatus(choice, entry.certificateId, view, at) : 'unknown';
      const holder = view
        ? `${view.certificate.holder.surname ?? ''}${view.certificate.holder.givenName ?? ''}` ||
          [view.certificate.holder.surnameLatin, view.certificate.holder.givenNameLatin].filter(Boolean).join(' ')
        : '';
      const age = entry ? ageOfInstant(lang, entry.savedAt, at) : '';
      const note = entry && st.keptError ? t(lang, st.keptError.offline ? 'destOfflineCodes' : 'destStaleCodes', { age, reason: st.keptError.message }) : '';
      setChanged(this, {
        person: personLine(messages(this.data.lang), st.who, holder),
        partners,
        destinationName: partners.find((p) => p.country === this.data.destination)?.name ?? '',
        choices: choices.map(({ title, kind, hint }, i): ChoiceTab => ({ id: `${kind}-${i}`, title, kind, hint })),
        chosen,
        code: choice?.code ?? '',
        status,
        validity: choice ? codeValidity(lang, choice, status) : '',
        fetchedLine: entry ? t(lang, 'destFetchedAt', { age }) : '',
        note,
        rules: entry?.rules ? rulesScreen(lang, entry.rules, view) : null,
        qrLabel: t(lang, 'qrLabel', { name: holder || st.who?.name || '' }),
      });
    },

    async onPick(e: WechatMiniprogram.TouchEvent) {
      await this.choose(String(e.currentTarget.dataset.country));
    },

    async choose(country: string) {
      this.showSaved(country);
      this.rebuild();
      await this.refreshCodes(country);
    },

    /** Fetches the codes and rules of `country` behind what is shown; keeps them for use offline. */
    async refreshCodes(country: string) {
      const st = this.pageState();
      const lang = this.data.lang;
      const quiet = Boolean(st.shown);
      st.lastAttempt = now();
      // The DCC tabs are labelled from the certificate the codes belong to: fetch it if the phone has no copy.
      if (!readCached(st.who)) await loadCertificate(lang, st.who, { quiet });
      const [seal, rules] = await Promise.all([sealFor(lang, country, st.who, { quiet }), rulesFor(lang, country, st.who, { quiet })]);
      if (seal.ok) {
        // The codes were made from the server's latest certificate: the copy on the phone follows it, so their status is that certificate's.
        if (seal.data.certificateId && readCached(st.who)?.view.id !== seal.data.certificateId) await loadCertificate(lang, st.who, { quiet: true });
        const kept = saveDestination(st.who, seal.data, rules.ok ? rules.data : null, readCached(st.who)?.view ?? null, now());
        if (this.data.destination !== country) return;
        // Over the bounds (or storage full), the codes are shown without being kept.
        st.shown = kept ?? {
          country,
          seal: seal.data,
          rules: rules.ok ? rules.data : null,
          certificateId: seal.data.certificateId ?? '',
          expiresAt: seal.data.expiresAt ?? 0,
          savedAt: now(),
        };
        st.keptError = undefined;
        this.setData({ errorMessage: rules.ok ? '' : rules.error.message });
        this.rebuild();
        return;
      }
      dropSavedOn(st.who, country, seal.error.code);
      // A certificate the server will no longer show (revoked, expired): learn its status, so the kept codes say so.
      if (seal.error.code === 'CONFLICT') await loadCertificate(lang, st.who, { quiet: true });
      if (this.data.destination !== country) return;
      st.shown = savedDestination(st.who, country) ?? undefined;
      st.keptError = st.shown ? seal.error : undefined;
      this.setData({ errorMessage: st.shown ? '' : seal.error.message });
      this.rebuild();
    },

    onToggleRuleIds() {
      this.setData({ ruleIdsShown: !this.data.ruleIdsShown });
    },

    onChooseCode(e: WechatMiniprogram.TouchEvent) {
      this.setData({ chosen: Number(e.currentTarget.dataset.index) || 0 });
      this.rebuild();
    },

    async onOpenQr() {
      const st = this.pageState();
      const entry = st.shown;
      const view = readCached(st.who)?.view ?? null;
      const choice = entry ? codeChoices(this.data.lang, entry.seal, view)[this.data.chosen] : undefined;
      if (!entry || !choice) return;
      const certificateId = entry.certificateId || view?.id;
      if (!certificateId) return;
      const partner = st.partners.find((p) => p.country === entry.country);
      const caption = (lang: 'zh' | 'en') => {
        const title = codeChoices(lang, entry.seal, view)[this.data.chosen]?.title ?? choice.title;
        const place = partner ? partner.name[lang] : entry.country;
        return `${place} · ${title}`;
      };
      setPresentation({
        code: choice.code,
        kind: choice.kind,
        caption: { zh: caption('zh'), en: caption('en') },
        who: st.who,
        certificateId,
        expiresAt: choice.expiresAt ?? entry.expiresAt,
      });
      await navigateTo(presentRoute(st.who));
    },
  },
});
