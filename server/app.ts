/**
 * The composition root: one place that builds every service from a store, a secret store, a clock
 * and the adapters of the environment. The local gateway (node/start.ts), the demo and the cloud
 * functions (cloudfunctions/<name>) all build the same app; only the adapters differ.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from './clock';
import { DEFAULT_APP_CONFIG, type AppConfig } from './config';
import type { PaperSettings } from './pdf/service';
import { DocumentService } from './documents/service';
import { LocalDocumentRegistry, type DocumentRegistry } from './documents/registry';
import { IdentityService } from './identity/service';
import { LocalIdentityProvider } from './identity/local';
import type { IdentityProvider } from './identity/provider';
import { PersonIds, loadPersonIdKey } from './identity/person-id';
import { IngestService, residentIdPersons } from './ingest/service';
import { SecretStoreKeyring } from './ingest/signature';
import { IssuanceService } from './issuance/service';
import type { IssuanceSubject } from './issuance/build';
import type { SigningEngine } from './issuance/sign';
import { KeyService, DEFAULT_KEY_CONFIG } from './keys/service';
import type { SecretStore } from './keys/secrets';
import { RecordsService } from './records/service';
import { RelativesService } from './relatives/service';
import { SealService } from './seal/service';
import { LocalRecordSource, type RecordSource } from './records/sources';
import { PartnerService } from './partners/service';
import { RevocationService } from './revocation/service';
import type { Store } from './store/store';
import { subjectResolver } from './functions/subject';

export { DEFAULT_APP_CONFIG, type AppConfig } from './config';

export interface AppDeps {
  store: Store;
  secrets: SecretStore;
  clock: Clock;
  config?: Partial<AppConfig>;
  /** Defaults to the local adapters (citizen registry + face-check stand-in). */
  identityProvider?: IdentityProvider;
  documentRegistry?: DocumentRegistry;
  recordSources?: RecordSource[];
  /** Where printable PDFs go and which links they print (server/pdf); without it certificate.pdf is UNAVAILABLE. */
  paper?: PaperSettings;
  /** Where certificates are signed (server/issuance/sign.ts); default in the calling thread. */
  signing?: SigningEngine;
}

export interface App {
  config: AppConfig;
  paper?: PaperSettings;
  store: Store;
  clock: Clock;
  secrets: SecretStore;
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
}

export async function createApp(deps: AppDeps): Promise<App> {
  const config: AppConfig = { ...DEFAULT_APP_CONFIG, ...(deps.config ?? {}) };
  const { store, secrets, clock } = deps;
  const personIds = new PersonIds(await loadPersonIdKey(secrets, (n) => new Uint8Array(randomBytes(n))));
  const provider = deps.identityProvider ?? new LocalIdentityProvider({ store, clock });
  const documentRegistry = deps.documentRegistry ?? new LocalDocumentRegistry(store);
  const identity = new IdentityService({ store, clock, provider, personIds });
  const documents = new DocumentService({ store, clock, registry: documentRegistry });
  const records = new RecordsService(deps.recordSources ?? [new LocalRecordSource(store)]);
  const keys = new KeyService(store, secrets, clock, { ...DEFAULT_KEY_CONFIG, country: config.country });
  await keys.ensure();
  const issuance = new IssuanceService({ store, clock, keys, country: config.country, issuerName: config.issuerName, signing: deps.signing });
  const ingest = new IngestService({
    store,
    clock,
    keyring: new SecretStoreKeyring(secrets),
    resolvePerson: residentIdPersons(personIds, clock),
  });

  // Relatives reuse identity's face check and limits and documents' checks for the relative.
  const relatives = new RelativesService({ store, clock, identity, documents, registry: documentRegistry, personIds });

  // Partner authorities and revocation (issue 4): operator-managed, audited.
  const partners = new PartnerService({ store, clock, ownCountry: config.country });
  const revocation = new RevocationService({ store, clock });
  // Sealing reads partners' encryption keys; the ephemeral keys come from the OS random source.
  const seal = new SealService({ partners, clock, rng: (n) => new Uint8Array(randomBytes(n)) });

  const subjectOf = subjectResolver(store, documentRegistry);

  return { config, paper: deps.paper, store, clock, secrets, personIds, identity, documents, documentRegistry, records, keys, issuance, ingest, subjectOf, relatives, seal, partners, revocation };
}
