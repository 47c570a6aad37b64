/**
 * Composition of the `admin` cloud function (operators): provisioning (collections, registries,
 * ingestion sources, operators), ending relations, releasing identities, revocation, holds, key
 * rotation. Also reached over HTTP by `ithc provision` (POST /admin, signed with an operator key),
 * and by its timer trigger `housekeeping` (expired PDFs, nonces, face checks, attempt counters).
 *
 * It must start in an empty environment, where no collection exists yet: admin.init is what
 * creates them. So nothing here reads the store while composing. The services that need the
 * person-id key (read from the store) are built on the first action that uses them; until init has
 * run, such an action fails and the rest of the function keeps working.
 */
import type { App } from '../../app';
import { adminFunction } from '../../functions/admin';
import { provisionActions } from '../../functions/provision';
import type { FunctionDef } from '../../functions/router';
import { migratedCollections } from '../../provision/database';
import { checkEnvironment } from '../../provision/environment';
import { runHousekeeping } from '../../provision/housekeeping';
import { adminHttpRoute } from '../../provision/operator-auth';
import { ProvisionService } from '../../provision/service';
import { RelativesService } from '../../relatives/service';
import { HoldService } from '../../revocation/holds';
import { RevocationService } from '../../revocation/service';
import type { ComposedFunction, CloudBase } from '../entry';
import { identityOf, operatorsOf, personIdsOf, vaultOf } from './base';
import { registryOf } from './registry';
import { keysOf } from './keys';

type PersonServices = Pick<App, 'identity' | 'relatives' | 'holds'>;

export async function composeAdmin(base: CloudBase): Promise<ComposedFunction> {
  const { store, clock } = base;
  const keys = await keysOf(base);
  const vault = await vaultOf(base);
  const operators = operatorsOf(base);
  const collections = base.collections ?? migratedCollections;
  const provision = new ProvisionService({
    store,
    clock,
    vault,
    keys,
    collections,
    operators,
    checkEnvironment: () => checkEnvironment(base.env, 'admin'),
    // CloudBase names the environment a function runs in; init prints it in the commands it gives.
    envId: base.env.TCB_ENV || base.env.SCF_NAMESPACE || undefined,
  });
  const revocation = new RevocationService({ store, clock });

  let people: Promise<PersonServices> | undefined;
  const personServices = (): Promise<PersonServices> =>
    (people ??= (async () => {
      const personIds = await personIdsOf(base);
      // Operators only end relations here: no document checks (RelativesService without `documents`).
      const identity = identityOf(base, personIds);
      return { identity, relatives: new RelativesService({ store, clock, identity, registry: registryOf(base), personIds }), holds: new HoldService({ store, clock, personIds }) };
    })().catch((e) => {
      people = undefined;
      throw e;
    }));

  // The actions as the contract defines them; those needing the person services reach them when called.
  const pending = new Proxy({} as PersonServices[keyof PersonServices], {
    get: () => {
      throw new Error('person services used before they were built');
    },
  });
  const shape = adminFunction({ identity: pending as App['identity'], relatives: pending as App['relatives'], holds: pending as App['holds'], revocation, keys, vault, provision, operators });
  let full: FunctionDef | undefined;
  const fullDef = async (): Promise<FunctionDef> => (full ??= adminFunction({ ...(await personServices()), revocation, keys, vault, provision, operators }));
  // What runs before init and without the person-id key: provisioning, signing keys, revocation.
  // Every other action (and any added later) goes through the full function.
  const early = new Set([...Object.keys(provisionActions({ provision, operators })), 'rotateKey', 'installCertificate', 'installCsca', 'keys', 'rewrapKeys', 'revoke', 'revocations']);
  const def: FunctionDef = {
    name: shape.name,
    actions: Object.fromEntries(Object.entries(shape.actions).map(([name, a]) => [name, early.has(name) ? a : { ...a, handler: async (ctx, input) => (await fullDef()).actions[name].handler(ctx, input) }])),
  };
  return {
    def,
    routes: [adminHttpRoute(def, { directory: operators, store, clock, collections })],
    timers: { housekeeping: () => runHousekeeping({ store, clock, deleteFiles: base.sdk.deleteFile ? (o) => base.sdk.deleteFile!(o) : undefined }) },
  };
}
