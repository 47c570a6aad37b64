/**
 * The production entry of every cloud function (WeChat Cloud Development). Thin: it builds the
 * same app as the local gateway with the cloud's adapters — the CloudBase document database,
 * secrets from the function's environment, WeChat facial verification — and dispatches.
 *
 * The caller is the OPENID that WeChat vouches for (cloud.getWXContext()); nothing in the event can
 * change it. Operators are listed by OPENID in ITHC_OPERATORS.
 *
 * Not callable here: wx-server-sdk talks only to Tencent's servers. Everything below it is tested
 * locally through the same createApp/dispatch with SQLite and the CloudBase stand-in.
 */
import * as cloud from 'wx-server-sdk';
import { randomBytes } from 'node:crypto';
import { createApp, type App } from '../app';
import { systemClock } from '../clock';
import { functionsFor } from '../functions/definitions';
import { dispatch, type Envelope, type Logger } from '../functions/router';
import { EnvSecretStore } from '../keys/secrets';
import { cloudbaseStore, type CloudBaseDatabase } from '../store/cloudbase';
import { WechatFacialProvider, type WechatOpenApiClient } from '../identity/wechat-facial';
import { appRoutes } from '../routes';
import { CloudFileStorage } from '../pdf/storage';
import { verifyLinks } from '../pdf/service';
import type { RawRequest } from '../gateway';

let appPromise: Promise<App> | undefined;

/** Logs go to the function's log stream; never with request data (it may hold personal data). */
const logger: Logger = {
  error: (m, meta) => console.error(JSON.stringify({ level: 'error', m, ...meta })),
  info: (m, meta) => console.log(JSON.stringify({ level: 'info', m, ...meta })),
};

/** Posts to api.weixin.qq.com with an access token fetched by the stable-token API and cached. */
function openApiClient(env: NodeJS.ProcessEnv): WechatOpenApiClient {
  let token: { value: string; until: number } | undefined;
  const accessToken = async (): Promise<string> => {
    if (token && token.until > Date.now()) return token.value;
    const res = await fetch('https://api.weixin.qq.com/cgi-bin/stable_token', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credential', appid: env.ITHC_WECHAT_APPID, secret: env.ITHC_SECRET_WECHAT_APPSECRET }),
    });
    const body = (await res.json()) as { access_token?: string; expires_in?: number; errcode?: number };
    if (!body.access_token) throw new Error(`stable_token failed (errcode ${body.errcode ?? res.status})`);
    token = { value: body.access_token, until: Date.now() + ((body.expires_in ?? 7200) - 300) * 1000 };
    return token.value;
  };
  return {
    async post(path, body) {
      const res = await fetch(`https://api.weixin.qq.com${path}?access_token=${encodeURIComponent(await accessToken())}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return (await res.json()) as Record<string, unknown>;
    },
  };
}

function app(): Promise<App> {
  if (!appPromise) {
    cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV });
    const env = process.env;
    appPromise = createApp({
      store: cloudbaseStore(cloud.database({ throwOnNotFound: false }) as CloudBaseDatabase),
      secrets: new EnvSecretStore(env),
      clock: systemClock,
      identityProvider: new WechatFacialProvider({ client: openApiClient(env), clock: systemClock, newSeqNo: () => randomBytes(12).toString('hex') }),
      config: { operators: (env.ITHC_OPERATORS ?? '').split(',').filter(Boolean) },
      // PDFs go to cloud storage and are handed out as temporary URLs.
      paper: { storage: new CloudFileStorage(cloud, systemClock), links: verifyLinks(env.ITHC_PUBLIC_BASE_URL ?? '') },
    }).catch((e) => {
      appPromise = undefined;
      throw e;
    });
  }
  return appPromise;
}

type HttpResult = { statusCode: number; headers: Record<string, string>; body: string; isBase64Encoded: boolean };

/**
 * A cloud function: called from the mini program with wx.cloud.callFunction (an event of
 * `{action, ...}`), or over HTTP (CloudBase HTTP access: an event with httpMethod) for the routes
 * of server/routes.ts — the trust list and record ingestion.
 */
export function cloudFunction(name: string): (event: unknown) => Promise<Envelope | HttpResult> {
  return async (event) => {
    const a = await app();
    if (event && typeof event === 'object' && 'httpMethod' in event) return http(a, event as HttpEvent);
    const def = functionsFor(a).find((f) => f.name === name);
    if (!def) return { ok: false, error: { code: 'BAD_REQUEST', message: `${name} is reached over HTTP only` } };
    const openid = cloud.getWXContext().OPENID ?? '';
    return dispatch(def, event, { openid, operator: a.config.operators.includes(openid) }, logger);
  };
}

interface HttpEvent {
  httpMethod?: string;
  path?: string;
  headers?: Record<string, string>;
  queryStringParameters?: Record<string, string>;
  body?: string;
  isBase64Encoded?: boolean;
}

async function http(a: App, event: HttpEvent): Promise<HttpResult> {
  {
    const query = new URLSearchParams(event.queryStringParameters ?? {});
    const path = event.path ?? '/';
    const body = event.body ? (event.isBase64Encoded ? new Uint8Array(Buffer.from(event.body, 'base64')) : new TextEncoder().encode(event.body)) : new Uint8Array(0);
    const headers: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(event.headers ?? {})) headers[k.toLowerCase()] = v;
    const req: RawRequest = { method: event.httpMethod ?? 'GET', target: query.size ? `${path}?${query}` : path, path, query, headers, body };
    for (const route of appRoutes(a)) {
      const res = await route(req);
      if (res) {
        const isBinary = res.body instanceof Uint8Array;
        return { statusCode: res.status, headers: res.headers ?? {}, body: isBinary ? Buffer.from(res.body).toString('base64') : (res.body as string), isBase64Encoded: isBinary };
      }
    }
    return { statusCode: 404, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ok: false, error: { code: 'NOT_FOUND', message: 'not found' } }), isBase64Encoded: false };
  }
}
