/**
 * Health records as the record sources deliver them and the store keeps them. Codes follow the DCC
 * value sets (../../core/valuesets.ts) wherever one exists; antibody results use our own codes
 * (docs/ithc-certificate.md). Dates are ISO strings: a sample time is an instant (with zone), a
 * vaccination date is a date.
 */
import type { RecordKind } from '../../core/record-kinds';

/** The kinds of record (the registry: core/record-kinds.ts and ./kinds.ts). */
export type { RecordKind };

interface RecordBase {
  /** Store id: derived from sourceId + sourceRecordId so that ingestion is idempotent. */
  _id: string;
  kind: RecordKind;
  /** The person (resident ID number hash, see identity service) the record belongs to. */
  personId: string;
  sourceId: string;
  sourceRecordId: string;
  /** ISO 3166-1 alpha-2 country where the record was made. */
  country: string;
  /** The issuing organisation, as printed. */
  issuer: string;
  receivedAt: number;
  /** Set when a source corrected the record (same sourceRecordId, different content). */
  updatedAt?: number;
}

export interface NaatRecord extends RecordBase {
  kind: 'naat';
  /** Sample collection time, ISO 8601 with zone. */
  sampledAt: string;
  /** DCC test-result code: 260415000 not detected, 260373001 detected. */
  result: '260415000' | '260373001';
  /** DCC test-type code: LP6464-4 (NAAT). */
  testType: 'LP6464-4';
  testName?: string;
  /** When the laboratory reported the result, ISO 8601 with zone, when the source says. */
  reportedAt?: string;
  centre: string;
}

export interface IggRecord extends RecordBase {
  kind: 'igg';
  sampledAt: string;
  /** Qualitative result (the laboratory's interpretation): ITHC antibody result codes. */
  result: 'positive' | 'negative' | 'indeterminate';
  /** Optional quantitative value and its unit (the ITHC unit table: 'BAU/mL', 'AU/mL', 'U/mL', 'S/CO'). */
  value?: number;
  /** A censored value: below ('<') or above ('>') the assay's range; `value` is the limit. */
  comparator?: '<' | '>';
  /** The assay's positivity threshold, in `unit`. */
  cutoff?: number;
  unit?: string;
  /** Method, e.g. 'CLIA', 'ELISA', 'LFIA'. */
  method?: string;
  /** The assay by its code in the ITHC assay table (core/valuesets.ts IGG_ASSAYS), or by name and manufacturer. */
  assayCode?: number;
  assay?: string;
  manufacturer?: string;
  /** The antigen the assay's antibodies bind: 'spike', 'rbd', 'nucleocapsid' or 'spike+nucleocapsid'. */
  target?: string;
  centre: string;
}

export interface VaccinationRecord extends RecordBase {
  kind: 'vaccination';
  /** Date of vaccination, YYYY-MM-DD. */
  date: string;
  /** DCC value sets: disease 840539006, prophylaxis (vp), product (mp), manufacturer (ma). */
  disease: string;
  vaccine: string;
  product: string;
  manufacturer: string;
  dose: number;
  doses: number;
}

export type HealthRecord = NaatRecord | IggRecord | VaccinationRecord;
