/**
 * `ithc verify --rules FILE --country XX`, run in-process through the CLI's main(): the demo
 * traveller's codes against the demo partner's rules (from a partner export and from a plain
 * array of rules), text and --json, exit statuses, and the usage errors a bad rules file gives.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runMain } from '../cli/helpers';
import { openLocalApp } from '../../node/local';
import { demoTravellerFlow, seedDemo } from '../../demo/seed';
import { ManualClock } from '../../server/clock';
import type { CertificateView } from '../../server/functions/definitions';
import { DEMO_PARTNER_RULES } from '../../demo/partner';
import { publishDscList } from '../../server/trust/dsc-list';
import { NOW, tempDir } from '../partners/helpers';
import { describeWithTestdata } from '../support/testdata';
import { publishedRules } from './testdata';
import { format } from '../../core/view';

const HOUR = 3_600_000;

const run = runMain;

let dir: string;
let view: CertificateView;
let trust: string;
let exportFile: string;
let arrayFile: string;
let sampled: number;
const iso = (ms: number) => new Date(ms).toISOString();

beforeAll(async () => {
  dir = tempDir('cli-rules');
  const app = await openLocalApp(join(dir, 'data'), { clock: new ManualClock(NOW) });
  try {
    await seedDemo(app);
    view = await demoTravellerFlow(app);
    trust = join(dir, 'trust.json');
    writeFileSync(trust, JSON.stringify(await publishDscList(app.keys, app.config.country, app.clock.now())));
    exportFile = join(dir, 'partners.json');
    writeFileSync(exportFile, JSON.stringify(await app.partners.exportAll()));
  } finally {
    await app.store.close();
  }
  sampled = Date.parse((view.certificate.tests as Array<{ sampleTime: string }>)[0].sampleTime);
});

describe('rules met', () => {
  test('text: the verdict, then every rule that applies, passed; exit 0', async () => {
    const r = await run(['verify', '--trust', trust, '--rules', exportFile, '--country', 'SG', '--at', iso(NOW), view.codes.ithc]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`✔ ${format('en', 'verdict.valid')}`);
    expect(r.stdout).toContain(`${format('en', 'section.rules', { country: 'SG' })}: ${format('en', 'rules.passed', { country: 'SG' })}`);
    const applying = DEMO_PARTNER_RULES.filter((x) => x.CertificateType !== 'Vaccination');
    for (const rule of applying)
      expect(r.stdout).toContain(`✔ ${format('en', 'rule.passed')}  ${rule.Identifier}: ${rule.Description.find((d) => d.lang === 'en')!.desc}`);
    expect(r.stdout).not.toContain('VR-SG-');
  });

  test('without --rules the JSON has no "rules" field', async () => {
    const r = await run(['verify', '--json', '--trust', trust, '--at', iso(NOW), view.codes.ithc]);
    expect(Object.keys(JSON.parse(r.stdout))).toEqual(['valid', 'verdict', 'format', 'kid', 'issuer', 'errors', 'missing', 'payload']);
  });
});

describe('rules not met', () => {
  test('the test 72 hours old: exit 1, and the failed rule is named', async () => {
    const at = iso(sampled + 72 * HOUR);
    const r = await run(['verify', '--trust', trust, '--rules', exportFile, '--country', 'SG', '--at', at, view.codes.ithc]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`✔ ${format('en', 'verdict.valid')}`);
    expect(r.stdout).toContain(`${format('en', 'section.rules', { country: 'SG' })}: ${format('en', 'rules.failed', { country: 'SG' })}`);
    expect(r.stdout).toContain(`✘ ${format('en', 'rule.failed')}  TR-SG-0003: `);
  });

  test('a batch: one line per code, the vaccination HC1 codes fail; exit 1', async () => {
    const codes = [view.codes.ithc, ...view.codes.dcc.map((d) => d.code)];
    const r = await run(['verify', '--json', '--trust', trust, '--rules', exportFile, '--country', 'SG', '--at', iso(NOW), '-'], codes.join('\n') + '\n');
    expect(r.code).toBe(1);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.valid)).toEqual(codes.map(() => true));
    expect(lines.map((l) => l.rules.passed)).toEqual([true, ...view.codes.dcc.map((d) => d.type === 't')]);
    const text = await run(['verify', '--trust', trust, '--rules', exportFile, '--country', 'SG', '--at', iso(NOW), '-'], codes.join('\n') + '\n');
    const vacc = text.stdout
      .trim()
      .split('\n')
      .filter((_, i) => i > 0 && view.codes.dcc[i - 1].type === 'v');
    for (const l of vacc) expect(l).toMatch(new RegExp(`${format('en', 'rules.failed', { country: 'SG' }).replace(/\./g, '\\.')} .*VR-SG-0003`));
  });

  test('a code that does not verify: rules not checked, said so', async () => {
    const r = await run(['verify', '--json', '--rules', exportFile, '--country', 'SG', view.codes.ithc]);
    // No trust list given: the signer cannot be looked up, so it cannot be checked (exit 3).
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout).rules).toBeNull();
    const t = await run(['verify', '--rules', exportFile, '--country', 'SG', view.codes.ithc]);
    expect(t.stdout).toContain(format('en', 'rules.notChecked'));
  });

  test('no SG rule in force at the time: said so, and the exit status is the verdict`s', async () => {
    const r = await run(['verify', '--trust', trust, '--rules', exportFile, '--country', 'SG', '--at', '2023-06-01', view.codes.ithc]);
    expect(r.stdout).toContain(format('en', 'rules.none', { country: 'SG' }));
    // Before issuance the signature is not yet valid: that, not the rules, gives 1.
    expect(r.stdout).toContain('NOT_YET_VALID');
    expect(r.code).toBe(1);
  });
});

describe('usage errors (exit 2, before any result)', () => {
  const bad = (name: string, content: unknown) => {
    const f = join(dir, name);
    writeFileSync(f, typeof content === 'string' ? content : JSON.stringify(content));
    return f;
  };

  test.each([
    ['--rules without --country', () => ['--rules', exportFile], /--rules needs --country XX/],
    ['--country without --rules', () => ['--country', 'SG'], /--country needs --rules FILE/],
    ['a lower-case country', () => ['--rules', exportFile, '--country', 'sg'], /ISO 3166-1 alpha-2 code in capitals/],
    ['a file that is not JSON', () => ['--rules', bad('not-json.json', '[{'), '--country', 'SG'], /is not JSON/],
    [
      'a rule whose Logic is not CertLogic',
      () => ['--rules', bad('bad-logic.json', [{ ...DEMO_PARTNER_RULES[0], Logic: { if: [1] } }]), '--country', 'SG'],
      /rule 0 GR-SG-0001: Logic is not valid CertLogic/,
    ],
    ['an export without the country', () => ['--rules', exportFile, '--country', 'FR'], /has no partner FR/],
    ['a missing file', () => ['--rules', join(dir, 'missing.json'), '--country', 'SG'], /missing\.json/],
  ])('%s', async (_what, args, message) => {
    const r = await run(['verify', '--trust', trust, ...args(), view.codes.ithc]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
  });

  test('--help documents --rules and --country and what a failed rule does', async () => {
    const r = await run(['verify', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/--rules FILE +check entry rules/);
    expect(r.stdout).toMatch(/--country XX +the destination whose rules apply/);
    expect(r.stdout).toContain('A failed or open rule makes the exit status 1.');
  });
});

describeWithTestdata('certlogic/rules-testdata', "a plain array of rules, as a gateway hands out: the EU's published rules beside SG's", () => {
  beforeAll(() => {
    arrayFile = join(dir, 'rules.json');
    const eu = publishedRules()
      .filter((p) => p.id.startsWith('EU/'))
      .map((p) => p.rule);
    writeFileSync(arrayFile, JSON.stringify([...eu, ...DEMO_PARTNER_RULES]));
  });

  test('--json: a "rules" field after the payload', async () => {
    const r = await run(['verify', '--json', '--trust', trust, '--rules', arrayFile, '--country', 'SG', '--at', iso(NOW), view.codes.ithc]);
    expect(r.code).toBe(0);
    const line = JSON.parse(r.stdout);
    expect(Object.keys(line)).toEqual(['valid', 'verdict', 'format', 'kid', 'issuer', 'errors', 'missing', 'payload', 'rules']);
    expect(line.rules).toMatchObject({ country: 'SG', hasRules: true, passed: true, basis: { kind: 'test', index: 0 } });
    expect(line.rules.results.every((x: any) => x.result === 'passed')).toBe(true);
  });

  test('no rule of the country: a usage error (exit 2, before any result)', async () => {
    const r = await run(['verify', '--trust', trust, '--rules', arrayFile, '--country', 'FR', view.codes.ithc]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/holds no entry rules of FR/);
  });
});
