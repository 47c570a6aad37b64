/**
 * The CertLogic specification's own suites, run through core/rules.ts (evaluateExpression is the
 * call every rule evaluation makes; logicIssues is the validation checkRule applies):
 * - testSuite: every assertion's expected value;
 * - validation-testSuite: every case's expected issues.
 * Cases the suite itself marks "skip" are listed as skipped tests with that reason.
 */
import { evaluateExpression, logicIssues } from '../../core/rules';
import { describeWithTestdata } from '../support/testdata';
import { specSuite } from './testdata';

describeWithTestdata('certlogic/spec', "the CertLogic specification's suites", () => {
  const evaluatorSuites = specSuite('testSuite');
  const validationSuites = specSuite('validation-testSuite');

  test('the suites are there', () => {
    expect(evaluatorSuites.length).toBeGreaterThan(10);
    expect(validationSuites.length).toBeGreaterThan(3);
  });

  describe.each(evaluatorSuites.map((s) => [s.file, s.suite] as const))('testSuite %s', (_file, suite) => {
    for (const [ci, c] of (suite.cases as any[]).entries()) {
      (c.assertions as any[]).forEach((a, ai) => {
        const name = `${c.name ?? `case ${ci}`} #${ai}${a.message ? `: ${a.message}` : ''}`;
        const skipped = suite.directive === 'skip' || c.directive === 'skip' || a.directive === 'skip';
        if (skipped) {
          test.skip(`${name} (marked "skip" in the specification's suite: behaviour it leaves unspecified)`, () => undefined);
          return;
        }
        test(name, () => {
          const expr = a.certLogicExpression ?? c.certLogicExpression;
          expect(evaluateExpression(expr, a.data)).toEqual(a.expected);
        });
      });
    }
  });

  describe.each(validationSuites.map((s) => [s.file, s.suite] as const))('validation-testSuite %s', (_file, suite) => {
    (suite.cases as any[]).forEach((c, ci) => {
      const name = `${c.name ?? `case ${ci}`}: ${JSON.stringify(c.certLogicExpression)?.slice(0, 80)}`;
      if (suite.directive === 'skip' || c.directive === 'skip') {
        test.skip(`${name} (marked "skip" in the specification's suite)`, () => undefined);
        return;
      }
      test(name, () => {
        expect(logicIssues(c.certLogicExpression)).toEqual(c.issues);
      });
    });
  });
});
