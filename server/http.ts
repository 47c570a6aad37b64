/**
 * HTTP requests and answers as the routes see them (server/routes.ts), whether the local gateway
 * (server/gateway.ts) or CloudBase's HTTP access service (server/cloud/entry.ts) delivered them.
 * Apart from the gateway so that a cloud function serving routes carries nothing of the local
 * gateway (its loopback host names, its listener).
 */
import { ServiceError } from './errors';

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
    throw new ServiceError('BAD_REQUEST', { messageCode: 'server.bodyNotUtf8' });
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new ServiceError('BAD_REQUEST', { messageCode: 'server.bodyNotJson' });
  }
}
