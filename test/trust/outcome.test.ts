/**
 * Three verdicts (core/outcome.ts) and list replacement in the web verifier (web/verifier.ts
 * mergeTrust), on verdicts made by the real verifyCode: a sealed code, an open code signed by a
 * key in a current, a stale or no list.
 */
import { randomBytes } from 'node:crypto';
import { toBase64 } from '../../core/bytes';
import { decodeStages, verifyCode } from '../../core/hcert';
import { KeyStore } from '../../core/keys';
import { outcomeOf, sealedRecipientKids, type TrustListState } from '../../core/outcome';
import { authorityKid, p256Spki, sealCode, sealPublicKey } from '../../core/seal';
import { nodeCrypto } from '../../node/crypto-node';
import { validateDccSchemaPrecompiled } from '../../core/dcc-schema-precompiled';
import { OlderList, mergeTrust, type TrustSource } from '../../web/verifier';
import { makeDsc, sampleDcc, signDcc } from '../../bench/fixtures';
import { trustedKeyFromCertificate } from '../../core/x509';
import { changeOneCharacter } from '../support/tamper';

const NOW = Math.floor(Date.parse('2025-03-01T00:00:00Z') / 1000);
const rng = (n: number) => new Uint8Array(randomBytes(n));

function list(over: Partial<TrustListState>): TrustListState {
  return {
    kind: 'signed',
    source: 'list.json',
    country: 'CN',
    csca: 'CN=CSCA',
    version: 3,
    issuedAt: NOW - 3600,
    ageSeconds: 3600,
    maxAge: 172_800,
    stale: false,
    kids: [],
    ...over,
  };
}

describe('outcomeOf', () => {
  const dsc = makeDsc();
  const kid = toBase64(dsc.kid);
  let code: string;
  beforeAll(async () => {
    code = await signDcc(dsc, sampleDcc(1), { iat: NOW - 86_400, exp: NOW + 30 * 86_400 });
  });
  const verify = (c: string, keys: KeyStore) => verifyCode(c, { keys, now: NOW, crypto: nodeCrypto, validateDccSchema: validateDccSchemaPrecompiled });

  it('valid against a current list; cannot-check against a stale one, naming it; never valid', async () => {
    const v = await verify(code, new KeyStore([trustedKeyFromCertificate(dsc.der, { country: dsc.country })]));
    expect(v.valid).toBe(true);
    expect(outcomeOf(v, { lists: [list({ kids: [kid] })], openingKeys: [] })).toEqual({ verdict: 'valid', missing: [] });
    const stale = list({ kids: [kid], stale: true, ageSeconds: 10 * 86_400 });
    expect(outcomeOf(v, { lists: [stale], openingKeys: [] })).toEqual({ verdict: 'cannot-check', missing: [{ kind: 'current-trust-list', list: stale }] });
    // Also held by a current list (a DSC list loaded by hand): that one confirms it.
    expect(outcomeOf(v, { lists: [stale, list({ kind: 'dsc', kids: [kid] })], openingKeys: [] }).verdict).toBe('valid');
  });

  it('an unknown signer: cannot-check with no list at all, invalid with a current list', async () => {
    const v = await verify(code, new KeyStore([]));
    expect(v.errors.map((e) => e.code)).toEqual(['KID_UNKNOWN']);
    expect(outcomeOf(v, { lists: [], openingKeys: [] })).toEqual({ verdict: 'cannot-check', missing: [{ kind: 'trust-list', kid }] });
    expect(outcomeOf(v, { lists: [list({ kids: ['AAAAAAAAAAA='] })], openingKeys: [] }).verdict).toBe('invalid');
  });

  it('a tampered code stays invalid whatever is missing', async () => {
    const bad = changeOneCharacter(code);
    const v = await verify(bad, new KeyStore([trustedKeyFromCertificate(dsc.der, { country: dsc.country })]));
    expect(v.valid).toBe(false);
    expect(outcomeOf(v, { lists: [], openingKeys: [] }).verdict).toBe('invalid');
  });

  it('a sealed code: cannot-check naming its recipient kid, until a key with that kid is tried', async () => {
    const priv = rng(32);
    while (priv[0] === 0) priv.set(rng(1), 0);
    const pub = sealPublicKey(priv);
    const rkid = authorityKid(p256Spki(pub));
    const sealed = sealCode(decodeStages(code).cose!, [{ kid: rkid, publicKey: pub }], rng);
    const v = await verify(sealed, new KeyStore([trustedKeyFromCertificate(dsc.der, { country: dsc.country })]));
    expect(sealedRecipientKids(v)).toEqual([toBase64(rkid)]);
    expect(outcomeOf(v, { lists: [list({ kids: [kid] })], openingKeys: [] })).toEqual({
      verdict: 'cannot-check',
      missing: [{ kind: 'authority-key', kids: [toBase64(rkid)] }],
    });
    expect(outcomeOf(v, { lists: [], openingKeys: [{ kid: 'b3RoZXJraWQ=' }] }).verdict).toBe('cannot-check');
    // The right kid was tried and did not open it: altered, so invalid.
    expect(outcomeOf(v, { lists: [], openingKeys: [{ kid: toBase64(rkid) }] }).verdict).toBe('invalid');
  });
});

describe('mergeTrust (web verifier)', () => {
  const signed = (version: number, issuedAt: number, source: string, country = 'CN'): TrustSource => ({
    kind: 'signed',
    source,
    keys: [],
    warnings: [],
    signed: { version, country, issuedAt, maxAge: 172_800, ageSeconds: 0, stale: false, csca: 'CN=CSCA', revocations: 0, problems: [] },
  });

  it('a newer version replaces the older whatever its URL or file name; an older one is refused as a replay', () => {
    const v3 = signed(3, NOW - 100, 'https://a.example/trustlist/signed');
    const v4 = signed(4, NOW, 'downloaded.json');
    const r = mergeTrust([v3], v4);
    expect(r.trust).toEqual([v4]);
    expect(r.replaced).toBe(v3);
    expect(() => mergeTrust(r.trust, v3)).toThrow(OlderList);
    // The same version again (a reload) is taken; another country's list is kept beside it.
    expect(mergeTrust(r.trust, signed(4, NOW, 'x.json')).trust).toHaveLength(1);
    expect(mergeTrust(r.trust, signed(1, NOW - 999, 'fr.json', 'FR')).trust).toHaveLength(2);
  });
});
