/**
 * `ithc verify --rules FILE --country XX`, the checking side: a destination's entry rules
 * (CertLogic) evaluated by core/rules.ts against every certificate that verifies, at the
 * validation clock (--at or now), and how the result is shown. Runs in verification workers too;
 * reading the rules file is rules-file.ts (main thread only). Semantics: docs/entry-rules.md.
 */
import type { SourceListEntry } from '../core/sourcelist';
import type { Verdict } from '../core/hcert';
import { evaluateEntryRules, type EntryRulesReport, type RuleOutcome, type ValidationRule } from '../core/rules';
import type { Outcome } from '../core/outcome';

/** What a verifier needs to check rules: plain JSON, so it crosses to worker threads as is. */
export interface RulesSetting {
  country: string;
  rules: ValidationRule[];
}

/** A verdict with the entry-rule report: null when the code did not verify far enough to check. */
export type RuledVerdict = Verdict & {
  rules?: EntryRulesReport | null;
  /** The source-list entries (--trust source lists) of the testing centres and vaccination sites the verified certificate names by code, for display. */
  sources?: SourceListEntry[];
  /** Valid, invalid, or cannot check and what is missing (core/outcome.ts). */
  outcome?: Outcome;
};

/** Adds the entry-rule report to a verdict whose certificate verified (at the verdict's own clock). */
export function withRules(v: Verdict, setting: RulesSetting, at: number): RuledVerdict {
  if (!v.certificate) return Object.assign(v, { rules: null });
  const report = evaluateEntryRules({
    certificate: v.certificate,
    rules: setting.rules,
    country: setting.country,
    at,
    signature: { issuedAt: v.issuedAt, expiresAt: v.expiresAt, kid: v.kid, issuer: v.issuer },
  });
  return Object.assign(v, { rules: report });
}

/** A code is accepted when it is valid and, with rules in force, meets them (open is not met). */
export function accepted(v: RuledVerdict): boolean {
  return v.valid && (v.outcome === undefined || v.outcome.verdict === 'valid') && !(v.rules && v.rules.hasRules && !v.rules.passed);
}

const MARK: Readonly<Record<RuleOutcome['result'], string>> = { passed: '✔ 通过 passed', failed: '✘ 未通过 FAILED', open: '? 无法判定 OPEN' };

/** The rules block of the text summary. */
export function rulesText(r: EntryRulesReport | null | undefined): string[] {
  if (r === undefined) return [];
  if (r === null) return ['  入境规则 Entry rules:  未检查：证明未通过验证 / not checked: the certificate did not verify'];
  const head = `  入境规则 Entry rules (${r.country}, ${r.at}):`;
  if (!r.hasRules) return [`${head} 此时无有效规则 / no rule of ${r.country} is in force at this time`];
  const failed = r.results.filter((x) => x.result === 'failed');
  const open = r.results.filter((x) => x.result === 'open');
  const verdict = r.passed
    ? '✔ 符合 MET'
    : failed.length
      ? `✘ 不符合 NOT MET — ${failed.map((x) => x.ruleId).join(', ')} ${failed.length > 1 ? 'fail' : 'fails'}`
      : `? 无法判定 OPEN — ${open.map((x) => x.ruleId).join(', ')} could not be evaluated`;
  const lines = [`${head} ${verdict}`];
  if (r.basis && r.basis.kind !== 'dcc') lines.push(`    ${basisText(r.basis)}`);
  for (const x of r.results) {
    const desc = x.description.zh === x.description.en ? x.description.en : `${x.description.zh} / ${x.description.en}`;
    lines.push(`    ${MARK[x.result]}  ${x.ruleId}: ${desc}${x.reason ? ` (${x.reason})` : ''}`);
  }
  return lines;
}

/** One word for `verify -` lines. */
export function rulesBrief(r: EntryRulesReport | null | undefined): string | undefined {
  if (!r || !r.hasRules) return undefined;
  if (r.passed) return `RULES MET ${r.country}`;
  const failed = r.results.filter((x) => x.result === 'failed').map((x) => x.ruleId);
  return failed.length ? `RULES NOT MET ${r.country}: ${failed.join(', ')}` : `RULES OPEN ${r.country}`;
}

function basisText(b: NonNullable<EntryRulesReport['basis']>): string {
  if (b.kind === 'test') return `依据：第 ${b.index + 1} 项检测 / on test ${b.index + 1} of the certificate`;
  if (b.kind === 'vaccination') return `依据：第 ${b.index + 1} 剂疫苗接种记录 / on vaccination record ${b.index + 1} of the certificate`;
  return '证明中没有可按欧盟规则判断的检测或接种记录 / the certificate holds no test or vaccination the rules can read';
}
