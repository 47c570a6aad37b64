/**
 * core/rules.ts on its own: how a comprehensive certificate becomes what rules read, the
 * "one record that meets every rule" semantics, rule selection (country, validity window, type,
 * version, engine), open results, descriptions and `external`.
 */
import { validateDccSchema } from '../../core/dcc-schema';
import type { CertificateContent } from '../../core/hcert';
import { ithcRecordToDcc, ithcToCbor, readIthc, type IthcCertificate, type IthcCertificateInput } from '../../core/ithc';
import {
  checkRule,
  evaluateEntryRules,
  RULE_ENGINE_VERSION,
  RULE_VALUE_SETS,
  ruleCandidates,
  ruleDescription,
  ruleExternal,
  selectRules,
  type ValidationRule,
} from '../../core/rules';
import { VALUE_SETS } from '../../core/valuesets';
import { exampleCertificate, ISSUER, LAB_CODE, SAMPLE_TIME } from '../ithc/fixtures';

function certificate(input: IthcCertificateInput = exampleCertificate()): IthcCertificate {
  const r = readIthc(ithcToCbor(input));
  if (!r.certificate) throw new Error(r.problems.join('; '));
  return r.certificate;
}

const ithc = (c: IthcCertificate): CertificateContent => ({ format: 'ithc', ithc: c });
const HOUR = 3600;

let n = 0;
function rule(over: Partial<ValidationRule> & Pick<ValidationRule, 'CertificateType' | 'Logic'>): ValidationRule {
  const head = { General: 'GR', Test: 'TR', Vaccination: 'VR', Recovery: 'RR' }[over.CertificateType];
  return {
    Identifier: `${over.Type === 'Invalidation' ? 'IR' : head}-XX-${String(++n).padStart(4, '0')}`,
    Type: 'Acceptance',
    Country: 'XX',
    Version: '1.0.0',
    SchemaVersion: '1.0.0',
    Engine: 'CERTLOGIC',
    EngineVersion: '1.0.0',
    Description: [{ lang: 'en', desc: `rule ${n} for the tests of core/rules.ts` }],
    ValidFrom: '2021-01-01T00:00:00Z',
    ValidTo: '2030-01-01T00:00:00Z',
    AffectedFields: ['v'],
    ...over,
  };
}

const v = (path: string) => ({ var: path });
const HAS_T_OR_V = rule({ CertificateType: 'General', Logic: { if: [v('payload.t.0'), true, { if: [v('payload.v.0'), true, false] }] } });
const WITHIN_72H = rule({
  CertificateType: 'Test',
  Logic: {
    if: [v('payload.t.0'), { before: [{ plusTime: [v('external.validationClock'), 0, 'hour'] }, { plusTime: [v('payload.t.0.sc'), 72, 'hour'] }] }, true],
  },
});
const COMPLETE = rule({ CertificateType: 'Vaccination', Logic: { if: [v('payload.v.0'), { '>=': [v('payload.v.0.dn'), v('payload.v.0.sd')] }, true] } });
const RULES = [HAS_T_OR_V, WITHIN_72H, COMPLETE];

describe('what rules read of a comprehensive certificate', () => {
  const c = certificate();

  test('one DCC per test and vaccination, each a valid DCC, each with the antibody section `a`', () => {
    const cands = ruleCandidates(ithc(c), (ref) => `URN:UVCI:01:CN:${ref.list.toUpperCase()}${ref.index}#X`);
    expect(cands.map((x) => [x.basis, x.types])).toEqual([
      [{ kind: 'test', index: 0 }, ['Test']],
      [{ kind: 'vaccination', index: 0 }, ['Vaccination']],
      [{ kind: 'vaccination', index: 1 }, ['Vaccination']],
    ]);
    const refs = [
      { list: 'tests', index: 0 },
      { list: 'vaccinations', index: 0 },
      { list: 'vaccinations', index: 1 },
    ] as const;
    cands.forEach((cand, i) => {
      const { a, ...dcc } = cand.payload;
      expect(dcc).toEqual(ithcRecordToDcc(c, refs[i], `URN:UVCI:01:CN:${refs[i].list.toUpperCase()}${refs[i].index}#X`));
      expect(validateDccSchema(dcc)).toEqual([]);
      expect(a).toEqual([
        // The assay and the laboratory by code, as text like every value here; the threshold beside the value.
        {
          tg: '840539006',
          mt: 'CLIA',
          ac: '1',
          tgt: 'rbd',
          sc: new Date(SAMPLE_TIME * 1000).toISOString().replace('.000Z', 'Z'),
          tr: 'positive',
          val: '58.2',
          cut: '1.00',
          unit: 'AU/mL',
          tcc: String(LAB_CODE),
          co: 'CN',
          is: ISSUER,
        },
      ]);
    });
  });

  test('without a uciFor, the certificate id stands in for each record`s UCI', () => {
    const [first] = ruleCandidates(ithc(c));
    expect((first.payload.t as any[])[0].ci).toBe(c.id);
  });

  test('antibody tests alone: one payload of the holder and `a`, of no DCC type', () => {
    const only = certificate({ ...exampleCertificate(), tests: [], vaccinations: [] });
    const cands = ruleCandidates(ithc(only));
    expect(cands).toHaveLength(1);
    expect(cands[0].basis).toEqual({ kind: 'no-dcc-record' });
    expect(cands[0].types).toEqual([]);
    expect(Object.keys(cands[0].payload).sort()).toEqual(['a', 'dob', 'nam', 'ver']);
    expect(cands[0].payload.nam).toEqual({ fn: '张', fnt: 'ZHANG', gn: '伟', gnt: 'WEI' });
  });

  test('no antibody tests: no `a`', () => {
    const none = certificate({ ...exampleCertificate(), antibodyTests: [] });
    for (const cand of ruleCandidates(ithc(none))) expect(cand.payload).not.toHaveProperty('a');
  });

  test('a DCC is its own payload', () => {
    const json = ithcRecordToDcc(c, { list: 'vaccinations', index: 1 }, 'URN:UVCI:01:CN:X#Y');
    expect(ruleCandidates({ format: 'dcc', dcc: { json, type: 'v', uci: 'URN:UVCI:01:CN:X#Y' } })).toEqual([
      { basis: { kind: 'dcc' }, payload: json, types: ['Vaccination'] },
    ]);
  });
});

describe('the certificate meets the rules when one of its records meets every rule that applies to it', () => {
  const c = certificate();
  const check = (cert: IthcCertificate, at: number, rules = RULES) => evaluateEntryRules({ certificate: ithc(cert), rules, country: 'XX', at });

  test('a fresh test: passes on the test', () => {
    const r = check(c, SAMPLE_TIME + 10 * HOUR);
    expect(r).toMatchObject({ country: 'XX', hasRules: true, passed: true, basis: { kind: 'test', index: 0 } });
    expect(r.results.map((x) => [x.ruleId, x.result])).toEqual([
      [HAS_T_OR_V.Identifier, 'passed'],
      [WITHIN_72H.Identifier, 'passed'],
    ]);
  });

  test('the test too old: passes on the completed vaccination, not on dose 1 of 2', () => {
    const r = check(c, SAMPLE_TIME + 100 * HOUR);
    expect(r).toMatchObject({ passed: true, basis: { kind: 'vaccination', index: 1 } });
    expect(r.results.map((x) => [x.ruleId, x.result])).toEqual([
      [HAS_T_OR_V.Identifier, 'passed'],
      [COMPLETE.Identifier, 'passed'],
    ]);
  });

  test('no record meets every rule: refused, showing the record that came closest', () => {
    const partial = certificate({ ...exampleCertificate(), vaccinations: [exampleCertificate().vaccinations![0]] });
    const r = check(partial, SAMPLE_TIME + 100 * HOUR);
    expect(r.passed).toBe(false);
    expect(r.basis).toEqual({ kind: 'test', index: 0 });
    expect(r.results.map((x) => [x.ruleId, x.result])).toEqual([
      [HAS_T_OR_V.Identifier, 'passed'],
      [WITHIN_72H.Identifier, 'failed'],
    ]);
  });

  test('antibody tests alone meet no rule that asks for a test or vaccination', () => {
    const only = certificate({ ...exampleCertificate(), tests: [], vaccinations: [] });
    const r = check(only, SAMPLE_TIME + HOUR);
    expect(r).toMatchObject({ passed: false, basis: { kind: 'no-dcc-record' } });
    expect(r.results.map((x) => [x.ruleId, x.result])).toEqual([[HAS_T_OR_V.Identifier, 'failed']]);
  });

  test('a rule that knows `a` reads the antibody tests from every record`s payload', () => {
    const igg = rule({ CertificateType: 'General', Logic: { if: [v('payload.a.0'), { '===': [v('payload.a.0.tr'), 'positive'] }, false] } });
    expect(check(c, SAMPLE_TIME + HOUR, [igg]).passed).toBe(true);
    const negative = certificate({ ...exampleCertificate(), antibodyTests: [{ ...exampleCertificate().antibodyTests![0], result: 'negative' }] });
    expect(check(negative, SAMPLE_TIME + HOUR, [igg]).passed).toBe(false);
  });

  test('no rules in force: hasRules false and never passed', () => {
    expect(check(c, SAMPLE_TIME, [])).toEqual({ country: 'XX', at: '2021-06-01T02:30:00Z', hasRules: false, passed: false, basis: null, results: [] });
  });
});

describe('open results are never passes', () => {
  const c = certificate();
  const at = SAMPLE_TIME + HOUR;

  test.each([
    ['a rule that throws', { Logic: { in: ['x', v('payload.t.0.tt')] } }, /could not be evaluated/],
    ['a rule that gives no boolean', { Logic: { if: [true, 'yes', false] } }, /gave "yes", not true or false/],
    ['another engine', { Engine: 'JSONLOGIC', Logic: { if: [true, true, true] } }, /engine JSONLOGIC/],
    ['a newer CertLogic', { EngineVersion: '9.0.0', Logic: { if: [true, true, true] } }, /needs CertLogic 9\.0\.0/],
  ])('%s', (_what, over, reason) => {
    const bad = rule({ CertificateType: 'General', ...(over as any) });
    const r = evaluateEntryRules({ certificate: ithc(c), rules: [HAS_T_OR_V, bad], country: 'XX', at });
    expect(r.passed).toBe(false);
    const o = r.results.find((x) => x.ruleId === bad.Identifier)!;
    expect(o.result).toBe('open');
    expect(o.reason).toMatch(reason);
  });

  test('the CertLogic version we implement is accepted', () => {
    const same = rule({ CertificateType: 'General', EngineVersion: RULE_ENGINE_VERSION, Logic: { if: [true, true, true] } });
    expect(evaluateEntryRules({ certificate: ithc(c), rules: [same], country: 'XX', at }).passed).toBe(true);
  });
});

describe('selection', () => {
  const at = Date.parse('2024-06-01T00:00:00Z') / 1000;
  const base = rule({ CertificateType: 'General', Logic: { if: [true, true, true] } });
  const ids = (rules: ValidationRule[], issuerCountry?: string) =>
    selectRules(rules, { country: 'XX', at, issuerCountry }).map((r) => `${r.Identifier}@${r.Version}`);

  test('the destination`s Acceptance rules; the issuer`s Invalidation rules', () => {
    const other = { ...base, Identifier: 'GR-YY-0001', Country: 'YY' };
    const inval = { ...base, Identifier: 'IR-CN-0001', Type: 'Invalidation' as const, Country: 'CN' };
    expect(ids([base, other, inval])).toEqual([`${base.Identifier}@1.0.0`]);
    expect(ids([base, other, inval], 'CN')).toEqual([`${base.Identifier}@1.0.0`, 'IR-CN-0001@1.0.0']);
  });

  test('valid from ValidFrom (inclusive) to ValidTo (exclusive)', () => {
    const iso = new Date(at * 1000).toISOString().replace('.000Z', 'Z');
    expect(ids([{ ...base, ValidFrom: iso }])).toHaveLength(1);
    expect(ids([{ ...base, ValidTo: iso }])).toHaveLength(0);
    expect(ids([{ ...base, ValidFrom: '2024-06-01T00:00:01Z' }])).toHaveLength(0);
  });

  test('of several versions, the highest in force', () => {
    const v2 = { ...base, Version: '1.10.0', ValidFrom: '2024-05-01T00:00:00Z' };
    const v3 = { ...base, Version: '2.0.0', ValidFrom: '2024-07-01T00:00:00Z' };
    expect(ids([base, v2, v3])).toEqual([`${base.Identifier}@1.10.0`]);
  });

  test('by certificate type: General rules for all, typed rules for their type', () => {
    const c = certificate({ ...exampleCertificate(), vaccinations: [] });
    const r = evaluateEntryRules({ certificate: ithc(c), rules: RULES, country: 'XX', at: SAMPLE_TIME + HOUR });
    expect(r.results.map((x) => x.type)).toEqual(['General', 'Test']);
  });
});

describe('descriptions and external', () => {
  test('Chinese falls back to English; zh-xx counts as Chinese', () => {
    expect(ruleDescription(HAS_T_OR_V)).toEqual({ zh: HAS_T_OR_V.Description[0].desc, en: HAS_T_OR_V.Description[0].desc });
    const both = {
      ...HAS_T_OR_V,
      Description: [
        { lang: 'de', desc: 'Deutsch, ausführlich genug.' },
        { lang: 'en', desc: 'English, long enough here.' },
        { lang: 'zh-cn', desc: '中文说明，足够长的一段文字。' },
      ],
    };
    expect(ruleDescription(both)).toEqual({ zh: '中文说明，足够长的一段文字。', en: 'English, long enough here.' });
  });

  test('external carries what the EU apps pass', () => {
    expect(
      ruleExternal({ at: 1717200000, countryCode: 'XX', issuedAt: 1717000000, expiresAt: 1718000000, kid: 'AQIDBAUGBwg=', issuerCountryCode: 'CN' }),
    ).toEqual({
      validationClock: '2024-06-01T00:00:00Z',
      valueSets: RULE_VALUE_SETS,
      countryCode: 'XX',
      iat: '2024-05-29T16:26:40Z',
      exp: '2024-06-10T06:13:20Z',
      issuerCountryCode: 'CN',
      kid: 'AQIDBAUGBwg=',
    });
    // Our value sets under the EU ids, every code of each.
    for (const s of Object.values(VALUE_SETS)) expect(RULE_VALUE_SETS[s.id]).toEqual(Object.keys(s.values));
    expect(RULE_VALUE_SETS['covid-19-lab-test-type']).toEqual(expect.arrayContaining(['LP6464-4', 'LP217198-3']));
  });

  test('rules read the destination and the signature from external', () => {
    const c = certificate();
    const r = rule({
      CertificateType: 'General',
      Logic: {
        and: [{ '===': [v('external.countryCode'), 'XX'] }, { '===': [v('external.kid'), 'AQIDBAUGBwg='] }, { '===': [v('external.issuerCountryCode'), 'CN'] }],
      },
    });
    const report = evaluateEntryRules({ certificate: ithc(c), rules: [r], country: 'XX', at: SAMPLE_TIME, signature: { kid: 'AQIDBAUGBwg=', issuer: 'CN' } });
    expect(report.passed).toBe(true);
  });

  test('misuse throws', () => {
    const c = certificate();
    expect(() => evaluateEntryRules({ certificate: ithc(c), rules: RULES, country: 'XX', at: NaN })).toThrow(TypeError);
    expect(() => evaluateEntryRules({ certificate: ithc(c), rules: RULES, country: 'xx', at: 0 })).toThrow(TypeError);
  });
});

describe('checkRule bounds what it reads', () => {
  const ok = rule({ CertificateType: 'General', Logic: { if: [true, true, true] } });
  const nest = (depth: number): unknown => {
    let x: unknown = true;
    for (let i = 1; i < depth; i++) x = { '!': [{ '!': [x] }] };
    return x;
  };

  test('a well-formed rule passes', () => {
    expect(checkRule(ok)).toEqual({ rule: ok, problems: [] });
  });

  test('Logic 64 levels deep is read; 65 is not', () => {
    // {and: [[[…true…]], true]}: the object, its operand array, then n nested arrays.
    const logic = (depth: number) => {
      let x: unknown = true;
      for (let i = 0; i < depth - 2; i++) x = [x];
      return { and: [x, true] };
    };
    expect(checkRule({ ...ok, Logic: logic(64) }).problems).toEqual([]);
    expect(checkRule({ ...ok, Logic: logic(65) }).problems).toEqual(['the rule is nested deeper than 64 levels']);
  });

  test.each([
    ['Logic just past 64 levels deep', { Logic: { if: [nest(17), true, true] } }, /nested deeper than 64 levels/],
    ['Logic 200,000 levels deep (no stack overflow)', { Logic: nest(50_000) }, /nested deeper than 64 levels/],
    [
      'a rule over 64 KiB',
      {
        AffectedFields: Array.from({ length: 90 }, () => 'x'.repeat(190)),
        Description: Array.from({ length: 40 }, () => ({ lang: 'en', desc: 'y'.repeat(1900) })),
      },
      /characters as JSON; at most 65536/,
    ],
    ['an Invalidation rule not named IR-', { Type: 'Invalidation' }, /Invalidation rules are identified IR-/],
    ['ValidTo before ValidFrom', { ValidTo: '2020-01-01T00:00:00Z' }, /must be before ValidTo/],
    ['a timestamp without a zone', { ValidFrom: '2021-01-01T00:00:00' }, /ValidFrom .* is not an ISO 8601 timestamp/],
  ])('%s', (_what, over, message) => {
    const c = checkRule({ ...ok, ...(over as object) });
    expect(c.rule).toBeUndefined();
    expect(c.problems.join('\n')).toMatch(message);
  });
});
