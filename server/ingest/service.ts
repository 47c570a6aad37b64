/**
 * The ingestion endpoint's logic, as a pure function of a request: labs and vaccination sites send
 * signed batches of records (our JSON or FHIR R4); valid records are stored, idempotently by the
 * source's record id; each invalid record is answered with its index, field, code and message.
 *
 * Order of checks (docs/ingestion.md): method, size, headers, source, key, signature, time window,
 * content type, UTF-8 and JSON bounds, format; then records one by one; then one transaction that
 * consumes the nonce and writes the records, so a replay is refused and nothing is half-written.
 *
 * Whole-request failures throw ServiceError and write nothing. A batch with some invalid records
 * stores the valid ones (partial acceptance): labs send daily batches of thousands of unrelated
 * people, and one typo must not hold back everyone else's result. The summary lists what was not
 * stored, and re-sending the corrected records is safe because ingestion is idempotent.
 */
import type { Clock } from '../clock';
import type { PersonIds } from '../identity/person-id';
import { checkResidentId, chinaDate } from '../identity/resident-id';
import { ServiceError } from '../errors';
import { recordDocId, isSourceDoc, SOURCE_ID_PATTERN, type SourceDoc } from '../records/record-id';
import type { HealthRecord } from '../records/types';
import { isCleanText, validateRecord, type FieldProblem, type RecordBody, type RejectionCode } from '../records/validate';
import { StoreConflict, type Doc, type Store } from '../store/store';
import { BatchError, isObject, type Candidate, type ParsedBatch } from './candidates';
import { readFhirBundle } from './fhir';
import { readIthcJson } from './ithc-json';
import { DEFAULT_JSON_LIMITS, JsonLimitError, parseBoundedJson, type JsonLimits } from './json';
import { HEADERS, NONCE_PATTERN, TIMESTAMP_PATTERN, signatureMatches, type SourceKeyring } from './signature';

export interface IngestRequest {
  method: string;
  /** The request target as sent (path and query), e.g. "/ingest/records". It is signed. */
  path: string;
  /** Header names in any case; Node gives arrays for repeated headers. */
  headers: Record<string, string | string[] | undefined>;
  body: Uint8Array;
}

export interface Rejection {
  index: number;
  field: string;
  code: RejectionCode;
  message: string;
}

export interface IngestSummary {
  /** Stored for the first time. */
  accepted: number;
  /** Already stored with the same content (a re-send). */
  unchanged: number;
  /** Already stored with other content, now replaced (a correction). */
  updated: number;
  /** One entry per problem; a record with any problem is not stored. */
  rejected: Rejection[];
}

/** Finds the person a record belongs to; null when the ID number and name match nobody. */
export type ResolvePerson = (idNumber: string, name: string) => Promise<string | null>;

export interface IngestOptions {
  /** Largest body accepted, in bytes. */
  maxBodyBytes: number;
  /** Most records in one request (one transaction). */
  maxRecords: number;
  /** Accepted distance between the request's timestamp and our clock, in seconds, each way. */
  windowSeconds: number;
  json: JsonLimits;
  /** Expired nonces removed per request (bounded work); they can no longer be replayed anyway. */
  pruneBatch: number;
}

export const DEFAULT_INGEST_OPTIONS: Readonly<IngestOptions> = Object.freeze({
  maxBodyBytes: 1024 * 1024,
  maxRecords: 100,
  windowSeconds: 300,
  json: DEFAULT_JSON_LIMITS,
  pruneBatch: 100,
});

const MAX_PATH = 256;
const MAX_REJECTIONS = 1000;
const MAX_PROBLEMS_PER_RECORD = 10;
const ID_NUMBER = /^[0-9]{17}[0-9Xx]$/;
const NAME_MAX = 64;

/** Labs identify people by resident ID number; the person id is the keyed hash identity uses (server/identity/person-id.ts). */
export function residentIdPersons(personIds: PersonIds, clock: Clock): (idNumber: string) => Promise<string | null> {
  return async (idNumber) => {
    const c = checkResidentId(idNumber, chinaDate(clock.now()));
    return c.ok ? personIds.personId(c.value.idNumber) : null;
  };
}

export class IngestService {
  private readonly opts: IngestOptions;

  constructor(
    private readonly deps: { store: Store; clock: Clock; keyring: SourceKeyring; resolvePerson: ResolvePerson },
    options: Partial<IngestOptions> = {},
  ) {
    this.opts = { ...DEFAULT_INGEST_OPTIONS, ...options };
    if (!(this.opts.windowSeconds > 0) || !(this.opts.maxRecords > 0) || !(this.opts.maxBodyBytes > 0)) throw new RangeError('bad ingest options');
  }

  async handle(req: IngestRequest): Promise<IngestSummary> {
    const { store, clock } = this.deps;
    if (typeof req.method !== 'string' || req.method.toUpperCase() !== 'POST') throw new ServiceError('METHOD_NOT_ALLOWED', 'records are sent with POST');
    if (!(req.body instanceof Uint8Array)) throw new TypeError('body must be a Uint8Array');
    if (req.body.length > this.opts.maxBodyBytes) throw new ServiceError('PAYLOAD_TOO_LARGE', `body larger than ${this.opts.maxBodyBytes} bytes; split the batch`);
    if (typeof req.path !== 'string' || req.path.length === 0 || req.path.length > MAX_PATH || !/^\/[\x21-\x7e]*$/.test(req.path)) throw new ServiceError('BAD_REQUEST', 'bad request path');

    // Authentication: who claims to send, with which key, and is the MAC right.
    const sourceId = header(req, HEADERS.source);
    const timestamp = header(req, HEADERS.timestamp);
    const nonce = header(req, HEADERS.nonce);
    const signature = header(req, HEADERS.signature);
    if (sourceId === undefined || timestamp === undefined || nonce === undefined || signature === undefined) {
      throw new ServiceError('UNAUTHENTICATED', `signed requests carry ${Object.values(HEADERS).join(', ')}`);
    }
    if (!SOURCE_ID_PATTERN.test(sourceId)) throw new ServiceError('UNAUTHENTICATED', 'unknown source');
    if (!TIMESTAMP_PATTERN.test(timestamp)) throw new ServiceError('UNAUTHENTICATED', 'the timestamp must be unix seconds');
    if (!NONCE_PATTERN.test(nonce)) throw new ServiceError('UNAUTHENTICATED', 'the nonce must be 16 to 64 characters of A-Z a-z 0-9 _ -');
    const sourceDoc = await store.get('sources', sourceId);
    if (!sourceDoc || !isSourceDoc(sourceDoc) || !sourceDoc.active) throw new ServiceError('UNAUTHENTICATED', 'unknown or inactive source');
    const source: SourceDoc = sourceDoc;
    const key = await this.deps.keyring.keyFor(sourceId);
    if (!key) throw new ServiceError('UNAUTHENTICATED', 'the source has no ingestion key');
    if (!signatureMatches(key, { method: req.method, path: req.path, sourceId, timestamp, nonce, body: req.body }, signature)) {
      throw new ServiceError('SIGNATURE_INVALID', 'signature does not match');
    }
    // Checked after the MAC, so only the key holder learns how far off their clock is.
    const now = clock.now();
    const ts = Number(timestamp);
    if (Math.abs(now / 1000 - ts) > this.opts.windowSeconds) {
      throw new ServiceError('UNAUTHENTICATED', `request timestamp is more than ${this.opts.windowSeconds} s from the server time; check the sender's clock`);
    }
    // A cheap early answer to a plain replay; the insert in the transaction below is the real check.
    const nonceId = `${sourceId}:${nonce}`;
    if (await store.get('ingestNonces', nonceId)) throw new ServiceError('REPLAYED', 'this request was already received (nonce reused)');

    // The body: bounded, strict, one of our two formats.
    checkContentType(header(req, 'content-type'));
    let parsed: ParsedBatch;
    try {
      const doc = parseBoundedJson(req.body, this.opts.json);
      if (!isObject(doc)) throw new BatchError('body must be a JSON object');
      parsed = doc.resourceType !== undefined ? readFhirBundle(doc, this.opts.maxRecords) : readIthcJson(doc, this.opts.maxRecords);
    } catch (e) {
      if (e instanceof JsonLimitError || e instanceof BatchError) throw new ServiceError('VALIDATION_FAILED', e.message);
      throw e;
    }

    // Records, one by one: validate, check the source may send the kind, find the person.
    const rejected: Rejection[] = [];
    const valid: HealthRecord[] = [];
    const seen = new Set<string>();
    const people = new Map<string, Promise<string | null>>();
    for (const c of parsed.candidates) {
      const problems = await this.check(c, source, now, seen, people);
      if (problems.problems.length > 0) {
        for (const p of problems.problems.slice(0, MAX_PROBLEMS_PER_RECORD)) {
          if (rejected.length < MAX_REJECTIONS) rejected.push({ index: c.index, field: p.field, code: p.code, message: p.message });
        }
        continue;
      }
      const { body, personId } = problems;
      valid.push({ ...body!, _id: recordDocId(sourceId, body!.sourceRecordId), personId: personId!, sourceId, receivedAt: now } as HealthRecord);
    }

    // Expired nonces are found here (transactions cannot query) and deleted inside the
    // transaction, so a refused request leaves even them in place.
    const expired = await store.find('ingestNonces', { expiresAt: { $lt: now } }, { limit: this.opts.pruneBatch });

    // One transaction: the nonce and the records stand or fall together.
    const counts = await store.transaction(async (tx) => {
      for (const d of expired) await tx.delete('ingestNonces', d._id);
      try {
        await tx.insert('ingestNonces', { _id: nonceId, sourceId, expiresAt: (ts + this.opts.windowSeconds) * 1000 + 1000 });
      } catch (e) {
        if (e instanceof StoreConflict) throw new ServiceError('REPLAYED', 'this request was already received (nonce reused)');
        throw e;
      }
      let accepted = 0;
      let unchanged = 0;
      let updated = 0;
      for (const record of valid) {
        const prev = await tx.get('records', record._id);
        if (!prev) {
          await tx.insert('records', record as unknown as Doc);
          accepted++;
        } else if (sameContent(prev, record)) {
          unchanged++;
        } else {
          // A correction: new content, the first receipt time kept, the change time recorded.
          await tx.put('records', { ...(record as unknown as Doc), receivedAt: prev.receivedAt as number, updatedAt: now });
          updated++;
        }
      }
      return { accepted, unchanged, updated };
    });
    return { ...counts, rejected };
  }

  private async check(
    c: Candidate,
    source: SourceDoc,
    now: number,
    seen: Set<string>,
    people: Map<string, Promise<string | null>>,
  ): Promise<{ problems: FieldProblem[]; body?: RecordBody; personId?: string }> {
    const problems = [...c.problems];
    if (c.unreadable) return { problems };
    const v = validateRecord(c.fields, { now, defaultCountry: source.country, defaultIssuer: source.name, fieldNames: c.fieldNames });
    if (!v.ok) {
      // A structural problem already names the field; the validator's echo of it adds nothing.
      const named = new Set(problems.map((p) => p.field));
      for (const p of v.problems) if (!named.has(p.field)) problems.push(p);
    }
    const body = v.ok ? v.value : undefined;
    if (body && !source.accepts.includes(body.kind)) {
      problems.push({ field: c.fieldNames?.kind ?? 'kind', code: 'NOT_PERMITTED', message: `source ${source._id} may not send ${body.kind} records` });
    }
    if (body) {
      if (seen.has(body.sourceRecordId)) {
        problems.push({ field: c.fieldNames?.sourceRecordId ?? 'sourceRecordId', code: 'DUPLICATE', message: 'the same sourceRecordId appears earlier in this request' });
      }
      seen.add(body.sourceRecordId);
    }

    if (!c.person) return { problems };
    const { idNumber, name } = c.person;
    let id: string | undefined;
    let nm: string | undefined;
    if (idNumber === undefined || idNumber === null) problems.push({ field: c.personFields.idNumber, code: 'REQUIRED', message: 'the resident ID number is required' });
    else if (typeof idNumber !== 'string' || !ID_NUMBER.test(idNumber)) problems.push({ field: c.personFields.idNumber, code: 'INVALID', message: 'the resident ID number must be 17 digits and a digit or X' });
    else id = idNumber.toUpperCase();
    if (name === undefined || name === null) problems.push({ field: c.personFields.name, code: 'REQUIRED', message: 'the name is required' });
    else if (typeof name !== 'string' || name.trim().length === 0 || !isCleanText(name)) problems.push({ field: c.personFields.name, code: 'INVALID', message: 'the name must be non-empty text' });
    else if ([...name.trim()].length > NAME_MAX) problems.push({ field: c.personFields.name, code: 'TOO_LONG', message: `the name is longer than ${NAME_MAX} characters` });
    else nm = name.trim();
    if (problems.length > 0 || id === undefined || nm === undefined) return { problems };

    // Each distinct person is resolved once per request.
    const key = `${id}\u0000${nm}`;
    let p = people.get(key);
    if (!p) {
      p = this.deps.resolvePerson(id, nm);
      people.set(key, p);
    }
    const personId = await p;
    // Same answer for "no such ID" and "name does not match": a lab learns nothing about others.
    if (!personId) return { problems: [{ field: c.personFields.idNumber, code: 'PERSON_UNKNOWN', message: 'no registered person matches this ID number and name' }] };
    return { problems, body, personId };
  }
}

function header(req: IngestRequest, name: string): string | undefined {
  let found: string | undefined;
  for (const [k, v] of Object.entries(req.headers)) {
    if (k.toLowerCase() !== name || v === undefined) continue;
    // A repeated security header is ambiguous: which one did the sender sign?
    if (Array.isArray(v) || found !== undefined) throw new ServiceError('BAD_REQUEST', `header ${name} is repeated`);
    found = v;
  }
  return found?.trim();
}

function checkContentType(ct: string | undefined): void {
  if (ct === undefined) throw new ServiceError('UNSUPPORTED_MEDIA_TYPE', 'content-type must be application/json or application/fhir+json');
  const [type, ...params] = ct.split(';').map((s) => s.trim().toLowerCase());
  if (type !== 'application/json' && type !== 'application/fhir+json') throw new ServiceError('UNSUPPORTED_MEDIA_TYPE', 'content-type must be application/json or application/fhir+json');
  for (const p of params) {
    const [k, v] = p.split('=').map((s) => s.trim());
    if (k === 'charset' && v.replace(/"/g, '') !== 'utf-8') throw new ServiceError('UNSUPPORTED_MEDIA_TYPE', 'the only charset accepted is utf-8');
  }
}

/** Content equality of a stored and a new record, ignoring store bookkeeping. */
function sameContent(prev: Doc, next: HealthRecord): boolean {
  const skip = new Set(['_id', 'receivedAt', 'updatedAt']);
  const a = Object.keys(prev).filter((k) => !skip.has(k) && prev[k] !== undefined);
  const b = Object.keys(next).filter((k) => !skip.has(k) && (next as unknown as Record<string, unknown>)[k] !== undefined);
  if (a.length !== b.length) return false;
  return b.every((k) => JSON.stringify(prev[k]) === JSON.stringify((next as unknown as Record<string, unknown>)[k]));
}
