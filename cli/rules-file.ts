/**
 * `ithc verify --rules FILE --country XX`: reading the rules (main thread, before the first code).
 *
 * FILE is a JSON array of validation rules (e.g. the EU gateway's list; other countries' entry
 * rules are left out), a partner export (`ithc partners export`: the --country partner's rules),
 * or one partner document. The rules are checked against the gateway's schema and by core's
 * checkRule (core/rule-schema.ts) before the first code is verified: a bad file is a
 * usage error.
 */
import { UsageError, type OptionSpec } from './args';
import type { RulesSetting } from './rules';
import { readInputFile } from './trust';

export const RULES_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'rules',
    value: 'FILE',
    help: {
      en: 'check entry rules (CertLogic): a JSON array of rules, or a partner export; needs --country',
      zh: '检查入境规则（CertLogic）：规则 JSON 数组或合作方导出文件；须同时给出 --country',
    },
  },
  { name: 'country', value: 'XX', help: { en: 'the destination whose rules apply (ISO 3166-1 alpha-2)', zh: '适用其入境规则的目的地（ISO 3166-1 两位代码）' } },
];

const MAX_RULES_FILE = 8 * 1024 * 1024;

/** Reads --rules and --country (both or neither), or throws UsageError. */
export async function loadRules(options: Readonly<Record<string, unknown>>): Promise<RulesSetting | undefined> {
  const file = options.rules;
  const country = options.country;
  if (file === undefined && country === undefined) return undefined;
  if (typeof file !== 'string') throw new UsageError('--country needs --rules FILE (the rules to check)');
  if (typeof country !== 'string') throw new UsageError('--rules needs --country XX (the destination whose rules apply)');
  if (!/^[A-Z]{2}$/.test(country)) throw new UsageError(`--country expects an ISO 3166-1 alpha-2 code in capitals (e.g. SG), got ${JSON.stringify(country)}`);
  const bytes = readInputFile(file, 'rules file', MAX_RULES_FILE);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (e) {
    throw new UsageError(`${file} is not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const candidates = rulesIn(json, country, file);
  // The schema check needs ajv: loaded only when rules are given, so plain `verify` starts faster.
  const { readRuleSet } = await import('../core/rule-schema');
  const r = readRuleSet(candidates);
  if (r.problems.length) {
    const shown = r.problems
      .slice(0, 10)
      .map((p) => `  ${p}`)
      .join('\n');
    throw new UsageError(`${file} holds rules that cannot be used:\n${shown}${r.problems.length > 10 ? `\n  … and ${r.problems.length - 10} more` : ''}`);
  }
  if (!r.rules!.some((x) => x.Country === country && x.Type === 'Acceptance')) throw new UsageError(`${file} holds no entry rules of ${country}`);
  return { country, rules: r.rules! };
}

/** The rules of a file for a country: an array (rules of other countries' acceptance left out), an export, or a partner. */
function rulesIn(json: unknown, country: string, file: string): unknown[] {
  if (Array.isArray(json)) {
    // An Invalidation rule belongs to the issuer, whoever the destination: kept for selection.
    return json.filter(
      (r) => !(r && typeof r === 'object' && (r as { Type?: unknown }).Type === 'Acceptance' && (r as { Country?: unknown }).Country !== country),
    );
  }
  if (json && typeof json === 'object') {
    const o = json as Record<string, unknown>;
    if (o.format === 'ithc-partners' && Array.isArray(o.partners)) {
      const p = o.partners.find((x) => x && typeof x === 'object' && (x as { country?: unknown }).country === country) as { rules?: unknown } | undefined;
      if (!p) throw new UsageError(`${file} has no partner ${country}`);
      return Array.isArray(p.rules) ? p.rules : [];
    }
    if (typeof o.country === 'string' && Array.isArray(o.rules)) {
      if (o.country !== country) throw new UsageError(`${file} is partner ${o.country}'s, not ${country}'s`);
      return o.rules;
    }
  }
  throw new UsageError(`${file} is neither a JSON array of rules nor a partner export`);
}
