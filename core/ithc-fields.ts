/**
 * The fields of the ITHC CBOR form (docs/ithc-certificate.md §Keys): integer-keyed maps, version
 * in key 0. Keys are the format: never renumber; add new ones at the end (docs §Versioning).
 */
import { ITHC_VERSION } from './ithc-model';
import {
  codeOrTextKind,
  dateKind,
  dayKind,
  dccCode,
  DECIMAL,
  issuerKind,
  listKind,
  mapKind,
  opt,
  ownCode,
  req,
  textKind,
  timeKind,
  uintKind,
  uvciKind,
  type Field,
  type Kind,
} from './ithc-kinds';
import { COVID_19, IGG_METHODS, IGG_RESULTS, IGG_TARGETS, IGG_UNITS, SEXES, TEST_TYPE_NAAT, TRAVEL_DOCUMENT_TYPES, VALUE_COMPARATORS } from './valuesets';
const ICAO_NAME = /^[A-Z<]+$/;

const HOLDER_FIELDS: readonly Field[] = [
  opt(1, 'surname', textKind()),
  opt(2, 'givenName', textKind()),
  opt(3, 'surnameLatin', textKind({ pattern: ICAO_NAME, hint: 'an ICAO 9303 transliteration (A-Z and <)' })),
  opt(4, 'givenNameLatin', textKind({ pattern: ICAO_NAME, hint: 'an ICAO 9303 transliteration (A-Z and <)' })),
  req(5, 'dateOfBirth', dateKind(true)),
  req(6, 'sex', ownCode(SEXES, 'sex')),
  req(7, 'nationality', dccCode('country')),
  req(8, 'documentType', ownCode(TRAVEL_DOCUMENT_TYPES, 'travel document type')),
  req(9, 'documentNumber', textKind({ pattern: /^[A-Z0-9]{5,20}$/, hint: 'a document number (5 to 20 of A-Z, 0-9)' })),
  req(10, 'documentIssuer', dccCode('country')),
];

const series = { series: true } as const;

const TEST_FIELDS: readonly Field[] = [
  req(1, 'disease', dccCode('disease'), { default: COVID_19, series: true }),
  req(2, 'testType', dccCode('testType'), { default: TEST_TYPE_NAAT, series: true }),
  opt(3, 'testName', textKind()),
  opt(4, 'device', dccCode('testManufacturer', { form: /^[0-9]{1,20}$/ })),
  req(5, 'sampleTime', timeKind),
  req(6, 'result', dccCode('testResult')),
  req(7, 'testingCentre', codeOrTextKind('a source'), { series: true, alt: 'testingCentreCode' }),
  req(8, 'country', dccCode('country'), series),
  req(9, 'issuer', issuerKind(), { inherits: 'issuer' }),
  opt(10, 'reportTime', timeKind),
];

const decimalKind = (): Kind => textKind({ pattern: DECIMAL, hint: 'a decimal like 12.5 (up to 9 integer and 6 fraction digits)' });

const ANTIBODY_FIELDS: readonly Field[] = [
  req(1, 'disease', dccCode('disease'), { default: COVID_19, series: true }),
  req(2, 'method', ownCode(IGG_METHODS, 'IgG method'), series),
  opt(3, 'assay', codeOrTextKind('an assay'), { alt: 'assayCode' }),
  opt(4, 'manufacturer', textKind()),
  req(5, 'sampleTime', timeKind),
  req(6, 'result', ownCode(IGG_RESULTS, 'IgG result')),
  req(7, 'testingCentre', codeOrTextKind('a source'), { series: true, alt: 'testingCentreCode' }),
  req(8, 'country', dccCode('country'), series),
  req(9, 'issuer', issuerKind(), { inherits: 'issuer' }),
  opt(10, 'value', decimalKind()),
  opt(11, 'unit', ownCode(IGG_UNITS, 'IgG unit')),
  opt(12, 'target', ownCode(IGG_TARGETS, 'IgG antigen target')),
  opt(13, 'cutoff', decimalKind()),
  opt(14, 'comparator', ownCode(VALUE_COMPARATORS, 'value comparator')),
];

const VACCINATION_FIELDS: readonly Field[] = [
  req(1, 'disease', dccCode('disease'), { default: COVID_19, series: true }),
  req(2, 'prophylaxis', dccCode('vaccineProphylaxis'), series),
  req(3, 'product', dccCode('vaccineProduct'), series),
  req(4, 'manufacturer', dccCode('vaccineManufacturer', { numericPrefix: 'ORG-' }), series),
  req(5, 'doseNumber', uintKind(1, 9, 'dose number')),
  req(6, 'totalDoses', uintKind(1, 9, 'total doses'), series),
  req(7, 'date', dayKind),
  req(8, 'country', dccCode('country'), series),
  req(9, 'issuer', issuerKind(), { inherits: 'issuer' }),
  req(10, 'vaccinationSite', codeOrTextKind('a source'), { series: true, alt: 'vaccinationSiteCode' }),
];

const CERTIFICATE_FIELDS: readonly Field[] = [
  req(0, 'version', uintKind(ITHC_VERSION, ITHC_VERSION, 'version')),
  req(1, 'id', uvciKind),
  req(2, 'issuer', issuerKind(), { provides: 'issuer' }),
  req(3, 'holder', mapKind(HOLDER_FIELDS, 'the holder')),
  opt(4, 'tests', listKind(mapKind(TEST_FIELDS, 'a test'), 'tests')),
  opt(5, 'antibodyTests', listKind(mapKind(ANTIBODY_FIELDS, 'an antibody test'), 'antibody tests')),
  opt(6, 'vaccinations', listKind(mapKind(VACCINATION_FIELDS, 'a vaccination'), 'vaccinations')),
];

/** Integer keys by map, for documentation and tooling (docs/ithc-certificate.md §Keys). */
export const ITHC_KEYS = Object.freeze({
  certificate: keysOf(CERTIFICATE_FIELDS),
  holder: keysOf(HOLDER_FIELDS),
  test: keysOf(TEST_FIELDS),
  antibodyTest: keysOf(ANTIBODY_FIELDS),
  vaccination: keysOf(VACCINATION_FIELDS),
});

function keysOf(fields: readonly Field[]): Readonly<Record<string, number>> {
  return Object.freeze(
    Object.fromEntries(fields.flatMap((f): [string, number][] => [[f.name, f.key], ...(f.alt !== undefined ? [[f.alt, f.key] as [string, number]] : [])])),
  );
}

export const certificateKind = mapKind(CERTIFICATE_FIELDS, 'the ITHC certificate');
