/**
 * The traveller's whole path over the local gateway (real HTTP on 127.0.0.1, a real SQLite file):
 * identity → passport → records → issue, then every code checked with the built `ithc verify`
 * against the trust list the gateway publishes, and with core's verifier on both crypto providers.
 * Then idempotency: the same records give the same certificate; a newly ingested record gives a new one.
 */
import { join } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { nobleCrypto } from '../../core/crypto/noble';
import { nodeCrypto } from '../../node/crypto-node';
import { openLocalApp } from '../../node/local';
import { seedDemo } from '../../demo/seed';
import type { App } from '../../server/app';
import { DEMO_CITIZENS } from '../../demo/citizens';
import { selectRecords } from '../../server/issuance/build';
import { CERTIFICATE_ENCODING } from '../../server/issuance/service';
import { DEMO_SOURCE_IDS } from '../../demo/records';
import type { HealthRecord } from '../../server/records/types';
import {
  bindableDocument,
  callFn,
  cliVerify,
  documentForm,
  dscsChainToCsca,
  ensureBuilt,
  httpGet,
  naatRecord,
  ok,
  postIngest,
  serve,
  signedIngest,
  sourceKeyFromDataDir,
  tempDir,
  trustedKeysOf,
  verifyIdentity,
  verifyWithCore,
  type Served,
} from './helpers';

const TRAVELLER = DEMO_CITIZENS[0];
const OPENID = 'e2e-flow-traveller';

let dataDir: string;
let app: App;
let server: Served;
let trustFile: string;

beforeAll(async () => {
  await ensureBuilt();
  const dir = tempDir('flow');
  dataDir = join(dir, 'data');
  trustFile = join(dir, 'trustlist.json');
  app = await openLocalApp(dataDir);
  await seedDemo(app);
  server = await serve(app);
}, 300_000);

afterAll(async () => {
  await server?.close();
  await app?.store.close();
});

/** The records issuance picks for the traveller, from the store (not from the response). */
async function selectedRecords(): Promise<HealthRecord[]> {
  return selectRecords(await app.records.collect(app.personIds.personId(TRAVELLER.idNumber)));
}

function allCodes(view: any): string[] {
  return [view.codes.ithc, ...view.codes.dcc.map((d: { code: string }) => d.code)];
}

let first: any;

describe('the traveller flow over the local gateway', () => {
  test('identity → passport → issue, and every code verifies with `ithc verify` and the published trust list', async () => {
    const { base } = server;
    const identity = await verifyIdentity(base, OPENID, TRAVELLER);
    expect(identity).toMatchObject({ verified: true, name: TRAVELLER.name, birthDate: TRAVELLER.birthDate, sex: TRAVELLER.sex });
    // The caller is shown a masked number, never the full one.
    expect(identity.idNumberMasked).not.toBe(TRAVELLER.idNumber);
    expect(JSON.stringify(identity)).not.toContain(TRAVELLER.idNumber);

    const doc = bindableDocument(TRAVELLER);
    const bound = await ok(callFn(base, 'document', OPENID, documentForm(doc)));
    expect(bound).toMatchObject({ type: doc.type, number: doc.number, expiry: doc.expiresOn });
    expect(await ok(callFn(base, 'document', OPENID, { action: 'current' }))).toMatchObject({ number: doc.number });

    const view = await ok(callFn(base, 'certificate', OPENID, { action: 'issue' }));
    first = view;
    expect(view.status).toBe('valid');
    expect(view.codes.ithc).toMatch(/^ITHC1:/);

    const published = await httpGet(`${base}/trustlist`);
    expect(published.status).toBe(200);
    writeFileSync(trustFile, JSON.stringify(published.body));
    // Our DSCs chain to our own CSCA.
    expect([published.body.certificates.length, published.body.ithcCertificates.length]).toEqual([1, 1]);
    expect(dscsChainToCsca(published.body)).toEqual([true, true]);

    const codes = allCodes(view);
    const { exit, verdicts, stderr } = await cliVerify(trustFile, codes);
    expect({ exit, stderr }).toEqual({ exit: 0, stderr: '' });
    expect(verdicts.map((v) => ({ valid: v.valid, errors: v.errors }))).toEqual(codes.map(() => ({ valid: true, errors: [] })));
    // HC1 codes under a DCC signer, the ITHC1 code under an ITHC signer: each format's list apart.
    const kidsOf = (entries: Array<{ kid: string }>) => entries.map((c) => c.kid);
    for (const [i, v] of verdicts.entries())
      expect(kidsOf(codes[i].startsWith('HC1:') ? published.body.certificates : published.body.ithcCertificates)).toContain(v.kid);

    // The comprehensive code: this holder, this document, these records.
    const selected = await selectedRecords();
    const count = (k: HealthRecord['kind']) => selected.filter((r) => r.kind === k).length;
    const ithc = verdicts[0];
    expect(ithc.format).toBe('ithc');
    expect(ithc.payload.id).toBe(view.id);
    expect(ithc.payload.holder).toMatchObject({
      documentNumber: doc.number,
      documentType: doc.type,
      surnameLatin: doc.surname,
      givenNameLatin: doc.givenNames,
      dateOfBirth: TRAVELLER.birthDate,
    });
    expect([ithc.payload.tests.length, ithc.payload.antibodyTests.length, ithc.payload.vaccinations.length]).toEqual([
      count('naat'),
      count('igg'),
      count('vaccination'),
    ]);

    // One HC1 per record a DCC can express (tests and vaccinations; antibody tests have no DCC type).
    const expressible = selected.filter((r) => r.kind === 'naat' || r.kind === 'vaccination');
    expect(expressible.length).toBeGreaterThan(0);
    expect(view.codes.dcc.map((d: any) => d.recordId).sort()).toEqual(expressible.map((r) => r._id).sort());
    view.codes.dcc.forEach((entry: any, i: number) => {
      const v = verdicts[i + 1];
      const record = expressible.find((r) => r._id === entry.recordId)!;
      expect(v.format).toBe('dcc');
      expect(v.payload.nam).toMatchObject({ fnt: doc.surname, gnt: doc.givenNames });
      expect(v.payload.dob).toBe(TRAVELLER.birthDate);
      if (record.kind === 'naat') {
        expect(entry.type).toBe('t');
        expect(v.payload.v).toBeUndefined();
        expect(v.payload.t).toHaveLength(1);
        expect(v.payload.t[0]).toMatchObject({ ci: entry.uci, tt: record.testType ?? 'LP6464-4', tr: record.result });
        expect(Date.parse(v.payload.t[0].sc)).toBe(Date.parse(record.sampledAt));
      } else if (record.kind === 'vaccination') {
        expect(entry.type).toBe('v');
        expect(v.payload.t).toBeUndefined();
        expect(v.payload.v).toHaveLength(1);
        expect(v.payload.v[0]).toMatchObject({ ci: entry.uci, mp: record.product, dn: record.dose, sd: record.doses, dt: record.date });
      }
    });
  });

  test.each([
    ['node:crypto', nodeCrypto],
    ['noble', nobleCrypto],
  ])('every code verifies with core and the %s provider, using only the published trust list', async (_name, crypto) => {
    const keys = trustedKeysOf(readFileSync(trustFile, 'utf8'));
    for (const code of allCodes(first)) {
      const verdict = await verifyWithCore(code, keys, crypto);
      expect({ code: code.slice(0, 6), valid: verdict.valid, errors: verdict.errors }).toEqual({ code: code.slice(0, 6), valid: true, errors: [] });
      expect(verdict.certificate?.format).toBe(code.startsWith('HC1:') ? 'dcc' : 'ithc');
    }
  });

  test('without our keys nothing verifies, and a changed character breaks the signature', async () => {
    const empty = join(tempDir('flow-empty'), 'empty.json');
    writeFileSync(empty, JSON.stringify({ certificates: [] }));
    const codes = allCodes(first);
    const r = await cliVerify(empty, codes);
    // No signing key at all: cannot check (exit 3), not invalid.
    expect(r.exit).toBe(3);
    expect(r.verdicts.map((v) => ({ valid: v.valid, codes: v.errors.map((e) => e.code), payload: v.payload }))).toEqual(
      codes.map(() => ({ valid: false, codes: ['KID_UNKNOWN'], payload: null })),
    );

    // Flip one base45 character in the middle of the comprehensive code.
    const code = first.codes.ithc as string;
    const at = Math.floor(code.length / 2);
    const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
    const other = alphabet[(alphabet.indexOf(code[at]) + 1) % alphabet.length];
    const verdict = await verifyWithCore(code.slice(0, at) + other + code.slice(at + 1), trustedKeysOf(readFileSync(trustFile, 'utf8')), nodeCrypto);
    expect(verdict.valid).toBe(false);
    expect(verdict.certificate).toBeNull();
  });
});

describe('idempotent issuance', () => {
  test('issuing again gives the same certificate and codes; a newly ingested record gives a new certificate', async () => {
    const { base } = server;
    expect(first).toBeDefined();
    const again = await ok(callFn(base, 'certificate', OPENID, { action: 'issue' }));
    expect({ id: again.id, codes: again.codes, issuedAt: again.issuedAt }).toEqual({ id: first.id, codes: first.codes, issuedAt: first.issuedAt });
    expect(await ok(callFn(base, 'certificate', OPENID, { action: 'get' }))).toMatchObject({ id: first.id, codes: first.codes });

    // A lab sends a newer nucleic-acid result through the signed ingestion endpoint.
    const lab = DEMO_SOURCE_IDS.naatLab;
    const key = await sourceKeyFromDataDir(dataDir, lab);
    const record = naatRecord(TRAVELLER, `E2E-FLOW-${Date.now()}`, Date.now() - 60_000);
    const sent = await postIngest(base, signedIngest(lab, key, { records: [record] }));
    expect(sent.status).toBe(200);
    expect(sent.body.data).toEqual({ accepted: 1, unchanged: 0, updated: 0, withdrawn: 0, rejected: [] });

    const renewed = await ok(callFn(base, 'certificate', OPENID, { action: 'issue' }));
    expect(renewed.id).not.toBe(first.id);
    expect(renewed.codes.ithc).not.toBe(first.codes.ithc);
    const keys = trustedKeysOf(readFileSync(trustFile, 'utf8'));
    const verdict = await verifyWithCore(renewed.codes.ithc, keys, nodeCrypto);
    expect(verdict.valid).toBe(true);
    const sampleTimes = verdict.certificate?.format === 'ithc' ? verdict.certificate.ithc.tests.map((t) => t.sampleTime) : [];
    expect(sampleTimes).toContain(Date.parse(record.sampledAt) / 1000);
    expect(await ok(callFn(base, 'certificate', OPENID, { action: 'get' }))).toMatchObject({ id: renewed.id, codes: renewed.codes });

    // The same record again (a re-send with a fresh nonce) changes nothing, so neither does issuing.
    const resent = await postIngest(base, signedIngest(lab, key, { records: [record] }));
    expect(resent.body.data).toEqual({ accepted: 0, unchanged: 1, updated: 0, withdrawn: 0, rejected: [] });
    const same = await ok(callFn(base, 'certificate', OPENID, { action: 'issue' }));
    expect({ id: same.id, codes: same.codes }).toEqual({ id: renewed.id, codes: renewed.codes });

    // One audit entry per certificate issued, none for the repeats.
    const audit = await app.store.find('audit', { action: 'certificate.issue', personId: app.personIds.personId(TRAVELLER.idNumber) });
    expect(audit.map((a) => a.certificateId).sort()).toEqual([first.id, renewed.id].sort());
  });

  test('concurrent requests for new records hand out one certificate: the code stored and audited once', async () => {
    const { base } = server;
    const lab = DEMO_SOURCE_IDS.naatLab;
    const key = await sourceKeyFromDataDir(dataDir, lab);
    const sent = await postIngest(base, signedIngest(lab, key, { records: [naatRecord(TRAVELLER, `E2E-RACE-${Date.now()}`, Date.now() - 30_000)] }));
    expect(sent.status).toBe(200);

    const views = await Promise.all(Array.from({ length: 4 }, () => ok(callFn(base, 'certificate', OPENID, { action: 'issue' }))));
    for (const v of views) expect({ id: v.id, codes: v.codes }).toEqual({ id: views[0].id, codes: views[0].codes });
    const stored = await ok(callFn(base, 'certificate', OPENID, { action: 'get' }));
    expect({ id: stored.id, codes: stored.codes }).toEqual({ id: views[0].id, codes: views[0].codes });
    expect(await app.store.find('audit', { certificateId: views[0].id })).toHaveLength(1);
  });

  test('a stored certificate from an older encoder is signed again, not handed out', async () => {
    const { base } = server;
    const current = await ok(callFn(base, 'certificate', OPENID, { action: 'issue' }));
    const docId = (await app.store.find('certificates', { uci: current.id }))[0]._id;
    const stored = (await app.store.get('certificates', docId))!;
    expect(stored.encoding).toBe(CERTIFICATE_ENCODING);
    // As a store written before the encoding was recorded holds it.
    const { encoding: _dropped, ...older } = stored;
    await app.store.put('certificates', older);

    const again = await ok(callFn(base, 'certificate', OPENID, { action: 'issue' }));
    expect(again.id).toBe(current.id);
    expect(again.codes.ithc).not.toBe(current.codes.ithc);
    expect((await app.store.get('certificates', docId))!.encoding).toBe(CERTIFICATE_ENCODING);
    expect((await app.store.find('audit', { certificateId: current.id, action: 'certificate.resign' })).length).toBeGreaterThanOrEqual(1);
    const keys = trustedKeysOf(readFileSync(trustFile, 'utf8'));
    expect((await verifyWithCore(again.codes.ithc, keys, nodeCrypto)).valid).toBe(true);
  });
});
