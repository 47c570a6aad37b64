/**
 * `ithc verify --rules FILE --country XX`, the checking side: a destination's entry rules
 * (CertLogic) evaluated by the verifier (core/verifier/rules.ts) against every certificate that verifies,
 * at the validation clock (--at or now), and how the result is shown. Runs in verification workers too;
 * reading the rules file is rules-file.ts (main thread only). Semantics: docs/entry-rules.md.
 */
import type { SourceListEntry } from '../core/sourcelist';
import type { Verdict } from '../core/hcert';
import type { EntryRulesReport, ValidationRule } from '../core/rules';
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
  /** The validation time the code was checked at, seconds (--at, or the time of the check): ages of samples count to it. */
  checkedAt?: number;
};

/** A code is accepted when it is valid and, with rules in force, meets them (open is not met). */
export function accepted(v: RuledVerdict): boolean {
  return v.valid && (v.outcome === undefined || v.outcome.verdict === 'valid') && !(v.rules && v.rules.hasRules && !v.rules.passed);
}
