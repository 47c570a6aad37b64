/**
 * Sustained mixed load on the local gateway (`npm run load`, scripts/load.mjs, and a shorter run
 * in test/load/): `connections` callers, each in a loop until `seconds` have passed or
 * `maxRequests` were sent, each request one of
 *
 *   issue      certificate.issue by an enrolled traveller (mostly the stored certificate; a new
 *              one when the traveller has a record ingested since)
 *   get        certificate.get
 *   trustlist  GET /trustlist
 *   ingest     a lab's HMAC-signed POST /ingest/records with a new nucleic-acid result for a
 *              traveller (server/ingest, docs/ingestion.md)
 *
 * chosen by a seeded generator, so two runs with the same seed send the same mix. Every answer is
 * checked (status, envelope, shape); what was acknowledged — certificates with their codes,
 * ingested records, nonces — is returned, for store-check.ts to find after the server stopped.
 * 127.0.0.1 only.
 */
import { signRequest } from '../server/ingest/signature';
import { sourceKeyFromDataDir } from '../node/local';
import { DEMO_SOURCE_IDS } from '../demo/records';
import { assertLoopback, callFn } from './http';
import { prng } from './prng';
import type { LoadPerson } from './people';

export const LOAD_LAB = DEMO_SOURCE_IDS.naatLab;
/** Source record ids of the records a load run ingests (store-check.ts counts them by it). */
export const LOAD_RECORD_PREFIX = 'LOAD-';
const INGEST_PATH = '/ingest/records';

export type Kind = 'issue' | 'get' | 'trustlist' | 'ingest';

/** Share of each kind of request, in this order. */
export const MIX: ReadonlyArray<readonly [Kind, number]> = [
  ['issue', 0.4],
  ['get', 0.25],
  ['trustlist', 0.15],
  ['ingest', 0.2],
];

export interface MixedLoadOptions {
  base: string;
  /** The server's data folder: the demo lab's HMAC key is read from its secrets. */
  dataDir: string;
  people: readonly LoadPerson[];
  connections: number;
  seconds: number;
  maxRequests?: number;
  seed?: number;
  /** Tag of this run in the ingested records' ids ([A-Z0-9]), so runs on one data folder do not collide. */
  runTag?: string;
  /** Told of each acknowledged write (an issued certificate, an ingested record). */
  onAck?: (kind: 'issue' | 'ingest') => void;
  /** Asked before each request: true ends the run (a crash test stops once it killed the server). */
  stop?: () => boolean;
}

export interface AcknowledgedCertificate {
  id: string;
  ithc: string;
  issuedAt: number;
}

export interface MixedLoadResult {
  runTag: string;
  seconds: number;
  requests: Record<Kind, number>;
  errors: number;
  /** The first few errors, for the report. */
  errorSamples: string[];
  acknowledged: {
    /** The last acknowledged codes of each certificate id. */
    certificates: AcknowledgedCertificate[];
    records: string[];
    nonces: string[];
  };
}

export async function labKey(dataDir: string): Promise<Uint8Array> {
  return sourceKeyFromDataDir(dataDir, LOAD_LAB);
}

export async function mixedLoad(o: MixedLoadOptions): Promise<MixedLoadResult> {
  assertLoopback(o.base);
  if (o.people.length === 0) throw new TypeError('mixedLoad needs enrolled people');
  const key = await labKey(o.dataDir);
  const next = prng(o.seed ?? 7);
  const tag = o.runTag ?? Date.now().toString(36).toUpperCase();
  const requests: Record<Kind, number> = { issue: 0, get: 0, trustlist: 0, ingest: 0 };
  const certificates = new Map<string, AcknowledgedCertificate>();
  const records: string[] = [];
  const nonces: string[] = [];
  const errorSamples: string[] = [];
  let errors = 0;
  let sent = 0;
  let recordSeq = 0;
  const fail = (kind: Kind, what: string) => {
    errors++;
    if (errorSamples.length < 10) errorSamples.push(`${kind}: ${what.slice(0, 300)}`);
  };
  const t0 = performance.now();
  const deadline = t0 + o.seconds * 1000;
  const max = o.maxRequests ?? Infinity;

  const pick = (): Kind => {
    let r = next();
    for (const [k, share] of MIX) {
      if (r < share) return k;
      r -= share;
    }
    return 'issue';
  };

  const one = async (kind: Kind, p: LoadPerson): Promise<void> => {
    if (kind === 'trustlist') {
      const res = await fetch(`${o.base}/trustlist`);
      const text = await res.text();
      if (res.status !== 200 || !Array.isArray(JSON.parse(text).certificates)) fail(kind, `HTTP ${res.status} ${text}`);
      return;
    }
    if (kind === 'ingest') {
      const sourceRecordId = `${LOAD_RECORD_PREFIX}${tag}-${recordSeq++}`;
      // A result sampled within the last day: young enough to count, and each one new.
      const sampledAt = new Date(Date.now() - 3_600_000 - Math.floor(next() * 72_000_000)).toISOString().replace(/\.\d{3}Z$/, 'Z');
      const body = new TextEncoder().encode(
        JSON.stringify({
          records: [
            {
              kind: 'naat',
              sourceRecordId,
              person: { idNumber: p.citizen.idNumber, name: p.citizen.name },
              sampledAt,
              result: '260415000',
              centre: '北京市朝阳区疾病预防控制中心核酸检测实验室',
            },
          ],
        }),
      );
      const headers = signRequest({ method: 'POST', path: INGEST_PATH, body, sourceId: LOAD_LAB, key, now: Date.now() });
      const res = await fetch(`${o.base}${INGEST_PATH}`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body });
      const text = await res.text();
      const b = JSON.parse(text);
      if (res.status !== 200 || b.ok !== true || b.data.accepted !== 1) return fail(kind, `HTTP ${res.status} ${text}`);
      records.push(sourceRecordId);
      nonces.push(`${LOAD_LAB}:${headers['x-ithc-nonce']}`);
      o.onAck?.('ingest');
      return;
    }
    const r = await callFn(o.base, 'certificate', p.openid, { action: kind });
    if (r.status !== 200 || r.body?.ok !== true) return fail(kind, `HTTP ${r.status} ${JSON.stringify(r.body)}`);
    const v = r.body.data;
    if (kind === 'get' && v === null) return;
    if (typeof v?.id !== 'string' || typeof v.codes?.ithc !== 'string' || !v.codes.ithc.startsWith('ITHC1:') || v.status !== 'valid')
      return fail(kind, `unexpected answer ${JSON.stringify(v).slice(0, 200)}`);
    if (kind === 'issue') {
      certificates.set(v.id, { id: v.id, ithc: v.codes.ithc, issuedAt: v.issuedAt });
      o.onAck?.('issue');
    }
  };

  await Promise.all(
    Array.from({ length: o.connections }, async () => {
      while (performance.now() < deadline && sent < max && !o.stop?.()) {
        sent++;
        const kind = pick();
        const p = o.people[Math.floor(next() * o.people.length)];
        requests[kind]++;
        try {
          await one(kind, p);
        } catch (e) {
          fail(kind, e instanceof Error ? e.message : String(e));
        }
      }
    }),
  );
  return {
    runTag: tag,
    seconds: (performance.now() - t0) / 1000,
    requests,
    errors,
    errorSamples,
    acknowledged: { certificates: [...certificates.values()], records, nonces },
  };
}
