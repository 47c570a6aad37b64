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
 * CBOR form: integer-keyed maps, version in key 0, encoded deterministically (cbor.ts
 * encodeStrict). Coded values are the EU DCC value-set codes where one exists, our own small
 * integers elsewhere (valuesets.ts). One table of fields per map (*_FIELDS below) drives both
 * directions, so the encoder and the reader cannot disagree about a key.
 *
 * Two channels, as everywhere in the core: `ithcToCbor` throws TypeError when the calling code
 * hands it a certificate that is not valid (our bug); `readIthc` reads what arrived and reports
 * every problem it finds, as text for SCHEMA_INVALID.
 */
import { Tag, type CborValue } from './cbor';
import type { DccJson } from './dcc';
import type { CertificateType } from './keys';
import {
  CLOSED_VALUE_SETS,
  COVID_19,
  TEST_TYPE_NAAT,
  IGG_METHODS,
  IGG_RESULTS,
  IGG_TARGETS,
  IGG_UNITS,
  ISSUERS,
  VALUE_COMPARATORS,
  SEXES,
  TRAVEL_DOCUMENT_TYPES,
  lookup,
  ownByCode,
  type DccValueSetName,
  type IggMethod,
  type IggResult,
  type IggTarget,
  type IggUnit,
  type OwnCode,
  type Sex,
  type TravelDocumentType,
  type ValueComparator,
} from './valuesets';

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

// ---------------------------------------------------------------------------------------------
// Field kinds: each knows how to encode a readable value and how to read one back, reporting
// problems with the path where they occur.

class Problems {
  readonly list: string[] = [];
  private dropped = 0;
  add(at: Path, message: string): void {
    if (this.list.length < ITHC_LIMITS.maxProblems) this.list.push(`${at.name || 'certificate'} (key ${at.keys.join('/') || '-'}): ${message}`);
    else this.dropped++;
  }
  result(): string[] {
    return this.dropped ? [...this.list, `… and ${this.dropped} more problems`] : this.list;
  }
}

interface Path {
  readonly name: string;
  readonly keys: readonly number[];
}

function child(at: Path, name: string | number, key: number): Path {
  return { name: typeof name === 'number' ? `${at.name}[${name}]` : at.name ? `${at.name}.${name}` : name, keys: [...at.keys, key] };
}

/** What a field may fall back on when it is absent (docs §Defaults). */
interface Context {
  /** The certificate's issuer, which records inherit. */
  issuer?: string;
  /** Inside a record list: the entry before this one, readable, once it has been read. */
  previous?: Record<string, unknown>;
  /** Inside a record list: the entry before this one could not be read. */
  previousUnreadable?: boolean;
}

interface Kind {
  /** Readable → CBOR; throws TypeError on a value of the wrong shape (caller misuse). */
  encode(v: unknown, name: string, ctx: Context): CborValue;
  /** CBOR → readable, or undefined after reporting why not. */
  decode(v: CborValue, at: Path, p: Problems, ctx: Context): unknown;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (typeof v === 'number') return Number.isInteger(v) ? `integer ${v}` : `float ${v}`;
  if (typeof v === 'bigint') return `the out-of-range integer ${v}`;
  if (typeof v === 'string') return `text ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)}`;
  if (typeof v === 'boolean') return String(v);
  if (v instanceof Uint8Array) return `a byte string of ${v.length} bytes`;
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (v instanceof Map) return 'a map';
  if (v instanceof Tag) return `tag ${v.tag}`;
  // cbor-x turns tags 0 and 1 into Dates.
  if (v instanceof Date) return 'a date/time tag';
  return typeof v;
}

// C0 and C1 controls: names end up in terminals and on screens; an escape sequence is no name.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

function textKind(opts: { pattern?: RegExp; hint?: string; check?: (s: string) => string | undefined } = {}): Kind {
  const validate = (s: string): string | undefined => {
    const n = [...s].length;
    if (n === 0) return 'must not be empty';
    if (n > ITHC_LIMITS.maxText) return `is ${n} characters long; at most ${ITHC_LIMITS.maxText} are allowed`;
    if (CONTROL.test(s)) return 'contains a control character';
    if (opts.pattern && !opts.pattern.test(s)) return `${JSON.stringify(s)} is not ${opts.hint}`;
    return opts.check?.(s);
  };
  return {
    encode(v, name) {
      if (typeof v !== 'string') throw new TypeError(`${name} must be a string`);
      return v;
    },
    decode(v, at, p) {
      if (typeof v !== 'string') return void p.add(at, `expected a text string, got ${describe(v)}`);
      const why = validate(v);
      if (why) return void p.add(at, why);
      return v;
    },
  };
}

/**
 * An issuer: the code of a listed issuing body (valuesets ISSUERS), or the name as text when it is
 * not listed. Readable form: always the name.
 */
function issuerKind(): Kind {
  const text = textKind();
  return {
    encode(v, name, ctx) {
      const row = ISSUERS.find((r) => r.name === v);
      return row ? row.code : text.encode(v, name, ctx);
    },
    decode(v, at, p, ctx) {
      if (typeof v === 'number') {
        const row = Number.isInteger(v) ? ownByCode(ISSUERS, v) : undefined;
        if (!row) return void p.add(at, `${describe(v)} is not a known issuer code (known: ${ISSUERS.map((r) => `${r.code} ${r.name}`).join(', ')})`);
        return row.name;
      }
      // A listed issuer written out as text is read as it says (the encoder writes the code).
      return text.decode(v, at, p, ctx);
    },
  };
}

/**
 * A code of ours (a source in the published source list, an assay in IGG_ASSAYS) or, for what has
 * no code, its name as text. The readable form puts the two under different names (Field.alt), so
 * that no program takes a code for a name. Codes are not checked against a list here: the source
 * list is published apart from the certificate and the assay table is open, so a reader without the
 * entry still reads the certificate and shows the code.
 */
function codeOrTextKind(what: string): Kind {
  const text = textKind();
  return {
    encode(v, name, ctx) {
      if (typeof v === 'number') {
        if (!Number.isSafeInteger(v) || v < 1 || v > ITHC_LIMITS.maxCode) throw new TypeError(`${name} must be ${what} code from 1 to ${ITHC_LIMITS.maxCode}`);
        return v;
      }
      return text.encode(v, name, ctx);
    },
    decode(v, at, p, ctx) {
      if (typeof v === 'number') {
        if (!Number.isInteger(v) || v < 1 || v > ITHC_LIMITS.maxCode) return void p.add(at, `${describe(v)} is not ${what} code (1 to ${ITHC_LIMITS.maxCode})`);
        return v;
      }
      if (typeof v !== 'string') return void p.add(at, `expected ${what} code (integer) or a name (text), got ${describe(v)}`);
      return text.decode(v, at, p, ctx);
    },
  };
}

/**
 * The certificate's UVCI, carried without "URN:UVCI:01:": the eHN guidelines make "URN:UVCI:"
 * optional and 01 is the only UVCI version, so the 12 characters say nothing. Readable form: the
 * whole UVCI, which is also what revocation hashes and what the DCC codes carry.
 */
const UVCI_PREFIX = 'URN:UVCI:01:';
const uvciKind: Kind = {
  encode(v, name) {
    if (typeof v !== 'string' || !v.startsWith(UVCI_PREFIX)) throw new TypeError(`${name} must be a UVCI ${UVCI_PREFIX}CC:...#C`);
    return v.slice(UVCI_PREFIX.length);
  },
  decode(v, at, p) {
    if (typeof v !== 'string') return void p.add(at, `expected the UVCI without ${UVCI_PREFIX} as text, got ${describe(v)}`);
    if (!UVCI_CARRIED.test(v)) return void p.add(at, `${JSON.stringify(v.length > 60 ? v.slice(0, 60) + '…' : v)} is not a UVCI without its prefix (CC:...#C)`);
    const uvci = UVCI_PREFIX + v;
    if (!uvciChecksumValid(uvci)) return void p.add(at, `${JSON.stringify(uvci)} has a wrong UVCI checksum character`);
    return uvci;
  },
};

/**
 * A code from a DCC value set: closed sets must know it, open sets need only its form.
 *
 * A code that is a number — SNOMED CT identifiers such as 260415000, RAT device ids, and after
 * `numericPrefix` the EMA organisation ids ORG-100020693 — travels as that unsigned integer
 * (5 bytes instead of 10 to 14); every other code as text. Up to 15 digits without a leading zero,
 * so the number is exact in every JavaScript reader and turns back into the same text.
 */
function dccCode(set: DccValueSetName, opts: { form?: RegExp; numericPrefix?: string } = {}): Kind {
  const closed = CLOSED_VALUE_SETS.includes(set);
  const form = opts.form ?? /^[A-Za-z0-9][A-Za-z0-9 ./()_-]{0,79}$/;
  const prefix = opts.numericPrefix ?? '';
  const numeric = (code: string): number | undefined => {
    if (!code.startsWith(prefix)) return undefined;
    const digits = code.slice(prefix.length);
    return NUMERIC_CODE.test(digits) ? Number(digits) : undefined;
  };
  return {
    encode(v, name) {
      if (typeof v !== 'string') throw new TypeError(`${name} must be a string`);
      return numeric(v) ?? v;
    },
    decode(v, at, p) {
      // The text form of a numeric code is not what the encoder writes, but it says the same thing
      // and is read, as an explicit default is.
      let code: string;
      if (typeof v === 'number' && Number.isSafeInteger(v) && v > 0) code = prefix + String(v);
      else if (typeof v === 'string') code = v;
      else return void p.add(at, `expected a code (integer or text) from the DCC value set ${set}, got ${describe(v)}`);
      if (closed && !lookup(set, code)) return void p.add(at, `${JSON.stringify(code)} is not a code of the DCC value set ${set}`);
      if (!closed && !form.test(code)) return void p.add(at, `${JSON.stringify(code)} is not a well-formed code for the DCC value set ${set}`);
      return code;
    },
  };
}

/** Digits of a code carried as an integer: no leading zero, at most 15 (below 2^53). */
const NUMERIC_CODE = /^[1-9][0-9]{0,14}$/;

/** One of our own code tables: readable name ⇄ small integer. */
function ownCode<N extends string>(table: ReadonlyArray<OwnCode<N>>, what: string): Kind {
  return {
    encode(v, name) {
      const row = table.find((r) => r.name === v);
      if (!row) throw new TypeError(`${name} must be one of ${table.map((r) => r.name).join(', ')}`);
      return row.code;
    },
    decode(v, at, p) {
      if (typeof v !== 'number' || !Number.isInteger(v)) return void p.add(at, `expected an integer ${what} code, got ${describe(v)}`);
      const row = ownByCode(table, v);
      if (!row) return void p.add(at, `${v} is not a known ${what} code (known: ${table.map((r) => `${r.code} ${r.name}`).join(', ')})`);
      return row.name;
    },
  };
}

function uintKind(min: number, max: number, what: string): Kind {
  return {
    encode(v, name) {
      if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new TypeError(`${name} must be an integer`);
      return v;
    },
    decode(v, at, p) {
      if (typeof v !== 'number' || !Number.isInteger(v)) return void p.add(at, `expected an integer ${what}, got ${describe(v)}`);
      if (v < min || v > max) return void p.add(at, `${what} ${v} is outside ${min}–${max}`);
      return v;
    },
  };
}

// 2000-01-01T00:00:00Z and 2100-01-01T00:00:00Z: a sample time outside is a mistake, not a test.
const TIME_MIN = 946684800;
const TIME_MAX = 4102444800;
const timeKind: Kind = {
  encode(v, name) {
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new TypeError(`${name} must be whole seconds since the epoch`);
    return v;
  },
  decode(v, at, p) {
    if (typeof v !== 'number' || !Number.isInteger(v)) return void p.add(at, `expected whole seconds since 1970-01-01T00:00:00Z, got ${describe(v)}`);
    if (v < TIME_MIN || v >= TIME_MAX) return void p.add(at, `${v} is not between 2000-01-01 and 2099-12-31`);
    return v;
  },
};

/** A calendar date, YYYY-MM-DD, 1900–2099 (the DCC's range); `partial` also admits YYYY-MM and YYYY. */
export function checkDate(s: string, partial: boolean): string | undefined {
  const m = /^((?:19|20)\d\d)(?:-(\d\d)(?:-(\d\d))?)?$/.exec(s);
  if (!m) return `${JSON.stringify(s)} is not a date ${partial ? 'YYYY-MM-DD, YYYY-MM or YYYY' : 'YYYY-MM-DD'} between 1900 and 2099`;
  if (!partial && m[3] === undefined) return `${JSON.stringify(s)} is not a full date YYYY-MM-DD`;
  if (m[2] !== undefined) {
    const month = Number(m[2]);
    if (month < 1 || month > 12) return `${JSON.stringify(s)} has no month ${m[2]}`;
    if (m[3] !== undefined) {
      const day = Number(m[3]);
      // Day 0 of the next month is the last day of this one; UTC arithmetic, no time zone involved.
      const last = new Date(Date.UTC(Number(m[1]), month, 0)).getUTCDate();
      if (day < 1 || day > last) return `${JSON.stringify(s)} is not a calendar date`;
    }
  }
  return undefined;
}

function dateKind(partial: boolean): Kind {
  return textKind({ check: (s) => checkDate(s, partial) });
}

const DAY_MS = 86400000;
/** 1900-01-01 and 2099-12-31 as days since 1970-01-01. */
const DAY_MIN = Date.UTC(1900, 0, 1) / DAY_MS;
const DAY_MAX = Date.UTC(2099, 11, 31) / DAY_MS;

/**
 * A full calendar date carried as the number of days since 1970-01-01 (the content of RFC 8943
 * tag 100, untagged): 3 bytes instead of 11, and still a date, not an instant — the conversion is
 * calendar arithmetic in UTC, with no time zone anywhere.
 */
const dayKind: Kind = {
  encode(v, name) {
    const why = typeof v === 'string' ? checkDate(v, false) : 'is not a string';
    if (why) throw new TypeError(`${name} ${why}`);
    const s = v as string;
    return Date.UTC(Number(s.slice(0, 4)), Number(s.slice(5, 7)) - 1, Number(s.slice(8, 10))) / DAY_MS;
  },
  decode(v, at, p) {
    if (typeof v !== 'number' || !Number.isInteger(v)) return void p.add(at, `expected a date as whole days since 1970-01-01, got ${describe(v)}`);
    if (v < DAY_MIN || v > DAY_MAX) return void p.add(at, `day ${v} is not between 1900-01-01 and 2099-12-31`);
    return new Date(v * DAY_MS).toISOString().slice(0, 10);
  },
};

/**
 * A non-negative decimal carried exactly, as text: "12.50" keeps its two decimals and no float is
 * ever signed. (RFC 8949's decimal fraction, tag 4, would be as short, but common decoders, cbor-x
 * among them, turn it into a float on the way in.)
 */
const DECIMAL = /^(0|[1-9]\d{0,8})(\.\d{1,6})?$/;

interface Field {
  readonly name: string;
  /**
   * For a code-or-name field (codeOrTextKind): the readable name of the value when it is a code;
   * `name` holds it when it is text. One key, two readable names, never both.
   */
  readonly alt?: string;
  readonly key: number;
  readonly kind: Kind;
  readonly required: boolean;
  /** Absent in CBOR means this value; the encoder leaves it out (one certificate, one encoding). */
  readonly default?: string;
  /** Absent in CBOR means the certificate's value of this field; the encoder leaves it out then. */
  readonly inherits?: 'issuer';
  /** Once read, this field's value is what records inherit. */
  readonly provides?: 'issuer';
  /**
   * A record field that a series usually repeats (same vaccine, same laboratory): absent in CBOR
   * means the value of the entry before it in the same list; for the first entry, `default`.
   */
  readonly series?: boolean;
}

const req = (key: number, name: string, kind: Kind, more: Partial<Field> = {}): Field => ({ key, name, kind, required: true, ...more });
const opt = (key: number, name: string, kind: Kind, more: Partial<Field> = {}): Field => ({ key, name, kind, required: false, ...more });

/** The readable value of a field: under `name`, or under `alt` for a code-or-name field given by code. */
function readableOf(f: Field, o: Record<string, unknown> | undefined): unknown {
  if (!o) return undefined;
  return o[f.name] ?? (f.alt !== undefined ? o[f.alt] : undefined);
}

function readableName(f: Field, value: unknown): string {
  return f.alt !== undefined && typeof value === 'number' ? f.alt : f.name;
}

function mapKind(fields: readonly Field[], what: string): Kind {
  const byKey = new Map(fields.map((f) => [f.key, f]));
  return {
    encode(v, name, ctx) {
      if (v === null || typeof v !== 'object') throw new TypeError(`${name} must be an object`);
      const o = v as Record<string, unknown>;
      const m = new Map<CborValue, CborValue>();
      for (const f of fields) {
        if (f.alt !== undefined) {
          if (o[f.name] !== undefined && o[f.alt] !== undefined) throw new TypeError(`${name} has both ${f.name} and ${f.alt}; give one`);
          if (o[f.name] !== undefined && typeof o[f.name] !== 'string') throw new TypeError(`${name}.${f.name} must be a string (a code goes in ${f.alt})`);
          if (o[f.alt] !== undefined && typeof o[f.alt] !== 'number') throw new TypeError(`${name}.${f.alt} must be an integer code`);
        }
        const x = readableOf(f, o);
        if (x === undefined) {
          if (f.required) throw new TypeError(`${name}.${f.name} is required`);
          continue;
        }
        if (f.provides && typeof x === 'string') ctx[f.provides] = x;
        if (x === fallbackOf(f, ctx)) continue;
        m.set(f.key, f.kind.encode(x, `${name}.${f.name}`, ctx));
      }
      return m;
    },
    decode(v, at, p, ctx) {
      if (!(v instanceof Map)) return void p.add(at, `expected ${what} as a map, got ${describe(v)}`);
      for (const k of v.keys()) {
        if (typeof k !== 'number' || !Number.isInteger(k)) p.add(at, `unexpected key ${describe(k)} (keys are integers)`);
        // Negative keys are extensions a reader may ignore (docs/ithc-certificate.md §Versioning).
        else if (k >= 0 && !byKey.has(k)) p.add(at, `unknown key ${k} in ${what} (ITHC version ${ITHC_VERSION})`);
      }
      const out: Record<string, unknown> = {};
      let ok = true;
      for (const f of fields) {
        const x = v.get(f.key);
        const fat = child(at, f.name, f.key);
        if (x === undefined) {
          const fallback = fallbackOf(f, ctx);
          if (fallback !== undefined) out[readableName(f, fallback)] = fallback;
          else if (f.required) {
            // An inherited value that is missing was reported where it belongs: at the certificate,
            // or at the entry before this one.
            if (!f.inherits && !(f.series && ctx.previousUnreadable)) p.add(fat, 'is missing');
            ok = false;
          }
          continue;
        }
        const r = f.kind.decode(x as CborValue, fat, p, ctx);
        if (r === undefined) ok = false;
        else {
          out[readableName(f, r)] = r;
          if (f.provides) ctx[f.provides] = r as string;
        }
      }
      return ok ? out : undefined;
    },
  };
}

/** What an absent field means here: the entry before (a series field), the certificate's value, or the default. */
function fallbackOf(f: Field, ctx: Context): unknown {
  if (f.series && (ctx.previous || ctx.previousUnreadable)) return readableOf(f, ctx.previous);
  if (f.inherits) return ctx[f.inherits];
  return f.default;
}

function listKind(item: Kind, what: string): Kind {
  return {
    encode(v, name, ctx) {
      if (!Array.isArray(v)) throw new TypeError(`${name} must be an array`);
      try {
        return v.map((x, i) => {
          const r = item.encode(x, `${name}[${i}]`, ctx);
          ctx.previous = x as Record<string, unknown>;
          return r;
        });
      } finally {
        ctx.previous = undefined;
      }
    },
    decode(v, at, p, ctx) {
      if (!Array.isArray(v)) return void p.add(at, `expected an array of ${what}, got ${describe(v)}`);
      // Refuse before reading entries: an oversized list is not worth a problem per entry.
      if (v.length > ITHC_LIMITS.maxRecords) return void p.add(at, `holds ${v.length} ${what}; at most ${ITHC_LIMITS.maxRecords} are allowed`);
      const out: unknown[] = [];
      let ok = true;
      try {
        v.forEach((x, i) => {
          const r = item.decode(x, child(at, i, i), p, ctx);
          if (r === undefined) ok = false;
          else out.push(r);
          ctx.previous = r as Record<string, unknown> | undefined;
          ctx.previousUnreadable = r === undefined;
        });
      } finally {
        ctx.previous = undefined;
        ctx.previousUnreadable = undefined;
      }
      return ok ? out : undefined;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The fields. Keys are the format: never renumber; add new ones at the end (docs §Versioning).

const ICAO_NAME = /^[A-Z<]+$/;
/** UVCI (eHN guidelines Annex 2) after URN:UVCI:01:, with country and a Luhn mod 38 checksum after '#'. */
const UVCI_CARRIED = /^[A-Z]{2}:[A-Z0-9/]{1,50}#[A-Z0-9/:]$/;

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
  return Object.freeze(Object.fromEntries(fields.flatMap((f) => [[f.name, f.key], ...(f.alt !== undefined ? [[f.alt, f.key]] : [])])));
}

const certificateKind = mapKind(CERTIFICATE_FIELDS, 'the ITHC certificate');

// ---------------------------------------------------------------------------------------------

/**
 * Reads a certificate from its CBOR value (the claim -65537), reporting every problem. The
 * certificate is returned only when there are none.
 */
export function readIthc(value: CborValue): { certificate?: IthcCertificate; problems: string[] } {
  const p = new Problems();
  const root: Path = { name: '', keys: [] };
  if (value instanceof Map) {
    // A version we do not know may mean anything by its keys: say so and read no further.
    const ver = value.get(ITHC_KEYS.certificate.version);
    if (typeof ver === 'number' && Number.isInteger(ver) && ver !== ITHC_VERSION) {
      p.add(child(root, 'version', ITHC_KEYS.certificate.version), `ITHC format version ${ver} is not supported; this verifier reads version ${ITHC_VERSION}`);
      return { problems: p.result() };
    }
  }
  const raw = certificateKind.decode(value, root, p, {}) as
    | { version: number; id: string; issuer: string; holder: IthcHolder; tests?: ViralTest[]; antibodyTests?: AntibodyTest[]; vaccinations?: Vaccination[] }
    | undefined;
  if (value instanceof Map) crossChecks(value, p);
  const problems = p.result();
  if (!raw || problems.length) return { problems };
  const tests = raw.tests ?? [];
  const antibodyTests = raw.antibodyTests ?? [];
  const vaccinations = raw.vaccinations ?? [];
  const certificate: IthcCertificate = {
    version: raw.version,
    id: raw.id,
    issuer: raw.issuer,
    holder: raw.holder,
    tests,
    antibodyTests,
    vaccinations,
    recordTypes: recordTypes(tests.length + antibodyTests.length, vaccinations.length),
  };
  return { certificate, problems };
}

function recordTypes(testCount: number, vaccinationCount: number): CertificateType[] {
  const t: CertificateType[] = [];
  if (testCount) t.push('t');
  if (vaccinationCount) t.push('v');
  return t;
}

/** Rules that span fields, checked on the raw maps so they report even when a field is bad. */
function crossChecks(m: Map<CborValue, CborValue>, p: Problems): void {
  const C = ITHC_KEYS.certificate;
  const H = ITHC_KEYS.holder;
  const A = ITHC_KEYS.antibodyTest;
  const T = ITHC_KEYS.test;
  const root: Path = { name: '', keys: [] };
  const holder = m.get(C.holder);
  if (holder instanceof Map) {
    const at = child(root, 'holder', C.holder);
    if (!holder.has(H.surname) && !holder.has(H.givenName)) p.add(at, `needs a surname or a given name in Chinese characters (key ${H.surname} or ${H.givenName})`);
    if (!holder.has(H.surnameLatin) && !holder.has(H.givenNameLatin)) p.add(at, `needs a transliterated surname or given name (key ${H.surnameLatin} or ${H.givenNameLatin})`);
  }
  let records = 0;
  for (const key of [C.tests, C.antibodyTests, C.vaccinations]) {
    const list = m.get(key);
    if (Array.isArray(list)) records += list.length;
  }
  if (records === 0) p.add(root, 'carries no test, antibody test or vaccination; a certificate needs at least one record');
  const antibody = m.get(C.antibodyTests);
  if (Array.isArray(antibody) && antibody.length <= ITHC_LIMITS.maxRecords) {
    antibody.forEach((a, i) => {
      if (!(a instanceof Map)) return;
      const at = child(child(root, 'antibodyTests', C.antibodyTests), i, i);
      if (a.has(A.value) && !a.has(A.unit)) p.add(at, `has a quantitative value (key ${A.value}) without its unit (key ${A.unit})`);
      if (a.has(A.cutoff) && !a.has(A.unit)) p.add(at, `has a positivity threshold (key ${A.cutoff}) without its unit (key ${A.unit})`);
      if (a.has(A.unit) && !a.has(A.value) && !a.has(A.cutoff)) p.add(at, `has a unit (key ${A.unit}) without a quantitative value (key ${A.value}) or threshold (key ${A.cutoff})`);
      if (a.has(A.comparator) && !a.has(A.value)) p.add(at, `has a comparator (key ${A.comparator}) without a quantitative value (key ${A.value})`);
      if (a.has(A.manufacturer) && typeof a.get(A.assay) === 'number') p.add(at, `has a manufacturer (key ${A.manufacturer}) beside an assay code (key ${A.assay}), which names the manufacturer already`);
    });
  }
  const tests = m.get(C.tests);
  if (Array.isArray(tests) && tests.length <= ITHC_LIMITS.maxRecords) {
    tests.forEach((t, i) => {
      if (!(t instanceof Map)) return;
      const sample = t.get(T.sampleTime);
      const report = t.get(T.reportTime);
      if (typeof sample === 'number' && typeof report === 'number' && report < sample) {
        p.add(child(child(root, 'tests', C.tests), i, i), `reports its result (key ${T.reportTime}) before the sample was taken (key ${T.sampleTime})`);
      }
    });
  }
}

/**
 * The certificate as CBOR for signing (claim -65537). Empty lists are left out, so one
 * certificate has one encoding. Throws TypeError when the certificate is not valid: issuing an
 * invalid certificate is a bug in the caller.
 */
export function ithcToCbor(cert: IthcCertificateInput): CborValue {
  if (cert === null || typeof cert !== 'object') throw new TypeError('ithcToCbor needs a certificate object');
  const input: Record<string, unknown> = {
    version: ITHC_VERSION,
    id: cert.id,
    issuer: cert.issuer,
    holder: cert.holder,
  };
  for (const k of ['tests', 'antibodyTests', 'vaccinations'] as const) {
    const list = cert[k];
    if (list !== undefined && (!Array.isArray(list) || list.length > 0)) input[k] = list;
  }
  const value = certificateKind.encode(input, 'certificate', {});
  const { problems } = readIthc(value);
  if (problems.length) throw new TypeError(`invalid ITHC certificate: ${problems.join('; ')}`);
  return value;
}

/**
 * A source's names, looked up by its code in the published source list (core/sourcelist.ts
 * SourceDirectory.names). The certificate carries only the code; a verifier that holds the list
 * shows the names.
 */
export type SourceNames = (code: number) => { readonly name: string; readonly nameLatin?: string } | undefined;

/**
 * Plain JSON for display and `--json` output: readable names, instants as ISO 8601 UTC. With
 * `sources`, a source given by code also gets its names beside the code (`testingCentre` and
 * `testingCentreLatin`, `vaccinationSite` and `vaccinationSiteLatin`), for display only: the
 * certificate says the code.
 */
export function ithcToJson(cert: IthcCertificate, opts: { sources?: SourceNames } = {}): Record<string, unknown> {
  const time = (s: number): string => new Date(s * 1000).toISOString().replace('.000Z', 'Z');
  const named = (code: number | undefined, field: string): Record<string, string> => {
    const n = code !== undefined ? opts.sources?.(code) : undefined;
    return n ? { [field]: n.name, ...(n.nameLatin !== undefined ? { [`${field}Latin`]: n.nameLatin } : {}) } : {};
  };
  return {
    version: cert.version,
    id: cert.id,
    issuer: cert.issuer,
    holder: { ...cert.holder },
    tests: cert.tests.map((t) => ({
      ...t,
      ...named(t.testingCentreCode, 'testingCentre'),
      sampleTime: time(t.sampleTime),
      ...(t.reportTime !== undefined ? { reportTime: time(t.reportTime) } : {}),
    })),
    antibodyTests: cert.antibodyTests.map((t) => ({ ...t, ...named(t.testingCentreCode, 'testingCentre'), sampleTime: time(t.sampleTime) })),
    vaccinations: cert.vaccinations.map((v) => ({ ...v, ...named(v.vaccinationSiteCode, 'vaccinationSite') })),
    recordTypes: [...cert.recordTypes],
  };
}

// ---------------------------------------------------------------------------------------------
// Mapping to the EU DCC (docs §DCC): each test and vaccination can also be issued as a
// single-record HC1 code. Antibody tests cannot: the DCC has no antibody test type.

export type DccRecordRef = { readonly list: 'tests' | 'vaccinations'; readonly index: number };

/** The records of a certificate that a DCC can express. */
export function dccRecords(cert: IthcCertificate): DccRecordRef[] {
  return [
    ...cert.tests.map((_, index) => ({ list: 'tests' as const, index })),
    ...cert.vaccinations.map((_, index) => ({ list: 'vaccinations' as const, index })),
  ];
}

/**
 * The DCC's `ver`, `nam` and `dob` for a holder. `ver` names the schema release the JSON is valid
 * under: 1.3.0, which every DCC verifier reads, unless the holder has no transliterated surname;
 * then 1.3.2, the first release that accepts a name with `gnt` and no `fnt` (1.3.0 and 1.3.1
 * require `fnt`).
 */
export function ithcDccHolder(cert: IthcCertificate): { ver: string; nam: DccJson['nam']; dob: string } {
  const h = cert.holder;
  // The DCC's name fields are these four, each optional but for one transliterated part.
  const nam: Record<string, string> = {};
  if (h.surname !== undefined) nam.fn = h.surname;
  if (h.surnameLatin !== undefined) nam.fnt = h.surnameLatin;
  if (h.givenName !== undefined) nam.gn = h.givenName;
  if (h.givenNameLatin !== undefined) nam.gnt = h.givenNameLatin;
  return { ver: nam.fnt !== undefined ? '1.3.0' : '1.3.2', nam: nam as unknown as DccJson['nam'], dob: h.dateOfBirth };
}

/** Longest testing centre the DCC's `tc` takes. */
const DCC_TC_MAX = 80;

/**
 * A DCC JSON for one record, valid under the schema release its `ver` names. `uci` is that DCC's
 * own identifier: every HC1 code is a certificate of its own and is revoked on its own. A testing
 * centre given by code becomes the DCC's free-text `tc` through `sources` (its Latin-script name,
 * which an EU verifier can show, else its name); without a name, or with one longer than the
 * DCC's 80 characters, `tc` (optional in the DCC) is left out.
 */
export function ithcRecordToDcc(cert: IthcCertificate, ref: DccRecordRef, uci: string, sources?: SourceNames): DccJson {
  const base = ithcDccHolder(cert);
  if (ref.list === 'tests') {
    const t = cert.tests[ref.index];
    if (!t) throw new RangeError(`no test ${ref.index}`);
    const entry: Record<string, unknown> = { tg: t.disease, tt: t.testType };
    if (t.testName !== undefined) entry.nm = t.testName;
    if (t.device !== undefined) entry.ma = t.device;
    entry.sc = new Date(t.sampleTime * 1000).toISOString().replace('.000Z', 'Z');
    entry.tr = t.result;
    const names = t.testingCentreCode !== undefined ? sources?.(t.testingCentreCode) : undefined;
    const tc = t.testingCentre ?? names?.nameLatin ?? names?.name;
    if (tc !== undefined && [...tc].length <= DCC_TC_MAX) entry.tc = tc;
    Object.assign(entry, { co: t.country, is: t.issuer, ci: uci });
    return { ...base, t: [entry] };
  }
  const v = cert.vaccinations[ref.index];
  if (!v) throw new RangeError(`no vaccination ${ref.index}`);
  return {
    ...base,
    v: [{ tg: v.disease, vp: v.prophylaxis, mp: v.product, ma: v.manufacturer, dn: v.doseNumber, sd: v.totalDoses, dt: v.date, co: v.country, is: v.issuer, ci: uci }],
  };
}

// ---------------------------------------------------------------------------------------------
// UVCI (eHN "Guidelines on verifiable vaccination certificates", Annex 2): the checksum is
// Luhn mod N over the whole identifier, N = 38 over A–Z 0–9 / :, appended after '#'. The same
// algorithm gives the checksums of the Austrian and Danish identifiers in the EU test data.

const UVCI_CHARSET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/:';

export function uvciCheckCharacter(body: string): string {
  let factor = 2;
  let sum = 0;
  const n = UVCI_CHARSET.length;
  for (let i = body.length - 1; i >= 0; i--) {
    const cp = UVCI_CHARSET.indexOf(body[i]);
    if (cp < 0) throw new TypeError(`UVCI character ${JSON.stringify(body[i])} is outside A-Z 0-9 / :`);
    let addend = factor * cp;
    factor = factor === 2 ? 1 : 2;
    addend = Math.floor(addend / n) + (addend % n);
    sum += addend;
  }
  return UVCI_CHARSET[(n - (sum % n)) % n];
}

export function uvciChecksumValid(uvci: string): boolean {
  const i = uvci.lastIndexOf('#');
  if (i < 0 || i !== uvci.length - 2) return false;
  try {
    return uvciCheckCharacter(uvci.slice(0, i)) === uvci[i + 1];
  } catch {
    return false;
  }
}

/** Builds URN:UVCI:01:<country>:<opaque>#<check>. `opaque` is A–Z, 0–9 and '/', 1 to 50 characters. */
export function makeUvci(country: string, opaque: string): string {
  if (!/^[A-Z]{2}$/.test(country)) throw new TypeError('UVCI country must be ISO 3166-1 alpha-2');
  if (!/^[A-Z0-9/]{1,50}$/.test(opaque)) throw new TypeError('UVCI opaque part must be 1 to 50 of A-Z, 0-9 and /');
  const body = `URN:UVCI:01:${country}:${opaque}`;
  return `${body}#${uvciCheckCharacter(body)}`;
}
