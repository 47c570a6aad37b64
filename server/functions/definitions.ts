/**
 * The cloud functions and their actions. Each action authorises its caller (the OPENID WeChat
 * vouches for) and touches only that caller's data; operator actions need operator rights.
 */
import type { App } from '../app';
import type { CertificateDoc } from '../issuance/service';
import type { FunctionDef } from './router';
import { publishDscList } from '../trust/dsc-list';
import { userIdFor } from '../identity/person-id';
import { resolveSubject } from './subject';

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
}

export function certificateView(doc: CertificateDoc, nowMs: number): CertificateView {
  const status = doc.status === 'revoked' ? 'revoked' : doc.exp * 1000 <= nowMs ? 'expired' : 'valid';
  return { id: doc.uci, status, issuedAt: doc.iat * 1000, expiresAt: doc.exp * 1000, kid: doc.kid, certificate: doc.certificate, codes: doc.codes };
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
    },
  };

  const trustlist: FunctionDef = {
    name: 'trustlist',
    actions: {
      /** Public: our signing certificates, for verifiers. */
      get: { public: true, handler: () => publishDscList(app.keys, app.config.country, app.clock.now()) },
    },
  };

  const admin: FunctionDef = {
    name: 'admin',
    actions: {
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

  return [identity, document, certificate, trustlist, admin];
}
