/**
 * The sources a verifier knows by code: the entries of the signed source lists in use
 * (core/sourcelist.ts verifies them), looked up by the codes a certificate carries, and shown by
 * name. Apart from the list's signing and checking so that a verifier that only looks sources up
 * (the CLI's verification workers) does not load the X.509 code that checks lists.
 */
import type { IthcCertificate } from './ithc';
import { RECORD_KIND_LIST, entriesOf, placeCodeOf, type RecordList } from './record-kinds';

export const SOURCE_TYPES = ['lab', 'vaccination-site'] as const;
export type SourceType = (typeof SOURCE_TYPES)[number];

export interface SourceListEntry {
  /** The code certificates carry (testing centre key 7, vaccination site key 10). */
  code: number;
  type: SourceType;
  /** The name in Chinese, as the institution writes it. */
  name: string;
  /** The name in Latin script (English or pinyin), what verifiers show in every language but Chinese. */
  nameLatin?: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
  /** ISO 3166-2 subdivision, e.g. CN-BJ (Beijing). */
  region?: string;
  /** Accreditation as the accrediting body writes it, Latin script, e.g. "CNAS ML0001 (ISO 15189)". */
  accreditation?: string;
  /** Seconds since the epoch: from when (absent: not stated), and until when (absent: still), the source may make records. */
  validFrom?: number;
  validUntil?: number;
}

// --- display ----------------------------------------------------------------------------------

/** What verifiers show for a source: its Chinese name in Chinese, its Latin-script name in every other language (the Chinese one when it has none). */
export function sourceDisplayName(entry: Pick<SourceListEntry, 'name' | 'nameLatin'>, lang: string): string {
  return lang === 'zh' ? entry.name : (entry.nameLatin ?? entry.name);
}

/**
 * A testing centre or vaccination site as a certificate gives it: by name (shown as written) or by
 * code (its display name when the list holds it; otherwise the code, so a verifier without the list
 * still says something true).
 */
export function sourceLabel(ref: { name?: string; code?: number }, sources: SourceDirectory | undefined, lang: string): string {
  if (ref.name !== undefined) return ref.name;
  if (ref.code === undefined) return '';
  const e = sources?.get(ref.code);
  if (e) return sourceDisplayName(e, lang);
  return lang === 'zh' ? `机构编码 ${ref.code}（来源列表中未找到）` : `source code ${ref.code} (not in the source list loaded)`;
}

/** Sources by code, from one or more verified lists (a later list's entry wins). */
export class SourceDirectory {
  private readonly byCode = new Map<number, SourceListEntry>();
  constructor(entries: Iterable<SourceListEntry> = []) {
    for (const e of entries) this.byCode.set(e.code, e);
  }
  get(code: number): SourceListEntry | undefined {
    return this.byCode.get(code);
  }
  get size(): number {
    return this.byCode.size;
  }
  entries(): SourceListEntry[] {
    return [...this.byCode.values()];
  }
  /** core/ithc.ts SourceNames: the names of a code, for ithcToJson and the DCC mapping. */
  readonly names = (code: number): { name: string; nameLatin?: string } | undefined => {
    const e = this.byCode.get(code);
    return e ? { name: e.name, ...(e.nameLatin !== undefined ? { nameLatin: e.nameLatin } : {}) } : undefined;
  };
}

// --- certificates -----------------------------------------------------------------------------

/** The codes of the testing centres and vaccination sites a certificate names by code, each once, in order of appearance. */
export function sourceCodesOf(cert: Pick<IthcCertificate, RecordList>): number[] {
  const codes = RECORD_KIND_LIST.flatMap((k) => entriesOf(cert, k).map((e) => placeCodeOf(k, e)));
  return [...new Set(codes.filter((c): c is number => c !== undefined))];
}

/** The list's entries for the sources a certificate names by code (those the list holds). */
export function sourcesOfCertificate(cert: Pick<IthcCertificate, RecordList>, sources: SourceDirectory): SourceListEntry[] {
  return sourceCodesOf(cert)
    .map((c) => sources.get(c))
    .filter((e): e is SourceListEntry => e !== undefined);
}
