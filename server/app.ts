/**
 * The local app: every service, made by the per-service factories (server/compose/)
 * over the local platform: a store, a secret store that may make the KEK (the data folder), a
 * clock, and local adapters where the cloud has WeChat's (facial verification). The local gateway
 * (node/start.ts), the demo and the tests use it; each cloud function calls the same factories
 * for the services its actions use (server/cloud/compose/<name>.ts).
 */
import { randomBytes } from 'node:crypto';
import type { AccountService } from './account/service';
import type { Clock } from './clock';
import { accountOf } from './compose/account';
import { documentsOf } from './compose/documents';
import { holdsOf } from './compose/holds';
import { identityOf } from './compose/identity';
import { ingestOf } from './compose/ingest';
import { issuanceOf } from './compose/issuance';
import { keysOf } from './compose/keys';
import { operatorsOf } from './compose/operators';
import { partnersOf } from './compose/partners';
import { personIdsOf } from './compose/person-ids';
import type { Platform } from './compose/platform';
import { provisionOf } from './compose/provision';
import { recordsOf } from './compose/records';
import { relativesOf } from './compose/relatives';
import { revocationOf } from './compose/revocation';
import { sealOf } from './compose/seal';
import { subjectResolverOf } from './compose/subject';
import { vaultOf } from './compose/vault';
import { DEFAULT_APP_CONFIG, type AppConfig } from './config';
import type { PaperSettings } from './pdf/service';
import type { DocumentService } from './documents/service';
import { LocalDocumentRegistry, type DocumentRegistry } from './documents/registry';
import type { IdentityService } from './identity/service';
import { StoreCitizenRegistry, type CitizenRegistry } from './identity/citizens';
import { LocalIdentityProvider } from './identity/local';
import type { IdentityProvider } from './identity/provider';
import type { PersonIds } from './identity/person-id';
import type { IngestService } from './ingest/service';
import type { IssuanceService } from './issuance/service';
import type { SigningEngine } from './issuance/sign';
import type { KeyService } from './keys/service';
import type { SecretStore } from './keys/secrets';
import type { KeyVault } from './keys/vault';
import type { OfflineCa } from './keys/ca';
import { ensureLocalKeys, localCertifier } from './keys/local';
import type { RecordsService } from './records/service';
import type { RelativesService } from './relatives/service';
import type { SealService } from './seal/service';
import type { RecordSource } from './records/sources';
import type { PartnerService } from './partners/service';
import type { RevocationService } from './revocation/service';
import type { HoldService } from './revocation/holds';
import type { Store } from './store/store';
import type { SubjectOf } from './functions/subject';
import { migratedCollections, type CollectionAdmin } from './provision/database';
import type { OperatorBootstrap, OperatorDirectory } from './provision/operators';
import type { ProvisionService } from './provision/service';

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
  /** The paper version's storage and links, as createApp was given them (AppDeps.paper). */
  readonly paper?: PaperSettings;
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
  subjectOf: SubjectOf;
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
  // One registry for both: a record reaches the person identity verified, by ID number and name.
  const citizens = deps.citizens ?? new StoreCitizenRegistry(store);
  const platform: Platform = {
    store,
    clock,
    config,
    secrets,
    // The KEK is made on first run where the secret store can write (the local data folder).
    generateKek: true,
    rng: (n) => new Uint8Array(randomBytes(n)),
    citizens,
    identityProvider:
      deps.identityProvider ??
      new LocalIdentityProvider({
        store,
        clock,
        registry: citizens,
        // One key for every process serving this store, kept wrapped in the vault like the others.
        faceCheckKey: async () => (await vaultOf(platform)).getOrCreate('face-check-stand-in', 'local', () => platform.rng(32)),
      }),
    documentRegistry: deps.documentRegistry ?? new LocalDocumentRegistry(store),
    recordSources: deps.recordSources,
    operatorBootstrap: deps.operatorBootstrap ?? { openids: new Set(config.operators), keys: new Map() },
    collections: deps.collections ?? migratedCollections,
    // A deleted account's printouts are in the paper storage.
    files: deps.paper?.storage,
    signing: deps.signing,
    certifier: deps.localCa && localCertifier(deps.localCa, clock),
  };
  // In the order they first touch the store: the person-id key, then the signing keys.
  const vault = await vaultOf(platform);
  const personIds = await personIdsOf(platform);
  const keys = await keysOf(platform);
  if (deps.localCa) await ensureLocalKeys(keys, deps.localCa);
  return {
    config,
    paper: deps.paper,
    store,
    clock,
    secrets,
    vault,
    personIds,
    identity: await identityOf(platform),
    documents: await documentsOf(platform),
    documentRegistry: platform.documentRegistry,
    records: await recordsOf(platform),
    keys,
    issuance: await issuanceOf(platform),
    ingest: await ingestOf(platform),
    subjectOf: await subjectResolverOf(platform),
    relatives: await relativesOf(platform),
    seal: await sealOf(platform),
    partners: await partnersOf(platform),
    revocation: await revocationOf(platform),
    holds: await holdsOf(platform),
    operators: await operatorsOf(platform),
    provision: await provisionOf(platform),
    account: await accountOf(platform),
  };
}
