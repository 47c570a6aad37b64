/**
 * The view model of a verification: what an officer is shown of a checked code, the same on every
 * surface (web page, CLI, mini program, PDF). A pure function from the verifier's result and the
 * context it was checked in to sections and lines of typed values keyed by message codes; each
 * surface only lays them out (renderValue writes a value in a language).
 *
 * The verdict comes first (valid; invalid with the reasons; cannot confirm with what is missing),
 * with the trust lists it was checked against. Then the summary an officer acts on: the holder,
 * each record with what matters at a border, the issuer. Raw fields are for Details only. Nothing
 * of a code whose signature did not verify is shown as content: without a verified certificate the
 * summary is empty.
 */
import type { Problem, ErrorCode } from '../errors';
import type { DccJson } from '../dcc';
import type { CertificateContent, VerifiedCertificate } from '../hcert';
import type { AntibodyTest, IthcCertificate, Vaccination, ViralTest } from '../ithc';
import { RECORD_KIND_LIST, entriesOf, recordKind, type EntryOfKind, type RecordEntry, type RecordKind } from '../record-kinds';
import type { Missing, Outcome, TrustListState, VerdictKind } from '../outcome';
import type { EntryRulesReport, RuleResult } from '../rules';
import { sourceValidAt } from '../source-validity';
import type { SourceListEntry } from '../sourcelist';
import { errorMessage, type MessageCode } from './catalogue';
import { coded, msg, text, type Value } from './values';

/** What the verifier found, as core/hcert.ts's Verdict gives it (any object with these fields). */
export interface VerificationResult {
  readonly format: 'dcc' | 'ithc' | 'sealed' | null;
  readonly kid: string | null;
  readonly issuer: string | null;
  readonly alg: string | null;
  readonly errors: readonly Problem[];
  readonly issuedAt: number | null;
  readonly expiresAt: number | null;
  readonly certificate: VerifiedCertificate | null;
  readonly signer: { readonly subject?: string } | null;
}

/**
 * Names of laboratories and vaccination sites by code: a SourceDirectory of verified source lists,
 * or the names an issuer keeps beside a certificate it made (a Map by code).
 */
export interface SourceNames {
  get(code: number): Pick<SourceListEntry, 'name' | 'nameLatin' | 'validFrom' | 'validUntil'> | undefined;
}

/** What the lines of a certificate's content depend on besides the content. */
export interface ContentContext {
  /** The validation time (or, on paper, the printing time), seconds since the epoch: ages of samples are counted to it. */
  readonly now: number;
  /** Laboratories and vaccination sites by code (signed source lists), for their names. */
  readonly sources?: SourceNames;
}

/** What the view depends on besides the result; passed in, never read from a clock or a global. */
export interface ViewContext extends ContentContext {
  /** Valid, invalid or cannot check, and what is missing (core/outcome.ts outcomeOf). */
  readonly outcome: Outcome;
  /** The trust lists the code was checked against, as shown beside the verdict. */
  readonly trust: readonly TrustListState[];
  /** The entry-rule report: absent when no rules are in force here, null when the code did not verify far enough. */
  readonly rules?: EntryRulesReport | null;
  /** True when the officer fixed the validation time by hand: the verdict says so. */
  readonly fixedTime?: boolean;
}

export interface Line {
  /** Stable, language-independent name of the line (holder.name, test.result, ...). */
  readonly key: string;
  readonly label: Value;
  readonly value: Value;
}

/** One holder, record or block of fields. */
export interface Item {
  readonly key: string;
  /** A heading for a record (its kind and date), absent for a single block. */
  readonly title?: Value;
  readonly lines: readonly Line[];
}

export interface Section {
  /** holder, tests, antibody, vaccinations, recovery, issuer, signature, fields, reasons. */
  readonly key: string;
  readonly title: Value;
  readonly items: readonly Item[];
}

export interface VerdictView {
  readonly kind: VerdictKind;
  /** VALID / INVALID / CANNOT CONFIRM. */
  readonly word: MessageCode;
  /** The sentence under the word. */
  readonly lead: MessageCode;
  /** For an invalid code: each error code once, in plain words. */
  readonly reasons: ReadonlyArray<{ readonly code: ErrorCode; readonly text: Value }>;
  /** For a code that cannot be checked: what is missing. */
  readonly missing: ReadonlyArray<{ readonly kind: Missing['kind']; readonly text: Value }>;
  /** The trust lists it was checked against: which, whose, how old, their maximum age. */
  readonly trust: Value;
  /** Notes beside the verdict: a validation time set by hand; content withheld for want of a valid signature. */
  readonly notes: readonly Value[];
}

export interface RuleView {
  readonly ruleId: string;
  readonly result: RuleResult;
  readonly word: Value;
  readonly description: Value;
  readonly reason?: string;
}

export interface RulesView {
  readonly country: string;
  readonly result: 'passed' | 'failed' | 'open' | 'none' | 'not-checked';
  readonly head: Value;
  readonly basis?: Value;
  readonly rules: readonly RuleView[];
}

export interface CertificateView {
  readonly verdict: VerdictView;
  /** What the code is (format.dcc / format.ithc / format.sealed), when it could be told. */
  readonly format: MessageCode | null;
  /** The readable summary, on top of every verdict: holder, records, issuer. Empty unless verified. */
  readonly summary: readonly Section[];
  /** Details on demand: the signature, the fields as issued (HC1), the reasons with the verifier's own words. */
  readonly details: readonly Section[];
  /** Only when entry rules were checked (or could not be). */
  readonly rules: RulesView | null;
}

/** The view of one checked code. */
export function certificateView(result: VerificationResult, ctx: ViewContext): CertificateView {
  return {
    verdict: verdictView(result, ctx),
    format: result.format ? (`format.${result.format}` as const) : null,
    summary: result.certificate ? certificateSections(result.certificate, ctx) : [],
    details: detailSections(result),
    rules: ctx.rules === undefined ? null : rulesView(ctx.rules),
  };
}

// --- verdict ----------------------------------------------------------------------------------

const WORD: Readonly<Record<VerdictKind, MessageCode>> = { valid: 'verdict.valid', invalid: 'verdict.invalid', 'cannot-check': 'verdict.cannot' };
const LEAD: Readonly<Record<VerdictKind, MessageCode>> = { valid: 'verdict.validLead', invalid: 'verdict.invalidLead', 'cannot-check': 'verdict.cannotLead' };

function verdictView(r: VerificationResult, ctx: ViewContext): VerdictView {
  const kind = ctx.outcome.verdict;
  const codes = kind === 'invalid' ? [...new Set(r.errors.map((e) => e.code))] : [];
  const notes: Value[] = [];
  if (ctx.fixedTime) notes.push(msg('verdict.checkedAt', { at: { kind: 'datetime', seconds: ctx.now } }));
  if (!r.certificate && kind === 'invalid' && r.format) notes.push(msg('verdict.contentHidden'));
  return {
    kind,
    word: WORD[kind],
    lead: LEAD[kind],
    reasons: codes.map((code) => ({ code, text: msg(errorMessage(code)) })),
    missing: ctx.outcome.missing.map((m) => ({ kind: m.kind, text: missingValue(m) })),
    trust: trustValue(ctx.trust),
    notes,
  };
}

/** What is missing to check a code, as a message. */
export function missingValue(m: Missing): Value {
  if (m.kind === 'authority-key') return msg('missing.authorityKey', { kid: m.kids.join(', ') || '?' });
  if (m.kind === 'trust-list') return msg('missing.trustList', { kid: m.kid ?? '?' });
  return msg('missing.currentList', { list: trustListValue(m.list) });
}

/** One trust list in use: which, whose, how old, its maximum age; marked when past it. */
export function trustListValue(s: TrustListState): Value {
  if (s.kind !== 'signed') return msg('trust.lineDsc', { source: s.source, n: s.kids.length });
  const line = msg('trust.lineSigned', {
    country: s.country ?? '?',
    version: s.version ?? '?',
    csca: s.csca ?? '?',
    issued: s.issuedAt !== undefined ? { kind: 'datetime', seconds: s.issuedAt } : '?',
    age: { kind: 'duration', seconds: s.ageSeconds ?? 0 },
    max: { kind: 'duration', seconds: s.maxAge ?? 0 },
  });
  return s.stale ? msg('trust.lineStale', { line }) : line;
}

/** "Trust list: …" beside a verdict. */
export function trustValue(lists: readonly TrustListState[]): Value {
  if (!lists.length) return msg('trust.verdictNone');
  return msg('trust.verdict', { lists: { kind: 'list', items: lists.map(trustListValue), separator: '; ' } });
}

// --- content ----------------------------------------------------------------------------------

/**
 * The sections of a certificate's content: the holder, each record with what matters at a border,
 * the issuer. certificateView puts them in its summary only for a verified certificate; the issuer
 * uses it for content it signed and reads back from its own store (the paper version).
 */
export function certificateSections(content: CertificateContent, ctx: ContentContext): Section[] {
  return content.format === 'ithc' ? ithcSummary(content.ithc, ctx) : dccSummary(content.dcc.json, content.dcc.type, ctx);
}

// --- ITHC -------------------------------------------------------------------------------------

const line = (key: string, label: MessageCode, value: Value): Line => ({ key, label: msg(label), value });

function ithcSummary(cert: IthcCertificate, ctx: ContentContext): Section[] {
  const h = cert.holder;
  const native = [h.surname, h.givenName].filter(Boolean).join('');
  const latin = [h.surnameLatin, h.givenNameLatin].filter(Boolean).join(' ').replace(/</g, ' ');
  const holder: Line[] = [line('holder.name', 'label.name', text(native || latin))];
  if (native && latin) holder.push(line('holder.nameLatin', 'label.nameLatin', text(latin)));
  holder.push(
    line('holder.dob', 'label.dob', { kind: 'date', date: h.dateOfBirth }),
    line('holder.sex', 'label.sex', coded('sex', h.sex)),
    line('holder.nationality', 'label.nationality', coded('country', h.nationality)),
    line(
      'holder.document',
      'label.document',
      msg('value.document', { type: coded('documentType', h.documentType), number: h.documentNumber, issuer: coded('country', h.documentIssuer) }),
    ),
  );
  const sections: Section[] = [{ key: 'holder', title: msg('section.holder'), items: [{ key: 'holder', lines: holder }] }];
  for (const k of RECORD_KIND_LIST) {
    const entries = entriesOf(cert, k);
    const { view } = recordKind(k);
    const item = ITEMS[k] as ItemOf<RecordEntry>;
    if (entries.length) sections.push({ key: view.section, title: msg(view.title), items: entries.map((e, i) => item(e, i, cert.issuer, ctx)) });
  }
  sections.push({
    key: 'issuer',
    title: msg('section.issuer'),
    items: [
      { key: 'issuer', lines: [line('issuer.name', 'label.issuedBy', coded('issuer', cert.issuer)), line('issuer.id', 'label.certificateId', text(cert.id))] },
    ],
  });
  return sections;
}

type ItemOf<E> = (e: E, i: number, certificateIssuer: string, ctx: ContentContext) => Item;

/** Each kind's lines (core/record-kinds.ts): their keys start with the kind's `view.line`. */
const ITEMS: { readonly [K in RecordKind]: ItemOf<EntryOfKind[K]> } = {
  naat: (t, i, issuer, ctx) => testItem(t, i, issuer, ctx),
  igg: (t, i, issuer, ctx) => antibodyItem(t, i, issuer, ctx),
  vaccination: (v, i, issuer, ctx) => vaccinationItem(v, i, issuer, ctx),
};

/** A laboratory or vaccination site: by name as carried, or by code from the source lists (Chinese name for Chinese, Latin-script name for every other language). */
function sourceValue(name: string | undefined, code: number | undefined, at: number, dir: SourceNames | undefined): Value {
  if (name !== undefined) return text(name);
  if (code === undefined) return msg('value.none');
  const e = dir?.get(code);
  if (!e) return msg('value.sourceUnknown', { code });
  const v: Value = { kind: 'name', zh: e.name, ...(e.nameLatin !== undefined ? { latin: e.nameLatin } : {}) };
  return sourceValidAt(e, at) ? v : msg('value.sourceOutside', { name: v });
}

/** A record's issuer, when it is not the certificate's: the certificate's issuer is every record's unless the record names another (ithc-fields.ts `inherits`). */
function recordIssuer(prefix: string, issuer: string, certificateIssuer: string): Line[] {
  return issuer === certificateIssuer ? [] : [line(`${prefix}.issuer`, 'label.issuedBy', coded('issuer', issuer))];
}

function sampleLines(prefix: string, sampleTime: number, ctx: ContentContext): Line[] {
  return [
    line(`${prefix}.sampleTime`, 'label.sampleTime', { kind: 'datetime', seconds: sampleTime }),
    line(`${prefix}.sampleAge`, 'label.sampleAge', { kind: 'age', seconds: ctx.now - sampleTime }),
  ];
}

function testItem(t: ViralTest, i: number, certificateIssuer: string, ctx: ContentContext): Item {
  const lines: Line[] = [
    line('test.type', 'label.test', coded('testType', t.testType)),
    line('test.result', 'label.result', coded('testResult', t.result)),
    ...sampleLines('test', t.sampleTime, ctx),
  ];
  if (t.reportTime !== undefined) lines.push(line('test.reportTime', 'label.reportTime', { kind: 'datetime', seconds: t.reportTime }));
  if (t.testName) lines.push(line('test.name', 'label.testName', text(t.testName)));
  if (t.device) lines.push(line('test.device', 'label.device', coded('testManufacturer', t.device)));
  lines.push(
    line('test.centre', 'label.centre', sourceValue(t.testingCentre, t.testingCentreCode, t.sampleTime, ctx.sources)),
    line('test.country', 'label.country', coded('country', t.country)),
    ...recordIssuer('test', t.issuer, certificateIssuer),
  );
  return { key: `test.${i}`, title: coded('testType', t.testType), lines };
}

function quantity(value: string, unit: string | undefined, comparator?: '<' | '>'): Value {
  const params = { value, unit: unit ?? '' };
  return msg(comparator === '<' ? 'value.below' : comparator === '>' ? 'value.above' : 'value.quantity', params);
}

function antibodyItem(t: AntibodyTest, i: number, certificateIssuer: string, ctx: ContentContext): Item {
  const lines: Line[] = [line('antibody.result', 'label.result', coded('iggResult', t.result))];
  if (t.value) lines.push(line('antibody.value', 'label.value', quantity(t.value, t.unit, t.comparator)));
  if (t.cutoff) lines.push(line('antibody.cutoff', 'label.cutoff', quantity(t.cutoff, t.unit)));
  if (t.target) lines.push(line('antibody.target', 'label.target', coded('iggTarget', t.target)));
  const meaning: MessageCode = t.result === 'positive' ? (t.target ? `meaning.positive.${t.target}` : 'meaning.positive') : `meaning.${t.result}`;
  lines.push(line('antibody.meaning', 'label.meaning', msg(meaning)));
  const assay =
    t.assayCode !== undefined ? coded('assay', String(t.assayCode)) : t.assay ? text([t.manufacturer, t.assay].filter(Boolean).join(', ')) : undefined;
  if (assay) lines.push(line('antibody.assay', 'label.assay', assay));
  lines.push(line('antibody.method', 'label.method', coded('iggMethod', t.method)), ...sampleLines('antibody', t.sampleTime, ctx));
  lines.push(
    line('antibody.centre', 'label.centre', sourceValue(t.testingCentre, t.testingCentreCode, t.sampleTime, ctx.sources)),
    line('antibody.country', 'label.country', coded('country', t.country)),
    ...recordIssuer('antibody', t.issuer, certificateIssuer),
  );
  return { key: `antibody.${i}`, title: coded('iggResult', t.result), lines };
}

function vaccinationItem(v: Vaccination, i: number, certificateIssuer: string, ctx: ContentContext): Item {
  const at = Date.parse(`${v.date}T00:00:00Z`) / 1000;
  return {
    key: `vaccination.${i}`,
    title: coded('vaccineProduct', v.product),
    lines: [
      line('vaccination.product', 'label.vaccine', coded('vaccineProduct', v.product)),
      line('vaccination.dose', 'label.dose', msg('value.dose', { n: v.doseNumber, m: v.totalDoses })),
      line('vaccination.date', 'label.date', { kind: 'date', date: v.date }),
      line('vaccination.manufacturer', 'label.manufacturer', coded('vaccineManufacturer', v.manufacturer)),
      line('vaccination.type', 'label.vaccineType', coded('vaccineProphylaxis', v.prophylaxis)),
      line('vaccination.site', 'label.site', sourceValue(v.vaccinationSite, v.vaccinationSiteCode, at, ctx.sources)),
      line('vaccination.country', 'label.country', coded('country', v.country)),
      ...recordIssuer('vaccination', v.issuer, certificateIssuer),
    ],
  };
}

// --- EU DCC -----------------------------------------------------------------------------------

/** A field of someone else's DCC: its text, whatever JSON type it came as. */
function str(v: unknown): string {
  return v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v);
}

function dccSummary(j: DccJson, type: 'v' | 't' | 'r', ctx: ContentContext): Section[] {
  const nam = (j.nam ?? {}) as unknown as Record<string, unknown>;
  const native = [str(nam.fn), str(nam.gn)].filter(Boolean).join(', ');
  const latin = [str(nam.fnt), str(nam.gnt)].filter(Boolean).join(', ').replace(/</g, ' ');
  const holder: Line[] = [line('holder.name', 'label.name', text(native || latin))];
  if (native && latin && native !== latin) holder.push(line('holder.nameLatin', 'label.nameLatin', text(latin)));
  holder.push(line('holder.dob', 'label.dob', { kind: 'date', date: str(j.dob) }));
  const sections: Section[] = [{ key: 'holder', title: msg('section.holder'), items: [{ key: 'holder', lines: holder }] }];
  const e = (j[type] ?? [])[0] ?? {};
  const co = line(`${type}.country`, 'label.country', coded('country', str(e.co)));
  const disease = line(`${type}.disease`, 'label.disease', coded('disease', str(e.tg)));
  if (type === 't') {
    const lines: Line[] = [line('test.type', 'label.test', coded('testType', str(e.tt))), line('test.result', 'label.result', coded('testResult', str(e.tr)))];
    const sc = Date.parse(str(e.sc));
    if (Number.isFinite(sc)) lines.push(...sampleLines('test', Math.floor(sc / 1000), ctx));
    else if (e.sc !== undefined) lines.push(line('test.sampleTime', 'label.sampleTime', text(str(e.sc))));
    if (e.nm !== undefined) lines.push(line('test.name', 'label.testName', text(str(e.nm))));
    if (e.ma !== undefined) lines.push(line('test.device', 'label.device', coded('testManufacturer', str(e.ma))));
    if (e.tc !== undefined) lines.push(line('test.centre', 'label.centre', text(str(e.tc))));
    lines.push(co, disease);
    sections.push({ key: 'tests', title: msg('section.tests'), items: [{ key: 'test.0', title: coded('testType', str(e.tt)), lines }] });
  } else if (type === 'v') {
    const dn = Number(e.dn);
    const sd = Number(e.sd);
    sections.push({
      key: 'vaccinations',
      title: msg('section.vaccinations'),
      items: [
        {
          key: 'vaccination.0',
          title: coded('vaccineProduct', str(e.mp)),
          lines: [
            line('vaccination.product', 'label.vaccine', coded('vaccineProduct', str(e.mp))),
            line(
              'vaccination.dose',
              'label.dose',
              Number.isFinite(dn) && Number.isFinite(sd) ? msg('value.dose', { n: dn, m: sd }) : text(`${str(e.dn)}/${str(e.sd)}`),
            ),
            line('vaccination.date', 'label.date', { kind: 'date', date: str(e.dt) }),
            line('vaccination.manufacturer', 'label.manufacturer', coded('vaccineManufacturer', str(e.ma))),
            line('vaccination.type', 'label.vaccineType', coded('vaccineProphylaxis', str(e.vp))),
            co,
            disease,
          ],
        },
      ],
    });
  } else {
    sections.push({
      key: 'recovery',
      title: msg('section.recovery'),
      items: [
        {
          key: 'recovery.0',
          lines: [
            line('recovery.firstPositive', 'label.firstPositive', { kind: 'date', date: str(e.fr) }),
            line('recovery.validFrom', 'label.validFrom', { kind: 'date', date: str(e.df) }),
            line('recovery.validUntil', 'label.validUntil', { kind: 'date', date: str(e.du) }),
            co,
            disease,
          ],
        },
      ],
    });
  }
  const issuer: Line[] = [line('issuer.name', 'label.issuedBy', text(str(e.is)))];
  if (e.ci !== undefined) issuer.push(line('issuer.id', 'label.certificateId', text(str(e.ci))));
  sections.push({ key: 'issuer', title: msg('section.issuer'), items: [{ key: 'issuer', lines: issuer }] });
  return sections;
}

// --- details ----------------------------------------------------------------------------------

/** What a code's signature says about itself, as the verifier (or, for its own codes, the issuer) read it. */
export type SignatureFacts = Pick<VerificationResult, 'format' | 'kid' | 'issuer' | 'alg' | 'issuedAt' | 'expiresAt' | 'signer'>;

/** The lines of the signature: its format, issuing country, when it was signed and until when it is valid, its key and algorithm. */
export function signatureLines(r: SignatureFacts): Line[] {
  const sig: Line[] = [];
  if (r.format) sig.push(line('signature.format', 'label.format', msg(`format.${r.format}`)));
  if (r.issuer) sig.push(line('signature.issuerCountry', 'label.issuerCountry', coded('country', r.issuer)));
  if (r.issuedAt !== null) sig.push(line('signature.signedAt', 'label.signedAt', { kind: 'datetime', seconds: r.issuedAt }));
  if (r.expiresAt !== null) sig.push(line('signature.expiresAt', 'label.expiresAt', { kind: 'datetime', seconds: r.expiresAt }));
  if (r.kid) sig.push(line('signature.kid', 'label.kid', text(r.kid)));
  if (r.alg) sig.push(line('signature.alg', 'label.alg', text(r.alg)));
  if (r.signer?.subject) sig.push(line('signature.signer', 'label.signer', text(r.signer.subject)));
  return sig;
}

function detailSections(r: VerificationResult): Section[] {
  const sig = signatureLines(r);
  const sections: Section[] = sig.length ? [{ key: 'signature', title: msg('section.signature'), items: [{ key: 'signature', lines: sig }] }] : [];
  const c = r.certificate;
  if (c?.format === 'dcc') sections.push({ key: 'fields', title: msg('section.fields'), items: [{ key: 'fields', lines: dccFields(c.dcc.json) }] });
  if (r.errors.length) {
    // The verifier's own words for each problem: for the technician an officer calls, not translated.
    sections.push({
      key: 'reasons',
      title: msg('section.reasons'),
      items: [{ key: 'reasons', lines: r.errors.map((e, i) => ({ key: `reason.${i}`, label: text(e.code), value: text(e.message) })) }],
    });
  }
  return sections;
}

/** Every field of a DCC as issued, by its path (nam.fnt, t.0.tt): the raw values, for Details. */
function dccFields(j: DccJson): Line[] {
  const out: Line[] = [];
  const walk = (v: unknown, path: string, depth: number) => {
    if (out.length >= 64) return;
    if (v !== null && typeof v === 'object' && depth < 4) {
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) walk(x, path ? `${path}.${k}` : k, depth + 1);
      return;
    }
    out.push({ key: `field.${path}`, label: msg('label.field', { field: path }), value: text(str(v)) });
  };
  walk(j, '', 0);
  return out;
}

// --- entry rules ------------------------------------------------------------------------------

const RULE_WORD: Readonly<Record<RuleResult, MessageCode>> = { passed: 'rule.passed', failed: 'rule.failed', open: 'rule.open' };

function rulesView(r: EntryRulesReport | null): RulesView {
  if (r === null) return { country: '', result: 'not-checked', head: msg('rules.notChecked'), rules: [] };
  const country = r.country;
  if (!r.hasRules) return { country, result: 'none', head: msg('rules.none', { country }), rules: [] };
  const failed = r.results.some((x) => x.result === 'failed');
  const result = r.passed ? 'passed' : failed ? 'failed' : 'open';
  const b = r.basis;
  const basis =
    !b || b.kind === 'dcc'
      ? undefined
      : b.kind === 'test'
        ? msg('rules.basisTest', { n: b.index + 1 })
        : b.kind === 'vaccination'
          ? msg('rules.basisVaccination', { n: b.index + 1 })
          : msg('rules.basisNone');
  return {
    country,
    result,
    head: msg(`rules.${result}`, { country }),
    ...(basis ? { basis } : {}),
    rules: r.results.map((x) => ({
      ruleId: x.ruleId,
      result: x.result,
      word: msg(RULE_WORD[x.result]),
      description: { kind: 'name', zh: x.description.zh, latin: x.description.en },
      ...(x.reason ? { reason: x.reason } : {}),
    })),
  };
}
