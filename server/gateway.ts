/**
 * The local HTTP gateway: every cloud function behind one server bound to 127.0.0.1, so the whole
 * system runs on one machine without a cloud account (and the mini program in DevTools can call it
 * through services/cloud.ts in local mode).
 *
 *   POST /functions/<name>  body {action, ...input}     → the function's envelope
 *   other routes           registered by the app (trust list, ingestion, web verifier, files)
 *
 * The caller's identity comes from the `X-Ithc-Local-Caller` header. That header is a stand-in for
 * WeChat's own caller identity and is refused unless the gateway runs in local mode.
 *
 * It answers only for its own names: the loopback names with the port it listens on, and the host
 * of the public base URL (ITHC_PUBLIC_BASE_URL) when one is set. Binding to 127.0.0.1 is not enough
 * on its own: a web page on this machine can point a host name of its own at 127.0.0.1 (DNS
 * rebinding), and the browser then treats the gateway as that page's origin, header included. Any
 * other Host, or one of ours with another port, is refused with 421 and a missing Host (HTTP/1.1
 * requires one) with 400, before any function or route runs. Function calls answer no CORS
 * preflight, so pages of other origins cannot make a browser send the caller header at all.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SERVICE_ERROR_STATUS, ServiceError } from './errors';
import { dispatch, type FunctionDef, type Logger, silentLogger } from './functions/router';
import { errorResponse, json, parseJsonBody, type RawRequest, type RawResponse, type Route } from './http';
import { REQUEST_LIMITS } from './validate';

export const LOCAL_OPENID_HEADER = 'x-ithc-local-caller';

export type { RawRequest, RawResponse, Route } from './http';
export { errorResponse, json, parseJsonBody } from './http';

export interface GatewayOptions {
  functions: FunctionDef[];
  /** Local mode accepts the local caller header. Never enable it where real users connect. */
  localMode: boolean;
  /** Who has operator rights: a set, or the app's operator directory (server/provision/operators.ts). */
  operators: { has(openid: string): boolean | Promise<boolean> };
  routes?: Route[];
  /**
   * The public base URL the gateway is reached by besides loopback (ITHC_PUBLIC_BASE_URL, e.g. behind
   * a reverse proxy that keeps the Host header): its host is answered for too.
   */
  publicBaseUrl?: string;
  /** Largest request body for any route, bytes (function calls are held to REQUEST_LIMITS.maxBytes). */
  maxBodyBytes?: number;
  logger?: Logger;
}

export class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage, max: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > max) {
      reject(new BodyTooLarge());
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let total = 0;
    req.on('data', (c: Buffer) => {
      total += c.length;
      if (total > max) {
        reject(new BodyTooLarge());
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    req.on('error', reject);
  });
}

/** Names of this machine the gateway answers for, besides the public base URL's host. */
const LOOPBACK_NAMES = Object.freeze(['localhost', '127.0.0.1', '[::1]']);
/** A Host value as RFC 9110 §7.2 allows it: a registered name or IPv4 address, or an IPv6 literal, and an optional port. */
const HOST_SYNTAX = /^(?:[a-z0-9.-]{1,253}|\[[0-9a-f:.]{2,45}\])(?::[0-9]{1,5})?$/;

/**
 * The Host values the gateway answers for while listening on `port`, in lower case: each loopback
 * name with the port (and without it when the port is 80, HTTP's default), and the public base
 * URL's host with and without its scheme's default port.
 */
export function gatewayHosts(port: number, publicBaseUrl?: string): Set<string> {
  const hosts = new Set<string>();
  for (const name of LOOPBACK_NAMES) {
    hosts.add(`${name}:${port}`);
    if (port === 80) hosts.add(name);
  }
  if (publicBaseUrl) {
    let url: URL;
    try {
      url = new URL(publicBaseUrl);
    } catch {
      throw new TypeError(`the public base URL ${JSON.stringify(publicBaseUrl)} is not a URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`the public base URL ${JSON.stringify(publicBaseUrl)} is not http or https`);
    // URL.host leaves out the scheme's default port; a client may still send it.
    hosts.add(url.host.toLowerCase());
    hosts.add(`${url.hostname.toLowerCase()}:${url.port || (url.protocol === 'https:' ? 443 : 80)}`);
  }
  return hosts;
}

/**
 * Why a request is not for this gateway, or undefined when it is: its Host header (and the
 * authority of an absolute-form target, which takes precedence over Host: RFC 9112 §3.2.2) must
 * be one of `hosts`.
 */
export function misdirected(host: string | undefined, target: string, hosts: ReadonlySet<string>): ServiceError | undefined {
  if (host === undefined || host === '')
    return new ServiceError('BAD_REQUEST', {
      messageCode: 'server.hostMissing',
    });
  const names = [...hosts].sort().join(', ');
  const refuse = () => new ServiceError('MISDIRECTED_REQUEST', { messageCode: 'server.hostMisdirected', params: { hosts: names } });
  const h = host.toLowerCase();
  if (!HOST_SYNTAX.test(h) || !hosts.has(h)) return refuse();
  if (!target.startsWith('/')) {
    let url: URL | undefined;
    try {
      url = new URL(target);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || !hosts.has(url.host.toLowerCase())) return refuse();
  }
  return undefined;
}

export function createGateway(opts: GatewayOptions): { server: Server; listen(port?: number): Promise<string>; close(): Promise<void> } {
  const log = opts.logger ?? silentLogger;
  // Checked here, so a bad ITHC_PUBLIC_BASE_URL stops the start rather than every request.
  gatewayHosts(0, opts.publicBaseUrl);
  let hosts: ReadonlySet<string> = new Set();
  const byName = new Map(opts.functions.map((f) => [f.name, f]));
  const maxBody = opts.maxBodyBytes ?? 1024 * 1024;

  const handle = async (req: RawRequest): Promise<RawResponse> => {
    const m = /^\/functions\/([a-zA-Z0-9_-]{1,40})$/.exec(req.path);
    if (m) {
      if (req.method !== 'POST') return json(405, { ok: false, error: { code: 'BAD_REQUEST', message: 'use POST' } });
      const def = byName.get(m[1]);
      if (!def) return json(404, { ok: false, error: { code: 'NOT_FOUND', message: `no function ${m[1]}` } });
      const claimed = req.headers[LOCAL_OPENID_HEADER];
      if (claimed !== undefined && !opts.localMode) {
        throw new ServiceError('FORBIDDEN', {
          messageCode: 'server.localCallerRefused',
        });
      }
      if (req.body.length > REQUEST_LIMITS.maxBytes)
        throw new ServiceError('PAYLOAD_TOO_LARGE', {
          messageCode: 'server.payloadTooLarge',
          params: { n: REQUEST_LIMITS.maxBytes },
        });
      const event = parseJsonBody(req.body);
      const openid = claimed ?? '';
      // Operator rights are looked up only for an operator-only action, as the cloud functions do
      // (server/cloud/entry.ts): the other actions do not read them, and every request is spared a store read.
      const action = event && typeof event === 'object' && !Array.isArray(event) ? (event as { action?: unknown }).action : undefined;
      const needsOperator = typeof action === 'string' && Object.prototype.hasOwnProperty.call(def.actions, action) && def.actions[action].operator === true;
      const env = await dispatch(def, event, { openid, operator: needsOperator && openid !== '' && (await opts.operators.has(openid)) }, log);
      return json(
        env.ok ? 200 : statusOf(env.error.code),
        env,
        !env.ok && env.error.retryAfter !== undefined ? { 'retry-after': String(env.error.retryAfter) } : {},
      );
    }
    for (const r of opts.routes ?? []) {
      const res = await r(req);
      if (res) return res;
    }
    return json(404, { ok: false, error: { code: 'NOT_FOUND', message: 'not found' } });
  };

  // Node's own check for a missing Host answers 400 with no body; the gateway's says why.
  const server = createServer({ requireHostHeader: false }, (req: IncomingMessage, res: ServerResponse) => {
    const send = (r: RawResponse) => {
      if (res.headersSent) return;
      res.writeHead(r.status, { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...(r.headers ?? {}) });
      res.end(r.body);
    };
    // Before the body is read and before any function or route: a request for another host gets nothing of this one.
    const refused = misdirected(req.headers.host, req.url ?? '', hosts);
    if (refused) {
      req.resume();
      send(errorResponse(refused));
      return;
    }
    (async () => {
      // An origin-form target is a path; an absolute-form one (checked above) has its own authority.
      const target = req.url ?? '/';
      const url = target.startsWith('/') ? new URL(`http://127.0.0.1${target}`) : new URL(target);
      const headers: Record<string, string | undefined> = {};
      for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(',') : v;
      const body = await readBody(req, maxBody);
      return handle({ method: req.method ?? 'GET', target: req.url ?? '/', path: url.pathname, query: url.searchParams, headers, body });
    })()
      .then(send)
      .catch((e: unknown) => {
        if (e instanceof BodyTooLarge)
          send(
            errorResponse(
              new ServiceError('PAYLOAD_TOO_LARGE', {
                messageCode: 'server.payloadTooLarge',
                params: { n: maxBody },
              }),
            ),
          );
        else if (e instanceof ServiceError) send(errorResponse(e));
        else {
          log.error('gateway failure', { error: e instanceof Error ? e.message : String(e) });
          send(json(500, { ok: false, error: { code: 'INTERNAL', message: 'internal error' } }));
        }
      });
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 5_000;

  return {
    server,
    listen(port = 0) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        // Bound to loopback only: this gateway trusts a header for identity in local mode.
        server.listen(port, '127.0.0.1', () => {
          const a = server.address() as AddressInfo;
          hosts = gatewayHosts(a.port, opts.publicBaseUrl);
          resolve(`http://127.0.0.1:${a.port}`);
        });
      });
    },
    close() {
      return new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      });
    },
  };
}

function statusOf(code: string): number {
  return code in SERVICE_ERROR_STATUS ? SERVICE_ERROR_STATUS[code as keyof typeof SERVICE_ERROR_STATUS] : 400;
}
