/**
 * Each test and vaccination of an ITHC certificate as a single-record EU DCC: the JSON validates
 * against the official DCC schema (dcc-schema, test/support/testdata.ts) — the latest release and
 * the release its `ver` names — carries the record unchanged, and signs and verifies as an HC1 code.
 */
import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { p256 } from '@noble/curves/nist.js';
import { nobleEs256Signer } from '../../core/crypto/noble';
import { dccToCbor, type DccSchemaValidator } from '../../core/dcc';
import { signCode, verifyCode } from '../../core/hcert';
import { dccRecords, ithcRecordToDcc, ithcToCbor, makeUvci, readIthc, type IthcCertificate } from '../../core/ithc';
import { KeyStore } from '../../core/keys';
import { trustedKeyFromCertificate } from '../../core/x509';
import { nodeCrypto } from '../../node/crypto-node';
import { makeDsc } from './dsc';
import { describeWithTestdata, testdataPath } from '../support/testdata';
import { exampleCertificate, SOURCES } from './fixtures';
import { SourceDirectory } from '../../core/sourcelist';

/** The official schema, compiled when a suite that needs it is collected. */
function officialValidator(): DccSchemaValidator {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  const validateSchema = ajv.compile(JSON.parse(readFileSync(testdataPath('dcc-schema', 'DCC.combined-schema.json'), 'utf8')));
  return (dcc) => (validateSchema(dcc) ? [] : (validateSchema.errors ?? []).map((e) => `${e.instancePath} ${e.message}`));
}

/** The schema of one release tag (tags/<ver>/DCC.combined-schema.json): what a verifier built on that release accepts. */
function releaseValidator(ver: string): DccSchemaValidator {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  const validateSchema = ajv.compile(JSON.parse(readFileSync(testdataPath('dcc-schema', 'tags', ver, 'DCC.combined-schema.json'), 'utf8')));
  return (dcc) => (validateSchema(dcc) ? [] : (validateSchema.errors ?? []).map((e) => `${e.instancePath} ${e.message}`));
}

const cert = (): IthcCertificate => readIthc(ithcToCbor(exampleCertificate())).certificate!;
const names = new SourceDirectory(SOURCES).names;

test('the records a DCC can express are the tests and the vaccinations, not the antibody tests', () => {
  expect(dccRecords(cert())).toEqual([
    { list: 'tests', index: 0 },
    { list: 'vaccinations', index: 0 },
    { list: 'vaccinations', index: 1 },
  ]);
});

test('asking for a record that does not exist is a caller error', () => {
  expect(() => ithcRecordToDcc(cert(), { list: 'tests', index: 5 }, makeUvci('CN', 'X'))).toThrow(RangeError);
});

describeWithTestdata('dcc-schema', 'against the official DCC schema', () => {
  const validator = officialValidator();

  test.each(dccRecords(cert()).map((r) => [`${r.list}[${r.index}]`, r] as const))('%s maps to a DCC that the official schema accepts', (_n, ref) => {
    const c = cert();
    const uci = makeUvci('CN', `DCC/${ref.list === 'tests' ? 'T' : 'V'}${ref.index}ABCDEF0123456`);
    const dcc = ithcRecordToDcc(c, ref, uci, names);
    expect(validator(dcc)).toEqual([]);
    expect(dcc.ver).toBe('1.3.0');
    expect(releaseValidator(dcc.ver)(dcc)).toEqual([]);
    expect(dcc.nam).toEqual({ fn: c.holder.surname, fnt: c.holder.surnameLatin, gn: c.holder.givenName, gnt: c.holder.givenNameLatin });
    expect(dcc.dob).toBe(c.holder.dateOfBirth);
    if (ref.list === 'tests') {
      const t = c.tests[ref.index];
      // The laboratory travels by code; the DCC's free-text tc gets its Latin-script name from the source list.
      const tc = SOURCES.find((s) => s.code === t.testingCentreCode)!.nameLatin;
      expect(dcc.t).toEqual([
        {
          tg: t.disease,
          tt: t.testType,
          sc: new Date(t.sampleTime * 1000).toISOString().replace('.000Z', 'Z'),
          tr: t.result,
          tc,
          co: t.country,
          is: t.issuer,
          ci: uci,
        },
      ]);
    } else {
      const v = c.vaccinations[ref.index];
      expect(dcc.v).toEqual([
        {
          tg: v.disease,
          vp: v.prophylaxis,
          mp: v.product,
          ma: v.manufacturer,
          dn: v.doseNumber,
          sd: v.totalDoses,
          dt: v.date,
          co: v.country,
          is: v.issuer,
          ci: uci,
        },
      ]);
    }
  });

  test('a holder with only a given name maps to a DCC with only gn and gnt, claiming 1.3.2, the first release that accepts it', () => {
    const base = exampleCertificate();
    const input = { ...base, holder: { ...base.holder, surname: undefined, surnameLatin: undefined } };
    const c = readIthc(ithcToCbor(input)).certificate!;
    for (const ref of dccRecords(c)) {
      const dcc = ithcRecordToDcc(c, ref, makeUvci('CN', 'GN0NLY'), names);
      expect(dcc.nam).toEqual({ gn: '伟', gnt: 'WEI' });
      expect(dcc.ver).toBe('1.3.2');
      expect(validator(dcc)).toEqual([]);
      expect(releaseValidator('1.3.2')(dcc)).toEqual([]);
      // What the version it claims must not be: 1.3.0 and 1.3.1 require fnt.
      for (const older of ['1.3.0', '1.3.1']) expect(releaseValidator(older)({ ...dcc, ver: older }).join(' ')).toMatch(/fnt/);
    }
  });

  test('without the source list, a testing centre given by code leaves out tc, which the DCC does not require', () => {
    const dcc = ithcRecordToDcc(cert(), { list: 'tests', index: 0 }, makeUvci('CN', 'NOLIST1'));
    expect(dcc.t![0]).not.toHaveProperty('tc');
    expect(validator(dcc)).toEqual([]);
    expect(releaseValidator(dcc.ver)(dcc)).toEqual([]);
  });

  test('a rapid antigen test keeps its device and type', () => {
    const base = exampleCertificate();
    const input = { ...base, tests: [{ ...base.tests![0], testType: 'LP217198-3', device: '1232' }] };
    const dcc = ithcRecordToDcc(readIthc(ithcToCbor(input)).certificate!, { list: 'tests', index: 0 }, makeUvci('CN', 'RAT1'));
    expect(dcc.t![0]).toMatchObject({ tt: 'LP217198-3', ma: '1232' });
    expect(validator(dcc)).toEqual([]);
  });

  test('each mapped DCC signs and verifies as an HC1 code with a DSC for its type', async () => {
    const privateKey = p256.utils.randomSecretKey();
    const iat = 1622527200;
    for (const ref of dccRecords(cert())) {
      const type = ref.list === 'tests' ? 't' : 'v';
      const dsc = makeDsc({ privateKey, usage: [type] });
      const key = trustedKeyFromCertificate(dsc);
      const dcc = ithcRecordToDcc(cert(), ref, makeUvci('CN', `HC1/${type.toUpperCase()}${ref.index}`));
      const signed = await signCode({
        format: 'dcc',
        content: dccToCbor(dcc),
        iss: 'CN',
        iat,
        exp: iat + 86400,
        kid: key.kid,
        signer: nobleEs256Signer(privateKey),
      });
      expect(signed.code.startsWith('HC1:')).toBe(true);
      const verdict = await verifyCode(signed.code, { keys: new KeyStore([key]), now: iat + 60, crypto: nodeCrypto, validateDccSchema: validator });
      expect(verdict.errors).toEqual([]);
      expect(verdict.valid).toBe(true);
      expect(verdict.certificate?.format === 'dcc' && verdict.certificate.dcc.type).toBe(type);
    }
  });
});
