/**
 * The production runtime of every cloud function (WeChat Cloud Development). Thin: it makes the
 * cloud's adapters — the CloudBase document database, secrets from the function's environment,
 * the clock — and hands them to the function's own composition (server/cloud/compose/<name>.ts),
 * which builds only the services that function's actions use; then it dispatches.
 *
 * Why one composition per function instead of one app: each function deploys as its own bundle,
 * and an app with every service carried every library into every function (2.4 MB each: the PDF
 * stack, the pinyin dictionary, ...). The local gateway still builds the whole app (server/app.ts)
 * over the same services and function definitions (server/functions/).
 *
 * The caller is the OPENID that WeChat vouches for (cloud.getWXContext()); nothing in the event can
 * change it. Operators are listed by OPENID in ITHC_OPERATORS.
 *
 * Not callable here: wx-server-sdk talks only to Tencent's servers. Everything below it is tested
 * locally through the same services and dispatch with SQLite and the CloudBase stand-in.
 */
import * as cloud from 'wx-server-sdk';
import { systemClock, type Clock } from '../clock';
import { dispatch, type Envelope, type FunctionDef, type Logger } from '../functions/router';
import type { RawRequest, RawResponse, Route } from '../gateway';
import { EnvSecretStore, type SecretStore } from '../keys/secrets';
import type { CloudStorageSdk } from '../pdf/storage';
import { cloudbaseStore, type CloudBaseDatabase } from '../store/cloudbase';
import type { Store } from '../store/store';

/** What every function's composition starts from. */
export interface CloudBase {
  store: Store;
  secrets: SecretStore;
  clock: Clock;
  env: NodeJS.ProcessEnv;
  /** wx-server-sdk's cloud storage, initialised (PDFs). */
  sdk: CloudStorageSdk;
  /** OPENIDs with operator rights (ITHC_OPERATORS, comma-separated). */
  operators: readonly string[];
}

/** A composed function: its actions (none for HTTP-only functions) and its HTTP routes. */
export interface ComposedFunction {
  def?: FunctionDef;
  routes: Route[];
}

export type Compose = (base: CloudBase) => Promise<ComposedFunction>;

/** Logs go to the function's log stream; never with request data (it may hold personal data). */
const logger: Logger = {
  error: (m, meta) => console.error(JSON.stringify({ level: 'error', m, ...meta })),
  info: (m, meta) => console.log(JSON.stringify({ level: 'info', m, ...meta })),
};

/** GET /health on every function: answers once the function's composition is up. */
const healthRoute: Route = async (req) => (req.path === '/health' ? { status: 200, headers: { 'content-type': 'application/json; charset=utf-8' }, body: '{"ok":true}' } : undefined);

type HttpResult = { statusCode: number; headers: Record<string, string>; body: string; isBase64Encoded: boolean };

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
export function cloudFunction(name: string, compose: Compose): (event: unknown) => Promise<Envelope | HttpResult> {
  let composed: Promise<ComposedFunction & { operators: readonly string[] }> | undefined;
  const ready = () => {
    if (!composed) {
      cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV });
      const env = process.env;
      const base: CloudBase = {
        store: cloudbaseStore(cloud.database({ throwOnNotFound: false }) as CloudBaseDatabase),
        secrets: new EnvSecretStore(env),
        clock: systemClock,
        env,
        sdk: cloud,
        operators: (env.ITHC_OPERATORS ?? '').split(',').filter(Boolean),
      };
      composed = compose(base)
        .then((c) => ({ ...c, operators: base.operators }))
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
    if (!c.def) return { ok: false, error: { code: 'BAD_REQUEST', message: `${name} is reached over HTTP only` } };
    const openid = cloud.getWXContext().OPENID ?? '';
    return dispatch(c.def, event, { openid, operator: c.operators.includes(openid) }, logger);
  };
}

async function http(routes: readonly Route[], event: HttpEvent): Promise<HttpResult> {
  const query = new URLSearchParams(event.queryStringParameters ?? {});
  const path = event.path ?? '/';
  const body = event.body ? (event.isBase64Encoded ? new Uint8Array(Buffer.from(event.body, 'base64')) : new TextEncoder().encode(event.body)) : new Uint8Array(0);
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(event.headers ?? {})) headers[k.toLowerCase()] = v;
  const req: RawRequest = { method: event.httpMethod ?? 'GET', target: query.size ? `${path}?${query}` : path, path, query, headers, body };
  for (const route of routes) {
    const res: RawResponse | undefined = await route(req);
    if (res) {
      const isBinary = res.body instanceof Uint8Array;
      return { statusCode: res.status, headers: res.headers ?? {}, body: isBinary ? Buffer.from(res.body).toString('base64') : (res.body as string), isBase64Encoded: isBinary };
    }
  }
  return { statusCode: 404, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ok: false, error: { code: 'NOT_FOUND', message: 'not found' } }), isBase64Encoded: false };
}
