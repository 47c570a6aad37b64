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
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SERVICE_ERROR_STATUS, ServiceError } from './errors';
import { dispatch, type FunctionDef, type Logger, silentLogger } from './functions/router';
import { REQUEST_LIMITS } from './validate';

export const LOCAL_OPENID_HEADER = 'x-ithc-local-caller';

export interface RawRequest {
  method: string;
  /** The request target as sent (path and query). */
  target: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | undefined>;
  body: Uint8Array;
}

export interface RawResponse {
  status: number;
  headers?: Record<string, string>;
  body: string | Uint8Array;
}

export type Route = (req: RawRequest) => Promise<RawResponse | undefined>;

export interface GatewayOptions {
  functions: FunctionDef[];
  /** Local mode accepts the local caller header. Never enable it where real users connect. */
  localMode: boolean;
  operators: ReadonlySet<string>;
  routes?: Route[];
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

export function json(status: number, value: unknown, headers: Record<string, string> = {}): RawResponse {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body: JSON.stringify(value) };
}

export function errorResponse(e: ServiceError): RawResponse {
  return json(e.status, { ok: false, error: e.toJSON() }, e.retryAfter !== undefined ? { 'retry-after': String(e.retryAfter) } : {});
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Parses a JSON request body: strict UTF-8, bounded (the byte size was bounded while reading). */
export function parseJsonBody(body: Uint8Array): unknown {
  let text: string;
  try {
    text = STRICT_UTF8.decode(body);
  } catch {
    throw new ServiceError('BAD_REQUEST', '请求不是有效的 UTF-8 / the request body is not valid UTF-8');
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new ServiceError('BAD_REQUEST', '请求不是有效的 JSON / the request body is not valid JSON');
  }
}

export function createGateway(opts: GatewayOptions): { server: Server; listen(port?: number): Promise<string>; close(): Promise<void> } {
  const log = opts.logger ?? silentLogger;
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
        throw new ServiceError('FORBIDDEN', '本地调试身份仅在本地模式可用 / the local caller header is refused outside local mode');
      }
      if (req.body.length > REQUEST_LIMITS.maxBytes) throw new ServiceError('PAYLOAD_TOO_LARGE', `请求过大（最多 ${REQUEST_LIMITS.maxBytes} 字节）/ request larger than ${REQUEST_LIMITS.maxBytes} bytes`);
      const event = parseJsonBody(req.body);
      const openid = claimed ?? '';
      const env = await dispatch(def, event, { openid, operator: opts.operators.has(openid) }, log);
      return json(env.ok ? 200 : statusOf(env.error.code), env, !env.ok && env.error.retryAfter !== undefined ? { 'retry-after': String(env.error.retryAfter) } : {});
    }
    for (const r of opts.routes ?? []) {
      const res = await r(req);
      if (res) return res;
    }
    return json(404, { ok: false, error: { code: 'NOT_FOUND', message: 'not found' } });
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const send = (r: RawResponse) => {
      if (res.headersSent) return;
      res.writeHead(r.status, { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...(r.headers ?? {}) });
      res.end(r.body);
    };
    (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const headers: Record<string, string | undefined> = {};
      for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(',') : v;
      const body = await readBody(req, maxBody);
      return handle({ method: req.method ?? 'GET', target: req.url ?? '/', path: url.pathname, query: url.searchParams, headers, body });
    })()
      .then(send)
      .catch((e: unknown) => {
        if (e instanceof BodyTooLarge) send(errorResponse(new ServiceError('PAYLOAD_TOO_LARGE', `请求过大（最多 ${maxBody} 字节）/ request larger than ${maxBody} bytes`)));
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
