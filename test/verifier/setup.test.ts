/**
 * The verifier's set-up in the core (core/verifier): real signed trust lists verified against
 * their CSCA, real codes signed by the DSCs they list, sealed codes opened with real P-256 keys,
 * entry rules run by the CertLogic engine. Each answer is what a surface renders.
 */
import { randomBytes } from 'node:crypto';
import { toBase64 } from '../../core/bytes';
import { validateDccSchemaPrecompiled } from '../../core/dcc-schema-precompiled';
import { decodeStages, signCode } from '../../core/hcert';
import { ithcToCbor } from '../../core/ithc';
import { revocationHash } from '../../core/revocation';
import type { ValidationRule } from '../../core/rules';
import { authorityKid, p256Spki, sealCode, sealedOpener, sealPublicKey, type OpeningKey } from '../../core/seal';
import { signSourceList, sourceCodesOf, sourceListEnvelope, verifySourceList } from '../../core/sourcelist';
import { signTrustList, trustListEnvelope, verifyTrustList, type TrustListContent } from '../../core/trustlist';
import {
  OlderList,
  createVerifier,
  dscList,
  listIdentity,
  mergeList,
  newestOfEach,
  signedSourceList,
  signedTrustList,
  type LoadedList,
  type VerifierSetup,
} from '../../core/verifier';
import { entryRules } from '../../core/verifier/rules';
import { certificateView } from '../../core/view';
import { trustedKeyFromCertificate } from '../../core/x509';
import { nodeCrypto } from '../../node/crypto-node';
import { SOURCES, exampleCertificate } from '../ithc/fixtures';
import { T0, content, issueDsc, makeCa, type Ca, type IssuedDsc } from '../trust/fixtures';
import { changeOneCharacter } from '../support/tamper';

const NOW = T0 / 1000 + 3600;
const DAY = 86_400;
const rng = (n: number) => new Uint8Array(randomBytes(n));

let ca: Ca;
let dsc: IssuedDsc;
let code: string;
let signature: Uint8Array;
const uci = exampleCertificate().id;

beforeAll(async () => {
  ca = makeCa();
  dsc = issueDsc(ca, 'ITHC DSC 1', 730, 'ithc');
  const signed = await signCode({
    format: 'ithc',
    content: ithcToCbor(exampleCertificate()),
    iss: 'CN',
    iat: NOW - 60,
    exp: NOW + 30 * DAY,
    kid: dsc.kid,
    signer: dsc.signer,
  });
  code = signed.code;
  signature = signed.signature;
});

async function loaded(over: Partial<TrustListContent> = {}, maxAge?: number): Promise<LoadedList> {
  const c = content(ca, [dsc], over);
  const text = JSON.stringify(trustListEnvelope(await signTrustList(c, { certificate: ca.der, signer: ca.signer }), c));
  return signedTrustList(await verifyTrustList(text, { cscas: [ca.der], now: NOW, crypto: nodeCrypto }), 'list.json', maxAge);
}

function setup(over: Partial<VerifierSetup>): VerifierSetup {
  return { lists: [], crypto: nodeCrypto, validateDccSchema: validateDccSchemaPrecompiled, ...over };
}

function authority(): { key: OpeningKey; publicKey: Uint8Array; kid: Uint8Array } {
  const privateKey = rng(32);
  while (privateKey[0] === 0) privateKey.set(rng(1), 0);
  const publicKey = sealPublicKey(privateKey);
  const kid = authorityKid(p256Spki(publicKey));
  return { key: { privateKey, kid }, publicKey, kid };
}

describe('trust lists in use', () => {
  test('a code signed by a listed DSC is valid; once the list is past its maximum age at the validation time, cannot-check naming that list', async () => {
    const v = createVerifier(setup({ lists: [await loaded()] }));
    const fresh = await v.verify(code, NOW);
    expect(fresh.verdict.valid).toBe(true);
    expect(fresh.outcome).toEqual({ verdict: 'valid', missing: [] });
    expect(fresh.trust).toEqual([
      expect.objectContaining({ kind: 'signed', source: 'list.json', version: 1, ageSeconds: NOW - T0 / 1000, stale: false, kids: [toBase64(dsc.kid)] }),
    ]);
    // The same verifier three days on: the state is counted to each check's time, not to loading.
    const later = await v.verify(code, T0 / 1000 + 3 * DAY);
    expect(later.verdict.valid).toBe(true);
    expect(later.outcome.verdict).toBe('cannot-check');
    expect(later.outcome.missing).toEqual([{ kind: 'current-trust-list', list: later.trust[0] }]);
    expect(later.trust[0]).toMatchObject({ stale: true, ageSeconds: 3 * DAY });
    // A maximum age the verifier was given in place of the list's own.
    const longer = createVerifier(setup({ lists: [await loaded({}, 7 * DAY)] }));
    expect((await longer.verify(code, T0 / 1000 + 3 * DAY)).outcome.verdict).toBe('valid');
  });

  test('no list at all: cannot-check for want of one; a list without the signer: invalid', async () => {
    const none = await createVerifier(setup({})).verify(code, NOW);
    expect(none.outcome).toEqual({ verdict: 'cannot-check', missing: [{ kind: 'trust-list', kid: toBase64(dsc.kid) }] });
    const other = issueDsc(ca, 'ITHC DSC 2');
    const without = await createVerifier(setup({ lists: [dscList([trustedKeyFromCertificate(other.der)], 'dsc.json')] })).verify(code, NOW);
    expect(without.verdict.errors.map((e) => e.code)).toEqual(['KID_UNKNOWN']);
    expect(without.outcome.verdict).toBe('invalid');
  });

  test('a revocation entry of a signed list makes the code REVOKED, invalid; an entry for another UCI does not', async () => {
    const hash = revocationHash('UCI', { uci, signature, kty: 'EC' })!;
    const other = revocationHash('UCI', { uci: 'URN:UVCI:01:CN:SOMEONEELSE#X', signature, kty: 'EC' })!;
    const revoked = await createVerifier(setup({ lists: [await loaded({ revocation: [{ kid: dsc.kid, type: 'UCI', hash }] })] })).verify(code, NOW);
    expect(revoked.verdict.errors.map((e) => e.code)).toEqual(['REVOKED']);
    expect(revoked.outcome.verdict).toBe('invalid');
    const fine = await createVerifier(setup({ lists: [await loaded({ revocation: [{ kid: dsc.kid, type: 'UCI', hash: other }] })] })).verify(code, NOW);
    expect(fine.outcome.verdict).toBe('valid');
    // A DSC list loaded beside it does not lift the signed list's revocation.
    const both = await createVerifier(
      setup({ lists: [dscList([trustedKeyFromCertificate(dsc.der)], 'dsc.json'), await loaded({ revocation: [{ kid: dsc.kid, type: 'UCI', hash }] })] }),
    ).verify(code, NOW);
    expect(both.verdict.errors.map((e) => e.code)).toEqual(['REVOKED']);
  });

  test('a newer version replaces an older one; an older one is refused as a replay; lists given together keep the newest whatever the order', async () => {
    const v1 = await loaded({ version: 1 });
    const v2 = await loaded({ version: 2 });
    const v2later = await loaded({ version: 2, issuedAt: T0 / 1000 + 60 });
    const elsewhere = await loaded({ version: 1, country: 'SG' });
    expect(listIdentity(v1)).toBe(listIdentity(v2));
    expect(listIdentity(elsewhere)).not.toBe(listIdentity(v1));
    expect(mergeList([v1], v2)).toEqual({ lists: [v2], replaced: v1 });
    expect(mergeList([v2], v2later)).toEqual({ lists: [v2later], replaced: v2 });
    expect(mergeList([v2], elsewhere).lists).toEqual([v2, elsewhere]);
    expect(() => mergeList([v2], v1)).toThrow(OlderList);
    expect(() => mergeList([v2later], v2)).toThrow(OlderList);
    for (const order of [
      [v1, v2],
      [v2, v1],
    ])
      expect(newestOfEach(order)).toEqual({ lists: [v2], setAside: [{ older: v1, newer: v2 }] });
    const kept = createVerifier(setup({ lists: newestOfEach([v2, v1]).lists }));
    expect((await kept.verify(code, NOW)).trust.map((t) => t.version)).toEqual([2]);
  });
});

describe('sealed codes', () => {
  let a: ReturnType<typeof authority>;
  let sealed: string;
  beforeAll(() => {
    a = authority();
    sealed = sealCode(decodeStages(code).cose!, [{ kid: a.kid, publicKey: a.publicKey }], rng);
  });

  test('opened by the key of the kid it is sealed for, and then checked like an open code', async () => {
    const r = await createVerifier(setup({ lists: [await loaded()], openingKeys: [a.key], opener: sealedOpener })).verify(sealed, NOW);
    expect(r.verdict.format).toBe('sealed');
    expect(r.verdict.valid).toBe(true);
    expect(r.outcome.verdict).toBe('valid');
  });

  test("another authority's key, or none: cannot-check naming the kid it needs; never opened", async () => {
    const b = authority();
    for (const keys of [[b.key], []]) {
      const r = await createVerifier(setup({ lists: [await loaded()], openingKeys: keys, opener: sealedOpener })).verify(sealed, NOW);
      expect(r.verdict.certificate).toBeNull();
      expect(r.outcome).toEqual({ verdict: 'cannot-check', missing: [{ kind: 'authority-key', kids: [toBase64(a.kid)] }] });
    }
    // No opener given (a surface that holds no key): the same answer.
    expect((await createVerifier(setup({ lists: [await loaded()] })).verify(sealed, NOW)).outcome.verdict).toBe('cannot-check');
  });

  test('the right kid with a wrong key: the code does not open, which is invalid', async () => {
    const wrong = { privateKey: authority().key.privateKey, kid: a.kid };
    const r = await createVerifier(setup({ lists: [await loaded()], openingKeys: [wrong], opener: sealedOpener })).verify(sealed, NOW);
    expect(r.verdict.errors.map((e) => e.code)).toEqual(['DECRYPT_FAILED']);
    expect(r.outcome.verdict).toBe('invalid');
  });
});

describe('entry rules', () => {
  const rule = (country: string, pass: boolean): ValidationRule => ({
    Identifier: `GR-${country}-0001`,
    Type: 'Acceptance',
    Country: country,
    Version: '1.0.0',
    SchemaVersion: '1.0.0',
    Engine: 'CERTLOGIC',
    EngineVersion: '1.0.0',
    CertificateType: 'General',
    Description: [{ lang: 'en', desc: 'a rule for the verifier set-up tests' }],
    ValidFrom: '2021-01-01T00:00:00Z',
    ValidTo: '2030-01-01T00:00:00Z',
    AffectedFields: ['v'],
    Logic: { '===': [1, pass ? 1 : 2] },
  });

  test("the destination country's rules are evaluated on a verified certificate; another country's are not; the view shows the report", async () => {
    const lists = [await loaded()];
    const failing = await createVerifier(setup({ lists, rules: entryRules({ country: 'XX', rules: [rule('XX', false), rule('YY', true)] }) })).verify(
      code,
      NOW,
    );
    expect(failing.rules).toMatchObject({ hasRules: true, passed: false });
    expect(failing.rules!.results.map((r) => [r.ruleId, r.result])).toEqual([['GR-XX-0001', 'failed']]);
    const passing = await createVerifier(setup({ lists, rules: entryRules({ country: 'YY', rules: [rule('XX', false), rule('YY', true)] }) })).verify(
      code,
      NOW,
    );
    expect(passing.rules).toMatchObject({ hasRules: true, passed: true });
    const view = certificateView(failing.verdict, failing);
    expect(view.verdict.kind).toBe('valid');
    expect(view.rules).toBeDefined();
    // No rules in force: no report at all; a code that did not verify: null.
    expect((await createVerifier(setup({ lists })).verify(code, NOW)).rules).toBeUndefined();
    const tampered = changeOneCharacter(code);
    expect((await createVerifier(setup({ lists, rules: entryRules({ country: 'XX', rules: [rule('XX', true)] }) })).verify(tampered, NOW)).rules).toBeNull();
  });
});

describe('source lists', () => {
  test("a verified certificate's laboratories and sites are named from the signed source lists in use; an unverified one's are not looked up", async () => {
    const c = { version: 3, issuedAt: T0 / 1000, maxAge: 7 * DAY, country: 'CN', sources: SOURCES };
    const text = JSON.stringify(sourceListEnvelope(await signSourceList(c, { certificate: ca.der, signer: ca.signer }, ca.der), c));
    const sources = signedSourceList(await verifySourceList(text, { cscas: [ca.der], now: NOW, crypto: nodeCrypto }), 'sources.json');
    const v = createVerifier(setup({ lists: [await loaded(), sources] }));
    const r = await v.verify(code, NOW);
    const cert = r.verdict.certificate;
    if (cert?.format !== 'ithc') throw new Error('expected a verified ITHC');
    const named = sourceCodesOf(cert.ithc);
    expect(named.length).toBeGreaterThan(0);
    expect(r.certificateSources.map((e) => e.code).sort()).toEqual(
      SOURCES.filter((e) => named.includes(e.code))
        .map((e) => e.code)
        .sort(),
    );
    for (const code of named) expect(r.sources?.get(code)?.name).toBe(SOURCES.find((e) => e.code === code)?.name);
    // A source list holds no keys: it is not a trust list beside the verdict.
    expect(r.trust.map((t) => t.source)).toEqual(['list.json']);
    const tampered = changeOneCharacter(code);
    expect((await v.verify(tampered, NOW)).certificateSources).toEqual([]);
  });
});
