/**
 * A record as read from a request, before validation: the fields in our vocabulary, the person as
 * the source identified them, and any problem found while reading the request's structure. Both
 * formats (our JSON and FHIR R4) produce these; ../records/validate.ts decides what is valid.
 */
import type { FieldName, FieldProblem, RecordFields } from '../records/validate';

export interface Candidate {
  /** Position in the request: records[i] in our JSON, Bundle.entry[i] in FHIR. */
  index: number;
  /** Null when the structure gave no person (already reported among `problems`). */
  person: { idNumber: unknown; name: unknown } | null;
  /** How to name the person fields in a problem. */
  personFields: { idNumber: string; name: string };
  fields: RecordFields;
  /** How to name record fields in a problem (FHIR paths for FHIR input). */
  fieldNames?: Partial<Record<FieldName, string>>;
  /** Structural problems found while reading (wrong types, unsupported resources). */
  problems: FieldProblem[];
  /** Nothing to validate (not a record at all): the structural problems say everything. */
  unreadable?: boolean;
  /**
   * Set when the entry withdraws the record `fields.sourceRecordId` instead of sending one (our
   * JSON `"operation": "withdraw"`, FHIR status `entered-in-error`): the source's reason, and how
   * to name it in a problem.
   */
  withdraw?: { reason: unknown; reasonField: string };
}

export interface ParsedBatch {
  format: 'ithc-json' | 'fhir-r4';
  candidates: Candidate[];
}

/** The request as a whole cannot be read: answered with VALIDATION_FAILED and nothing written. */
export class BatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BatchError';
  }
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
