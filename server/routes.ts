/**
 * HTTP routes beside the function calls: what HTTP-triggered cloud functions serve in production
 * (the trust list for verifiers abroad, the ingestion endpoint for labs and vaccination sites).
 */
import type { TrustListDeps } from './functions/trustlist';
import type { IngestService } from './ingest/service';
import { ServiceError, isServiceError } from './errors';
import { errorResponse, json, type RawRequest, type RawResponse, type Route } from './http';
import { publishDscList } from './trust/dsc-list';
import { publishAppTrustList } from './trust/signed-list';
import { publishAppSourceList } from './trust/source-list';
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PaperSettings } from './pdf/service';
import { LocalFileStorage } from './pdf/storage';

export function trustListRoute(app: TrustListDeps): Route {
  return async (req: RawRequest): Promise<RawResponse | undefined> => {
    if (
      req.path !== '/trustlist' &&
      req.path !== '/trustlist/dsc' &&
      req.path !== '/trustlist/signed' &&
      req.path !== '/trustlist/sources' &&
      req.path !== '/trustlist/csca.pem'
    )
      return undefined;
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return errorResponse(new ServiceError('METHOD_NOT_ALLOWED', { messageCode: 'server.methodNotAllowed', params: { method: 'GET' } }));
    // The CSCA certificate (public): what the deployment's own /verify/ checks its signed list with.
    // A verifier abroad pins one received by other means instead (docs/trust-list.md).
    if (req.path === '/trustlist/csca.pem') {
      const pem = new X509Certificate(await app.keys.cscaCertificate()).toString();
      return {
        status: 200,
        headers: { 'content-type': 'application/x-pem-file', 'cache-control': 'public, max-age=300', 'access-control-allow-origin': '*' },
        body: pem,
      };
    }
    // Public and cacheable for a short while: verifiers poll it. /trustlist/signed is our own
    // signed list (server/trust/signed-list.ts), /trustlist/sources our signed source list
    // (server/trust/source-list.ts); the others the EU DSC-list shape.
    const body =
      req.path === '/trustlist/signed'
        ? (await publishAppTrustList(app)).envelope
        : req.path === '/trustlist/sources'
          ? (await publishAppSourceList(app)).envelope
          : await publishDscList(app.keys, app.config.country, app.clock.now());
    return json(200, body, { 'cache-control': 'public, max-age=300', 'access-control-allow-origin': '*' });
  };
}

export function ingestRoute(app: { ingest: IngestService }): Route {
  return async (req: RawRequest): Promise<RawResponse | undefined> => {
    if (req.path !== '/ingest/records') return undefined;
    try {
      const summary = await app.ingest.handle({ method: req.method, path: req.target, headers: req.headers, body: req.body });
      return json(200, { ok: true, data: summary });
    } catch (e) {
      if (isServiceError(e)) return errorResponse(e);
      throw e;
    }
  };
}

export function healthRoute(): Route {
  return (req) => Promise.resolve(req.path === '/health' ? json(200, { ok: true }) : undefined);
}

// ---------------------------------------------------------------------------------------------
// Paper version and web verifier.

/** GET /files/<token>.pdf: a PDF that LocalFileStorage holds, until it expires. */
export function filesRoute(app: { paper?: PaperSettings }): Route {
  return async (req) => Promise.resolve(storedFile(app, req));
}

function storedFile(app: { paper?: PaperSettings }, req: RawRequest): RawResponse | undefined {
  const m = /^\/files\/([A-Za-z0-9_-]{22})\.pdf$/.exec(req.path);
  if (!m) return undefined;
  if (req.method !== 'GET' && req.method !== 'HEAD')
    return errorResponse(new ServiceError('METHOD_NOT_ALLOWED', { messageCode: 'server.methodNotAllowed', params: { method: 'GET' } }));
  const storage = app.paper?.storage;
  const file = storage instanceof LocalFileStorage ? storage.get(m[1]) : null;
  if (!file) return json(404, { ok: false, error: { code: 'NOT_FOUND', message: '链接不存在或已过期 / the link does not exist or has expired' } });
  return {
    status: 200,
    headers: { 'content-type': file.contentType, 'content-disposition': 'inline; filename="certificate.pdf"', 'cache-control': 'private, no-store' },
    body: file.bytes,
  };
}

const WEB_TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  mjs: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  json: 'application/json; charset=utf-8',
  webmanifest: 'application/manifest+json',
  svg: 'image/svg+xml',
  png: 'image/png',
  wasm: 'application/wasm',
};

/** GET /verify/...: the web verifier's built files (scripts/web-build.mjs → dist/web). */
export function webVerifierRoute(
  dir = process.env.ITHC_WEB_DIR ?? [join(__dirname, 'web'), join(__dirname, '..', 'dist', 'web')].find((d) => existsSync(join(d, 'index.html'))),
): Route {
  return async (req) => Promise.resolve(webFile(dir, req));
}

function webFile(dir: string | undefined, req: RawRequest): RawResponse | undefined {
  if (req.path === '/verify') return { status: 301, headers: { location: '/verify/' }, body: '' };
  const m = /^\/verify\/([a-z0-9][a-z0-9._-]{0,80})?$/.exec(req.path);
  if (!m) return undefined;
  if (req.method !== 'GET' && req.method !== 'HEAD')
    return errorResponse(new ServiceError('METHOD_NOT_ALLOWED', { messageCode: 'server.methodNotAllowed', params: { method: 'GET' } }));
  const name = m[1] ?? 'index.html';
  const type = WEB_TYPES[name.split('.').pop() ?? ''];
  if (!dir || !type || !existsSync(join(dir, name)))
    return json(404, { ok: false, error: { code: 'NOT_FOUND', message: dir ? 'not found' : 'the web verifier is not built: run node scripts/web-build.mjs' } });
  // The build's brotli or gzip copy when the browser takes it (scripts/web-build.mjs makes them).
  const encoding = pickEncoding(req.headers['accept-encoding'], (e) => existsSync(join(dir, `${name}.${e === 'br' ? 'br' : 'gz'}`)));
  const file = encoding ? `${name}.${encoding === 'br' ? 'br' : 'gz'}` : name;
  // A name with a hash of its bytes never changes: cached for a year. The others are revalidated
  // on every load; offline use comes from the service worker's cache, not HTTP caching.
  const cache = /\.[0-9a-f]{16}\./.test(name) ? 'public, max-age=31536000, immutable' : 'no-cache';
  // 'wasm-unsafe-eval' lets the page compile the QR decoder's WebAssembly, and nothing more (no eval).
  return {
    status: 200,
    headers: {
      'content-type': type,
      'cache-control': cache,
      vary: 'Accept-Encoding',
      ...(encoding ? { 'content-encoding': encoding } : {}),
      'content-security-policy':
        "default-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:; connect-src *; worker-src 'self' blob:; style-src 'self'; script-src 'self' 'wasm-unsafe-eval'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
    },
    body: new Uint8Array(readFileSync(join(dir, file))),
  };
}

/**
 * The encoding to send from an Accept-Encoding header (RFC 9110 §12.5.3): brotli, else gzip, of
 * those the browser accepts (q > 0) and `have` holds; undefined for the file as it is.
 */
export function pickEncoding(header: string | string[] | undefined, have: (encoding: 'br' | 'gzip') => boolean): 'br' | 'gzip' | undefined {
  const text = Array.isArray(header) ? header.join(',') : (header ?? '');
  const q = new Map<string, number>();
  for (const part of text.split(',')) {
    const [token, ...params] = part.trim().toLowerCase().split(';');
    if (!token) continue;
    const qp = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const value = qp ? Number(qp.slice(2)) : 1;
    q.set(token, Number.isFinite(value) ? value : 0);
  }
  const accepts = (e: string) => (q.get(e) ?? (e !== 'identity' ? q.get('*') : undefined) ?? 0) > 0;
  for (const e of ['br', 'gzip'] as const) if (accepts(e) && have(e)) return e;
  return undefined;
}

export function appRoutes(app: TrustListDeps & { ingest: IngestService; paper?: PaperSettings }): Route[] {
  return [healthRoute(), trustListRoute(app), ingestRoute(app), filesRoute(app), webVerifierRoute()];
}
