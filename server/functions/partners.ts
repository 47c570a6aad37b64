/** The `partners` function (server/partners): the public list of destinations; operators manage them. */
import type { PartnerService } from '../partners/service';
import { ServiceError } from '../errors';
import { userIdFor } from '../identity/person-id';
import type { FunctionDef } from './router';

export interface PartnersFunctionDeps {
  partners: PartnerService;
}

export function partnersFunction(app: PartnersFunctionDeps): FunctionDef {
  return {
    name: 'partners',
    actions: {
      list: { input: [], public: true, handler: () => app.partners.summaries() },
      get: {
        input: ['country'],
        operator: true,
        handler: async (_ctx, input) => {
          const p = await app.partners.get(typeof input.country === 'string' ? input.country : '');
          if (!p) throw new ServiceError('NOT_FOUND', { messageCode: 'server.noSuchPartner' });
          return p;
        },
      },
      // A partner document carries CertLogic rules: deeper than other input.
      // No `input` list: readPartner (server/partners/validate.ts) refuses unknown fields of the document itself.
      upsert: { operator: true, shape: { maxDepth: 80, maxKeys: 20_000 }, handler: (ctx, input) => app.partners.upsert(input, userIdFor(ctx.openid)) },
      remove: { input: ['country'], operator: true, handler: (ctx, input) => app.partners.remove(input.country, userIdFor(ctx.openid)) },
    },
  };
}
