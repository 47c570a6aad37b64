/**
 * The relative's log (relatives.auditLog) is complete: a proxy cannot push entries out of it. 205
 * proxy reads (certificate.get with `for`) later, paging with the cursor still reaches `relatives.add`; every entry is visited
 * once, including many written in the same millisecond; entries written while she pages do not
 * shift the pages; operator actions on the relation are in it. On the SQLite store and on the
 * CloudBase adapter over its stand-in (the cursor's queries are plain comparisons on `at` and
 * `_id`, which both support), on an app built by createApp, through the function dispatch.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { call } from '../../node/local';
import { seedDemo } from '../../demo/seed';
import { createApp, type App } from '../../server/app';
import { ManualClock } from '../../server/clock';
import { DEMO_CITIZENS } from '../../demo/citizens';
import { FileSecretStore } from '../../server/keys/secrets';
import { DEFAULT_RELATIVE_LIMITS } from '../../server/relatives/service';
import { cloudbaseStore } from '../../server/store/cloudbase';
import { createCloudBaseStandIn } from '../support/cloudbase-standin';
import { openSqliteStore } from '../../server/store/sqlite';
import type { Store } from '../../server/store/store';
import { snapshot, unexpectedChanges } from '../e2e/helpers';
import { demoDocumentOf, documentInput, failed, ok } from './helpers';

const OPERATOR = 'log-operator';
const PROXY = { openid: 'log-proxy', citizen: DEMO_CITIZENS[0] };
const ELDER = { openid: 'log-elder', citizen: DEMO_CITIZENS.find((c) => c.birthDate < '1950-01-01')! };
const READS = 205;

interface Line {
  at: number;
  action: string;
  proxyName: string;
  relationship: string;
  proxyId: string;
  by: string;
}

const dirs: string[] = [];
const stores: Store[] = [];
afterAll(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe.each(['sqlite', 'cloudbase'] as const)('on the %s store', (storeKind) => {
  let app: App;
  let store: Store;
  let clock: ManualClock;
  let relationId: string;
  const as = (openid: string, fn: string, event: Record<string, unknown>) => call(app, fn, openid, event);

  /** Every page of her log from the first, `limit` at a time: the entries in order, and the pages' sizes. */
  async function allPages(limit?: number): Promise<{ entries: Line[]; pages: number[] }> {
    const entries: Line[] = [];
    const pages: number[] = [];
    let cursor: string | null = null;
    do {
      const page: { entries: Line[]; next: string | null } = await ok(
        as(ELDER.openid, 'relatives', { action: 'auditLog', ...(limit ? { limit } : {}), ...(cursor ? { cursor } : {}) }),
      );
      entries.push(...page.entries);
      pages.push(page.entries.length);
      cursor = page.next;
      if (pages.length > 100) throw new Error('the log does not end');
    } while (cursor);
    return { entries, pages };
  }

  async function logSize(): Promise<number> {
    return store.count('audit', { personId: app.personIds.personId(ELDER.citizen.idNumber), relativeLog: true });
  }

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), `ithc-relatives-log-${storeKind}-`));
    dirs.push(dir);
    store = storeKind === 'sqlite' ? openSqliteStore(join(dir, 'ithc.sqlite')) : cloudbaseStore(createCloudBaseStandIn({ throwOnNotFound: false }));
    stores.push(store);
    clock = new ManualClock(Date.now());
    app = await createApp({ store, secrets: new FileSecretStore(join(dir, 'secrets')), clock, config: { operators: [OPERATOR] } });
    await seedDemo(app);
    for (const p of [PROXY, ELDER]) {
      const person = { name: p.citizen.name, idNumber: p.citizen.idNumber };
      const s = await ok(as(p.openid, 'identity', { action: 'beginFaceCheck', ...person }));
      await ok(as(p.openid, 'identity', { action: 'verify', ...person, faceToken: s.faceToken }));
    }
    const elder = { name: ELDER.citizen.name, idNumber: ELDER.citizen.idNumber };
    const s = await ok(as(PROXY.openid, 'relatives', { action: 'beginFaceCheck', ...elder }));
    clock.advance(1000);
    relationId = (await ok(as(PROXY.openid, 'relatives', { action: 'add', ...elder, relationship: 'parent', faceToken: s.faceToken, consent: true }))).id;
    clock.advance(1000);
    // Her passport bound, every certificate.get with `for` reaches her data (and answers null: nothing was issued).
    await ok(as(PROXY.openid, 'relatives', { action: 'bindDocument', for: relationId, ...documentInput(demoDocumentOf(ELDER.citizen, clock.now())) }));
  }, 120_000);

  test(`${READS} proxy reads later, paging from the first page reaches relatives.add, and visits every entry once, newest first`, async () => {
    // Reads in bursts within one millisecond, as a script would send them: many entries share a time.
    for (let i = 0; i < READS; i++) {
      if (i % 40 === 0) clock.advance(1);
      await ok(as(PROXY.openid, 'certificate', { action: 'get', for: relationId }));
    }
    const total = await logSize();
    expect(total).toBe(READS + 2);
    expect(total).toBeGreaterThan(DEFAULT_RELATIVE_LIMITS.auditLogMax);

    for (const limit of [undefined, 7, DEFAULT_RELATIVE_LIMITS.auditLogMax]) {
      const { entries, pages } = await allPages(limit);
      const size = limit ?? DEFAULT_RELATIVE_LIMITS.auditLogDefault;
      expect({ limit, visited: entries.length }).toEqual({ limit, visited: total });
      expect(pages.slice(0, -1).every((n) => n === size)).toBe(true);
      expect(entries.map((e) => e.action).slice(-3)).toEqual(['certificate.get', 'relatives.bindDocument', 'relatives.add']);
      expect(entries[entries.length - 1]).toMatchObject({ action: 'relatives.add', by: 'proxy', proxyId: relationId, proxyName: PROXY.citizen.name });
      expect(entries.filter((e) => e.action === 'certificate.get')).toHaveLength(READS);
      const times = entries.map((e) => e.at);
      expect([...times].sort((a, b) => b - a)).toEqual(times);
    }
  }, 120_000);

  test('entries written while she pages come before her first page and do not shift the pages after it', async () => {
    const before = (await allPages(25)).entries;
    const first: { entries: Line[]; next: string } = await ok(as(ELDER.openid, 'relatives', { action: 'auditLog', limit: 25 }));
    // The proxy keeps reading, in the same millisecond as the entries she is paging through.
    for (let i = 0; i < 30; i++) await ok(as(PROXY.openid, 'certificate', { action: 'get', for: relationId }));
    const rest: Line[] = [];
    let cursor: string | null = first.next;
    while (cursor) {
      const page: { entries: Line[]; next: string | null } = await ok(as(ELDER.openid, 'relatives', { action: 'auditLog', limit: 25, cursor }));
      rest.push(...page.entries);
      cursor = page.next;
    }
    expect([...first.entries, ...rest]).toEqual(before);
    expect(await logSize()).toBe(before.length + 30);
  }, 60_000);

  test('a cursor that is not one of ours is refused (VALIDATION_FAILED naming cursor), writing nothing', async () => {
    const before = await snapshot(store);
    const forged = [
      'not a cursor',
      'x'.repeat(257),
      Buffer.from('12:../../etc', 'utf8').toString('base64url'),
      Buffer.from('-1:abc', 'utf8').toString('base64url'),
      Buffer.from('99999999999999999:abc', 'utf8').toString('base64url'),
      Buffer.from(`1:${'a'.repeat(129)}`, 'utf8').toString('base64url'),
    ];
    for (const cursor of forged) {
      const e = await failed(as(ELDER.openid, 'relatives', { action: 'auditLog', cursor }));
      expect({ cursor: cursor.slice(0, 20), code: e.code, fields: Object.keys(e.fields ?? {}) }).toEqual({
        cursor: cursor.slice(0, 20),
        code: 'VALIDATION_FAILED',
        fields: ['cursor'],
      });
    }
    // A well-formed cursor only ever positions the caller's own log: the proxy reads nothing of hers with it.
    const hers: { next: string } = await ok(as(ELDER.openid, 'relatives', { action: 'auditLog', limit: 1 }));
    expect(await ok(as(PROXY.openid, 'relatives', { action: 'auditLog', cursor: hers.next }))).toEqual({ entries: [], next: null });
    expect(unexpectedChanges(before, await snapshot(store))).toEqual([]);
  });

  test('operator actions on the relation are in it: an operator releasing the proxy’s identity ends the relation, and her log says who and what', async () => {
    clock.advance(1000);
    await ok(as(OPERATOR, 'admin', { action: 'releaseIdentity', idNumber: PROXY.citizen.idNumber, reason: '账号被盗，本人申请' }));
    const [last] = (await allPages()).entries;
    expect(last).toEqual({
      at: clock.now(),
      action: 'admin.releaseIdentity',
      proxyName: PROXY.citizen.name,
      relationship: 'parent',
      proxyId: relationId,
      by: 'operator',
    });
    expect(await ok(as(ELDER.openid, 'relatives', { action: 'proxies' }))).toEqual([]);
    expect((await failed(as(PROXY.openid, 'certificate', { action: 'get', for: relationId }))).code).toBe('IDENTITY_REQUIRED');
  });
});
