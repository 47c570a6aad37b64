/**
 * The EU test data the conformance suites read: published repositories, checked out side by side
 * under one folder, read only. The folder is $ITHC_TESTDATA (absolute, or relative to the
 * repository) or else ../shared/testdata beside the clone.
 *
 * A suite that needs a part is declared with describeWithTestdata (or testWithTestdata for a single
 * test). Where the part is there it runs as written. Where it is not, the suite reads nothing and
 * stands as one skipped test whose name says what is missing, where it was looked for and where it
 * is published; with ITHC_REQUIRE_TESTDATA set (CI) that test fails instead, so a missing folder
 * cannot pass unnoticed.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const REPO = resolve(__dirname, '../..');

export const TESTDATA_ROOT = resolve(REPO, process.env.ITHC_TESTDATA || '../shared/testdata');

/** Each part, as a path under TESTDATA_ROOT, and where it is published. */
export const TESTDATA_PARTS = Object.freeze({
  'dcc-testdata': 'https://github.com/eu-digital-green-certificates/dgc-testdata',
  // tags/<release> holds the schema files of each earlier release tag of the same repository.
  'dcc-schema': 'https://github.com/ehn-dcc-development/eu-dcc-schema',
  'dcc-valuesets': 'https://github.com/ehn-dcc-development/eu-dcc-valuesets',
  'certlogic/spec': 'https://github.com/ehn-dcc-development/dgc-business-rules, folder certlogic/specification',
  'certlogic/rules-testdata': 'https://github.com/ehn-dcc-development/dgc-business-rules-testdata',
  'certlogic/validation-rule.schema.json': 'https://github.com/eu-digital-green-certificates/dgc-gateway, src/main/resources/validation-rule.schema.json',
});

export type TestdataPart = keyof typeof TESTDATA_PARTS;

/** A path inside a part. Computing it reads nothing. */
export function testdataPath(part: TestdataPart, ...rest: string[]): string {
  return join(TESTDATA_ROOT, part, ...rest);
}

export function hasTestdata(part: TestdataPart): boolean {
  return existsSync(testdataPath(part));
}

/** One line naming every missing part of `parts`, the path looked at and where it is published; undefined when all are there. */
export function missingTestdata(parts: TestdataPart | readonly TestdataPart[]): string | undefined {
  const missing = (typeof parts === 'string' ? [parts] : parts).filter((p) => !hasTestdata(p));
  if (!missing.length) return undefined;
  const what = missing.map((p) => `${p} not found at ${testdataPath(p)} (published at ${TESTDATA_PARTS[p]})`).join('; ');
  return `needs the EU test data: ${what}; set ITHC_TESTDATA to the folder that holds it`;
}

const required = (): boolean => !['', '0', 'false'].includes(process.env.ITHC_REQUIRE_TESTDATA ?? '');

/** Stands for a suite or test whose data is missing: one skipped test, or a failing one when the data is required. */
function standIn(title: string): void {
  if (required()) {
    test(title, () => {
      throw new Error('ITHC_REQUIRE_TESTDATA is set: the test data named above must be there');
    });
  } else {
    test.skip(title, () => undefined);
  }
}

/** describe(name, fn) where every part is there; otherwise `fn` never runs and one stand-in test says what is missing. */
export function describeWithTestdata(parts: TestdataPart | readonly TestdataPart[], name: string, fn: () => void): void {
  const missing = missingTestdata(parts);
  describe(name, missing ? () => standIn(missing) : fn);
}

/** test(name, fn) where every part is there; otherwise one stand-in test in its place. */
export function testWithTestdata(parts: TestdataPart | readonly TestdataPart[], name: string, fn: jest.ProvidesCallback, timeout?: number): void {
  const missing = missingTestdata(parts);
  if (missing) standIn(`${name}: ${missing}`);
  else test(name, fn, timeout);
}
