/**
 * HTTP routes beside the function calls: what HTTP-triggered cloud functions serve in production
 * (the trust list for verifiers abroad, the ingestion endpoint for labs and vaccination sites).
 */
import type { App } from './app';
import { ServiceError, isServiceError } from './errors';
import { errorResponse, json, type RawRequest, type RawResponse, type Route } from './http';
import { publishDscList } from './trust/dsc-list';
import { publishAppTrustList } from './trust/signed-list';
import { publishAppSourceList } from './trust/source-list';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { paperOf } from './pdf/service';
import { LocalFileStorage } from './pdf/storage';

export function trustListRoute(app: Pick<App, 'keys' | 'store' | 'clock' | 'config' | 'revocation'>): Route {
  return async (req: RawRequest): Promise<RawResponse | undefined> => {
    if (req.path !== '/trustlist' && req.path !== '/trustlist/dsc' && req.path !== '/trustlist/signed' && req.path !== '/trustlist/sources') return undefined;
    if (req.method !== 'GET' && req.method !== 'HEAD') return errorResponse(new ServiceError('METHOD_NOT_ALLOWED', 'use GET'));
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

export function ingestRoute(app: Pick<App, 'ingest'>): Route {
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
  return async (req) => (req.path === '/health' ? json(200, { ok: true }) : undefined);
}

// ---------------------------------------------------------------------------------------------
// Paper version and web verifier.

/** GET /files/<token>.pdf: a PDF that LocalFileStorage holds, until it expires. */
export function filesRoute(app: App): Route {
  return async (req) => {
    const m = /^\/files\/([A-Za-z0-9_-]{22})\.pdf$/.exec(req.path);
    if (!m) return undefined;
    if (req.method !== 'GET' && req.method !== 'HEAD') return errorResponse(new ServiceError('METHOD_NOT_ALLOWED', 'use GET'));
    const storage = paperOf(app)?.storage;
    const file = storage instanceof LocalFileStorage ? storage.get(m[1]) : null;
    if (!file) return json(404, { ok: false, error: { code: 'NOT_FOUND', message: '链接不存在或已过期 / the link does not exist or has expired' } });
    return { status: 200, headers: { 'content-type': file.contentType, 'content-disposition': 'inline; filename="certificate.pdf"', 'cache-control': 'private, no-store' }, body: file.bytes };
  };
}

const WEB_TYPES: Record<string, string> = { html: 'text/html; charset=utf-8', js: 'text/javascript; charset=utf-8', mjs: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8', json: 'application/json; charset=utf-8', webmanifest: 'application/manifest+json', svg: 'image/svg+xml', png: 'image/png', wasm: 'application/wasm' };

/** GET /verify/...: the web verifier's built files (scripts/web-build.mjs → dist/web). */
export function webVerifierRoute(dir = process.env.ITHC_WEB_DIR ?? [join(__dirname, 'web'), join(__dirname, '..', 'dist', 'web')].find((d) => existsSync(join(d, 'index.html')))): Route {
  return async (req) => {
    if (req.path === '/verify') return { status: 301, headers: { location: '/verify/' }, body: '' };
    const m = /^\/verify\/([a-z0-9][a-z0-9._-]{0,80})?$/.exec(req.path);
    if (!m) return undefined;
    if (req.method !== 'GET' && req.method !== 'HEAD') return errorResponse(new ServiceError('METHOD_NOT_ALLOWED', 'use GET'));
    const name = m[1] ?? 'index.html';
    const type = WEB_TYPES[name.split('.').pop() ?? ''];
    if (!dir || !type || !existsSync(join(dir, name))) return json(404, { ok: false, error: { code: 'NOT_FOUND', message: dir ? 'not found' : 'the web verifier is not built: run node scripts/web-build.mjs' } });
    // Revalidated on every load; offline use comes from the service worker's cache, not HTTP caching.
    // 'wasm-unsafe-eval' lets the page compile the QR decoder's WebAssembly, and nothing more (no eval).
    return { status: 200, headers: { 'content-type': type, 'cache-control': 'no-cache', 'content-security-policy': "default-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:; connect-src *; worker-src 'self' blob:; style-src 'self'; script-src 'self' 'wasm-unsafe-eval'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'" }, body: new Uint8Array(readFileSync(join(dir, name))) };
  };
}

export function appRoutes(app: App): Route[] {
  return [healthRoute(), trustListRoute(app), ingestRoute(app), filesRoute(app), webVerifierRoute()];
}
