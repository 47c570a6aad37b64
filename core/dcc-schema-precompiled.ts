/**
 * The DCC schema check, pre-compiled: the same validator as dcc-schema.ts (same schema files, ajv
 * options and formats), but generated as code at build time (scripts/build.mjs, ajv standalone)
 * instead of compiled at run time. Compiling the schema with ajv costs ~120-250 ms per process, and
 * the CLI is started once per code by officers' scripts and once per worker in a batch; loading the
 * generated code costs a few milliseconds. It also needs no `new Function`, which the mini program
 * forbids: the CLI, the web verifier and the mini program's verify bundle all use this one.
 *
 * test/cli/dcc-schema-precompiled.test.ts checks that both give identical messages on every
 * example of the schema's test suite and every DCC in the EU test data, and that the generated
 * file is up to date.
 */
import type { ErrorObject } from 'ajv';
import type { DccSchemaValidator } from './dcc';
import generated, { SCHEMA_VERSION } from './dcc-schema-validate.generated';

interface Compiled {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

const validate = generated as unknown as Compiled;

/** As dcc-schema.ts: a hostile DCC can fail every field. */
const MAX_MESSAGES = 20;

function describe(e: ErrorObject): string {
  const where = e.instancePath === '' ? 'the DCC' : e.instancePath;
  return `${where} ${e.message ?? 'is invalid'}`;
}

export const validateDccSchemaPrecompiled: DccSchemaValidator = (dcc: unknown): string[] => {
  if (validate(dcc)) return [];
  const messages = [...new Set((validate.errors ?? []).map(describe))];
  if (messages.length > MAX_MESSAGES) {
    const more = messages.length - MAX_MESSAGES;
    messages.length = MAX_MESSAGES;
    messages.push(`… and ${more} more schema violations`);
  }
  return messages.map((m) => `DCC schema ${SCHEMA_VERSION}: ${m}`);
};
