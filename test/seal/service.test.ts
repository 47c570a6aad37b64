/**
 * certificate.seal (docs/functions.md) through the function table: for a partner that accepts sealed
 * codes, one sealed code per current authority key, which opens with that key only and verifies
 * against our published trust list; the open codes the partner accepts; refusals that write nothing.
 * Partners are inserted into the store directly (the partner registry's admin actions are tested
 * with that registry).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toBase64 } from '../../core/bytes';
import { decodeLenient, Tag, type CborValue } from '../../core/cbor';
import { validateDccSchema } from '../../core/dcc-schema';
import { verifyCode } from '../../core/hcert';
import { KeyStore } from '../../core/keys';
import { openSealed, sealedCodeContent, sealedOpener } from '../../core/seal';
import { verifyTrustList } from '../../core/trustlist';
import { call, openLocalApp } from '../../node/local';
import { demoTravellerFlow, seedDemo } from '../../demo/seed';
import { nodeCrypto } from '../../node/crypto-node';
import type { App } from '../../server/app';
import { ManualClock } from '../../server/clock';
import { DEMO_DOCUMENTS } from '../../demo/documents';
import { DEMO_CITIZENS } from '../../demo/citizens';
import type { CertificateView } from '../../server/functions/definitions';
import type { Envelope } from '../../server/functions/router';
import type { PartnerDoc } from '../../server/partners/types';
import type { Doc } from '../../server/store/store';
import { COLLECTIONS } from '../../server/store/store';
import { publishAppTrustList } from '../../server/trust/signed-list';
import { makeAuthority, type Authority } from './fixtures';

const TRAVELLER = 'seal-traveller';

let dir: string;
let app: App;
let clock: ManualClock;
let view: CertificateView;
let key1: Authority;
let key2: Authority;
let retired: Authority;

function partner(country: string, accepts: PartnerDoc['accepts'], keys: Array<{ a: Authority; notAfter?: string; full?: true }>): PartnerDoc {
  return {
    _id: country,
    country,
    name: { zh: `${country}（测试）`, en: `${country} (test)` },
    accepts,
    encryptionKeys: keys.map(({ a, notAfter, full }) => ({
      kid: toBase64(a.kid),
      spki: toBase64(a.spki),
      ...(notAfter ? { notAfter } : {}),
      ...(full ? { pointCompression: false as const } : {}),
    })),
    rules: [],
    signingCertificates: [],
    updatedAt: clock.now(),
  };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ithc-seal-'));
  clock = new ManualClock(Date.now());
  app = await openLocalApp(join(dir, 'data'), { clock });
  await seedDemo(app);
  view = await demoTravellerFlow(app, TRAVELLER, 0);
  key1 = makeAuthority('SG-1');
  key2 = makeAuthority('SG-2');
  retired = makeAuthority('SG-0');
  const past = new Date(clock.now() - 86_400_000).toISOString();
  for (const p of [
    partner('SG', ['sealed', 'ithc', 'dcc'], [{ a: key1 }, { a: key2, full: true }, { a: retired, notAfter: past }]),
    partner('TH', ['dcc'], [{ a: key1 }]),
    partner('MY', ['sealed'], [{ a: retired, notAfter: past }]),
  ]) {
    await app.store.put('partners', p as unknown as Doc);
  }
}, 120_000);

afterAll(async () => {
  await app?.store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function seal(openid: string, input: Record<string, unknown>): Promise<Envelope> {
  return call(app, 'certificate', openid, { action: 'seal', ...input });
}

function data<T = any>(env: Envelope): T {
  if (!env.ok) throw new Error(`expected success, got ${env.error.code}: ${env.error.message}`);
  return env.data as T;
}

async function storeDump(): Promise<string> {
  const out: string[] = [];
  for (const c of COLLECTIONS) out.push(JSON.stringify(await app.store.find(c, {}, { limit: 1000 })));
  return out.join('\n');
}

describe('a partner that accepts sealed, ITHC and DCC codes', () => {
  test('gets one sealed code per current key (the expired key is skipped), the open code and the DCCs', async () => {
    const r = data(await seal(TRAVELLER, { destination: 'SG' }));
    expect(r.destination).toBe('SG');
    expect(r.accepts).toEqual(['dcc', 'ithc', 'sealed']);
    expect(r.sealed.map((s: { authority: string; kid: string }) => [s.authority, s.kid])).toEqual([
      ['SG', toBase64(key1.kid)],
      ['SG', toBase64(key2.kid)],
    ]);
    expect(r.open).toBe(view.codes.ithc);
    expect(r.dcc).toEqual(view.codes.dcc.map((d) => d.code));
  });

  test('the ephemeral key is compressed unless the partner key says pointCompression: false', async () => {
    const r = data(await seal(TRAVELLER, { destination: 'SG' }));
    const ys = (r.sealed as Array<{ code: string }>)
      .map((s) => {
        const msg = (decodeLenient(sealedCodeContent(s.code)) as Tag).value as CborValue[];
        return ((msg[3] as CborValue[][])[0][1] as Map<CborValue, CborValue>).get(-1) as Map<CborValue, CborValue>;
      })
      .map((k) => k.get(-3));
    expect(typeof ys[0]).toBe('boolean');
    expect(ys[1]).toBeInstanceOf(Uint8Array);
    expect((ys[1] as Uint8Array).length).toBe(32);
    // The same certificate, 33 bytes more of y: 49 or 50 more base45 characters.
    expect(r.sealed[1].code.length - r.sealed[0].code.length).toBeGreaterThanOrEqual(49);
  });

  test('each sealed code opens with its own key only, and its inner certificate verifies against the published trust list', async () => {
    const r = data(await seal(TRAVELLER, { destination: 'sg' }));
    const list = await verifyTrustList((await publishAppTrustList(app)).envelope as unknown as Record<string, unknown>, {
      cscas: [await app.keys.cscaCertificate()],
      now: Math.floor(clock.now() / 1000),
      crypto: nodeCrypto,
    });
    const keys = new KeyStore(list.keys);
    for (const [i, s] of (r.sealed as Array<{ code: string }>).entries()) {
      const mine = [key1, key2][i];
      const other = [key2, key1][i];
      expect(() => openSealed(sealedCodeContent(s.code), [{ privateKey: other.privateKey }])).toThrow(/no matching key/);
      const v = await verifyCode(s.code, {
        keys,
        now: Math.floor(clock.now() / 1000),
        crypto: nodeCrypto,
        validateDccSchema,
        openSealed: sealedOpener([{ privateKey: mine.privateKey }]),
      });
      expect(v.errors).toEqual([]);
      expect(v.valid).toBe(true);
      expect(v.format).toBe('sealed');
      expect(toBase64(v.signer!.kid)).toBe(view.kid);
    }
  });

  test('sealed codes are made fresh on each call and are not stored', async () => {
    const before = await storeDump();
    const a = data(await seal(TRAVELLER, { destination: 'SG' }));
    const b = data(await seal(TRAVELLER, { destination: 'SG' }));
    expect(a.sealed[0].code).not.toBe(b.sealed[0].code);
    expect(await storeDump()).toBe(before);
  });
});

describe('partners that take less', () => {
  test('DCC only: no sealed codes and no open ITHC code', async () => {
    const r = data(await seal(TRAVELLER, { destination: 'TH' }));
    expect(r).toEqual({
      destination: 'TH',
      accepts: ['dcc'],
      sealed: null,
      open: null,
      dcc: view.codes.dcc.map((d) => d.code),
      certificateId: view.id,
      expiresAt: view.expiresAt,
    });
  });

  test('sealed only, but every key expired: sealed is null', async () => {
    const r = data(await seal(TRAVELLER, { destination: 'MY' }));
    expect(r).toEqual({ destination: 'MY', accepts: ['sealed'], sealed: null, open: null, dcc: [], certificateId: view.id, expiresAt: view.expiresAt });
  });
});

describe('refusals write nothing', () => {
  test.each([
    ['no destination', {}, 'VALIDATION_FAILED'],
    ['a malformed destination', { destination: 'S1' }, 'VALIDATION_FAILED'],
    ['a destination too long', { destination: 'SGP' }, 'VALIDATION_FAILED'],
    ['a destination that is not a partner', { destination: 'ZZ' }, 'NOT_FOUND'],
  ])('%s', async (_name, input, code) => {
    const before = await storeDump();
    const env = await seal(TRAVELLER, input);
    expect(env.ok).toBe(false);
    if (!env.ok) {
      expect(env.error.code).toBe(code);
      if (code === 'VALIDATION_FAILED') expect(Object.keys(env.error.fields ?? {})).toEqual(['destination']);
    }
    expect(await storeDump()).toBe(before);
  });

  test('a caller without a verified identity: IDENTITY_REQUIRED; one without a certificate: NOT_FOUND', async () => {
    const env = await seal('seal-stranger', { destination: 'SG' });
    expect(!env.ok && env.error.code).toBe('IDENTITY_REQUIRED');
    // Verified, passport bound, nothing issued yet.
    const c = DEMO_CITIZENS[2];
    const today = new Date(clock.now()).toISOString().slice(0, 10);
    const d = DEMO_DOCUMENTS.find((x) => x.holderIdNumber === c.idNumber && x.status === 'valid' && x.expiresOn > today)!;
    const person = { name: c.name, idNumber: c.idNumber };
    const face = data(await call(app, 'identity', 'seal-new', { action: 'beginFaceCheck', ...person }));
    data(await call(app, 'identity', 'seal-new', { action: 'verify', ...person, faceToken: face.faceToken }));
    data(await call(app, 'document', 'seal-new', { action: 'bind', type: d.type, number: d.number, expiry: d.expiresOn, mrz: d.mrz }));
    const none = await seal('seal-new', { destination: 'SG' });
    expect(!none.ok && none.error.code).toBe('NOT_FOUND');
  });

  test('a revoked certificate is not shown (CONFLICT)', async () => {
    const docs = await app.store.find('certificates', { uci: view.id });
    expect(docs).toHaveLength(1);
    await app.store.update('certificates', docs[0]._id, { status: 'revoked' });
    try {
      const env = await seal(TRAVELLER, { destination: 'SG' });
      expect(!env.ok && env.error.code).toBe('CONFLICT');
    } finally {
      await app.store.update('certificates', docs[0]._id, { status: 'valid' });
    }
  });

  test('an expired certificate is not shown (CONFLICT)', async () => {
    const saved = clock.now();
    clock.set(view.expiresAt + 1000);
    try {
      const env = await seal(TRAVELLER, { destination: 'SG' });
      expect(!env.ok && env.error.code).toBe('CONFLICT');
    } finally {
      clock.set(saved);
    }
  });
});
