/**
 * The `certificate` function (docs/functions.md): issuance, the holder's view, sealed codes for a
 * destination, entry rules, the paper version. Every action is about the caller or, with `for`, a
 * relative they act for (subject.ts).
 */
import type { Clock } from '../clock';
import type { AppConfig } from '../config';
import { ServiceError, isServiceError } from '../errors';
import { userIdFor } from '../identity/person-id';
import type { CertificateDoc, IssuanceService } from '../issuance/service';
import type { RevocationReasonCode } from '../revocation/reason';
import { certificateEntryRules, readAt } from '../partners/entry-rules';
import type { PartnerService } from '../partners/service';
import { printCertificate, type PaperSettings, type PdfRenderer } from '../pdf/service';
import type { RecordsService } from '../records/service';
import { readDestination, type SealService } from '../seal/service';
import { fields } from '../validate';
import type { FunctionDef } from './router';
import { resolveSubject, type SubjectSources } from './subject';

/** What the holder (or, later, their proxy) sees of a certificate. */
export interface CertificateView {
  id: string;
  status: 'valid' | 'expired' | 'revoked';
  issuedAt: number;
  /** When the signature expires, ms. */
  expiresAt: number;
  kid: string;
  certificate: CertificateDoc['certificate'];
  codes: CertificateDoc['codes'];
  /** When and why it was revoked (server/revocation), ms. */
  revokedAt?: number;
  revokedReason?: string;
  /** OPERATOR, RECORDS_INVALID (an operator found its records wrong), RECORD_CORRECTED or RECORD_WITHDRAWN (by the source). */
  revokedReasonCode?: RevocationReasonCode;
  /** The certificate this one replaced, when that one had been revoked: its id, and when and why it ended. */
  previous?: { id: string; revokedAt: number; reason: string; reasonCode: RevocationReasonCode };
}

/** Revocations a source's change of a record caused: the records as they are now give a new certificate. */
const RECORD_CHANGES: ReadonlySet<string> = new Set<RevocationReasonCode>(['RECORD_CORRECTED', 'RECORD_WITHDRAWN']);

/** Why `get` may find nothing to issue in place of a certificate a record change ended: it then shows that one, and why it ended. */
const NOTHING_TO_REISSUE: ReadonlySet<string> = new Set(['NO_RECORDS', 'RECORDS_BLOCKED', 'ISSUANCE_HELD', 'CONFLICT']);

export function certificateView(doc: CertificateDoc, nowMs: number): CertificateView {
  const status = doc.status === 'revoked' ? 'revoked' : doc.exp * 1000 <= nowMs ? 'expired' : 'valid';
  const view: CertificateView = {
    id: doc.uci,
    status,
    issuedAt: doc.iat * 1000,
    expiresAt: doc.exp * 1000,
    kid: doc.kid,
    certificate: doc.certificate,
    codes: doc.codes,
  };
  if (doc.status === 'revoked') {
    if (typeof doc.revokedAt === 'number') view.revokedAt = doc.revokedAt;
    if (typeof doc.revokedReason === 'string') view.revokedReason = doc.revokedReason;
    view.revokedReasonCode = doc.revokedReasonCode ?? 'OPERATOR';
  }
  if (doc.replaces)
    view.previous = { id: doc.replaces.id, revokedAt: doc.replaces.revokedAt, reason: doc.replaces.reason, reasonCode: doc.replaces.reasonCode };
  return view;
}

export interface CertificateFunctionDeps extends SubjectSources {
  clock: Clock;
  config: Pick<AppConfig, 'country'>;
  records: RecordsService;
  issuance: IssuanceService;
  seal: SealService;
  partners: PartnerService;
  /** Where the paper version goes; without it certificate.pdf is UNAVAILABLE. */
  paper?: PaperSettings;
}

/**
 * `renderPdf` renders the paper version (server/pdf/certificate-pdf.ts renderCertificatePdf), or
 * loads that renderer on demand (the cloud function: server/cloud/compose/certificate.ts).
 */
export function certificateFunction(app: CertificateFunctionDeps, renderPdf: PdfRenderer): FunctionDef {
  return {
    name: 'certificate',
    actions: {
      /** Collects the caller's records and issues (or returns the still-valid) certificate. */
      issue: {
        input: ['for'],
        handler: async (ctx, input) => {
          const { subject } = await resolveSubject(app, ctx, input);
          const records = await app.records.collect(subject.personId);
          const doc = await app.issuance.issue(subject, records, userIdFor(ctx.openid));
          return certificateView(doc, app.clock.now());
        },
      },
      /**
       * The caller's latest certificate. It issues only in place of a certificate that a source's
       * correction or withdrawal of a record ended: the new one (with `previous`) carries the records
       * as they are now; when there is nothing to issue from, the ended one shows why it ended.
       */
      get: {
        input: ['for'],
        handler: async (ctx, input) => {
          const { subject } = await resolveSubject(app, ctx, input);
          const doc = await app.issuance.latest(subject.personId);
          if (doc && doc.status === 'revoked' && RECORD_CHANGES.has(doc.revokedReasonCode ?? '')) {
            try {
              const records = await app.records.collect(subject.personId);
              return certificateView(await app.issuance.issue(subject, records, userIdFor(ctx.openid)), app.clock.now());
            } catch (e) {
              if (!isServiceError(e) || !NOTHING_TO_REISSUE.has(e.code)) throw e;
            }
          }
          return doc ? certificateView(doc, app.clock.now()) : null;
        },
      },
      /** What to show a destination: sealed codes to its authority's keys, and the open codes it accepts (server/seal). */
      seal: {
        input: ['destination', 'for'],
        handler: async (ctx, input) => {
          const destination = readDestination(input);
          return app.seal.forDestination(destination, async () => {
            const { subject } = await resolveSubject(app, ctx, input);
            return app.issuance.latest(subject.personId);
          });
        },
      },
      /** Does the certificate meet a destination's entry rules at a time (server/partners/entry-rules, docs/entry-rules.md)? */
      rules: {
        input: ['destination', 'at', 'for'],
        handler: async (ctx, input) => {
          const destination = input.destination;
          if (typeof destination !== 'string' || !/^[A-Z]{2}$/.test(destination))
            throw new ServiceError('VALIDATION_FAILED', {
              fields: { destination: '应为两位大写国家代码 / must be an ISO 3166-1 alpha-2 code' },
              messageCode: 'server.chooseDestination',
            });
          const atMs = readAt(input, app.clock.now());
          const partner = await app.partners.get(destination);
          if (!partner)
            throw new ServiceError('NOT_FOUND', {
              messageCode: 'server.notPartner',
              params: { destination },
            });
          const { subject } = await resolveSubject(app, ctx, input);
          const doc = await app.issuance.latest(subject.personId);
          if (!doc) throw new ServiceError('NOT_FOUND', { messageCode: 'server.noCertificate' });
          return certificateEntryRules(doc, partner, atMs, app.config.country);
        },
      },
      /** The paper version (server/pdf): a bilingual A4 PDF behind a temporary URL. */
      pdf: {
        input: ['for', 'lang'],
        handler: async (ctx, input) => {
          const f = fields(input);
          const lang = f.oneOf('lang', ['zh', 'en'] as const, true) ?? 'zh';
          f.done();
          const { subject } = await resolveSubject(app, ctx, input);
          const doc = await app.issuance.latest(subject.personId);
          if (!doc) throw new ServiceError('NOT_FOUND', { messageCode: 'server.noCertificate' });
          return printCertificate(app, doc, lang, renderPdf, ctx.openid);
        },
      },
    },
  };
}
