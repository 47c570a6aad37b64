/** The `admin` function (operators only): relations, revocation, signing keys. */
import type { App } from '../app';
import { userIdFor } from '../identity/person-id';
import type { FunctionDef } from './router';

export function adminFunction(app: Pick<App, 'relatives' | 'revocation' | 'keys'>): FunctionDef {
  return {
    name: 'admin',
    actions: {
      /** Ends any relative relation (代为查询), e.g. on a complaint. */
      endProxy: { input: ['id'], operator: true, handler: (ctx, input) => app.relatives.endByOperator(ctx.openid, input) },
      /** Revokes a certificate and all its codes (server/revocation): the holder sees it, verifiers report REVOKED. */
      revoke: {
        input: ['certificateId', 'reason'],
        operator: true,
        handler: async (ctx, input) => {
          await app.revocation.revoke(input.certificateId, input.reason, userIdFor(ctx.openid));
          return { revoked: true };
        },
      },
      revocations: { input: [], operator: true, handler: () => app.revocation.list() },
      /** A new DSC takes over issuance; earlier ones keep verifying until they expire. */
      rotateKey: {
        input: [],
        operator: true,
        handler: async () => {
          const d = await app.keys.rotate();
          return { kid: d.kid, subject: d.subject, notAfter: new Date(d.notAfter).toISOString() };
        },
      },
      keys: {
        input: [],
        operator: true,
        handler: async () =>
          (await app.keys.publishedSigningCertificates()).map((d) => ({ kid: d.kid, subject: d.subject, status: d.status, notBefore: new Date(d.notBefore).toISOString(), notAfter: new Date(d.notAfter).toISOString() })),
      },
    },
  };
}
