/**
 * What each stable error code means to an officer at a desk, in Chinese and English. The codes are
 * the contract (core/errors.ts); these words are for people and may be reworded freely.
 */
import type { ErrorCode } from '../core/errors';

export const ERROR_TEXT: Readonly<Record<ErrorCode, { zh: string; en: string }>> = Object.freeze({
  PREFIX_UNKNOWN: { zh: '不是可识别的健康证明二维码', en: 'not a recognised health certificate code' },
  BASE45_INVALID: { zh: '二维码内容已损坏（Base45 编码错误）', en: 'damaged code (bad base45)' },
  ZLIB_INVALID: { zh: '二维码内容已损坏（压缩数据错误）', en: 'damaged code (bad compression)' },
  SIZE_LIMIT: { zh: '内容超出大小限制，拒绝处理', en: 'too large, refused' },
  CBOR_INVALID: { zh: '数据结构损坏（CBOR）', en: 'damaged data structure (CBOR)' },
  COSE_INVALID: { zh: '签名结构损坏（COSE）', en: 'damaged signature structure (COSE)' },
  CWT_INVALID: { zh: '证明内容结构无效（CWT）', en: 'invalid certificate claims (CWT)' },
  ALG_UNSUPPORTED: { zh: '不接受的签名算法', en: 'signature algorithm not accepted' },
  KID_UNKNOWN: { zh: '签发机构的密钥不在信任列表中', en: 'signing key not in the trust list' },
  KEY_USAGE_MISMATCH: { zh: '签名证书无权签发此类证明', en: 'signing certificate may not sign this type' },
  SIGNATURE_INVALID: { zh: '签名无效，内容可能被篡改', en: 'signature invalid; the content may have been altered' },
  EXPIRED: { zh: '证明已过期', en: 'expired' },
  NOT_YET_VALID: { zh: '证明尚未生效', en: 'not yet valid' },
  SCHEMA_INVALID: { zh: '证明内容不符合规范', en: 'content does not conform to the schema' },
  REVOKED: { zh: '证明已被签发机构撤销', en: 'revoked by the issuer' },
  DECRYPT_FAILED: { zh: '无法解密此密封二维码', en: 'sealed code could not be opened' },
});

export const FORMAT_TEXT = Object.freeze({
  dcc: { zh: '欧盟数字新冠证书', en: 'EU Digital COVID Certificate' },
  ithc: { zh: '国际旅行健康证明', en: 'International Travel Health Certificate' },
  sealed: { zh: '国际旅行健康证明（密封）', en: 'International Travel Health Certificate (sealed)' },
});

export const RECORD_TEXT = Object.freeze({
  v: { zh: '疫苗接种', en: 'vaccination' },
  t: { zh: '检测', en: 'test' },
  r: { zh: '康复', en: 'recovery' },
});
