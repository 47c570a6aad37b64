/**
 * Publication of our trust lists by the app (server/trust): the signed list and the EU DSC-list
 * shape, served by GET /trustlist/signed and GET /trustlist and by the `trustlist` function; its
 * version; and key rotation on a ManualClock: after admin.rotateKey of the ITHC signer new ITHC1
 * codes use the new kid, codes signed before still verify with the published list (both ITHC
 * signers in it), and the old one leaves the list only once it has expired. The DCC signer (HC1:
 * codes) is published beside them, in the EU shape apart from the ITHC signers. The tests run in
 * order and share one app.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromBase64, toBase64 } from '../../core/bytes';
import { validateDccSchema } from '../../core/dcc-schema';
import { readDscList } from '../../core/dsc-list';
import { verifyCode } from '../../core/hcert';
import { KeyStore } from '../../core/keys';
import { revocationHash } from '../../core/revocation';
import { verifyTrustList, type VerifiedTrustList } from '../../core/trustlist';
import { call, openLocalApp } from '../../node/local';
import { demoTravellerFlow, seedDemo } from '../../demo/seed';
import { nodeCrypto } from '../../node/crypto-node';
import type { App } from '../../server/app';
import { ManualClock } from '../../server/clock';
import type { CertificateView } from '../../server/functions/definitions';
import type { RawRequest } from '../../server/gateway';
import type { CertifiedKeyDoc, KeyView } from '../../server/keys/service';
import { trustListRoute } from '../../server/routes';
import { publishDscList } from '../../server/trust/dsc-list';
import { publishSignedTrustList, type RevocationHashEntry } from '../../server/trust/signed-list';

const DAY = 86_400_000;
const OPERATOR = 'trust-operator';

let dir: string;
let app: App;
let clock: ManualClock;
let csca: Uint8Array;
let first: CertificateView;
/** The ITHC signer's kid (ITHC1: codes). */
let kidA: string;
/** The DCC signer's kid (HC1: codes). */
let dccKid: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ithc-trust-'));
  clock = new ManualClock(Date.now());
  app = await openLocalApp(join(dir, 'data'), { clock, config: { operators: [OPERATOR] } });
  await seedDemo(app);
  first = await demoTravellerFlow(app, 'trust-traveller-1', 0);
  kidA = first.kid;
  dccKid = toBase64((await app.keys.activeKey('dsc')).kid);
  csca = await app.keys.cscaCertificate();
}, 120_000);

afterAll(async () => {
  await app?.store.close();
  rmSync(dir, { recursive: true, force: true });
});

const nowSeconds = () => Math.floor(clock.now() / 1000);
const verifyList = (envelope: unknown): Promise<VerifiedTrustList> =>
  verifyTrustList(envelope as Record<string, unknown>, { cscas: [csca], now: nowSeconds(), crypto: nodeCrypto });
const published = () => publishSignedTrustList({ keys: app.keys, store: app.store, clock, country: 'CN' });

function get(path: string): RawRequest {
  return { method: 'GET', target: path, path, query: new URLSearchParams(), headers: {}, body: new Uint8Array(0) };
}

async function verifyAgainst(list: VerifiedTrustList, code: string) {
  return verifyCode(code, { keys: new KeyStore(list.keys), now: nowSeconds(), crypto: nodeCrypto, validateDccSchema, revocation: list.revocation });
}

describe('publication', () => {
  test('the signed list verifies against our CSCA and carries our two DSCs and the CSCA; our codes verify with it', async () => {
    const { envelope, content } = await published();
    const list = await verifyList(envelope);
    expect(list.problems).toEqual([]);
    expect(kidA).not.toBe(dccKid);
    expect(Object.fromEntries(list.keys.map((k) => [toBase64(k.kid), k.usage]))).toEqual({ [dccKid]: ['t', 'v'], [kidA]: ['ithc'] });
    expect(toBase64(content.csca)).toBe(toBase64(csca));
    expect(list.country).toBe('CN');
    expect(list.issuedAt).toBe(nowSeconds());
    const ithc = await verifyAgainst(list, first.codes.ithc);
    expect([ithc.valid, ithc.kid]).toEqual([true, kidA]);
    expect(first.codes.dcc.length).toBeGreaterThan(0);
    for (const d of first.codes.dcc) {
      const v = await verifyAgainst(list, d.code);
      expect([v.valid, v.kid]).toEqual([true, dccKid]);
    }
  });

  test('served by GET /trustlist/signed and by trustlist.signed (public); GET /trustlist keeps the EU shape', async () => {
    const route = trustListRoute(app);
    const signed = await route(get('/trustlist/signed'));
    expect(signed?.status).toBe(200);
    expect(signed?.headers?.['content-type']).toMatch(/application\/json/);
    const fromRoute = await verifyList(JSON.parse(String(signed!.body)));
    expect(fromRoute.keys.map((k) => toBase64(k.kid)).sort()).toEqual([dccKid, kidA].sort());

    const env = await call(app, 'trustlist', '', { action: 'signed' });
    expect(env.ok).toBe(true);
    expect((await verifyList((env as { data: unknown }).data)).keys.map((k) => toBase64(k.kid)).sort()).toEqual([dccKid, kidA].sort());

    // DCC verifiers read `certificates`: the DCC signer only. The ITHC signer is apart.
    const eu = JSON.parse(String((await route(get('/trustlist')))!.body));
    expect(eu.certificates.map((c: { kid: string }) => c.kid)).toEqual([dccKid]);
    expect(eu.ithcCertificates.map((c: { kid: string }) => c.kid)).toEqual([kidA]);
    expect(readDscList(JSON.stringify(eu)).problems).toEqual([]);
  });

  test('the version stays while the content is the same and grows when it changes', async () => {
    const a = await published();
    clock.advance(60_000);
    const b = await published();
    expect(b.content.version).toBe(a.content.version);
    expect(b.content.issuedAt).toBe(a.content.issuedAt + 60);
    const revoked: RevocationHashEntry[] = [
      { kid: kidA, type: 'UCI', hash: toBase64(revocationHash('UCI', { uci: first.id, signature: new Uint8Array(64), kty: 'EC' })!) },
    ];
    const c = await publishSignedTrustList({ keys: app.keys, store: app.store, clock, country: 'CN', revocation: { hashList: async () => revoked } });
    expect(c.content.version).toBe(a.content.version + 1);
    // The revocation list it carries makes our certificate REVOKED for a verifier.
    const list = await verifyList(c.envelope);
    expect((await verifyAgainst(list, first.codes.ithc)).errors.map((e) => e.code)).toEqual(['REVOKED']);
    // Revocations for a signing key the list does not carry are left out.
    const foreign = await publishSignedTrustList({
      keys: app.keys,
      store: app.store,
      clock,
      country: 'CN',
      revocation: { hashList: async () => [{ ...revoked[0], kid: toBase64(new Uint8Array(8)) }] },
    });
    expect(foreign.content.revocation).toEqual([]);
  });
});

describe('key rotation with pre-publication', () => {
  let second: CertificateView;
  let third: CertificateView;
  let kidB: string;
  let oldDsc: CertifiedKeyDoc;
  let cachedBeforeRotation: unknown;
  let cachedDuringPrePublication: unknown;
  let activatesAt: number;

  test('admin.rotateKey publishes the new ITHC signer in both lists at once, while the old one keeps signing', async () => {
    clock.advance(DAY);
    cachedBeforeRotation = (await published()).envelope;
    const before = await published();
    const env = await call(app, 'admin', OPERATOR, { action: 'rotateKey', kind: 'ithc-dsc' });
    if (!env.ok) throw new Error(JSON.stringify(env.error));
    const view = env.data as KeyView;
    // Locally the data folder's CSCA certifies the request at once; the key is then published, not signing.
    expect(view).toMatchObject({ kind: 'ithc-dsc', status: 'published' });
    kidB = view.kid!;
    expect(kidB).not.toBe(kidA);
    activatesAt = Date.parse(view.activatesAt!);
    expect(activatesAt).toBe(clock.now() + 7 * DAY);
    expect((await published()).content.version).toBe(before.content.version + 1);
    const eu = await publishDscList(app.keys, 'CN', clock.now());
    expect(Object.fromEntries(eu.ithcCertificates.map((c) => [c.kid, c.status]))).toEqual({ [kidA]: 'active', [kidB]: 'published' });
    expect(eu.certificates.map((c) => c.kid)).toEqual([dccKid]);
    const list = await verifyList((await published()).envelope);
    expect(list.keys.map((k) => toBase64(k.kid)).sort()).toEqual([dccKid, kidA, kidB].sort());

    clock.advance(DAY);
    cachedDuringPrePublication = (await published()).envelope;
    second = await demoTravellerFlow(app, 'trust-traveller-2', 1);
    expect(second.kid).toBe(kidA);
    oldDsc = (await app.keys.publishedSigningCertificates()).find((d) => d.kid === kidA)!;
  });

  test('past pre-publication the new DSC signs; a verifier holding the list fetched days before verifies its codes, and the old codes', async () => {
    clock.set(activatesAt - 1000);
    expect((await app.keys.activeKey('ithc-dsc')).kid).toEqual(fromBase64(kidA));
    clock.set(activatesAt);
    third = await demoTravellerFlow(app, 'trust-traveller-3', 2);
    expect(third.kid).toBe(kidB);
    // The officer's verifier has been offline since the second day of pre-publication: its list is stale, yet it trusts the new DSC.
    const cached = await verifyList(cachedDuringPrePublication);
    expect(cached.stale).toBe(true);
    expect((await verifyAgainst(cached, third.codes.ithc)).valid).toBe(true);
    expect((await verifyAgainst(cached, first.codes.ithc)).valid).toBe(true);
    expect((await verifyAgainst(cached, second.codes.ithc)).valid).toBe(true);
    // A list older than the rotation cannot know the new DSC: why lists are refreshed more often than the pre-publication period.
    const older = await verifyList(cachedBeforeRotation);
    expect((await verifyAgainst(older, third.codes.ithc)).errors.map((e) => e.code)).toEqual(['KID_UNKNOWN']);
    const eu = await publishDscList(app.keys, 'CN', clock.now());
    expect(Object.fromEntries(eu.ithcCertificates.map((c) => [c.kid, c.status]))).toEqual({ [kidA]: 'retired', [kidB]: 'active' });
    // Rotating the ITHC signer leaves the DCC signer as it was.
    expect(Object.fromEntries(eu.certificates.map((c) => [c.kid, c.status]))).toEqual({ [dccKid]: 'active' });
    expect(toBase64((await app.keys.activeKey('dsc')).kid)).toBe(dccKid);
  });

  test('the old DSC stays until the moment it expires, and then leaves both published lists', async () => {
    // The DCC signer, certified with the first ITHC signer, expires with it.
    const dccDoc = (await app.keys.publishedSigningCertificates()).find((d) => d.kid === dccKid)!;
    expect(dccDoc.notAfter).toBe(oldDsc.notAfter);
    clock.set(oldDsc.notAfter - 60_000);
    // The trust-list signer, certified with the first DSC, expires with it: a new one takes over at once.
    const signer = await call(app, 'admin', OPERATOR, { action: 'rotateKey', kind: 'trustlist-signer' });
    expect(signer.ok && (signer.data as KeyView).status).toBe('active');
    expect((await verifyList((await published()).envelope)).keys.map((k) => toBase64(k.kid)).sort()).toEqual([dccKid, kidA, kidB].sort());
    clock.set(oldDsc.notAfter);
    const after = await published();
    const list = await verifyList(after.envelope);
    expect(list.keys.map((k) => toBase64(k.kid))).toEqual([kidB]);
    const eu = await publishDscList(app.keys, 'CN', clock.now());
    expect([eu.certificates.map((c) => c.kid), eu.ithcCertificates.map((c) => c.kid)]).toEqual([[], [kidB]]);
    expect((await verifyAgainst(list, first.codes.ithc)).errors.map((e) => e.code)).toEqual(['KID_UNKNOWN']);
  });
});
