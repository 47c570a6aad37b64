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
 *
 * A record reaches a person only when its ID number and name both match the citizen registry
 * (registryPersons). A correction (same record id, other content) or a withdrawal revokes, in the
 * same transaction, every certificate that carried the earlier version (server/records/links.ts).
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock';
import { matchCitizen, type CitizenRegistry } from '../identity/citizens';
import type { PersonIds } from '../identity/person-id';
import { ServiceError } from '../errors';
import type { CertificateDoc } from '../issuance/service';
import { readRecordLink, writeRecordLink } from '../records/links';
import { recordDocId, isSourceDoc, SOURCE_ID_PATTERN, SOURCE_RECORD_ID_PATTERN, type SourceDoc } from '../records/record-id';
import type { HealthRecord } from '../records/types';
import { sameRecordContent } from '../records/version';
import { isCleanText, validateRecord, TEXT_MAX, type FieldProblem, type RecordBody, type RejectionCode } from '../records/validate';
import { RECORD_CHANGE_REASONS, revokeInTransaction } from '../revocation/service';
import { StoreConflict, type Doc, type Store, type TxOps } from '../store/store';
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
  /** Withdrawn by this request (a withdrawal of a record already withdrawn counts as unchanged). */
  withdrawn: number;
  /** One entry per problem; a record with any problem is not stored. */
  rejected: Rejection[];
}

/** The person a record belongs to, or why the ID number and name name nobody. */
export type PersonResolution = { personId: string } | { problem: 'PERSON_UNKNOWN' | 'NAME_MISMATCH' };

/** Finds the person a record belongs to from the canonical ID number and the name as sent. */
export type ResolvePerson = (idNumber: string, name: string) => Promise<PersonResolution>;

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

/**
 * Sources identify people by resident ID number and name, both checked against the citizen
 * registry that identity verification reads (server/identity/citizens.ts): an ID number the
 * registry does not hold (or holds as inactive) is PERSON_UNKNOWN, a name other than the
 * registered one NAME_MISMATCH. The person id is the keyed hash identity uses
 * (server/identity/person-id.ts), so the record reaches exactly the verified person's certificate.
 */
export function registryPersons(registry: CitizenRegistry, personIds: PersonIds): ResolvePerson {
  return async (idNumber, name) => {
    const m = await matchCitizen(registry, idNumber, name);
    if (!m.ok) return { problem: m.reason === 'NAME_MISMATCH' ? 'NAME_MISMATCH' : 'PERSON_UNKNOWN' };
    return { personId: personIds.personId(m.citizen.idNumber) };
  };
}

/** A valid withdrawal: which record, whose, and why. */
interface Withdrawal {
  index: number;
  _id: string;
  personId: string;
  /** How to name the record id in a rejection. */
  field: string;
  reason: string;
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
    if (typeof req.method !== 'string' || req.method.toUpperCase() !== 'POST')
      throw new ServiceError('METHOD_NOT_ALLOWED', {
        messageCode: 'server.methodNotAllowed',
        params: { method: 'POST' },
      });
    if (!(req.body instanceof Uint8Array)) throw new TypeError('body must be a Uint8Array');
    if (req.body.length > this.opts.maxBodyBytes)
      throw new ServiceError('PAYLOAD_TOO_LARGE', {
        messageCode: 'server.payloadTooLarge',
        params: { n: this.opts.maxBodyBytes },
      });
    if (typeof req.path !== 'string' || req.path.length === 0 || req.path.length > MAX_PATH || !/^\/[\x21-\x7e]*$/.test(req.path))
      throw new ServiceError('BAD_REQUEST', { messageCode: 'server.pathInvalid' });

    // Authentication: who claims to send, with which key, and is the MAC right.
    const sourceId = header(req, HEADERS.source);
    const timestamp = header(req, HEADERS.timestamp);
    const nonce = header(req, HEADERS.nonce);
    const signature = header(req, HEADERS.signature);
    if (sourceId === undefined || timestamp === undefined || nonce === undefined || signature === undefined) {
      throw new ServiceError('UNAUTHENTICATED', {
        messageCode: 'server.signedHeadersRequired',
        params: { headers: Object.values(HEADERS).join(', ') },
      });
    }
    if (!SOURCE_ID_PATTERN.test(sourceId)) throw new ServiceError('UNAUTHENTICATED', { messageCode: 'server.sourceUnknown' });
    if (!TIMESTAMP_PATTERN.test(timestamp)) throw new ServiceError('UNAUTHENTICATED', { messageCode: 'server.timestampInvalid' });
    if (!NONCE_PATTERN.test(nonce))
      throw new ServiceError('UNAUTHENTICATED', {
        messageCode: 'server.nonceInvalid',
      });
    const sourceDoc = await store.get('sources', sourceId);
    if (!sourceDoc || !isSourceDoc(sourceDoc) || !sourceDoc.active) throw new ServiceError('UNAUTHENTICATED', { messageCode: 'server.sourceUnknown' });
    const source: SourceDoc = sourceDoc;
    const key = await this.deps.keyring.keyFor(sourceId);
    if (!key) throw new ServiceError('UNAUTHENTICATED', { messageCode: 'server.sourceKeyMissing' });
    if (!signatureMatches(key, { method: req.method, path: req.path, sourceId, timestamp, nonce, body: req.body }, signature)) {
      throw new ServiceError('SIGNATURE_INVALID', { messageCode: 'server.signatureInvalid' });
    }
    // Checked after the MAC, so only the key holder learns how far off their clock is.
    const now = clock.now();
    const ts = Number(timestamp);
    if (Math.abs(now / 1000 - ts) > this.opts.windowSeconds) {
      throw new ServiceError('UNAUTHENTICATED', {
        messageCode: 'server.clockSkew',
        params: { seconds: this.opts.windowSeconds },
      });
    }
    // A cheap early answer to a plain replay; the insert in the transaction below is the real check.
    const nonceId = `${sourceId}:${nonce}`;
    if (await store.get('ingestNonces', nonceId)) throw new ServiceError('REPLAYED', { messageCode: 'server.replayed' });

    // The body: bounded, strict, one of our two formats.
    checkContentType(header(req, 'content-type'));
    let parsed: ParsedBatch;
    try {
      const doc = parseBoundedJson(req.body, this.opts.json);
      if (!isObject(doc)) throw new BatchError('body must be a JSON object');
      parsed = doc.resourceType !== undefined ? readFhirBundle(doc, this.opts.maxRecords) : readIthcJson(doc, this.opts.maxRecords);
    } catch (e) {
      if (e instanceof JsonLimitError || e instanceof BatchError)
        throw new ServiceError('VALIDATION_FAILED', { messageCode: 'server.batchInvalid', params: { detail: e.message } });
      throw e;
    }

    // Records, one by one: validate, check the source may send the kind, find the person.
    const rejected: Rejection[] = [];
    const reject = (index: number, p: FieldProblem) => {
      if (rejected.length < MAX_REJECTIONS) rejected.push({ index, field: p.field, code: p.code, message: p.message });
    };
    const valid: HealthRecord[] = [];
    const withdrawals: Withdrawal[] = [];
    const seen = new Set<string>();
    const people = new Map<string, Promise<PersonResolution>>();
    for (const c of parsed.candidates) {
      const checked = await this.check(c, source, now, seen, people);
      if (checked.problems.length > 0) {
        for (const p of checked.problems.slice(0, MAX_PROBLEMS_PER_RECORD)) reject(c.index, p);
        continue;
      }
      const { body, personId, withdraw } = checked;
      if (withdraw) {
        withdrawals.push({
          index: c.index,
          _id: recordDocId(sourceId, withdraw.sourceRecordId),
          personId: personId!,
          field: c.fieldNames?.sourceRecordId ?? 'sourceRecordId',
          reason: withdraw.reason,
        });
      } else valid.push({ ...body!, _id: recordDocId(sourceId, body!.sourceRecordId), personId: personId!, sourceId, receivedAt: now });
    }

    // Expired nonces are found here (transactions cannot query) and deleted inside the
    // transaction, so a refused request leaves even them in place.
    const expired = await store.find('ingestNonces', { expiresAt: { $lt: now } }, { limit: this.opts.pruneBatch });

    // One transaction: the nonce, the records and the revocations their changes cause stand or fall together.
    const actor = `source:${sourceId}`;
    const counts = await store.transaction(async (tx) => {
      for (const d of expired) await tx.delete('ingestNonces', d._id);
      try {
        await tx.insert('ingestNonces', { _id: nonceId, sourceId, expiresAt: (ts + this.opts.windowSeconds) * 1000 + 1000 });
      } catch (e) {
        if (e instanceof StoreConflict) throw new ServiceError('REPLAYED', { messageCode: 'server.replayed' });
        throw e;
      }
      let accepted = 0;
      let unchanged = 0;
      let updated = 0;
      let withdrawn = 0;
      // Found only here (the stored records are read in the transaction); fresh on each attempt.
      const notFound: Rejection[] = [];
      for (const record of valid) {
        const prev = await tx.get('records', record._id);
        if (!prev) {
          await tx.insert('records', record as unknown as Doc);
          accepted++;
        } else if (prev.withdrawnAt === undefined && sameRecordContent(prev, record)) {
          unchanged++;
        } else {
          // A correction (or a withdrawn record sent again): new content, the first receipt time
          // kept, the change time recorded, and every certificate carrying the old version revoked.
          await revokeCarriers(tx, record._id, 'RECORD_CORRECTED', actor, now);
          await tx.put('records', { ...(record as unknown as Doc), receivedAt: prev.receivedAt, updatedAt: now });
          updated++;
        }
      }
      for (const w of withdrawals) {
        const prev = await tx.get('records', w._id);
        // Someone else's record (or none at all) under this id: the same answer, and nothing changes.
        if (!prev || prev.personId !== w.personId) {
          notFound.push({ index: w.index, field: w.field, code: 'NOT_FOUND', message: 'this source sent no record with this sourceRecordId for this person' });
        } else if (prev.withdrawnAt !== undefined) {
          unchanged++;
        } else {
          await revokeCarriers(tx, w._id, 'RECORD_WITHDRAWN', actor, now);
          // Kept, marked: what was withdrawn, when and why stays on file; record sources skip it.
          await tx.put('records', { ...prev, withdrawnAt: now, withdrawnReason: w.reason, updatedAt: now });
          await tx.insert('audit', {
            _id: randomUUID(),
            at: now,
            action: 'record.withdraw',
            actor,
            outcome: 'success',
            personId: w.personId,
            recordId: w._id,
            reason: w.reason,
          });
          withdrawn++;
        }
      }
      return { accepted, unchanged, updated, withdrawn, notFound };
    });
    const { notFound, ...summary } = counts;
    for (const r of notFound) if (rejected.length < MAX_REJECTIONS) rejected.push(r);
    rejected.sort((a, b) => a.index - b.index);
    return { ...summary, rejected };
  }

  private async check(
    c: Candidate,
    source: SourceDoc,
    now: number,
    seen: Set<string>,
    people: Map<string, Promise<PersonResolution>>,
  ): Promise<{ problems: FieldProblem[]; body?: RecordBody; personId?: string; withdraw?: { sourceRecordId: string; reason: string } }> {
    const problems = [...c.problems];
    if (c.unreadable) return { problems };
    if (c.withdraw) return this.checkWithdrawal(c, c.withdraw, problems, seen, people);
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
        problems.push({
          field: c.fieldNames?.sourceRecordId ?? 'sourceRecordId',
          code: 'DUPLICATE',
          message: 'the same sourceRecordId appears earlier in this request',
        });
      }
      seen.add(body.sourceRecordId);
    }

    const personId = await this.person(c, problems, people);
    return personId === undefined ? { problems } : { problems, body, personId };
  }

  /** A withdrawal names the record (by the source's id), its person and a reason. */
  private async checkWithdrawal(
    c: Candidate,
    w: NonNullable<Candidate['withdraw']>,
    problems: FieldProblem[],
    seen: Set<string>,
    people: Map<string, Promise<PersonResolution>>,
  ): Promise<{ problems: FieldProblem[]; personId?: string; withdraw?: { sourceRecordId: string; reason: string } }> {
    const idField = c.fieldNames?.sourceRecordId ?? 'sourceRecordId';
    const sourceRecordId = c.fields.sourceRecordId;
    let id: string | undefined;
    if (sourceRecordId === undefined || sourceRecordId === null || sourceRecordId === '')
      problems.push({ field: idField, code: 'REQUIRED', message: `${idField} is required` });
    else if (typeof sourceRecordId !== 'string' || !SOURCE_RECORD_ID_PATTERN.test(sourceRecordId))
      problems.push({ field: idField, code: 'INVALID', message: `${idField} must be 1 to 128 visible ASCII characters` });
    else {
      id = sourceRecordId;
      if (seen.has(id)) problems.push({ field: idField, code: 'DUPLICATE', message: 'the same sourceRecordId appears earlier in this request' });
      seen.add(id);
    }
    let reason: string | undefined;
    const r = w.reason;
    if (r === undefined || r === null || (typeof r === 'string' && r.trim() === ''))
      problems.push({ field: w.reasonField, code: 'REQUIRED', message: 'a withdrawal needs a reason' });
    else if (typeof r !== 'string' || !isCleanText(r))
      problems.push({ field: w.reasonField, code: 'INVALID', message: 'the reason must be text without control characters' });
    else if ([...r.trim()].length > TEXT_MAX)
      problems.push({ field: w.reasonField, code: 'TOO_LONG', message: `the reason is longer than ${TEXT_MAX} characters` });
    else reason = r.trim();
    const personId = await this.person(c, problems, people);
    if (personId === undefined || id === undefined || reason === undefined) return { problems };
    return { problems, personId, withdraw: { sourceRecordId: id, reason } };
  }

  /**
   * The person id of the candidate's person, once every other check passed (undefined otherwise,
   * with the reason among `problems`). Each distinct (ID number, name) is resolved once per request.
   */
  private async person(c: Candidate, problems: FieldProblem[], people: Map<string, Promise<PersonResolution>>): Promise<string | undefined> {
    if (!c.person) return undefined;
    const { idNumber, name } = c.person;
    let id: string | undefined;
    let nm: string | undefined;
    if (idNumber === undefined || idNumber === null)
      problems.push({ field: c.personFields.idNumber, code: 'REQUIRED', message: 'the resident ID number is required' });
    else if (typeof idNumber !== 'string' || !ID_NUMBER.test(idNumber))
      problems.push({ field: c.personFields.idNumber, code: 'INVALID', message: 'the resident ID number must be 17 digits and a digit or X' });
    else id = idNumber.toUpperCase();
    if (name === undefined || name === null) problems.push({ field: c.personFields.name, code: 'REQUIRED', message: 'the name is required' });
    else if (typeof name !== 'string' || name.trim().length === 0 || !isCleanText(name))
      problems.push({ field: c.personFields.name, code: 'INVALID', message: 'the name must be non-empty text' });
    else if ([...name.trim()].length > NAME_MAX)
      problems.push({ field: c.personFields.name, code: 'TOO_LONG', message: `the name is longer than ${NAME_MAX} characters` });
    else nm = name.trim();
    if (problems.length > 0 || id === undefined || nm === undefined) return undefined;

    const key = `${id}\u0000${nm}`;
    let p = people.get(key);
    if (!p) {
      p = this.deps.resolvePerson(id, nm);
      people.set(key, p);
    }
    const found = await p;
    if ('personId' in found) return found.personId;
    // Sources are authenticated institutions that hold the person's ID card data: which of the two
    // fields to correct is what they need to know, and neither answer reveals the registered name.
    if (found.problem === 'NAME_MISMATCH')
      problems.push({ field: c.personFields.name, code: 'NAME_MISMATCH', message: 'the name is not the one registered for this ID number' });
    else problems.push({ field: c.personFields.idNumber, code: 'PERSON_UNKNOWN', message: 'no registered person has this ID number' });
    return undefined;
  }
}

/**
 * Revokes, inside the transaction that changes the record, every certificate that carries it, and
 * empties its list (server/records/links.ts). The link document is written even when no
 * certificate carries the record, so that a concurrent issuance conflicts with this transaction.
 */
async function revokeCarriers(tx: TxOps, recordId: string, reasonCode: 'RECORD_CORRECTED' | 'RECORD_WITHDRAWN', actor: string, now: number): Promise<void> {
  const link = await readRecordLink(tx, recordId);
  for (const certId of link.certificates) {
    const doc = (await tx.get('certificates', certId)) as CertificateDoc | null;
    if (doc && doc.status !== 'revoked')
      await revokeInTransaction(tx, doc, { reason: RECORD_CHANGE_REASONS[reasonCode], reasonCode, actor, now, extra: { recordId } });
  }
  await writeRecordLink(tx, { ...link, certificates: [] });
}

function header(req: IngestRequest, name: string): string | undefined {
  let found: string | undefined;
  for (const [k, v] of Object.entries(req.headers)) {
    if (k.toLowerCase() !== name || v === undefined) continue;
    // A repeated security header is ambiguous: which one did the sender sign?
    if (Array.isArray(v) || found !== undefined) throw new ServiceError('BAD_REQUEST', { messageCode: 'server.headerRepeated', params: { header: name } });
    found = v;
  }
  return found?.trim();
}

function checkContentType(ct: string | undefined): void {
  if (ct === undefined)
    throw new ServiceError('UNSUPPORTED_MEDIA_TYPE', {
      messageCode: 'server.contentTypeUnsupported',
    });
  const [type, ...params] = ct.split(';').map((s) => s.trim().toLowerCase());
  if (type !== 'application/json' && type !== 'application/fhir+json')
    throw new ServiceError('UNSUPPORTED_MEDIA_TYPE', {
      messageCode: 'server.contentTypeUnsupported',
    });
  for (const p of params) {
    const [k, v] = p.split('=').map((s) => s.trim());
    if (k === 'charset' && v.replace(/"/g, '') !== 'utf-8')
      throw new ServiceError('UNSUPPORTED_MEDIA_TYPE', {
        messageCode: 'server.charsetUnsupported',
      });
  }
}
