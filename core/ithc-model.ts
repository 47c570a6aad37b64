/**
 * Data model B: the comprehensive ITHC certificate (docs/ithc-certificate.md).
 *
 * One certificate carries the holder (name in Chinese characters and ICAO 9303 transliteration,
 * date of birth, sex, nationality, travel document and its issuing state) and any number of
 * nucleic-acid / antigen tests, serum IgG antibody tests and vaccinations. Testing centres and
 * vaccination sites travel by their code in our published source list (core/sourcelist.ts) when
 * they have one, by name otherwise. It travels in the private CWT claim -65537 (cwt.ts)
 * behind the ITHC1: prefix (prefix.ts).
 *
 * This module holds the shapes and bounds; ithc-fields.ts the integer-keyed CBOR form,
 * ithc-codec.ts reading and writing it, ithc-dcc.ts the mapping to the EU DCC, uvci.ts the
 * identifier.
 */
import type { CertificateType } from './keys';
import type { IggMethod, IggResult, IggTarget, IggUnit, Sex, TravelDocumentType, ValueComparator } from './valuesets';

/** The format version this module writes and reads (key 0). */
export const ITHC_VERSION = 1;

/** Bounds on what a certificate may hold; past them it is refused, not truncated. */
export const ITHC_LIMITS = Object.freeze({
  /** Characters in a name, issuer, testing centre or test name (the DCC's maxLength). */
  maxText: 80,
  /** Entries in each of the three record lists. */
  maxRecords: 10,
  /** Problems reported for one certificate; hostile input must not grow the report without bound. */
  maxProblems: 32,
  /** Largest code of a source (published source list) or of an assay (valuesets IGG_ASSAYS): 2^32 − 1. */
  maxCode: 4294967295,
});

export interface IthcHolder {
  /** Surname in Chinese characters (the DCC's fn). */
  readonly surname?: string;
  /** Given name in Chinese characters (gn). */
  readonly givenName?: string;
  /** Surname transliterated per ICAO 9303 (fnt): A–Z and '<'. */
  readonly surnameLatin?: string;
  /** Given name transliterated per ICAO 9303 (gnt). */
  readonly givenNameLatin?: string;
  /** A calendar date, not an instant: YYYY-MM-DD, or YYYY-MM / YYYY when only that is known. */
  readonly dateOfBirth: string;
  readonly sex: Sex;
  /** ISO 3166-1 alpha-2 (the DCC's country value set), e.g. CN. */
  readonly nationality: string;
  readonly documentType: TravelDocumentType;
  /** As printed in the document: A–Z and 0–9. */
  readonly documentNumber: string;
  /** The state that issued the travel document, ISO 3166-1 alpha-2 (the MRZ's CHN is CN). */
  readonly documentIssuer: string;
}

interface RecordCommon {
  /** Disease or agent targeted (DCC value set disease-agent-targeted), e.g. 840539006. */
  readonly disease: string;
  /** Country where the record was made, ISO 3166-1 alpha-2. */
  readonly country: string;
  /** The authority responsible for the record (the DCC's `is`). */
  readonly issuer: string;
}

/** A nucleic-acid (or rapid antigen) test, as a DCC `t` entry carries it. */
export interface ViralTest extends RecordCommon {
  /** DCC test-type: LP6464-4 nucleic-acid amplification, LP217198-3 rapid antigen. */
  readonly testType: string;
  /** Name of the nucleic-acid test kit, when known (nm). */
  readonly testName?: string;
  /** Rapid antigen device id from the DCC test-manufacturer list (ma). */
  readonly device?: string;
  /** Sample collection, seconds since 1970-01-01T00:00:00Z: an instant. */
  readonly sampleTime: number;
  /** DCC test-result: 260415000 not detected, 260373001 detected. */
  readonly result: string;
  /** When the laboratory reported the result, seconds since the epoch; absent when not known. */
  readonly reportTime?: number;
  /** The testing centre by name: one without a code in the published source list (a centre abroad). */
  readonly testingCentre?: string;
  /** The testing centre by its code in the published source list (core/sourcelist.ts). Exactly one of the two. */
  readonly testingCentreCode?: number;
}

/** A serum IgG antibody test against SARS-CoV-2 (our own codes: the DCC has none). */
export interface AntibodyTest extends RecordCommon {
  readonly method: IggMethod;
  /** The assay by its code in our assay table (valuesets IGG_ASSAYS), when it is listed. */
  readonly assayCode?: number;
  /** The assay by name, when it is not listed (at most one of assay and assayCode). */
  readonly assay?: string;
  /** Manufacturer of an assay given by name. */
  readonly manufacturer?: string;
  /** The antigen the assay's antibodies bind (spike, RBD, nucleocapsid); absent when not stated. */
  readonly target?: IggTarget;
  readonly sampleTime: number;
  /** The laboratory's interpretation against the assay's threshold. */
  readonly result: IggResult;
  /** Quantitative value as decimal text ("12.50" keeps its two decimals); with `unit`. */
  readonly value?: string;
  /** A censored value: below ("<") or above (">") the assay's range, `value` being that limit. */
  readonly comparator?: ValueComparator;
  /** The assay's positivity threshold in `unit`, as its instructions for use state it. */
  readonly cutoff?: string;
  /** Unit of `value` and `cutoff`. */
  readonly unit?: IggUnit;
  readonly testingCentre?: string;
  readonly testingCentreCode?: number;
}

/** A vaccination, as a DCC `v` entry carries it. */
export interface Vaccination extends RecordCommon {
  /** DCC vaccine-prophylaxis (SNOMED CT), e.g. 1157024006 inactivated. */
  readonly prophylaxis: string;
  /** DCC vaccine-medicinal-product, e.g. BBIBP-CorV. */
  readonly product: string;
  /** DCC vaccine-mah-manf, e.g. ORG-100020693. */
  readonly manufacturer: string;
  /**
   * Dose number and total doses (the DCC's dn/sd). Within the primary course n/m; a booster is
   * n/n, the n-th dose of the person's history (docs/ithc-certificate.md §Doses and boosters).
   */
  readonly doseNumber: number;
  readonly totalDoses: number;
  /** Date of vaccination, YYYY-MM-DD: a date, not an instant. */
  readonly date: string;
  /** The vaccination site by name (one without a code in the published source list). */
  readonly vaccinationSite?: string;
  /** The vaccination site by its code in the published source list. Exactly one of the two. */
  readonly vaccinationSiteCode?: number;
}

/** The certificate after its signature verified (the verified form). */
export interface IthcCertificate {
  readonly version: number;
  /** Unique certificate identifier, a UVCI with checksum (URN:UVCI:01:CN:...#C); used for revocation. */
  readonly id: string;
  /** The authority that issued this certificate. */
  readonly issuer: string;
  readonly holder: IthcHolder;
  readonly tests: readonly ViralTest[];
  readonly antibodyTests: readonly AntibodyTest[];
  readonly vaccinations: readonly Vaccination[];
  /** What a signing key must be allowed to sign: 't' for any test, 'v' for any vaccination. */
  readonly recordTypes: CertificateType[];
}

/** What an issuer supplies: version and recordTypes are derived, empty lists may be left out. */
export interface IthcCertificateInput {
  readonly id: string;
  readonly issuer: string;
  readonly holder: IthcHolder;
  readonly tests?: readonly ViralTest[];
  readonly antibodyTests?: readonly AntibodyTest[];
  readonly vaccinations?: readonly Vaccination[];
}

/**
 * A source's names, looked up by its code in the published source list (core/sourcelist.ts
 * SourceDirectory.names). The certificate carries only the code; a verifier that holds the list
 * shows the names.
 */
export type SourceNames = (code: number) => { readonly name: string; readonly nameLatin?: string } | undefined;
