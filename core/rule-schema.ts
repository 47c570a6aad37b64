/**
 * Validation rules from outside (a partner's entry rules, `ithc verify --rules FILE`) are checked
 * twice before anything evaluates them:
 *
 * 1. against the EU DCC gateway's JSON Schema for rules (schemas/rules/validation-rule.schema.json,
 *    copied unchanged from eu-digital-green-certificates/dgc-gateway; see the README.md beside it),
 *    with one deviation: its Identifier pattern `-[1-9]\d*$` refuses the zero-padded numbers that
 *    every published rule set uses (GR-EU-0000 …), so Identifier is checked with rules.ts
 *    RULE_IDENTIFIER, which accepts both;
 * 2. by rules.ts checkRule: the gateway's other constraints (Identifier head and country,
 *    ValidFrom before ValidTo), bounded sizes and the Logic validated as CertLogic.
 */
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import { checkRule, RULE_IDENTIFIER, RULE_LIMITS, type ValidationRule } from './rules';
import RULE_SCHEMA from './schemas/rules/validation-rule.schema.json';

export { RULE_SCHEMA };

let compiled: { published: ValidateFunction; ours: ValidateFunction } | undefined;

function validators(): { published: ValidateFunction; ours: ValidateFunction } {
  if (!compiled) {
    // Formats off: the schema's "format" values are prose ("ISO 8601 Timestamp …"); its patterns
    // carry the actual constraint.
    const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: false });
    const ours = {
      ...RULE_SCHEMA,
      $id: RULE_SCHEMA.$id.replace(/\.schema\.json$/, '.ithc.schema.json'),
      properties: { ...RULE_SCHEMA.properties, Identifier: { ...RULE_SCHEMA.properties.Identifier, pattern: RULE_IDENTIFIER.source } },
    };
    compiled = { published: ajv.compile(RULE_SCHEMA), ours: ajv.compile(ours) };
  }
  return compiled;
}

function messages(v: ValidateFunction): string[] {
  // allErrors reports a value once per keyword that reaches it (items and contains): once is enough.
  return [...new Set((v.errors ?? []).map((e) => `${e.instancePath || '(rule)'} ${e.message ?? 'is invalid'}`))].slice(0, 10);
}

/** Problems of one rule against the gateway's schema exactly as published (for tests and tooling). */
export function publishedSchemaProblems(rule: unknown): string[] {
  const v = validators().published;
  return v(rule) ? [] : messages(v);
}

/** Every problem of one rule: the schema (with our Identifier pattern), then checkRule. */
export function ruleProblems(rule: unknown): string[] {
  const v = validators().ours;
  const schema = v(rule) ? [] : messages(v);
  return [...schema, ...checkRule(rule).problems];
}

/**
 * Reads a rule set: an array of rules, each checked by ruleProblems; no Identifier twice in the
 * same Version; with `country`, every rule must be that country's.
 */
export function readRuleSet(value: unknown, country?: string): { rules?: ValidationRule[]; problems: string[] } {
  if (!Array.isArray(value)) return { problems: ['rules must be a JSON array of validation rules'] };
  if (value.length > RULE_LIMITS.maxRules) return { problems: [`${value.length} rules; at most ${RULE_LIMITS.maxRules} are accepted`] };
  const problems: string[] = [];
  const seen = new Set<string>();
  value.forEach((rule: unknown, i) => {
    const identifier = rule && typeof rule === 'object' ? (rule as { Identifier?: unknown }).Identifier : undefined;
    const id = typeof identifier === 'string' ? ` ${identifier.slice(0, 40)}` : '';
    const own = ruleProblems(rule);
    for (const p of own) problems.push(`rule ${i}${id}: ${p}`);
    if (own.length) return;
    const r = rule as ValidationRule;
    if (country && r.Country !== country) problems.push(`rule ${i}${id}: Country ${r.Country} is not ${country}; a partner publishes only its own rules`);
    const key = `${r.Identifier}@${r.Version}`;
    if (seen.has(key)) problems.push(`rule ${i}${id}: version ${r.Version} of ${r.Identifier} appears twice`);
    seen.add(key);
  });
  return problems.length ? { problems } : { rules: value as ValidationRule[], problems };
}
