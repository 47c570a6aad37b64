/**
 * The DCC JSON Schema check (eu-dcc-schema 1.3.3, JSON Schema draft 2020-12) as a
 * DccSchemaValidator for dcc.ts. Built with ajv and ajv-formats, the tools the schema's own
 * repository validates with (`ajv --spec=draft2020 -c ajv-formats --strict=false`).
 *
 * Which release for which certificate. Every DCC is validated against 1.3.x, whatever `ver` it
 * declares (the EU test data carries 1.0.0 to 1.3.0). Measured on the 530 EU test cases that state
 * EXPECTEDSCHEMAVALIDATION (test/conformance/dcc-schema.test.ts keeps the comparison): validating
 * each certificate against the release its `ver` names (schema tags 1.0.0–1.3.2) disagrees with 166
 * flags, 152 of them NL; validating all against 1.3.x with 100, 86 of them NL. Later releases
 * relaxed the earlier ones where real issuers differed (partial dates of birth, `fnt` or `gnt`,
 * 80-character fields) and tightened them only where the regulation always required it (exactly one
 * entry of v, t or r, which dcc.ts enforces for every `ver` anyway). The remaining disagreements are
 * errata of the data (the NL generator's flags follow no release, dgc-testdata issue #107; value-set
 * membership, which no release checks), listed with their reasons in
 * test/conformance/dcc-testdata.test.ts.
 *
 * Formats. `date-time` is checked as RFC 3339 (ajv-formats, full mode). `date` accepts an RFC 3339
 * full-date or a full date-time: issuers in the test data (PL 11–13, SG 4) write `dt`, `fr` and `df`
 * as date-times, and the schema FAQ ("Applying Postel's Law") tells verifiers to rescue a value that
 * holds the required date at more precision rather than refuse it. "abcde" still fails.
 *
 * Pure: the schema files are imported as modules (core/schemas/dcc, with their source and licence),
 * nothing is read from disk. Compiled once, on first use; ajv generates code with `new Function`,
 * so the mini program, which forbids that, injects a pre-compiled validator instead.
 */
import Ajv2020 from 'ajv/dist/2020';
import type { ErrorObject, ValidateFunction, Format } from 'ajv';
import addFormats from 'ajv-formats';
import dccSchema from './schemas/dcc/DCC.schema.json';
import coreTypes from './schemas/dcc/DCC.Core.Types.schema.json';
import types from './schemas/dcc/DCC.Types.schema.json';
import valueSets from './schemas/dcc/DCC.ValueSets.schema.json';
import type { DccSchemaValidator } from './dcc';

/** The schema release applied to every certificate. */
export const DCC_SCHEMA_VERSION = '1.3.3';

/** At most this many messages are reported: a hostile DCC can fail every field. */
const MAX_MESSAGES = 20;

let compiled: ValidateFunction | undefined;

function compile(): ValidateFunction {
  // strict: false because the schema uses the annotation keyword "valueset-uri" (as upstream runs it).
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv, { mode: 'full', formats: ['date-time'] });
  const fullDate = formatCheck(addFormats.get('date', 'full'));
  const dateTime = formatCheck(addFormats.get('date-time', 'full'));
  ajv.addFormat('date', { type: 'string', validate: (s: string) => fullDate(s) || dateTime(s) });
  ajv.addSchema([coreTypes, types, valueSets]);
  return ajv.compile(dccSchema);
}

function formatCheck(f: Format): (s: string) => boolean {
  if (f instanceof RegExp) return (s) => f.test(s);
  if (typeof f === 'function') return (s) => f(s);
  if (typeof f === 'object' && typeof f.validate === 'function') {
    const v = f.validate as (s: string) => boolean;
    return (s) => v(s);
  }
  if (typeof f === 'object' && f.validate instanceof RegExp) {
    const r = f.validate;
    return (s) => r.test(s);
  }
  throw new TypeError('unexpected ajv-formats format definition');
}

function describe(e: ErrorObject): string {
  const where = e.instancePath === '' ? 'the DCC' : e.instancePath;
  return `${where} ${e.message ?? 'is invalid'}`;
}

/** Validates a DCC (as JSON) against the EU DCC schema; returns readable violations, empty when valid. */
export const validateDccSchema: DccSchemaValidator = (dcc: unknown): string[] => {
  compiled ??= compile();
  if (compiled(dcc)) return [];
  const messages = [...new Set((compiled.errors ?? []).map(describe))];
  if (messages.length > MAX_MESSAGES) {
    const more = messages.length - MAX_MESSAGES;
    messages.length = MAX_MESSAGES;
    messages.push(`… and ${more} more schema violations`);
  }
  return messages.map((m) => `DCC schema ${DCC_SCHEMA_VERSION}: ${m}`);
};

/** Returns the DCC schema validator (compiled on first use, then shared). */
export function dccSchemaValidator(): DccSchemaValidator {
  return validateDccSchema;
}
