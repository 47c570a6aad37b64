/**
 * Cloud-function dispatch, shared by the real cloud functions (cloudfunctions/<name>) and the local
 * gateway. An event is `{action, ...input}`; the caller is the OPENID WeChat vouches for
 * (cloud.getWXContext()), never a field of the event. The answer is an envelope:
 * `{ok: true, data}` or `{ok: false, error: {code, message, messageCode?, params?, fields?, retryAfter?}}`.
 */
import { randomUUID } from 'node:crypto';
import { ServiceError, isServiceError, type ServiceErrorJson } from '../errors';
import { checkShape, REQUEST_LIMITS, type Input } from '../validate';

export interface CallContext {
  /** The caller's OPENID; empty for anonymous HTTP callers of public actions. */
  openid: string;
  /** Operator rights: the caller is listed as an operator. Looked up (and true) only for an operator-only action. */
  operator: boolean;
  requestId: string;
  /** "function.action" of this call, for audit entries (e.g. a relative's log of proxy actions). */
  action?: string;
}

export interface ActionDef {
  handler: (ctx: CallContext, input: Input) => Promise<unknown>;
  /**
   * The top-level fields the action takes besides `action` (docs/functions.md). Any other field is
   * refused with VALIDATION_FAILED before the handler runs, so a stray or hostile field (`$where`,
   * `__proto__`, a misspelt name) never passes unnoticed. Left out only where the handler checks
   * every field itself (partners.upsert: a whole partner document).
   */
  input?: readonly string[];
  /** Only operators may call it. */
  operator?: boolean;
  /** Callable without an OPENID (published data). */
  public?: boolean;
  /**
   * Deeper or larger input than REQUEST_LIMITS allows (an operator's partner document holds
   * CertLogic rules), checked once the caller is known to be allowed. The byte limit still holds.
   */
  shape?: { maxDepth: number; maxKeys: number };
}

export interface FunctionDef {
  name: string;
  actions: Record<string, ActionDef>;
}

export type Envelope = { ok: true; data: unknown } | { ok: false; error: ServiceErrorJson & { requestId?: string } };

export interface Logger {
  error(message: string, meta?: Record<string, unknown>): void;
  info(message: string, meta?: Record<string, unknown>): void;
}

export const silentLogger: Logger = { error() {}, info() {} };

const OPENID = /^[A-Za-z0-9_-]{1,64}$/;

export async function dispatch(def: FunctionDef, event: unknown, caller: { openid: string; operator: boolean }, log: Logger = silentLogger): Promise<Envelope> {
  const requestId = randomUUID();
  try {
    if (!event || typeof event !== 'object' || Array.isArray(event)) throw new ServiceError('BAD_REQUEST', { messageCode: 'server.badRequest' });
    const named = (event as Input).action;
    const relaxed = typeof named === 'string' && Object.prototype.hasOwnProperty.call(def.actions, named) ? def.actions[named].shape : undefined;
    if (!relaxed) checkShape(event);
    const { action, ...input } = event as Input;
    if (typeof action !== 'string' || !Object.prototype.hasOwnProperty.call(def.actions, action)) {
      throw new ServiceError('BAD_REQUEST', {
        messageCode: 'server.unknownAction',
        params: { action: JSON.stringify(String(action).slice(0, 40)), function: def.name },
      });
    }
    const a = def.actions[action];
    if (!a.public && !OPENID.test(caller.openid)) throw new ServiceError('UNAUTHENTICATED', { messageCode: 'server.signIn' });
    if (a.operator && !caller.operator) throw new ServiceError('FORBIDDEN', { messageCode: 'server.operatorsOnly' });
    if (relaxed) checkShape(event, { ...REQUEST_LIMITS, ...relaxed });
    // Cloud functions also receive userInfo from WeChat; it is context, not input.
    delete (input as Record<string, unknown>).userInfo;
    if (a.input) {
      const unknown = Object.keys(input).filter((k) => !a.input!.includes(k));
      if (unknown.length) {
        const names = unknown.slice(0, 10).map((k) => k.slice(0, 40));
        throw new ServiceError('VALIDATION_FAILED', {
          fields: Object.fromEntries(names.map((k) => [k, '未知字段 / unknown field'])),
          messageCode: 'server.unknownFields',
          params: { fields: names.join(', ') },
        });
      }
    }
    const data = await a.handler({ openid: caller.openid, operator: caller.operator, requestId, action: `${def.name}.${action}` }, input);
    return { ok: true, data: data ?? null };
  } catch (e) {
    if (isServiceError(e)) return { ok: false, error: e.toJSON() };
    // Unknown failures: log the request id and the error type, never the input (it may hold personal data).
    log.error('action failed', { fn: def.name, requestId, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
    return { ok: false, error: { ...new ServiceError('INTERNAL', { messageCode: 'server.internal', params: { ref: requestId } }).toJSON(), requestId } };
  }
}
