/**
 * The EU member states' published business rules (rules-testdata: 194 rules with 1,364 tests),
 * through core/rules.ts:
 * - every rule passes checkRule (the gateway's constraints, bounded sizes, valid CertLogic);
 * - every test's expected result, with evaluateRule on the test's own payload and external;
 * - the same test through the whole evaluateEntryRules path (selection by country, validity
 *   window and certificate type, our `external`): a selected rule gives the expected result, and a
 *   rule the path leaves out for the certificate's type is one the test expects to pass.
 */
import { checkRule, evaluateEntryRules, evaluateRule, logicIssues, type ValidationRule } from '../../core/rules';
import type { CertificateContent } from '../../core/hcert';
import { describeWithTestdata } from '../support/testdata';
import { otherRuleFiles, publishedRules, type RuleTest } from './testdata';

/** ISO 8601 → seconds; a time without a zone is UTC, as CertLogic's plusTime reads it. */
function seconds(iso: string): number {
  const zoned = /([zZ]|[+-]\d\d(:?\d\d)?)$/.test(iso) ? iso : `${iso}Z`;
  const ms = Date.parse(zoned);
  if (!Number.isFinite(ms)) throw new Error(`unreadable validationClock ${iso}`);
  return ms / 1000;
}

function expectedResult(t: RuleTest): 'passed' | 'failed' {
  if (t.expected === true) return 'passed';
  if (t.expected === false) return 'failed';
  throw new Error(`${t.file}: expected must be true or false, not ${JSON.stringify(t.expected)}`);
}

describeWithTestdata('certlogic/rules-testdata', 'the published rules', () => {
  const published = publishedRules();
  const cases = published.flatMap((p) => p.tests.map((t) => [`${t.file}${t.name ? ` (${t.name})` : ''}`, p.rule, t] as const));

  test('the whole published set is read: 194 rules with tests, 1,364 tests', () => {
    expect(published.length).toBe(194);
    expect(cases.length).toBe(1364);
  });

  describe('checkRule accepts every published rule', () => {
    test.each(published.map((p) => [p.id, p.rule] as const))('%s', (_id, rule) => {
      expect(checkRule(rule).problems).toEqual([]);
    });
    const others = otherRuleFiles();
    // Malta's rules, published without tests: accepted unless their Logic is not CertLogic (as
    // VR-MT-0005's, an "if" with four operands): then that, and only that, is what checkRule says.
    test.each(others.filter((o) => o.rule).map((o) => [o.file, o.rule] as const))('%s (no tests published)', (_file, rule) => {
      const problems = checkRule(rule).problems;
      if (logicIssues(rule.Logic).length === 0) expect(problems).toEqual([]);
      else {
        expect(problems.length).toBeGreaterThan(0);
        for (const p of problems) expect(p).toMatch(/^Logic is not valid CertLogic: /);
      }
    });
    // Published with a JSON syntax error (a trailing comma): no reader can take it, and neither do we.
    test.each(others.filter((o) => o.unreadable).map((o) => [o.file, o.unreadable] as const))('%s is not JSON as published: %s', (_file, why) => {
      expect(why).toMatch(/JSON/);
    });
  });

  describe('every rule test, by evaluateRule on its own data', () => {
    test.each(cases)('%s', (_name, rule, t) => {
      const checked = checkRule(rule).rule!;
      expect(evaluateRule(checked, { payload: t.payload, external: t.external })).toEqual({ result: expectedResult(t) });
    });
  });

  describe('every rule test, through evaluateEntryRules', () => {
    test.each(cases)('%s', (_name, rule, t) => {
      const r = checkRule(rule).rule as ValidationRule;
      // A clock inside the rule's validity: the test's own, else the rule's first second.
      const at = t.external.validationClock ? seconds(t.external.validationClock) : Date.parse(r.ValidFrom) / 1000;
      // Only the payload is read from the certificate (ruleCandidates): a DCC as issued.
      const certificate = { format: 'dcc', dcc: { json: t.payload ?? {}, type: 'v' } } as unknown as CertificateContent;
      const report = evaluateEntryRules({
        certificate,
        rules: [r],
        country: r.Country,
        at,
        signature: { issuer: r.Type === 'Invalidation' ? r.Country : null },
        valueSets: t.external.valueSets,
      });
      expect(report.hasRules).toBe(true);
      const mine = report.results.find((x) => x.ruleId === r.Identifier);
      // Whether the rule applies, derived from the payload here rather than by core's own helper.
      const key = { General: '', Test: 't', Vaccination: 'v', Recovery: 'r' }[r.CertificateType];
      const entries = key ? (t.payload as Record<string, unknown> | null)?.[key] : undefined;
      const applies = r.CertificateType === 'General' || (Array.isArray(entries) && entries.length > 0);
      expect(mine !== undefined).toBe(applies);
      if (mine) {
        expect(mine.result).toBe(expectedResult(t));
        expect(report.passed).toBe(t.expected === true);
      } else {
        // Left out as not applying to this certificate's type: such a rule cannot refuse it.
        expect(t.expected).toBe(true);
      }
    });
  });
});
