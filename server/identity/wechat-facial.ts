/**
 * Production identity adapter: WeChat facial verification (微信人脸核身 2.0).
 *
 * NOT CALLABLE HERE. The APIs are restricted to government, medical, finance and transport
 * accounts and need a real AppID, its access token and the network. This module is type-checked
 * and its request/response mapping is tested against a fake client only
 * (test/identity/wechat-facial.test.ts). Deploying it means supplying a WechatOpenApiClient that
 * posts to https://api.weixin.qq.com with a valid access_token (getAccessToken, managed outside).
 *
 * Flow (WeChat's server API documentation, "微信人脸核身 接口列表"):
 *   1. POST /cityservice/face/identify/getverifyid
 *        {out_seq_no, cert_info: {cert_type: "IDENTITY_CARD", cert_name, cert_no}, openid}
 *      → {errcode, errmsg, verify_id (≤ 256 chars), expires_in (s, default 3600)}
 *      out_seq_no: 5–32 characters of [0-9A-Za-z_-], unique per AppID.
 *   2. mini program: wx.requestFacialVerify({verifyId}) (base library ≥ 3.8.12). Its success
 *      callback only means the face capture finished; the result comes from step 3.
 *   3. POST /cityservice/face/identify/queryverifyinfo
 *        {verify_id, out_seq_no, cert_hash, openid}   (out_seq_no and openid as in step 1)
 *      → {errcode, errmsg, verify_ret}; passed iff errcode = 0 and verify_ret = 10000.
 *      WeChat checks cert_hash and openid against step 1 and answers with an errcode (no
 *      verify_ret) when they differ, so a session cannot be reused for another person or caller.
 *      cert_hash = lower-case hex SHA-256 of
 *        "cert_type=" + b64(cert_type) + "&cert_name=" + b64(cert_name) + "&cert_no=" + b64(cert_no)
 *      with standard base64 of the UTF-8 bytes.
 *
 * This adapter's faceToken is "<out_seq_no>.<verify_id>": step 3 needs both. It never reaches
 * the mini program: the identity service keeps it in its face-check session (face-checks.ts) and
 * hands the caller the session's id, so a verify_id result is asked for once, for the caller,
 * purpose and person it was opened for, and never again (nothing in WeChat's API documentation
 * promises that queryVerifyInfo answers only once for a verify_id).
 */
import { createHash } from 'node:crypto';
import { ServiceError } from '../errors';
import type { ConfirmRequest, FaceCheckRequest, FaceCheckSession, IdentityOutcome, IdentityProvider } from './provider';

export const GET_VERIFY_ID_PATH = '/cityservice/face/identify/getverifyid';
export const QUERY_VERIFY_INFO_PATH = '/cityservice/face/identify/queryverifyinfo';

export type WechatFacePath = typeof GET_VERIFY_ID_PATH | typeof QUERY_VERIFY_INFO_PATH;

/** Posts JSON to api.weixin.qq.com with the access token attached; resolves to the parsed JSON body. */
export interface WechatOpenApiClient {
  post(path: WechatFacePath, body: Record<string, unknown>): Promise<Record<string, unknown>>;
}

export interface WechatFacialOptions {
  client: WechatOpenApiClient;
  clock: { now(): number };
  /** A fresh out_seq_no: 5–32 characters of [0-9A-Za-z_-], unique per AppID. */
  newSeqNo: () => string;
}

/** verify_ret values of queryVerifyInfo (WeChat's enumeration). */
export const VERIFY_RET_SUCCESS = 10000;
/** 90002–90006: the user cancelled. */
const CANCELLED = new Set([90002, 90003, 90004, 90005, 90006]);
/**
 * WeChat's global errcodes for "try later": -1 system busy, 40001 invalid credential, 42001 access
 * token expired, 45009 API quota reached. Any other errcode on queryVerifyInfo is taken as WeChat
 * refusing this session for this person (it answers so when cert_hash or openid differ): fail
 * closed.
 */
const TRANSIENT_ERRCODES = new Set([-1, 40001, 42001, 45009]);

const SEQ_NO = /^[0-9A-Za-z_-]{5,32}$/;
const MAX_VERIFY_ID = 256;

export function certHash(certType: string, certName: string, certNo: string): string {
  const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
  return createHash('sha256')
    .update(`cert_type=${b64(certType)}&cert_name=${b64(certName)}&cert_no=${b64(certNo)}`, 'utf8')
    .digest('hex');
}

export class WechatFacialProvider implements IdentityProvider {
  readonly kind = 'wechat-facial' as const;
  constructor(private readonly opts: WechatFacialOptions) {}

  async beginFaceCheck(req: FaceCheckRequest): Promise<FaceCheckSession> {
    const outSeqNo = this.opts.newSeqNo();
    if (!SEQ_NO.test(outSeqNo)) throw new TypeError('newSeqNo must give 5–32 characters of [0-9A-Za-z_-]');
    const res = await this.call(GET_VERIFY_ID_PATH, {
      out_seq_no: outSeqNo,
      cert_info: { cert_type: 'IDENTITY_CARD', cert_name: req.person.name, cert_no: req.person.idNumber },
      openid: req.openId,
    });
    if (res.errcode !== 0) throw unavailable(`getVerifyId errcode ${String(res.errcode)}`);
    const verifyId = res.verify_id;
    if (typeof verifyId !== 'string' || verifyId.length === 0 || verifyId.length > MAX_VERIFY_ID) throw unavailable('getVerifyId gave no usable verify_id');
    const expiresIn = typeof res.expires_in === 'number' && res.expires_in > 0 ? res.expires_in : 3600;
    return { verifyId, faceToken: `${outSeqNo}.${verifyId}`, expiresAt: this.opts.clock.now() + expiresIn * 1000 };
  }

  async confirm(req: ConfirmRequest): Promise<IdentityOutcome> {
    const dot = req.faceToken.indexOf('.');
    const outSeqNo = dot > 0 ? req.faceToken.slice(0, dot) : '';
    const verifyId = dot > 0 ? req.faceToken.slice(dot + 1) : '';
    if (!SEQ_NO.test(outSeqNo) || verifyId.length === 0 || verifyId.length > MAX_VERIFY_ID) return { verified: false, reason: 'FACE_TOKEN_INVALID' };
    const res = await this.call(QUERY_VERIFY_INFO_PATH, {
      verify_id: verifyId,
      out_seq_no: outSeqNo,
      cert_hash: certHash('IDENTITY_CARD', req.person.name, req.person.idNumber),
      openid: req.openId,
    });
    const errcode = res.errcode;
    if (typeof errcode !== 'number') throw unavailable('queryVerifyInfo answered without errcode');
    if (errcode !== 0) {
      if (TRANSIENT_ERRCODES.has(errcode)) throw unavailable(`queryVerifyInfo errcode ${errcode}`);
      return { verified: false, reason: 'FACE_TOKEN_INVALID' };
    }
    if (res.verify_ret === VERIFY_RET_SUCCESS) return { verified: true };
    if (typeof res.verify_ret === 'number' && CANCELLED.has(res.verify_ret)) return { verified: false, reason: 'FACE_CHECK_CANCELLED' };
    return { verified: false, reason: 'FACE_CHECK_FAILED' };
  }

  private async call(path: WechatFacePath, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    let res: unknown;
    try {
      res = await this.opts.client.post(path, body);
    } catch {
      // The client's error may echo the request (name, ID number): never pass it on.
      throw unavailable(`${path} failed`);
    }
    if (!res || typeof res !== 'object' || Array.isArray(res)) throw unavailable(`${path} answered with no JSON object`);
    return res as Record<string, unknown>;
  }
}

function unavailable(detail: string): ServiceError {
  // detail names the API and the errcode only: no personal data.
  return new ServiceError('UNAVAILABLE', { messageCode: 'server.identityServiceUnavailable', params: { detail } });
}
