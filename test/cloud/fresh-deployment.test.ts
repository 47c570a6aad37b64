/**
 * A fresh deployment, as an operator makes one (docs/deploy.md), on the BUILT cloud functions
 * (cloudfunctions/<name>/index.js after `npm run build`), loaded by a stand-in of WeChat's runtime
 * (test/cloud/deployment/host.ts) with a stand-in wx-server-sdk over an empty CloudBase database
 * stand-in. The functions' environment holds read-only variables only: the KEK, the public
 * address, the first operator's public key and OPENID, the WeChat AppID and AppSecret. What stands
 * in: the database, cloud storage, WeChat's facial verification and the passage of time; nothing
 * else. The operator's side is `ithc provision` and `ithc keys` (in process) over HTTP.
 *
 * Steps, in order, sharing one deployment:
 *   start refused without a public address → initialise → keys (offline CSCA) → import the
 *   registries → add a source → identity → bind → signed ingestion over HTTP → issue → PDF →
 *   housekeeping timer → operators → rotation with pre-publication → revoke → both trust lists →
 *   no secret anywhere but wrapped.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromBase64 } from '../../core/bytes';
import { validateDccSchema } from '../../core/dcc-schema';
import { verifyCode } from '../../core/hcert';
import { KeyStore } from '../../core/keys';
import { verifyTrustList, type VerifiedTrustList } from '../../core/trustlist';
import { nodeCrypto } from '../../node/crypto-node';
import { DEMO_DOCUMENTS } from '../../demo/documents';
import { DEMO_CITIZENS } from '../../demo/citizens';
import { chinaDate } from '../../core/resident-id';
import { decodeSourceKey, signRequest } from '../../server/ingest/signature';
import { COLLECTIONS } from '../../server/store/store';
import { runMain } from '../cli/helpers';
import { deploy, type Deployment, type Envelope } from './deployment/harness';

const DAY = 86_400_000;
const PUBLIC = 'https://ithc.example.org';
const OPERATOR = 'o-operator-1';
const APP_SECRET = randomBytes(16).toString('hex');

let dir: string;
let d: Deployment;
let kek: string;
let env: Record<string, string>;
/** Every answer a client or the operator received, as text. */
const answers: string[] = [];
/** Every line the functions logged. */
const logs: string[] = [];

const path = (name: string) => join(dir, name);

/**
 * Time passes for the cloud and the operator alike: the stand-in runtime's clock moves, and so does
 * this process's (the operator's tools sign with it, `ithc keys certify` dates with it).
 */
const realNow = Date.now.bind(Date);
let offset = 0;
async function advance(ms: number): Promise<void> {
  offset += ms;
  await d.advance(ms);
}

async function call(fn: string, event: Record<string, unknown>, openid: string): Promise<Envelope> {
  const res = await d.call(fn, event, openid);
  answers.push(JSON.stringify(res));
  return res;
}

async function data<T = any>(p: Promise<Envelope>): Promise<T> {
  const res = await p;
  if (!res.ok) throw new Error(`${res.error.code}: ${res.error.message}${res.error.code === 'INTERNAL' ? `\n${(await d.logs()).join('\n')}` : ''}`);
  return res.data as T;
}

/** `ithc ...` as the operator runs it, against the deployment's HTTP address. */
async function ithc(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const r = await runMain(args);
  answers.push(r.stdout, r.stderr);
  return r;
}

const provision = (...args: string[]) => ithc('provision', ...args, '--url', d.url, '--key', path('operator.key'));

async function get(p: string): Promise<{ status: number; body: any; text: string }> {
  const res = await fetch(`${d.url}${p}`);
  const text = await res.text();
  answers.push(text);
  return { status: res.status, text, body: text ? JSON.parse(text) : null };
}

async function verifiedList(): Promise<VerifiedTrustList> {
  const { status, body } = await get('/trustlist/signed');
  expect(status).toBe(200);
  return verifyTrustList(body, { cscas: [pemDer(readFileSync(path('csca.pem'), 'utf8'))], now: Math.floor((await d.now()) / 1000), crypto: nodeCrypto });
}

function pemDer(pem: string): Uint8Array {
  return fromBase64(pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''));
}

async function verify(list: VerifiedTrustList, code: string) {
  return verifyCode(code, {
    keys: new KeyStore(list.keys),
    now: Math.floor((await d.now()) / 1000),
    crypto: nodeCrypto,
    validateDccSchema,
    revocation: list.revocation,
  });
}

beforeAll(async () => {
  jest.spyOn(Date, 'now').mockImplementation(() => realNow() + offset);
  dir = mkdtempSync(join(tmpdir(), 'ithc-fresh-'));
  mkdirSync(path('offline'));
  // The operator's secrets, made on the operator's machines.
  expect((await ithc('keys', 'new-kek', '--out', path('kek.txt'))).code).toBe(0);
  kek = readFileSync(path('kek.txt'), 'utf8').trim();
  const keygen = await ithc('provision', 'keygen', '--key-out', path('operator.key'));
  expect(keygen.code).toBe(0);
  expect(statSync(path('operator.key')).mode & 0o777).toBe(0o600);
  env = {
    ITHC_SECRET_KEK: kek,
    ITHC_PUBLIC_BASE_URL: PUBLIC,
    ITHC_OPERATORS: OPERATOR,
    ITHC_OPERATOR_KEYS: keygen.stdout.trim(),
    ITHC_WECHAT_APPID: 'wx0123456789abcdef',
    ITHC_SECRET_WECHAT_APPSECRET: APP_SECRET,
  };
}, 60_000);

afterAll(async () => {
  jest.restoreAllMocks();
  await d?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('a function does not start without a public address, or with a loopback one, and says which variable to set', async () => {
  const { ITHC_PUBLIC_BASE_URL: _, ...withoutAddress } = env;
  void _;
  const variants: Array<Record<string, string>> = [{}, { ITHC_PUBLIC_BASE_URL: 'http://127.0.0.1:8787' }, { ITHC_PUBLIC_BASE_URL: 'https://localhost' }];
  for (const bad of variants) {
    const broken = await deploy({ ...withoutAddress, ...bad });
    try {
      for (const fn of ['certificate', 'trustlist', 'identity'])
        await expect(broken.call(fn, { action: 'get' }, 'o-someone')).rejects.toThrow(/ITHC_PUBLIC_BASE_URL/);
    } finally {
      await broken.stop();
    }
  }
  // Nor without the KEK where keys are opened (the trust list), naming it.
  const { ITHC_SECRET_KEK: __, ...noKek } = env;
  void __;
  const broken = await deploy(noKek);
  try {
    await expect(broken.call('trustlist', { action: 'get' }, '')).rejects.toThrow(/ITHC_SECRET_KEK/);
  } finally {
    await broken.stop();
  }
}, 120_000);

test('an empty environment: nothing works before init; init creates every collection, checks the environment, and says what is left; again it changes nothing', async () => {
  d = await deploy(env);
  // A fresh CloudBase database has no collections: a function that needs one cannot start yet.
  await expect(d.call('identity', { action: 'status' }, 'o-traveller-1')).rejects.toThrow(/COLLECTION_NOT_EXIST/);

  // Not an operator: refused, nothing made.
  const stranger = await call('admin', { action: 'init' }, 'o-stranger');
  expect(!stranger.ok && stranger.error.code).toBe('FORBIDDEN');

  const first = await provision('init');
  expect(first.code).toBe(0);
  const report = JSON.parse(first.stdout);
  expect(report.environment).toMatchObject({ function: 'admin', ok: true });
  expect(report.collections.map((c: { name: string }) => c.name)).toEqual([...COLLECTIONS]);
  // All made now, but the one the operator's signed request needed first (its nonce).
  expect(report.collections.filter((c: { status: string }) => c.status !== 'created').map((c: { name: string }) => c.name)).toEqual(['ingestNonces']);
  expect(report.collections.every((c: { permission: string; clientWritten: number }) => c.permission === 'ADMINONLY' && c.clientWritten === 0)).toBe(true);
  expect(report.permissions.commands).toContain('tcb permission set collection:citizens --level adminonly -e $ENV_ID');
  expect(report.keys).toEqual({ csca: false, dsc: false, ithcDsc: false, trustListSigner: false });
  expect(report.next.join('\n')).toMatch(/install-csca[\s\S]*import-documents[\s\S]*import-citizens[\s\S]*add-source/);
  expect((await call('identity', { action: 'status' }, 'o-traveller-1')).ok).toBe(true);

  const second = JSON.parse((await provision('init')).stdout);
  expect(second.collections.every((c: { status: string }) => c.status === 'existed')).toBe(true);
  // The bootstrap WeChat operator may run it too, from the mini program.
  expect((await call('admin', { action: 'init' }, OPERATOR)).ok).toBe(true);
}, 120_000);

test('keys: the CSCA made offline is installed; a DSC per format (HC1, ITHC1) and a trust-list signer are requested, certified offline and installed', async () => {
  expect((await ithc('keys', 'create-csca', '--key-out', path('offline/csca.key'), '--cert-out', path('csca.pem'))).code).toBe(0);
  expect((await provision('install-csca', path('csca.pem'))).code).toBe(0);
  for (const kind of ['dsc', 'ithc-dsc', 'trustlist-signer'] as const) {
    const pending = await provision('rotate-key', '--kind', kind, '--csr-out', path(`${kind}-1.csr`));
    expect(pending.code).toBe(0);
    expect(JSON.parse(pending.stdout).status).toBe('pending-certification');
    expect(
      (
        await ithc(
          'keys',
          'certify',
          path(`${kind}-1.csr`),
          '--profile',
          kind,
          '--csca',
          path('csca.pem'),
          '--csca-key',
          path('offline/csca.key'),
          '--out',
          path(`${kind}-1.pem`),
        )
      ).code,
    ).toBe(0);
    const installed = await provision('install-certificate', path(`${kind}-1.pem`));
    expect(installed.code).toBe(0);
    expect(JSON.parse(installed.stdout).status).toBe('active');
  }
  expect(JSON.parse((await provision('init')).stdout).keys).toEqual({ csca: true, dsc: true, ithcDsc: true, trustListSigner: true });
}, 120_000);

test('the registries: every row checked before anything is sent; the valid export imported; a second run changes nothing', async () => {
  const today = chinaDate(await d.now());
  const docs = DEMO_DOCUMENTS.filter((x) => x.status === 'valid' && x.expiresOn > today);
  const columns = ['type', 'number', 'holderIdNumber', 'surname', 'givenNames', 'birthDate', 'sex', 'issuedOn', 'expiresOn', 'status'] as const;
  const csv = (rows: ReadonlyArray<Record<(typeof columns)[number], string>>) =>
    [columns.join(','), ...rows.map((r) => columns.map((c) => r[c]).join(','))].join('\r\n') + '\r\n';
  // One row with its sex contradicting the ID number: the whole file is refused, nothing sent.
  const wrong = { ...docs[0], number: 'E99999999', sex: docs[0].sex === 'male' ? 'female' : 'male' };
  writeFileSync(path('documents-bad.csv'), csv([...docs, wrong]));
  const refused = await provision('import-documents', path('documents-bad.csv'));
  expect(refused.code).toBe(1);
  expect(refused.stderr).toContain(`documents-bad.csv:${docs.length + 2}: sex: MISMATCH`);
  expect(await d.dump('documentRegistry')).toEqual([]);

  writeFileSync(path('documents.csv'), csv(docs));
  const imported = await provision('import-documents', path('documents.csv'));
  expect(imported.code).toBe(0);
  expect(JSON.parse(imported.stdout)).toMatchObject({ rows: docs.length, sent: docs.length, created: docs.length, updated: 0, unchanged: 0 });
  expect(JSON.parse((await provision('import-documents', path('documents.csv'))).stdout)).toMatchObject({ created: 0, unchanged: docs.length });

  writeFileSync(path('citizens.jsonl'), DEMO_CITIZENS.map((c) => JSON.stringify({ idNumber: c.idNumber, name: c.name, status: 'active' })).join('\n') + '\n');
  const citizens = await provision('import-citizens', path('citizens.jsonl'));
  expect(citizens.code).toBe(0);
  expect(JSON.parse(citizens.stdout)).toMatchObject({ created: DEMO_CITIZENS.length });
}, 120_000);

let labKey: Uint8Array;
const LAB = 'lab-beijing-chaoyang-cdc';

test('a lab is added and its key written once to a 0600 file; adding it again shows no key', async () => {
  const added = await provision('add-source', '--id', LAB, '--name', '北京市朝阳区疾病预防控制中心', '--type', 'lab', '--key-out', path('lab.key'));
  expect(added.code).toBe(0);
  expect(JSON.parse(added.stdout)).toMatchObject({
    outcome: 'added',
    source: { id: LAB, type: 'lab', country: 'CN', accepts: ['naat', 'igg'], active: true, hasKey: true },
  });
  expect(statSync(path('lab.key')).mode & 0o777).toBe(0o600);
  labKey = decodeSourceKey(readFileSync(path('lab.key'), 'utf8'));
  const again = await provision('add-source', '--id', LAB, '--name', '北京市朝阳区疾病预防控制中心', '--type', 'lab', '--key-out', path('lab-again.key'));
  expect(again.code).toBe(0);
  expect(JSON.parse(again.stdout).outcome).toBe('unchanged');
  expect(() => statSync(path('lab-again.key'))).toThrow();
}, 60_000);

/** A traveller verified with WeChat's facial verification, then their passport bound. */
async function traveller(i: number, openid: string): Promise<void> {
  const c = DEMO_CITIZENS[i];
  const begun = await data<{ verifyId: string; faceToken: string; provider: string }>(
    call('identity', { action: 'beginFaceCheck', name: c.name, idNumber: c.idNumber }, openid),
  );
  expect(begun.provider).toBe('wechat-facial');
  // (wx.requestFacialVerify({verifyId}) on the phone; the stand-in of WeChat answers it passed.)
  const verified = await data(call('identity', { action: 'verify', name: c.name, idNumber: c.idNumber, faceToken: begun.faceToken }, openid));
  expect(verified).toMatchObject({ verified: true, name: c.name });
  const today = chinaDate(await d.now());
  const doc = DEMO_DOCUMENTS.find((x) => x.holderIdNumber === c.idNumber && x.status === 'valid' && x.expiresOn > today)!;
  const bound = await data(call('document', { action: 'bind', type: doc.type, number: doc.number, expiry: doc.expiresOn, mrz: doc.mrz }, openid));
  expect(bound).toMatchObject({ number: doc.number });
}

/** The lab sends a NAAT result for citizen `i`, signed, over HTTP (the ingest function's HTTP event). */
async function ingest(i: number, tag: string): Promise<{ status: number; body: any }> {
  const now = await d.now();
  const c = DEMO_CITIZENS[i];
  const sampled = new Date(now - 3 * 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const body = new TextEncoder().encode(
    JSON.stringify({
      records: [
        {
          kind: 'naat',
          sourceRecordId: `HS-${tag}`,
          person: { idNumber: c.idNumber, name: c.name },
          sampledAt: sampled,
          result: '260415000',
          centre: '北京市朝阳区疾病预防控制中心核酸检测实验室',
        },
      ],
    }),
  );
  const headers = signRequest({ method: 'POST', path: '/ingest/records', body, sourceId: LAB, key: labKey, now });
  const send = async () => {
    const res = await fetch(`${d.url}/ingest/records`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body });
    const text = await res.text();
    answers.push(text);
    return { status: res.status, body: JSON.parse(text) };
  };
  const first = await send();
  // The same request again is a replay.
  const replay = await send();
  expect(replay.status).toBe(409);
  expect(replay.body.error.code).toBe('REPLAYED');
  return first;
}

let issued: { id: string; kid: string; codes: { ithc: string; dcc: Array<{ code: string }> } };

test('identity, binding, signed ingestion over HTTP, issuance: the certificate verifies with the signed trust list and the CSCA alone', async () => {
  await traveller(0, 'o-traveller-1');
  const sent = await ingest(0, 'A1');
  expect(sent.status).toBe(200);
  expect(sent.body).toMatchObject({ ok: true, data: { accepted: 1, rejected: [] } });
  issued = await data(call('certificate', { action: 'issue' }, 'o-traveller-1'));
  expect(issued.codes.ithc).toMatch(/^ITHC1:/);
  const list = await verifiedList();
  const result = await verify(list, issued.codes.ithc);
  expect(result.errors).toEqual([]);
  expect(result.valid).toBe(true);
}, 120_000);

test('the paper version prints the public address and no loopback address or command that does not exist; housekeeping deletes it once expired', async () => {
  const pdf = await data<{ url: string; expiresAt: number }>(call('certificate', { action: 'pdf', lang: 'en' }, 'o-traveller-1'));
  expect(pdf.url).toMatch(/^https:\/\/[^/]+\.tcb\.qcloud\.la\/ithc-pdf\/[A-Za-z0-9_-]{22}\.pdf\?/);
  const stored = await d.files();
  expect(stored).toHaveLength(1);
  writeFileSync(path('certificate.pdf'), Buffer.from(stored[0].base64, 'base64'));
  const r = spawnSync('pdftotext', ['-layout', path('certificate.pdf'), '-'], { encoding: 'utf8' });
  if (r.error) throw new Error(`pdftotext is needed (Debian: poppler-utils): ${r.error.message}`);
  const text = r.stdout.replace(/\s+/g, ' ');
  expect(text).toContain(`${PUBLIC}/verify/`);
  expect(text).toContain(`${PUBLIC}/trustlist`);
  expect(text).not.toMatch(/127\.0\.0\.1|localhost|npx|ithc verify/);
  expect(await d.dump('files')).toEqual([expect.objectContaining({ fileID: stored[0].fileID, expiresAt: pdf.expiresAt })]);

  // Before it expired, the timer keeps it; after, it deletes the file and its record, and the
  // expired nonces and face-check sessions with it.
  const early = await d.timer('admin', 'housekeeping');
  expect(early).toMatchObject({ ok: true, result: { files: 0 } });
  expect(await d.files()).toHaveLength(1);
  await advance(61 * 60_000);
  const faceChecks = (await d.dump('faceChecks')).length;
  expect(faceChecks).toBeGreaterThan(0);
  const swept = await d.timer('admin', 'housekeeping');
  expect(swept).toMatchObject({ ok: true, result: { files: 1, filesFailed: 0, faceChecks, more: false } });
  expect(swept.result.nonces).toBeGreaterThan(0);
  expect(await d.files()).toEqual([]);
  expect(await d.dump('files')).toEqual([]);
  expect(await d.dump('faceChecks')).toEqual([]);
  const now = await d.now();
  expect((await d.dump('ingestNonces')).filter((n) => (n.expiresAt as number) < now)).toEqual([]);
  // A trigger the function does not have: refused, nothing run.
  expect(await d.timer('admin', 'no-such-trigger')).toMatchObject({ ok: false });
  // A client sending a timer's shape is a caller like any other, not the platform's timer.
  const fake = await call('admin', { Type: 'Timer', TriggerName: 'housekeeping' }, 'o-traveller-1');
  expect(!fake.ok && fake.error.code).toBe('BAD_REQUEST');
}, 120_000);

test("operators: one added by an operator may act at once; removed, it may not; the environment's cannot be removed here", async () => {
  const before = await call('admin', { action: 'keys' }, 'o-operator-2');
  expect(!before.ok && before.error.code).toBe('FORBIDDEN');
  expect((await provision('add-operator', '--name', 'Duty officer Wang', '--openid', 'o-operator-2')).code).toBe(0);
  expect((await call('admin', { action: 'keys' }, 'o-operator-2')).ok).toBe(true);
  const list = JSON.parse((await provision('operators')).stdout) as Array<{ id: string; bootstrap: boolean; active: boolean }>;
  expect(list.map((o) => [o.id, o.bootstrap, o.active])).toEqual(
    expect.arrayContaining([
      [`wx:${OPERATOR}`, true, true],
      ['wx:o-operator-2', false, true],
    ]),
  );
  expect((await provision('remove-operator', '--id', 'wx:o-operator-2', '--reason', 'moved to another post')).code).toBe(0);
  const after = await call('admin', { action: 'keys' }, 'o-operator-2');
  expect(!after.ok && after.error.code).toBe('FORBIDDEN');
  const bootstrap = await provision('remove-operator', '--id', `wx:${OPERATOR}`, '--reason', 'no');
  expect(bootstrap.code).toBe(1);
  expect(bootstrap.stderr).toMatch(/CONFLICT.*ITHC_OPERATORS/);
}, 60_000);

let cachedDuringPrePublication: VerifiedTrustList;
let secondDsc: string;

test('rotation with pre-publication: the new ITHC DSC is in both trust lists a week before it signs; a verifier that refreshed then verifies its codes offline; old codes keep verifying', async () => {
  const cachedBefore = await verifiedList();
  // The ITHC signer rotates: it signs the ITHC1 codes checked below.
  const pending = await provision('rotate-key', '--kind', 'ithc-dsc', '--csr-out', path('ithc-dsc-2.csr'));
  expect(pending.code).toBe(0);
  expect(
    (
      await ithc(
        'keys',
        'certify',
        path('ithc-dsc-2.csr'),
        '--profile',
        'ithc-dsc',
        '--csca',
        path('csca.pem'),
        '--csca-key',
        path('offline/csca.key'),
        '--out',
        path('ithc-dsc-2.pem'),
      )
    ).code,
  ).toBe(0);
  const installed = JSON.parse((await provision('install-certificate', path('ithc-dsc-2.pem'))).stdout) as { status: string; kid: string; activatesAt: string };
  expect(installed.status).toBe('published');
  secondDsc = installed.kid;
  expect(Date.parse(installed.activatesAt) - (await d.now())).toBeGreaterThan(7 * DAY - 60_000);
  // Published in both lists, not yet signing.
  cachedDuringPrePublication = await verifiedList();
  const kidsIn = (l: VerifiedTrustList) => l.keys.map((k) => Buffer.from(k.kid).toString('base64'));
  expect(kidsIn(cachedDuringPrePublication)).toEqual(expect.arrayContaining([issued.kid, secondDsc]));
  expect(kidsIn(cachedBefore)).not.toContain(secondDsc);
  // In the EU shape among the ITHC signers, never among the DCC signers EU verifiers read.
  const eu = await get('/trustlist');
  expect(eu.body.ithcCertificates.map((c: { kid: string; status: string }) => [c.kid, c.status])).toEqual(
    expect.arrayContaining([
      [issued.kid, 'active'],
      [secondDsc, 'published'],
    ]),
  );
  expect(eu.body.certificates).toHaveLength(1);
  expect(eu.body.certificates.map((c: { kid: string }) => c.kid)).not.toContain(issued.kid);
  expect(eu.body.certificates.map((c: { kid: string }) => c.kid)).not.toContain(secondDsc);
  await traveller(1, 'o-traveller-2');
  expect((await ingest(1, 'B1')).status).toBe(200);
  expect((await data(call('certificate', { action: 'issue' }, 'o-traveller-2'))).kid).toBe(issued.kid);

  // A week later the new DSC signs; the verifier, offline since it refreshed, knows it already.
  await advance(7 * DAY + 60_000);
  await traveller(2, 'o-traveller-3');
  expect((await ingest(2, 'C1')).status).toBe(200);
  const fresh = await data<{ kid: string; codes: { ithc: string } }>(call('certificate', { action: 'issue' }, 'o-traveller-3'));
  expect(fresh.kid).toBe(secondDsc);
  const offline = await verifyCode(fresh.codes.ithc, {
    keys: new KeyStore(cachedDuringPrePublication.keys),
    now: Math.floor((await d.now()) / 1000),
    crypto: nodeCrypto,
    validateDccSchema,
  });
  expect(offline.errors).toEqual([]);
  // A list older than the pre-publication does not know it: why lists are refreshed daily.
  const stale = await verifyCode(fresh.codes.ithc, {
    keys: new KeyStore(cachedBefore.keys),
    now: Math.floor((await d.now()) / 1000),
    crypto: nodeCrypto,
    validateDccSchema,
  });
  expect(stale.errors.map((e) => e.code)).toContain('KID_UNKNOWN');
  // The first DSC's codes still verify with today's list.
  expect((await verify(await verifiedList(), issued.codes.ithc)).errors).toEqual([]);
}, 180_000);

test('revoke: the certificate ends for its holder and both trust lists; the signed list carries the revocation', async () => {
  const revoked = await provision('call', 'revoke', JSON.stringify({ certificateId: issued.id, reason: 'issued on a forged document' }));
  expect(revoked.code).toBe(0);
  expect(JSON.parse(revoked.stdout)).toEqual({ revoked: true });
  const view = await data<{ status: string }>(call('certificate', { action: 'get' }, 'o-traveller-1'));
  expect(view.status).toBe('revoked');
  const list = await verifiedList();
  expect((await verify(list, issued.codes.ithc)).errors.map((e) => e.code)).toContain('REVOKED');
  // Both lists are public, cacheable, and name both DSCs, the retired one until it expires.
  const eu = await get('/trustlist');
  expect(eu.status).toBe(200);
  expect(eu.body.ithcCertificates.map((c: { kid: string; status: string }) => [c.kid, c.status])).toEqual(
    expect.arrayContaining([
      [issued.kid, 'retired'],
      [secondDsc, 'active'],
    ]),
  );
  expect(list.keys.map((k) => Buffer.from(k.kid).toString('base64'))).toEqual(expect.arrayContaining([issued.kid, secondDsc]));
  // Through the trustlist function's own call as well.
  expect((await call('trustlist', { action: 'signed' }, '')).ok).toBe(true);
}, 120_000);

test('no secret is anywhere but wrapped: not in a document, an answer, or a log line', async () => {
  logs.push(...(await d.logs()));
  const keyPem = readFileSync(path('operator.key'), 'utf8');
  const secrets: Record<string, string[]> = {
    KEK: [kek, Buffer.from(fromBase64(kek)).toString('hex')],
    'lab key': [readFileSync(path('lab.key'), 'utf8').trim(), Buffer.from(labKey).toString('base64'), Buffer.from(labKey).toString('hex')],
    'operator key': [keyPem.split('\n').slice(1, -2).join('')],
    'WeChat AppSecret': [APP_SECRET],
  };
  const records = (await Promise.all(COLLECTIONS.map((c) => d.dump(c)))).map((r) => JSON.stringify(r)).join('\n');
  for (const [what, forms] of Object.entries(secrets)) {
    for (const form of forms) {
      expect([what, records.includes(form)]).toEqual([what, false]);
      expect([what, answers.some((a) => a.includes(form))]).toEqual([what, false]);
      expect([what, logs.some((l) => l.includes(form))]).toEqual([what, false]);
    }
  }
  // The lab's key is in the store, wrapped.
  expect((await d.dump('keys')).some((k) => k._id === `wrapped:ingest-hmac:${LAB}` && k.kind === 'wrapped')).toBe(true);
});
