/**
 * Signing in worker threads (node/sign-pool.ts, what `npm start` signs with): the same certificate
 * as signing in the serving thread, verifiable with our published keys; a missing worker script is
 * refused at once; workers that cannot start are given up after three tries, and signing goes on
 * in the serving thread.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateDccSchema } from '../../core/dcc-schema';
import { verifyCode } from '../../core/hcert';
import { KeyStore } from '../../core/keys';
import { openLocalApp } from '../../node/local';
import { seedDemo } from '../../demo/seed';
import { nodeCrypto } from '../../node/crypto-node';
import { WorkerSigning } from '../../node/sign-pool';
import type { App } from '../../server/app';
import { buildCertificate } from '../../server/issuance/build';
import { inThreadSigning, type SignJob, type SigningKeys } from '../../server/issuance/sign';
import { DEMO_CITIZENS } from '../../demo/citizens';
import { demoRecordsFor } from '../../demo/records';
import { BUNDLES, ensureBuilt, tempDir } from '../e2e/helpers';

let app: App;
let job: SignJob;

beforeAll(async () => {
  await ensureBuilt();
  app = await openLocalApp(join(tempDir('sign-pool'), 'data'));
  await seedDemo(app);
  const c = DEMO_CITIZENS[0];
  const personId = app.personIds.personId(c.idNumber);
  const now = app.clock.now();
  const subject = {
    personId,
    name: c.name,
    birthDate: c.birthDate,
    sex: c.sex,
    nationality: 'CN',
    document: { type: 'ordinary' as const, number: 'EH4180273', issuingState: 'CN', surnameLatin: c.surnamePinyin, givenNameLatin: c.givenNamePinyin },
  };
  const built = buildCertificate('CN', app.config.issuerName, subject, demoRecordsFor(personId, 0, now));
  const iat = Math.floor(now / 1000);
  const keys = await signingKeys();
  job = {
    input: built.input,
    recordIdByDccRef: built.recordIdByDccRef,
    country: 'CN',
    iat,
    exp: { ithc: iat + 86_400, dccTest: iat + 86_400, dccVaccination: iat + 86_400 },
    kid: { ithc: keys.ithc.kid, dcc: keys.dcc.kid },
  };
}, 120_000);

/** The active signer of each format, as issuance takes them. */
async function signingKeys(): Promise<SigningKeys> {
  return { ithc: await app.keys.activeKey('ithc-dsc'), dcc: await app.keys.activeKey('dsc') };
}

afterAll(async () => {
  await app?.store.close();
});

async function verifiedCodes(codes: string[]): Promise<unknown[]> {
  const keys = new KeyStore(await app.keys.trustedKeys());
  return Promise.all(codes.map(async (code) => (await verifyCode(code, { keys, now: job.iat + 60, crypto: nodeCrypto, validateDccSchema })).errors));
}

test('a worker signs the same certificate as the serving thread, and every code verifies', async () => {
  const pool = new WorkerSigning(2, BUNDLES.signWorker);
  try {
    const key = await signingKeys();
    const [threaded, inThread] = await Promise.all([pool.sign(job, key), inThreadSigning.sign(job, key)]);
    if (!threaded.ok || !inThread.ok) throw new Error('signing failed');
    // ECDSA signatures differ each time; everything they sign is the same.
    expect(threaded.signed.certificate).toEqual(inThread.signed.certificate);
    expect(threaded.signed.dcc.map(({ code: _c, ...rest }) => rest)).toEqual(inThread.signed.dcc.map(({ code: _c, ...rest }) => rest));
    const codes = [threaded.signed.ithc, ...threaded.signed.dcc.map((d) => d.code)];
    expect(await verifiedCodes(codes)).toEqual(codes.map(() => []));
  } finally {
    await pool.close();
  }
});

test('a missing worker script is refused when the pool is made', () => {
  expect(() => new WorkerSigning(1, join(tempDir('sign-pool-missing'), 'nope.cjs'))).toThrow(/does not exist/);
});

test('workers that die before answering are given up after three tries; signing goes on in the serving thread', async () => {
  const script = join(tempDir('sign-pool-broken'), 'broken.cjs');
  writeFileSync(script, 'process.exit(3);\n');
  const failures: string[] = [];
  const pool = new WorkerSigning(1, script, (why) => failures.push(why));
  try {
    const key = await signingKeys();
    // Jobs sent while workers keep dying fail (their requests would get INTERNAL), until the pool gives up.
    for (let i = 0; i < 10 && failures.length === 0; i++) await pool.sign(job, key).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 200));
    expect(failures).toEqual([expect.stringMatching(/keep failing/)]);
    const outcome = await pool.sign(job, key);
    expect(outcome.ok && (await verifiedCodes([outcome.signed.ithc]))).toEqual([[]]);
  } finally {
    await pool.close();
  }
});
