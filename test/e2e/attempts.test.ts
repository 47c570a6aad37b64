/**
 * Attempt limits over the gateway, on an app built with a ManualClock (createApp directly): failed
 * identity verifications reach TOO_MANY_ATTEMPTS with retryAfter, HTTP 429 and a Retry-After
 * header, for the caller that failed only; once the clock passes the window the caller may try
 * again. Limits come from DEFAULT_IDENTITY_LIMITS, not from numbers written here.
 */
import { join } from 'node:path';
import { seedDemo } from '../../demo/seed';
import { createApp, type App } from '../../server/app';
import { ManualClock } from '../../server/clock';
import { DEMO_CITIZENS, buildResidentId } from '../../demo/citizens';
import { DEFAULT_IDENTITY_LIMITS } from '../../server/identity/service';
import { format } from '../../core/view';
import { FileSecretStore } from '../../server/keys/secrets';
import { openSqliteStore } from '../../server/store/sqlite';
import {
  callFn,
  failure,
  isFailedVerificationWrite,
  ok,
  serve,
  snapshot,
  tempDir,
  unexpectedChanges,
  verifyIdentity,
  type Reply,
  type Served,
} from './helpers';

let clock: ManualClock;
let app: App;
let server: Served;

beforeAll(async () => {
  const dir = tempDir('attempts');
  clock = new ManualClock(Date.now());
  app = await createApp({ store: openSqliteStore(join(dir, 'ithc.sqlite')), secrets: new FileSecretStore(join(dir, 'secrets')), clock });
  await seedDemo(app);
  server = await serve(app);
}, 300_000);

afterAll(async () => {
  await server?.close();
  await app?.store.close();
});

/** One whole failed try: a face check for (name, idNumber), then verify. */
async function tryAs(openid: string, name: string, idNumber: string): Promise<Reply> {
  const begun = await callFn(server.base, 'identity', openid, { action: 'beginFaceCheck', name, idNumber });
  if (begun.status !== 200) return begun;
  return callFn(server.base, 'identity', openid, { action: 'verify', name, idNumber, faceToken: begun.body.data.faceToken });
}

/** Asserts a 429 whose Retry-After header and retryAfter agree and lie within (0, window]. */
function expectTooMany(r: Reply, windowSeconds: number): number {
  expect(failure(r)).toEqual({ status: 429, ok: false, code: 'TOO_MANY_ATTEMPTS' });
  const retryAfter = r.body.error.retryAfter;
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(windowSeconds);
  expect(r.headers.get('retry-after')).toBe(String(retryAfter));
  // Said in the catalogue's words, in both languages for a client that does not know the code.
  expect(r.body.error.messageCode).toBe('server.tooManyAttempts');
  expect(r.body.error.message).toBe(`${format('zh', 'server.tooManyAttempts')} / ${format('en', 'server.tooManyAttempts')}`);
  return retryAfter;
}

describe('failed verifications of one ID number', () => {
  const target = DEMO_CITIZENS[2];
  const limit = DEFAULT_IDENTITY_LIMITS.failuresPerIdNumberAndCaller;

  test('block the caller that failed (429, Retry-After, nothing written) for that number only; strangers who know the number cannot lock the person out', async () => {
    // Strangers on several accounts, each as far as the limit lets them, with a wrong name.
    for (const a of [0, 1, 2]) {
      for (let i = 0; i < limit.max; i++) {
        const r = await tryAs(`e2e-guesser-${a}`, '王秀芳', target.idNumber);
        expect(failure(r)).toEqual({ status: 422, ok: false, code: 'IDENTITY_MISMATCH' });
      }
    }
    const before = await snapshot(app.store);
    const blocked = await tryAs('e2e-guesser-0', '王秀芳', target.idNumber);
    const wait = expectTooMany(blocked, limit.windowSeconds);
    // A refusal for a limit writes nothing at all.
    expect(unexpectedChanges(before, await snapshot(app.store))).toEqual([]);

    // The real person, on their own account, is not held by anyone else's failures.
    expect(await verifyIdentity(server.base, 'e2e-owner', target)).toMatchObject({ verified: true, name: target.name });

    // The guesser stays blocked for that number while the window lasts, and may try once it closed.
    clock.advance(wait * 1000 - 2000);
    expectTooMany(await tryAs('e2e-guesser-0', '王秀芳', target.idNumber), limit.windowSeconds);
    clock.advance(3000);
    expect(failure(await tryAs('e2e-guesser-0', '王秀芳', target.idNumber))).toEqual({ status: 422, ok: false, code: 'IDENTITY_MISMATCH' });
  });
});

describe('failed verifications by one caller', () => {
  const limit = DEFAULT_IDENTITY_LIMITS.failuresPerCaller;
  const prober = 'e2e-prober';
  // Well-formed ID numbers of nobody in the registry (same region and birth date as a demo citizen, unused sequence numbers).
  const base = DEMO_CITIZENS[3];
  const nobody = Array.from({ length: limit.max }, (_, i) => buildResidentId(base.regionCode, base.birthDate, 500 + i));

  test('reach TOO_MANY_ATTEMPTS for that caller only; past the window the caller may try again', async () => {
    for (const id of nobody) expect(DEMO_CITIZENS.some((c) => c.idNumber === id)).toBe(false);
    for (const id of nobody) {
      const before = await snapshot(app.store);
      const r = await tryAs(prober, '赵六', id);
      expect(failure(r)).toEqual({ status: 422, ok: false, code: 'IDENTITY_MISMATCH' });
      expect(unexpectedChanges(before, await snapshot(app.store), isFailedVerificationWrite)).toEqual([]);
    }
    // Even the caller's own, correct identity is refused while the caller is blocked.
    const own = DEMO_CITIZENS[4];
    const wait = expectTooMany(await tryAs(prober, own.name, own.idNumber), limit.windowSeconds);
    // Another caller is not affected.
    expect(await verifyIdentity(server.base, 'e2e-bystander', DEMO_CITIZENS[5])).toMatchObject({ verified: true });

    clock.advance(wait * 1000 + 1000);
    expect(await verifyIdentity(server.base, prober, own)).toMatchObject({ verified: true, name: own.name });
    expect(await ok(callFn(server.base, 'identity', prober, { action: 'status' }))).toMatchObject({ verified: true });
  });
});
