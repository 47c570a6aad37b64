/**
 * Provisioning a deployment (docs/deploy.md): what an operator runs, in order, from an empty
 * environment to the first certificate — each step idempotent, each refusing bad input before it
 * writes anything, each audited. The admin function exposes it (admin.init, importDocuments,
 * importCitizens, addSource, ...; docs/functions.md), and `ithc provision` calls those over HTTP.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock';
import { ServiceError } from '../errors';
import type { KeyService } from '../keys/service';
import type { KeyVault } from '../keys/vault';
import type { Store } from '../store/store';
import { initialiseCollections, permissionCommands, REQUIRED_PERMISSION, type CollectionAdmin, type CollectionReport } from './database';
import type { EnvironmentReport } from './environment';
import { importCitizens, importDocuments, type ImportReport } from './imports';
import type { OperatorDirectory } from './operators';
import { SourceAdmin } from './sources';

export interface InitReport {
  /** The functions' environment variables, checked (null where there is none to check: a local data folder). */
  environment: EnvironmentReport | null;
  collections: CollectionReport[];
  /** What the functions cannot set themselves: every collection's permission (CloudBase CLI commands). */
  permissions: { required: typeof REQUIRED_PERMISSION; commands: string[]; clientWrittenDocuments: number };
  operators: number;
  keys: { csca: boolean; dsc: boolean; ithcDsc: boolean; trustListSigner: boolean };
  registries: { documents: number; citizens: number; sources: number };
  /** What is left to do, in order. */
  next: string[];
}

export class ProvisionService {
  readonly sources: SourceAdmin;

  constructor(
    private readonly deps: {
      store: Store;
      clock: Clock;
      vault: Pick<KeyVault, 'create' | 'destroy' | 'unwrap'>;
      keys: Pick<KeyService, 'list'>;
      collections: CollectionAdmin;
      operators: OperatorDirectory;
      /** The environment's check (the cloud); absent for a local data folder. */
      checkEnvironment?: () => EnvironmentReport;
      /** The CloudBase environment id, for the commands init prints. */
      envId?: string;
    },
  ) {
    this.sources = new SourceAdmin(deps);
  }

  /**
   * Checks the environment (refusing, with every problem named, before anything is made), creates
   * the missing collections, and reports what is in place and what is left to do.
   */
  async init(actor: string): Promise<InitReport> {
    const environment = this.deps.checkEnvironment?.() ?? null;
    if (environment && !environment.ok) {
      const bad = environment.variables.filter((v) => v.status !== 'ok');
      throw new ServiceError('VALIDATION_FAILED', {
        fields: Object.fromEntries(bad.map((v) => [v.name, v.problem ?? v.status])),
        messageCode: 'server.environmentNotReady',
        params: { variables: bad.map((v) => v.name).join(', ') },
      });
    }
    const collections = await initialiseCollections(this.deps.collections, this.deps.store);
    const { store } = this.deps;
    const keys = await this.deps.keys.list();
    const has = (kind: string) => keys.some((k) => k.kind === kind && k.status !== 'pending-certification' && k.status !== 'expired');
    const report: InitReport = {
      environment,
      collections,
      permissions: {
        required: REQUIRED_PERMISSION,
        commands: permissionCommands(this.deps.envId),
        clientWrittenDocuments: collections.reduce((n, c) => n + c.clientWritten, 0),
      },
      operators: await this.deps.operators.activeCount(),
      keys: { csca: has('csca'), dsc: has('dsc'), ithcDsc: has('ithc-dsc'), trustListSigner: has('trustlist-signer') },
      registries: {
        documents: await store.count('documentRegistry', {}),
        citizens: await store.count('citizens', {}),
        sources: await store.count('sources', {}),
      },
      next: [],
    };
    const next = report.next;
    if (report.permissions.clientWrittenDocuments > 0)
      next.push(
        `clients wrote ${report.permissions.clientWrittenDocuments} document(s): a collection's permission is not ${REQUIRED_PERMISSION}; set it (permissions.commands) and look into those documents`,
      );
    next.push(
      `set every collection's permission to ${REQUIRED_PERMISSION} (permissions.commands) and create the indexes listed (docs/deploy.md); the functions cannot check either`,
    );
    if (!report.keys.csca) next.push('install the CSCA certificate: ithc keys create-csca (offline), then ithc provision install-csca');
    if (!report.keys.dsc) next.push('certify a document signer: ithc provision rotate-key, ithc keys certify (offline), ithc provision install-certificate');
    if (!report.keys.ithcDsc)
      next.push('certify the ITHC document signer: ithc provision rotate-key --kind ithc-dsc, then ithc keys certify --profile ithc-dsc, as for the DSC');
    if (!report.keys.trustListSigner) next.push('certify a trust-list signer: ithc provision rotate-key --kind trustlist-signer, then as for the DSC');
    if (!report.registries.documents) next.push('import the document registry: ithc provision import-documents FILE');
    if (!report.registries.citizens) next.push('import the citizen registry: ithc provision import-citizens FILE');
    if (!report.registries.sources) next.push('add the labs and vaccination sites: ithc provision add-source');
    await store.insert('audit', {
      _id: randomUUID(),
      at: this.deps.clock.now(),
      action: 'deployment.init',
      actor,
      outcome: 'success',
      created: collections.filter((c) => c.status === 'created').length,
    });
    return report;
  }

  importDocuments(actor: string, rows: unknown): Promise<ImportReport> {
    return importDocuments(this.deps, actor, rows);
  }

  importCitizens(actor: string, rows: unknown): Promise<ImportReport> {
    return importCitizens(this.deps, actor, rows);
  }
}
