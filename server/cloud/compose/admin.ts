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
import { holdsOf } from '../../compose/holds';
import { identityOf } from '../../compose/identity';
import { keysOf } from '../../compose/keys';
import { operatorsOf } from '../../compose/operators';
import { provisionOf } from '../../compose/provision';
import { relativesOf } from '../../compose/relatives';
import { revocationOf } from '../../compose/revocation';
import { vaultOf } from '../../compose/vault';
import { adminFunction, type AdminDeps } from '../../functions/admin';
import { provisionActions } from '../../functions/provision';
import type { FunctionDef } from '../../functions/router';
import { checkEnvironment } from '../../provision/environment';
import { runHousekeeping } from '../../provision/housekeeping';
import { adminHttpRoute } from '../../provision/operator-auth';
import type { ComposedFunction, CloudBase } from '../composed';
import { cloudPlatform } from './base';

type PersonServices = Pick<AdminDeps, 'identity' | 'relatives' | 'holds'>;

export async function composeAdmin(base: CloudBase): Promise<ComposedFunction> {
  const { store, clock } = base;
  const p = cloudPlatform(base, {
    // CloudBase names the environment a function runs in; init prints it in the commands it gives.
    environment: { check: () => checkEnvironment(base.env, 'admin'), id: base.env.TCB_ENV || base.env.SCF_NAMESPACE || undefined },
  });
  const keys = await keysOf(p);
  const vault = await vaultOf(p);
  const operators = await operatorsOf(p);
  const provision = await provisionOf(p);
  const revocation = await revocationOf(p);
  // Made on the first action that uses them, and again after a failure (before init, the person-id key's collection is missing).
  const personServices = async (): Promise<PersonServices> => ({ identity: await identityOf(p), relatives: await relativesOf(p), holds: await holdsOf(p) });

  // The actions as the contract defines them; those needing the person services reach them when called.
  const pending = new Proxy({} as PersonServices[keyof PersonServices], {
    get: () => {
      throw new Error('person services used before they were built');
    },
  });
  const shape = adminFunction({
    identity: pending as AdminDeps['identity'],
    relatives: pending as AdminDeps['relatives'],
    holds: pending as AdminDeps['holds'],
    revocation,
    keys,
    vault,
    provision,
    operators,
  });
  let full: FunctionDef | undefined;
  const fullDef = async (): Promise<FunctionDef> => (full ??= adminFunction({ ...(await personServices()), revocation, keys, vault, provision, operators }));
  // What runs before init and without the person-id key: provisioning, signing keys, revocation.
  // Every other action (and any added later) goes through the full function.
  const early = new Set([
    ...Object.keys(provisionActions({ provision, operators })),
    'rotateKey',
    'installCertificate',
    'installCsca',
    'keys',
    'rewrapKeys',
    'revoke',
    'revocations',
  ]);
  const def: FunctionDef = {
    name: shape.name,
    actions: Object.fromEntries(
      Object.entries(shape.actions).map(([name, a]) => [
        name,
        early.has(name) ? a : { ...a, handler: async (ctx, input) => (await fullDef()).actions[name].handler(ctx, input) },
      ]),
    ),
  };
  return {
    def,
    routes: [adminHttpRoute(def, { directory: operators, store, clock, collections: p.collections })],
    timers: { housekeeping: () => runHousekeeping({ store, clock, deleteFiles: base.sdk.deleteFile ? (o) => base.sdk.deleteFile!(o) : undefined }) },
  };
}
