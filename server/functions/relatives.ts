/** The `relatives` function (代为查询, server/relatives): acting for relatives; the relative's own side: proxies, endProxy, auditLog. */
import type { DocumentService } from '../documents/service';
import type { RelativesService } from '../relatives/service';
import type { FunctionDef } from './router';

export interface RelativesFunctionDeps {
  relatives: RelativesService;
  /** The checks relatives.bindDocument makes of the relative's document, as document.bind makes of one's own. */
  documents: DocumentService;
}

export function relativesFunction(app: RelativesFunctionDeps): FunctionDef {
  return {
    name: 'relatives',
    actions: {
      list: { input: [], handler: (ctx) => app.relatives.list(ctx.openid) },
      beginFaceCheck: { input: ['name', 'idNumber'], handler: (ctx, input) => app.relatives.beginFaceCheck(ctx.openid, input) },
      add: { input: ['name', 'idNumber', 'relationship', 'faceToken', 'consent'], handler: (ctx, input) => app.relatives.add(ctx.openid, input) },
      bindDocument: {
        input: ['for', 'type', 'number', 'expiry', 'mrz'],
        handler: (ctx, input) => app.relatives.bindDocument(ctx.openid, input, app.documents),
      },
      remove: { input: ['for'], handler: (ctx, input) => app.relatives.remove(ctx.openid, input) },
      proxies: { input: [], handler: (ctx) => app.relatives.proxies(ctx.openid) },
      endProxy: { input: ['id'], handler: (ctx, input) => app.relatives.endProxy(ctx.openid, input) },
      auditLog: { input: ['limit', 'cursor'], handler: (ctx, input) => app.relatives.auditLog(ctx.openid, input) },
    },
  };
}
