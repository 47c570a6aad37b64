/**
 * ITHC codes end to end: signed with a key made at run time (node:crypto), verified against a
 * KeyStore built from a signing certificate, with both crypto providers. Covers the verdict of a
 * good code, each way a code can fail after decoding, the decoding bounds reached through the
 * pipeline, and key usage with restricted signing certificates.
 */
import { generateKeyPairSync } from 'node:crypto';
import { decodeBase45, encodeBase45 } from '../../core/base45';
import { fromBase64, toBase64, utf8Encode } from '../../core/bytes';
import { type CborValue } from '../../core/cbor';
import { nobleCrypto } from '../../core/crypto/noble';
import type { CryptoProvider, Signer } from '../../core/crypto/provider';
import { dccToCbor } from '../../core/dcc';
import { signCode, verifyCode, type Verdict } from '../../core/hcert';
import { ithcToCbor, makeUvci, readIthc, type IthcCertificateInput } from '../../core/ithc';
import { KeyStore, type KeyUsage, type TrustedKey } from '../../core/keys';
import { HashRevocationList, revocationHash } from '../../core/revocation';
import { trustedKeyFromCertificate } from '../../core/x509';
import { deflate, inflate } from '../../core/zlib';
import { nodeCrypto } from '../../node/crypto-node';
import { nodeEs256Signer } from '../../server/keys/es256-signer';
import { makeDsc } from './dsc';
import { exampleCertificate } from './fixtures';

const IAT = Date.UTC(2021, 5, 1, 6) / 1000;
const EXP = IAT + 30 * 86400;
const NOW = IAT + 3600;

interface RuntimeKey {
  scalar: Uint8Array;
  signer: Signer;
}

/** A P-256 key made now by node:crypto; the signer keeps it inside a KeyObject. */
function runtimeKey(): RuntimeKey {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const d = privateKey.export({ format: 'jwk' }).d!;
  const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' });
  return { scalar: fromBase64(d), signer: nodeEs256Signer(new Uint8Array(pkcs8)) };
}

function trusted(k: RuntimeKey, usage?: KeyUsage[]): TrustedKey {
  return trustedKeyFromCertificate(makeDsc({ privateKey: k.scalar, usage }));
}

const noDcc = (): string[] => {
  throw new Error('an ITHC code must never reach the DCC schema validator');
};

async function sign(content: CborValue, k: RuntimeKey, kid: Uint8Array, times: { iat?: number; exp?: number } = {}): Promise<string> {
  const s = await signCode({ format: 'ithc', content, iss: 'CN', iat: times.iat ?? IAT, exp: times.exp ?? EXP, kid, signer: k.signer });
  return s.code;
}

function verify(
  code: string,
  keys: TrustedKey[],
  crypto: CryptoProvider = nodeCrypto,
  extra: { now?: number; revocation?: HashRevocationList } = {},
): Promise<Verdict> {
  return verifyCode(code, { keys: new KeyStore(keys), now: extra.now ?? NOW, crypto, validateDccSchema: noDcc, revocation: extra.revocation });
}

const codes = (v: Verdict) => v.errors.map((e) => e.code);

let key: RuntimeKey;
let dsc: TrustedKey;
beforeAll(() => {
  key = runtimeKey();
  dsc = trusted(key);
});

describe('a good code', () => {
  test.each([
    ['node:crypto', nodeCrypto],
    ['noble', nobleCrypto],
  ])('verifies with %s and presents the certificate', async (_n, crypto) => {
    const content = ithcToCbor(exampleCertificate());
    const code = await sign(content, key, dsc.kid);
    expect(code.startsWith('ITHC1:')).toBe(true);
    const v = await verify(code, [dsc], crypto);
    expect(v.errors).toEqual([]);
    expect(v.valid).toBe(true);
    expect(v.format).toBe('ithc');
    expect(v.alg).toBe('ES256');
    expect(v.kid).toBe(toBase64(dsc.kid));
    expect(v.issuer).toBe('CN');
    expect([v.issuedAt, v.expiresAt]).toEqual([IAT, EXP]);
    expect(v.signer).toBe(dsc);
    expect(v.certificate).toEqual({ format: 'ithc', ithc: readIthc(content).certificate });
  });

  test("the holder's travel document number is in the verified certificate", async () => {
    const v = await verify(await sign(ithcToCbor(exampleCertificate()), key, dsc.kid), [dsc]);
    expect(v.certificate?.format === 'ithc' && v.certificate.ithc.holder).toMatchObject({ documentType: 'ordinary', documentNumber: 'E12345678' });
  });
});

describe('a code that fails after decoding', () => {
  /** Replaces bytes inside the signed COSE and re-encodes the code around it. */
  function tamper(code: string, from: string, to: string): string {
    const cose = inflate(decodeBase45(code.slice('ITHC1:'.length)), 65536);
    const a = utf8Encode(from);
    const b = utf8Encode(to);
    expect(b.length).toBe(a.length);
    const at = cose.findIndex((_, i) => a.every((x, j) => cose[i + j] === x));
    expect(at).toBeGreaterThan(0);
    const out = cose.slice();
    out.set(b, at);
    return 'ITHC1:' + encodeBase45(deflate(out));
  }

  test('a changed document number breaks the signature, and nothing is presented', async () => {
    const code = await sign(ithcToCbor(exampleCertificate()), key, dsc.kid);
    const v = await verify(tamper(code, 'E12345678', 'E12345679'), [dsc]);
    expect(codes(v)).toEqual(['SIGNATURE_INVALID']);
    expect(v.certificate).toBeNull();
    expect(v.valid).toBe(false);
  });

  test('another key claiming the trusted kid is refused', async () => {
    const forger = runtimeKey();
    const v = await verify(await sign(ithcToCbor(exampleCertificate()), forger, dsc.kid), [dsc]);
    expect(codes(v)).toEqual(['SIGNATURE_INVALID']);
    expect(v.certificate).toBeNull();
  });

  test('an unknown kid is reported as such', async () => {
    const other = trusted(runtimeKey());
    const v = await verify(await sign(ithcToCbor(exampleCertificate()), key, dsc.kid), [other]);
    expect(codes(v)).toEqual(['KID_UNKNOWN']);
  });

  test.each([
    ['after exp', EXP + 1, 'EXPIRED'],
    ['before iat', IAT - 1, 'NOT_YET_VALID'],
  ])('a code checked %s is %s, its verified content still shown', async (_w, now, code) => {
    const v = await verify(await sign(ithcToCbor(exampleCertificate()), key, dsc.kid), [dsc], nodeCrypto, { now });
    expect(codes(v)).toEqual([code]);
    expect(v.certificate?.format).toBe('ithc');
    expect(v.valid).toBe(false);
  });

  test("a signed certificate that breaks the model is SCHEMA_INVALID with the problem's path", async () => {
    const content = ithcToCbor(exampleCertificate()) as Map<CborValue, CborValue>;
    (content.get(6) as Array<Map<CborValue, CborValue>>)[1].set(5, 0);
    const v = await verify(await sign(content, key, dsc.kid), [dsc]);
    expect(v.errors).toEqual([{ code: 'SCHEMA_INVALID', message: 'vaccinations[1].doseNumber (key 6/1/5): dose number 0 is outside 1–9' }]);
    expect(v.certificate).toBeNull();
  });

  test('a certificate of an unknown format version is SCHEMA_INVALID, not guessed at', async () => {
    const content = ithcToCbor(exampleCertificate()) as Map<CborValue, CborValue>;
    content.set(0, 2);
    const v = await verify(await sign(content, key, dsc.kid), [dsc]);
    expect(v.errors).toEqual([{ code: 'SCHEMA_INVALID', message: 'version (key 0): ITHC format version 2 is not supported; this verifier reads version 1' }]);
  });

  test('the prefix decides the format: HC1: over an ITHC payload and ITHC1: over a DCC are refused', async () => {
    const ithc = await sign(ithcToCbor(exampleCertificate()), key, dsc.kid);
    const asDcc = await verify('HC1:' + ithc.slice('ITHC1:'.length), [dsc]);
    expect(codes(asDcc)).toEqual(['CWT_INVALID']);
    expect(asDcc.errors[0].message).toMatch(/hcert claim/);
    const dcc = await signCode({
      format: 'dcc',
      content: dccToCbor({ ver: '1.3.0', nam: { fnt: 'ZHANG' }, dob: '1985', v: [] }),
      iss: 'CN',
      iat: IAT,
      exp: EXP,
      kid: dsc.kid,
      signer: key.signer,
    });
    const asIthc = await verify('ITHC1:' + dcc.base45, [dsc]);
    expect(codes(asIthc)).toEqual(['CWT_INVALID']);
    expect(asIthc.errors[0].message).toMatch(/ITHC certificate claim/);
  });

  test('a certificate revoked by its UVCI is REVOKED', async () => {
    const cert = exampleCertificate();
    const revocation = new HashRevocationList();
    revocation.add(dsc.kid, 'UCI', revocationHash('UCI', { uci: cert.id, signature: new Uint8Array(0), kty: 'EC' })!);
    const v = await verify(await sign(ithcToCbor(cert), key, dsc.kid), [dsc], nodeCrypto, { revocation });
    expect(codes(v)).toEqual(['REVOKED']);
    // Another certificate of the same holder and key is not touched.
    const other = await verify(await sign(ithcToCbor({ ...cert, id: makeUvci('CN', 'ANOTHER0CERT0001') }), key, dsc.kid), [dsc], nodeCrypto, { revocation });
    expect(other.errors).toEqual([]);
  });
});

describe('decoding bounds through the pipeline', () => {
  test('an ignorable extension still counts against the CBOR item limit (SIZE_LIMIT)', async () => {
    const content = ithcToCbor(exampleCertificate()) as Map<CborValue, CborValue>;
    content.set(
      -1,
      Array.from({ length: 5000 }, () => 0),
    );
    const v = await verify(await sign(content, key, dsc.kid), [dsc]);
    expect(codes(v)).toEqual(['SIZE_LIMIT']);
    expect(v.certificate).toBeNull();
  });

  test('deep nesting inside an extension is SIZE_LIMIT', async () => {
    const content = ithcToCbor(exampleCertificate()) as Map<CborValue, CborValue>;
    let deep: CborValue = 0;
    for (let i = 0; i < 20; i++) deep = [deep];
    content.set(-1, deep);
    const v = await verify(await sign(content, key, dsc.kid), [dsc]);
    expect(codes(v)).toEqual(['SIZE_LIMIT']);
  });
});

describe('key usage of the signing certificate', () => {
  const base = exampleCertificate();
  const variants: Record<string, IthcCertificateInput> = {
    full: base,
    'nucleic-acid only': { ...base, antibodyTests: undefined, vaccinations: undefined },
    'antibody only': { ...base, tests: undefined, vaccinations: undefined },
    'vaccinations only': { ...base, tests: undefined, antibodyTests: undefined },
  };
  // Whatever records it holds, an ITHC code needs a signer for the ITHC format: a DCC signer
  // (t, v, r) never signs one, so a relabelled code cannot pass as the other format.
  const usages: Array<KeyUsage[] | undefined> = [undefined, ['ithc'], ['v', 'ithc'], ['t', 'v', 'r'], ['t', 'v'], ['t'], ['v'], ['r']];
  const rows = Object.keys(variants).flatMap((name) => usages.map((u) => [name, u ? u.join('+') : 'unrestricted', u] as const));

  test.each(rows)('%s signed by a DSC for %s', async (name, _label, usage) => {
    const cert = variants[name];
    const k = trusted(key, usage);
    expect(k.usage).toEqual(usage);
    const v = await verify(await sign(ithcToCbor(cert), key, k.kid), [k]);
    if (!usage || usage.includes('ithc')) {
      expect(v.errors).toEqual([]);
      expect(v.valid).toBe(true);
    } else {
      expect(codes(v)).toEqual(['KEY_USAGE_MISMATCH']);
      expect(v.errors[0].message).toContain('not ITHC comprehensive');
      // The signature did verify: the certificate is shown, but the code is not valid.
      expect(v.certificate?.format).toBe('ithc');
      expect(v.valid).toBe(false);
    }
  });

  test('both providers reach the same verdicts', async () => {
    const k = trusted(key, ['v']);
    const code = await sign(ithcToCbor(base), key, k.kid);
    const a = await verify(code, [k], nodeCrypto);
    const b = await verify(code, [k], nobleCrypto);
    expect({ valid: b.valid, errors: b.errors }).toEqual({ valid: a.valid, errors: a.errors });
  });
});
