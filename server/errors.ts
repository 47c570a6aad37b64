/**
 * Errors of the server-side services: stable codes (the mini program and the gateway translate on
 * them), an HTTP status for the local gateway, and a message safe to show the caller. Never put
 * secrets or other people's data in a message.
 *
 * Every error names its sentence in the shared catalogue (core/view, the `server.*` messages) with
 * the values it fills in, so a client shows it in its own language. The bilingual `message`, for a
 * client that does not know the code, is that sentence too: the catalogue's Chinese and English
 * texts, "中文 / English". The catalogue is the one place an error's words are written.
 */
import { fillMessage, type Params } from '../core/view/message';
// The two languages the bilingual text is in, not the whole catalogue: every cloud function's bundle carries this module.
import { en } from '../core/view/messages/en';
import { zh } from '../core/view/messages/zh';
import type { MessageCode } from '../core/view/messages/types';

export const SERVICE_ERROR_STATUS = Object.freeze({
  BAD_REQUEST: 400,
  VALIDATION_FAILED: 400,
  ID_NUMBER_INVALID: 400,
  DOCUMENT_INVALID: 400,
  MRZ_INVALID: 400,
  PAYLOAD_TOO_LARGE: 413,
  METHOD_NOT_ALLOWED: 405,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNAUTHENTICATED: 401,
  SIGNATURE_INVALID: 401,
  REPLAYED: 409,
  FORBIDDEN: 403,
  /** The request names a host the local gateway does not serve (DNS rebinding; server/gateway.ts). */
  MISDIRECTED_REQUEST: 421,
  NOT_FOUND: 404,
  CONFLICT: 409,
  IDENTITY_REQUIRED: 403,
  IDENTITY_MISMATCH: 422,
  DOCUMENT_MISMATCH: 422,
  DOCUMENT_EXPIRED: 422,
  FACE_CHECK_FAILED: 422,
  /** The face-check token names no open session of this caller, for this purpose and person (used, expired, someone else's). */
  FACE_TOKEN_INVALID: 422,
  /** The person is verified on another account (one person, one account: server/identity/service.ts). */
  IDENTITY_IN_USE: 409,
  NO_RECORDS: 422,
  /** A record the certificate would carry was blocked by an operator (admin.revoke with blockRecords). */
  RECORDS_BLOCKED: 422,
  /** An operator put the person's issuance on hold (admin.hold), e.g. on suspected identity fraud. */
  ISSUANCE_HELD: 403,
  CONSENT_REQUIRED: 422,
  LIMIT_REACHED: 422,
  TOO_MANY_ATTEMPTS: 429,
  /** The caller already has as many jobs of this kind in flight as allowed (PDFs: server/pdf/limits.ts); retryAfter says when to try again. */
  TOO_MANY_REQUESTS: 429,
  UNAVAILABLE: 503,
  INTERNAL: 500,
} as const);

export type ServiceErrorCode = keyof typeof SERVICE_ERROR_STATUS;

/** A catalogue message the server may name in an error: the `server.*` codes of core/view. */
export type ServerMessageCode = Extract<MessageCode, `server.${string}`>;

/** What a ServiceError says, besides its code. */
export interface ServiceErrorInit {
  /** The catalogue sentence that says this error in any language. */
  messageCode: ServerMessageCode;
  /** The values messageCode's placeholders take. */
  params?: Params;
  fields?: Record<string, string>;
  retryAfter?: number;
}

/** The error part of a failure envelope (docs/functions.md). */
export interface ServiceErrorJson {
  code: ServiceErrorCode;
  message: string;
  messageCode: ServerMessageCode;
  params?: Params;
  fields?: Record<string, string>;
  retryAfter?: number;
}

/** A catalogue sentence as one text for every reader: its Chinese and English, "中文 / English". */
export function bilingual(messageCode: ServerMessageCode, params: Params = {}): string {
  const english = en[messageCode];
  if (english === undefined) throw new TypeError(`unknown message code ${JSON.stringify(messageCode)}`);
  return `${fillMessage('zh', zh[messageCode] ?? english, params)} / ${fillMessage('en', english, params)}`;
}

export class ServiceError extends Error {
  readonly code: ServiceErrorCode;
  readonly status: number;
  /** Field-level detail for forms: which field, what is wrong. Safe to return to the caller. */
  readonly fields?: Record<string, string>;
  /** Seconds until a retry can succeed (attempt limits). */
  readonly retryAfter?: number;
  /** The catalogue message for this error (core/view `server.*`); `message` is its bilingual text. */
  readonly messageCode: ServerMessageCode;
  /** The values messageCode's placeholders take. */
  readonly params?: Params;
  constructor(code: ServiceErrorCode, init: ServiceErrorInit) {
    super(bilingual(init.messageCode, init.params));
    this.name = 'ServiceError';
    this.code = code;
    this.status = SERVICE_ERROR_STATUS[code];
    this.messageCode = init.messageCode;
    if (init.params && Object.keys(init.params).length > 0) this.params = init.params;
    if (init.fields) this.fields = init.fields;
    if (init.retryAfter !== undefined) this.retryAfter = init.retryAfter;
  }

  toJSON(): ServiceErrorJson {
    return {
      code: this.code,
      message: this.message,
      messageCode: this.messageCode,
      ...(this.params ? { params: this.params } : {}),
      ...(this.fields ? { fields: this.fields } : {}),
      ...(this.retryAfter !== undefined ? { retryAfter: this.retryAfter } : {}),
    };
  }
}

export function isServiceError(e: unknown): e is ServiceError {
  return e instanceof ServiceError;
}
