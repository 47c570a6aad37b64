/**
 * What a valid health record is, whatever format it arrived in (our JSON or FHIR, see
 * server/ingest): the fields every record has, checked here, then the kind's own, checked by its
 * descriptor (./kinds.ts). Input is untrusted: every field is checked for type, length and value
 * set, and every problem is reported with the field it concerns, so a lab can fix all of them in
 * one round.
 */
import { isRecordKind } from '../../core/record-kinds';
import { lookup } from '../../core/valuesets';
import { fieldChecks, type FieldName, type FieldProblem, type RecordFields, type ValidationContext } from './checks';
import { COMMON_FIELDS, RECORD_KIND_LIST, SERVER_RECORD_KINDS, serverKind, type OwnFields, type RecordKind, type RecordOfKind } from './kinds';
import { SOURCE_RECORD_ID_PATTERN } from './record-id';

export {
  CERTIFICATE_TEXT_MAX,
  EARLIEST_SAMPLE,
  EARLIEST_VACCINATION,
  FUTURE_SKEW_MS,
  TEXT_MAX,
  isCleanText,
  type FieldName,
  type FieldProblem,
  type RecordFields,
  type RejectionCode,
  type ValidationContext,
} from './checks';

type Body<K extends RecordKind> = Pick<RecordOfKind[K], 'kind' | 'sourceRecordId' | 'country' | 'issuer'> & OwnFields<RecordOfKind[K]>;
/** A validated record before it is tied to a person, a source and a store id. */
export type RecordBody = { [K in RecordKind]: Body<K> }[RecordKind];

export function validateRecord(input: RecordFields, ctx: ValidationContext): { ok: true; value: RecordBody } | { ok: false; problems: FieldProblem[] } {
  const c = fieldChecks(input, ctx);
  const { problems, name, fail } = c;

  const kind = input.kind;
  if (!isRecordKind(kind)) {
    fail('kind', kind === undefined ? 'REQUIRED' : 'INVALID', `${name('kind')} must be one of ${RECORD_KIND_LIST.join(', ')}`);
    return { ok: false, problems };
  }

  let sourceRecordId: string | undefined;
  if (input.sourceRecordId === undefined || input.sourceRecordId === null || input.sourceRecordId === '')
    fail('sourceRecordId', 'REQUIRED', `${name('sourceRecordId')} is required`);
  else if (typeof input.sourceRecordId !== 'string' || !SOURCE_RECORD_ID_PATTERN.test(input.sourceRecordId))
    fail('sourceRecordId', 'INVALID', `${name('sourceRecordId')} must be 1 to 128 visible ASCII characters`);
  else sourceRecordId = input.sourceRecordId;

  let country: string | undefined = ctx.defaultCountry;
  if (input.country !== undefined && input.country !== null) {
    if (typeof input.country !== 'string' || !lookup('country', input.country)) {
      country = fail('country', 'UNKNOWN_CODE', `${name('country')} must be an ISO 3166-1 alpha-2 code`);
    } else country = input.country;
  }
  const issuer = c.text('issuer', true, ctx.defaultIssuer);

  const allowed = ALLOWED_FIELDS[kind];
  for (const f of Object.keys(input) as FieldName[]) {
    if (!allowed.has(f) && input[f] !== undefined) fail(f, 'UNKNOWN_FIELD', `${name(f)} does not belong to a ${kind} record`);
  }

  const own = serverKind(kind).validate(c);
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, value: { kind, sourceRecordId: sourceRecordId!, country: country!, issuer: issuer!, ...own } as RecordBody };
}

const ALLOWED_FIELDS: Readonly<Record<RecordKind, ReadonlySet<FieldName>>> = Object.freeze(
  Object.fromEntries(RECORD_KIND_LIST.map((k) => [k, new Set<FieldName>([...COMMON_FIELDS, ...SERVER_RECORD_KINDS[k].fields])])) as unknown as Record<
    RecordKind,
    ReadonlySet<FieldName>
  >,
);

/** Every field some kind of record may carry. */
export const RECORD_FIELDS: ReadonlySet<string> = new Set<string>(Object.values(ALLOWED_FIELDS).flatMap((s) => [...s]));
