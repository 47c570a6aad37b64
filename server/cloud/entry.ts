/**
 * The production runtime of every cloud function (WeChat Cloud Development). Thin: it makes the
 * cloud's adapters — the CloudBase document database, secrets from the function's environment,
 * the clock — and hands them to the function's own composition (server/cloud/compose/<name>.ts),
 * which builds only the services that function's actions use; then it dispatches.
 *
 * Why one composition per function instead of one app: each function deploys as its own bundle,
 * and an app with every service carried every library into every function (2.4 MB each: the PDF
 * stack, the pinyin dictionary, ...). Both it and the local app (server/app.ts), which builds every
 * service, make each service with the same factory (server/compose/) and serve the same function
 * definitions (server/functions/).
 *
 * The caller is the OPENID that WeChat vouches for (cloud.getWXContext()); nothing in the event can
 * change it. Operators are the OPENIDs in ITHC_OPERATORS and those added since
 * (server/provision/operators.ts); `ithc provision` reaches the admin function over HTTP with a
 * signed request instead (server/provision/operator-auth.ts).
 *
 * Three kinds of event: a call from the mini program (`{action, ...}`), an HTTP request through
 * CloudBase's HTTP access service (`httpMethod`, `path`, ...), and a timer trigger
 * (`{Type: 'Timer', TriggerName, Time}`, with no caller), which runs the composition's timer of that
 * name (cloudfunctions/<name>/config.json).
 *
 * A function does not start without its variables (server/provision/environment.ts): above all
 * ITHC_PUBLIC_BASE_URL, a public https address, so that what it prints and serves names it and
 * never a loopback address; the KEK where keys are opened; well-formed operator lists. The error
 * names each variable and what is wrong with it.
 *
 * Not callable here: wx-server-sdk talks only to Tencent's servers. Everything below it is tested
 * locally through the same services and dispatch with SQLite and the CloudBase stand-in.
 */
import * as cloud from 'wx-server-sdk';
import { systemClock } from '../clock';
import { ServiceError } from '../errors';
import { operatorsOf } from '../compose/operators';
import { dispatch, type Envelope, type Logger } from '../functions/router';
import type { RawRequest, RawResponse, Route } from '../http';
import { EnvSecretStore } from '../keys/secrets';
import { cloudbaseCollections, type CloudBaseCollectionsApi } from '../provision/database';
import { requireEnvironment } from '../provision/environment';
import type { OperatorDirectory } from '../provision/operators';
import { parseOperatorBootstrap } from '../provision/operators';
import { cloudbaseStore, type CloudBaseDatabase } from '../store/cloudbase';
import { cloudPlatform } from './compose/base';
import type { CloudBase, Compose, ComposedFunction } from './composed';

export type { CloudBase, ComposedFunction, Compose } from './composed';

/** Logs go to the function's log stream; never with request data (it may hold personal data). */
const logger: Logger = {
  error: (m, meta) => console.error(JSON.stringify({ level: 'error', m, ...meta })),
  info: (m, meta) => console.log(JSON.stringify({ level: 'info', m, ...meta })),
};

/** GET /health on every function: answers once the function's composition is up. */
const healthRoute: Route = (req) =>
  Promise.resolve(req.path === '/health' ? { status: 200, headers: { 'content-type': 'application/json; charset=utf-8' }, body: '{"ok":true}' } : undefined);

type HttpResult = { statusCode: number; headers: Record<string, string>; body: string; isBase64Encoded: boolean };

interface TimerEvent {
  Type: 'Timer';
  TriggerName: string;
  Time?: string;
}

function isTimerEvent(event: unknown): event is TimerEvent {
  return !!event && typeof event === 'object' && (event as TimerEvent).Type === 'Timer' && typeof (event as TimerEvent).TriggerName === 'string';
}

interface HttpEvent {
  httpMethod?: string;
  path?: string;
  headers?: Record<string, string>;
  queryStringParameters?: Record<string, string>;
  body?: string;
  isBase64Encoded?: boolean;
}

/**
 * A cloud function: called from the mini program with wx.cloud.callFunction (an event of
 * `{action, ...}`), or over HTTP (CloudBase HTTP access: an event with httpMethod) for the
 * function's routes (server/routes.ts): the trust list, record ingestion.
 */
export function cloudFunction(name: string, compose: Compose): (event: unknown) => Promise<Envelope | HttpResult | TimerResult> {
  let composed: Promise<ComposedFunction & { directory: OperatorDirectory }> | undefined;
  const ready = () => {
    if (!composed) {
      const env = process.env;
      try {
        // Checked before anything is built: a function that would print or serve a wrong address
        // does not start, and its log says which variable to set.
        requireEnvironment(env, name);
      } catch (e) {
        logger.error('function cannot start', { fn: name, error: e instanceof Error ? e.message : String(e) });
        return Promise.reject(e instanceof Error ? e : new Error(String(e)));
      }
      cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV });
      const bootstrap = parseOperatorBootstrap(env);
      const db = cloud.database({ throwOnNotFound: false }) as CloudBaseDatabase & CloudBaseCollectionsApi;
      const store = cloudbaseStore(db);
      const base: CloudBase = {
        store,
        secrets: new EnvSecretStore(env),
        clock: systemClock,
        env,
        sdk: cloud,
        operators: [...bootstrap.openids],
        collections: cloudbaseCollections(db),
      };
      // Who is an operator, for dispatch: the same directory the admin function's actions change.
      composed = Promise.all([compose(base), operatorsOf(cloudPlatform(base))])
        .then(([c, directory]) => ({ ...c, directory }))
        .catch((e) => {
          composed = undefined;
          throw e;
        });
    }
    return composed;
  };
  return async (event) => {
    const c = await ready();
    if (event && typeof event === 'object' && 'httpMethod' in event) return http([healthRoute, ...c.routes], event as HttpEvent);
    const openid = cloud.getWXContext().OPENID ?? '';
    // A timer's event comes from the platform, with no caller; a client sending the same shape is a caller, and is dispatched as one.
    if (isTimerEvent(event) && !openid) return runTimer(name, c, event);
    if (!c.def) return { ok: false, error: new ServiceError('BAD_REQUEST', { messageCode: 'server.httpOnly', params: { function: name } }).toJSON() };
    // Operator rights are looked up (one read) only for the actions that need them.
    const action = (event as { action?: unknown } | null)?.action;
    const needsOperator = typeof action === 'string' && Object.prototype.hasOwnProperty.call(c.def.actions, action) && c.def.actions[action].operator === true;
    return dispatch(c.def, event, { openid, operator: needsOperator && (await c.directory.isOperator(openid)) }, logger);
  };
}

type TimerResult = { ok: true; trigger: string; result: unknown } | { ok: false; trigger: string; error: string };

async function runTimer(name: string, c: ComposedFunction, event: TimerEvent): Promise<TimerResult> {
  const timer = c.timers && Object.prototype.hasOwnProperty.call(c.timers, event.TriggerName) ? c.timers[event.TriggerName] : undefined;
  if (!timer) {
    logger.error('unknown timer trigger', { fn: name, trigger: event.TriggerName.slice(0, 60) });
    return { ok: false, trigger: event.TriggerName.slice(0, 60), error: `${name} has no timer ${JSON.stringify(event.TriggerName.slice(0, 60))}` };
  }
  try {
    const result = await timer();
    // Counts only: timers handle no request data.
    logger.info('timer done', { fn: name, trigger: event.TriggerName, result });
    return { ok: true, trigger: event.TriggerName, result };
  } catch (e) {
    logger.error('timer failed', { fn: name, trigger: event.TriggerName, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
    return { ok: false, trigger: event.TriggerName, error: 'failed; see the function log' };
  }
}

async function http(routes: readonly Route[], event: HttpEvent): Promise<HttpResult> {
  const query = new URLSearchParams(event.queryStringParameters ?? {});
  const path = event.path ?? '/';
  const body = event.body
    ? event.isBase64Encoded
      ? new Uint8Array(Buffer.from(event.body, 'base64'))
      : new TextEncoder().encode(event.body)
    : new Uint8Array(0);
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(event.headers ?? {})) headers[k.toLowerCase()] = v;
  const req: RawRequest = { method: event.httpMethod ?? 'GET', target: query.size ? `${path}?${query}` : path, path, query, headers, body };
  for (const route of routes) {
    const res: RawResponse | undefined = await route(req);
    if (res) {
      const isBinary = res.body instanceof Uint8Array;
      return {
        statusCode: res.status,
        headers: res.headers ?? {},
        body: isBinary ? Buffer.from(res.body).toString('base64') : (res.body as string),
        isBase64Encoded: isBinary,
      };
    }
  }
  return {
    statusCode: 404,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ok: false, error: { code: 'NOT_FOUND', message: 'not found' } }),
    isBase64Encoded: false,
  };
}
