/**
 * Is the store consistent after a load or crash run (the server stopped)? Checks, and returns
 * every problem found (none: consistent):
 *
 * - SQLite's integrity_check passes;
 * - every acknowledged certificate is there with the codes handed out, every acknowledged ingested
 *   record is there, and every acknowledged ingestion's nonce;
 * - nothing is half-written: each certificate has its ITHC1 code and HC1 codes, every one of which
 *   verifies against our published keys, and exactly one issuance audit entry; and each issuance
 *   audit entry has its certificate;
 * - counts match: the run's ingested records in the store are exactly the acknowledged ones, and the
 *   load travellers' certificates in the store are exactly the acknowledged ones (a certificate
 *   stored but never acknowledged would be a write the caller was not told about).
 */
import { join } from 'node:path';
import { validateDccSchema } from '../core/dcc-schema';
import { verifyCode } from '../core/hcert';
import { KeyStore } from '../core/keys';
import { nodeCrypto } from '../node/crypto-node';
import { openLocalApp } from '../node/local';
import { certificateDocId, type CertificateDoc } from '../server/issuance/service';
import { recordDocId } from '../server/records/record-id';
import { integrityCheck } from '../server/store/sqlite';
import type { Doc, Json, Store } from '../server/store/store';
import type { AcknowledgedCertificate } from './mixed-load';
import { LOAD_LAB, LOAD_RECORD_PREFIX } from './mixed-load';
import type { LoadPerson } from './people';

export interface Acknowledged {
  /** The run's tag in its records' ids (mixed-load.ts runTag). */
  runTag: string;
  certificates: readonly AcknowledgedCertificate[];
  records: readonly string[];
  nonces: readonly string[];
}

export interface StoreReport {
  problems: string[];
  counts: { certificates: number; loadCertificates: number; records: number; loadRecords: number; auditIssuances: number };
}

async function all(store: Store, coll: Parameters<Store['find']>[0], filter: Parameters<Store['find']>[1] = {}): Promise<Doc[]> {
  const out: Doc[] = [];
  for (let skip = 0; ; skip += 1000) {
    const page = await store.find(coll, filter, { limit: 1000, skip, orderBy: { field: '_id', direction: 'asc' } });
    out.push(...page);
    if (page.length < 1000) return out;
  }
}

export interface CheckOptions {
  /**
   * After a crash: writes in flight when the server died may have committed without their answer
   * reaching the caller. They are allowed (stored but never acknowledged); everything else holds.
   */
  inFlightAllowed?: boolean;
}

export async function checkStore(dataDir: string, acked: Acknowledged, people: readonly LoadPerson[], opts: CheckOptions = {}): Promise<StoreReport> {
  const problems: string[] = [];
  const integrity = integrityCheck(join(dataDir, 'ithc.sqlite'));
  if (!integrity.ok) problems.push(`integrity_check: ${integrity.problems.slice(0, 5).join('; ')}`);
  const app = await openLocalApp(dataDir);
  try {
    const { store } = app;
    for (const a of acked.certificates) {
      const doc = (await store.get('certificates', certificateDocId(a.id))) as CertificateDoc | null;
      if (!doc) problems.push(`acknowledged certificate ${a.id} is missing`);
      else if (doc.codes.ithc !== a.ithc) problems.push(`certificate ${a.id} has other codes than were handed out`);
    }
    for (const id of acked.records) if (!(await store.get('records', recordDocId(LOAD_LAB, id)))) problems.push(`acknowledged record ${id} is missing`);
    for (const id of acked.nonces) if (!(await store.get('ingestNonces', id))) problems.push(`acknowledged ingestion nonce ${id} is missing`);

    const certificates = (await all(store, 'certificates')) as CertificateDoc[];
    // Issuance's own entries (server/issuance/service.ts); a proxy's log line for the same action
    // (relativeLog, server/relatives) is another kind of entry.
    const issuances = (await all(store, 'audit')).filter(
      (e) => (e.action === 'certificate.issue' || e.action === 'certificate.resign') && e.relativeLog !== true,
    );
    const perCertificate = new Map<string, number>();
    for (const e of issuances) {
      const id = textOf(e.certificateId);
      perCertificate.set(id, (perCertificate.get(id) ?? 0) + 1);
    }
    const stored = new Set(certificates.map((c) => c.uci));
    // Every stored code verifies against our published keys: a torn or mixed-up write would not.
    const keys = new KeyStore(await app.keys.trustedKeys());
    const now = Math.floor(app.clock.now() / 1000);
    for (const c of certificates) {
      for (const code of [c.codes?.ithc, ...(Array.isArray(c.codes?.dcc) ? c.codes.dcc.map((d) => d.code) : [])]) {
        if (typeof code !== 'string') continue;
        const v = await verifyCode(code, { keys, now, crypto: nodeCrypto, validateDccSchema });
        if (!v.valid) problems.push(`certificate ${c.uci}: a code does not verify (${v.errors.map((e) => e.code).join(', ')})`);
      }
    }
    for (const c of certificates) {
      if (
        typeof c.codes?.ithc !== 'string' ||
        !c.codes.ithc.startsWith('ITHC1:') ||
        !Array.isArray(c.codes.dcc) ||
        c.codes.dcc.some((d) => !d.code.startsWith('HC1:'))
      )
        problems.push(`certificate ${c.uci} is half-written (codes)`);
      if (typeof c.certificate !== 'object' || c.certificate === null) problems.push(`certificate ${c.uci} is half-written (readable form)`);
      const n = perCertificate.get(c.uci) ?? 0;
      if (n !== 1) problems.push(`certificate ${c.uci} has ${n} issuance audit entries`);
    }
    for (const id of perCertificate.keys()) if (!stored.has(id)) problems.push(`an issuance audit entry names ${id}, which is not stored`);

    // The load travellers' certificates: exactly the acknowledged ones.
    const loadPersons = new Set(people.map((p) => app.personIds.personId(p.citizen.idNumber)));
    const loadCertificates = certificates.filter((c) => loadPersons.has(c.personId));
    const ackedIds = new Set(acked.certificates.map((a) => a.id));
    if (!opts.inFlightAllowed)
      for (const c of loadCertificates) if (!ackedIds.has(c.uci)) problems.push(`certificate ${c.uci} was stored but never acknowledged`);

    // The run's records: exactly the acknowledged ones.
    const records = await all(store, 'records');
    const recordIdOf = (r: Doc) => textOf(r.sourceRecordId);
    const loadRecords = records.filter((r) => r.sourceId === LOAD_LAB && recordIdOf(r).startsWith(`${LOAD_RECORD_PREFIX}${acked.runTag}-`));
    const ackedRecords = new Set(acked.records);
    if (!opts.inFlightAllowed)
      for (const r of loadRecords) if (!ackedRecords.has(recordIdOf(r))) problems.push(`record ${recordIdOf(r)} was stored but never acknowledged`);
    if (ackedRecords.size !== acked.records.length) problems.push('a record was acknowledged twice');

    return {
      problems,
      counts: {
        certificates: certificates.length,
        loadCertificates: loadCertificates.length,
        records: records.length,
        loadRecords: loadRecords.length,
        auditIssuances: issuances.length,
      },
    };
  } finally {
    await app.store.close();
  }
}

/** A stored id as text; anything else (a torn or foreign entry) as its JSON. */
function textOf(v: Json | undefined): string {
  return typeof v === 'string' ? v : JSON.stringify(v ?? null);
}
