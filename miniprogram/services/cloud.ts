/**
 * The one door to the cloud functions: the only caller of `wx.cloud.callFunction` in the mini program.
 * Services call `callFunction(name, data)` and get a CloudResult; pages never call it directly.
 *
 * Transports (the build's AppConfig.mode, config.ts):
 * - 'cloud': `wx.cloud.callFunction({ name, data })` on WeChat Cloud Development, given up after
 *   AppConfig.requestTimeoutMs (it has no timeout of its own).
 * - 'local': `wx.request` POST `{gatewayUrl}/functions/{name}` with `data` as the JSON body and the
 *   caller in the LOCAL_CALLER_HEADER header, to the gateway `npm start` serves (wx.request's own
 *   `timeout`: AppConfig.requestTimeoutMs).
 *
 * Every function answers with the same envelope, in both transports (the local gateway also sets the
 * HTTP status of a failure):
 *   { "ok": true, "data": <result> }
 *   { "ok": false, "error": { "code": "ID_NUMBER_INVALID", "message": "...", "messageCode"?: "server.…", "params"?: {...},
 *                             "fields"?: {...}, "retryAfter"?: n } }
 * Function errors carry the server's stable codes (server/errors.ts); transport failures get the codes
 * in TRANSPORT_ERROR_CODES. Neither throws: both come back as { ok: false, error }. Misuse by the calling
 * code (a bad function name, data that is not an object) throws a TypeError.
 */
import { appConfig, type AppConfig } from '../config';

export const LOCAL_CALLER_HEADER = 'X-Ithc-Local-Caller';

export const TRANSPORT_ERROR_CODES = Object.freeze([
  /** The request never got an answer (offline, timeout, DNS, TLS, the cloud call itself failed). */
  'NETWORK',
  /** The gateway answered with an HTTP error and no envelope. */
  'HTTP_STATUS',
  /** An answer that is not an envelope. */
  'BAD_RESPONSE',
  /** Cloud mode without wx.cloud (base library too old, or an AppID without cloud development). */
  'CLOUD_UNAVAILABLE',
] as const);
export type TransportErrorCode = (typeof TRANSPORT_ERROR_CODES)[number];

export interface CloudError {
  /** A TransportErrorCode, or the function's own stable code. */
  code: string;
  source: 'transport' | 'function';
  /** For people, bilingual: shown when neither messageCode nor code has a translation here. */
  message: string;
  /** The shared catalogue's sentence for this error (core/view `server.*`), and the values it fills in. */
  messageCode?: string;
  params?: Record<string, string | number>;
  /** HTTP status, local mode only. */
  status?: number;
  /** Which form field is wrong and how. */
  fields?: Record<string, string>;
  /** Seconds before a retry can succeed. */
  retryAfter?: number;
}

export type CloudResult<T> = { ok: true; data: T } | { ok: false; error: CloudError };

/** The parts of `wx` this module uses, so tests can hand in their own. */
export interface WxTransport {
  request: WechatMiniprogram.Wx['request'];
  cloud?: Pick<WechatMiniprogram.Wx['cloud'], 'init' | 'callFunction'>;
}

// Bounds on what an answer may put in front of the user (messages are shown, codes are looked up).
const MAX_CODE_LENGTH = 64;
const MAX_MESSAGE_LENGTH = 500;
const MAX_FIELDS = 32;
const MAX_PARAMS = 8;
const MESSAGE_CODE = /^[a-z][A-Za-z0-9]*(\.[A-Za-z0-9_+-]+)+$/;
const PARAM_NAME = /^[\w+-]{1,32}$/;
const FUNCTION_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
const TIMED_OUT = Symbol('timed out');
const ERROR_CODE = /^[A-Z][A-Z0-9_]*$/;

export interface CloudClient {
  callFunction<T = unknown>(name: string, data?: Record<string, unknown>): Promise<CloudResult<T>>;
}

export function createCloudClient(config: AppConfig, getWx: () => WxTransport): CloudClient {
  let cloudReady = false;

  function callLocal(name: string, data: Record<string, unknown>): Promise<CloudResult<unknown>> {
    return new Promise((resolve) => {
      getWx().request({
        url: `${config.gatewayUrl}/functions/${name}`,
        method: 'POST',
        data,
        header: { 'content-type': 'application/json', [LOCAL_CALLER_HEADER]: config.localCaller },
        dataType: 'json',
        timeout: config.requestTimeoutMs,
        success: (res) => resolve(fromAnswer(res.data, res.statusCode)),
        fail: (err) => resolve(transportError('NETWORK', err?.errMsg || 'request failed')),
      });
    });
  }

  async function callCloud(name: string, data: Record<string, unknown>): Promise<CloudResult<unknown>> {
    const cloud = getWx().cloud;
    if (!cloud) return transportError('CLOUD_UNAVAILABLE', 'wx.cloud is not available');
    if (!cloudReady) {
      cloud.init(config.cloudEnv ? { env: config.cloudEnv, traceUser: true } : { traceUser: true });
      cloudReady = true;
    }
    // wx.cloud.callFunction has no timeout of its own: on a weak signal it can hang far longer than
    // anyone waits at a gate. The call is raced against the build's timeout, as wx.request is in
    // local mode; a late answer is then ignored (the functions a page refreshes with only read or
    // return what is already issued, so nothing is lost).
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<typeof TIMED_OUT>((resolve) => {
      timer = setTimeout(() => resolve(TIMED_OUT), config.requestTimeoutMs);
    });
    try {
      const res = await Promise.race([cloud.callFunction({ name, data }), timedOut]);
      if (res === TIMED_OUT) return transportError('NETWORK', `cloud.callFunction:fail timeout after ${config.requestTimeoutMs} ms`);
      return fromAnswer((res as { result?: unknown }).result, undefined);
    } catch (err) {
      return transportError('NETWORK', errMsgOf(err) || 'cloud.callFunction failed');
    } finally {
      if (timer !== undefined) clearTimeout(timer);
    }
  }

  return {
    async callFunction<T>(name: string, data: Record<string, unknown> = {}): Promise<CloudResult<T>> {
      if (typeof name !== 'string' || !FUNCTION_NAME.test(name)) throw new TypeError(`invalid cloud function name: ${String(name)}`);
      if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new TypeError('cloud function data must be a plain object');
      const result = config.mode === 'local' ? await callLocal(name, data) : await callCloud(name, data);
      // The envelope is checked, the payload is the function's own contract: its caller knows T.
      return result as CloudResult<T>;
    },
  };
}

/** The app's client: this build's configuration and the global `wx`, both looked up on first use. */
let defaultClient: CloudClient | undefined;

export function callFunction<T = unknown>(name: string, data?: Record<string, unknown>): Promise<CloudResult<T>> {
  if (!defaultClient) defaultClient = createCloudClient(appConfig(), () => wx);
  return defaultClient.callFunction<T>(name, data);
}

function fromAnswer(body: unknown, status: number | undefined): CloudResult<unknown> {
  const httpOk = status === undefined || (status >= 200 && status < 300);
  if (isRecord(body) && body.ok === true && 'data' in body) {
    if (httpOk) return { ok: true, data: body.data };
    return transportError('BAD_RESPONSE', `success envelope with HTTP status ${status}`, status);
  }
  if (isRecord(body) && body.ok === false && isRecord(body.error)) {
    const error = functionError(body.error, status);
    if (error) return { ok: false, error };
  }
  if (!httpOk) return transportError('HTTP_STATUS', `HTTP ${status}`, status);
  return transportError('BAD_RESPONSE', 'the answer is not a cloud function envelope', status);
}

function functionError(raw: Record<string, unknown>, status: number | undefined): CloudError | undefined {
  const { code, message } = raw;
  if (typeof code !== 'string' || code.length > MAX_CODE_LENGTH || !ERROR_CODE.test(code)) return undefined;
  const error: CloudError = {
    code,
    source: 'function',
    message: typeof message === 'string' ? message.slice(0, MAX_MESSAGE_LENGTH) : code,
  };
  if (status !== undefined) error.status = status;
  if (isRecord(raw.fields)) {
    const fields: Record<string, string> = {};
    for (const [key, value] of Object.entries(raw.fields).slice(0, MAX_FIELDS)) {
      if (typeof value === 'string') fields[key.slice(0, MAX_CODE_LENGTH)] = value.slice(0, MAX_MESSAGE_LENGTH);
    }
    error.fields = fields;
  }
  if (typeof raw.retryAfter === 'number' && Number.isFinite(raw.retryAfter) && raw.retryAfter >= 0) error.retryAfter = raw.retryAfter;
  if (typeof raw.messageCode === 'string' && raw.messageCode.length <= MAX_CODE_LENGTH && MESSAGE_CODE.test(raw.messageCode)) {
    error.messageCode = raw.messageCode;
    if (isRecord(raw.params)) {
      const params: Record<string, string | number> = {};
      for (const [key, value] of Object.entries(raw.params).slice(0, MAX_PARAMS)) {
        if (!PARAM_NAME.test(key)) continue;
        if (typeof value === 'string') params[key] = value.slice(0, MAX_MESSAGE_LENGTH);
        else if (typeof value === 'number' && Number.isFinite(value)) params[key] = value;
      }
      error.params = params;
    }
  }
  return error;
}

function transportError(code: TransportErrorCode, message: string, status?: number): { ok: false; error: CloudError } {
  const error: CloudError = { code, source: 'transport', message: message.slice(0, MAX_MESSAGE_LENGTH) };
  if (status !== undefined) error.status = status;
  return { ok: false, error };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function errMsgOf(err: unknown): string {
  if (isRecord(err) && typeof err.errMsg === 'string') return err.errMsg;
  return err instanceof Error ? err.message : '';
}
