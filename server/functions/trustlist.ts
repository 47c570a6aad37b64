/** The `trustlist` function (public; also over HTTP, server/routes.ts): what verifiers trust. */
import type { App } from '../app';
import { publishDscList } from '../trust/dsc-list';
import { publishAppTrustList } from '../trust/signed-list';
import { publishAppSourceList } from '../trust/source-list';
import type { FunctionDef } from './router';

export function trustlistFunction(app: Pick<App, 'keys' | 'store' | 'clock' | 'config' | 'revocation'>): FunctionDef {
  return {
    name: 'trustlist',
    actions: {
      /** Public: our signing certificates, for verifiers. */
      get: { input: [], public: true, handler: () => publishDscList(app.keys, app.config.country, app.clock.now()) },
      /** Public: our signed trust list (signing certificates, CSCA, revocations; signed by the trust-list signer the CSCA certified: docs/trust-list.md). */
      signed: { input: [], public: true, handler: async () => (await publishAppTrustList(app)).envelope },
      /** Public: our signed source list (the laboratories and vaccination sites certificates name by code; docs/trust-list.md). */
      sources: { input: [], public: true, handler: async () => (await publishAppSourceList(app)).envelope },
    },
  };
}
