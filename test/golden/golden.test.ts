/**
 * Golden vectors: the strict encoding of what we sign, locked byte for byte. Each case is rebuilt
 * from the fixtures with the deterministic test signer and compared stage by stage with
 * vectors.json; the stored vectors are then decoded and verified as a verifier would meet them.
 * A failure here means the signed bytes changed: if that was intended, regenerate deliberately
 * (scripts/gen-golden.mjs) and say why in the commit.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fromBase64, fromHex, toHex, utf8Encode } from '../../core/bytes';
import { decodeLenient, encodeStrict, type CborValue } from '../../core/cbor';
import { sigStructure } from '../../core/cose';
import { nobleCrypto } from '../../core/crypto/noble';
import { decodeStages, verifyCode, type Verdict } from '../../core/hcert';
import { ithcToJson, readIthc } from '../../core/ithc';
import { KeyStore, kidFromCertificate } from '../../core/keys';
import { trustedKeyFromCertificate } from '../../core/x509';
import { nodeCrypto } from '../../node/crypto-node';
import { hexOfAnnotation } from './annotate';
import { buildGoldenVectors, type GoldenCase } from './build-vectors';

const stored: GoldenCase[] = JSON.parse(readFileSync(path.join(__dirname, 'vectors.json'), 'utf8')).cases;
const docs = readFileSync(path.resolve(__dirname, '../../docs/ithc-certificate.md'), 'utf8');

let rebuilt: Map<string, GoldenCase>;
beforeAll(async () => {
  rebuilt = new Map((await buildGoldenVectors()).map((c) => [c.NAME, c]));
});

const noDcc = (): string[] => {
  throw new Error('an ITHC code must never reach the DCC schema validator');
};

/** CBOR head of a byte string of length n (RFC 8949 §3.1), for the layout checks below. */
function bstrHead(n: number): string {
  if (n < 24) return (0x40 + n).toString(16);
  if (n < 256) return '58' + n.toString(16).padStart(2, '0');
  return '59' + n.toString(16).padStart(4, '0');
}

test('the vectors file holds exactly the cases the builder makes', () => {
  expect(stored.map((c) => c.NAME)).toEqual([...rebuilt.keys()]);
});

describe.each(stored.map((c) => [c.NAME, c] as const))('%s', (name, v) => {
  const fresh = (): GoldenCase => {
    const c = rebuilt.get(name);
    if (!c) throw new Error(`the builder no longer makes ${name}`);
    return c;
  };

  test('(a) the certificate encodes to the locked CBOR', () => {
    expect(fresh().ITHC).toBe(v.ITHC);
    expect(fresh().JSON).toEqual(v.JSON);
  });

  test('(b) the CWT claims encode to the locked CBOR, keys in deterministic order', () => {
    expect(fresh().CBOR).toBe(v.CBOR);
    const claims = decodeLenient(fromHex(v.CBOR)) as Map<CborValue, CborValue>;
    // RFC 8949 §4.2.1: keys sorted by their encoded bytes, so unsigned before negative.
    expect([...claims.keys()]).toEqual([1, 4, 6, -65537]);
    // Decoding and strictly re-encoding the certificate gives the same bytes: it was canonical.
    expect(toHex(encodeStrict(claims.get(-65537)))).toBe(v.ITHC);
  });

  test('(c) the protected header is {1: -7, 4: kid} with the kid of the signing certificate', () => {
    expect(fresh().PROTECTED).toBe(v.PROTECTED);
    const kid = toHex(kidFromCertificate(fromBase64(v.TESTCTX.CERTIFICATE)));
    expect(v.PROTECTED).toBe(`a2012604${bstrHead(8)}${kid}`);
  });

  test('(d) the Sig_structure is ["Signature1", protected, h\'\', payload]', () => {
    expect(fresh().SIG_STRUCTURE).toBe(v.SIG_STRUCTURE);
    const prot = v.PROTECTED;
    const payload = v.CBOR;
    const expected = '84' + '6a' + toHex(utf8Encode('Signature1')) + bstrHead(prot.length / 2) + prot + '40' + bstrHead(payload.length / 2) + payload;
    expect(v.SIG_STRUCTURE).toBe(expected);
    expect(toHex(sigStructure(fromHex(prot), fromHex(payload)))).toBe(expected);
  });

  test('(e) the signed code is reproduced exactly by the deterministic signer', () => {
    const f = fresh();
    expect(f.COSE).toBe(v.COSE);
    expect(f.COMPRESSED).toBe(v.COMPRESSED);
    expect(f.BASE45).toBe(v.BASE45);
    expect(f.PREFIX).toBe(v.PREFIX);
    expect(f.TESTCTX).toEqual(v.TESTCTX);
    expect(f.EXPECTEDRESULTS).toEqual(v.EXPECTEDRESULTS);
  });

  test('the stored code decodes stage by stage into the stored stages', () => {
    const st = decodeStages(v.PREFIX);
    expect(st.error).toBeUndefined();
    expect(st.format).toBe('ithc');
    expect(st.prefix).toBe('ITHC1:');
    expect(st.base45).toBe(v.BASE45);
    expect(toHex(st.compressed!)).toBe(v.COMPRESSED);
    expect(toHex(st.cose!)).toBe(v.COSE);
    expect(toHex(st.sign1!.protectedBytes)).toBe(v.PROTECTED);
    expect(toHex(st.sign1!.payload)).toBe(v.CBOR);
    expect(st.sign1!.tags).toEqual([18]);
    expect(st.sign1!.unprotectedHeader.size).toBe(0);
    const read = readIthc(st.claims!.ithc);
    expect(read.problems).toEqual([]);
    expect(ithcToJson(read.certificate!)).toEqual(v.JSON);
  });

  test.each([
    ['node:crypto', nodeCrypto],
    ['noble', nobleCrypto],
  ])('the stored code verifies as expected with %s', async (_label, crypto) => {
    const keys = new KeyStore([trustedKeyFromCertificate(v.TESTCTX.CERTIFICATE)]);
    const now = Date.parse(v.TESTCTX.VALIDATIONCLOCK) / 1000;
    const verdict: Verdict = await verifyCode(v.PREFIX, { keys, now, crypto, validateDccSchema: noDcc });
    const codes = verdict.errors.map((e) => e.code);
    expect(codes.includes('SIGNATURE_INVALID')).toBe(!v.EXPECTEDRESULTS.EXPECTEDVERIFY);
    expect(codes.includes('KEY_USAGE_MISMATCH')).toBe(!v.EXPECTEDRESULTS.EXPECTEDKEYUSAGE);
    expect(codes.includes('EXPIRED') || codes.includes('NOT_YET_VALID')).toBe(!v.EXPECTEDRESULTS.EXPECTEDEXPIRATIONCHECK);
    expect(codes.includes('SCHEMA_INVALID')).toBe(!v.EXPECTEDRESULTS.EXPECTEDSCHEMAVALIDATION);
    const allExpected = Object.values(v.EXPECTEDRESULTS).every(Boolean);
    expect(verdict.valid).toBe(allExpected);
    // The certificate is shown whenever the signature verified, even when key usage refuses it.
    expect(verdict.certificate?.format).toBe('ithc');
    if (verdict.certificate?.format === 'ithc') expect(ithcToJson(verdict.certificate.ithc)).toEqual(v.JSON);
  });
});

describe('the specification', () => {
  const full = stored.find((c) => c.NAME === 'ITHC-FULL')!;

  test('its annotated example is the ITHC-FULL certificate, byte for byte', () => {
    const m = /<!-- BEGIN GENERATED ITHC-FULL annotated -->\n```text\n([\s\S]*?)\n```/.exec(docs);
    expect(m).not.toBeNull();
    expect(hexOfAnnotation(m![1])).toBe(full.ITHC);
  });

  test("its whole example code and its stated size are the vector's", () => {
    expect(docs).toContain('\n' + full.PREFIX + '\n');
    expect(docs).toContain(`**${full.PREFIX.length} characters**`);
  });
});
