/**
 * Our JSON format (docs/ingestion.md): `{"records": [ {...}, ... ]}`, each record our field names
 * plus `person: {idNumber, name}`; or, to withdraw a record sent earlier,
 * `{"operation": "withdraw", "sourceRecordId", "person": {idNumber, name}, "reason"}`.
 */
import { RECORD_FIELDS } from '../records/validate';
import { BatchError, isObject, type Candidate, type ParsedBatch } from './candidates';

export function readIthcJson(doc: Record<string, unknown>, maxRecords: number): ParsedBatch {
  for (const k of Object.keys(doc))
    if (k !== 'records') throw new BatchError(`unknown top-level field ${JSON.stringify(k.slice(0, 40))}; expected only "records"`);
  const records = doc.records;
  if (!Array.isArray(records)) throw new BatchError('"records" must be an array');
  if (records.length === 0) throw new BatchError('"records" is empty');
  if (records.length > maxRecords) throw new BatchError(`more than ${maxRecords} records in one request; split the batch`);
  const candidates = records.map((r, index): Candidate => {
    const c: Candidate = { index, person: null, personFields: { idNumber: 'person.idNumber', name: 'person.name' }, fields: {}, problems: [] };
    if (!isObject(r)) {
      c.problems.push({ field: '', code: 'INVALID', message: 'a record must be a JSON object' });
      c.unreadable = true;
      return c;
    }
    if (r.operation !== undefined && r.operation !== 'withdraw') {
      c.problems.push({ field: 'operation', code: 'INVALID', message: 'operation must be "withdraw" (or absent, to send a record)' });
    }
    const withdraw = r.operation === 'withdraw';
    if (withdraw) c.withdraw = { reason: r.reason, reasonField: 'reason' };
    for (const [k, v] of Object.entries(r)) {
      if (k === 'person' || k === 'operation') continue;
      if (withdraw ? k === 'sourceRecordId' : RECORD_FIELDS.has(k)) (c.fields as Record<string, unknown>)[k] = v;
      else if (withdraw && k === 'reason') continue;
      else
        c.problems.push({
          field: k.slice(0, 64),
          code: 'UNKNOWN_FIELD',
          message: withdraw
            ? `a withdrawal takes only operation, sourceRecordId, person and reason, not ${JSON.stringify(k.slice(0, 64))}`
            : `unknown field ${JSON.stringify(k.slice(0, 64))}`,
        });
    }
    if (r.person === undefined) c.problems.push({ field: 'person', code: 'REQUIRED', message: 'person is required' });
    else if (!isObject(r.person)) c.problems.push({ field: 'person', code: 'INVALID', message: 'person must be an object with idNumber and name' });
    else {
      for (const k of Object.keys(r.person)) {
        if (k !== 'idNumber' && k !== 'name')
          c.problems.push({ field: `person.${k.slice(0, 64)}`, code: 'UNKNOWN_FIELD', message: `unknown field person.${k.slice(0, 64)}` });
      }
      c.person = { idNumber: r.person.idNumber, name: r.person.name };
    }
    return c;
  });
  return { format: 'ithc-json', candidates };
}
