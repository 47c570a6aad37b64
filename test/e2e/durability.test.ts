/**
 * Durability of the real server process (`node dist/start.cjs`, what `npm start` runs): several
 * callers ingest records and issue certificates concurrently, the server is killed with SIGKILL in
 * the middle of the run (its whole process group: the primary and every serving process at once, as
 * a power cut or the service manager's kill of the service would), and after a restart every certificate it acknowledged (HTTP 200) is still
 * there with the same id and the same codes, every acknowledged record too, the SQLite file passes
 * integrity_check, and no certificate is half-written (each has its codes and its audit entry).
 *
 * The run is bounded by a number of rounds and a deadline; the kill comes after a fixed number of
 * acknowledgements, not after a time. Only 127.0.0.1 is used.
 *
 * A second test crashes the server twice under heavier mixed load (bench/mixed-load.ts: 16 callers
 * issuing, fetching, reading the trust list and ingesting), where the store commits transactions in
 * groups and signs in worker threads, so the kill lands inside batches; after the last restart the
 * store is checked as a whole (bench/store-check.ts).
 */
import { join } from 'node:path';
import { nodeCrypto } from '../../node/crypto-node';
import { DEMO_CITIZENS, type DemoCitizen } from '../../demo/citizens';
import { certificateDocId, type CertificateDoc } from '../../server/issuance/service';
import { DEMO_SOURCE_IDS } from '../../demo/records';
import { recordDocId } from '../../server/records/record-id';
import { integrityCheck, openSqliteStore } from '../../server/store/sqlite';
import { openLocalApp } from '../../node/local';
import { seedDemo } from '../../demo/seed';
import { enrol, pool } from '../../bench/http';
import { mixedLoad, type AcknowledgedCertificate } from '../../bench/mixed-load';
import { loadPerson, seedLoadPeople } from '../../bench/people';
import { checkStore } from '../../bench/store-check';
import {
  callFn,
  ensureBuilt,
  killServer,
  httpGet,
  naatRecord,
  ok,
  postIngest,
  signedIngest,
  sourceKeyFromDataDir,
  startLocalServer,
  tempDir,
  type LocalServer,
  trustedKeysOf,
  verifyAndBind,
  verifyWithCore,
} from './helpers';

/**
 * Four demo citizens the server's own start-up flows leave alone: those flows issue for citizen 0
 * and, as that traveller's relative, for the first citizen born before 1950 — on every start, so a
 * record of theirs committed just before a kill would give them a certificate nobody here asked for.
 */
const SERVER_RELATIVE = DEMO_CITIZENS.find((c) => c.birthDate < '1950-01-01');
const CALLERS = DEMO_CITIZENS.slice(1)
  .filter((c) => c !== SERVER_RELATIVE)
  .slice(0, 4)
  .map((citizen, i) => ({ citizen, openid: `e2e-durable-${i}` }));
const ROUNDS = 12;
/** Issue requests sent at once per caller and round (the same records: they must agree). */
const PARALLEL_ISSUES = 2;
const KILL_AFTER_ACKS = 40;
const RUN_DEADLINE_MS = 180_000;
const LAB = DEMO_SOURCE_IDS.naatLab;

type Server = LocalServer;

const startServer = (dataDir: string): Promise<Server> => startLocalServer(dataDir, { ITHC_OPERATORS: 'e2e-operator' });

interface Ack {
  caller: number;
  id: string;
  codes: { ithc: string; dcc: { code: string }[] };
  issuedAt: number;
}

test('every certificate acknowledged before a SIGKILL is there after the restart, the store is intact and nothing is half-written', async () => {
  await ensureBuilt();
  const dataDir = join(tempDir('durability'), 'data');
  const dbPath = join(dataDir, 'ithc.sqlite');

  let server = await startServer(dataDir);
  for (const c of CALLERS) await verifyAndBind(server.base, c.openid, c.citizen);
  const labKey = await sourceKeyFromDataDir(dataDir, LAB);

  const acks: Ack[] = [];
  const ackedRecords: string[] = [];
  /** Callers with an issue request sent but not answered when the server died. */
  const inFlight = new Set<number>();
  let killed = false;
  const kill = () => {
    if (killed) return;
    killed = true;
    killServer(server.child);
  };
  const deadline = Date.now() + RUN_DEADLINE_MS;
  const t0 = Date.now() - 2 * 3_600_000;

  const drive = async (i: number, citizen: DemoCitizen, openid: string) => {
    for (let round = 0; round < ROUNDS && !killed && Date.now() < deadline; round++) {
      // A newer test result each round, so each round's records give a new certificate.
      const record = naatRecord(citizen, `E2E-DUR-${i}-${round}`, t0 + round * 60_000 + i * 1000);
      const sent = await postIngest(server.base, signedIngest(LAB, labKey, { records: [record] })).catch(() => null);
      if (!sent) return;
      if (sent.status !== 200) throw new Error(`ingestion refused: ${JSON.stringify(sent.body)}`);
      ackedRecords.push(record.sourceRecordId);

      inFlight.add(i);
      const replies = await Promise.all(
        Array.from({ length: PARALLEL_ISSUES }, () => callFn(server.base, 'certificate', openid, { action: 'issue' }).catch(() => null)),
      );
      const answered = replies.filter((r) => r !== null);
      for (const r of answered) {
        if (r.status !== 200 || r.body.ok !== true) throw new Error(`issuance refused: ${JSON.stringify(r.body).slice(0, 300)}`);
        acks.push({ caller: i, id: r.body.data.id, codes: r.body.data.codes, issuedAt: r.body.data.issuedAt });
        if (acks.length >= KILL_AFTER_ACKS) kill();
      }
      if (answered.length < replies.length) return;
      inFlight.delete(i);
    }
  };
  await Promise.all(CALLERS.map((c, i) => drive(i, c.citizen, c.openid)));
  expect(killed).toBe(true);
  await server.exited;
  // The kill came in the middle of the run, not after it.
  expect(acks.length).toBeGreaterThanOrEqual(KILL_AFTER_ACKS);
  expect(acks.length).toBeLessThan(CALLERS.length * ROUNDS * PARALLEL_ISSUES);
  // Requests answered together for the same records handed out the same certificate.
  for (const a of acks) for (const b of acks) if (a.id === b.id) expect(b.codes).toEqual(a.codes);

  // Restart on the same data folder.
  server = await startServer(dataDir);
  const trust = (await httpGet(`${server.base}/trustlist`)).body;
  for (const [i, c] of CALLERS.entries()) {
    // A caller's rounds run one after the other, so its acknowledgements are in issuance order.
    const mine = acks.filter((a) => a.caller === i);
    const latest = await ok(callFn(server.base, 'certificate', c.openid, { action: 'get' }));
    if (mine.length === 0) continue;
    const last = mine[mine.length - 1];
    if (latest.id === last.id) {
      expect(latest.codes).toEqual(last.codes);
    } else {
      // Only an issuance that was in flight at the kill may have committed after the last acknowledged one.
      expect(inFlight.has(i)).toBe(true);
      expect(latest.issuedAt).toBeGreaterThanOrEqual(last.issuedAt);
      expect(mine.some((a) => a.id === latest.id)).toBe(false);
    }
  }
  server.child.kill('SIGTERM');
  await server.exited;

  expect(integrityCheck(dbPath)).toEqual({ ok: true, problems: [] });
  const store = openSqliteStore(dbPath);
  try {
    for (const a of acks) {
      const doc = (await store.get('certificates', certificateDocId(a.id))) as CertificateDoc | null;
      expect({ id: a.id, stored: doc?.uci, codes: doc?.codes }).toEqual({ id: a.id, stored: a.id, codes: a.codes });
    }
    for (const id of ackedRecords) expect(await store.get('records', recordDocId(LAB, id))).not.toBeNull();

    // No half-written certificate: each has all its codes, they verify, and its issuance is audited.
    const keys = trustedKeysOf(JSON.stringify(trust));
    const all = (await store.find('certificates', {}, { limit: 1000 })) as CertificateDoc[];
    expect(all.length).toBeGreaterThanOrEqual(new Set(acks.map((a) => a.id)).size);
    for (const doc of all) {
      expect(doc.codes.ithc).toMatch(/^ITHC1:/);
      expect(doc.codes.dcc.length).toBeGreaterThan(0);
      for (const code of [doc.codes.ithc, ...doc.codes.dcc.map((d) => d.code)]) {
        const verdict = await verifyWithCore(code, keys, nodeCrypto);
        expect({ uci: doc.uci, valid: verdict.valid, errors: verdict.errors }).toEqual({ uci: doc.uci, valid: true, errors: [] });
      }
      const audit = await store.find('audit', { certificateId: doc.uci });
      expect({ uci: doc.uci, audited: audit.some((e) => e.action === 'certificate.issue' || e.action === 'certificate.resign') }).toEqual({
        uci: doc.uci,
        audited: true,
      });
    }
  } finally {
    await store.close();
  }
}, 400_000);

test('two kill -9 under mixed load (group commit, signing threads): every acknowledged certificate, record and nonce survives, and the store is whole', async () => {
  await ensureBuilt();
  const dataDir = join(tempDir('durability-mixed'), 'data');
  const PEOPLE = 40;
  const app = await openLocalApp(dataDir);
  await seedDemo(app);
  await seedLoadPeople(app, 0, PEOPLE);
  await app.store.close();
  const people = Array.from({ length: PEOPLE }, (_, i) => loadPerson(i));

  const certificates = new Map<string, AcknowledgedCertificate>();
  const records: string[] = [];
  const nonces: string[] = [];
  let runTag = '';
  let server = await startServer(dataDir);
  await pool(PEOPLE, 8, (i) => enrol(server.base, people[i]));
  for (const [cycle, killAfter] of [150, 250].entries()) {
    let acks = 0;
    let killed = false;
    const run = await mixedLoad({
      base: server.base,
      dataDir,
      people,
      connections: 16,
      seconds: 120,
      seed: 100 + cycle,
      // One tag for the whole test: its records are counted together.
      runTag: (runTag ||= `CRASH${Date.now().toString(36).toUpperCase()}`),
      stop: () => killed,
      onAck: () => {
        if (++acks >= killAfter && !killed) {
          killed = true;
          killServer(server.child);
        }
      },
    });
    expect({ cycle, killed }).toEqual({ cycle, killed: true });
    for (const c of run.acknowledged.certificates) certificates.set(c.id, c);
    records.push(...run.acknowledged.records);
    nonces.push(...run.acknowledged.nonces);
    await server.exited;
    server = await startServer(dataDir);
  }
  server.child.kill('SIGTERM');
  expect(await server.exited).toBe(0);

  const report = await checkStore(dataDir, { runTag, certificates: [...certificates.values()], records, nonces }, people, { inFlightAllowed: true });
  expect(report.problems).toEqual([]);
  // The checks had something to check: both cycles acknowledged writes of both kinds.
  expect(certificates.size).toBeGreaterThan(50);
  expect(records.length).toBeGreaterThan(50);
}, 400_000);
