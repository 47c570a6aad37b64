/**
 * A shorter `npm run load` (scripts/load.mjs): the real local server (dist/start.cjs) under mixed
 * load — issuance, certificate fetch, the trust list, signed lab ingestion — from 10 callers for a
 * bounded number of requests, then, with the server stopped: no errors, and the store consistent
 * (bench/store-check.ts: integrity_check, every acknowledged certificate, record and nonce there,
 * nothing half-written, counts that match).
 *
 * Memory flatness is checked by `npm run load` only: its run is long enough to be past warm-up
 * (measured here: mean RSS ×1.17 from the first half to the second over 10 s, ×0.92 over 40 s), a
 * test's run of a few seconds is not, so a bound here would either flake or prove nothing.
 *
 * Only 127.0.0.1. The run ends by its request count; the deadline is a guard against a hung server,
 * set far above what a busy 2-core machine needs, so the test fails on behaviour and never on speed.
 */
import { join } from 'node:path';
import { openLocalApp } from '../../node/local';
import { seedDemo } from '../../demo/seed';
import { enrol, pool } from '../../bench/http';
import { mixedLoad } from '../../bench/mixed-load';
import { loadPerson, seedLoadPeople } from '../../bench/people';
import { checkStore } from '../../bench/store-check';
import { ensureBuilt, startLocalServer, tempDir } from '../e2e/helpers';

const PEOPLE = 40;
const CONNECTIONS = 10;
const MAX_REQUESTS = 3000;
const MAX_SECONDS = 240;

test('mixed load on the local server: every request answered as it should, the store consistent afterwards', async () => {
  await ensureBuilt();
  const dataDir = join(tempDir('load'), 'data');
  const app = await openLocalApp(dataDir);
  await seedDemo(app);
  await seedLoadPeople(app, 0, PEOPLE);
  await app.store.close();
  const people = Array.from({ length: PEOPLE }, (_, i) => loadPerson(i));

  const server = await startLocalServer(dataDir);
  let run: Awaited<ReturnType<typeof mixedLoad>>;
  try {
    await pool(PEOPLE, CONNECTIONS, (i) => enrol(server.base, people[i]));
    run = await mixedLoad({ base: server.base, dataDir, people, connections: CONNECTIONS, seconds: MAX_SECONDS, maxRequests: MAX_REQUESTS, seed: 11 });
  } finally {
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  }
  expect({ errors: run.errors, samples: run.errorSamples }).toEqual({ errors: 0, samples: [] });
  // Every kind of request was part of the run, and it ended by its request bound.
  expect(Object.values(run.requests).every((n) => n > 0)).toBe(true);
  expect(Object.values(run.requests).reduce((a, n) => a + n, 0)).toBe(MAX_REQUESTS);
  expect(server.stderr()).not.toMatch(/\[error\]/);

  const report = await checkStore(dataDir, { runTag: run.runTag, ...run.acknowledged }, people);
  expect(report.problems).toEqual([]);
  expect(report.counts.loadRecords).toBe(run.acknowledged.records.length);
  expect(report.counts.loadCertificates).toBe(run.acknowledged.certificates.length);
}, 420_000);
