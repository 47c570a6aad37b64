/** The `identity` function (docs/functions.md): real-name verification of the caller, giving it up, and the caller's own data (export, delete). */
import type { AccountService } from '../account/service';
import type { IdentityService } from '../identity/service';
import type { FunctionDef } from './router';

export interface IdentityFunctionDeps {
  identity: IdentityService;
  account: AccountService;
}

export function identityFunction(app: IdentityFunctionDeps): FunctionDef {
  return {
    name: 'identity',
    actions: {
      beginFaceCheck: { input: ['name', 'idNumber'], handler: (ctx, input) => app.identity.beginFaceCheck(ctx.openid, input) },
      verify: { input: ['name', 'idNumber', 'faceToken'], handler: (ctx, input) => app.identity.verify(ctx.openid, input) },
      status: { input: [], handler: (ctx) => app.identity.status(ctx.openid) },
      /** The caller releases their verified identity (one person, one account: the way to move to another account). */
      unbind: { input: [], handler: (ctx) => app.identity.unbind(ctx.openid) },
      /** Everything held about the caller, as JSON (server/account/service.ts). */
      exportData: { input: [], handler: (ctx, input) => app.account.exportData(ctx.openid, input) },
      /** Deletes the caller's account and data, keeping only what the law requires (docs/security.md, Retention). */
      deleteAccount: { input: ['confirm'], handler: (ctx, input) => app.account.deleteAccount(ctx.openid, input) },
    },
  };
}
