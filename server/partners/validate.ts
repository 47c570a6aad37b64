/**
 * Reads a partner authority from operator input (an admin action, `ithc partners import`): every
 * field checked and bounded before anything is written. A failure names each bad field, as forms
 * and the CLI show them.
 */
import { createPublicKey } from 'node:crypto';
import { fromBase64, toBase64 } from '../../core/bytes';
import { kidFromCertificate } from '../../core/keys';
import { authorityKid } from '../../core/seal';
import { lookup } from '../../core/valuesets';
import { parseCertificate, publicKeyFromSpki } from '../../core/x509';
import { ServiceError } from '../errors';
import type { Json } from '../store/store';
import { readRuleSet } from '../../core/rule-schema';
import type { AcceptedFormat, PartnerDoc, PartnerEncryptionKey } from './types';

export const ACCEPTED_FORMATS: readonly AcceptedFormat[] = Object.freeze(['dcc', 'ithc', 'sealed']);

export const PARTNER_LIMITS = Object.freeze({
  /** Characters of a name in either language. */
  maxName: 80,
  maxEncryptionKeys: 8,
  /** Bytes of a kid (COSE kid: the demo's and the EU's are 8). */
  maxKidBytes: 64,
  /** Characters of a base64 SPKI (a P-256 SPKI is 91 bytes). */
  maxSpkiChars: 256,
  maxSigningCertificates: 100,
  /** Characters of a base64 signing certificate. */
  maxCertificateChars: 16 * 1024,
});

/** What an operator supplies: the stored document without its bookkeeping. */
export type PartnerInput = Omit<PartnerDoc, '_id' | 'updatedAt'>;

const FIELDS = new Set(['country', 'name', 'accepts', 'encryptionKeys', 'rules', 'signingCertificates']);
// Present in a stored document or an export of one; ignored on input.
const BOOKKEEPING = new Set(['_id', 'updatedAt']);
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const ISO_ZONED = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d{1,3})?)?(Z|[+-]\d\d:\d\d)$/;

/**
 * Validates a partner. `ownCountry` is ours: we are not our own partner. Throws VALIDATION_FAILED
 * with a message per field; returns the partner in canonical form.
 */
export function readPartner(input: unknown, opts: { ownCountry?: string } = {}): PartnerInput {
  const bad: Record<string, string> = {};
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new ServiceError('VALIDATION_FAILED', { messageCode: 'server.partnerNotObject' });
  }
  const p = input as Record<string, unknown>;
  for (const k of Object.keys(p)) if (!FIELDS.has(k) && !BOOKKEEPING.has(k)) bad[k] = '未知字段 / unknown field';

  const country = p.country;
  if (typeof country !== 'string' || !/^[A-Z]{2}$/.test(country)) bad.country = '应为两位大写国家代码 / must be an ISO 3166-1 alpha-2 code (e.g. SG)';
  else if (!lookup('country', country)) bad.country = `${country} 不是已知国家或地区代码 / ${country} is not a country code of the DCC value set`;
  else if (opts.ownCountry && country === opts.ownCountry) bad.country = '不能将本国设为合作方 / our own country cannot be a partner';

  const name = p.name as Record<string, unknown> | undefined;
  const names: { zh?: string; en?: string } = {};
  if (!name || typeof name !== 'object' || Array.isArray(name)) bad.name = '应为 {zh, en} / must be {zh, en}';
  else {
    for (const k of Object.keys(name)) if (k !== 'zh' && k !== 'en') bad[`name.${k}`] = '未知字段 / unknown field';
    for (const lang of ['zh', 'en'] as const) {
      const v = name[lang];
      if (typeof v !== 'string' || v.trim().length === 0) bad[`name.${lang}`] = '必填 / required';
      else if ([...v.trim()].length > PARTNER_LIMITS.maxName)
        bad[`name.${lang}`] = `过长（最多 ${PARTNER_LIMITS.maxName} 个字符）/ longer than ${PARTNER_LIMITS.maxName} characters`;
      else if (CONTROL.test(v)) bad[`name.${lang}`] = '含有控制字符 / contains a control character';
      else names[lang] = v.normalize('NFC').trim();
    }
  }

  const accepts: AcceptedFormat[] = [];
  if (!Array.isArray(p.accepts) || p.accepts.length === 0 || p.accepts.length > ACCEPTED_FORMATS.length)
    bad.accepts = `应为 ${ACCEPTED_FORMATS.join('、')} 中的一项或多项 / must list one or more of ${ACCEPTED_FORMATS.join(', ')}`;
  else {
    for (const f of p.accepts) {
      if (typeof f !== 'string' || !(ACCEPTED_FORMATS as readonly string[]).includes(f))
        bad.accepts = `未知格式 ${JSON.stringify(f)?.slice(0, 20)} / unknown format; allowed: ${ACCEPTED_FORMATS.join(', ')}`;
      else if (accepts.includes(f as AcceptedFormat)) bad.accepts = `${f} 重复 / ${f} is listed twice`;
      else accepts.push(f as AcceptedFormat);
    }
  }

  const encryptionKeys = readEncryptionKeys(p.encryptionKeys, bad);
  if (accepts.includes('sealed') && encryptionKeys.length === 0 && !bad.encryptionKeys) {
    bad.encryptionKeys = '接受加密二维码的合作方至少需要一个加密公钥 / a partner that accepts sealed codes needs at least one encryption key';
  }

  let rules: Json[] = [];
  if (p.rules === undefined) rules = [];
  else {
    // Compared with the partner's country only once that is known good: one mistake, one message.
    const r = readRuleSet(p.rules, bad.country ? undefined : (country as string));
    if (r.problems.length) {
      const shown = r.problems.slice(0, 5).join('; ');
      bad.rules = `入境规则无效 / invalid entry rules: ${shown}${r.problems.length > 5 ? `; … ${r.problems.length - 5} more` : ''}`;
    } else rules = r.rules as unknown as Json[];
  }

  const signingCertificates = readSigningCertificates(p.signingCertificates, typeof country === 'string' ? country : undefined, bad);

  const names_ = Object.keys(bad);
  if (names_.length)
    throw new ServiceError('VALIDATION_FAILED', {
      fields: bad,
      messageCode: 'server.checkMarkedFields',
    });
  return { country: country as string, name: names as { zh: string; en: string }, accepts, encryptionKeys, rules, signingCertificates };
}

function readEncryptionKeys(v: unknown, bad: Record<string, string>): PartnerEncryptionKey[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.length > PARTNER_LIMITS.maxEncryptionKeys) {
    bad.encryptionKeys = `应为至多 ${PARTNER_LIMITS.maxEncryptionKeys} 个公钥的数组 / must be an array of at most ${PARTNER_LIMITS.maxEncryptionKeys} keys`;
    return [];
  }
  const out: PartnerEncryptionKey[] = [];
  const kids = new Set<string>();
  v.forEach((entry: unknown, i) => {
    const at = `encryptionKeys[${i}]`;
    if (!entry || typeof entry !== 'object' || Array.isArray(entry))
      return void (bad[at] = '应为 {kid, spki, notAfter?, pointCompression?} / must be {kid, spki, notAfter?, pointCompression?}');
    const k = entry as Record<string, unknown>;
    for (const f of Object.keys(k)) if (!['kid', 'spki', 'notAfter', 'pointCompression'].includes(f)) bad[`${at}.${f}`] = '未知字段 / unknown field';
    const kid = base64Field(k.kid, 1, PARTNER_LIMITS.maxKidBytes, 128);
    if (!kid) bad[`${at}.kid`] = `应为 base64 编码的 1–${PARTNER_LIMITS.maxKidBytes} 字节 / must be base64 of 1 to ${PARTNER_LIMITS.maxKidBytes} bytes`;
    else if (kids.has(toBase64(kid))) bad[`${at}.kid`] = 'kid 重复 / this kid is already used by another key';
    else kids.add(toBase64(kid));
    const spki = base64Field(k.spki, 1, 1024, PARTNER_LIMITS.maxSpkiChars);
    const why = spki ? p256Problem(spki) : 'not base64';
    if (why)
      bad[`${at}.spki`] = `应为 P-256 公钥（SubjectPublicKeyInfo DER 的 base64）/ must be a P-256 public key, base64 of SubjectPublicKeyInfo DER (${why})`;
    let notAfter: string | undefined;
    if (k.notAfter !== undefined) {
      if (typeof k.notAfter !== 'string' || !ISO_ZONED.test(k.notAfter) || !Number.isFinite(Date.parse(k.notAfter)))
        bad[`${at}.notAfter`] = '应为带时区的 ISO 8601 时间 / must be an ISO 8601 time with a zone';
      else notAfter = new Date(Date.parse(k.notAfter)).toISOString();
    }
    // Only false is stored: compression is the default, and one setting has one spelling.
    if (k.pointCompression !== undefined && typeof k.pointCompression !== 'boolean')
      bad[`${at}.pointCompression`] = '应为 true 或 false / must be true or false';
    const full = k.pointCompression === false ? { pointCompression: false as const } : {};
    // Verifiers find the key a sealed code is for by this kid (docs/sealed-codes.md §The recipient kid):
    // any other kid would seal codes that no verifier holding this key tries it on.
    if (kid && spki && !why) {
      const derived = toBase64(authorityKid(spki));
      if (toBase64(kid) !== derived)
        bad[`${at}.kid`] = `kid 应为公钥 SHA-256 的前 8 字节 ${derived} / kid must be the first 8 bytes of SHA-256 over spki: ${derived}`;
    }
    if (kid && spki && !why) out.push({ kid: toBase64(kid), spki: toBase64(spki), ...(notAfter ? { notAfter } : {}), ...full });
  });
  return out;
}

/** Why bytes are not a usable P-256 SubjectPublicKeyInfo, or undefined when they are. */
export function p256Problem(spki: Uint8Array): string | undefined {
  try {
    const key = publicKeyFromSpki(spki);
    if (key.kty !== 'EC' || key.crv !== 'P-256') return `a ${key.kty === 'EC' ? key.crv : key.kty} key`;
    // node:crypto (OpenSSL) refuses a point that is not on the curve.
    createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message.slice(0, 80) : 'unreadable';
  }
}

function readSigningCertificates(v: unknown, country: string | undefined, bad: Record<string, string>): PartnerDoc['signingCertificates'] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.length > PARTNER_LIMITS.maxSigningCertificates) {
    bad.signingCertificates = `应为至多 ${PARTNER_LIMITS.maxSigningCertificates} 个证书的数组 / must be an array of at most ${PARTNER_LIMITS.maxSigningCertificates} certificates`;
    return [];
  }
  const out: PartnerDoc['signingCertificates'] = [];
  const seen = new Set<string>();
  v.forEach((entry: unknown, i) => {
    const at = `signingCertificates[${i}]`;
    if (!entry || typeof entry !== 'object' || Array.isArray(entry))
      return void (bad[at] = '应为 {kid?, country?, certificateType?, rawData} / must be {kid?, country?, certificateType?, rawData}');
    const c = entry as Record<string, unknown>;
    for (const f of Object.keys(c)) if (!['kid', 'country', 'certificateType', 'rawData'].includes(f)) bad[`${at}.${f}`] = '未知字段 / unknown field';
    const der = base64Field(c.rawData, 1, PARTNER_LIMITS.maxCertificateChars, PARTNER_LIMITS.maxCertificateChars);
    if (!der) return void (bad[`${at}.rawData`] = '应为 base64 编码的 X.509 证书 / must be a base64 DER X.509 certificate');
    try {
      parseCertificate(der);
    } catch (e) {
      return void (bad[`${at}.rawData`] =
        `不是可用的 X.509 签名证书 / not a usable X.509 signing certificate (${e instanceof Error ? e.message.slice(0, 80) : 'unreadable'})`);
    }
    const kid = toBase64(kidFromCertificate(der));
    if (c.kid !== undefined && c.kid !== kid)
      bad[`${at}.kid`] = `kid 应为证书 SHA-256 的前 8 字节 ${kid} / kid must be the first 8 bytes of SHA-256 over the certificate: ${kid}`;
    if (c.country !== undefined && c.country !== country) bad[`${at}.country`] = `应为合作方国家 ${country ?? ''} / must be the partner's country`;
    if (c.certificateType !== undefined && c.certificateType !== 'DSC') bad[`${at}.certificateType`] = '应为 DSC / must be DSC';
    // base64Field read rawData as text.
    const listed = kid + String(c.rawData);
    if (seen.has(listed)) bad[at] = '证书重复 / listed twice';
    seen.add(listed);
    out.push({ kid, country: country ?? '', certificateType: 'DSC', rawData: toBase64(der) });
  });
  return out;
}

/** Strict base64 (standard alphabet, padding optional) of minBytes..maxBytes, at most maxChars long. */
function base64Field(v: unknown, minBytes: number, maxBytes: number, maxChars: number): Uint8Array | undefined {
  if (typeof v !== 'string' || v.length === 0 || v.length > maxChars || !/^[A-Za-z0-9+/]+={0,2}$/.test(v)) return undefined;
  try {
    const b = fromBase64(v);
    return b.length >= minBytes && b.length <= maxBytes ? b : undefined;
  } catch {
    return undefined;
  }
}
