/**
 * Mapping to the EU DCC (docs/ithc-certificate.md §DCC): each test and vaccination can also be
 * issued as a single-record HC1 code. Antibody tests cannot: the DCC has no antibody test type.
 */
import type { DccJson } from './dcc';
import type { SourceNames } from './ithc-codec';
import type { IthcCertificate } from './ithc-model';
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
