/**
 * The demo partner's entry rules against the demo traveller's certificate, on both sides:
 * - holder: certificate.rules {destination: 'SG', at?} — passes today on the nucleic-acid test,
 *   fails once that test is 72 hours old (the 2021 vaccinations are past the 270 days a primary
 *   series is accepted for);
 * - verifier: the certificate's codes verified with core and checked with evaluateEntryRules give
 *   the same answers.
 */
import { validateDccSchema } from '../../core/dcc-schema';
import { verifyCode } from '../../core/hcert';
import { evaluateEntryRules, type ValidationRule } from '../../core/rules';
import { DEMO_TRAVELLER_OPENID, demoTravellerFlow, seedDemo } from '../../demo/seed';
import { nodeCrypto } from '../../node/crypto-node';
import type { App } from '../../server/app';
import type { CertificateView } from '../../server/functions/definitions';
import { DEMO_PARTNER_RULES } from '../../demo/partner';
import { call, err, ok, openApp, OPERATOR } from '../partners/helpers';
import { trustedKeys } from '../revocation/helpers';

const HOUR = 3_600_000;
const ids = (type: 'Test' | 'Vaccination') =>
  DEMO_PARTNER_RULES.filter((r) => r.CertificateType === 'General' || r.CertificateType === type)
    .map((r) => r.Identifier)
    .sort();

let app: App;
let view: CertificateView;
/** The nucleic-acid sample time of the demo traveller, ms. */
let sampled: number;

beforeAll(async () => {
  ({ app } = await openApp('rules-demo'));
  await seedDemo(app);
  view = await demoTravellerFlow(app);
  sampled = Date.parse((view.certificate.tests as Array<{ sampleTime: string }>)[0].sampleTime);
});

const rules = (at?: number) =>
  ok(call(app, 'certificate', DEMO_TRAVELLER_OPENID, { action: 'rules', destination: 'SG', ...(at !== undefined ? { at: new Date(at).toISOString() } : {}) }));

describe('holder: certificate.rules', () => {
  test('today: met, on the nucleic-acid test, every General and Test rule passed', async () => {
    const r = await rules();
    expect(r).toMatchObject({ destination: 'SG', at: new Date(app.clock.now()).toISOString().replace('.000Z', 'Z'), passed: true, hasRules: true });
    expect(r.basis).toEqual({ kind: 'test', index: 0, recordId: view.codes.dcc.find((d) => d.type === 't')!.recordId });
    expect(r.results.map((x: any) => x.ruleId).sort()).toEqual(ids('Test'));
    for (const x of r.results) expect(x.result).toBe('passed');
    // Descriptions in both languages, from the rule.
    const tr3 = r.results.find((x: any) => x.ruleId === 'TR-SG-0003');
    expect(tr3.description).toEqual({
      en: DEMO_PARTNER_RULES.find((x) => x.Identifier === 'TR-SG-0003')!.Description[0].desc,
      zh: DEMO_PARTNER_RULES.find((x) => x.Identifier === 'TR-SG-0003')!.Description[1].desc,
    });
  });

  test('one second before the test is 72 hours old: still met', async () => {
    expect((await rules(sampled + 72 * HOUR - 1000)).passed).toBe(true);
  });

  test('once the test is 72 hours old: not met, and the sample-age rule says why', async () => {
    const r = await rules(sampled + 72 * HOUR);
    expect(r.passed).toBe(false);
    expect(r.basis.kind).toBe('test');
    expect(r.results.filter((x: any) => x.result !== 'passed').map((x: any) => [x.ruleId, x.result])).toEqual([['TR-SG-0003', 'failed']]);
  });

  test('refusals: unknown destination, malformed input, a time too far ahead', async () => {
    expect((await err(call(app, 'certificate', DEMO_TRAVELLER_OPENID, { action: 'rules', destination: 'FR' }))).code).toBe('NOT_FOUND');
    expect((await err(call(app, 'certificate', DEMO_TRAVELLER_OPENID, { action: 'rules', destination: 'sg' }))).code).toBe('VALIDATION_FAILED');
    expect((await err(call(app, 'certificate', DEMO_TRAVELLER_OPENID, { action: 'rules', destination: 'SG', at: 'tomorrow' }))).code).toBe('VALIDATION_FAILED');
    expect(
      (
        await err(
          call(app, 'certificate', DEMO_TRAVELLER_OPENID, {
            action: 'rules',
            destination: 'SG',
            at: new Date(app.clock.now() + 400 * 24 * HOUR).toISOString(),
          }),
        )
      ).code,
    ).toBe('VALIDATION_FAILED');
    expect((await err(call(app, 'certificate', 'nobody-yet', { action: 'rules', destination: 'SG' }))).code).toBe('IDENTITY_REQUIRED');
  });

  test('a time without a zone is UTC', async () => {
    const at = sampled + 72 * HOUR;
    const noZone = new Date(at).toISOString().replace(/\.000Z$/, '');
    const r = await ok(call(app, 'certificate', DEMO_TRAVELLER_OPENID, { action: 'rules', destination: 'SG', at: noZone }));
    expect(r.at).toBe(new Date(at).toISOString().replace('.000Z', 'Z'));
    expect(r.passed).toBe(false);
  });
});

describe('verifier: the codes, verified, then the same rules', () => {
  const check = async (code: string, atMs: number) => {
    const v = await verifyCode(code, { keys: await trustedKeys(app), now: Math.floor(app.clock.now() / 1000), crypto: nodeCrypto, validateDccSchema });
    expect(v.valid).toBe(true);
    return evaluateEntryRules({
      certificate: v.certificate!,
      rules: (await app.partners.get('SG'))!.rules as unknown as ValidationRule[],
      country: 'SG',
      at: atMs / 1000,
      signature: { issuedAt: v.issuedAt, expiresAt: v.expiresAt, kid: v.kid, issuer: v.issuer },
    });
  };

  test('the ITHC code: the same answers as the holder got', async () => {
    for (const at of [app.clock.now(), sampled + 72 * HOUR - 1000, sampled + 72 * HOUR]) {
      const verifier = await check(view.codes.ithc, at);
      const holder = await rules(at);
      expect({ passed: verifier.passed, results: verifier.results, basis: verifier.basis }).toEqual({
        passed: holder.passed,
        results: holder.results,
        basis: { kind: holder.basis.kind, index: holder.basis.index },
      });
    }
  });

  test('each HC1 code on its own: the test passes today; the 2021 vaccinations are past 270 days', async () => {
    const now = app.clock.now();
    for (const d of view.codes.dcc) {
      const r = await check(d.code, now);
      expect(r.results.map((x) => x.ruleId).sort()).toEqual(ids(d.type === 't' ? 'Test' : 'Vaccination'));
      if (d.type === 't') expect(r.passed).toBe(true);
      else {
        expect(r.passed).toBe(false);
        expect(r.results.filter((x) => x.result === 'failed').map((x) => x.ruleId)).toContain('VR-SG-0003');
      }
    }
  });
});

test('a revoked certificate is not offered for entry', async () => {
  const { app: other } = await openApp('rules-demo-revoked');
  await seedDemo(other);
  const v = await demoTravellerFlow(other);
  await ok(call(other, 'admin', OPERATOR, { action: 'revoke', certificateId: v.id, reason: 'wrong record' }));
  const e = await err(call(other, 'certificate', DEMO_TRAVELLER_OPENID, { action: 'rules', destination: 'SG' }));
  expect({ code: e.code, messageCode: e.messageCode }).toEqual({ code: 'CONFLICT', messageCode: 'server.revokedCannotEnter' });
});
