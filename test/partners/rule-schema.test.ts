/**
 * The EU gateway's JSON Schema for validation rules, as copied into the repository, and the one
 * place we deviate from it (the Identifier pattern), measured on the published rules.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { publishedSchemaProblems, readRuleSet, ruleProblems } from '../../core/rule-schema';
import { DEMO_PARTNER_RULES } from '../../demo/partner';
import { publishedRules, RULE_SCHEMA_FILE } from '../rules/testdata';
import { describeWithTestdata } from '../support/testdata';

describeWithTestdata(['certlogic/rules-testdata', 'certlogic/validation-rule.schema.json'], 'the validation rule schema on the published rules', () => {
  const published = publishedRules();

  test('the repository holds the schema exactly as the test data has it', () => {
    expect(readFileSync(join(__dirname, '../../core/schemas/rules/validation-rule.schema.json'))).toEqual(readFileSync(RULE_SCHEMA_FILE));
  });

  test('as published, the schema refuses every published rule, and only for its zero-padded Identifier', () => {
    for (const p of published) {
      expect([p.id, publishedSchemaProblems(p.rule)]).toEqual([p.id, ['/Identifier must match pattern "^(GR|VR|TR|RR|IR)-[A-Z]{2}-[1-9]\\d*$"']]);
    }
  });

  test('with our Identifier pattern every published rule is accepted, and the schema form still is', () => {
    for (const p of published) expect([p.id, ruleProblems(p.rule)]).toEqual([p.id, []]);
    const rule = { ...published[0].rule, Identifier: published[0].rule.Identifier.replace(/-\d+$/, '-12') };
    expect(publishedSchemaProblems(rule)).toEqual([]);
    expect(ruleProblems(rule)).toEqual([]);
  });

  test('what only the schema checks is still checked: a description shorter than 20 characters', () => {
    const rule = { ...published[0].rule, Description: [{ lang: 'en', desc: 'Too short.' }] };
    expect(ruleProblems(rule)).toEqual(['/Description/0/desc must NOT have fewer than 20 characters', '/Description must contain at least 1 valid item(s)']);
  });

  test('a rule set: the whole EU set reads; a version twice, or another country, is refused', () => {
    const eu = published.filter((p) => p.id.startsWith('EU/')).map((p) => p.rule);
    expect(readRuleSet(eu, 'EU')).toEqual({ rules: eu, problems: [] });
    expect(readRuleSet([eu[0], eu[0]]).problems).toEqual([`rule 1 ${eu[0].Identifier}: version ${eu[0].Version} of ${eu[0].Identifier} appears twice`]);
    expect(readRuleSet(eu, 'SG').problems).toHaveLength(eu.length);
    expect(readRuleSet({}).problems).toEqual(['rules must be a JSON array of validation rules']);
    expect(readRuleSet(DEMO_PARTNER_RULES, 'SG').problems).toEqual([]);
  });
});
