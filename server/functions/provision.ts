/**
 * The admin function's provisioning actions (operators only; docs/functions.md, "admin"; the steps
 * in docs/deploy.md): initialise the deployment, import the registries, add ingestion sources and
 * hand out their keys, list and change operators. Every change is audited with the operator's id.
 */
import type { OperatorDirectory } from '../provision/operators';
import type { ProvisionService } from '../provision/service';
import { userIdFor } from '../identity/person-id';
import { IMPORT_BATCH_ROWS } from '../provision/imports';
import type { ActionDef } from './router';

/** An import batch: IMPORT_BATCH_ROWS rows of a dozen short fields (the request's 64 KB bound still holds). */
const IMPORT_SHAPE = { maxDepth: 3, maxKeys: IMPORT_BATCH_ROWS * 12 + 10 };

export interface ProvisionDeps {
  provision: ProvisionService;
  operators: OperatorDirectory;
}

export function provisionActions(app: ProvisionDeps): Record<string, ActionDef> {
  const actor = (openid: string) => userIdFor(openid);
  return {
    /** Checks the environment, creates missing collections, reports what is in place and what is left. Idempotent. */
    init: { input: [], operator: true, handler: (ctx) => app.provision.init(actor(ctx.openid)) },
    /** Upserts up to 200 document-registry rows; row-level problems reported, nothing of a bad row written. */
    importDocuments: {
      input: ['rows'],
      operator: true,
      shape: IMPORT_SHAPE,
      handler: (ctx, input) => app.provision.importDocuments(actor(ctx.openid), input.rows),
    },
    /** Upserts up to 200 citizen-registry rows (ID number, name, status). */
    importCitizens: {
      input: ['rows'],
      operator: true,
      shape: IMPORT_SHAPE,
      handler: (ctx, input) => app.provision.importCitizens(actor(ctx.openid), input.rows),
    },
    sources: { input: [], operator: true, handler: () => app.provision.sources.list() },
    /** Adds a lab or vaccination site and makes its key, returned once, sealed to `recipient`. */
    addSource: {
      input: ['id', 'name', 'type', 'country', 'recipient'],
      operator: true,
      handler: (ctx, input) => app.provision.sources.add(actor(ctx.openid), input),
    },
    /** A new key for a source, returned once (sealed); the old one stops working now. */
    rotateSourceKey: { input: ['id', 'recipient'], operator: true, handler: (ctx, input) => app.provision.sources.rotateKey(actor(ctx.openid), input) },
    setSourceActive: { input: ['id', 'active'], operator: true, handler: (ctx, input) => app.provision.sources.setActive(actor(ctx.openid), input) },
    operators: { input: [], operator: true, handler: () => app.operators.list() },
    addOperator: { input: ['name', 'openid', 'publicKey'], operator: true, handler: (ctx, input) => app.operators.add(actor(ctx.openid), input) },
    removeOperator: { input: ['id', 'reason'], operator: true, handler: (ctx, input) => app.operators.remove(actor(ctx.openid), input) },
  };
}
