/**
 * Issuance: the verified person's records become one signed comprehensive certificate (ITHC1:)
 * and one HC1 code per record a DCC can express, signed with ES256 by the active DSC.
 *
 * - Idempotent: the certificate id derives from the person, document and records, so the same
 *   records give the same id; while the stored signature has enough validity left the stored codes
 *   are returned unchanged.
 * - Every issuance writes an audit entry, in the same transaction as the certificate.
 * - A revoked certificate is never re-signed: the holder corrects their records (which changes the
 *   id) and gets a fresh one, which names the one it replaces (`replaces`). A holder who deleted
 *   their account (revocation HOLDER_DELETED) and verifies again gets the next generation of the id.
 *   Blocked records and holds refuse issuance whatever the id.
 * - A certificate names the version of each record it carries (`records`), and is listed with each
 *   record (server/records/links.ts) in the transaction that stores it, after checking that every
 *   record still is that version: a source's correction or withdrawal then revokes it
 *   (server/ingest/service.ts), and a version an operator blocked is never carried again.
 * - Records are issued only as the `records` collection holds them (ingested or seeded): a record
 *   source for another platform mirrors into it, so that its corrections can revoke.
 * - Nothing is issued for a person an operator put on hold (./holds.ts).
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Clock } from '../clock';
import { ServiceError } from '../errors';
import type { KeyService } from '../keys/service';
import type { HealthRecord } from '../records/types';
import { isSourceDoc, type SourceDoc } from '../records/record-id';
import { blockOf, readRecordLink, readRecordLinks, writeRecordLink } from '../records/links';
import { recordVersion } from '../records/version';
import type { RevocationReasonCode } from '../revocation/reason';
import type { Doc, Json, Store } from '../store/store';
import { STORE_LIMITS } from '../store/validate';
import { buildCertificate, certificateId, selectForCertificate, type IssuanceSubject } from './build';
import { activeHold, heldError } from './holds';
import { inThreadSigning, type SigningEngine } from './sign';
import { DEFAULT_VALIDITY_POLICY, expiry, type ValidityPolicy } from './policy';

export interface IssuedCodes {
  ithc: string;
  dcc: Array<{ recordId: string; type: 't' | 'v'; uci: string; code: string; expiresAt: number }>;
}

/** Store id of a certificate: UVCIs hold '#' and '/', which document ids may not. */
export function certificateDocId(uvci: string): string {
  return 'c' + createHash('sha256').update(uvci).digest('hex').slice(0, 32);
}

/**
 * Which revision of our encoder signed a stored certificate. Bumped whenever the bytes we sign for
 * the same records change (2: the compact ITHC carriage of docs/ithc-certificate.md §Defaults; 3:
 * sources by code, the document's issuing state, report times, readable IgG results), so a
 * certificate signed by an older encoder is signed again instead of handed out: verifiers of this
 * release read what this release writes.
 */
export const CERTIFICATE_ENCODING = 3;
/** Bounds the walk over id generations (one per deletion of the account with these same records). */
export const MAX_ID_GENERATIONS = 100;

export interface CertificateDoc extends Doc {
  /** The UVCI (the certificate id printed and revoked). */
  uci: string;
  personId: string;
  fingerprint: string;
  /** kid (base64) of the ITHC1 code's signer, an ithc-dsc. */
  kid: string;
  /** kid (base64) of the HC1 codes' signer, a dsc. Absent on certificates signed when one key signed both formats: those are signed again. */
  dccKid?: string;
  iat: number;
  exp: number;
  codes: IssuedCodes & Record<string, Json>;
  status: 'valid' | 'revoked';
  revokedAt?: number;
  revokedReason?: string;
  /** Absent on certificates revoked before reasons were coded (read as OPERATOR). */
  revokedReasonCode?: RevocationReasonCode;
  /** The records carried (store ids) and the version of each (server/records/version.ts). */
  records?: Array<{ id: string; version: string }>;
  /** The person's previous certificate, when it had been revoked by the time this one was issued. */
  replaces?: { id: string; revokedAt: number; reason: string; reasonCode: RevocationReasonCode };
  issuedAt: number;
  issuedBy: string;
  /** The readable certificate (ithcToJson form) for display without decoding. */
  certificate: Record<string, Json>;
  /** CERTIFICATE_ENCODING at signing; absent in certificates signed before it was recorded. */
  encoding?: number;
}

export interface IssuanceDeps {
  store: Store;
  clock: Clock;
  keys: KeyService;
  country: string;
  issuerName: string;
  policy?: ValidityPolicy;
  /** Where the codes are signed; default in the calling thread (server/issuance/sign.ts). */
  signing?: SigningEngine;
}

export class IssuanceService {
  private readonly policy: ValidityPolicy;
  private readonly signing: SigningEngine;
  constructor(private readonly deps: IssuanceDeps) {
    this.policy = deps.policy ?? DEFAULT_VALIDITY_POLICY;
    this.signing = deps.signing ?? inThreadSigning;
  }

  /**
   * Issues (or returns the still-valid stored) certificate for `subject` from `records`.
   * `actor` is the userId of the caller (the holder or a relative acting for them).
   */
  async issue(subject: IssuanceSubject, records: readonly HealthRecord[], actor: string): Promise<CertificateDoc> {
    if (records.length === 0)
      throw new ServiceError('NO_RECORDS', {
        messageCode: 'server.noRecords',
      });
    const { store, clock, keys, country, issuerName } = this.deps;
    // The id derives from the holder and the records carried; the certificate's contents, and the
    // sources they name, are built only when it is signed, not for a repeat request it answers.
    const selection = selectForCertificate(records);
    const { fingerprint } = selection;
    // The id's own certificate (or revocation) comes with it: read once, not again below.
    const { id, docId, cert: existing, revocation } = await this.liveId(subject, selection.records, fingerprint);
    const nowMs = clock.now();
    const iat = Math.floor(nowMs / 1000);

    const carried = selection.records.map((r) => ({ id: r._id, version: recordVersion(r) }));

    if (await activeHold(store, subject.personId)) throw heldError();
    const links = await readRecordLinks(
      store,
      carried.map((r) => r.id),
    );
    for (const r of carried) if (blockOf(links.get(r.id)!, r.version)) throw blockedError();
    // A certificate whose holder deleted their data is gone, its revocation is not: never signed again.
    if (existing?.status === 'revoked' || (!existing && revocation)) {
      throw new ServiceError('CONFLICT', { messageCode: 'server.certificateRevokedReissue' });
    }
    // Each format has its own DSC (docs/keys.md): ITHC1 under the ITHC signer, HC1 under the DCC signer.
    const key = await keys.activeKey('ithc-dsc');
    const dccKey = await keys.activeKey('dsc');
    const kid = Buffer.from(key.kid).toString('base64');
    const dccKid = Buffer.from(dccKey.kid).toString('base64');
    if (
      existing &&
      existing.encoding === CERTIFICATE_ENCODING &&
      existing.exp - iat >= this.policy.reuseMarginSeconds &&
      existing.dccKid !== undefined &&
      (await keys.isPublished(existing.kid, nowMs)) &&
      (await keys.isPublished(existing.dccKid, nowMs))
    ) {
      return existing;
    }

    // Sign: the comprehensive certificate, then a DCC per record it can express.
    const built = buildCertificate(country, issuerName, subject, records, await sourcesOf(store, selection.records), selection, id);
    const exp = expiry(iat, this.policy.ithcSeconds, key.notAfter);
    const outcome = await this.signing.sign(
      {
        input: built.input,
        recordIdByDccRef: built.recordIdByDccRef,
        sourceNames: built.sourceNames,
        country,
        iat,
        exp: {
          ithc: exp,
          dccTest: expiry(iat, this.policy.dccTestSeconds, dccKey.notAfter),
          dccVaccination: expiry(iat, this.policy.dccVaccinationSeconds, dccKey.notAfter),
        },
        kid: { ithc: key.kid, dcc: dccKey.kid },
      },
      { ithc: key, dcc: dccKey },
    );
    if (!outcome.ok) {
      // Our own data failed our own model: a bug or bad source data; never sign it.
      throw new ServiceError('VALIDATION_FAILED', { messageCode: 'server.certificateIncomplete', params: { problems: outcome.problems.join('; ') } });
    }
    const { ithc, dcc, certificate } = outcome.signed;
    const latest = existing ? null : await this.latest(subject.personId);
    const replaces =
      latest && latest.status === 'revoked' && latest._id !== docId
        ? {
            id: latest.uci,
            revokedAt: latest.revokedAt ?? 0,
            reason: latest.revokedReason ?? '',
            reasonCode: latest.revokedReasonCode ?? ('OPERATOR' as const),
          }
        : existing?.replaces;
    const doc: CertificateDoc = {
      _id: docId,
      uci: id,
      personId: subject.personId,
      fingerprint,
      kid,
      dccKid,
      iat,
      exp,
      codes: { ithc, dcc },
      status: 'valid',
      issuedAt: nowMs,
      issuedBy: actor,
      certificate,
      encoding: CERTIFICATE_ENCODING,
      records: carried,
      ...(replaces ? { replaces } : {}),
    };
    return store.transaction(async (tx) => {
      const again = (await tx.get('certificates', docId)) as CertificateDoc | null;
      if (again?.status === 'revoked') throw new ServiceError('CONFLICT', { messageCode: 'server.certificateRevoked' });
      // A concurrent request for the same records stored its signing first (ECDSA signatures
      // differ each time): hand out what it stored, so every caller holds the code that the store
      // and its audit entry record, instead of overwriting a code already handed out.
      if (
        again &&
        (!existing || again.issuedAt !== existing.issuedAt) &&
        again.encoding === CERTIFICATE_ENCODING &&
        again.exp - iat >= this.policy.reuseMarginSeconds
      )
        return again;
      if (await activeHold(tx, subject.personId)) throw heldError();
      // Each record must still be the version signed, and is linked to the certificate in this
      // transaction: a correction stored before it is seen here, one stored after it revokes it.
      for (const r of carried) {
        const stored = await tx.get('records', r.id);
        if (!stored || stored.withdrawnAt !== undefined || recordVersion(stored) !== r.version) {
          throw new ServiceError('CONFLICT', {
            messageCode: 'server.recordsJustChanged',
          });
        }
        const link = await readRecordLink(tx, r.id);
        if (blockOf(link, r.version)) throw blockedError();
        await writeRecordLink(tx, { ...link, certificates: link.certificates.includes(docId) ? link.certificates : [...link.certificates, docId] });
      }
      await tx.put('certificates', doc);
      await tx.insert('audit', {
        _id: randomUUID(),
        at: nowMs,
        action: existing ? 'certificate.resign' : 'certificate.issue',
        actor,
        outcome: 'success',
        personId: subject.personId,
        certificateId: id,
        kid,
        dccCount: dcc.length,
      });
      return doc;
    });
  }

  /**
   * The certificate id for these inputs. The id derives from the person, document and records (so
   * the same records give the same certificate), and an id once revoked is never signed again. A
   * holder who deleted their account and verifies again with the same document and records would
   * otherwise be refused until the records change: each certificate of these inputs revoked for
   * HOLDER_DELETED moves to the next generation of the id instead. Any other revocation keeps its id
   * (issue refuses it below), as do blocked records and holds, which issue checks whatever the id.
   */
  private async liveId(
    subject: IssuanceSubject,
    records: readonly HealthRecord[],
    fingerprint: string,
  ): Promise<{ id: string; docId: string; cert: CertificateDoc | null; revocation: Doc | null }> {
    const { store, country } = this.deps;
    for (let generation = 0; generation < MAX_ID_GENERATIONS; generation++) {
      const id = certificateId(country, subject, records, fingerprint, generation);
      const docId = certificateDocId(id);
      const cert = (await store.get('certificates', docId)) as CertificateDoc | null;
      const revocation = cert ? null : await store.get('revocations', docId);
      const ended = cert ? (cert.status === 'revoked' ? (cert.revokedReasonCode ?? null) : null) : (revocation?.reasonCode ?? null);
      if (ended !== 'HOLDER_DELETED') return { id, docId, cert, revocation };
    }
    // Each generation costs a deletion of the account and a new verification with a face check.
    throw new ServiceError('CONFLICT', { messageCode: 'server.revokedTooOften' });
  }

  /** The newest certificate of a person, or null. */
  async latest(personId: string): Promise<CertificateDoc | null> {
    const [doc] = await this.deps.store.find('certificates', { personId }, { orderBy: { field: 'issuedAt', direction: 'desc' }, limit: 1 });
    return (doc as CertificateDoc | undefined) ?? null;
  }
}

/**
 * The records' sources (the `sources` collection), by id: what decides whether a place travels by
 * code. One query for all of them (a person's records come from a handful of sources), read as
 * the store holds them now: a source an operator changed or withdrew is never served from memory.
 */
async function sourcesOf(store: Store, records: readonly HealthRecord[]): Promise<Map<string, SourceDoc>> {
  const out = new Map<string, SourceDoc>();
  const ids = [...new Set(records.map((r) => r.sourceId))];
  for (let i = 0; i < ids.length; i += STORE_LIMITS.inValues) {
    const chunk = ids.slice(i, i + STORE_LIMITS.inValues);
    for (const d of await store.find('sources', { _id: { $in: chunk } }, { limit: chunk.length })) if (isSourceDoc(d)) out.set(d._id, d);
  }
  return out;
}

function blockedError(): ServiceError {
  return new ServiceError('RECORDS_BLOCKED', { messageCode: 'server.recordsBlocked' });
}
