/**
 * The whole chain by property, with keys generated at run time: any schema-valid DCC signed with
 * signCode verifies with verifyCode (valid, the same DCC, kid, issuer and times), with every signer
 * and every provider; the clock outside iat–exp and any changed bit of signature or payload make it
 * invalid with the stage's own error code.
 */
import fc from 'fast-check';
import { generateKeyPairSync, createPublicKey, webcrypto as nodeWebcrypto } from 'node:crypto';
import { p256 } from '@noble/curves/nist.js';
import { encodeBase45 } from '../../core/base45';
import { toBase64 } from '../../core/bytes';
import { encodeCoseSign1 } from '../../core/cose';
import { nobleCrypto, nobleEs256Signer } from '../../core/crypto/noble';
import type { CryptoProvider, Signer } from '../../core/crypto/provider';
import { webCrypto } from '../../core/crypto/webcrypto';
import { dccToCbor } from '../../core/dcc';
import { validateDccSchema } from '../../core/dcc-schema';
import { signCode, verifyCode } from '../../core/hcert';
import { KeyStore, type TrustedKey } from '../../core/keys';
import { addPrefix } from '../../core/prefix';
import { publicKeyFromSpki } from '../../core/x509';
import { deflate } from '../../core/zlib';
import { nodeCrypto } from '../../node/crypto-node';
import { nodeEs256Signer } from '../../server/keys/es256-signer';

const subtle = globalThis.crypto?.subtle ?? (nodeWebcrypto as unknown as Crypto).subtle;

interface KeyPair {
  name: string;
  signer: Signer;
  trusted: TrustedKey;
}

function nodeKey(kid: Uint8Array): KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }));
  return {
    name: 'node',
    signer: nodeEs256Signer(new Uint8Array(privateKey.export({ type: 'pkcs8', format: 'der' }))),
    trusted: { kid, key: publicKeyFromSpki(spki), country: 'CN' },
  };
}

function nobleKey(kid: Uint8Array): KeyPair {
  const secret = p256.utils.randomSecretKey();
  const point = p256.getPublicKey(secret, false);
  const jwk = {
    kty: 'EC',
    crv: 'P-256',
    x: Buffer.from(point.subarray(1, 33)).toString('base64url'),
    y: Buffer.from(point.subarray(33)).toString('base64url'),
  };
  const spki = new Uint8Array(createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'der' }));
  return { name: 'noble', signer: nobleEs256Signer(secret), trusted: { kid, key: publicKeyFromSpki(spki), country: 'CN' } };
}

const keys: KeyPair[] = [nodeKey(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8])), nobleKey(new Uint8Array([8, 7, 6, 5, 4, 3, 2, 1]))];
const store = new KeyStore(keys.map((k) => k.trusted));
const providers: Record<string, CryptoProvider> = { node: nodeCrypto, noble: nobleCrypto, webcrypto: webCrypto(subtle) };

// --- A schema-valid DCC 1.3 (eu-dcc-schema DCC.Types / DCC.Core.Types). -----------------------------
const isoDate = fc
  .date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const isoDateTime = fc
  .date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-01-01T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().replace(/\.\d{3}Z$/, 'Z'));
const dob = fc.oneof(
  isoDate,
  isoDate.map((d) => d.slice(0, 7)),
  isoDate.map((d) => d.slice(0, 4)),
  fc.constant(''),
);
const text80 = fc.string({ unit: 'binary', maxLength: 80 });
const icao = fc.stringMatching(/^[A-Z<]{1,30}$/);
const country = fc.stringMatching(/^[A-Z]{2}$/);
const dose = fc.integer({ min: 1, max: 9 });
const common = { tg: fc.constant('840539006'), co: country, is: text80, ci: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 80 }) };

const vaccination = fc.record({
  ...common,
  vp: fc.constantFrom('1119349007', 'J07BX03'),
  mp: fc.constantFrom('EU/1/20/1528', 'EU/1/20/1507'),
  ma: fc.constantFrom('ORG-100030215', 'ORG-100031184'),
  dn: dose,
  sd: dose,
  dt: isoDate,
});
const testEntry = fc.record(
  { ...common, tt: fc.constantFrom('LP6464-4', 'LP217198-3'), sc: isoDateTime, tr: fc.constantFrom('260415000', '260373001'), tc: text80, nm: text80 },
  { requiredKeys: ['tg', 'co', 'is', 'ci', 'tt', 'sc', 'tr'] },
);
const recovery = fc.record({ ...common, fr: isoDate, df: isoDate, du: isoDate });

const dcc = fc
  .record({
    nam: fc.oneof(
      fc.record({ fn: text80, fnt: icao, gn: text80, gnt: icao }, { requiredKeys: ['fnt'] }),
      fc.record({ gn: text80, gnt: icao }, { requiredKeys: ['gnt'] }),
    ),
    dob,
    entry: fc.oneof(
      vaccination.map((e) => ({ v: [e] })),
      testEntry.map((e) => ({ t: [e] })),
      recovery.map((e) => ({ r: [e] })),
    ),
  })
  .map(({ nam, dob, entry }) => ({ ver: '1.3.0', nam, dob, ...entry }));

/** iat ≤ now ≤ exp, seconds, around the present decades. */
const times = fc
  .tuple(fc.integer({ min: 1_600_000_000, max: 2_000_000_000 }), fc.integer({ min: 0, max: 400 * 86400 }), fc.double({ min: 0, max: 1, noNaN: true }))
  .map(([iat, span, f]) => ({ iat, exp: iat + span, now: iat + Math.floor(span * f) }));

describe('whole-chain properties (keys generated at run time)', () => {
  test('the generated DCCs are schema-valid (so the next properties test the chain, not the generator)', () => {
    fc.assert(
      fc.property(dcc, (d) => expect(validateDccSchema(d)).toEqual([])),
      { numRuns: 300 },
    );
  });

  test('signCode → verifyCode: valid, and the same DCC, kid, issuer and times come back', async () => {
    await fc.assert(
      fc.asyncProperty(dcc, times, fc.constantFrom(...keys), fc.stringMatching(/^[A-Z]{2}$/), async (json, t, k, iss) => {
        const signed = await signCode({ format: 'dcc', content: dccToCbor(json), iss, iat: t.iat, exp: t.exp, kid: k.trusted.kid, signer: k.signer });
        expect(signed.code.startsWith('HC1:')).toBe(true);
        const v = await verifyCode(signed.code, { keys: store, now: t.now, crypto: nodeCrypto, validateDccSchema });
        expect(v.errors).toEqual([]);
        expect(v.valid).toBe(true);
        expect(v.certificate).toEqual({ format: 'dcc', dcc: expect.objectContaining({ json }) });
        expect(v.kid).toBe(toBase64(k.trusted.kid));
        expect(v.signer).toBe(k.trusted);
        expect({ issuer: v.issuer, issuedAt: v.issuedAt, expiresAt: v.expiresAt, alg: v.alg }).toEqual({
          issuer: iss,
          issuedAt: t.iat,
          expiresAt: t.exp,
          alg: 'ES256',
        });
      }),
      { numRuns: 150 },
    );
  });

  test('every provider verifies what every signer signed', async () => {
    await fc.assert(
      fc.asyncProperty(dcc, times, fc.constantFrom(...keys), fc.constantFrom(...Object.keys(providers)), async (json, t, k, provider) => {
        const signed = await signCode({ format: 'dcc', content: dccToCbor(json), iss: 'CN', iat: t.iat, exp: t.exp, kid: k.trusted.kid, signer: k.signer });
        const v = await verifyCode(signed.code, { keys: store, now: t.now, crypto: providers[provider], validateDccSchema });
        expect({ signer: k.name, provider, valid: v.valid, errors: v.errors }).toEqual({ signer: k.name, provider, valid: true, errors: [] });
      }),
      { numRuns: 40 },
    );
  });

  test('a clock before iat is NOT_YET_VALID, after exp EXPIRED (the signature still verifies)', async () => {
    await fc.assert(
      fc.asyncProperty(dcc, times, fc.integer({ min: 1, max: 10 ** 8 }), fc.boolean(), async (json, t, delta, before) => {
        const k = keys[0];
        const signed = await signCode({ format: 'dcc', content: dccToCbor(json), iss: 'CN', iat: t.iat, exp: t.exp, kid: k.trusted.kid, signer: k.signer });
        const now = before ? t.iat - delta : t.exp + delta;
        const v = await verifyCode(signed.code, { keys: store, now, crypto: nodeCrypto, validateDccSchema });
        expect(v.valid).toBe(false);
        expect(v.signer).toBe(k.trusted);
        expect(v.errors.map((e) => e.code)).toEqual([before ? 'NOT_YET_VALID' : 'EXPIRED']);
      }),
      { numRuns: 60 },
    );
  });

  test('any changed bit of the signature or of the signed payload makes the code invalid, never valid', async () => {
    await fc.assert(
      fc.asyncProperty(dcc, times, fc.nat(), fc.nat({ max: 7 }), fc.boolean(), async (json, t, at, bit, inSignature) => {
        const k = keys[0];
        const s = await signCode({ format: 'dcc', content: dccToCbor(json), iss: 'CN', iat: t.iat, exp: t.exp, kid: k.trusted.kid, signer: k.signer });
        const signature = s.signature.slice();
        const claims = s.claims.slice();
        const target = inSignature ? signature : claims;
        target[at % target.length] ^= 1 << bit;
        const code = addPrefix('dcc', encodeBase45(deflate(encodeCoseSign1(s.protectedHeader, claims, signature))));
        const v = await verifyCode(code, { keys: store, now: t.now, crypto: nodeCrypto, validateDccSchema });
        expect(v.valid).toBe(false);
        expect(v.certificate).toBeNull();
        // A changed signature cannot verify; a changed payload either no longer parses as CWT claims
        // or parses and does not verify.
        const allowed = inSignature ? ['SIGNATURE_INVALID'] : ['SIGNATURE_INVALID', 'CWT_INVALID', 'SIZE_LIMIT'];
        expect({ codes: v.errors.map((e) => e.code), ok: allowed.includes(v.errors[0]?.code) }).toEqual({ codes: [v.errors[0]?.code], ok: true });
      }),
      { numRuns: 150 },
    );
  });
});
