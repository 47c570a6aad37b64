/**
 * The signed source list (core/sourcelist.ts, server/trust/source-list.ts, docs/trust-list.md §The
 * source list): signed like the trust list, by the trust-list signer the CSCA certified, under its
 * own content type; verified with only the CSCA; malformed entries left out; what verifiers show of
 * a source in each language; and its publication from the `sources` collection.
 */
import { generateKeyPairSync } from 'node:crypto';
import { nobleCrypto } from '../../core/crypto/noble';
import { kidFromCertificate } from '../../core/keys';
import {
  SourceDirectory,
  encodeSourceListPayload,
  isSignedSourceList,
  signSourceList,
  sourceDisplayName,
  sourceLabel,
  sourceListEnvelope,
  sourceValidAt,
  sourcesOfCertificate,
  verifySourceList,
  type SourceListContent,
  type SourceListEntry,
} from '../../core/sourcelist';
import { isSignedTrustList, signTrustList, trustListEnvelope, verifyTrustList } from '../../core/trustlist';
import { Tag, encodeStrict, decodeLenient, type CborValue } from '../../core/cbor';
import { nodeCrypto } from '../../node/crypto-node';
import { certifyRequest } from '../../server/keys/ca';
import { buildCsr, csrPem } from '../../server/keys/csr';
import { publishSignedSourceList, sourceListEntry, SOURCE_LIST_VERSION_DOC } from '../../server/trust/source-list';
import { DEMO_SOURCES } from '../../demo/records';
import { readIthc, ithcToCbor } from '../../core/ithc';
import { exampleCertificate, SOURCES } from '../ithc/fixtures';
import { T0, content, es256Signer, issueDsc, makeCa, type Ca } from './fixtures';
import { openTestStore } from '../records/helpers/store';
import { ManualClock } from '../../server/clock';
import type { KeyService } from '../../server/keys/service';
import { errorCode } from '../support/error-code';

const NOW = T0 / 1000 + 3600;
const ENTRIES: SourceListEntry[] = SOURCES;

let ca: Ca;
let signer: { der: Uint8Array; signer: ReturnType<typeof es256Signer> };

beforeAll(() => {
  ca = makeCa();
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const csr = buildCsr({ C: 'CN', O: 'ITHC', CN: 'ITHC Trust List Signer' }, publicKey, privateKey);
  signer = {
    der: certifyRequest({ certificate: ca.der, privateKey: ca.privateKey }, csrPem(csr), { profile: 'trustlist-signer', now: T0 }),
    signer: es256Signer(privateKey),
  };
});

const listContent = (over: Partial<SourceListContent> = {}): SourceListContent => ({
  version: 3,
  issuedAt: T0 / 1000,
  maxAge: 7 * 86_400,
  country: 'CN',
  sources: ENTRIES,
  ...over,
});

async function signed(c = listContent(), by = signer): Promise<string> {
  return JSON.stringify(sourceListEnvelope(await signSourceList(c, { certificate: by.der, signer: by.signer }, ca.der), c));
}

describe('signing and verifying', () => {
  test.each([
    ['node:crypto', nodeCrypto],
    ['noble', nobleCrypto],
  ])('a list by the trust-list signer verifies with only the CSCA (%s): every source, by code', async (_n, crypto) => {
    const v = await verifySourceList(await signed(), { cscas: [ca.der], now: NOW, crypto });
    expect(v.problems).toEqual([]);
    expect(v).toMatchObject({ version: 3, issuedAt: T0 / 1000, country: 'CN', stale: false });
    expect(v.signer?.subject).toContain('Trust List Signer');
    expect(v.sources.entries()).toEqual(ENTRIES);
    expect(v.sources.get(ENTRIES[0].code)).toEqual(ENTRIES[0]);
  });

  test('the bare COSE_Sign1 is read as well, and a list signed by the CSCA itself', async () => {
    const bare = await signSourceList(listContent(), { certificate: ca.der, signer: ca.signer }, ca.der);
    const v = await verifySourceList(bare, { cscas: [ca.der], now: NOW, crypto: nodeCrypto });
    expect(v.sources.size).toBe(ENTRIES.length);
    expect(v.signer).toBeUndefined();
  });

  test('neither list can be passed off as the other: each is refused under the other content type', async () => {
    const trust = JSON.stringify(
      trustListEnvelope(await signTrustList(content(ca, [issueDsc(ca)]), { certificate: signer.der, signer: signer.signer }), content(ca, [])),
    );
    // The trust list's envelope relabelled as a source list, and the bare COSE of each given to the other's reader.
    const relabelled = JSON.stringify({ ...JSON.parse(trust), format: 'ithc-sourcelist' });
    expect(await errorCode(verifySourceList(relabelled, { cscas: [ca.der], now: NOW, crypto: nodeCrypto }))).toBe('COSE_INVALID');
    const sourceCose = Buffer.from(JSON.parse(await signed()).signed, 'base64');
    expect(await errorCode(verifyTrustList(new Uint8Array(sourceCose), { cscas: [ca.der], now: NOW, crypto: nodeCrypto }))).toBe('COSE_INVALID');
    // And the readers that route files tell them apart, as JSON and as bare COSE.
    expect([isSignedSourceList(await signed()), isSignedTrustList(await signed())]).toEqual([true, false]);
    expect([isSignedSourceList(new Uint8Array(sourceCose)), isSignedTrustList(new Uint8Array(sourceCose))]).toEqual([true, false]);
    expect([isSignedSourceList(trust), isSignedTrustList(trust)]).toEqual([false, true]);
  });

  test('a list signed under another CSCA, or by a DSC of ours, is refused', async () => {
    const other = makeCa('Other CSCA');
    expect(await errorCode(verifySourceList(await signed(), { cscas: [other.der], now: NOW, crypto: nodeCrypto }))).toBe('KID_UNKNOWN');
    const dsc = issueDsc(ca);
    expect(
      await errorCode(verifySourceList(await signed(listContent(), { der: dsc.der, signer: dsc.signer }), { cscas: [ca.der], now: NOW, crypto: nodeCrypto })),
    ).toBe('KEY_USAGE_MISMATCH');
  });

  test('an altered payload fails the signature; a malformed entry is left out with a warning, the rest used', async () => {
    const env = JSON.parse(await signed());
    const t = decodeLenient(Buffer.from(env.signed, 'base64')) as Tag;
    const [prot, unprot, payload, sig] = t.value as [Uint8Array, CborValue, Uint8Array, Uint8Array];
    const tampered = new Uint8Array(payload);
    tampered[tampered.length - 3] ^= 1;
    const bad = encodeStrict(new Tag([prot, unprot, tampered, sig], 18));
    expect(await errorCode(verifySourceList(bad, { cscas: [ca.der], now: NOW, crypto: nodeCrypto }))).toBe('SIGNATURE_INVALID');

    // A list whose second entry has a name in Latin script with Chinese in it: signed as it is (by the CSCA, bypassing the publisher's checks).
    const m = decodeLenient(encodeSourceListPayload(listContent())) as Map<CborValue, CborValue>;
    (m.get('sources') as Map<CborValue, CborValue>[])[1].set('nameLatin', '东城 clinic');
    const p = encodeStrict(m);
    const protectedBytes = encodeStrict(
      new Map<CborValue, CborValue>([
        [1, -7],
        [3, 'application/vnd.ithc.sourcelist+cbor'],
        [4, kidFromCertificate(ca.der)],
      ]),
    );
    const { sigStructure } = await import('../../core/cose');
    const cose = encodeStrict(new Tag([protectedBytes, new Map(), p, await ca.signer.sign(sigStructure(protectedBytes, p))], 18));
    const v = await verifySourceList(cose, { cscas: [ca.der], now: NOW, crypto: nodeCrypto });
    expect(v.problems.map((x) => x.code)).toEqual(['ENTRY_MALFORMED']);
    expect(v.sources.entries().map((e) => e.code)).toEqual([ENTRIES[0].code]);
  });

  test('past its maximum age the list is still used, with a STALE warning', async () => {
    const v = await verifySourceList(await signed(), { cscas: [ca.der], now: NOW + 8 * 86_400, crypto: nodeCrypto });
    expect(v.stale).toBe(true);
    expect(v.problems.map((p) => p.code)).toEqual(['STALE']);
    expect(v.sources.size).toBe(ENTRIES.length);
  });

  test('the publisher refuses what a verifier would leave out: a duplicate code, a region of another country, a Latin name that is not Latin', () => {
    expect(() => encodeSourceListPayload(listContent({ sources: [ENTRIES[0], { ...ENTRIES[1], code: ENTRIES[0].code }] }))).toThrow(/listed twice/);
    expect(() => encodeSourceListPayload(listContent({ sources: [{ ...ENTRIES[0], region: 'SG-01' }] }))).toThrow(/region/);
    expect(() => encodeSourceListPayload(listContent({ sources: [{ ...ENTRIES[0], nameLatin: '北京' }] }))).toThrow(/nameLatin/);
    expect(() => encodeSourceListPayload(listContent({ sources: [{ ...ENTRIES[0], code: 0 }] }))).toThrow(/code/);
  });
});

describe('what verifiers show', () => {
  const dir = new SourceDirectory(ENTRIES);
  const lab = ENTRIES[0];

  test('the Latin-script name in every language but Chinese; the Chinese name in Chinese', () => {
    expect(sourceDisplayName(lab, 'zh')).toBe(lab.name);
    for (const lang of ['en', 'fr', 'de']) expect(sourceDisplayName(lab, lang)).toBe(lab.nameLatin);
    // A source without a Latin name is shown by its Chinese one.
    expect(sourceDisplayName({ name: lab.name }, 'en')).toBe(lab.name);
  });

  test('a place by name as written; by code through the list; a code no list holds as the code', () => {
    expect(sourceLabel({ name: 'Labor Berlin' }, dir, 'zh')).toBe('Labor Berlin');
    expect(sourceLabel({ code: lab.code }, dir, 'en')).toBe(lab.nameLatin);
    expect(sourceLabel({ code: 999 }, dir, 'en')).toBe('source code 999 (not in the source list loaded)');
    expect(sourceLabel({ code: 999 }, undefined, 'zh')).toContain('999');
  });

  test("the sources a certificate names by code, and whether a record lies within a source's validity", () => {
    const cert = readIthc(ithcToCbor(exampleCertificate())).certificate!;
    expect(sourcesOfCertificate(cert, dir).map((e) => e.code)).toEqual([ENTRIES[0].code, ENTRIES[1].code]);
    expect(sourceValidAt(lab, lab.validFrom!)).toBe(true);
    expect(sourceValidAt(lab, lab.validFrom! - 1)).toBe(false);
    expect(sourceValidAt({ ...lab, validUntil: lab.validFrom! + 10 }, lab.validFrom! + 11)).toBe(false);
    expect(sourceValidAt({}, 0)).toBe(true);
  });
});

describe('publication from the sources collection', () => {
  test('every source with a registry code, in code order; a source without one, or whose fields a verifier would refuse, is not listed; the version grows only when the content changes', async () => {
    const { store } = await openTestStore();
    const clock = new ManualClock(T0);
    // The key service's two answers the publisher uses: the CSCA's certificate, and the signer's certificate and private key (a KeyObject).
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const der = certifyRequest(
      { certificate: ca.der, privateKey: ca.privateKey },
      csrPem(buildCsr({ C: 'CN', O: 'ITHC', CN: 'ITHC Trust List Signer 2' }, publicKey, privateKey)),
      { profile: 'trustlist-signer', now: T0 },
    );
    const keys = { cscaCertificate: async () => ca.der, trustListSigner: async () => ({ certificate: der, privateKey }) } as unknown as KeyService;
    for (const s of DEMO_SOURCES) await store.insert('sources', { ...s, accepts: [...s.accepts] });
    await store.insert('sources', { _id: 'lab-abroad', name: 'Labor Berlin', type: 'lab', country: 'DE', accepts: ['naat', 'igg'], active: true });
    await store.insert('sources', {
      _id: 'lab-bad-latin',
      name: '某实验室',
      type: 'lab',
      country: 'CN',
      accepts: ['naat'],
      active: true,
      code: 9001,
      nameLatin: '某 lab',
    });

    const first = await publishSignedSourceList({ keys, store, clock, country: 'CN' });
    const v = await verifySourceList(JSON.stringify(first.envelope), { cscas: [ca.der], now: T0 / 1000, crypto: nodeCrypto });
    expect(v.problems).toEqual([]);
    expect(v.sources.entries()).toEqual(DEMO_SOURCES.map((s) => sourceListEntry(s)!).sort((a, b) => a.code - b.code));
    expect(v.sources.get(1101)).toMatchObject({ nameLatin: expect.stringMatching(/^Beijing/), region: 'CN-BJ', validFrom: Date.UTC(2020, 0, 1) / 1000 });
    expect(v.version).toBe(1);

    clock.advance(3600_000);
    expect((await publishSignedSourceList({ keys, store, clock, country: 'CN' })).content.version).toBe(1);
    await store.update('sources', 'demo-lab-haidian-hospital', { accreditation: 'CNAS ML0002 (ISO 15189)' });
    const third = await publishSignedSourceList({ keys, store, clock, country: 'CN' });
    expect(third.content.version).toBe(2);
    expect(third.content.sources.find((s) => s.code === 1102)?.accreditation).toBe('CNAS ML0002 (ISO 15189)');
    expect((await store.get('keys', SOURCE_LIST_VERSION_DOC))?.version).toBe(2);
  });
});
