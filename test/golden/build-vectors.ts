/**
 * Builds the golden vectors for ITHC codes, in dgc-testdata's shape: one object per case with the
 * stages JSON, CBOR (the CWT claims), COSE, COMPRESSED, BASE45 and PREFIX, a TESTCTX and the
 * EXPECTEDRESULTS. Three stages dgc-testdata does not carry are added because we lock them too:
 * ITHC (the certificate's own CBOR), PROTECTED (the protected header) and SIG_STRUCTURE.
 *
 * Everything is deterministic: the signing key is the fixed test-only scalar below and noble signs
 * per RFC 6979, so the same code yields the same bytes. scripts/gen-golden.mjs writes the result
 * to vectors.json once; golden.test.ts rebuilds it and compares byte for byte.
 */
import { fromHex, toBase64, toHex } from '../../core/bytes';
import { encodeStrict } from '../../core/cbor';
import { nobleEs256Signer } from '../../core/crypto/noble';
import { signCode } from '../../core/hcert';
import { ithcToCbor, makeUvci, readIthc, ithcToJson, type IthcCertificateInput } from '../../core/ithc';
import { kidFromCertificate, type KeyUsage } from '../../core/keys';
import { makeDsc } from '../ithc/dsc';
import { exampleCertificate, ISSUER, SAMPLE_TIME } from '../ithc/fixtures';

export { annotateIthc } from './annotate';

/**
 * TEST-ONLY private scalar: the P-256 key of RFC 6979 §A.2.5, public knowledge. It signs nothing
 * but these vectors.
 */
export const GOLDEN_PRIVATE_KEY_HEX = 'c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721';

/** 2021-06-01T06:00:00Z; signatures expire 30 days later. */
export const GOLDEN_IAT = Date.UTC(2021, 5, 1, 6) / 1000;
export const GOLDEN_EXP = GOLDEN_IAT + 30 * 86400;
export const GOLDEN_CLOCK = '2021-06-02T00:00:00Z';

export interface GoldenCase {
  NAME: string;
  JSON: Record<string, unknown>;
  ITHC: string;
  CBOR: string;
  PROTECTED: string;
  SIG_STRUCTURE: string;
  COSE: string;
  COMPRESSED: string;
  BASE45: string;
  PREFIX: string;
  TESTCTX: { VERSION: number; SCHEMA: string; CERTIFICATE: string; VALIDATIONCLOCK: string; DESCRIPTION: string };
  EXPECTEDRESULTS: Record<string, boolean>;
}

interface CaseSpec {
  name: string;
  description: string;
  certificate: IthcCertificateInput;
  usage?: KeyUsage[];
  expectKeyUsage: boolean;
}

function cases(): CaseSpec[] {
  const full = exampleCertificate();
  const minimal: IthcCertificateInput = {
    id: makeUvci('CN', 'M1N1MAL0000000001'),
    issuer: ISSUER,
    holder: {
      givenName: '阿依古丽',
      givenNameLatin: 'AYIGULI',
      dateOfBirth: '1990-07',
      sex: 'F',
      nationality: 'CN',
      documentType: 'travel-permit',
      documentNumber: 'T12345678',
      documentIssuer: 'CN',
    },
    antibodyTests: [
      {
        disease: '840539006',
        method: 'LFIA',
        sampleTime: SAMPLE_TIME,
        result: 'negative',
        testingCentre: '乌鲁木齐市第一人民医院',
        country: 'CN',
        issuer: ISSUER,
      },
    ],
  };
  const overrides: IthcCertificateInput = {
    id: makeUvci('CN', 'OVERR1DE000000001'),
    issuer: ISSUER,
    holder: { ...full.holder, documentType: 'diplomatic', documentNumber: 'DE1234567' },
    tests: [
      {
        disease: '840539006',
        testType: 'LP217198-3',
        device: '1232',
        sampleTime: SAMPLE_TIME,
        result: '260415000',
        testingCentre: 'Centre de dépistage Paris 15',
        country: 'FR',
        issuer: 'Ministère des Solidarités et de la Santé',
      },
    ],
  };
  const vaccinationsOnly: IthcCertificateInput = { ...full, id: makeUvci('CN', 'VACC1NAT10N000001'), tests: undefined, antibodyTests: undefined };
  const antibodyByName: IthcCertificateInput = {
    id: makeUvci('CN', 'ANT1B0DY000000001'),
    issuer: ISSUER,
    holder: full.holder,
    antibodyTests: [
      {
        disease: '840539006',
        method: 'ELISA',
        assay: 'SARS-CoV-2 N IgG ELISA',
        manufacturer: 'Example Diagnostics GmbH',
        target: 'nucleocapsid',
        sampleTime: SAMPLE_TIME,
        result: 'negative',
        comparator: '<',
        value: '0.40',
        cutoff: '1.1',
        unit: 'S/CO',
        testingCentre: 'Labor Berlin, Serologie',
        country: 'DE',
        issuer: ISSUER,
      },
      {
        disease: '840539006',
        method: 'ELISA',
        assay: 'SARS-CoV-2 N IgG ELISA',
        manufacturer: 'Example Diagnostics GmbH',
        target: 'nucleocapsid',
        sampleTime: SAMPLE_TIME - 30 * 86400,
        result: 'positive',
        comparator: '>',
        value: '250',
        cutoff: '1.1',
        unit: 'S/CO',
        testingCentre: 'Labor Berlin, Serologie',
        country: 'DE',
        issuer: ISSUER,
      },
    ],
  };
  return [
    {
      name: 'ITHC-FULL',
      description: 'Two vaccinations, a nucleic-acid test and an IgG antibody test; DSC without key-usage restriction',
      certificate: full,
      expectKeyUsage: true,
    },
    {
      name: 'ITHC-MINIMAL',
      description: 'Given name only, partial date of birth, travel permit, one IgG test without quantitative value; ITHC signer DSC',
      certificate: minimal,
      usage: ['ithc'],
      expectKeyUsage: true,
    },
    {
      name: 'ITHC-OVERRIDES',
      description: 'A rapid antigen test abroad with its own issuer (no defaults apply); ITHC signer DSC',
      certificate: overrides,
      usage: ['ithc'],
      expectKeyUsage: true,
    },
    {
      name: 'ITHC-ANTIBODY-CENSORED',
      description:
        'Two IgG tests abroad: assay and laboratory by name, nucleocapsid target, censored values <0.40 and >250 with the threshold; ITHC signer DSC',
      certificate: antibodyByName,
      usage: ['ithc'],
      expectKeyUsage: true,
    },
    {
      name: 'ITHC-VACCINATION-DSC',
      description: 'Vaccinations only, signed by a DSC for both ITHC codes and vaccination DCCs',
      certificate: vaccinationsOnly,
      usage: ['v', 'ithc'],
      expectKeyUsage: true,
    },
    {
      name: 'ITHC-KEYUSAGE-MISMATCH',
      description: 'Signed by a DCC signer (tests, vaccinations, recoveries) without the ITHC usage: KEY_USAGE_MISMATCH',
      certificate: full,
      usage: ['t', 'v', 'r'],
      expectKeyUsage: false,
    },
  ];
}

export async function buildGoldenVectors(): Promise<GoldenCase[]> {
  const privateKey = fromHex(GOLDEN_PRIVATE_KEY_HEX);
  const signer = nobleEs256Signer(privateKey);
  const out: GoldenCase[] = [];
  for (const c of cases()) {
    const dsc = makeDsc({ privateKey, usage: c.usage, commonName: `ITHC golden DSC ${c.usage?.join('') ?? 'any'}` });
    const content = ithcToCbor(c.certificate);
    const read = readIthc(content);
    if (!read.certificate) throw new Error(`${c.name}: ${read.problems.join('; ')}`);
    const s = await signCode({ format: 'ithc', content, iss: 'CN', iat: GOLDEN_IAT, exp: GOLDEN_EXP, kid: kidFromCertificate(dsc), signer });
    out.push({
      NAME: c.name,
      JSON: ithcToJson(read.certificate),
      ITHC: toHex(encodeStrict(content)),
      CBOR: toHex(s.claims),
      PROTECTED: toHex(s.protectedHeader),
      SIG_STRUCTURE: toHex(s.toBeSigned),
      COSE: toHex(s.cose),
      COMPRESSED: toHex(s.compressed),
      BASE45: s.base45,
      PREFIX: s.code,
      TESTCTX: { VERSION: 1, SCHEMA: 'ITHC 1', CERTIFICATE: toBase64(dsc), VALIDATIONCLOCK: GOLDEN_CLOCK, DESCRIPTION: c.description },
      EXPECTEDRESULTS: {
        EXPECTEDVALIDOBJECT: true,
        EXPECTEDSCHEMAVALIDATION: true,
        EXPECTEDENCODE: true,
        EXPECTEDDECODE: true,
        EXPECTEDVERIFY: true,
        EXPECTEDCOMPRESSION: true,
        EXPECTEDKEYUSAGE: c.expectKeyUsage,
        EXPECTEDUNPREFIX: true,
        EXPECTEDVALIDJSON: true,
        EXPECTEDB45DECODE: true,
        EXPECTEDEXPIRATIONCHECK: true,
      },
    });
  }
  return out;
}
