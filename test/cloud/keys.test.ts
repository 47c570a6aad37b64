/**
 * Keys on a fresh deployment, through the wiring production uses (server/cloud/compose/): the
 * CloudBase store (its stand-in), read-only environment secrets holding only the KEK, and an
 * operator with an offline CSCA driven through `ithc keys` (cli/keys.ts, in process). Steps, in
 * order, sharing one deployment:
 *
 *   functions start with only the KEK; what needs a key answers UNAVAILABLE and says why →
 *   the CSCA made offline, its certificate installed → a DSC and a trust-list signer requested,
 *   certified offline, installed (each check of installCertificate refusing what it must) →
 *   a certificate issued, the signed list verified with the CSCA alone →
 *   rotation with pre-publication, against a verifier holding a list fetched before →
 *   KEK rotation by re-wrapping → no private key in clear in any record, response or log line.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPrivateKey } from 'node:crypto';
import { fromBase64, toBase64 } from '../../core/bytes';
import { validateDccSchema } from '../../core/dcc-schema';
import { verifyCode } from '../../core/hcert';
import { KeyStore } from '../../core/keys';
import { verifyTrustList, type VerifiedTrustList } from '../../core/trustlist';
import { nodeCrypto } from '../../node/crypto-node';
import { createApp, type App } from '../../server/app';
import { ManualClock } from '../../server/clock';
import { composeAdmin } from '../../server/cloud/compose/admin';
import { composeCertificate } from '../../server/cloud/compose/certificate';
import { composeIdentity } from '../../server/cloud/compose/identity';
import { composeIngest } from '../../server/cloud/compose/ingest';
import { composeTrustlist } from '../../server/cloud/compose/trustlist';
import type { CloudBase } from '../../server/cloud/entry';
import { DEMO_DOCUMENTS, seedDocumentRegistry } from '../../demo/documents';
import { DEMO_CITIZENS, seedCitizens } from '../../demo/citizens';
import { functionsFor } from '../../server/functions/definitions';
import { dispatch, type Envelope, type FunctionDef } from '../../server/functions/router';
import { createSourceKey } from '../../server/ingest/signature';
import { certificatePem, certifyRequest, createCsca } from '../../server/keys/ca';
import type { KeyView } from '../../server/keys/service';
import { KeyVault, loadKekRing, newKekText, parseKek } from '../../server/keys/vault';
import type { CloudStorageSdk } from '../../server/pdf/storage';
import { seedRecords } from '../../demo/records';
import { cloudbaseStore } from '../../server/store/cloudbase';
import { createCloudBaseStandIn } from '../support/cloudbase-standin';
import { COLLECTIONS } from '../../server/store/store';
import { runMain } from '../cli/helpers';
import { envSecrets, kekEnvironment } from './operator';

const DAY = 86_400_000;
const OPERATOR = 'keys-operator';

const sdk: CloudStorageSdk = {
  async uploadFile({ cloudPath }) {
    return { fileID: `cloud://test/${cloudPath}` };
  },
  async getTempFileURL({ fileList }) {
    return {
      fileList: fileList.map((f) => ({ fileID: typeof f === 'string' ? f : f.fileID, tempFileURL: 'https://example.invalid/tmp', status: 0, errMsg: 'ok' })),
    };
  },
};

const db = createCloudBaseStandIn({ throwOnNotFound: false });
const store = cloudbaseStore(db);
const clock = new ManualClock(Date.now());
let env = kekEnvironment();
let dir: string;
let app: App;
/** Every answer a function gave, as a client received it. */
const responses: string[] = [];
/** Every line written to the console while the functions ran. */
const logged: string[] = [];

function baseWith(e: Record<string, string>): CloudBase {
  return { store, secrets: envSecrets(e), clock, env: e, sdk, operators: [OPERATOR] };
}

async function call(def: FunctionDef | undefined, event: Record<string, unknown>, openid = OPERATOR): Promise<Envelope> {
  const res = await dispatch(
    def!,
    event,
    { openid, operator: openid === OPERATOR },
    { error: (m, meta) => logged.push(`${m} ${JSON.stringify(meta)}`), info: (m, meta) => logged.push(`${m} ${JSON.stringify(meta)}`) },
  );
  responses.push(JSON.stringify(res));
  return res;
}

async function data<T>(p: Promise<Envelope>): Promise<T> {
  const res = await p;
  if (!res.ok) throw new Error(`${res.error.code}: ${res.error.message}`);
  return res.data as T;
}

const admin = async () => (await composeAdmin(baseWith(env))).def;
const trustlist = async () => (await composeTrustlist(baseWith(env))).def;

function file(name: string, content: string): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

const certify = (csr: string, profile: 'dsc' | 'ithc-dsc' | 'trustlist-signer', name: string) =>
  runMain([
    'keys',
    'certify',
    file(`${name}.csr`, csr),
    '--profile',
    profile,
    '--csca',
    join(dir, 'csca.pem'),
    '--csca-key',
    join(dir, 'offline', 'csca.key'),
    '--out',
    join(dir, `${name}.pem`),
  ]);

async function verifiedList(envelope: unknown): Promise<VerifiedTrustList> {
  return verifyTrustList(envelope as Record<string, unknown>, {
    cscas: [fromBase64(readFileSync(join(dir, 'csca.pem'), 'utf8').replace(/-----[A-Z ]+-----/g, ''))],
    now: Math.floor(clock.now() / 1000),
    crypto: nodeCrypto,
  });
}

async function verify(list: VerifiedTrustList, code: string) {
  return verifyCode(code, {
    keys: new KeyStore(list.keys),
    now: Math.floor(clock.now() / 1000),
    crypto: nodeCrypto,
    validateDccSchema,
    revocation: list.revocation,
  });
}

/** A demo citizen verified and their passport bound, through the whole app's local stand-ins (WeChat's face check cannot run here); then issued by the certificate function as composed for the cloud. */
async function issue(citizen: number, certificateFunction?: FunctionDef): Promise<{ kid: string; codes: { ithc: string; dcc: Array<{ code: string }> } }> {
  const openid = `keys-traveller-${citizen}`;
  const local = (fn: string, event: Record<string, unknown>) =>
    dispatch(
      functionsFor(app).find((f) => f.name === fn)!,
      event,
      { openid, operator: false },
    );
  const c = DEMO_CITIZENS[citizen];
  const session = await data<{ faceToken: string }>(local('identity', { action: 'beginFaceCheck', name: c.name, idNumber: c.idNumber }));
  await data(local('identity', { action: 'verify', name: c.name, idNumber: c.idNumber, faceToken: session.faceToken }));
  const today = new Date(clock.now()).toISOString().slice(0, 10);
  const d = DEMO_DOCUMENTS.find((x) => x.holderIdNumber === c.idNumber && x.status === 'valid' && x.expiresOn > today)!;
  await data(local('document', { action: 'bind', type: d.type, number: d.number, expiry: d.expiresOn, mrz: d.mrz }));
  const def = certificateFunction ?? (await composeCertificate(baseWith(env))).def;
  return data(call(def, { action: 'issue' }, openid));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ithc-cloud-keys-'));
  for (const m of ['log', 'error', 'warn', 'info'] as const)
    jest.spyOn(console, m).mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(' ')));
}, 60_000);

afterAll(() => {
  jest.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

test('without ITHC_SECRET_KEK no function starts, and the error names the variable; nor with a malformed ITHC_KEY_PREPUBLICATION_DAYS', async () => {
  for (const compose of [composeTrustlist, composeAdmin, composeIdentity, composeIngest, composeCertificate]) {
    await expect(compose(baseWith({}))).rejects.toThrow(/ITHC_SECRET_KEK/);
  }
  // A malformed setting stops the start as well, rather than falling back to a default silently.
  await expect(composeAdmin(baseWith({ ...env, ITHC_KEY_PREPUBLICATION_DAYS: 'a week' }))).rejects.toThrow(/ITHC_KEY_PREPUBLICATION_DAYS/);
});

test('with only the KEK every function starts on an empty database; what needs a key answers UNAVAILABLE and says what to do', async () => {
  app = await createApp({ store, secrets: envSecrets(env), clock, config: { operators: [OPERATOR] } });
  await seedCitizens(store);
  await seedDocumentRegistry(store);
  await seedRecords(
    store,
    DEMO_CITIZENS.map((c) => app.personIds.personId(c.idNumber)),
    clock,
  );
  const signed = await call(await trustlist(), { action: 'signed' }, '');
  expect(!signed.ok && { code: signed.error.code, messageCode: signed.error.messageCode }).toEqual({ code: 'UNAVAILABLE', messageCode: 'server.cscaMissing' });
  expect(await data(call(await admin(), { action: 'keys' }))).toEqual([]);
  const forbidden = await call(await admin(), { action: 'rotateKey' }, 'not-an-operator');
  expect(!forbidden.ok && forbidden.error.code).toBe('FORBIDDEN');
});

test('the operator makes the CSCA offline (key 0600, never printed) and installs its certificate; anything else is refused', async () => {
  const offline = join(dir, 'offline');
  mkdirSync(offline);
  const made = await runMain(['keys', 'create-csca', '--key-out', join(offline, 'csca.key'), '--cert-out', join(dir, 'csca.pem')]);
  expect(made.code).toBe(0);
  expect(statSync(join(offline, 'csca.key')).mode & 0o777).toBe(0o600);
  const keyPem = readFileSync(join(offline, 'csca.key'), 'utf8');
  const d = createPrivateKey(keyPem).export({ format: 'jwk' }).d!;
  expect(made.stdout + made.stderr).not.toContain('PRIVATE KEY');
  expect(made.stdout + made.stderr).not.toContain(d);
  // Never overwritten.
  expect((await runMain(['keys', 'create-csca', '--key-out', join(offline, 'csca.key'), '--cert-out', join(dir, 'other.pem')])).code).toBe(2);
  expect(readFileSync(join(offline, 'csca.key'), 'utf8')).toBe(keyPem);

  const csca = readFileSync(join(dir, 'csca.pem'), 'utf8');
  const notCa = await call(await admin(), { action: 'installCsca', certificate: 'MIIB' });
  expect(!notCa.ok && notCa.error.code).toBe('VALIDATION_FAILED');
  const foreign = createCsca({ country: 'FR', organisation: 'Autre', now: clock.now() });
  const fr = await call(await admin(), { action: 'installCsca', certificate: certificatePem(foreign.certificate) });
  expect(!fr.ok && fr.error.fields?.certificate).toMatch(/country FR/);
  const view = await data<KeyView>(call(await admin(), { action: 'installCsca', certificate: csca }));
  expect(view).toMatchObject({ kind: 'csca', status: 'active', subject: 'C=CN, O=ITHC, CN=ITHC CSCA' });
  // Again: harmless. Another CSCA: refused.
  expect((await call(await admin(), { action: 'installCsca', certificate: csca })).ok).toBe(true);
  const second = await call(await admin(), {
    action: 'installCsca',
    certificate: certificatePem(createCsca({ country: 'CN', organisation: 'ITHC', now: clock.now() }).certificate),
  });
  expect(!second.ok && second.error.code).toBe('CONFLICT');
});

let dsc1: KeyView;
let ithc1: KeyView;
let ithc2: KeyView;

test('rotateKey requests a DSC; the operator certifies it offline; installCertificate checks it, and the first DSC signs at once', async () => {
  const pending = await data<KeyView>(call(await admin(), { action: 'rotateKey' }));
  expect(pending).toMatchObject({ kind: 'dsc', status: 'pending-certification' });
  expect(pending.csr).toMatch(/^-----BEGIN CERTIFICATE REQUEST-----/);
  // Asked again before it is certified: the same request, not a second key.
  expect((await data<KeyView>(call(await admin(), { action: 'rotateKey' }))).keyId).toBe(pending.keyId);

  // A trust-list signer certificate for the DSC's request: the wrong profile.
  expect((await certify(pending.csr!, 'trustlist-signer', 'wrong-profile')).code).toBe(0);
  const wrongProfile = await call(await admin(), { action: 'installCertificate', certificate: readFileSync(join(dir, 'wrong-profile.pem'), 'utf8') });
  expect(!wrongProfile.ok && wrongProfile.error.fields?.certificate).toMatch(/trust-list signer usage/);
  // The right profile from another CSCA.
  const other = createCsca({ country: 'CN', organisation: 'ITHC', now: clock.now() });
  const impostor = await call(await admin(), {
    action: 'installCertificate',
    certificate: certificatePem(certifyRequest(other, pending.csr!, { profile: 'dsc', now: clock.now() })),
  });
  expect(!impostor.ok && impostor.error.fields?.certificate).toMatch(/not issued by the installed CSCA/);
  // A certificate for a key nobody requested here.
  const stranger = await call(await admin(), { action: 'installCertificate', certificate: readFileSync(join(dir, 'csca.pem'), 'utf8') });
  expect(!stranger.ok && stranger.error.code).toBe('NOT_FOUND');
  const garbage = await call(await admin(), { action: 'installCertificate', certificate: 'x'.repeat(20_000) });
  expect(!garbage.ok && garbage.error.code).toBe('VALIDATION_FAILED');

  const issued = await certify(pending.csr!, 'dsc', 'dsc-1');
  expect(issued.code).toBe(0);
  expect(issued.stderr).toMatch(/document signing certificate/);
  dsc1 = await data<KeyView>(call(await admin(), { action: 'installCertificate', certificate: readFileSync(join(dir, 'dsc-1.pem'), 'utf8') }));
  expect(dsc1).toMatchObject({ kind: 'dsc', keyId: pending.keyId, status: 'active' });
  expect(dsc1.csr).toBeUndefined();
  // Installing it again is harmless.
  expect((await data<KeyView>(call(await admin(), { action: 'installCertificate', certificate: readFileSync(join(dir, 'dsc-1.pem'), 'utf8') }))).kid).toBe(
    dsc1.kid,
  );

  // The ITHC format's own DSC: a DCC signer's certificate for its request is refused, the ITHC profile installed.
  const ithcPending = await data<KeyView>(call(await admin(), { action: 'rotateKey', kind: 'ithc-dsc' }));
  expect(ithcPending).toMatchObject({ kind: 'ithc-dsc', status: 'pending-certification', subject: 'C=CN, O=ITHC, CN=ITHC ITHC DSC 1' });
  expect((await certify(ithcPending.csr!, 'dsc', 'ithc-as-dcc')).code).toBe(0);
  const asDcc = await call(await admin(), { action: 'installCertificate', certificate: readFileSync(join(dir, 'ithc-as-dcc.pem'), 'utf8') });
  expect(!asDcc.ok && asDcc.error.fields?.certificate).toMatch(/ITHC signer must carry the extended key usage/);
  expect((await certify(ithcPending.csr!, 'ithc-dsc', 'ithc-1')).code).toBe(0);
  ithc1 = await data<KeyView>(call(await admin(), { action: 'installCertificate', certificate: readFileSync(join(dir, 'ithc-1.pem'), 'utf8') }));
  expect(ithc1).toMatchObject({ kind: 'ithc-dsc', status: 'active' });
  // And the other way round: an ITHC signer's certificate for a DCC signer's request.
  const dccPending = await data<KeyView>(call(await admin(), { action: 'rotateKey' }));
  expect((await certify(dccPending.csr!, 'ithc-dsc', 'dcc-as-ithc')).code).toBe(0);
  const asIthc = await call(await admin(), { action: 'installCertificate', certificate: readFileSync(join(dir, 'dcc-as-ithc.pem'), 'utf8') });
  expect(!asIthc.ok && asIthc.error.fields?.certificate).toMatch(/DCC signer must carry the DCC key usages t, v and not the ITHC usage/);

  const signer = await data<KeyView>(call(await admin(), { action: 'rotateKey', kind: 'trustlist-signer' }));
  expect((await certify(signer.csr!, 'trustlist-signer', 'signer-1')).code).toBe(0);
  expect(
    await data<KeyView>(call(await admin(), { action: 'installCertificate', certificate: readFileSync(join(dir, 'signer-1.pem'), 'utf8') })),
  ).toMatchObject({ kind: 'trustlist-signer', status: 'active' });
  const kinds = (await data<KeyView[]>(call(await admin(), { action: 'keys' }))).map((k) => [k.kind, k.status]);
  expect(kinds.map((k) => k.join(' ')).sort()).toEqual([
    'csca active',
    'dsc active',
    'dsc pending-certification',
    'ithc-dsc active',
    'trustlist-signer active',
  ]);
});

let first: { kid: string; codes: { ithc: string; dcc: Array<{ code: string }> } };

test('the certificate function signs ITHC1 with the ITHC DSC and HC1 with the DCC DSC; the trust list, signed in the cloud by the trust-list signer, verifies with the CSCA alone', async () => {
  first = await issue(0);
  expect(first.kid).toBe(ithc1.kid);
  const list = await verifiedList(await data(call(await trustlist(), { action: 'signed' }, '')));
  expect(list.signer?.subject).toMatch(/Trust List Signer/);
  expect(Object.fromEntries(list.keys.map((k) => [toBase64(k.kid), k.usage]))).toEqual({ [dsc1.kid!]: ['t', 'v'], [ithc1.kid!]: ['ithc'] });
  const ithc = await verify(list, first.codes.ithc);
  expect([ithc.valid, ithc.kid]).toEqual([true, ithc1.kid]);
  expect(first.codes.dcc.length).toBeGreaterThan(0);
  for (const d of first.codes.dcc) {
    const v = await verify(list, d.code);
    expect([v.valid, v.kid]).toEqual([true, dsc1.kid]);
  }
  // The EU-shaped list gives DCC verifiers the DCC signer only; the ITHC signer is apart.
  const eu = await data<{ certificates: Array<{ kid: string }>; ithcCertificates: Array<{ kid: string }> }>(call(await trustlist(), { action: 'get' }, ''));
  expect([eu.certificates.map((c) => c.kid), eu.ithcCertificates.map((c) => c.kid)]).toEqual([[dsc1.kid], [ithc1.kid]]);
});

test('rotation with pre-publication: a verifier offline with a list fetched during pre-publication trusts the new DSC once it signs', async () => {
  clock.advance(DAY);
  const beforeRotation = await data(call(await trustlist(), { action: 'signed' }, ''));
  // A certificate function started before the rotation, still running after it.
  const running = (await composeCertificate(baseWith(env))).def;
  const pending = await data<KeyView>(call(await admin(), { action: 'rotateKey', kind: 'ithc-dsc' }));
  expect((await certify(pending.csr!, 'ithc-dsc', 'ithc-2')).code).toBe(0);
  ithc2 = await data<KeyView>(call(await admin(), { action: 'installCertificate', certificate: readFileSync(join(dir, 'ithc-2.pem'), 'utf8') }));
  expect(ithc2.status).toBe('published');
  expect(Date.parse(ithc2.activatesAt!)).toBe(clock.now() + 7 * DAY);
  // Both trust lists carry it from now on.
  const eu = await data<{ certificates: Array<{ kid: string; status: string }>; ithcCertificates: Array<{ kid: string; status: string }> }>(
    call(await trustlist(), { action: 'get' }, ''),
  );
  expect(Object.fromEntries(eu.ithcCertificates.map((c) => [c.kid, c.status]))).toEqual({ [ithc1.kid!]: 'active', [ithc2.kid!]: 'published' });
  expect(eu.certificates.map((c) => c.kid)).toEqual([dsc1.kid]);

  clock.advance(DAY);
  const fetched = await data(call(await trustlist(), { action: 'signed' }, ''));
  const duringPrePublication = await issue(1);
  expect(duringPrePublication.kid).toBe(ithc1.kid);

  clock.advance(6 * DAY);
  const after = await issue(2);
  expect(after.kid).toBe(ithc2.kid);
  // The instance that was running all along signs with the new DSC too.
  expect((await issue(3, running)).kid).toBe(ithc2.kid);
  const cached = await verifiedList(fetched);
  expect(cached.stale).toBe(true);
  expect((await verify(cached, after.codes.ithc)).valid).toBe(true);
  expect((await verify(cached, first.codes.ithc)).valid).toBe(true);
  expect((await verify(cached, duringPrePublication.codes.ithc)).valid).toBe(true);
  // A list from before the rotation cannot know the new DSC.
  expect((await verify(await verifiedList(beforeRotation), after.codes.ithc)).errors.map((e) => e.code)).toEqual(['KID_UNKNOWN']);
});

test('KEK rotation: with both KEKs set, rewrapKeys moves every key to the new one (again: nothing to do); then the new KEK alone runs every function', async () => {
  await createSourceKey(new KeyVault(store, await loadKekRing(envSecrets(env)), clock), 'lab-keys-test');
  const oldKek = env.ITHC_SECRET_KEK;
  const newKek = newKekText();
  env = { ...kekEnvironment(newKek), ITHC_SECRET_KEK_PREVIOUS: oldKek };
  const report = await data<{ kek: string; total: number; rewrapped: number; unreadable: string[]; byKek: Record<string, number> }>(
    call(await admin(), { action: 'rewrapKeys' }),
  );
  // person-id, two DCC signers (one still awaiting its certificate), two ITHC signers, one trust-list signer, one source,
  // and the local face-check stand-in's token key (the test's own face checks go through createApp's stand-in).
  expect(report).toMatchObject({ kek: parseKek(newKek, 'x').id, total: 8, rewrapped: 8, unreadable: [] });
  expect(report.byKek).toEqual({ [report.kek]: 8 });
  expect((await data<{ rewrapped: number }>(call(await admin(), { action: 'rewrapKeys' }))).rewrapped).toBe(0);

  env = kekEnvironment(newKek);
  const list = await verifiedList(await data(call(await trustlist(), { action: 'signed' }, '')));
  expect(list.keys).toHaveLength(3);
  expect((await issue(4)).kid).toBe(ithc2.kid);
  // The old KEK alone opens nothing any more.
  await expect(composeCertificate(baseWith({ ITHC_SECRET_KEK: oldKek }))).rejects.toThrow(/KEK/);
});

test('no private or secret key is in clear in any stored record, any response or any log line', async () => {
  const vault = new KeyVault(store, await loadKekRing(envSecrets(env)), clock);
  const secrets: Array<{ what: string; bytes: Uint8Array }> = [];
  for (const doc of db.dump('keys') as Array<{ kind: string; purpose: string; keyId: string }>) {
    if (doc.kind !== 'wrapped') continue;
    const material = (await vault.unwrap(doc.purpose as never, doc.keyId))!;
    secrets.push({ what: `${doc.purpose}/${doc.keyId}`, bytes: material });
    if (doc.purpose === 'dsc' || doc.purpose === 'ithc-dsc' || doc.purpose === 'trustlist-signer') {
      const key = createPrivateKey({ key: Buffer.from(material), format: 'der', type: 'pkcs8' });
      secrets.push({ what: `${doc.purpose}/${doc.keyId} d`, bytes: new Uint8Array(Buffer.from(key.export({ format: 'jwk' }).d!, 'base64url')) });
      secrets.push({
        what: `${doc.purpose}/${doc.keyId} PEM`,
        bytes: new TextEncoder().encode(key.export({ type: 'pkcs8', format: 'pem' }).toString().split('\n')[1]),
      });
    }
  }
  expect(
    secrets
      .filter((s) => !s.what.endsWith(' d') && !s.what.endsWith(' PEM'))
      .map((s) => s.what.split('/')[0])
      .sort(),
  ).toEqual(['dsc', 'dsc', 'face-check-stand-in', 'ingest-hmac', 'ithc-dsc', 'ithc-dsc', 'person-id', 'trustlist-signer']);
  // The offline CSCA key must not have reached the cloud either.
  const csca = createPrivateKey(readFileSync(join(dir, 'offline', 'csca.key'), 'utf8'));
  secrets.push({ what: 'CSCA d', bytes: new Uint8Array(Buffer.from(csca.export({ format: 'jwk' }).d!, 'base64url')) });

  // The scan finds a key where there is one: a DSC's PKCS#8 form planted as base64 holds its d.
  const planted = JSON.stringify({ leaked: Buffer.from(secrets.find((s) => /^dsc\/\w+$/.test(s.what))!.bytes).toString('base64') });
  expect(leaks([planted], secrets.find((s) => /^dsc\/\w+ d$/.test(s.what))!.bytes)).toBe(true);

  const stored = COLLECTIONS.flatMap((c) => db.dump(c).map((r) => JSON.stringify(r)));
  expect(stored.length).toBeGreaterThan(20);
  for (const [where, texts] of [
    ['the store', stored],
    ['responses', responses],
    ['logs', logged],
  ] as const) {
    for (const s of secrets) expect({ where, found: leaks(texts, s.bytes) ? s.what : null }).toEqual({ where, found: null });
  }
});

/** Whether any text holds the secret: raw, as hex, base64 or base64url, or inside a base64 or hex string that decodes to bytes containing it. */
function leaks(texts: readonly string[], secret: Uint8Array): boolean {
  const raw = Buffer.from(secret);
  const forms = [raw.toString('hex'), raw.toString('base64').replace(/=+$/, ''), raw.toString('base64url')];
  for (const t of texts) {
    if (forms.some((f) => t.includes(f)) || Buffer.from(t, 'latin1').includes(raw)) return true;
    for (const m of t.matchAll(/[A-Za-z0-9+/_-]{24,}={0,2}/g)) {
      for (const decoded of [Buffer.from(m[0], 'base64'), /^[0-9a-f]+$/i.test(m[0]) ? Buffer.from(m[0], 'hex') : Buffer.alloc(0)])
        if (decoded.includes(raw)) return true;
    }
  }
  return false;
}
