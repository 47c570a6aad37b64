/** What a cloud function's composition (./compose/<name>.ts) starts from and what it gives the runtime (./entry.ts). */
import type { Clock } from '../clock';
import type { FunctionDef } from '../functions/router';
import type { Route } from '../http';
import type { SecretStore } from '../keys/secrets';
import type { CloudStorageSdk } from '../pdf/storage';
import type { CollectionAdmin } from '../provision/database';
import type { Store } from '../store/store';

/** What every function's composition starts from. */
export interface CloudBase {
  store: Store;
  secrets: SecretStore;
  clock: Clock;
  env: NodeJS.ProcessEnv;
  /** wx-server-sdk's cloud storage, initialised (PDFs). */
  sdk: CloudStorageSdk;
  /** OPENIDs with operator rights from the environment (ITHC_OPERATORS, comma-separated); more live in the store. */
  operators: readonly string[];
  /** Creates the store's collections (admin.init); the CloudBase database needs them made. */
  collections?: CollectionAdmin;
}

/** A composed function: its actions (none for HTTP-only functions), its HTTP routes, its timers. */
export interface ComposedFunction {
  def?: FunctionDef;
  routes: Route[];
  /** Timer triggers by name (cloudfunctions/<name>/config.json); each does a bounded amount of work. */
  timers?: Record<string, () => Promise<unknown>>;
}

export type Compose = (base: CloudBase) => Promise<ComposedFunction>;
