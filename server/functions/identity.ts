/** The `identity` function (docs/functions.md): real-name verification of the caller, and giving it up. */
import type { App } from '../app';
import type { FunctionDef } from './router';

export function identityFunction(app: Pick<App, 'identity'>): FunctionDef {
  return {
    name: 'identity',
    actions: {
      beginFaceCheck: { input: ['name', 'idNumber'], handler: (ctx, input) => app.identity.beginFaceCheck(ctx.openid, input) },
      verify: { input: ['name', 'idNumber', 'faceToken'], handler: (ctx, input) => app.identity.verify(ctx.openid, input) },
      status: { input: [], handler: (ctx) => app.identity.status(ctx.openid) },
      /** The caller releases their verified identity (one person, one account: the way to move to another account). */
      unbind: { input: [], handler: (ctx) => app.identity.unbind(ctx.openid) },
    },
  };
}
