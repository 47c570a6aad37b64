/** The `document` function (docs/functions.md): the caller's travel document. */
import type { App } from '../app';
import type { FunctionDef } from './router';

export function documentFunction(app: Pick<App, 'documents'>): FunctionDef {
  return {
    name: 'document',
    actions: {
      bind: { input: ['type', 'number', 'expiry', 'mrz'], handler: (ctx, input) => app.documents.bind(ctx.openid, input) },
      current: { input: [], handler: (ctx) => app.documents.current(ctx.openid) },
    },
  };
}
