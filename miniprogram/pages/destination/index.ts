/**
 * Showing the certificate for a destination: choose the country (partners.list); get the code it
 * takes (certificate.seal: sealed for its authority, else the open code, else per-record DCCs) and
 * whether the certificate meets its entry rules today (certificate.rules).
 */
import { applyPrefs, prefsData } from '../../services/page';
import {
  codeChoices, listPartners, partnerOptions, rulesFor, rulesScreen, sealFor,
  type CodeChoice, type Partner, type PartnerOption, type RulesScreen, type RulesView, type SealView,
} from '../../services/destination';
import { readCached, fullName, loadCertificate } from '../../services/certificate';
import { getActingFor } from '../../services/subject';
import { maskDocumentNumber } from '../../services/format';
import { setPresentation, PRESENT_ROUTE } from '../../services/present';
import { navigateTo } from '../../adapters/navigation';

/** The answers behind the screen, kept to rebuild it in another language. */
const answers = new WeakMap<object, { partners: Partner[]; seal?: SealView; rules?: RulesView }>();

Component({
  data: {
    ...prefsData(),
    partners: [] as PartnerOption[],
    destination: '',
    destinationName: '',
    choices: [] as CodeChoice[],
    chosen: 0,
    rules: null as RulesScreen | null,
    errorMessage: '',
    qrLabel: '',
  },

  methods: {
    async onLoad(query: Record<string, string | undefined>) {
      applyPrefs(this, 'destTitle');
      const r = await listPartners(this.data.lang);
      if (!r.ok) {
        this.setData({ errorMessage: r.error.message });
        return;
      }
      answers.set(this, { partners: r.data });
      this.setData({ partners: partnerOptions(this.data.lang, r.data), errorMessage: '' });
      const wanted = query?.destination;
      if (wanted && r.data.some((p) => p.country === wanted)) await this.choose(wanted);
    },

    onShow() {
      if (applyPrefs(this, 'destTitle')) this.rebuild();
    },

    rebuild() {
      const a = answers.get(this);
      if (!a) return;
      const lang = this.data.lang;
      const who = getActingFor();
      const partners = partnerOptions(lang, a.partners);
      const name = partners.find((p) => p.country === this.data.destination)?.name ?? '';
      this.setData({
        partners,
        destinationName: name,
        choices: a.seal ? codeChoices(lang, a.seal, readCached(who)?.view ?? null) : [],
        rules: a.rules ? rulesScreen(lang, a.rules) : null,
        qrLabel: this.data.s.qrLabel.replace('{name}', who?.name ?? fullName(readCached(who)?.view.certificate.holder ?? { dateOfBirth: '', sex: '', nationality: '', documentType: '', documentNumber: '' }).name),
      });
    },

    async onPick(e: WechatMiniprogram.TouchEvent) {
      await this.choose(String(e.currentTarget.dataset.country));
    },

    async choose(country: string) {
      const lang = this.data.lang;
      this.setData({ destination: country, choices: [], rules: null, chosen: 0, errorMessage: '' });
      // The DCC tabs are labelled from the certificate the codes belong to: fetch it if the phone has no copy.
      if (!readCached(getActingFor())) await loadCertificate(lang);
      const [seal, rules] = await Promise.all([sealFor(lang, country), rulesFor(lang, country)]);
      const a = answers.get(this) ?? { partners: [] };
      a.seal = seal.ok ? seal.data : undefined;
      a.rules = rules.ok ? rules.data : undefined;
      answers.set(this, a);
      this.rebuild();
      const failed = !seal.ok ? seal.error : !rules.ok ? rules.error : null;
      if (failed) this.setData({ errorMessage: failed.message });
    },

    onChooseCode(e: WechatMiniprogram.TouchEvent) {
      this.setData({ chosen: Number(e.currentTarget.dataset.index) || 0 });
    },

    async onOpenQr() {
      const choice = this.data.choices[this.data.chosen];
      if (!choice) return;
      const view = readCached(getActingFor())?.view;
      const names = view ? fullName(view.certificate.holder) : { name: getActingFor()?.name ?? '', nameLatin: '' };
      setPresentation({ code: choice.code, name: names.name, nameLatin: names.nameLatin, documentMasked: view ? maskDocumentNumber(view.certificate.holder.documentNumber) : '', caption: `${this.data.destinationName} · ${choice.title}` });
      await navigateTo(PRESENT_ROUTE);
    },
  },
});
