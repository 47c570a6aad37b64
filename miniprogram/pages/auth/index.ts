/**
 * First-use authentication (?mode=self, the default) or adding a relative (?mode=relative):
 * privacy notice or the relative's consent, with a separate consent for each kind of sensitive
 * personal information (ID number and face; health data) and the link to the privacy guidelines,
 * identity with the ID number checked as it is typed and facial verification, then the travel
 * document (type, number, expiry; the MRZ optional, under "more"). `?step=document` opens the
 * document step alone, to change or renew a document later: the user's own (from Settings), or a
 * relative's (`&for=<relation id>&name=`, from the relatives page). Every failure is shown under the
 * field it is about (the server's `fields`), in the user's language. Thin: services/auth.ts holds the flow.
 */
import { messages, format, t, type MessageKey } from '../../i18n/index';
import { applyPrefs, prefsData } from '../../services/page';
import {
  authStatus,
  bindDocument,
  checkDocumentForm,
  checkIdentityForm,
  idFeedback,
  mrzFeedback,
  mrzFromScan,
  stepsFor,
  todayInChina,
  verifyIdentity,
  DOCUMENT_TYPES,
  DOCUMENT_TYPE_KEYS,
  RELATIONSHIPS,
  RELATIONSHIP_KEYS,
  type AuthMode,
  type DocumentType,
  type Feedback,
  type Relationship,
  type Step,
} from '../../services/auth';
import { routeFor, setActingFor } from '../../services/subject';
import { forgetCached } from '../../services/certificate';
import { scanCode } from '../../adapters/camera';
import { openPrivacyContract } from '../../adapters/privacy';
import { navigateTo, openOnFreshStack } from '../../adapters/navigation';
import { faqRoute, isFaqTopic } from '../../services/faq';
import { showToast } from '../../adapters/ui';

const STEP_KEYS: Record<Step, MessageKey> = {
  privacy: 'stepPrivacy',
  consent: 'stepConsent',
  identity: 'stepIdentity',
  document: 'stepDocument',
  done: 'stepDone',
};
const NONE: Feedback = { tone: 'neutral', text: '' };

function valueOf(event: WechatMiniprogram.Input | WechatMiniprogram.CustomEvent): string {
  const v = (event.detail as { value?: unknown }).value;
  return typeof v === 'string' ? v : '';
}

Component({
  data: {
    ...prefsData(),
    mode: 'self' as AuthMode,
    step: 'privacy' as Step,
    stepLine: '',
    stepNames: [] as { id: Step; label: string; state: 'done' | 'current' | 'todo' }[],
    agreed: false,
    /** Separate consents for sensitive personal information (PIPL art. 29): ID number and face; health data. */
    agreedIdFace: false,
    agreedHealth: false,
    /** Opened only to change or renew a document: no identity steps. */
    documentOnly: false,
    mrzOpen: false,
    name: '',
    idNumber: '',
    idFeedback: NONE,
    relationship: '' as Relationship | '',
    relationships: [] as { id: Relationship; label: string }[],
    docTypes: [] as { id: DocumentType; label: string }[],
    docType: '' as DocumentType | '',
    docNumber: '',
    docExpiry: '',
    today: '',
    mrz: '',
    mrzFeedback: NONE,
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- Component infers the page's data type from this literal
    fieldErrors: {} as Record<string, string>,
    formError: '',
    identityLine: '',
    relationId: '',
    relativeName: '',
    doneText: '',
  },

  methods: {
    async onLoad(query: Record<string, string | undefined>) {
      const relationId = typeof query?.for === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(query.for) ? query.for : '';
      const mode: AuthMode = query?.mode === 'relative' || relationId ? 'relative' : 'self';
      const documentOnly = query?.step === 'document' && (mode === 'self' || relationId !== '');
      this.setData({ mode, today: todayInChina(), documentOnly, relationId, relativeName: String(query?.name ?? '').slice(0, 64) });
      this.relabel();
      this.goTo(documentOnly && mode === 'relative' ? 'document' : stepsFor(mode)[0]);
      if (mode === 'self') {
        // A first use that stopped half way resumes at the document.
        const status = await authStatus(this.data.lang);
        if (status.ok && status.data.verified) {
          this.setData({
            identityLine: format(messages(this.data.lang).identityDone, { name: status.data.name ?? '', id: status.data.idNumberMasked ?? '' }),
            agreed: true,
            agreedIdFace: true,
            agreedHealth: true,
          });
          this.goTo('document');
        }
      }
    },

    onShow() {
      if (applyPrefs(this, this.data.mode === 'self' ? 'authTitle' : 'authRelativeTitle')) this.relabel();
    },

    /** Every label built from the language (after load and after a language change). */
    relabel() {
      applyPrefs(this, this.data.mode === 'self' ? 'authTitle' : 'authRelativeTitle');
      const lang = this.data.lang;
      this.setData({
        relationships: RELATIONSHIPS.map((id) => ({ id, label: t(lang, RELATIONSHIP_KEYS[id]) })),
        docTypes: DOCUMENT_TYPES.map((id) => ({ id, label: t(lang, DOCUMENT_TYPE_KEYS[id]) })),
        idFeedback: this.data.idNumber ? idFeedback(lang, this.data.idNumber) : NONE,
        mrzFeedback: mrzFeedback(lang, this.data.mrz),
      });
      this.goTo(this.data.step);
    },

    goTo(step: Step) {
      const steps = stepsFor(this.data.mode);
      const at = steps.indexOf(step);
      this.setData({
        step,
        stepLine: t(this.data.lang, 'stepOf', { n: at + 1, m: steps.length }),
        stepNames: steps.map((id, i) => ({ id, label: t(this.data.lang, STEP_KEYS[id]), state: i < at ? 'done' : i === at ? 'current' : 'todo' })),
        formError: '',
      });
    },

    onToggleAgree() {
      this.setData({ agreed: !this.data.agreed, formError: '' });
    },

    onToggleIdFace() {
      this.setData({ agreedIdFace: !this.data.agreedIdFace, formError: '' });
    },

    onToggleHealth() {
      this.setData({ agreedHealth: !this.data.agreedHealth, formError: '' });
    },

    async onOpenGuide() {
      if (!(await openPrivacyContract())) showToast(messages(this.data.lang).privacyGuideOpenFailed);
    },

    onAgreeNext() {
      if (!this.data.agreed || !this.data.agreedIdFace || !this.data.agreedHealth) {
        this.setData({ formError: messages(this.data.lang).mustAgreeEach });
        return;
      }
      this.goTo('identity');
    },

    onToggleMrz() {
      this.setData({ mrzOpen: !this.data.mrzOpen });
    },

    onNameInput(e: WechatMiniprogram.Input) {
      this.setData({ name: valueOf(e), 'fieldErrors.name': '' });
    },

    onIdInput(e: WechatMiniprogram.Input) {
      const idNumber = valueOf(e);
      this.setData({ idNumber, idFeedback: idFeedback(this.data.lang, idNumber), 'fieldErrors.idNumber': '' });
    },

    onPickRelationship(e: WechatMiniprogram.TouchEvent) {
      this.setData({ relationship: e.currentTarget.dataset.id as Relationship, 'fieldErrors.relationship': '' });
    },

    async onSubmitIdentity() {
      const lang = this.data.lang;
      const input = { name: this.data.name, idNumber: this.data.idNumber, relationship: this.data.relationship };
      const problems = checkIdentityForm(lang, this.data.mode, input);
      if (Object.keys(problems).length) {
        this.setData({ fieldErrors: problems, formError: messages(this.data.lang).fixFields });
        return;
      }
      const r = await verifyIdentity(lang, this.data.mode, input);
      if (!r.ok) {
        this.setData({ fieldErrors: r.error.fields, formError: r.error.message });
        return;
      }
      this.setData({
        fieldErrors: {},
        identityLine: format(messages(this.data.lang).identityDone, { name: r.name, id: r.idNumberMasked }),
        relationId: r.relationId ?? '',
        relativeName: r.name,
      });
      if (r.faceSkipped) showToast(messages(this.data.lang).faceSkippedLocal);
      this.goTo('document');
    },

    onPickDocType(e: WechatMiniprogram.TouchEvent) {
      this.setData({ docType: e.currentTarget.dataset.id as DocumentType, 'fieldErrors.type': '' });
    },

    onNumberInput(e: WechatMiniprogram.Input) {
      this.setData({ docNumber: valueOf(e).toUpperCase(), 'fieldErrors.number': '' });
    },

    onExpiryChange(e: WechatMiniprogram.CustomEvent) {
      this.setData({ docExpiry: valueOf(e), 'fieldErrors.expiry': '' });
    },

    onMrzInput(e: WechatMiniprogram.Input) {
      const mrz = valueOf(e);
      this.setData({ mrz, mrzFeedback: mrzFeedback(this.data.lang, mrz), 'fieldErrors.mrz': '' });
    },

    async onScanMrz() {
      const r = await scanCode({ onlyFromCamera: true });
      if (!r.ok) {
        if (r.reason === 'failed') showToast(messages(this.data.lang).mrzScanNothing);
        return;
      }
      const lines = mrzFromScan(r.text);
      if (!lines) {
        showToast(messages(this.data.lang).mrzScanNothing);
        return;
      }
      const mrz = lines.join('\n');
      this.setData({ mrz, mrzFeedback: mrzFeedback(this.data.lang, mrz) });
    },

    async onSubmitDocument() {
      const lang = this.data.lang;
      const input = { type: this.data.docType, number: this.data.docNumber, expiry: this.data.docExpiry, mrz: this.data.mrz };
      const problems = checkDocumentForm(lang, input);
      if (Object.keys(problems).length) {
        this.setData({ fieldErrors: problems, formError: messages(this.data.lang).fixFields });
        return;
      }
      const r = await bindDocument(lang, input, this.data.mode === 'relative' ? this.data.relationId : undefined);
      if (!r.ok) {
        // A problem with the MRZ shows under it, so the fold opens.
        this.setData({ fieldErrors: r.error.fields, formError: r.error.message, mrzOpen: this.data.mrzOpen || Boolean(r.error.fields.mrz) });
        return;
      }
      if (this.data.mode === 'relative') {
        setActingFor({ id: this.data.relationId, name: this.data.relativeName });
        this.setData({ doneText: format(messages(this.data.lang).authDoneRelative, { name: this.data.relativeName }) });
      } else {
        // A new identity or document means a new certificate: the old copy must not be shown.
        forgetCached(null);
        setActingFor(null);
        this.setData({ doneText: messages(this.data.lang).authDoneText });
      }
      this.setData({ fieldErrors: {} });
      this.goTo('done');
    },

    /** The FAQ, over this step (back returns to it with what was typed). */
    async onOpenFaq(event: WechatMiniprogram.TouchEvent) {
      const topic: unknown = event.currentTarget.dataset.topic;
      if (!(await navigateTo(faqRoute(isFaqTopic(topic) ? topic : 'apply')))) showToast(messages(this.data.lang).pageUnavailable);
    },

    /**
     * The certificate of the person just authenticated, on a fresh page stack: the page that sent
     * the user here (still saying 首次使用需要认证, or showing someone else) must not be underneath.
     */
    async onGoCertificate() {
      const who = this.data.mode === 'relative' ? { id: this.data.relationId, name: this.data.relativeName } : null;
      await openOnFreshStack(routeFor('/pages/certificate/index', who));
    },
  },
});
