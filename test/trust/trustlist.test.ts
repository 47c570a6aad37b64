/**
 * Our signed trust list (core/trustlist.ts): a verifier given the CSCA once trusts the signing
 * certificates that chain to it, applies the revocation list, and warns (without failing) past the
 * maximum age. Anything not signed by the CSCA, or not issued by it, is not trusted.
 */
import { Tag } from 'cbor-x';
import { toBase64, fromBase64 } from '../../core/bytes';
import { encodeStrict, type CborValue } from '../../core/cbor';
import { sigStructure } from '../../core/cose';
import { nobleCrypto } from '../../core/crypto/noble';
import { validateDccSchema } from '../../core/dcc-schema';
import { signCode } from '../../core/hcert';
import { ithcToCbor } from '../../core/ithc';
import { dccToCbor } from '../../core/dcc';
import { KeyStore, kidFromCertificate } from '../../core/keys';
import { revocationHash } from '../../core/revocation';
import { ecdsaDerToRaw } from '../../core/x509';
import {
  TRUST_LIST_CONTENT_TYPE,
  encodeTrustListPayload,
  isSignedTrustList,
  signTrustList,
  trustListEnvelope,
  verifyTrustList,
  type TrustListContent,
} from '../../core/trustlist';
import { verifyCode } from '../../core/hcert';
import { nodeCrypto } from '../../node/crypto-node';
import { exampleCertificate } from '../ithc/fixtures';
import { T0, content, issueDsc, makeCa, type Ca, type IssuedDsc } from './fixtures';
import { errorCode } from '../support/error-code';
import { sampleDcc } from '../../bench/fixtures';

const NOW = T0 / 1000 + 3600;

let ca: Ca;
let dsc1: IssuedDsc;
let dsc2: IssuedDsc;
let ithcDsc: IssuedDsc;

beforeAll(() => {
  ca = makeCa();
  dsc1 = issueDsc(ca, 'ITHC DSC 1');
  dsc2 = issueDsc(ca, 'ITHC DSC 2');
  ithcDsc = issueDsc(ca, 'ITHC ITHC DSC 1', 730, 'ithc');
});

async function envelopeText(c: TrustListContent, signer = ca): Promise<string> {
  const signed = await signTrustList(c, { certificate: signer.der, signer: signer.signer });
  return JSON.stringify(trustListEnvelope(signed, c));
}

/** Signs an arbitrary payload map with the CSCA, as a faulty or hostile publisher with the key could. */
async function signRaw(
  payload: Map<CborValue, CborValue>,
  header: Array<[number, CborValue]> = [
    [1, -7],
    [3, TRUST_LIST_CONTENT_TYPE],
    [4, kidFromCertificate(ca.der)],
  ],
): Promise<Uint8Array> {
  const p = encodeStrict(payload);
  const prot = encodeStrict(new Map<CborValue, CborValue>(header));
  const sig = await ca.signer.sign(sigStructure(prot, p));
  return encodeStrict(new Tag([prot, new Map(), p, sig], 18));
}

describe('a list signed by the CSCA', () => {
  test('yields its signing certificates as trusted keys, with version, issuedAt and age', async () => {
    const v = await verifyTrustList(await envelopeText(content(ca, [dsc1, dsc2], { version: 7 })), { cscas: [ca.der], now: NOW, crypto: nodeCrypto });
    expect(v.problems).toEqual([]);
    expect(v.keys.map((k) => toBase64(k.kid))).toEqual([dsc1, dsc2].map((d) => toBase64(d.kid)));
    expect(v.keys.every((k) => k.country === 'CN' && k.usage?.join('') === 'tvr')).toBe(true);
    expect(v.version).toBe(7);
    expect(v.issuedAt).toBe(T0 / 1000);
    expect(v.ageSeconds).toBe(3600);
    expect(v.stale).toBe(false);
  });

  test('the envelope as text, as bytes, parsed, and the bare COSE_Sign1 all verify alike; both crypto providers agree', async () => {
    const c = content(ca, [dsc1]);
    const signed = await signTrustList(c, { certificate: ca.der, signer: ca.signer });
    const env = trustListEnvelope(signed, c);
    const text = JSON.stringify(env);
    for (const input of [text, new TextEncoder().encode(text), JSON.parse(text), signed]) {
      for (const crypto of [nodeCrypto, nobleCrypto]) {
        const v = await verifyTrustList(input, { cscas: [ca.der], now: NOW, crypto });
        expect(v.keys.map((k) => toBase64(k.kid))).toEqual([toBase64(dsc1.kid)]);
      }
    }
  });

  test('codes signed by a listed DSC verify with the keys it yields; its revocation list makes one REVOKED', async () => {
    const input = exampleCertificate();
    const dsc1 = ithcDsc;
    const signed = await signCode({
      format: 'ithc',
      content: ithcToCbor(input),
      iss: 'CN',
      iat: NOW - 60,
      exp: NOW + 86_400,
      kid: dsc1.kid,
      signer: dsc1.signer,
    });
    const hash = revocationHash('UCI', { uci: input.id, signature: signed.signature, kty: 'EC' })!;
    const other = revocationHash('UCI', { uci: 'URN:UVCI:01:CN:SOMEONEELSE#X', signature: signed.signature, kty: 'EC' })!;
    const withRevocation = await verifyTrustList(await envelopeText(content(ca, [dsc1], { revocation: [{ kid: dsc1.kid, type: 'UCI', hash }] })), {
      cscas: [ca.der],
      now: NOW,
      crypto: nodeCrypto,
    });
    const withoutIt = await verifyTrustList(await envelopeText(content(ca, [dsc1], { revocation: [{ kid: dsc1.kid, type: 'UCI', hash: other }] })), {
      cscas: [ca.der],
      now: NOW,
      crypto: nodeCrypto,
    });
    expect(withRevocation.revocationEntries).toHaveLength(1);
    const opts = (list: typeof withRevocation) => ({
      keys: new KeyStore(list.keys),
      now: NOW,
      crypto: nodeCrypto,
      validateDccSchema,
      revocation: list.revocation,
    });
    const revoked = await verifyCode(signed.code, opts(withRevocation));
    expect(revoked.errors.map((e) => e.code)).toEqual(['REVOKED']);
    const fine = await verifyCode(signed.code, opts(withoutIt));
    expect(fine.valid).toBe(true);
  });
});

describe('one signing certificate per format: an ITHC1 code relabelled HC1: verifies nowhere', () => {
  test('our verifier refuses the relabelled code, an HC1 code under the ITHC signer and an ITHC1 code under a DCC signer; a DCC signer list does not know the key', async () => {
    const input = exampleCertificate();
    const list = await verifyTrustList(await envelopeText(content(ca, [dsc1, ithcDsc])), { cscas: [ca.der], now: NOW, crypto: nodeCrypto });
    expect(list.keys.map((k) => k.usage)).toEqual([['t', 'v', 'r'], ['ithc']]);
    const opts = (keys: KeyStore) => ({ keys, now: NOW, crypto: nodeCrypto, validateDccSchema });
    const codes = (e: { errors: Array<{ code: string }> }) => e.errors.map((x) => x.code);
    const both = new KeyStore(list.keys);
    const ithc = await signCode({
      format: 'ithc',
      content: ithcToCbor(input),
      iss: 'CN',
      iat: NOW - 60,
      exp: NOW + 86_400,
      kid: ithcDsc.kid,
      signer: ithcDsc.signer,
    });
    expect((await verifyCode(ithc.code, opts(both))).valid).toBe(true);
    // Relabelled: the same base45 under HC1: carries no DCC.
    const relabelled = 'HC1:' + ithc.code.slice(ithc.code.indexOf(':') + 1);
    expect(codes(await verifyCode(relabelled, opts(both)))).toEqual(['CWT_INVALID']);
    // A DCC verifier's list (the EU-shaped list's certificates: DCC signers only) does not know the key that signed it.
    expect(codes(await verifyCode(relabelled, opts(new KeyStore(list.keys.filter((k) => k.usage?.includes('v'))))))).toEqual(['KID_UNKNOWN']);
    // Even a DCC signer's key under the ITHC signer's kid does not verify its signature.
    const impostor = new KeyStore([{ ...list.keys[0], kid: ithcDsc.kid }]);
    expect(codes(await verifyCode(relabelled, opts(impostor)))).toEqual(['SIGNATURE_INVALID']);
    // An ITHC1 code signed by a DCC signer, and an HC1 code signed by the ITHC signer: KEY_USAGE_MISMATCH.
    const byDcc = await signCode({
      format: 'ithc',
      content: ithcToCbor(input),
      iss: 'CN',
      iat: NOW - 60,
      exp: NOW + 86_400,
      kid: dsc1.kid,
      signer: dsc1.signer,
    });
    expect(codes(await verifyCode(byDcc.code, opts(both)))).toEqual(['KEY_USAGE_MISMATCH']);
    const dcc = sampleDcc(3, 'CN');
    const byIthc = await signCode({
      format: 'dcc',
      content: dccToCbor(dcc),
      iss: 'CN',
      iat: NOW - 60,
      exp: NOW + 86_400,
      kid: ithcDsc.kid,
      signer: ithcDsc.signer,
    });
    expect(codes(await verifyCode(byIthc.code, opts(both)))).toEqual(['KEY_USAGE_MISMATCH']);
    const byDccSigner = await signCode({
      format: 'dcc',
      content: dccToCbor(dcc),
      iss: 'CN',
      iat: NOW - 60,
      exp: NOW + 86_400,
      kid: dsc1.kid,
      signer: dsc1.signer,
    });
    expect((await verifyCode(byDccSigner.code, opts(both))).valid).toBe(true);
  });
});

describe('maximum age: a warning, not a failure', () => {
  test('at exactly maxAge the list is fresh; one second later it is stale and says so, yet its keys are returned', async () => {
    const text = await envelopeText(content(ca, [dsc1], { maxAge: 86_400 }));
    const atLimit = await verifyTrustList(text, { cscas: [ca.der], now: T0 / 1000 + 86_400, crypto: nodeCrypto });
    expect(atLimit.stale).toBe(false);
    const past = await verifyTrustList(text, { cscas: [ca.der], now: T0 / 1000 + 86_401, crypto: nodeCrypto });
    expect(past.stale).toBe(true);
    expect(past.problems.map((p) => p.code)).toEqual(['STALE']);
    expect(past.problems[0].message).toMatch(/maximum age/);
    expect(past.keys).toHaveLength(1);
  });

  test("the verifier's maxAge overrides the list's", async () => {
    const text = await envelopeText(content(ca, [dsc1], { maxAge: 86_400 }));
    expect((await verifyTrustList(text, { cscas: [ca.der], now: NOW, crypto: nodeCrypto, maxAge: 60 })).stale).toBe(true);
    expect((await verifyTrustList(text, { cscas: [ca.der], now: T0 / 1000 + 5 * 86_400, crypto: nodeCrypto, maxAge: 7 * 86_400 })).stale).toBe(false);
  });

  test('a list issued in the future is reported', async () => {
    const v = await verifyTrustList(await envelopeText(content(ca, [dsc1])), { cscas: [ca.der], now: T0 / 1000 - 3600, crypto: nodeCrypto });
    expect(v.problems.map((p) => p.code)).toEqual(['NOT_YET_VALID']);
  });
});

describe('what is not trusted', () => {
  test('a list signed by another CA: KID_UNKNOWN, naming the kid', async () => {
    const other = makeCa('Other CSCA');
    const text = await envelopeText(content(other, [dsc1]), other);
    await expect(verifyTrustList(text, { cscas: [ca.der], now: NOW, crypto: nodeCrypto })).rejects.toThrow(toBase64(kidFromCertificate(other.der)));
    expect(await errorCode(verifyTrustList(text, { cscas: [ca.der], now: NOW, crypto: nodeCrypto }))).toBe('KID_UNKNOWN');
  });

  test('an altered signed payload: SIGNATURE_INVALID', async () => {
    const env = JSON.parse(await envelopeText(content(ca, [dsc1])));
    const cose = fromBase64(env.signed);
    // Flip a bit inside the DSC's DER near the end of the payload (before the 64-byte signature).
    cose[cose.length - 64 - 30] ^= 0x01;
    env.signed = toBase64(cose);
    expect(await errorCode(verifyTrustList(env, { cscas: [ca.der], now: NOW, crypto: nodeCrypto }))).toBe('SIGNATURE_INVALID');
  });

  test('the readable envelope fields are not trusted: changed ones are reported and the signed content is used', async () => {
    const env = JSON.parse(await envelopeText(content(ca, [dsc1], { version: 3 })));
    env.version = 99;
    env.issuedAt = '2030-01-01T00:00:00Z';
    const v = await verifyTrustList(env, { cscas: [ca.der], now: NOW, crypto: nodeCrypto });
    expect(v.version).toBe(3);
    expect(v.problems.map((p) => p.code)).toEqual(['ENVELOPE_MISMATCH']);
  });

  test('a DSC not issued by the CSCA (same names, another key) is left out with CHAIN_INVALID; the others stay', async () => {
    const impostorCa = makeCa('ITHC CSCA');
    const impostor = issueDsc(impostorCa, 'ITHC DSC 9');
    const v = await verifyTrustList(await envelopeText(content(ca, [dsc1, impostor])), { cscas: [ca.der], now: NOW, crypto: nodeCrypto });
    expect(v.keys.map((k) => toBase64(k.kid))).toEqual([toBase64(dsc1.kid)]);
    expect(v.problems.map((p) => p.code)).toEqual(['CHAIN_INVALID']);
    expect(v.problems[0].message).toMatch(/signature does not verify/);
  });

  test('a DSC issued under another name is left out with CHAIN_INVALID', async () => {
    const otherCa = makeCa('Somebody Else');
    const v = await verifyTrustList(await envelopeText(content(ca, [issueDsc(otherCa)])), { cscas: [ca.der], now: NOW, crypto: nodeCrypto });
    expect(v.keys).toEqual([]);
    expect(v.problems.map((p) => p.code)).toEqual(['CHAIN_INVALID']);
  });

  test("an entry whose kid is not its certificate's is left out with KID_MISMATCH; a malformed revocation is left out too", async () => {
    const c = content(ca, [dsc1, dsc2]);
    const payload = new Map<CborValue, CborValue>([
      ['format', 'ithc-trustlist'],
      ['version', 1],
      ['issuedAt', c.issuedAt],
      ['maxAge', c.maxAge],
      ['country', 'CN'],
      ['csca', ca.der],
      [
        'certificates',
        [
          new Map<CborValue, CborValue>([
            ['kid', dsc2.kid],
            ['country', 'CN'],
            ['certificate', dsc1.der],
          ]),
          new Map<CborValue, CborValue>([
            ['kid', dsc2.kid],
            ['country', 'CN'],
            ['certificate', dsc2.der],
          ]),
        ],
      ],
      [
        'revocation',
        [
          new Map<CborValue, CborValue>([
            ['kid', dsc2.kid],
            ['type', 'UCI'],
            ['hash', new Uint8Array(15)],
          ]),
        ],
      ],
    ]);
    const v = await verifyTrustList(await signRaw(payload), { cscas: [ca.der], now: NOW, crypto: nodeCrypto });
    expect(v.keys.map((k) => toBase64(k.kid))).toEqual([toBase64(dsc2.kid)]);
    expect(v.problems.map((p) => p.code)).toEqual(['KID_MISMATCH', 'REVOCATION_MALFORMED']);
    expect(v.revocation.size).toBe(0);
  });

  test('a COSE_Sign1 by the CSCA without the trust-list content type is not a trust list', async () => {
    const payload = new Map<CborValue, CborValue>([['format', 'ithc-trustlist']]);
    expect(
      await errorCode(
        verifyTrustList(
          await signRaw(payload, [
            [1, -7],
            [4, kidFromCertificate(ca.der)],
          ]),
          { cscas: [ca.der], now: NOW, crypto: nodeCrypto },
        ),
      ),
    ).toBe('COSE_INVALID');
  });

  test('signed content that is not a trust list: SCHEMA_INVALID', async () => {
    const payload = new Map<CborValue, CborValue>([
      ['format', 'ithc-trustlist'],
      ['version', -1],
    ]);
    expect(await errorCode(verifyTrustList(await signRaw(payload), { cscas: [ca.der], now: NOW, crypto: nodeCrypto }))).toBe('SCHEMA_INVALID');
  });

  test('bounds: more certificates than the limit is SIZE_LIMIT; an oversized input is refused before parsing', async () => {
    const text = await envelopeText(content(ca, [dsc1, dsc2]));
    expect(await errorCode(verifyTrustList(text, { cscas: [ca.der], now: NOW, crypto: nodeCrypto, limits: { maxCertificates: 1 } }))).toBe('SIZE_LIMIT');
    expect(await errorCode(verifyTrustList(text, { cscas: [ca.der], now: NOW, crypto: nodeCrypto, limits: { maxBytes: text.length - 1 } }))).toBe('SIZE_LIMIT');
  });

  test('not a trust list at all: COSE_INVALID', async () => {
    for (const input of ['[]', '{"certificates": []}', 'not json', '{"format":"ithc-trustlist","signed":"***"}']) {
      expect(await errorCode(verifyTrustList(input, { cscas: [ca.der], now: NOW, crypto: nodeCrypto }))).toBe('COSE_INVALID');
    }
  });
});

describe('detection and helpers', () => {
  test('isSignedTrustList tells our list from EU DSC lists and certificates', async () => {
    const text = await envelopeText(content(ca, [dsc1]));
    expect(isSignedTrustList(text)).toBe(true);
    expect(isSignedTrustList(new TextEncoder().encode(text))).toBe(true);
    expect(isSignedTrustList(fromBase64(JSON.parse(text).signed))).toBe(true);
    expect(isSignedTrustList(JSON.stringify({ certificates: [{ kid: 'x', rawData: 'y' }] }))).toBe(false);
    expect(isSignedTrustList('[{"kid":"x"}]')).toBe(false);
    expect(isSignedTrustList(ca.der)).toBe(false);
  });

  test('the envelope has no "certificates" field, so no DSC-list reader takes its copy for trust', async () => {
    const env = JSON.parse(await envelopeText(content(ca, [dsc1])));
    expect(Object.keys(env)).not.toContain('certificates');
  });

  test('the payload is deterministic: the same content encodes to the same bytes, whatever realm built its arrays', () => {
    const c = content(ca, [dsc1, dsc2]);
    expect(toBase64(encodeTrustListPayload(c))).toBe(toBase64(encodeTrustListPayload(content(ca, [dsc1, dsc2]))));
    // structuredClone's arrays come from outside jest's sandbox: core/cbor.ts must still write definite lengths.
    expect(toBase64(encodeTrustListPayload(c))).toBe(toBase64(encodeTrustListPayload(structuredClone(c))));
  });

  test('ecdsaDerToRaw: strips sign bytes, pads short integers, refuses trailing data', () => {
    const r = new Uint8Array(32).fill(0x81);
    const s = Uint8Array.of(0x01, 0x02);
    const der = Uint8Array.of(0x30, 2 + 33 + 2 + 2, 0x02, 33, 0x00, ...r, 0x02, 2, ...s);
    const raw = ecdsaDerToRaw(der, 32)!;
    expect(Array.from(raw.subarray(0, 32))).toEqual(Array.from(r));
    expect(Array.from(raw.subarray(32))).toEqual([...new Array(30).fill(0), 1, 2]);
    expect(ecdsaDerToRaw(Uint8Array.of(...der, 0), 32)).toBeUndefined();
    expect(ecdsaDerToRaw(Uint8Array.of(0x30, 3, 0x02, 1, 1), 32)).toBeUndefined();
  });
});
