/**
 * The verifier's set-up, once for every surface (CLI, web page, mini program): the trust material a
 * surface has loaded (DSC lists, signed trust lists and source lists verified against their CSCAs,
 * the opening keys of sealed codes, a destination's entry rules) and the platform's pieces (crypto
 * provider, DCC schema validator, inflater) in; one `verify(code, now)` out, whose result is what a
 * surface renders: `certificateView(r.verdict, r)` (core/view) follows directly.
 *
 * Surfaces fetch and read bytes, verify signed lists (core/trustlist.ts, core/sourcelist.ts) and
 * store them; which list is in use, its state at the validation time, revocation, opening sealed
 * codes and entry rules are decided here. Loaded lists are plain data, so the CLI hands them to its
 * worker threads as they are. Pure: nothing read from a clock; `now` is passed to each check.
 */
import { toBase64 } from '../bytes';
import type { CryptoProvider } from '../crypto/provider';
import type { DccSchemaValidator } from '../dcc';
import { verifyCode, type Verdict } from '../hcert';
import { KeyStore, type TrustedKey } from '../keys';
import type { Limits } from '../limits';
import { outcomeOf, type Outcome, type TrustListState } from '../outcome';
import { HashRevocationList } from '../revocation';
import type { EntryRulesReport } from '../rules';
import type { OpeningKey } from '../seal';
import { SourceDirectory, sourcesOfCertificate, type SourceListEntry } from '../source-directory';
import type { VerifiedSourceList } from '../sourcelist';
import type { RevocationEntry, VerifiedTrustList } from '../trustlist';
import type { Inflater } from '../zlib';

/** What identifies a signed list across versions, and its version: which is newer. */
export interface ListStamp {
  version: number;
  country: string;
  /** Seconds since the epoch. */
  issuedAt: number;
  /** Seconds; for a trust list, an override the verifier was given (--max-age) in place of the list's own. */
  maxAge: number;
  /** Subject of the CSCA that signed it. */
  csca: string;
}

/**
 * A list in use, as plain (structured-clonable) data: an unsigned DSC list (keys trusted as
 * loaded), our signed trust list (keys and revocations), or our signed source list (names of
 * laboratories and vaccination sites, no keys).
 */
export interface LoadedList {
  kind: 'dsc' | 'signed' | 'sources';
  /** File name or URL it came from. */
  source: string;
  keys: readonly TrustedKey[];
  /** Revocation entries of a signed trust list. */
  revocation?: readonly RevocationEntry[];
  /** A signed trust list's stamp. */
  signed?: ListStamp;
  /** A signed source list's stamp. */
  sourceList?: ListStamp;
  /** A signed source list's entries. */
  sources?: readonly SourceListEntry[];
}

/** An unsigned list of signing certificates (core/dsc-list.ts, or certificates given by hand). */
export function dscList(keys: readonly TrustedKey[], source: string): LoadedList {
  return { kind: 'dsc', source, keys: [...keys] };
}

/** A trust list that verified against its CSCA (verifyTrustList); `maxAge` overrides the list's own. */
export function signedTrustList(v: VerifiedTrustList, source: string, maxAge?: number): LoadedList {
  return {
    kind: 'signed',
    source,
    keys: v.keys,
    revocation: v.revocationEntries,
    signed: { version: v.version, country: v.country, issuedAt: v.issuedAt, maxAge: maxAge ?? v.maxAge, csca: v.csca.subject },
  };
}

/** A source list that verified against its CSCA (verifySourceList). */
export function signedSourceList(v: VerifiedSourceList, source: string): LoadedList {
  return {
    kind: 'sources',
    source,
    keys: [],
    sources: v.sources.entries(),
    sourceList: { version: v.version, country: v.country, issuedAt: v.issuedAt, maxAge: v.maxAge, csca: v.csca.subject },
  };
}

/**
 * Which list this is, across versions: our signed lists are one per kind, country and CSCA; an
 * unsigned DSC list has no identity of its own but where it came from.
 */
export function listIdentity(l: LoadedList): string {
  if (l.signed) return `signed|${l.signed.country}|${l.signed.csca}`;
  if (l.sourceList) return `sources|${l.sourceList.country}|${l.sourceList.csca}`;
  return `dsc|${l.source}`;
}

function stampOf(l: LoadedList): ListStamp | undefined {
  return l.signed ?? l.sourceList;
}

/** Is `a` older than `b`: a lower version, or the same version issued earlier. */
function olderThan(a: ListStamp, b: ListStamp): boolean {
  return a.version < b.version || (a.version === b.version && a.issuedAt < b.issuedAt);
}

export class OlderList extends Error {
  constructor(
    readonly incoming: { version: number; issuedAt: number },
    readonly inUse: { version: number; issuedAt: number },
  ) {
    super(
      `version ${incoming.version} (issued ${iso(incoming.issuedAt)}) is older than version ${inUse.version} (issued ${iso(inUse.issuedAt)}) in use; refused, since an older list could bring back a certificate withdrawn since`,
    );
    this.name = 'OlderList';
  }
}

function iso(s: number): string {
  return new Date(s * 1000).toISOString().replace('.000Z', 'Z');
}

/**
 * The lists in use once `incoming` is added to those in use: it replaces the list with the same
 * identity when it is the same version or newer, and is refused as a replay (OlderList) when older.
 */
export function mergeList<T extends LoadedList>(current: readonly T[], incoming: T): { lists: T[]; replaced?: T } {
  const id = listIdentity(incoming);
  const old = current.find((l) => listIdentity(l) === id);
  const a = stampOf(incoming);
  const b = old && stampOf(old);
  if (a && b && olderThan(a, b)) throw new OlderList(a, b);
  return { lists: current.filter((l) => l !== old).concat(incoming), ...(old ? { replaced: old } : {}) };
}

/**
 * Lists given together (files on a command line): of each identity, the newest is kept, whatever
 * the order (of the same version and issue time, the later given); the rest are set aside.
 */
export function newestOfEach<T extends LoadedList>(lists: readonly T[]): { lists: T[]; setAside: Array<{ older: T; newer: T }> } {
  const byIdentity = new Map<string, T>();
  const setAside: Array<{ older: T; newer: T }> = [];
  for (const l of lists) {
    const id = listIdentity(l);
    const other = byIdentity.get(id);
    const a = stampOf(l);
    const b = other && stampOf(other);
    if (!other || !a || !b) {
      byIdentity.set(id, l);
      continue;
    }
    const newer = olderThan(a, b) ? other : l;
    setAside.push({ older: newer === l ? other : l, newer });
    byIdentity.set(id, newer);
  }
  return { lists: [...byIdentity.values()], setAside };
}

/** A trust list as shown beside a verdict checked at `now` (seconds): its age counts to that time, and so does its staleness. */
export function listState(l: LoadedList, now: number, kids: readonly string[] = l.keys.map((k) => toBase64(k.kid))): TrustListState {
  const s = l.signed;
  if (!s) return { kind: 'dsc', source: l.source, stale: false, kids };
  const ageSeconds = Math.max(0, Math.floor(now - s.issuedAt));
  return {
    kind: 'signed',
    source: l.source,
    country: s.country,
    csca: s.csca,
    version: s.version,
    issuedAt: s.issuedAt,
    ageSeconds,
    maxAge: s.maxAge,
    stale: ageSeconds > s.maxAge,
    kids,
  };
}

/**
 * A destination's entry rules evaluated on a verified certificate at the validation time
 * (./rules.ts entryRules; apart, so a verifier without rules does not carry the rule engine).
 */
export type EntryRulesCheck = (verified: Verdict & { certificate: NonNullable<Verdict['certificate']> }, now: number) => EntryRulesReport;

/** Opens sealed codes with the given keys (core/seal.ts sealedOpener, or a surface's lazily loaded one). */
export type SealedOpenerFactory = (keys: readonly OpeningKey[]) => (coseEncrypt: Uint8Array) => Promise<Uint8Array>;

export interface VerifierSetup {
  /** The lists in use: DSC lists, signed trust lists and signed source lists. */
  lists: readonly LoadedList[];
  /** Destination-authority private keys that open sealed codes (with the kids partners publish for them). */
  openingKeys?: readonly OpeningKey[];
  /** Opens sealed codes; without it (or with no opening key) a sealed code is cannot-check, naming the key it needs. */
  opener?: SealedOpenerFactory;
  /** Always give an opener, even with no key: its answer says no matching key was given. */
  openWithoutKeys?: boolean;
  /** Entry rules checked on every certificate that verifies. */
  rules?: EntryRulesCheck;
  crypto: CryptoProvider;
  validateDccSchema: DccSchemaValidator;
  /** Default the pure one of core/zlib.ts; a platform may pass its native zlib. */
  inflate?: Inflater;
  limits?: Partial<Limits>;
}

/** Everything a surface renders of one check; `certificateView(r.verdict, r)` takes it as it is. */
export interface VerifierResult {
  verdict: Verdict;
  /** Valid, invalid, or cannot check and what is missing. */
  outcome: Outcome;
  /** The trust lists in use at the validation time, as shown beside the verdict. */
  trust: TrustListState[];
  /** The entry-rule report: absent when no rules are in force, null when the code did not verify far enough. */
  rules?: EntryRulesReport | null;
  /** Laboratories and vaccination sites by code, from the source lists in use (absent when none is loaded). */
  sources?: SourceDirectory;
  /** The entries of the source lists that the verified certificate names by code. */
  certificateSources: SourceListEntry[];
  /** The validation time, seconds. */
  now: number;
}

export interface Verifier {
  verify(code: string, now: number): Promise<VerifierResult>;
  /** The trust lists in use, as shown at `now`. */
  trust(now: number): TrustListState[];
}

export function createVerifier(setup: VerifierSetup): Verifier {
  const trustLists = setup.lists.filter((l) => l.kind !== 'sources');
  const keys = new KeyStore(trustLists.flatMap((l) => l.keys));
  const entries = trustLists.flatMap((l) => l.revocation ?? []);
  let revocation: HashRevocationList | undefined;
  if (entries.length) {
    revocation = new HashRevocationList();
    for (const r of entries) revocation.add(r.kid, r.type, r.hash);
  }
  const sourceEntries = setup.lists.flatMap((l) => l.sources ?? []);
  const sources = sourceEntries.length ? new SourceDirectory(sourceEntries) : undefined;
  const openingKeys = setup.openingKeys ?? [];
  const openSealed = setup.opener && (openingKeys.length || setup.openWithoutKeys) ? setup.opener(openingKeys) : undefined;
  // A key without a kid is tried on every recipient (core/outcome.ts).
  const opening = openingKeys.map((k) => (k.kid ? { kid: toBase64(k.kid) } : {}));
  // Checked once per code, at one validation time for a whole batch: the kids are written once, and
  // the states kept for the last time asked.
  const kidsOf = trustLists.map((l) => l.keys.map((k) => toBase64(k.kid)));
  let last: { now: number; states: TrustListState[] } | undefined;
  const trust = (now: number): TrustListState[] => {
    if (last?.now !== now) last = { now, states: trustLists.map((l, i) => listState(l, now, kidsOf[i])) };
    return last.states;
  };
  return {
    trust,
    async verify(code, now) {
      const verdict = await verifyCode(code, {
        keys,
        now,
        crypto: setup.crypto,
        validateDccSchema: setup.validateDccSchema,
        ...(revocation ? { revocation } : {}),
        ...(openSealed ? { openSealed } : {}),
        ...(setup.inflate ? { inflate: setup.inflate } : {}),
        ...(setup.limits ? { limits: setup.limits } : {}),
      });
      const lists = trust(now);
      const outcome = outcomeOf(verdict, { lists, openingKeys: opening });
      const c = verdict.certificate;
      // Only a verified certificate's sources are looked up: nothing unverified is shown as content.
      const certificateSources = sources && c?.format === 'ithc' ? sourcesOfCertificate(c.ithc, sources) : [];
      const result: VerifierResult = { verdict, outcome, trust: lists, certificateSources, now, ...(sources ? { sources } : {}) };
      if (setup.rules) {
        result.rules = c ? setup.rules({ ...verdict, certificate: c }, now) : null;
      }
      return result;
    },
  };
}
