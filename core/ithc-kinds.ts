/**
 * Field kinds of the ITHC CBOR form: each knows how to encode a readable value and how to read
 * one back, reporting problems with the path where they occur. One table of fields per map
 * (ithc-fields.ts) drives both directions, so the encoder and the reader cannot disagree about a key.
 */
import { Tag, type CborValue } from './cbor';
import { ITHC_LIMITS, ITHC_VERSION } from './ithc-model';
import { UVCI_CARRIED, uvciChecksumValid } from './uvci';
import { CLOSED_VALUE_SETS, ISSUERS, lookup, ownByCode, type DccValueSetName, type OwnCode } from './valuesets';

export class Problems {
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

export interface Path {
  readonly name: string;
  readonly keys: readonly number[];
}

export function child(at: Path, name: string | number, key: number): Path {
  return { name: typeof name === 'number' ? `${at.name}[${name}]` : at.name ? `${at.name}.${name}` : name, keys: [...at.keys, key] };
}

/** What a field may fall back on when it is absent (docs §Defaults). */
export interface Context {
  /** The certificate's issuer, which records inherit. */
  issuer?: string;
  /** Inside a record list: the entry before this one, readable, once it has been read. */
  previous?: Record<string, unknown>;
  /** Inside a record list: the entry before this one could not be read. */
  previousUnreadable?: boolean;
}

export interface Kind {
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

export function textKind(opts: { pattern?: RegExp; hint?: string; check?: (s: string) => string | undefined } = {}): Kind {
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
export function issuerKind(): Kind {
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
export function codeOrTextKind(what: string): Kind {
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
export const uvciKind: Kind = {
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
export function dccCode(set: DccValueSetName, opts: { form?: RegExp; numericPrefix?: string } = {}): Kind {
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
export function ownCode<N extends string>(table: ReadonlyArray<OwnCode<N>>, what: string): Kind {
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

export function uintKind(min: number, max: number, what: string): Kind {
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
export const timeKind: Kind = {
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

export function dateKind(partial: boolean): Kind {
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
export const dayKind: Kind = {
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
export const DECIMAL = /^(0|[1-9]\d{0,8})(\.\d{1,6})?$/;

export interface Field {
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

export const req = (key: number, name: string, kind: Kind, more: Partial<Field> = {}): Field => ({ key, name, kind, required: true, ...more });
export const opt = (key: number, name: string, kind: Kind, more: Partial<Field> = {}): Field => ({ key, name, kind, required: false, ...more });

/** The readable value of a field: under `name`, or under `alt` for a code-or-name field given by code. */
function readableOf(f: Field, o: Record<string, unknown> | undefined): unknown {
  if (!o) return undefined;
  return o[f.name] ?? (f.alt !== undefined ? o[f.alt] : undefined);
}

function readableName(f: Field, value: unknown): string {
  return f.alt !== undefined && typeof value === 'number' ? f.alt : f.name;
}

export function mapKind(fields: readonly Field[], what: string): Kind {
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
        const r = f.kind.decode(x, fat, p, ctx);
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

export function listKind(item: Kind, what: string): Kind {
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
