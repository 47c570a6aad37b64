/** The `trustlist` function (public; also over HTTP, server/routes.ts): what verifiers trust. */
import type { App } from '../app';
import { publishDscList } from '../trust/dsc-list';
import { publishAppTrustList } from '../trust/signed-list';
import type { FunctionDef } from './router';

export function trustlistFunction(app: Pick<App, 'keys' | 'store' | 'clock' | 'config' | 'revocation'>): FunctionDef {
  return {
    name: 'trustlist',
    actions: {
      /** Public: our signing certificates, for verifiers. */
      get: { input: [], public: true, handler: () => publishDscList(app.keys, app.config.country, app.clock.now()) },
      /** Public: our CSCA-signed trust list (signing certificates, CSCA, revocations; docs/trust-list.md). */
      signed: { input: [], public: true, handler: async () => (await publishAppTrustList(app)).envelope },
    },
  };
}
