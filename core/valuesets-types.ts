/**
 * The shapes of the DCC value sets, apart from valuesets.ts so that the generated tables
 * (valuesets.generated.ts) and the functions over them (valuesets.ts) do not import each other.
 */
export interface ValueSetEntry {
  readonly en: string;
  /** Chinese label: an ITHC addition (the EU value sets are English only). */
  readonly zh?: string;
  /** Deprecated in the EU value set: still readable in old certificates, not for new ones. */
  readonly inactive?: boolean;
}

export interface ValueSet {
  /** The EU valueSetId. */
  readonly id: string;
  /** The EU valueSetDate. */
  readonly date: string;
  readonly values: Readonly<Record<string, ValueSetEntry>>;
}

export type DccValueSetName =
  'disease' | 'vaccineProphylaxis' | 'vaccineProduct' | 'vaccineManufacturer' | 'testType' | 'testResult' | 'testManufacturer' | 'country';

export type ValueSetData = Readonly<Record<DccValueSetName, ValueSet>>;

/** The EU encoding instruction for a vaccine product: its manufacturer and prophylaxis codes. */
export interface VaccineEncoding {
  readonly manufacturer: string;
  readonly prophylaxis: readonly string[];
}
