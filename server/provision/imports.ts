/**
 * Imports from the registries of record (docs/deploy.md, "Registry exports"):
 * - the travel-document registry (`documentRegistry`): which passports and permits exist, whose
 *   they are, whether they still count — what document.bind checks a traveller's document against;
 * - the citizen registry (`citizens`): who a resident ID number belongs to — what ingestion
 *   resolves a lab's record to (server/identity/citizens.ts).
 *
 * Rows arrive in batches of at most IMPORT_BATCH_ROWS (`ithc provision import-documents FILE` reads
 * the CSV or JSON export and sends them). Every row is checked in full; a row with any problem is
 * reported (row index in the batch, field, code, message) and not written; the others are upserted
 * by their natural key, one transaction each, so a batch sent twice changes nothing the second
 * time, and a batch cut off halfway is completed by sending it again. A batch without a single
 * usable row is refused as a whole (VALIDATION_FAILED, each problem in `fields`).
 *
 * A document number never moves to another person: a row giving an existing number another holder
 * is refused (it is a registry error to look into, not an update).
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock';
import type { RegistryEntry } from '../documents/registry';
import { DOCUMENT_TYPES, DOCUMENT_TYPE_IDS, type DocumentType } from '../documents/types';
import { ServiceError } from '../errors';
import { isValidName, normaliseName } from '../identity/names';
import { checkResidentId, chinaDate, isRealDate } from '../../core/resident-id';
import type { CollectionName, Doc, Store } from '../store/store';

/** Rows in one import call: small enough for one request (64 KB) and one function run. */
export const IMPORT_BATCH_ROWS = 200;

/** The columns of a document-registry export, in this order in a CSV header. */
export const DOCUMENT_COLUMNS = ['type', 'number', 'holderIdNumber', 'surname', 'givenNames', 'birthDate', 'sex', 'issuedOn', 'expiresOn', 'status'] as const;
/** The columns of a citizen-registry export. */
export const CITIZEN_COLUMNS = ['idNumber', 'name', 'status'] as const;

export type RowProblemCode = 'REQUIRED' | 'INVALID' | 'MISMATCH' | 'UNKNOWN_FIELD' | 'DUPLICATE' | 'CONFLICT';

export interface RowProblem {
  /** Index of the row in the batch (0-based). */
  row: number;
  field: string;
  code: RowProblemCode;
  message: string;
}

export interface ImportReport {
  received: number;
  created: number;
  updated: number;
  unchanged: number;
  /** Rows not written, each with every problem found (at most 10 a row). */
  rejected: RowProblem[];
}

type Problem = Omit<RowProblem, 'row'>;
type Checked<T> = { ok: true; key: string; value: T } | { ok: false; problems: Problem[] };

const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** MRZ name: upper-case Latin letters, parts joined by '<' (a space is taken for '<'). */
const MRZ_NAME = /^[A-Z]+(<[A-Z]+)*$/;

function isDate(s: string): boolean {
  return DATE.test(s) && isRealDate(Number(s.slice(0, 4)), Number(s.slice(5, 7)), Number(s.slice(8, 10)));
}

/** Reads a row: an object whose values are strings (as a CSV gives them), no field beyond `columns`. */
function readRow(raw: unknown, columns: readonly string[]): { fields: Record<string, string>; problems: Problem[] } {
  const problems: Problem[] = [];
  const fields: Record<string, string> = {};
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    return { fields, problems: [{ field: '', code: 'INVALID', message: 'a row must be an object of column → text' }] };
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    if (!columns.includes(k)) {
      problems.push({ field: k.slice(0, 40), code: 'UNKNOWN_FIELD', message: `unknown column; the columns are ${columns.join(', ')}` });
      continue;
    }
    if (typeof v !== 'string' || v.length > 64) {
      problems.push({ field: k, code: 'INVALID', message: 'must be text of at most 64 characters' });
      continue;
    }
    fields[k] = v.trim();
  }
  for (const c of columns)
    if (!(c in fields) && !problems.some((p) => p.field === c)) problems.push({ field: c, code: 'REQUIRED', message: 'is missing or empty' });
  for (const c of columns) if (fields[c] === '') problems.push({ field: c, code: 'REQUIRED', message: 'is missing or empty' });
  return { fields, problems };
}

/** One row of a document-registry export, checked against itself and the holder's ID number. */
export function checkDocumentRow(raw: unknown, today: string): Checked<RegistryEntry> {
  const { fields: f, problems } = readRow(raw, DOCUMENT_COLUMNS);
  const has = (k: string) => typeof f[k] === 'string' && f[k] !== '';
  const type = f.type as DocumentType;
  if (has('type') && !(DOCUMENT_TYPE_IDS as readonly string[]).includes(type))
    problems.push({ field: 'type', code: 'INVALID', message: `must be one of ${DOCUMENT_TYPE_IDS.join(', ')}` });
  else if (has('type') && has('number') && !DOCUMENT_TYPES[type].numberPattern.test(f.number))
    problems.push({ field: 'number', code: 'INVALID', message: `does not fit the ${type} format: ${DOCUMENT_TYPES[type].numberHint.en}` });
  let holder: ReturnType<typeof checkResidentId> | undefined;
  if (has('holderIdNumber')) {
    holder = checkResidentId(f.holderIdNumber, today);
    if (!holder.ok) problems.push({ field: 'holderIdNumber', code: 'INVALID', message: holder.problems.map((p) => p.en).join('; ') });
  }
  const names: Record<string, string> = {};
  for (const k of ['surname', 'givenNames'] as const) {
    if (!has(k)) continue;
    const mrz = f[k].toUpperCase().replace(/ +/g, '<');
    if (!MRZ_NAME.test(mrz))
      problems.push({ field: k, code: 'INVALID', message: 'must be the name as the MRZ prints it: Latin letters (pinyin), parts separated by a space or <' });
    else names[k] = mrz;
  }
  if (names.surname && names.givenNames && names.surname.length + 2 + names.givenNames.length > 39)
    problems.push({ field: 'givenNames', code: 'INVALID', message: 'surname and given names together are longer than the MRZ name field (39 characters)' });
  for (const k of ['birthDate', 'issuedOn', 'expiresOn'] as const)
    if (has(k) && !isDate(f[k])) problems.push({ field: k, code: 'INVALID', message: 'must be a real date, YYYY-MM-DD' });
  if (has('sex') && f.sex !== 'male' && f.sex !== 'female') problems.push({ field: 'sex', code: 'INVALID', message: 'must be male or female' });
  if (has('status') && f.status !== 'valid' && f.status !== 'cancelled')
    problems.push({ field: 'status', code: 'INVALID', message: 'must be valid or cancelled' });
  if (holder?.ok) {
    // The ID number carries the birth date and the sex: a row that disagrees with it is wrong somewhere.
    if (has('birthDate') && isDate(f.birthDate) && f.birthDate !== holder.value.birthDate)
      problems.push({ field: 'birthDate', code: 'MISMATCH', message: 'differs from the birth date in holderIdNumber' });
    if ((f.sex === 'male' || f.sex === 'female') && f.sex !== holder.value.sex)
      problems.push({ field: 'sex', code: 'MISMATCH', message: 'differs from the sex in holderIdNumber' });
  }
  if (has('issuedOn') && has('expiresOn') && isDate(f.issuedOn) && isDate(f.expiresOn) && f.expiresOn <= f.issuedOn)
    problems.push({ field: 'expiresOn', code: 'INVALID', message: 'must be after issuedOn' });
  if (has('issuedOn') && isDate(f.issuedOn) && f.issuedOn > today) problems.push({ field: 'issuedOn', code: 'INVALID', message: 'lies in the future' });
  if (problems.length) return { ok: false, problems };
  const entry: RegistryEntry = {
    type,
    number: f.number,
    holderIdNumber: holder!.ok ? holder!.value.idNumber : f.holderIdNumber,
    surname: names.surname,
    givenNames: names.givenNames,
    birthDate: f.birthDate,
    sex: f.sex as 'male' | 'female',
    issuedOn: f.issuedOn,
    expiresOn: f.expiresOn,
    status: f.status as 'valid' | 'cancelled',
  };
  return { ok: true, key: entry.number, value: entry };
}

export interface CitizenRow {
  idNumber: string;
  name: string;
  status: 'active' | 'inactive';
}

/** One row of a citizen-registry export. */
export function checkCitizenRow(raw: unknown, today: string): Checked<CitizenRow> {
  const { fields: f, problems } = readRow(raw, CITIZEN_COLUMNS);
  let idNumber = '';
  if (f.idNumber) {
    const id = checkResidentId(f.idNumber, today);
    if (!id.ok) problems.push({ field: 'idNumber', code: 'INVALID', message: id.problems.map((p) => p.en).join('; ') });
    else idNumber = id.value.idNumber;
  }
  const name = f.name ? normaliseName(f.name) : '';
  if (f.name && !isValidName(name))
    problems.push({
      field: 'name',
      code: 'INVALID',
      message: 'must be the name as registered: Chinese characters, parts of minority names joined by a middle dot (·), at most 30',
    });
  if (f.status && f.status !== 'active' && f.status !== 'inactive') problems.push({ field: 'status', code: 'INVALID', message: 'must be active or inactive' });
  if (problems.length) return { ok: false, problems };
  return { ok: true, key: idNumber, value: { idNumber, name, status: f.status as 'active' | 'inactive' } };
}

function batch(rows: unknown): unknown[] {
  if (!Array.isArray(rows) || rows.length === 0 || rows.length > IMPORT_BATCH_ROWS) {
    throw new ServiceError('VALIDATION_FAILED', {
      fields: { rows: `1–${IMPORT_BATCH_ROWS} rows` },
      messageCode: 'server.importRows',
      params: { n: IMPORT_BATCH_ROWS },
    });
  }
  return rows;
}

const same = (a: Doc, b: Record<string, unknown>, fields: readonly string[]) => fields.every((k) => a[k] === b[k]);

async function upsert<T extends object>(
  deps: { store: Store; clock: Clock },
  actor: string,
  rows: unknown,
  spec: {
    collection: CollectionName;
    action: string;
    check: (raw: unknown, today: string) => Checked<T>;
    compare: readonly string[];
    keyField: string;
    refuse?: (stored: Doc, row: T) => Problem | undefined;
  },
): Promise<ImportReport> {
  const list = batch(rows);
  const now = deps.clock.now();
  const today = chinaDate(now);
  const report: ImportReport = { received: list.length, created: 0, updated: 0, unchanged: 0, rejected: [] };
  const seen = new Set<string>();
  const valid: Array<{ row: number; key: string; value: T }> = [];
  list.forEach((raw, row) => {
    const c = spec.check(raw, today);
    if (!c.ok) {
      for (const p of c.problems.slice(0, 10)) report.rejected.push({ row, ...p });
      return;
    }
    if (seen.has(c.key)) {
      report.rejected.push({ row, field: spec.keyField, code: 'DUPLICATE', message: 'appears twice in this batch' });
      return;
    }
    seen.add(c.key);
    valid.push({ row, key: c.key, value: c.value });
  });
  // A batch with no usable row is refused as a whole, and nothing (not even its audit entry) is written.
  if (valid.length === 0) {
    const shown = report.rejected.slice(0, 20);
    throw new ServiceError('VALIDATION_FAILED', {
      fields: Object.fromEntries(shown.map((p) => [`rows[${p.row}]${p.field ? `.${p.field}` : ''}`, `${p.code}: ${p.message}`])),
      messageCode: 'server.importNothing',
    });
  }
  for (const { row, key, value } of valid) {
    const outcome = await deps.store.transaction(async (tx) => {
      const stored = await tx.get(spec.collection, key);
      if (stored) {
        const refused = spec.refuse?.(stored, value);
        if (refused) return refused;
        if (same(stored, value as Record<string, unknown>, spec.compare)) return 'unchanged' as const;
        await tx.put(spec.collection, { _id: key, ...(value as Record<string, string>), importedAt: now });
        return 'updated' as const;
      }
      await tx.insert(spec.collection, { _id: key, ...(value as Record<string, string>), importedAt: now });
      return 'created' as const;
    });
    if (typeof outcome === 'object') report.rejected.push({ row, ...outcome });
    else report[outcome]++;
  }
  report.rejected.sort((a, b) => a.row - b.row);
  await deps.store.insert('audit', {
    _id: randomUUID(),
    at: now,
    action: spec.action,
    actor,
    outcome: 'success',
    received: report.received,
    created: report.created,
    updated: report.updated,
    unchanged: report.unchanged,
    rejected: new Set(report.rejected.map((r) => r.row)).size,
  });
  return report;
}

/** Upserts a batch of document-registry rows (`documentRegistry`, _id = the document number). */
export function importDocuments(deps: { store: Store; clock: Clock }, actor: string, rows: unknown): Promise<ImportReport> {
  return upsert(deps, actor, rows, {
    collection: 'documentRegistry',
    action: 'registry.importDocuments',
    check: checkDocumentRow,
    compare: DOCUMENT_COLUMNS,
    keyField: 'number',
    refuse: (stored, row) =>
      stored.holderIdNumber !== row.holderIdNumber
        ? {
            field: 'holderIdNumber',
            code: 'CONFLICT',
            message: 'this document number is registered to another holder; a number never changes holder: check the export',
          }
        : undefined,
  });
}

/** Upserts a batch of citizen-registry rows (`citizens`, _id = the resident ID number). */
export function importCitizens(deps: { store: Store; clock: Clock }, actor: string, rows: unknown): Promise<ImportReport> {
  return upsert(deps, actor, rows, {
    collection: 'citizens',
    action: 'registry.importCitizens',
    check: checkCitizenRow,
    compare: CITIZEN_COLUMNS,
    keyField: 'idNumber',
  });
}
