/**
 * Entry rules: a destination's CertLogic validation rules (the EU DCC business-rule format,
 * eu-dcc-business-rules, evaluated with certlogic-js) checked against a verified certificate at a
 * validation clock. docs/entry-rules.md describes the semantics; in short:
 *
 * - Selection (as the EU verifier apps do): Acceptance rules of the destination country and
 *   Invalidation rules of the issuing country, valid at the clock (ValidFrom ≤ clock < ValidTo),
 *   the highest Version per Identifier, and of type General or of the certificate's own type.
 * - Data: `payload` is the DCC JSON; `external` is {validationClock, valueSets, countryCode, exp,
 *   iat, issuerCountryCode, kid} as the EU verifier apps pass it.
 * - A comprehensive (ITHC) certificate becomes one candidate payload per record a DCC can express
 *   (core/ithc.ts ithcRecordToDcc), each also carrying our antibody section `a`. The traveller
 *   meets the rules when one candidate passes every rule that applies to it: exactly as if they
 *   presented that record's HC1 code at the border, which they can.
 * - Each rule gives passed (true), failed (false) or open (it threw, gave something other than a
 *   boolean, or needs an engine we do not have): open is never counted as passed.
 *
 * Pure: the clock is a parameter, and nothing here reads the environment.
 */
import { evaluate, specificationVersion } from 'certlogic-js';
import { validate as certLogicIssues } from 'certlogic-js/dist/validation';
import type { CertificateContent } from './hcert';
import { dccRecords, ithcDccHolder, ithcRecordToDcc, type DccRecordRef, type IthcCertificate } from './ithc';
import { kindOfList } from './record-kinds';
import { VALUE_SETS } from './valuesets';

export type RuleCertificateType = 'General' | 'Test' | 'Vaccination' | 'Recovery';
export type RuleKind = 'Acceptance' | 'Invalidation';
export type RuleResult = 'passed' | 'failed' | 'open';

/** A validation rule as the EU DCC gateway distributes it (validation-rule.schema.json). */
export interface ValidationRule {
  readonly Identifier: string;
  readonly Type: RuleKind;
  readonly Country: string;
  readonly Version: string;
  readonly SchemaVersion: string;
  readonly Engine: string;
  readonly EngineVersion: string;
  readonly CertificateType: RuleCertificateType;
  readonly Description: ReadonlyArray<{ readonly lang: string; readonly desc: string }>;
  readonly ValidFrom: string;
  readonly ValidTo: string;
  readonly AffectedFields: readonly string[];
  readonly Logic: unknown;
}

/** The one engine these rules are written for, and the CertLogic specification version we run. */
export const RULE_ENGINE = 'CERTLOGIC';
export const RULE_ENGINE_VERSION: string = specificationVersion;

/** Bounds on rules from outside (partner registry, `--rules FILE`): past them a rule is refused. */
export const RULE_LIMITS = Object.freeze({
  /** Characters of one rule as JSON; the largest of the EU's 194 published rules is about 6,000. */
  maxRuleChars: 64 * 1024,
  /** Nesting of a rule's Logic (the EU's deepest is 13); certlogic-js recurses once per level. */
  maxLogicDepth: 64,
  maxDescriptions: 40,
  maxDescriptionChars: 2000,
  maxAffectedFields: 100,
  /** Rules in one set (a partner, a file). */
  maxRules: 500,
});

/**
 * A rule's Identifier. The gateway's schema says `-[1-9]\d*$`, which refuses the zero-padded
 * numbers every published rule set uses (GR-EU-0000, VR-DE-0001: all 194 rules in the EU's test
 * data); we accept those as well as the schema's form.
 */
export const RULE_IDENTIFIER = /^(GR|VR|TR|RR|IR)-[A-Z]{2}-(0\d{3}|[1-9]\d{0,7})$/;

// Gateway constraint INVALID_RULE_ID: the Identifier's head names the certificate type (or IR).
const ID_HEAD: Readonly<Record<RuleCertificateType, string>> = Object.freeze({ General: 'GR', Vaccination: 'VR', Test: 'TR', Recovery: 'RR' });
const SEMVER = /^(\d{1,9})\.(\d{1,9})\.(\d{1,9})/;
// The schema's timestamp pattern: seconds, no fraction, a zone.
const TIMESTAMP = /^\d{4}-[01]\d-[0-3]\dT[0-2]\d:[0-5]\d:[0-5]\d([-+][0-2]\d:[0-5]\d|Z)$/;

/**
 * Reads a rule from untrusted JSON: the fields evaluation relies on, the gateway's constraints on
 * them, bounded sizes, and the Logic validated as CertLogic. Returns every problem found.
 */
export function checkRule(value: unknown): { rule?: ValidationRule; problems: string[] } {
  const problems: string[] = [];
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { problems: ['a rule must be a JSON object'] };
  const r = value as Record<string, unknown>;
  // Depth first, iteratively: serialising (for the size) recurses, and so does CertLogic's validator.
  if (depthOf(r, RULE_LIMITS.maxLogicDepth + 2) > RULE_LIMITS.maxLogicDepth + 1)
    return { problems: [`the rule is nested deeper than ${RULE_LIMITS.maxLogicDepth} levels`] };
  let size: number;
  try {
    size = JSON.stringify(r).length;
  } catch {
    return { problems: ['a rule must be plain JSON'] };
  }
  if (size > RULE_LIMITS.maxRuleChars) return { problems: [`the rule is ${size} characters as JSON; at most ${RULE_LIMITS.maxRuleChars} are accepted`] };
  const str = (k: string, pattern?: RegExp, hint?: string): string | undefined => {
    const v = r[k];
    if (typeof v !== 'string' || v.length === 0) return void problems.push(`${k} must be a non-empty string`);
    if (v.length > 200) return void problems.push(`${k} is longer than 200 characters`);
    if (pattern && !pattern.test(v)) return void problems.push(`${k} ${JSON.stringify(v)} is not ${hint}`);
    return v;
  };
  const id = str('Identifier', RULE_IDENTIFIER, 'of the form GR|VR|TR|RR|IR-CC-NNNN');
  const type = str('Type', /^(Acceptance|Invalidation)$/, 'Acceptance or Invalidation') as RuleKind | undefined;
  const country = str('Country', /^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 code');
  str('Version', SEMVER, 'a semantic version');
  str('SchemaVersion', SEMVER, 'a semantic version');
  str('Engine');
  str('EngineVersion', SEMVER, 'a semantic version');
  const certType = str('CertificateType', /^(General|Test|Vaccination|Recovery)$/, 'General, Test, Vaccination or Recovery') as RuleCertificateType | undefined;
  const from = str('ValidFrom', TIMESTAMP, 'an ISO 8601 timestamp with seconds and a zone');
  const to = str('ValidTo', TIMESTAMP, 'an ISO 8601 timestamp with seconds and a zone');
  if (from && to && !(Date.parse(from) < Date.parse(to))) problems.push(`ValidFrom ${from} must be before ValidTo ${to}`);
  if (id && type) {
    const head = id.slice(0, 2);
    if (type === 'Invalidation' && head !== 'IR') problems.push(`Invalidation rules are identified IR-…, not ${head}-…`);
    if (type === 'Acceptance' && head === 'IR') problems.push('IR-… identifies Invalidation rules; this one is an Acceptance rule');
    if (type === 'Acceptance' && certType && head !== 'IR' && ID_HEAD[certType] !== head)
      problems.push(`a ${certType} rule is identified ${ID_HEAD[certType]}-…, not ${head}-…`);
  }
  if (id && country && id.slice(3, 5) !== country) problems.push(`the Identifier's country ${id.slice(3, 5)} differs from Country ${country}`);

  const desc = r.Description;
  if (!Array.isArray(desc) || desc.length === 0) problems.push('Description must be a non-empty array of {lang, desc}');
  else if (desc.length > RULE_LIMITS.maxDescriptions)
    problems.push(`Description has ${desc.length} entries; at most ${RULE_LIMITS.maxDescriptions} are accepted`);
  else {
    desc.forEach((entry: unknown, i) => {
      const d = entry && typeof entry === 'object' ? (entry as { lang?: unknown; desc?: unknown }) : {};
      const ok =
        typeof d.lang === 'string' &&
        /^([a-z]{2}|[a-z]{2}-[a-z]{2})$/.test(d.lang) &&
        typeof d.desc === 'string' &&
        d.desc.length > 0 &&
        d.desc.length <= RULE_LIMITS.maxDescriptionChars;
      if (!ok) problems.push(`Description[${i}] must be {lang: "xx" or "xx-yy", desc: text of at most ${RULE_LIMITS.maxDescriptionChars} characters}`);
    });
    if (!desc.some((d: unknown) => !!d && (d as { lang?: unknown }).lang === 'en')) problems.push('Description needs an English ("en") entry');
  }
  const affected = r.AffectedFields;
  if (!Array.isArray(affected) || affected.length > RULE_LIMITS.maxAffectedFields || !affected.every((f) => typeof f === 'string' && f.length <= 200)) {
    problems.push(`AffectedFields must be an array of at most ${RULE_LIMITS.maxAffectedFields} field paths`);
  }
  const logic = r.Logic;
  if (logic === null || typeof logic !== 'object' || Array.isArray(logic) || Object.keys(logic).length === 0)
    problems.push('Logic must be a CertLogic operation object');
  else {
    const issues = logicIssues(logic);
    for (const i of issues.slice(0, 5)) problems.push(`Logic is not valid CertLogic: ${i.message} at ${clip(JSON.stringify(i.expr))}`);
    if (issues.length > 5) problems.push(`… and ${issues.length - 5} more CertLogic issues`);
  }
  return problems.length ? { problems } : { rule: r as unknown as ValidationRule, problems };
}

/** CertLogic's own validator (certlogic-js/validation), for the spec's validation test suite and checkRule. */
export function logicIssues(expr: unknown): Array<{ expr: unknown; message: string }> {
  return certLogicIssues(expr);
}

/**
 * Evaluates a CertLogic expression on a data context: certlogic-js `evaluate`, the one place
 * rules are run. Throws what the engine throws (an invalid expression or a type mismatch).
 */
export function evaluateExpression(expr: unknown, data: unknown): unknown {
  return evaluate(expr as Parameters<typeof evaluate>[0], data);
}

/** The data a rule reads: the certificate (`payload`) and the verifier's context (`external`). */
export interface RuleData {
  readonly payload: unknown;
  readonly external: unknown;
}

/** One rule on one data context: passed, failed, or open with the reason. */
export function evaluateRule(rule: ValidationRule, data: RuleData): { result: RuleResult; reason?: string } {
  if (rule.Engine !== RULE_ENGINE) return { result: 'open', reason: `written for the engine ${clip(rule.Engine)}; this verifier runs ${RULE_ENGINE}` };
  if (!engineSupports(rule.EngineVersion))
    return { result: 'open', reason: `needs CertLogic ${rule.EngineVersion}; this verifier implements ${RULE_ENGINE_VERSION}` };
  let value: unknown;
  try {
    value = evaluateExpression(rule.Logic, data);
  } catch (e) {
    // CertLogic throws only on invalid expressions and type mismatches (spec §Introduction): the
    // rule cannot say yes or no, so a person must decide.
    return { result: 'open', reason: `the rule could not be evaluated: ${clip(e instanceof Error ? e.message : String(e))}` };
  }
  if (value === true) return { result: 'passed' };
  if (value === false) return { result: 'failed' };
  return { result: 'open', reason: `the rule gave ${clip(JSON.stringify(value) ?? String(value))}, not true or false` };
}

/** Whether our engine runs rules written for `version` (semver: not newer than the spec we implement). */
export function engineSupports(version: string): boolean {
  const want = semver(version);
  const have = semver(RULE_ENGINE_VERSION);
  return !!want && !!have && compareSemver(want, have) <= 0;
}

// ---------------------------------------------------------------------------------------------
// Selection

export interface RuleSelection {
  /** Destination (country of arrival), ISO 3166-1 alpha-2: its Acceptance rules apply. */
  country: string;
  /** Validation clock, seconds since the epoch. */
  at: number;
  /** The certificate's issuing country: its Invalidation rules apply. */
  issuerCountry?: string | null;
}

/**
 * The rules in force for a destination at the clock: Acceptance rules of `country`, Invalidation
 * rules of the issuer, ValidFrom ≤ clock < ValidTo, and of several versions of one Identifier the
 * highest Version (then the latest ValidFrom). Certificate type is not filtered here.
 */
export function selectRules(rules: readonly ValidationRule[], sel: RuleSelection): ValidationRule[] {
  if (!Number.isFinite(sel.at)) throw new TypeError('selectRules needs a validation clock (at, in seconds)');
  const ms = sel.at * 1000;
  const best = new Map<string, ValidationRule>();
  for (const r of rules) {
    const owner = r.Type === 'Invalidation' ? sel.issuerCountry : sel.country;
    if (!owner || r.Country !== owner) continue;
    if (!(Date.parse(r.ValidFrom) <= ms && ms < Date.parse(r.ValidTo))) continue;
    const prev = best.get(r.Identifier);
    if (!prev || newer(r, prev)) best.set(r.Identifier, r);
  }
  return [...best.values()].sort((a, b) => (a.Identifier < b.Identifier ? -1 : a.Identifier > b.Identifier ? 1 : 0));
}

function newer(a: ValidationRule, b: ValidationRule): boolean {
  const c = compareSemver(semver(a.Version) ?? [0, 0, 0], semver(b.Version) ?? [0, 0, 0]);
  return c > 0 || (c === 0 && Date.parse(a.ValidFrom) > Date.parse(b.ValidFrom));
}

/** The certificate types a DCC payload holds (v, t, r entries). */
export function dccRuleTypes(payload: unknown): RuleCertificateType[] {
  if (!payload || typeof payload !== 'object') return [];
  const p = payload as Record<string, unknown>;
  const out: RuleCertificateType[] = [];
  if (Array.isArray(p.t) && p.t.length) out.push('Test');
  if (Array.isArray(p.v) && p.v.length) out.push('Vaccination');
  if (Array.isArray(p.r) && p.r.length) out.push('Recovery');
  return out;
}

/** Does a rule apply to a certificate of these types? General rules apply to every certificate. */
export function ruleApplies(rule: ValidationRule, types: readonly RuleCertificateType[]): boolean {
  return rule.CertificateType === 'General' || types.includes(rule.CertificateType);
}

/** A rule's description in Chinese and English; Chinese falls back to English, English to the first. */
export function ruleDescription(rule: ValidationRule): { zh: string; en: string } {
  const d: ValidationRule['Description'] = Array.isArray(rule.Description) ? (rule.Description as ValidationRule['Description']) : [];
  const en = d.find((x) => x.lang === 'en')?.desc ?? d[0]?.desc ?? rule.Identifier;
  const zh = d.find((x) => typeof x.lang === 'string' && (x.lang === 'zh' || x.lang.startsWith('zh-')))?.desc ?? en;
  return { zh, en };
}

// ---------------------------------------------------------------------------------------------
// The data rules read

/** The value sets as rules read them: EU valueSetId → its codes (core/valuesets.ts, all codes). */
export const RULE_VALUE_SETS: Readonly<Record<string, readonly string[]>> = Object.freeze(
  Object.fromEntries(Object.values(VALUE_SETS).map((s) => [s.id, Object.freeze(Object.keys(s.values))])),
);

export interface RuleContext {
  /** Validation clock, seconds. */
  at: number;
  /** The country of arrival whose rules run. */
  countryCode: string;
  /** Signature issued-at and expiry (seconds), kid (base64) and issuing country of the code. */
  issuedAt?: number | null;
  expiresAt?: number | null;
  kid?: string | null;
  issuerCountryCode?: string | null;
  valueSets?: Readonly<Record<string, readonly string[]>>;
}

/** `external` as the EU verifier apps pass it (ExternalParameter). Absent values are left out. */
export function ruleExternal(c: RuleContext): Record<string, unknown> {
  const ext: Record<string, unknown> = { validationClock: isoSeconds(c.at), valueSets: c.valueSets ?? RULE_VALUE_SETS, countryCode: c.countryCode };
  if (typeof c.expiresAt === 'number') ext.exp = isoSeconds(c.expiresAt);
  if (typeof c.issuedAt === 'number') ext.iat = isoSeconds(c.issuedAt);
  if (c.issuerCountryCode) ext.issuerCountryCode = c.issuerCountryCode;
  if (c.kid) ext.kid = c.kid;
  return ext;
}

/** What a set of rule results was computed on. */
export type RuleBasis =
  | { readonly kind: 'dcc' }
  /** A record of a comprehensive certificate, evaluated as the DCC it can be issued as. */
  | { readonly kind: 'test' | 'vaccination'; readonly index: number }
  /** A comprehensive certificate with no record a DCC can express (antibody tests only). */
  | { readonly kind: 'no-dcc-record' };

export interface RuleCandidate {
  readonly basis: RuleBasis;
  readonly payload: Record<string, unknown>;
  readonly types: readonly RuleCertificateType[];
}

/**
 * The payloads rules run on. A DCC is its own JSON. A comprehensive certificate gives one payload
 * per DCC-expressible record (tests, vaccinations), each with the antibody tests as `a`; with no
 * such record, one payload of the holder and `a` alone. `uciFor` names a record's own DCC UCI when
 * known (issued HC1 codes carry their own); otherwise the certificate's id stands in.
 */
export function ruleCandidates(cert: CertificateContent, uciFor?: (ref: DccRecordRef) => string | undefined): RuleCandidate[] {
  if (cert.format === 'dcc') {
    const payload = cert.dcc.json as Record<string, unknown>;
    return [{ basis: { kind: 'dcc' }, payload, types: dccRuleTypes(payload) }];
  }
  const c = cert.ithc;
  const a = antibodySection(c);
  const extra = a.length ? { a } : {};
  const refs = dccRecords(c);
  if (refs.length === 0) {
    const { nam, dob, ver } = ithcDccHolder(c);
    return [{ basis: { kind: 'no-dcc-record' }, payload: { ver, nam, dob, ...extra }, types: [] }];
  }
  return refs.map((ref) => {
    const dcc = ithcRecordToDcc(c, ref, uciFor?.(ref) ?? c.id) as Record<string, unknown>;
    // dccRecords names only kinds the DCC carries.
    const mapping = kindOfList(ref.list).dcc!;
    return { basis: { kind: mapping.ruleBasis, index: ref.index }, payload: { ...dcc, ...extra }, types: [mapping.ruleType] };
  });
}

/**
 * Our antibody section (docs/entry-rules.md §Antibody tests): one entry per serum IgG test, in
 * DCC style. CertLogic compares integers only, so the quantitative value is text for display.
 */
export function antibodySection(c: IthcCertificate): Array<Record<string, string>> {
  return c.antibodyTests.map((t) => {
    const e: Record<string, string> = { tg: t.disease, mt: t.method };
    if (t.assayCode !== undefined) e.ac = String(t.assayCode);
    if (t.assay !== undefined) e.nm = t.assay;
    if (t.manufacturer !== undefined) e.ma = t.manufacturer;
    if (t.target !== undefined) e.tgt = t.target;
    e.sc = isoSeconds(t.sampleTime);
    e.tr = t.result;
    if (t.comparator !== undefined) e.cmp = t.comparator;
    if (t.value !== undefined) e.val = t.value;
    if (t.cutoff !== undefined) e.cut = t.cutoff;
    if (t.unit !== undefined) e.unit = t.unit;
    if (t.testingCentreCode !== undefined) e.tcc = String(t.testingCentreCode);
    if (t.testingCentre !== undefined) e.tc = t.testingCentre;
    Object.assign(e, { co: t.country, is: t.issuer });
    return e;
  });
}

// ---------------------------------------------------------------------------------------------
// The whole check

export interface RuleOutcome {
  ruleId: string;
  version: string;
  country: string;
  type: RuleCertificateType;
  description: { zh: string; en: string };
  result: RuleResult;
  /** Why a rule is open. */
  reason?: string;
}

export interface EntryRulesInput {
  /** A verifier passes the verified certificate; the issuing side its own stored content. */
  certificate: CertificateContent;
  rules: readonly ValidationRule[];
  /** Destination, ISO 3166-1 alpha-2. */
  country: string;
  /** Validation clock, seconds since the epoch. */
  at: number;
  /** From the verdict: issued-at and expiry (seconds), kid (base64), issuing country. */
  signature?: { issuedAt?: number | null; expiresAt?: number | null; kid?: string | null; issuer?: string | null };
  valueSets?: Readonly<Record<string, readonly string[]>>;
  uciFor?: (ref: DccRecordRef) => string | undefined;
}

export interface EntryRulesReport {
  country: string;
  /** The validation clock, ISO 8601 UTC. */
  at: string;
  /** Whether any rule of the destination is in force at the clock. */
  hasRules: boolean;
  /** True only when there are rules and the certificate meets them (some candidate passes all that apply). */
  passed: boolean;
  /** Which record the results are for (the best candidate); null without rules. */
  basis: RuleBasis | null;
  results: RuleOutcome[];
}

export function evaluateEntryRules(input: EntryRulesInput): EntryRulesReport {
  if (!Number.isFinite(input.at)) throw new TypeError('evaluateEntryRules needs a validation clock (at, in seconds)');
  if (typeof input.country !== 'string' || !/^[A-Z]{2}$/.test(input.country)) throw new TypeError('country must be ISO 3166-1 alpha-2');
  const sig = input.signature ?? {};
  const selected = selectRules(input.rules, { country: input.country, at: input.at, issuerCountry: sig.issuer });
  const report: EntryRulesReport = { country: input.country, at: isoSeconds(input.at), hasRules: selected.length > 0, passed: false, basis: null, results: [] };
  if (!report.hasRules) return report;
  const external = ruleExternal({
    at: input.at,
    countryCode: input.country,
    issuedAt: sig.issuedAt,
    expiresAt: sig.expiresAt,
    kid: sig.kid,
    issuerCountryCode: sig.issuer,
    valueSets: input.valueSets,
  });

  let best: { rank: number[]; basis: RuleBasis; results: RuleOutcome[]; passed: boolean } | undefined;
  for (const cand of ruleCandidates(input.certificate, input.uciFor)) {
    const data: RuleData = { payload: cand.payload, external };
    const results = selected.filter((r) => ruleApplies(r, cand.types)).map((r) => outcome(r, evaluateRule(r, data)));
    const failed = results.filter((r) => r.result === 'failed').length;
    const open = results.filter((r) => r.result === 'open').length;
    const passed = failed === 0 && open === 0;
    // Best first: passing on at least one rule, passing vacuously, then fewest failed, fewest open.
    const rank = passed ? [0, results.length ? 0 : 1, 0] : [1, failed, open];
    if (!best || lexLess(rank, best.rank)) best = { rank, basis: cand.basis, results, passed };
  }
  if (best) {
    report.passed = best.passed;
    report.basis = best.basis;
    report.results = best.results;
  }
  return report;
}

function outcome(rule: ValidationRule, r: { result: RuleResult; reason?: string }): RuleOutcome {
  const o: RuleOutcome = {
    ruleId: rule.Identifier,
    version: rule.Version,
    country: rule.Country,
    type: rule.CertificateType,
    description: ruleDescription(rule),
    result: r.result,
  };
  if (r.reason) o.reason = r.reason;
  return o;
}

// ---------------------------------------------------------------------------------------------

function lexLess(a: number[], b: number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i];
  return false;
}

function semver(v: string): [number, number, number] | undefined {
  const m = SEMVER.exec(v);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

function compareSemver(a: [number, number, number], b: [number, number, number]): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/** Depth of nested arrays and objects, counting stops at `stop` (no recursion into hostile depth). */
function depthOf(v: unknown, stop: number): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[v, 1]];
  while (stack.length) {
    const [x, d] = stack.pop()!;
    if (x === null || typeof x !== 'object') continue;
    if (d > max) max = d;
    if (max >= stop) return max;
    for (const c of Array.isArray(x) ? x : Object.values(x)) stack.push([c, d + 1]);
  }
  return max;
}

function isoSeconds(s: number): string {
  return new Date(s * 1000).toISOString().replace('.000Z', 'Z');
}

function clip(s: string, n = 120): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}
