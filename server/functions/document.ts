/** The `document` function (docs/functions.md): the caller's travel document. */
import type { DocumentService } from '../documents/service';
import type { FunctionDef } from './router';

export interface DocumentFunctionDeps {
  documents: DocumentService;
}

export function documentFunction(app: DocumentFunctionDeps): FunctionDef {
  return {
    name: 'document',
    actions: {
      bind: { input: ['type', 'number', 'expiry', 'mrz'], handler: (ctx, input) => app.documents.bind(ctx.openid, input) },
      current: { input: [], handler: (ctx) => app.documents.current(ctx.openid) },
    },
  };
}
