/**
 * HTTP routes beside the function calls: what HTTP-triggered cloud functions serve in production
 * (the trust list for verifiers abroad, the ingestion endpoint for labs and vaccination sites).
 */
import type { App } from './app';
import { ServiceError, isServiceError } from './errors';
import { errorResponse, json, type RawRequest, type RawResponse, type Route } from './gateway';
import { publishDscList } from './trust/dsc-list';

export function trustListRoute(app: App): Route {
  return async (req: RawRequest): Promise<RawResponse | undefined> => {
    if (req.path !== '/trustlist' && req.path !== '/trustlist/dsc') return undefined;
    if (req.method !== 'GET' && req.method !== 'HEAD') return errorResponse(new ServiceError('METHOD_NOT_ALLOWED', 'use GET'));
    // Public and cacheable for a short while: verifiers poll it.
    return json(200, await publishDscList(app.keys, app.config.country, app.clock.now()), { 'cache-control': 'public, max-age=300', 'access-control-allow-origin': '*' });
  };
}

export function ingestRoute(app: App): Route {
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

export function appRoutes(app: App): Route[] {
  return [healthRoute(), trustListRoute(app), ingestRoute(app)];
}
