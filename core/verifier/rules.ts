/**
 * A destination's entry rules (CertLogic, core/rules.ts) as the verifier checks them: on every
 * certificate that verifies, at the validation time, with the signature's facts.
 */
import { evaluateEntryRules, type ValidationRule } from '../rules';
import type { EntryRulesCheck } from './index';

export interface EntryRulesSetting {
  /** Country of arrival, ISO 3166-1 alpha-2. */
  country: string;
  rules: readonly ValidationRule[];
}

export function entryRules(setting: EntryRulesSetting): EntryRulesCheck {
  const rules = [...setting.rules];
  return (v, now) =>
    evaluateEntryRules({
      certificate: v.certificate,
      rules,
      country: setting.country,
      at: now,
      signature: { issuedAt: v.issuedAt, expiresAt: v.expiresAt, kid: v.kid, issuer: v.issuer },
    });
}
