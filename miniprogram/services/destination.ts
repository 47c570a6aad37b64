/**
 * Showing the certificate for a destination (docs/functions.md: partners.list, certificate.seal,
 * certificate.rules): which code that destination takes — a QR sealed for its authority, the open
 * ITHC code, or one DCC per record — and whether the certificate meets its entry rules today.
 */
import { t, type Lang } from '../i18n/index';
import { label } from '../lib/ithc-main';
import { callWithLoading, type Outcome } from './call';
import { formatDate, formatInstant, beijingDate } from './format';
import type { CertificateView } from './certificate';
import { forParam, getActingFor } from './subject';

export type Format = 'dcc' | 'ithc' | 'sealed';

export interface Partner {
  country: string;
  name: { zh: string; en: string };
  accepts: Format[];
  hasRules: boolean;
  sealed: boolean;
}

export interface SealView {
  destination: string;
  accepts: Format[];
  sealed: Array<{ authority: string; kid: string; code: string }> | null;
  open: string | null;
  dcc: string[];
}

export interface RulesView {
  destination: string;
  at: string;
  passed: boolean;
  hasRules: boolean;
  results: Array<{ ruleId: string; type: string; description: { zh: string; en: string }; result: 'passed' | 'failed' | 'open' }>;
}

export interface PartnerOption {
  country: string;
  name: string;
  accepts: string;
}

export function partnerOptions(lang: Lang, partners: Partner[]): PartnerOption[] {
  return partners
    .map((p) => ({ country: p.country, name: p.name[lang] || label('country', p.country, lang), accepts: p.accepts.map((f) => formatName(lang, f)).join(lang === 'zh' ? '、' : ', ') }))
    .sort((a, b) => a.name.localeCompare(b.name, lang === 'zh' ? 'zh-Hans-CN' : 'en'));
}

export function formatName(lang: Lang, f: Format): string {
  return t(lang, f === 'sealed' ? 'formatSealed' : f === 'ithc' ? 'formatIthc' : 'formatDcc');
}

export function listPartners(lang: Lang): Promise<Outcome<Partner[]>> {
  return callWithLoading<Partner[]>(lang, 'partners', { action: 'list' });
}

export interface CodeChoice {
  /** What the code is, as a tab label. */
  title: string;
  code: string;
  kind: Format;
  hint: string;
}

/**
 * The codes to offer, best first: sealed for the authority when it takes them, then the open
 * ITHC code, then each record's DCC (labelled from the certificate the codes came from).
 */
export function codeChoices(lang: Lang, seal: SealView, view: CertificateView | null): CodeChoice[] {
  const choices: CodeChoice[] = [];
  for (const s of seal.sealed ?? []) choices.push({ title: t(lang, 'formatSealed'), code: s.code, kind: 'sealed', hint: t(lang, 'destSealedHint') });
  if (seal.open) choices.push({ title: t(lang, 'formatIthc'), code: seal.open, kind: 'ithc', hint: t(lang, 'destOpenHint') });
  for (const code of seal.dcc) {
    const record = view?.codes.dcc.find((d) => d.code === code);
    const type = record?.type === 'v' ? t(lang, 'destDccVaccination') : record?.type === 't' ? t(lang, 'destDccTest') : t(lang, 'formatDcc');
    const date = record ? recordDate(lang, view!, record.recordId, record.type) : '';
    choices.push({ title: date ? t(lang, 'destDccRecord', { type, date }) : type, code, kind: 'dcc', hint: t(lang, 'destDccHint') });
  }
  return choices;
}

/** The date of the record a DCC was made from: the n-th test or vaccination in the certificate. */
function recordDate(lang: Lang, view: CertificateView, recordId: string, type: 't' | 'v'): string {
  const sameType = view.codes.dcc.filter((d) => d.type === type);
  const i = sameType.findIndex((d) => d.recordId === recordId);
  if (type === 'v') {
    const v = view.certificate.vaccinations[i];
    return v ? formatDate(lang, v.date) : '';
  }
  const x = view.certificate.tests[i];
  return x ? formatDate(lang, beijingDate(Date.parse(x.sampleTime))) : '';
}

export function sealFor(lang: Lang, destination: string): Promise<Outcome<SealView>> {
  return callWithLoading<SealView>(lang, 'certificate', { action: 'seal', destination, ...forParam(getActingFor()) });
}

export function rulesFor(lang: Lang, destination: string): Promise<Outcome<RulesView>> {
  return callWithLoading<RulesView>(lang, 'certificate', { action: 'rules', destination, ...forParam(getActingFor()) });
}

export interface RulesScreen {
  tone: 'good' | 'bad' | 'neutral';
  verdict: string;
  at: string;
  results: Array<{ text: string; result: string; tone: 'good' | 'bad' | 'neutral' }>;
}

export function rulesScreen(lang: Lang, r: RulesView): RulesScreen {
  if (!r.hasRules) return { tone: 'neutral', verdict: t(lang, 'rulesNone'), at: '', results: [] };
  return {
    tone: r.passed ? 'good' : 'bad',
    verdict: t(lang, r.passed ? 'rulesPassed' : 'rulesFailed'),
    at: formatInstant(lang, Date.parse(r.at)),
    results: r.results.map((x) => ({
      text: x.description[lang] || x.description.en || x.ruleId,
      result: t(lang, x.result === 'passed' ? 'ruleResultPassed' : x.result === 'failed' ? 'ruleResultFailed' : 'ruleResultOpen'),
      tone: x.result === 'passed' ? 'good' : x.result === 'failed' ? 'bad' : 'neutral',
    })),
  };
}
