/**
 * The worked examples of the specification, recomputed twice: by code written here from the
 * documents' words alone (node:crypto, cbor-x), and by core. Both must give the values the
 * documents state: the recipient kid of a sealed code (docs/sealed-codes.md), the UVCI check
 * character (docs/ithc-certificate.md), the revocation hashes (docs/trust-list.md), and the DCC
 * schema version the mapping claims (docs/ithc-certificate.md §Mapping to the EU DCC).
 */
import { createECDH, createHash, createPublicKey, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { Decoder, Tag } from 'cbor-x';
import { fromHex, toBase64, toHex } from '../../core/bytes';
import { decodeStages, verifyCode } from '../../core/hcert';
import { dccRecords, ithcRecordToDcc, ithcToCbor, makeUvci, readIthc, uvciCheckCharacter, uvciChecksumValid } from '../../core/ithc';
import { KeyStore } from '../../core/keys';
import { HashRevocationList, revocationHash, type RevocationHashType } from '../../core/revocation';
import { authorityKid, openSealed, p256Spki, sealCode, sealedCodeContent } from '../../core/seal';
import { trustedKeyFromCertificate } from '../../core/x509';
import { DCC_SCHEMA_VERSION } from '../../core/dcc-schema';
import { IthcError } from '../../core/errors';
import { nodeCrypto } from '../../node/crypto-node';
import { coseOfSealedCode, independentOpen } from '../seal/independent-opener';
import { exampleCertificate } from '../ithc/fixtures';
import { describeWithTestdata, testdataPath, testWithTestdata } from '../support/testdata';
import { codeIn, readDoc, section, tableAfter } from './markdown';

const decoder = new Decoder({
  mapsAsObjects: false,
  useRecords: false,
});
const decode = (b: Uint8Array): any => decoder.decode(b);
const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest();
const rng = (n: number) => new Uint8Array(randomBytes(n));

const SPEC = readDoc('ithc-certificate.md');
const SEALED = readDoc('sealed-codes.md');
const TRUST = readDoc('trust-list.md');
const GOLDEN = JSON.parse(readFileSync(join(__dirname, '../golden/vectors.json'), 'utf8')).cases as Array<Record<string, any>>;
const FULL = GOLDEN.find((c) => c.NAME === 'ITHC-FULL')!;

describe('the recipient kid (docs/sealed-codes.md §The recipient kid)', () => {
  const text = section(SEALED, '### The recipient kid');
  const rows = new Map(tableAfter(text, '| | value (hex) |').map(([what, value]) => [what.replace(/\*/g, ''), value]));
  const hexOf = (what: string) => codeIn(rows.get(what)!);
  const scalar = /private scalar\s+`([0-9a-f]{64})`/.exec(text)![1];
  const prefix = /the fixed (\d+)-byte prefix `([0-9a-f]+)`/.exec(text)!;
  const spkiBytes = Number(/for a P-256 key that is \*\*(\d+)\s+bytes\*\*/.exec(text)![1]);
  const kidBytes = Number(/the first \*\*(\d+) bytes\*\* of SHA-256/.exec(text)![1]);

  test('the example key is the public key of the stated scalar', () => {
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(Buffer.from(scalar, 'hex'));
    const point = ecdh.getPublicKey();
    expect([hexOf('x'), hexOf('y')]).toEqual([point.subarray(1, 33).toString('hex'), point.subarray(33).toString('hex')]);
  });

  test('SPKI, its hash and the kid are what the words say, and what core derives', () => {
    const x = Buffer.from(hexOf('x'), 'hex');
    const y = Buffer.from(hexOf('y'), 'hex');
    // The SubjectPublicKeyInfo DER as node:crypto writes it for that key.
    const spki = createPublicKey({
      key: {
        kty: 'EC',
        crv: 'P-256',
        x: x.toString('base64url'),
        y: y.toString('base64url'),
      },
      format: 'jwk',
    }).export({ type: 'spki', format: 'der' });
    expect(spki.length).toBe(spkiBytes);
    expect(Number(/SubjectPublicKeyInfo \((\d+) bytes\)/.exec([...rows.keys()].join(' '))![1])).toBe(spki.length);
    expect(hexOf('SubjectPublicKeyInfo (91 bytes)')).toBe(spki.toString('hex'));
    // "the fixed 26-byte prefix … followed by the uncompressed point 04 ‖ x ‖ y (65 bytes)"
    expect(Number(prefix[1])).toBe(prefix[2].length / 2);
    expect(Buffer.concat([Buffer.from(prefix[2], 'hex'), Buffer.from([4]), x, y])).toEqual(spki);
    const hash = sha256(spki);
    expect(hexOf('SHA-256 of it')).toBe(hash.toString('hex'));
    const kid = hash.subarray(0, kidBytes);
    const kidCell = rows.get('kid (first 8 bytes)')!;
    expect(kidCell).toBe(`\`${kid.toString('hex')}\`, base64 \`${kid.toString('base64')}\``);
    // core: p256Spki of the point, authorityKid of that.
    const coreSpki = p256Spki(Uint8Array.from([4, ...x, ...y]));
    expect(toHex(coreSpki)).toBe(spki.toString('hex'));
    expect(toHex(authorityKid(coreSpki))).toBe(kid.toString('hex'));
    // "written `04 48 <kid>` …: 10 bytes"
    const written = /it is written `([0-9a-f ]+)` \(label 4, a byte string of 8, the kid\): (\d+) bytes/.exec(text.replace(/\n/g, ' ').replace(/\s+/g, ' '));
    expect(written).not.toBeNull();
    expect(written![1].replace(/ /g, '')).toBe('0448' + kid.toString('hex'));
    expect(Number(written![2])).toBe(written![1].replace(/ /g, '').length / 2);
  });

  test('a real sealed code carries it at COSE_Encrypt[3][0][1][4], and only there', async () => {
    const kid = fromHex(codeIn(rows.get('kid (first 8 bytes)')!));
    const point = Uint8Array.from([4, ...Buffer.from(hexOf('x'), 'hex'), ...Buffer.from(hexOf('y'), 'hex')]);
    const open = decodeStages(FULL.PREFIX);
    const code = sealCode(open.cose!, [{ kid, publicKey: point }], rng);
    const msg = decode(coseOfSealedCode(code));
    expect(msg).toBeInstanceOf(Tag);
    const [protectedBytes, unprotected, , recipients] = msg.value;
    expect(toHex(msg.value[3][0][1].get(4))).toBe(toHex(kid));
    expect(decode(protectedBytes).has(4)).toBe(false);
    expect(unprotected.has(4)).toBe(false);
    expect(decode(recipients[0][0]).has(4)).toBe(false);
    // The authority's own implementation opens it with the private key.
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(Buffer.from(scalar, 'hex'));
    const jwk = {
      kty: 'EC',
      crv: 'P-256',
      d: Buffer.from(scalar, 'hex').toString('base64url'),
      x: Buffer.from(hexOf('x'), 'hex').toString('base64url'),
      y: Buffer.from(hexOf('y'), 'hex').toString('base64url'),
    };
    expect(toHex(await independentOpen(coseOfSealedCode(code), jwk))).toBe(toHex(open.cose!));
  });

  test('unprotected: an altered kid only misroutes the key, it never enters the key or the AAD', () => {
    const kid = fromHex(codeIn(rows.get('kid (first 8 bytes)')!));
    const point = Uint8Array.from([4, ...Buffer.from(hexOf('x'), 'hex'), ...Buffer.from(hexOf('y'), 'hex')]);
    const code = sealCode(decodeStages(FULL.PREFIX).cose!, [{ kid, publicKey: point }], rng);
    const bytes = sealedCodeContent(code);
    const at = Buffer.from(bytes).indexOf(Buffer.from([0x04, 0x48, ...kid]));
    expect(at).toBeGreaterThan(0);
    const altered = bytes.slice();
    altered[at + 2] ^= 1;
    const privateKey = fromHex(scalar);
    const code0 = (f: () => unknown) => {
      try {
        f();
        return 'opened';
      } catch (e) {
        return e instanceof IthcError ? e.code : String(e);
      }
    };
    expect(code0(() => openSealed(altered, [{ kid, privateKey }]))).toBe('DECRYPT_FAILED');
    expect(code0(() => openSealed(altered, [{ privateKey }]))).toBe('opened');
  });
});

describe('the UVCI check character (docs/ithc-certificate.md §Codes, UVCI)', () => {
  const text = SPEC.slice(SPEC.indexOf('**UVCI.**'), SPEC.indexOf('## Testing centres and vaccination sites'));
  const alphabet = /in this order[^\n]*\n[^\n]*\n\n```text\n([^\n]+)\n```/.exec(text)![1];
  const N = Number(/\*\*Luhn mod N\*\*[^]*?N = (\d+)/.exec(text)![1]);

  /** Written from the three numbered steps. */
  function check(body: string): { sum: number; value: number; char: string } {
    let factor = 2;
    let sum = 0;
    for (let i = body.length - 1; i >= 0; i--) {
      const v = alphabet.indexOf(body[i]);
      if (v < 0) throw new Error(`${body[i]} is not in the alphabet`);
      let addend = factor * v;
      addend = Math.floor(addend / N) + (addend % N);
      sum += addend;
      factor = factor === 2 ? 1 : 2;
    }
    const value = (N - (sum % N)) % N;
    return { sum, value, char: alphabet[value] };
  }

  test('the alphabet has N characters, in the order the positions say', () => {
    expect(alphabet.length).toBe(N);
    expect(new Set(alphabet).size).toBe(N);
    for (const [, c, pos] of text.matchAll(/`(.)`=(\d+)/g)) expect([c, alphabet.indexOf(c)]).toEqual([c, Number(pos)]);
  });

  test('the worked example: sum, remainder, check value and character', () => {
    const m =
      /for `([^`]+)` \((\d+) characters\) the sum of\s+the addends is (\d+), \3 mod 38 = (\d+), \(38 − \4\) mod 38 = (\d+), and position \5 is `(.)`: the UVCI is\s+`([^`]+)`/.exec(
        text,
      );
    expect(m).not.toBeNull();
    const [, body, length, sum, rem, value, char, uvci] = m!;
    expect(body.length).toBe(Number(length));
    const mine = check(body);
    expect([mine.sum, mine.sum % N, mine.value, mine.char]).toEqual([Number(sum), Number(rem), Number(value), char]);
    expect(uvci).toBe(`${body}#${char}`);
    // core agrees, and the certificate of the annotated example carries this UVCI.
    expect(uvciCheckCharacter(body)).toBe(char);
    expect(makeUvci('CN', body.slice('URN:UVCI:01:CN:'.length))).toBe(uvci);
    expect(uvciChecksumValid(uvci)).toBe(true);
    expect(readIthc(decodeStages(FULL.PREFIX).claims!.ithc).certificate!.id).toBe(uvci);
    expect(text).toContain(`(\`${uvci.slice('URN:UVCI:01:'.length)}\`)`);
  });

  test('the words and core agree on any identifier, prefix included in the span', () => {
    for (let i = 0; i < 300; i++) {
      const opaque = Array.from(randomBytes(1 + (i % 50)), (b) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/'[b % 37]).join('');
      const body = `URN:UVCI:01:CN:${opaque}`;
      expect([body, check(body).char]).toEqual([body, uvciCheckCharacter(body)]);
      // The prefix is inside the span: the check of the opaque part alone is not the same in general.
      expect(makeUvci('CN', opaque)).toBe(`${body}#${check(body).char}`);
    }
    expect(check('URN:UVCI:01:CN:9F3K2M7Q4T8W1Z5X').char).not.toBe(check('CN:9F3K2M7Q4T8W1Z5X').char);
  });

  testWithTestdata('dcc-testdata', 'the words give the check characters Austria and Denmark issued in the EU test data', () => {
    const ucis = new Set<string>();
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name.endsWith('.json')) for (const m of readFileSync(p, 'utf8').matchAll(/"ci"\s*:\s*"(URN:UVCI:01:(?:AT|DK):[^"]*#.)"/g)) ucis.add(m[1]);
      }
    };
    for (const c of ['AT', 'DK']) walk(testdataPath('dcc-testdata', c));
    expect(ucis.size).toBeGreaterThan(3);
    for (const u of ucis) expect([u, check(u.slice(0, -2)).char]).toEqual([u, u.slice(-1)]);
  });
});

describe('the revocation hashes (docs/trust-list.md §Revocation entries)', () => {
  const text = section(TRUST, '### Revocation entries: what is hashed');
  const flat = text.replace(/\s+/g, ' ');
  const stated = /signed with the kid `([0-9a-f]+)`, `iss` `([A-Z]{2})`, whose signature's r is `([0-9a-f]+)`/.exec(flat)!;
  const [, kidHex, iss, rHex] = stated;
  const example = new Map(
    tableAfter(text, '| type | input | hash (hex) | hash (base64) |').map(([type, input, hex, b64]) => [
      codeIn(type) as RevocationHashType,
      { input, hex: codeIn(hex), b64: codeIn(b64) },
    ]),
  );
  const sign1 = decode(fromHex(FULL.COSE));
  const [protectedBytes, , payload, signature] = sign1.value as [Uint8Array, unknown, Uint8Array, Uint8Array];
  const claims = decode(payload) as Map<number, any>;

  test('the example is the ITHC-FULL vector: its kid, iss, r and UVCI', () => {
    expect(toHex(decode(protectedBytes).get(4))).toBe(kidHex);
    expect(claims.get(1)).toBe(iss);
    expect(signature.length).toBe(64);
    expect(toHex(signature.subarray(0, 32))).toBe(rHex);
    expect(codeIn(example.get('UCI')!.input)).toBe('URN:UVCI:01:' + claims.get(-65537).get(1));
    expect(codeIn(example.get('COUNTRYCODEUCI')!.input)).toBe(iss + codeIn(example.get('UCI')!.input));
  });

  test('the hashes, from the words: the first 16 bytes of SHA-256 over the UTF-8 text, or over r', () => {
    const uci = codeIn(example.get('UCI')!.input);
    const inputs: Record<RevocationHashType, Buffer> = {
      UCI: Buffer.from(uci, 'utf8'),
      COUNTRYCODEUCI: Buffer.from(iss + uci, 'utf8'),
      SIGNATURE: Buffer.from(signature.subarray(0, 32)),
    };
    expect([...example.keys()]).toEqual(['UCI', 'COUNTRYCODEUCI', 'SIGNATURE']);
    for (const [type, row] of example) {
      const h = sha256(inputs[type]).subarray(0, 16);
      expect([type, row.hex, row.b64]).toEqual([type, h.toString('hex'), h.toString('base64')]);
      // core, as the server computes the entries it publishes
      const mine = revocationHash(type, {
        uci,
        country: iss,
        signature,
        kty: 'EC',
      })!;
      expect([type, toHex(mine)]).toEqual([type, row.hex]);
    }
  });

  const noDcc = (): string[] => {
    throw new Error('an ITHC code must never reach the DCC schema validator');
  };

  test('each entry alone, under the stated kid, makes a verifier report REVOKED; the hash of anything else does not', async () => {
    const keys = new KeyStore([trustedKeyFromCertificate(FULL.TESTCTX.CERTIFICATE)]);
    const now = Date.parse(FULL.TESTCTX.VALIDATIONCLOCK) / 1000;
    const verdict = async (list: HashRevocationList) =>
      (
        await verifyCode(FULL.PREFIX, {
          keys,
          now,
          crypto: nodeCrypto,
          revocation: list,
          validateDccSchema: noDcc,
        })
      ).errors.map((e) => e.code);
    expect(await verdict(new HashRevocationList())).not.toContain('REVOKED');
    for (const [type, row] of example) {
      const list = new HashRevocationList();
      list.add(fromHex(kidHex), type, fromHex(row.hex));
      expect([type, await verdict(list)]).toEqual([type, ['REVOKED']]);
      const wrong = new HashRevocationList();
      const other = fromHex(row.hex);
      other[15] ^= 1;
      wrong.add(fromHex(kidHex), type, other);
      expect(await verdict(wrong)).toEqual([]);
      const otherKid = new HashRevocationList();
      otherKid.add(Uint8Array.from(randomBytes(8)), type, fromHex(row.hex));
      expect(await verdict(otherKid)).toEqual([]);
    }
    expect(toBase64(fromHex(kidHex))).toBe(toBase64(decodeStages(FULL.PREFIX).sign1!.kid!));
  });
});

describe('the DCC mapping claims a schema version it is valid under (docs/ithc-certificate.md §Mapping to the EU DCC)', () => {
  const row = tableAfter(section(SPEC, '## Mapping to the EU DCC'), '| DCC | from |').find((r) => r[0] === 'ver')![1];
  const [usual, withoutSurname] = [...row.matchAll(/`"(\d+\.\d+\.\d+)"`/g)].map((m) => m[1]);
  const latest = /and under (\d+\.\d+\.\d+), the release our verifiers validate against/.exec(row)![1];

  test('the row names the two versions, and the release our verifiers use', () => {
    expect([usual, withoutSurname]).toEqual([expect.stringMatching(/^1\.3\./), expect.stringMatching(/^1\.3\./)]);
    expect(latest).toBe(DCC_SCHEMA_VERSION);
  });

  describeWithTestdata('dcc-schema', 'against the schema releases', () => {
    const validator = (file: string) => {
      const ajv = new Ajv2020({ strict: false, allErrors: true });
      addFormats(ajv);
      const v = ajv.compile(JSON.parse(readFileSync(file, 'utf8')));
      return (dcc: unknown) => (v(dcc) ? [] : (v.errors ?? []).map((e) => `${e.instancePath} ${e.message}`));
    };
    const release = (ver: string) => validator(testdataPath('dcc-schema', 'tags', ver, 'DCC.combined-schema.json'));
    const current = validator(testdataPath('dcc-schema', 'DCC.combined-schema.json'));
    const base = exampleCertificate();
    const holders = {
      'all four name parts': base.holder,
      'no given name in Latin script': {
        ...base.holder,
        givenNameLatin: undefined,
        givenName: undefined,
      },
      'no surname in Latin script': {
        ...base.holder,
        surnameLatin: undefined,
        surname: undefined,
      },
      'a Latin given name and a Chinese surname only': {
        ...base.holder,
        surnameLatin: undefined,
        givenName: undefined,
      },
    };

    test.each(Object.entries(holders))('%s: the version the row states, and valid under it and under the current release', (_n, holder) => {
      const cert = readIthc(ithcToCbor({ ...base, holder })).certificate!;
      for (const ref of dccRecords(cert)) {
        const dcc = ithcRecordToDcc(cert, ref, makeUvci('CN', 'SPEC/DCC'));
        const expected = cert.holder.surnameLatin !== undefined ? usual : withoutSurname;
        expect(dcc.ver).toBe(expected);
        expect(release(dcc.ver)(dcc)).toEqual([]);
        expect(current(dcc)).toEqual([]);
      }
    });

    test('the row is right that the releases before the second version refuse a DCC without fnt', () => {
      const cert = readIthc(ithcToCbor({ ...base, holder: holders['no surname in Latin script'] })).certificate!;
      const dcc = ithcRecordToDcc(cert, dccRecords(cert)[0], makeUvci('CN', 'SPEC/DCC'));
      for (const older of ['1.3.0', '1.3.1']) expect(release(older)({ ...dcc, ver: older }).join(' ')).toMatch(/fnt/);
      expect(release(usual)({ ...dcc, ver: usual })).not.toEqual([]);
    });
  });
});
