/**
 * The platform the server's services are made from, and how each is made once for it.
 *
 * Every service is wired in one place: a factory of its own in this folder (keys.ts keysOf,
 * identity.ts identityOf, ...), over a description of the platform it runs on (store, clock,
 * secrets, random source, adapters, settings). The local app (server/app.ts createApp) calls them
 * all over the local platform; each cloud function's composition (server/cloud/compose/<name>.ts)
 * calls only those its actions use, over the cloud's (server/cloud/compose/base.ts).
 *
 * A factory makes its service on the first call for a platform and hands back the same one after,
 * building the services it depends on through their own factories; one that failed (the person-id
 * key before the admin function's init made its collection) is tried again on the next call. One
 * file per factory, and no file that imports them all: a cloud function's bundle carries only the
 * services it calls (esbuild keeps every module a bundle imports), within the 1 MB a function may weigh.
 */
import type { OwnedFiles } from '../account/service';
import type { Clock } from '../clock';
import type { AppConfig } from '../config';
import type { DocumentRegistry } from '../documents/registry';
import type { CitizenRegistry } from '../identity/citizens';
import type { IdentityProvider } from '../identity/provider';
import type { SigningEngine } from '../issuance/sign';
import type { SecretStore } from '../keys/secrets';
import type { Certifier } from '../keys/service';
import type { CollectionAdmin } from '../provision/database';
import type { EnvironmentReport } from '../provision/environment';
import type { OperatorBootstrap } from '../provision/operators';
import type { RecordSource } from '../records/sources';
import type { Store } from '../store/store';

/** What the services are made from: the one description each composition gives. */
export interface Platform {
  store: Store;
  clock: Clock;
  config: AppConfig;
  /** Where the KEK ring is read (server/keys/vault.ts). */
  secrets: SecretStore;
  /** Make the KEK where the secret store has none: the local data folder does; a cloud function never does, and says which variable to set. */
  generateKek: boolean;
  /** The OS random source: the person-id key on first run, the ephemeral keys of sealed codes. */
  rng: (n: number) => Uint8Array;
  /** Facial verification: WeChat's (the cloud) or the local stand-in over the citizen registry. */
  identityProvider: IdentityProvider;
  /** Who an ID number belongs to, for ingestion (and the local identity provider): the `citizens` collection. */
  citizens: CitizenRegistry;
  /** The travel-document registry: the `registry` collection, which provisioning fills. */
  documentRegistry: DocumentRegistry;
  /** Where a person's records come from; by default the `records` collection, which ingestion fills (server/compose/records.ts). */
  recordSources?: readonly RecordSource[];
  /** The operators the environment names; more are added in the store (server/provision/operators.ts). */
  operatorBootstrap: OperatorBootstrap;
  /** Makes the store's collections where the database needs that (CloudBase; SQLite's migrations made them). */
  collections: CollectionAdmin;
  /** Where a deleted account's printed certificates are discarded (identity.deleteAccount); none where nothing is printed. */
  files?: OwnedFiles;
  /** Where certificates are signed (server/issuance/sign.ts); default in the calling thread. */
  signing?: SigningEngine;
  /** A CSCA at hand certifies each new signing key at once (the local data folder's); without it keys wait for an operator (docs/keys.md). */
  certifier?: Certifier;
  /** The deployment's own checks for admin.init: its variables, and the environment's name for the commands init prints (the cloud). */
  environment?: { check: () => EnvironmentReport; id?: string };
}

const made = new WeakMap<Platform, Map<unknown, Promise<unknown>>>();

/** The service `factory` makes for `p`: made by `make` on the first call, the same one after; made again after a failure. */
export function once<T>(p: Platform, factory: (p: Platform) => Promise<T>, make: () => Promise<T>): Promise<T> {
  const services = made.get(p) ?? new Map<unknown, Promise<unknown>>();
  made.set(p, services);
  const known = services.get(factory) as Promise<T> | undefined;
  if (known) return known;
  const service = make();
  services.set(factory, service);
  service.catch(() => {
    if (services.get(factory) === service) services.delete(factory);
  });
  return service;
}
