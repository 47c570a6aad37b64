/**
 * Operators' calls over HTTP (docs/deploy.md, "Operator requests"): how `ithc provision` calls the
 * admin function from the operator's machine, where there is no WeChat account to vouch for the
 * caller. Each request is signed with the operator's own P-256 key (`ithc provision keygen`); the
 * cloud holds only public keys (ITHC_OPERATOR_KEYS, or added with admin.addOperator), so nothing
 * it stores lets anyone act as an operator.
 *
 *   POST /admin   body: the event, as for wx.cloud.callFunction: {"action": ..., ...input}
 *   X-ITHC-Operator-Key  the key's id (32 hex digits of SHA-256 over its SPKI DER)
 *   X-ITHC-Timestamp     Unix seconds; within 300 s of the cloud's clock
 *   X-ITHC-Nonce         16–64 characters of A–Z a–z 0–9 _ -, never reused
 *   X-ITHC-Signature     base64 of the ES256 signature (r ‖ s, 64 bytes) over the canonical string:
 *
 *   ITHC-OPERATOR-ES256 \n POST \n <path and query as sent> \n <key id> \n <timestamp> \n <nonce> \n <hex SHA-256 of the body>
 *
 * The same shape as ingestion's signed requests (docs/ingestion.md), with a signature in place of
 * an HMAC. A nonce is recorded (collection `ingestNonces`, id `operator:<keyId>:<nonce>`) before the
 * action runs, so a replayed request is refused even when the first one failed.
 */
import { verify as nodeVerify } from 'node:crypto';
import { fromBase64 } from '../../core/bytes';
import type { Clock } from '../clock';
import { SERVICE_ERROR_STATUS, ServiceError, isServiceError } from '../errors';
import { dispatch, type FunctionDef, type Logger } from '../functions/router';
import { errorResponse, json, parseJsonBody, type RawRequest, type Route } from '../http';
import { StoreConflict, type Store } from '../store/store';
import { REQUEST_LIMITS } from '../validate';
import { isMissingCollection, type CollectionAdmin } from './database';
import { ADMIN_PATH, OPERATOR_HEADERS, operatorCanonicalString } from './operator-signing';
import { keyCaller, type OperatorDirectory } from './operators';

export { ADMIN_PATH, OPERATOR_HEADERS, OPERATOR_SCHEME, operatorCanonicalString, signOperatorRequest, type OperatorSignedParts } from './operator-signing';

const NONCE = /^[A-Za-z0-9_-]{16,64}$/;
const TIMESTAMP = /^[0-9]{1,12}$/;
const KEY_ID = /^[0-9a-f]{32}$/;
/** Accepted distance between the request's timestamp and the cloud's clock, each way. */
export const OPERATOR_WINDOW_SECONDS = 300;

function header(req: RawRequest, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === 'string' ? v : undefined;
}

/**
 * Checks a signed operator request; returns the caller it acts as (`opkey-<keyId>`). Refuses with
 * UNAUTHENTICATED, SIGNATURE_INVALID or REPLAYED; records the nonce when it passes.
 */
export async function authenticateOperator(
  req: RawRequest,
  deps: { directory: OperatorDirectory; store: Store; clock: Clock; collections?: CollectionAdmin },
): Promise<string> {
  const keyId = header(req, OPERATOR_HEADERS.key);
  const timestamp = header(req, OPERATOR_HEADERS.timestamp);
  const nonce = header(req, OPERATOR_HEADERS.nonce);
  const signature = header(req, OPERATOR_HEADERS.signature);
  if (keyId === undefined || timestamp === undefined || nonce === undefined || signature === undefined) {
    throw new ServiceError('UNAUTHENTICATED', { messageCode: 'server.signedHeadersRequired', params: { headers: Object.values(OPERATOR_HEADERS).join(', ') } });
  }
  if (!KEY_ID.test(keyId) || !TIMESTAMP.test(timestamp) || !NONCE.test(nonce))
    throw new ServiceError('UNAUTHENTICATED', { messageCode: 'server.signatureHeadersInvalid' });
  const key = await deps.directory.keyFor(keyId);
  if (!key) throw new ServiceError('UNAUTHENTICATED', { messageCode: 'server.operatorKeyUnknown' });
  let sig: Uint8Array;
  try {
    sig = fromBase64(signature);
  } catch {
    sig = new Uint8Array(0);
  }
  const data = operatorCanonicalString({ method: req.method, path: req.target, keyId, timestamp, nonce, body: req.body });
  if (sig.length !== 64 || !nodeVerify('sha256', Buffer.from(data, 'utf8'), { key, dsaEncoding: 'ieee-p1363' }, sig)) {
    throw new ServiceError('SIGNATURE_INVALID', { messageCode: 'server.signatureInvalid' });
  }
  // After the signature: only the key holder learns how far off their clock is.
  const now = deps.clock.now();
  const ts = Number(timestamp);
  if (Math.abs(now / 1000 - ts) > OPERATOR_WINDOW_SECONDS)
    throw new ServiceError('UNAUTHENTICATED', { messageCode: 'server.clockSkew', params: { seconds: OPERATOR_WINDOW_SECONDS } });
  const record = () =>
    deps.store.insert('ingestNonces', {
      _id: `operator:${keyId}:${nonce}`,
      sourceId: `operator:${keyId}`,
      expiresAt: (ts + OPERATOR_WINDOW_SECONDS) * 1000 + 1000,
    });
  try {
    try {
      await record();
    } catch (e) {
      // A fresh environment has no collections until admin.init makes them: the one a signed
      // request needs is made here, so that an operator can call init at all.
      if (!deps.collections || !isMissingCollection(e)) throw e;
      await deps.collections.ensure('ingestNonces');
      await record();
    }
  } catch (e) {
    if (e instanceof StoreConflict)
      throw new ServiceError('REPLAYED', {
        messageCode: 'server.replayed',
      });
    throw e;
  }
  return keyCaller(keyId);
}

/**
 * POST /admin: the admin function for `ithc provision`, signed by an operator key. Answers with
 * the action's envelope, as the function does to the mini program.
 */
export function adminHttpRoute(
  def: FunctionDef,
  deps: { directory: OperatorDirectory; store: Store; clock: Clock; collections?: CollectionAdmin; logger?: Logger },
): Route {
  return async (req) => {
    if (req.path !== ADMIN_PATH) return undefined;
    try {
      if (req.method !== 'POST') throw new ServiceError('METHOD_NOT_ALLOWED', { messageCode: 'server.methodNotAllowed', params: { method: 'POST' } });
      if (req.body.length > REQUEST_LIMITS.maxBytes)
        throw new ServiceError('PAYLOAD_TOO_LARGE', {
          messageCode: 'server.payloadTooLarge',
          params: { n: REQUEST_LIMITS.maxBytes },
        });
      const caller = await authenticateOperator(req, deps);
      const event = parseJsonBody(req.body);
      const env = await dispatch(def, event, { openid: caller, operator: true }, deps.logger);
      const status = env.ok ? 200 : (SERVICE_ERROR_STATUS[env.error.code] ?? 400);
      return json(status, env, { 'cache-control': 'no-store' });
    } catch (e) {
      if (isServiceError(e)) return errorResponse(e);
      throw e;
    }
  };
}
