/**
 * Mapping to the EU DCC (docs/ithc-certificate.md §DCC): each test and vaccination can also be
 * issued as a single-record HC1 code. Antibody tests cannot: the DCC has no antibody test type.
 */
import type { DccJson } from './dcc';
import type { IthcCertificate, SourceNames } from './ithc-model';
import { kindOfList, RECORD_KIND_LIST, RECORD_KINDS, type RecordList } from './record-kinds';

/** A certificate entry that a DCC can express: its list and its place in it. */
export type DccRecordRef = { readonly list: RecordList; readonly index: number };

/** The records of a certificate that a DCC can express, kind by kind (core/record-kinds.ts), each list in order. */
export function dccRecords(cert: IthcCertificate): DccRecordRef[] {
  return RECORD_KIND_LIST.filter((k) => RECORD_KINDS[k].dcc !== null).flatMap((k) => {
    const list = RECORD_KINDS[k].list;
    return cert[list].map((_, index): DccRecordRef => ({ list, index }));
  });
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

/**
 * A DCC JSON for one record, valid under the schema release its `ver` names, its entry as the
 * record's kind maps it (core/record-kinds.ts `dcc`). `uci` is that DCC's own identifier: every
 * HC1 code is a certificate of its own and is revoked on its own. `sources` names the places given
 * by code.
 */
export function ithcRecordToDcc(cert: IthcCertificate, ref: DccRecordRef, uci: string, sources?: SourceNames): DccJson {
  const kind = kindOfList(ref.list);
  if (!kind.dcc) throw new RangeError(`the DCC cannot carry ${ref.list}`);
  const e = cert[kind.list][ref.index];
  if (!e) throw new RangeError(`no ${kind.noun} ${ref.index}`);
  return { ...ithcDccHolder(cert), [kind.dcc.type]: [kind.dcc.entry(e, uci, sources)] };
}
