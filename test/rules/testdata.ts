/**
 * The CertLogic test data (certlogic/ in the EU test data, test/support/testdata.ts): the
 * specification's evaluator and validator suites, and the EU member states' published rules with
 * their tests (rules-testdata/<set>/<rule>/rule.json + tests/*.json, format in rules-testdata/README.md).
 * Nothing is read until a function is called: call them inside a describeWithTestdata suite.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { testdataPath } from '../support/testdata';

export const SPEC_DIR = testdataPath('certlogic/spec');
export const RULES_DIR = testdataPath('certlogic/rules-testdata');
export const RULE_SCHEMA_FILE = testdataPath('certlogic/validation-rule.schema.json');

export function readJson(path: string): any {
  return JSON.parse(readFileSync(path, 'utf8'));
}

export interface RuleTest {
  file: string;
  name?: string;
  payload: unknown;
  external: any;
  expected: unknown;
}

export interface PublishedRule {
  /** "<set>/<rule>" */
  id: string;
  rule: any;
  tests: RuleTest[];
}

/** Every rule that has a rule.json, with its tests. */
export function publishedRules(): PublishedRule[] {
  const out: PublishedRule[] = [];
  for (const set of readdirSync(RULES_DIR).sort()) {
    const setDir = join(RULES_DIR, set);
    if (!statSync(setDir).isDirectory()) continue;
    for (const name of readdirSync(setDir).sort()) {
      const ruleFile = join(setDir, name, 'rule.json');
      if (!existsSync(ruleFile)) continue;
      const testDir = join(setDir, name, 'tests');
      const tests = existsSync(testDir)
        ? readdirSync(testDir)
            .filter((f) => f.endsWith('.json'))
            .sort()
            .map((f) => ({ file: `${set}/${name}/tests/${f}`, ...readJson(join(testDir, f)) }) as RuleTest)
        : [];
      out.push({ id: `${set}/${name}`, rule: readJson(ruleFile), tests });
    }
  }
  return out;
}

/**
 * Rule files outside the <set>/<rule>/rule.json layout (Malta's are named after the rule and
 * carry no tests): read so that they are checked too, never silently left out.
 */
export function otherRuleFiles(): Array<{ file: string; rule?: any; unreadable?: string }> {
  const out: Array<{ file: string; rule?: any; unreadable?: string }> = [];
  for (const set of readdirSync(RULES_DIR).sort()) {
    const setDir = join(RULES_DIR, set);
    if (!statSync(setDir).isDirectory() || ['tests', 'tooling', 'valuesets'].includes(set)) continue;
    for (const name of readdirSync(setDir).sort()) {
      const dir = join(setDir, name);
      if (!statSync(dir).isDirectory() || existsSync(join(dir, 'rule.json'))) continue;
      for (const f of readdirSync(dir)
        .filter((x) => x.endsWith('.json'))
        .sort()) {
        try {
          out.push({ file: `${set}/${name}/${f}`, rule: readJson(join(dir, f)) });
        } catch (e) {
          out.push({ file: `${set}/${name}/${f}`, unreadable: e instanceof Error ? e.message : String(e) });
        }
      }
    }
  }
  return out;
}

export function specSuite(kind: 'testSuite' | 'validation-testSuite'): Array<{ file: string; suite: any }> {
  const dir = join(SPEC_DIR, kind);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ file: f, suite: readJson(join(dir, f)) }));
}
