/**
 * Revocation: the operator revokes an issued certificate; verifiers learn
 * it from the revocation list we publish in the EU DCC scheme (core/revocation.ts): per kid, the
 * first 16 bytes of SHA-256 over the UCI, over country + UCI, and over the signature (ECDSA: r).
 *
 * A certificate is the comprehensive ITHC code and the HC1 code of each of its records; each has
 * its own UCI and signature, and all are revoked together. The hashes are computed once, when the
 * certificate is revoked, from the codes as issued (what verifiers hold), and stored with the
 * revocation, so publishing the list reads and never re-decodes.
 *
 * Revoking marks the certificate `revoked` (the holder sees when and why), inserts the revocation
 * and an audit entry, in one transaction. A revoked certificate is never re-signed (issuance
 * refuses its id); once the holder's records are corrected, the new records give a new id and a
 * fresh certificate issues.
 *
 * Why a certificate ended (`reasonCode`):
 * - OPERATOR: an operator revoked it (admin.revoke); the certificate id is dead, its records are not.
 * - RECORDS_INVALID: an operator revoked it because its records are wrong (admin.revoke with
 *   blockRecords): the versions of the records it carried are blocked (server/records/links.ts),
 *   so no certificate through any travel document carries them again, and every other certificate
 *   that carries them is revoked in the same transaction.
 * - RECORD_CORRECTED / RECORD_WITHDRAWN: the source corrected or withdrew a record it carried;
 *   revoked by ingestion in the transaction that stores the change (server/ingest/service.ts).
 */
import { randomUUID } from 'node:crypto';
import { toBase64 } from '../../core/bytes';
import { toJsonValue } from '../../core/cbor';
import { decodeStages } from '../../core/hcert';
import { revocationHash, type RevocationHashType } from '../../core/revocation';
import type { Clock } from '../clock';
import { ServiceError } from '../errors';
import { certificateDocId, type CertificateDoc } from '../issuance/service';
import { MAX_BLOCKS_PER_RECORD, blockOf, readRecordLink, writeRecordLink } from '../records/links';
import type { Doc, Store, TxOps } from '../store/store';
import type { RevocationReasonCode } from './reason';

/** One published entry: kid and hash as base64, as trust lists carry them. */
export interface RevocationEntry {
  kid: string;
  type: RevocationHashType;
  hash: string;
}

/** What the holder is told when a source's change ended their certificate. */
export const RECORD_CHANGE_REASONS: Readonly<Record<'RECORD_CORRECTED' | 'RECORD_WITHDRAWN', string>> = Object.freeze({
  RECORD_CORRECTED: '检测或接种机构更正了此证明所载的记录 / the laboratory or vaccination site corrected a record this certificate carried',
  RECORD_WITHDRAWN: '检测或接种机构撤回了此证明所载的记录 / the laboratory or vaccination site withdrew a record this certificate carried',
});

export interface RevocationDoc {
  _id: string;
  /** The certificate's UVCI. */
  certificateId: string;
  personId: string;
  reason: string;
  /** Absent in revocations stored before reasons were coded: read as OPERATOR. */
  reasonCode?: RevocationReasonCode;
  revokedAt: number;
  revokedBy: string;
  /** Every code of the certificate that was revoked: the ITHC code first, then each HC1. */
  codes: Array<{ format: 'ithc' | 'dcc'; uci: string; kid: string }>;
  entries: RevocationEntry[];
}

/** What an operator sees of a revocation. */
export interface RevocationView {
  certificateId: string;
  reason: string;
  reasonCode: RevocationReasonCode;
  revokedAt: string;
  revokedBy: string;
  codes: RevocationDoc['codes'];
}

export const REVOCATION_LIMITS = Object.freeze({ maxReason: 200, maxUci: 80 });

/** A UVCI as this issuer makes them (core/ithc.ts makeUvci). */
export const UVCI = /^URN:UVCI:01:[A-Z]{2}:[A-Z0-9/]{1,50}#[A-Z0-9/:]$/;
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const HASH_TYPES: readonly RevocationHashType[] = ['UCI', 'COUNTRYCODEUCI', 'SIGNATURE'];

export class RevocationService {
  constructor(private readonly deps: { store: Store; clock: Clock }) {}

  /**
   * Revokes the certificate with this UVCI. `actor` is the operator's user id. With `blockRecords`
   * the records it carried are wrong: their versions are blocked and every certificate carrying
   * them is revoked too (RECORDS_INVALID).
   */
  async revoke(
    uci: unknown,
    reason: unknown,
    actor: string,
    opts: { blockRecords?: unknown } = {},
  ): Promise<{ revoked: true; certificateId: string; revokedAt: number; alsoRevoked: string[] }> {
    const fields: Record<string, string> = {};
    if (typeof uci !== 'string' || uci.length > REVOCATION_LIMITS.maxUci || !UVCI.test(uci))
      fields.certificateId = '应为证明编号（URN:UVCI:…）/ must be a certificate id (URN:UVCI:…)';
    const text = readReason(reason, fields);
    if (opts.blockRecords !== undefined && typeof opts.blockRecords !== 'boolean') fields.blockRecords = '应为 true 或 false / must be true or false';
    if (Object.keys(fields).length)
      throw new ServiceError('VALIDATION_FAILED', {
        fields,
        messageCode: 'server.checkMarkedFields',
      });
    const id = uci as string;
    const docId = certificateDocId(id);
    const block = opts.blockRecords === true;
    const { store, clock } = this.deps;
    const now = clock.now();
    return store.transaction(async (tx) => {
      const doc = (await tx.get('certificates', docId)) as CertificateDoc | null;
      if (!doc || doc.uci !== id) throw new ServiceError('NOT_FOUND', { messageCode: 'server.certificateNotFound', params: { id } });
      if (doc.status === 'revoked') throw new ServiceError('CONFLICT', { messageCode: 'server.certificateAlreadyRevoked', params: { id } });
      if (block && !Array.isArray(doc.records)) {
        throw new ServiceError('CONFLICT', { messageCode: 'server.recordVersionsUnknown', params: { id } });
      }
      const reasonCode: RevocationReasonCode = block ? 'RECORDS_INVALID' : 'OPERATOR';
      await revokeInTransaction(tx, doc, { reason: text, reasonCode, actor, now });
      const alsoRevoked: string[] = [];
      if (block) {
        for (const r of doc.records!) {
          const link = await readRecordLink(tx, r.id);
          if (!blockOf(link, r.version)) {
            if (link.blocked.length >= MAX_BLOCKS_PER_RECORD)
              throw new ServiceError('LIMIT_REACHED', {
                messageCode: 'server.recordBlockLimit',
              });
            link.blocked.push({ version: r.version, certificateId: id, reason: text, at: now, by: actor });
          }
          // Every other certificate carrying this very version, through whichever travel document.
          const keep: string[] = [];
          for (const other of link.certificates) {
            if (other === docId) continue;
            const o = (await tx.get('certificates', other)) as CertificateDoc | null;
            if (!o || o.status === 'revoked') continue;
            if (o.records?.some((x) => x.id === r.id && x.version === r.version)) {
              await revokeInTransaction(tx, o, { reason: text, reasonCode, actor, now, extra: { blockedBy: id } });
              alsoRevoked.push(o.uci);
            } else keep.push(other);
          }
          await writeRecordLink(tx, { ...link, certificates: keep });
          await tx.insert('audit', {
            _id: randomUUID(),
            at: now,
            action: 'record.block',
            actor,
            outcome: 'success',
            personId: doc.personId,
            certificateId: id,
            recordId: r.id,
            version: r.version,
            reason: text,
          });
        }
      }
      return { revoked: true as const, certificateId: id, revokedAt: now, alsoRevoked };
    });
  }

  /** Every revocation, newest first. */
  async list(): Promise<RevocationView[]> {
    return (await this.all()).map((r) => ({
      certificateId: r.certificateId,
      reason: r.reason,
      reasonCode: r.reasonCode ?? 'OPERATOR',
      revokedAt: new Date(r.revokedAt).toISOString(),
      revokedBy: r.revokedBy,
      codes: r.codes,
    }));
  }

  /** The published revocation list: every entry of every revocation, duplicates removed. */
  async hashList(): Promise<RevocationEntry[]> {
    const seen = new Set<string>();
    const out: RevocationEntry[] = [];
    for (const r of await this.all()) {
      for (const e of r.entries) {
        const key = `${e.kid} ${e.type} ${e.hash}`;
        if (!seen.has(key)) {
          seen.add(key);
          out.push(e);
        }
      }
    }
    return out;
  }

  private async all(): Promise<RevocationDoc[]> {
    const out: RevocationDoc[] = [];
    for (let skip = 0; ; skip += 1000) {
      const page = await this.deps.store.find('revocations', {}, { orderBy: { field: 'revokedAt', direction: 'desc' }, limit: 1000, skip });
      out.push(...(page as unknown as RevocationDoc[]));
      if (page.length < 1000) return out;
    }
  }
}

/** The operator's reason: required, at most REVOCATION_LIMITS.maxReason characters, no control characters. */
export function readReason(reason: unknown, fields: Record<string, string>): string {
  const text = typeof reason === 'string' ? reason.normalize('NFC').trim() : '';
  if (typeof reason !== 'string' || text.length === 0) fields.reason = '必填 / required';
  else if ([...text].length > REVOCATION_LIMITS.maxReason)
    fields.reason = `过长（最多 ${REVOCATION_LIMITS.maxReason} 个字符）/ longer than ${REVOCATION_LIMITS.maxReason} characters`;
  else if (CONTROL.test(text)) fields.reason = '含有控制字符 / contains a control character';
  return text;
}

/**
 * Revokes a valid certificate inside the caller's transaction: marks it, stores the revocation
 * with the EU-scheme hashes of every code as issued (computed from the document read in this
 * transaction, so the hashes are of the codes being revoked), and writes an audit entry.
 */
export async function revokeInTransaction(
  tx: TxOps,
  doc: CertificateDoc,
  r: { reason: string; reasonCode: RevocationReasonCode; actor: string; now: number; extra?: Record<string, string> },
): Promise<void> {
  if (doc.status === 'revoked') throw new Error(`certificate ${doc.uci} is already revoked`);
  const { codes, entries } = revocationEntries(doc);
  await tx.update('certificates', doc._id, { status: 'revoked', revokedAt: r.now, revokedReason: r.reason, revokedReasonCode: r.reasonCode });
  const rev: RevocationDoc = {
    _id: doc._id,
    certificateId: doc.uci,
    personId: doc.personId,
    reason: r.reason,
    reasonCode: r.reasonCode,
    revokedAt: r.now,
    revokedBy: r.actor,
    codes,
    entries,
  };
  await tx.insert('revocations', rev as unknown as Doc);
  await tx.insert('audit', {
    _id: randomUUID(),
    at: r.now,
    action: 'certificate.revoke',
    actor: r.actor,
    outcome: 'success',
    personId: doc.personId,
    certificateId: doc.uci,
    reason: r.reason,
    reasonCode: r.reasonCode,
    ...(r.extra ?? {}),
  });
}

/** The three EU hashes of every code of a certificate, from the codes themselves. */
export function revocationEntries(doc: CertificateDoc): { codes: RevocationDoc['codes']; entries: RevocationEntry[] } {
  const codes: RevocationDoc['codes'] = [];
  const entries: RevocationEntry[] = [];
  const all: Array<{ format: 'ithc' | 'dcc'; code: string }> = [
    { format: 'ithc', code: doc.codes.ithc },
    ...doc.codes.dcc.map((d) => ({ format: 'dcc' as const, code: d.code })),
  ];
  for (const { format, code } of all) {
    const st = decodeStages(code);
    if (st.error || !st.sign1 || !st.claims || !st.sign1.kid)
      throw new Error(`stored ${format} code of ${doc.uci} does not decode: ${st.error?.message ?? 'no kid'}`);
    // The UCI verifiers read (core/hcert.ts): the ITHC certificate's id, or the DCC entry's ci.
    const uci = format === 'ithc' ? doc.uci : dccUci(st.claims.dcc);
    if (!uci) throw new Error(`stored HC1 code of ${doc.uci} has no UCI`);
    const kid = toBase64(st.sign1.kid);
    const country = st.claims.iss;
    codes.push({ format, uci, kid });
    for (const type of HASH_TYPES) {
      // Every code we issue is ES256: the signature hash is over r.
      const hash = revocationHash(type, { uci, country, signature: st.sign1.signature, kty: 'EC' });
      if (hash) entries.push({ kid, type, hash: toBase64(hash) });
    }
  }
  return { codes, entries };
}

function dccUci(dcc: unknown): string | undefined {
  const json = dcc === undefined ? undefined : (toJsonValue(dcc) as Record<string, unknown>);
  for (const k of ['v', 't', 'r']) {
    const list = json?.[k];
    const first: unknown = Array.isArray(list) ? list[0] : undefined;
    const ci = first && typeof first === 'object' ? (first as { ci?: unknown }).ci : undefined;
    if (typeof ci === 'string') return ci;
  }
  return undefined;
}
