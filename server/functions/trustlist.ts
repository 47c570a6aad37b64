/** The `trustlist` function (public; also over HTTP, server/routes.ts): what verifiers trust. */
import type { Clock } from '../clock';
import type { AppConfig } from '../config';
import type { KeyService } from '../keys/service';
import type { RevocationService } from '../revocation/service';
import type { Store } from '../store/store';
import { publishDscList } from '../trust/dsc-list';
import { publishAppTrustList } from '../trust/signed-list';
import { publishAppSourceList } from '../trust/source-list';
import type { FunctionDef } from './router';

/** What the trust lists are published from (also the HTTP route's, server/routes.ts). */
export interface TrustListDeps {
  keys: KeyService;
  store: Store;
  clock: Clock;
  config: Pick<AppConfig, 'country'>;
  revocation: RevocationService;
}

export function trustlistFunction(app: TrustListDeps): FunctionDef {
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
