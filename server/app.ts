/**
 * The composition root: one place that builds every service from a store, a secret store, a clock
 * and the adapters of the environment. The local gateway (node/start.ts), the demo and the cloud
 * functions (cloudfunctions/<name>) all build the same app; only the adapters differ.
 */
import { randomBytes } from 'node:crypto';
import { AccountService } from './account/service';
import type { Clock } from './clock';
import { DEFAULT_APP_CONFIG, type AppConfig } from './config';
import type { PaperSettings } from './pdf/service';
import { DocumentService } from './documents/service';
import { LocalDocumentRegistry, type DocumentRegistry } from './documents/registry';
import { IdentityService } from './identity/service';
import { StoreCitizenRegistry, type CitizenRegistry } from './identity/citizens';
import { LocalIdentityProvider } from './identity/local';
import type { IdentityProvider } from './identity/provider';
import { PersonIds, loadPersonIdKey } from './identity/person-id';
import { IngestService, registryPersons } from './ingest/service';
import { WrappedKeyring } from './ingest/signature';
import { IssuanceService } from './issuance/service';
import type { IssuanceSubject } from './issuance/build';
import type { SigningEngine } from './issuance/sign';
import { KeyService, DEFAULT_KEY_CONFIG } from './keys/service';
import type { SecretStore } from './keys/secrets';
import { KeyVault, loadKekRing } from './keys/vault';
import type { OfflineCa } from './keys/ca';
import { ensureLocalKeys, localCertifier } from './keys/local';
import { RecordsService } from './records/service';
import { RelativesService } from './relatives/service';
import { SealService } from './seal/service';
import { LocalRecordSource, type RecordSource } from './records/sources';
import { PartnerService } from './partners/service';
import { RevocationService } from './revocation/service';
import { HoldService } from './revocation/holds';
import type { Store } from './store/store';
import { subjectResolver } from './functions/subject';
import { migratedCollections, type CollectionAdmin } from './provision/database';
import { OperatorDirectory, type OperatorBootstrap } from './provision/operators';
import { ProvisionService } from './provision/service';

export { DEFAULT_APP_CONFIG, type AppConfig } from './config';

export interface AppDeps {
  store: Store;
  secrets: SecretStore;
  clock: Clock;
  config?: Partial<AppConfig>;
  /** Defaults to the local adapters (citizen registry + face-check stand-in). */
  identityProvider?: IdentityProvider;
  /** Who an ID number belongs to, for identity (local provider) and ingestion; default the `citizens` collection. */
  citizens?: CitizenRegistry;
  documentRegistry?: DocumentRegistry;
  recordSources?: RecordSource[];
  /** Where printable PDFs go and which links they print (server/pdf); without it certificate.pdf is UNAVAILABLE. */
  paper?: PaperSettings;
  /** Where certificates are signed (server/issuance/sign.ts); default in the calling thread. */
  signing?: SigningEngine;
  /**
   * A CSCA at hand (the local data folder's, server/keys/local.ts): it certifies each new key at
   * once, so the app starts with its keys. Without it keys wait for an operator (docs/keys.md).
   */
  localCa?: OfflineCa;
  /** The operators the environment names (server/provision/operators.ts); default config.operators' OPENIDs. */
  operatorBootstrap?: OperatorBootstrap;
  /** Makes the store's collections where the database needs that (CloudBase); default: the SQLite migrations made them. */
  collections?: CollectionAdmin;
}

export interface App {
  config: AppConfig;
  paper?: PaperSettings;
  store: Store;
  clock: Clock;
  secrets: SecretStore;
  /** Wrapped keys under the KEK (server/keys/vault.ts): the person-id key, signing keys, ingestion keys. */
  vault: KeyVault;
  personIds: PersonIds;
  identity: IdentityService;
  documents: DocumentService;
  documentRegistry: DocumentRegistry;
  records: RecordsService;
  keys: KeyService;
  issuance: IssuanceService;
  ingest: IngestService;
  /** The verified person and bound document of a caller, as issuance needs them. */
  subjectOf(openid: string): Promise<IssuanceSubject>;
  /** Relatives acting for the elderly (server/relatives): relatives.* actions and actingFor, which resolveSubject uses for `for`. */
  relatives: RelativesService;
  /** Sealed codes for a destination (certificate.seal, server/seal). */
  seal: SealService;
  /** Partner authorities: keys, accepted formats, entry rules, their signing certificates (server/partners). */
  partners: PartnerService;
  /** Revoked certificates and the published EU-scheme hash list (server/revocation). */
  revocation: RevocationService;
  /** Operator holds on a person's issuance (server/revocation/holds.ts). */
  holds: HoldService;
  /** Who is an operator: the environment's first ones and those added since (server/provision/operators.ts). */
  operators: OperatorDirectory;
  /** Provisioning a deployment: collections, registries, ingestion sources (server/provision). */
  provision: ProvisionService;
  /** The caller's own data: export it, delete the account (identity.exportData / deleteAccount, server/account). */
  account: AccountService;
}

export async function createApp(deps: AppDeps): Promise<App> {
  const config: AppConfig = { ...DEFAULT_APP_CONFIG, ...(deps.config ?? {}) };
  const { store, secrets, clock } = deps;
  // The KEK is made on first run where the secret store can write (the local data folder).
  const vault = new KeyVault(store, await loadKekRing(secrets, { generate: true }), clock);
  const personIds = new PersonIds(await loadPersonIdKey(vault, (n) => new Uint8Array(randomBytes(n))));
  // One registry for both: a record reaches the person identity verified, by ID number and name.
  const citizens = deps.citizens ?? new StoreCitizenRegistry(store);
  const provider = deps.identityProvider ?? new LocalIdentityProvider({ store, clock, registry: citizens });
  const documentRegistry = deps.documentRegistry ?? new LocalDocumentRegistry(store);
  const identity = new IdentityService({ store, clock, provider, personIds });
  const documents = new DocumentService({ store, clock, registry: documentRegistry });
  const records = new RecordsService(deps.recordSources ?? [new LocalRecordSource(store)]);
  const keyConfig = { ...DEFAULT_KEY_CONFIG, country: config.country, prePublicationDays: config.prePublicationDays };
  const keys = new KeyService({ store, vault, clock, config: keyConfig, certifier: deps.localCa && localCertifier(deps.localCa, clock) });
  if (deps.localCa) await ensureLocalKeys(keys, deps.localCa);
  const issuance = new IssuanceService({ store, clock, keys, country: config.country, issuerName: config.issuerName, signing: deps.signing });
  const ingest = new IngestService({
    store,
    clock,
    keyring: new WrappedKeyring(vault),
    resolvePerson: registryPersons(citizens, personIds),
  });

  // Relatives reuse identity's face check and limits and documents' checks for the relative.
  const relatives = new RelativesService({ store, clock, identity, documents, registry: documentRegistry, personIds });

  // Partner authorities and revocation: operator-managed, audited.
  const partners = new PartnerService({ store, clock, ownCountry: config.country });
  const revocation = new RevocationService({ store, clock });
  const holds = new HoldService({ store, clock, personIds });
  // Sealing reads partners' encryption keys; the ephemeral keys come from the OS random source.
  const seal = new SealService({ partners, clock, rng: (n) => new Uint8Array(randomBytes(n)) });

  const subjectOf = subjectResolver(store, documentRegistry);

  const operators = new OperatorDirectory({ store, clock, bootstrap: deps.operatorBootstrap ?? { openids: new Set(config.operators), keys: new Map() } });
  const provision = new ProvisionService({ store, clock, vault, keys, collections: deps.collections ?? migratedCollections, operators });

  const app: App = { config, paper: deps.paper, store, clock, secrets, vault, personIds, identity, documents, documentRegistry, records, keys, issuance, ingest, subjectOf, relatives, seal, partners, revocation, holds, operators, provision, account: undefined as unknown as AccountService };
  // Paper settings may be attached after the app is made (server/pdf/service.ts attachPaper): read them when deleting.
  app.account = new AccountService({ store, clock, files: () => app.paper?.storage });
  return app;
}
