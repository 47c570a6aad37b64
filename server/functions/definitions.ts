/**
 * The cloud functions and their actions. Each action authorises its caller (the OPENID WeChat
 * vouches for) and touches only that caller's data; operator actions need operator rights.
 */
import type { App } from '../app';
import type { CertificateDoc } from '../issuance/service';
import type { FunctionDef } from './router';
import { publishDscList } from '../trust/dsc-list';
import { publishAppTrustList } from '../trust/signed-list';
import { readDestination } from '../seal/service';
import { userIdFor } from '../identity/person-id';
import { resolveSubject } from './subject';
import { fields } from '../validate';
import { ServiceError } from '../errors';
import { printCertificate } from '../pdf/service';
import { certificateEntryRules, readAt } from '../partners/entry-rules';

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
  /** When and why the operator revoked it (server/revocation), ms. */
  revokedAt?: number;
  revokedReason?: string;
}

export function certificateView(doc: CertificateDoc, nowMs: number): CertificateView {
  const status = doc.status === 'revoked' ? 'revoked' : doc.exp * 1000 <= nowMs ? 'expired' : 'valid';
  const view: CertificateView = { id: doc.uci, status, issuedAt: doc.iat * 1000, expiresAt: doc.exp * 1000, kid: doc.kid, certificate: doc.certificate, codes: doc.codes };
  if (doc.status === 'revoked') {
    if (typeof doc.revokedAt === 'number') view.revokedAt = doc.revokedAt;
    if (typeof doc.revokedReason === 'string') view.revokedReason = doc.revokedReason;
  }
  return view;
}

export function functionsFor(app: App): FunctionDef[] {
  const identity: FunctionDef = {
    name: 'identity',
    actions: {
      beginFaceCheck: { handler: (ctx, input) => app.identity.beginFaceCheck(ctx.openid, input) },
      verify: { handler: (ctx, input) => app.identity.verify(ctx.openid, input) },
      status: { handler: (ctx) => app.identity.status(ctx.openid) },
    },
  };

  const document: FunctionDef = {
    name: 'document',
    actions: {
      bind: { handler: (ctx, input) => app.documents.bind(ctx.openid, input) },
      current: { handler: (ctx) => app.documents.current(ctx.openid) },
    },
  };

  const certificate: FunctionDef = {
    name: 'certificate',
    actions: {
      /** Collects the caller's records and issues (or returns the still-valid) certificate. */
      issue: {
        handler: async (ctx, input) => {
          const { subject } = await resolveSubject(app, ctx, input);
          const records = await app.records.collect(subject.personId);
          const doc = await app.issuance.issue(subject, records, userIdFor(ctx.openid));
          return certificateView(doc, app.clock.now());
        },
      },
      /** The caller's latest certificate, without issuing. */
      get: {
        handler: async (ctx, input) => {
          const { subject } = await resolveSubject(app, ctx, input);
          const doc = await app.issuance.latest(subject.personId);
          return doc ? certificateView(doc, app.clock.now()) : null;
        },
      },
      /** What to show a destination: sealed codes to its authority's keys, and the open codes it accepts (server/seal). */
      seal: {
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
        handler: async (ctx, input) => {
          const destination = input.destination;
          if (typeof destination !== 'string' || !/^[A-Z]{2}$/.test(destination)) throw new ServiceError('VALIDATION_FAILED', '请选择目的地 / choose a destination', { fields: { destination: '应为两位大写国家代码 / must be an ISO 3166-1 alpha-2 code' } });
          const atMs = readAt(input, app.clock.now());
          const partner = await app.partners.get(destination);
          if (!partner) throw new ServiceError('NOT_FOUND', `${destination} 不是合作方 / ${destination} is not a partner authority`);
          const { subject } = await resolveSubject(app, ctx, input);
          const doc = await app.issuance.latest(subject.personId);
          if (!doc) throw new ServiceError('NOT_FOUND', '尚未签发证明，请先申领 / no certificate has been issued yet');
          return certificateEntryRules(doc, partner, atMs, app.config.country);
        },
      },
      /** The paper version (server/pdf): a bilingual A4 PDF behind a temporary URL. */
      pdf: {
        handler: async (ctx, input) => {
          const f = fields(input);
          const lang = f.oneOf('lang', ['zh', 'en'] as const, true) ?? 'zh';
          f.done();
          const { subject } = await resolveSubject(app, ctx, input);
          const doc = await app.issuance.latest(subject.personId);
          if (!doc) throw new ServiceError('NOT_FOUND', '尚未签发证明，请先申领 / no certificate has been issued yet');
          return printCertificate(app, doc, lang);
        },
      },
    },
  };

  /** 代为查询: acting for relatives (server/relatives). The relative's own side: proxies, endProxy, auditLog. */
  const relatives: FunctionDef = {
    name: 'relatives',
    actions: {
      list: { handler: (ctx) => app.relatives.list(ctx.openid) },
      beginFaceCheck: { handler: (ctx, input) => app.relatives.beginFaceCheck(ctx.openid, input) },
      add: { handler: (ctx, input) => app.relatives.add(ctx.openid, input) },
      bindDocument: { handler: (ctx, input) => app.relatives.bindDocument(ctx.openid, input) },
      remove: { handler: (ctx, input) => app.relatives.remove(ctx.openid, input) },
      proxies: { handler: (ctx) => app.relatives.proxies(ctx.openid) },
      endProxy: { handler: (ctx, input) => app.relatives.endProxy(ctx.openid, input) },
      auditLog: { handler: (ctx, input) => app.relatives.auditLog(ctx.openid, input) },
    },
  };

  /** Partner authorities (server/partners): the public list of destinations; operators manage them. */
  const partners: FunctionDef = {
    name: 'partners',
    actions: {
      list: { public: true, handler: () => app.partners.summaries() },
      get: {
        operator: true,
        handler: async (_ctx, input) => {
          const p = await app.partners.get(typeof input.country === 'string' ? input.country : '');
          if (!p) throw new ServiceError('NOT_FOUND', '没有该合作方 / no such partner authority');
          return p;
        },
      },
      // A partner document carries CertLogic rules: deeper than other input.
      upsert: { operator: true, shape: { maxDepth: 80, maxKeys: 20_000 }, handler: (ctx, input) => app.partners.upsert(input, userIdFor(ctx.openid)) },
      remove: { operator: true, handler: (ctx, input) => app.partners.remove(input.country, userIdFor(ctx.openid)) },
    },
  };

  const trustlist: FunctionDef = {
    name: 'trustlist',
    actions: {
      /** Public: our signing certificates, for verifiers. */
      get: { public: true, handler: () => publishDscList(app.keys, app.config.country, app.clock.now()) },
      /** Public: our CSCA-signed trust list (signing certificates, CSCA, revocations; docs/trust-list.md). */
      signed: { public: true, handler: async () => (await publishAppTrustList(app)).envelope },
    },
  };

  const admin: FunctionDef = {
    name: 'admin',
    actions: {
      /** Ends any relative relation (代为查询), e.g. on a complaint. */
      endProxy: { operator: true, handler: (ctx, input) => app.relatives.endByOperator(ctx.openid, input) },
      /** Revokes a certificate and all its codes (server/revocation): the holder sees it, verifiers report REVOKED. */
      revoke: {
        operator: true,
        handler: async (ctx, input) => {
          await app.revocation.revoke(input.certificateId, input.reason, userIdFor(ctx.openid));
          return { revoked: true };
        },
      },
      revocations: { operator: true, handler: () => app.revocation.list() },
      /** A new DSC takes over issuance; earlier ones keep verifying until they expire. */
      rotateKey: {
        operator: true,
        handler: async () => {
          const d = await app.keys.rotate();
          return { kid: d.kid, subject: d.subject, notAfter: new Date(d.notAfter).toISOString() };
        },
      },
      keys: {
        operator: true,
        handler: async () =>
          (await app.keys.publishedSigningCertificates()).map((d) => ({ kid: d.kid, subject: d.subject, status: d.status, notBefore: new Date(d.notBefore).toISOString(), notAfter: new Date(d.notAfter).toISOString() })),
      },
    },
  };

  return [identity, document, certificate, relatives, partners, trustlist, admin];
}
