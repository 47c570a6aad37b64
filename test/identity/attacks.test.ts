/**
 * The attacks on the person → account link, each through the function dispatch the cloud
 * functions and the gateway use, on an app built by createApp (the production wiring), on the
 * SQLite store and on the CloudBase adapter over its stand-in, and with either identity provider:
 * the local stand-in, and the WeChat adapter (server/identity/wechat-facial.ts) over a fake
 * WeChat that answers as WeChat documents it — a verify_id passes for the openid and cert_hash it
 * was issued for, as often as it is asked. The provider is wrapped to count its calls and, where a
 * test says so, to answer 150 ms late as a WeChat round trip does (a real timer).
 *
 * Each attack fails with a typed error; where it is refused before a face check would be asked,
 * nothing is written (the whole store compared before and after).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { call } from '../../node/local';
import { seedDemo } from '../../demo/seed';
import { createApp, type App } from '../../server/app';
import { ManualClock } from '../../server/clock';
import type { Envelope } from '../../server/functions/router';
import { buildResidentId, DEMO_CITIZENS, type DemoCitizen } from '../../demo/citizens';
import { LocalIdentityProvider } from '../../server/identity/local';
import { userIdFor } from '../../server/identity/person-id';
import type { ConfirmRequest, FaceCheckRequest, IdentityOutcome, IdentityProvider } from '../../server/identity/provider';
import { DEFAULT_IDENTITY_LIMITS } from '../../server/identity/service';
import { GET_VERIFY_ID_PATH, WechatFacialProvider, certHash, type WechatFacePath, type WechatOpenApiClient } from '../../server/identity/wechat-facial';
import { FileSecretStore } from '../../server/keys/secrets';
import { cloudbaseStore } from '../../server/store/cloudbase';
import { createCloudBaseStandIn } from '../support/cloudbase-standin';
import { openSqliteStore } from '../../server/store/sqlite';
import type { Store } from '../../server/store/store';
import { snapshot, unexpectedChanges } from '../e2e/helpers';

const OPERATOR = 'attack-operator';
/** The relative (王秀英); each test below uses demo citizens of its own besides her and the proxy. */
const ELDER = DEMO_CITIZENS.find((c) => c.birthDate < '1950-01-01')!;

/** Counts confirm calls and, while `delayMs` is set, answers that much later. */
class CountingProvider implements IdentityProvider {
  readonly kind: IdentityProvider['kind'];
  delayMs = 0;
  confirms = 0;
  constructor(private readonly inner: IdentityProvider) {
    this.kind = inner.kind;
  }
  beginFaceCheck(req: FaceCheckRequest) {
    return this.inner.beginFaceCheck(req);
  }
  async confirm(req: ConfirmRequest): Promise<IdentityOutcome> {
    this.confirms++;
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    return this.inner.confirm(req);
  }
}

/** WeChat's face-verification API as documented: a verify_id answers for its own openid and cert_hash only. */
class FakeWeChat implements WechatOpenApiClient {
  private readonly issued = new Map<string, { seq: unknown; openid: unknown; hash: string }>();
  private n = 0;
  async post(path: WechatFacePath, body: Record<string, any>): Promise<Record<string, unknown>> {
    if (path === GET_VERIFY_ID_PATH) {
      const id = `VID${++this.n}`;
      this.issued.set(id, { seq: body.out_seq_no, openid: body.openid, hash: certHash('IDENTITY_CARD', body.cert_info.cert_name, body.cert_info.cert_no) });
      return { errcode: 0, verify_id: id, expires_in: 3600 };
    }
    const s = this.issued.get(body.verify_id);
    if (!s || s.seq !== body.out_seq_no || s.openid !== body.openid || s.hash !== body.cert_hash) return { errcode: 84001, errmsg: 'verify_id does not match' };
    return { errcode: 0, verify_ret: 10000 };
  }
}

interface Rig {
  app: App;
  store: Store;
  clock: ManualClock;
  provider: CountingProvider;
  call(fn: string, openid: string, event: Record<string, unknown>): Promise<Envelope>;
}

const dirs: string[] = [];
const stores: Store[] = [];
afterAll(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function rig(storeKind: 'sqlite' | 'cloudbase', providerKind: 'local' | 'wechat-facial'): Promise<Rig> {
  const dir = mkdtempSync(join(tmpdir(), `ithc-attacks-${storeKind}-${providerKind}-`));
  dirs.push(dir);
  const store = storeKind === 'sqlite' ? openSqliteStore(join(dir, 'ithc.sqlite')) : cloudbaseStore(createCloudBaseStandIn({ throwOnNotFound: false }));
  stores.push(store);
  const clock = new ManualClock(Date.now());
  let seq = 0;
  const inner =
    providerKind === 'local'
      ? new LocalIdentityProvider({ store, clock })
      : new WechatFacialProvider({ client: new FakeWeChat(), clock, newSeqNo: () => `seq_${++seq}_attack` });
  const provider = new CountingProvider(inner);
  const app = await createApp({
    store,
    secrets: new FileSecretStore(join(dir, 'secrets')),
    clock,
    identityProvider: provider,
    config: { operators: [OPERATOR] },
  });
  await seedDemo(app);
  return { app, store, clock, provider, call: (fn, openid, event) => call(app, fn, openid, event) };
}

async function ok<T = any>(p: Promise<Envelope>): Promise<T> {
  const env = await p;
  if (!env.ok) throw new Error(`expected success, got ${env.error.code}: ${env.error.message}`);
  return env.data as T;
}

async function code(p: Promise<Envelope>): Promise<string> {
  const env = await p;
  if (env.ok) throw new Error(`expected a refusal, got ${JSON.stringify(env.data).slice(0, 200)}`);
  return env.error.code;
}

const person = (c: Pick<DemoCitizen, 'name' | 'idNumber'>) => ({ name: c.name, idNumber: c.idNumber });

async function faceToken(r: Rig, fn: 'identity' | 'relatives', openid: string, c: Pick<DemoCitizen, 'name' | 'idNumber'>): Promise<string> {
  return (await ok(r.call(fn, openid, { action: 'beginFaceCheck', ...person(c) }))).faceToken;
}

async function verify(r: Rig, openid: string, c: Pick<DemoCitizen, 'name' | 'idNumber'>) {
  return ok(r.call('identity', openid, { action: 'verify', ...person(c), faceToken: await faceToken(r, 'identity', openid, c) }));
}

describe.each([
  ['sqlite', 'local'],
  ['sqlite', 'wechat-facial'],
  ['cloudbase', 'local'],
  ['cloudbase', 'wechat-facial'],
] as const)('on the %s store with the %s provider', (storeKind, providerKind) => {
  let r: Rig;
  const proxy = DEMO_CITIZENS[0];

  beforeAll(async () => {
    r = await rig(storeKind, providerKind);
    await verify(r, 'a-proxy', proxy);
  }, 60_000);

  test('a relative’s face-check token sent to identity.verify as the relative: FACE_TOKEN_INVALID, the provider not asked, nothing written', async () => {
    const token = await faceToken(r, 'relatives', 'a-proxy', ELDER);
    const asked = r.provider.confirms;
    const before = await snapshot(r.store);
    expect(await code(r.call('identity', 'a-proxy', { action: 'verify', ...person(ELDER), faceToken: token }))).toBe('FACE_TOKEN_INVALID');
    expect(unexpectedChanges(before, await snapshot(r.store))).toEqual([]);
    expect(r.provider.confirms).toBe(asked);
    expect(await ok(r.call('identity', 'a-proxy', { action: 'status' }))).toMatchObject({ verified: true, name: proxy.name });
    // And another caller cannot use it to add her either.
    await verify(r, 'a-second', DEMO_CITIZENS[1]);
    const before2 = await snapshot(r.store);
    expect(await code(r.call('relatives', 'a-second', { action: 'add', ...person(ELDER), relationship: 'parent', consent: true, faceToken: token }))).toBe(
      'FACE_TOKEN_INVALID',
    );
    expect(unexpectedChanges(before2, await snapshot(r.store))).toEqual([]);
  });

  test('a face-check token verifies once: the second use is FACE_TOKEN_INVALID, the provider not asked again, nothing written', async () => {
    const c = DEMO_CITIZENS[6];
    const token = await faceToken(r, 'identity', 'a-once', c);
    await ok(r.call('identity', 'a-once', { action: 'verify', ...person(c), faceToken: token }));
    const asked = r.provider.confirms;
    const before = await snapshot(r.store);
    expect(await code(r.call('identity', 'a-once', { action: 'verify', ...person(c), faceToken: token }))).toBe('FACE_TOKEN_INVALID');
    expect(unexpectedChanges(before, await snapshot(r.store))).toEqual([]);
    expect(r.provider.confirms).toBe(asked);
  });

  test('re-adding a relative after she ended the proxy needs her again: the old token is FACE_TOKEN_INVALID, nothing written', async () => {
    const token = await faceToken(r, 'relatives', 'a-proxy', ELDER);
    const rel = await ok(r.call('relatives', 'a-proxy', { action: 'add', ...person(ELDER), relationship: 'parent', consent: true, faceToken: token }));
    await verify(r, 'a-elder', ELDER);
    await ok(r.call('relatives', 'a-elder', { action: 'endProxy', id: rel.id }));
    const before = await snapshot(r.store);
    expect(await code(r.call('relatives', 'a-proxy', { action: 'add', ...person(ELDER), relationship: 'parent', consent: true, faceToken: token }))).toBe(
      'FACE_TOKEN_INVALID',
    );
    expect(unexpectedChanges(before, await snapshot(r.store))).toEqual([]);
    // With her present again (a fresh face check) it works.
    await ok(
      r.call('relatives', 'a-proxy', {
        action: 'add',
        ...person(ELDER),
        relationship: 'parent',
        consent: true,
        faceToken: await faceToken(r, 'relatives', 'a-proxy', ELDER),
      }),
    );
  });

  test('five accounts verifying as the same person at the same moment (each provider answer 150 ms late): exactly one succeeds, the others get IDENTITY_IN_USE and keep nothing', async () => {
    const c = DEMO_CITIZENS[3];
    const accounts = ['a-race-0', 'a-race-1', 'a-race-2', 'a-race-3', 'a-race-4'];
    const tokens = await Promise.all(accounts.map((a) => faceToken(r, 'identity', a, c)));
    r.provider.delayMs = 150;
    let results: Envelope[];
    try {
      results = await Promise.all(accounts.map((a, i) => r.call('identity', a, { action: 'verify', ...person(c), faceToken: tokens[i] })));
    } finally {
      r.provider.delayMs = 0;
    }
    const winners = accounts.filter((_, i) => results[i].ok);
    expect(winners).toHaveLength(1);
    expect(results.filter((x) => !x.ok).map((x) => (x.ok ? null : x.error.code))).toEqual(Array(4).fill('IDENTITY_IN_USE'));
    const personId = r.app.personIds.personId(c.idNumber);
    expect(await r.store.get('identityBindings', personId)).toMatchObject({ userId: userIdFor(winners[0]) });
    for (const [i, a] of accounts.entries()) {
      if (a === winners[0]) continue;
      expect(await r.store.get('users', userIdFor(a))).toBeNull();
      // Their face check is given back unused, and no failure is counted against them.
      expect(await r.store.get('faceChecks', tokens[i])).toMatchObject({ status: 'open' });
      expect(await r.store.get('faceChecks', tokens[i])).not.toHaveProperty('claim');
      expect(await r.store.count('attempts', { scope: 'identity-failure' })).toBe(0);
    }
  }, 30_000);

  test('an operator releases the identity from the account that holds it; then another account verifies, and the first shows it was released', async () => {
    const c = DEMO_CITIZENS[4];
    await verify(r, 'a-lost-phone', c);
    expect(await code(r.call('admin', 'a-new-phone', { action: 'releaseIdentity', idNumber: c.idNumber, reason: '丢失手机' }))).toBe('FORBIDDEN');
    const token = await faceToken(r, 'identity', 'a-new-phone', c);
    expect(await code(r.call('identity', 'a-new-phone', { action: 'verify', ...person(c), faceToken: token }))).toBe('IDENTITY_IN_USE');
    expect(await ok(r.call('admin', OPERATOR, { action: 'releaseIdentity', idNumber: c.idNumber, reason: '本人持身份证到窗口申请，原手机丢失' }))).toEqual({
      released: true,
    });
    // The token the refusal gave back works now.
    expect(await ok(r.call('identity', 'a-new-phone', { action: 'verify', ...person(c), faceToken: token }))).toMatchObject({ verified: true, name: c.name });
    expect(await ok(r.call('identity', 'a-lost-phone', { action: 'status' }))).toMatchObject({ verified: false, released: { by: 'operator' } });
    expect(await code(r.call('certificate', 'a-lost-phone', { action: 'get' }))).toBe('IDENTITY_REQUIRED');
  });
});

describe.each(['sqlite', 'cloudbase'] as const)('attempt limits on the %s store, with the local provider answering 150 ms late', (storeKind) => {
  let r: Rig;
  beforeAll(async () => {
    r = await rig(storeKind, 'local');
  }, 60_000);

  test('strangers who know a person’s ID number cannot lock the person out', async () => {
    const target = DEMO_CITIZENS[5];
    const limit = DEFAULT_IDENTITY_LIMITS.failuresPerIdNumberAndCaller;
    for (let a = 0; a < 3; a++) {
      for (let i = 0; i < limit.max; i++)
        expect(
          await code(
            r.call('identity', `a-stranger-${a}`, {
              action: 'verify',
              name: '王秀芳',
              idNumber: target.idNumber,
              faceToken: await faceToken(r, 'identity', `a-stranger-${a}`, { name: '王秀芳', idNumber: target.idNumber }),
            }),
          ),
        ).toBe('IDENTITY_MISMATCH');
      const before = await snapshot(r.store);
      expect(await code(r.call('identity', `a-stranger-${a}`, { action: 'beginFaceCheck', name: '王秀芳', idNumber: target.idNumber }))).toBe(
        'TOO_MANY_ATTEMPTS',
      );
      expect(unexpectedChanges(before, await snapshot(r.store))).toEqual([]);
    }
    // Also junk tokens, as many as anyone likes: refused, nothing written, nothing counted.
    const before = await snapshot(r.store);
    for (let i = 0; i < 10; i++)
      expect(await code(r.call('identity', 'a-stranger-junk', { action: 'verify', ...person(target), faceToken: `junk-${i}` }))).toBe('FACE_TOKEN_INVALID');
    expect(unexpectedChanges(before, await snapshot(r.store))).toEqual([]);
    // The person, on their own account: face check and verification go through.
    expect(await verify(r, 'a-target-own', target)).toMatchObject({ verified: true, name: target.name });
  }, 30_000);

  test.each([
    ['one caller and one ID number', 'failuresPerIdNumberAndCaller', (i: number) => ({ name: '王秀芳', idNumber: DEMO_CITIZENS[6].idNumber, i })],
    [
      'one caller, many ID numbers',
      'failuresPerCaller',
      (i: number) => ({ name: '赵六', idNumber: buildResidentId(DEMO_CITIZENS[3].regionCode, DEMO_CITIZENS[3].birthDate, 700 + i), i }),
    ],
  ] as const)(
    '50 parallel verifications (%s): the provider is reached exactly as often as the limit allows',
    async (label, limitName, claimed) => {
      const limit = DEFAULT_IDENTITY_LIMITS[limitName];
      const caller = `a-burst-${limitName}`;
      // As many face checks as the caller may open (each its own token), then 50 verifications over them at once.
      const sessions = DEFAULT_IDENTITY_LIMITS.faceChecksPerCaller.max;
      expect(sessions).toBeGreaterThan(limit.max);
      const claims = Array.from({ length: sessions }, (_, i) => claimed(i));
      const tokens: string[] = [];
      for (const c of claims) tokens.push(await faceToken(r, 'identity', caller, c));
      const asked = r.provider.confirms;
      r.provider.delayMs = 150;
      let results: Envelope[];
      try {
        results = await Promise.all(
          Array.from({ length: 50 }, (_, i) =>
            r.call('identity', caller, {
              action: 'verify',
              name: claims[i % sessions].name,
              idNumber: claims[i % sessions].idNumber,
              faceToken: tokens[i % sessions],
            }),
          ),
        );
      } finally {
        r.provider.delayMs = 0;
      }
      expect({ label, reached: r.provider.confirms - asked }).toEqual({ label, reached: limit.max });
      const codes = results.map((x) => (x.ok ? 'ok' : x.error.code));
      expect(codes.filter((c) => c === 'IDENTITY_MISMATCH')).toHaveLength(limit.max);
      expect(codes.every((c) => ['IDENTITY_MISMATCH', 'TOO_MANY_ATTEMPTS', 'FACE_TOKEN_INVALID'].includes(c))).toBe(true);
      // Every reservation was settled: the counter holds exactly the failures, nothing in flight.
      const counter = await r.store.get(
        'attempts',
        limitName === 'failuresPerCaller'
          ? `identity-failure:caller:${userIdFor(caller)}`
          : `identity-failure:person-caller:${r.app.personIds.personId(claims[0].idNumber)}:${userIdFor(caller)}`,
      );
      expect(counter).toMatchObject({ count: limit.max });
      expect(counter).not.toHaveProperty('pending');
    },
    60_000,
  );
});
