/**
 * The demo partner authority (local runs, `npm run demo`): a made-up Singapore border health
 * authority, clearly marked as a demo, that accepts sealed, ITHC and DCC codes.
 *
 * - Its encryption key pair (P-256) is generated on first use and kept in the data folder's
 *   secrets as `authority-demo-key` (PKCS#8 PEM); only the public key enters the registry. The
 *   kid is the first 8 bytes of SHA-256 over the public key's SubjectPublicKeyInfo DER.
 * - Its entry rules are a small realistic set in the EU business-rule format (docs/entry-rules.md
 *   §Demo partner): a negative nucleic-acid test sampled within 72 hours, or a complete
 *   vaccination at least 14 days old (a primary series for 270 days, a booster without limit);
 *   serum IgG results are shown for information only.
 * - No foreign signing certificates: the demo has no travellers of its own.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { authorityKid } from '../core/seal';
import type { ValidationRule } from '../core/rules';
import type { SecretStore } from '../server/keys/secrets';
import type { Json } from '../server/store/store';
import type { PartnerService } from '../server/partners/service';
import type { PartnerInput } from '../server/partners/validate';

export const DEMO_PARTNER_COUNTRY = 'SG';
export const DEMO_AUTHORITY_KEY_SECRET = 'authority-demo-key';

/** The demo authority's private key (PKCS#8 PEM), made on first use and then kept. */
export async function ensureDemoAuthorityKey(secrets: SecretStore): Promise<string> {
  const have = await secrets.get(DEMO_AUTHORITY_KEY_SECRET);
  if (have !== undefined) return have;
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  await secrets.put(DEMO_AUTHORITY_KEY_SECRET, pem);
  return pem;
}

/**
 * The demo authority's private key, PKCS#8 PEM: what a partner would hold, given to the demo so
 * that its sealed codes can be opened. Made (and kept) on first use.
 */
export async function demoAuthorityPrivateKeyPem(app: { secrets: SecretStore }): Promise<string> {
  return ensureDemoAuthorityKey(app.secrets);
}

/** The public half of a PKCS#8 PEM P-256 key: SPKI DER and its kid. */
export function demoAuthorityPublicKey(privatePem: string): { spki: Uint8Array; kid: Uint8Array } {
  const spki = new Uint8Array(createPublicKey(createPrivateKey(privatePem)).export({ type: 'spki', format: 'der' }));
  return { spki, kid: authorityKid(spki) };
}

/** The demo partner with the key whose private half is `privatePem`. */
export function demoPartner(privatePem: string): PartnerInput {
  const { spki, kid } = demoAuthorityPublicKey(privatePem);
  return {
    country: DEMO_PARTNER_COUNTRY,
    name: { zh: '新加坡（演示）', en: 'Singapore (demo)' },
    accepts: ['sealed', 'ithc', 'dcc'],
    encryptionKeys: [{ kid: Buffer.from(kid).toString('base64'), spki: Buffer.from(spki).toString('base64') }],
    rules: DEMO_PARTNER_RULES as unknown as Json[],
    signingCertificates: [],
  };
}

/**
 * Seeds the demo partner (idempotent): created when absent, its key replaced when the partner's
 * key is not the one in the secrets (e.g. the secrets were reset).
 */
export async function seedDemoPartner(app: { partners: PartnerService; secrets: SecretStore }): Promise<{ created: boolean; updated: boolean }> {
  const pem = await ensureDemoAuthorityKey(app.secrets);
  const wanted = demoPartner(pem);
  const existing = await app.partners.get(DEMO_PARTNER_COUNTRY);
  if (existing && existing.encryptionKeys.some((k) => k.spki === wanted.encryptionKeys[0].spki)) return { created: false, updated: false };
  await app.partners.upsert(wanted, 'seed:demo');
  return { created: !existing, updated: !!existing };
}

// ---------------------------------------------------------------------------------------------
// The demo partner's entry rules (CertLogic, EU business-rule format).

const COMMON = {
  Type: 'Acceptance',
  Country: DEMO_PARTNER_COUNTRY,
  Version: '1.0.0',
  SchemaVersion: '1.0.0',
  Engine: 'CERTLOGIC',
  EngineVersion: '1.0.0',
  ValidFrom: '2024-01-01T00:00:00Z',
  ValidTo: '2030-01-01T00:00:00Z',
} as const;

const v = (path: string) => ({ var: path });
const time = (path: string, amount: number, unit: 'hour' | 'day') => ({ plusTime: [v(path), amount, unit] });
const clock = time('external.validationClock', 0, 'day');

function rule(id: string, type: ValidationRule['CertificateType'], en: string, zh: string, affected: string[], logic: unknown): ValidationRule {
  return {
    Identifier: id,
    ...COMMON,
    CertificateType: type,
    Description: [
      { lang: 'en', desc: en },
      { lang: 'zh', desc: zh },
    ],
    AffectedFields: affected,
    Logic: logic,
  };
}

export const DEMO_PARTNER_RULES: readonly ValidationRule[] = Object.freeze([
  rule(
    'GR-SG-0001',
    'General',
    'The certificate must hold a test or a vaccination against COVID-19 (disease or agent targeted from the value set).',
    '证明须包含针对新型冠状病毒感染（COVID-19）的检测记录或疫苗接种记录（所针对疾病须在值集中）。',
    ['t.0', 't.0.tg', 'v.0', 'v.0.tg'],
    {
      if: [
        v('payload.t.0'),
        { in: [v('payload.t.0.tg'), v('external.valueSets.disease-agent-targeted')] },
        { if: [v('payload.v.0'), { in: [v('payload.v.0.tg'), v('external.valueSets.disease-agent-targeted')] }, false] },
      ],
    },
  ),
  rule(
    'GR-SG-0002',
    'General',
    'Serum IgG antibody results are shown for information only: they are neither required nor accepted in place of a test or a vaccination.',
    '血清 IgG 抗体检测结果仅供参考：既非入境所必需，也不能代替核酸检测或疫苗接种记录。',
    ['a.0'],
    { if: [v('payload.a.0'), true, true] },
  ),
  rule(
    'TR-SG-0001',
    'Test',
    'The test must be a nucleic acid amplification test (NAAT, e.g. PCR); rapid antigen tests are not accepted.',
    '检测须为核酸扩增检测（如荧光 PCR 法）；不接受抗原快速检测结果。',
    ['t.0', 't.0.tt'],
    { if: [v('payload.t.0'), { '===': [v('payload.t.0.tt'), 'LP6464-4'] }, true] },
  ),
  rule('TR-SG-0002', 'Test', 'The test result must be negative ("not detected").', '核酸检测结果须为阴性（未检出新型冠状病毒核酸）。', ['t.0', 't.0.tr'], {
    if: [v('payload.t.0'), { '===': [v('payload.t.0.tr'), '260415000'] }, true],
  }),
  rule(
    'TR-SG-0003',
    'Test',
    'The sample must have been collected no more than 72 hours before the check, and not after it.',
    '采样时间须在查验时间之前 72 小时以内，且不得晚于查验时间。',
    ['t.0', 't.0.sc'],
    {
      if: [
        v('payload.t.0'),
        { and: [{ 'not-after': [time('payload.t.0.sc', 0, 'hour'), clock] }, { before: [clock, time('payload.t.0.sc', 72, 'hour')] }] },
        true,
      ],
    },
  ),
  rule(
    'VR-SG-0001',
    'Vaccination',
    'The vaccination series must be complete: the dose number must be at least the total number of doses.',
    '新冠疫苗接种须已完成全程：所接种剂次不少于该疫苗全程所需剂数。',
    ['v.0', 'v.0.dn', 'v.0.sd'],
    { if: [v('payload.v.0'), { '>=': [v('payload.v.0.dn'), v('payload.v.0.sd')] }, true] },
  ),
  rule(
    'VR-SG-0002',
    'Vaccination',
    'At least 14 days must have passed since the dose that completed the series.',
    '完成全程接种的那一剂疫苗须在查验时已接种满 14 天。',
    ['v.0', 'v.0.dt'],
    { if: [v('payload.v.0'), { 'not-before': [clock, time('payload.v.0.dt', 14, 'day')] }, true] },
  ),
  rule(
    'VR-SG-0003',
    'Vaccination',
    'A primary series is accepted for 270 days after its last dose; a booster (a dose beyond the series, or a third dose) has no such limit.',
    '基础免疫自最后一剂起 270 天内有效；加强针（超出全程剂数的剂次或第三剂）不受此限。',
    ['v.0', 'v.0.dn', 'v.0.sd', 'v.0.dt'],
    {
      if: [
        v('payload.v.0'),
        {
          if: [
            { '>': [v('payload.v.0.dn'), v('payload.v.0.sd')] },
            true,
            { if: [{ '>=': [v('payload.v.0.dn'), 3] }, true, { 'not-after': [clock, time('payload.v.0.dt', 270, 'day')] }] },
          ],
        },
        true,
      ],
    },
  ),
] as ValidationRule[]);
