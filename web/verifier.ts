/**
 * What the web verifier does, without the page: load trust (a DSC list, or our CSCA-signed trust
 * list checked against a CSCA loaded once), load an authority's private key for sealed codes,
 * load entry rules, and check a code. The page (main.ts) only collects input and shows results.
 *
 * Everything runs in the browser: signatures with WebCrypto (core/crypto/webcrypto.ts), sealed
 * codes opened with the key in memory. Nothing is sent anywhere; the only network access is a
 * trust list the officer asks to load from a URL.
 */
import { concatBytes, fromBase64, toBase64, utf8Decode } from '../core/bytes';
import type { CryptoProvider } from '../core/crypto/provider';
import { readDscList } from '../core/dsc-list';
import { verifyCode, type Verdict } from '../core/hcert';
import { KeyStore, type TrustedKey } from '../core/keys';
import type { RevocationList } from '../core/revocation';
import { checkRule, evaluateEntryRules, type EntryRulesReport, type ValidationRule } from '../core/rules';
import { PEM_PKCS8, PEM_SEC1, pemBodies } from '../core/pem';
import { authorityKid, p256Spki, sealedOpener, type OpeningKey } from '../core/seal';
import { isSignedTrustList, verifyTrustList, type TrustListProblem } from '../core/trustlist';
import { SourceDirectory, isSignedSourceList, verifySourceList, type SourceListEntry } from '../core/sourcelist';
import { certificatesFromText, certificateDer, parseCertificate } from '../core/x509';
import { outcomeOf, type Outcome, type TrustListState } from '../core/outcome';
import { validateDccSchemaPrecompiled } from '../cli/dcc-schema-precompiled';

/** Largest trust list, key or rules file the page reads (the EU DSC list is ~5 MB). */
export const MAX_FILE_BYTES = 32 * 1024 * 1024;

export interface TrustSource {
  /** A DSC list, our signed trust list, or our signed source list (names of laboratories and vaccination sites, no keys). */
  kind: 'dsc' | 'signed' | 'sources';
  /** File name or URL it came from. */
  source: string;
  keys: TrustedKey[];
  revocation?: RevocationList;
  /** Entries of the list that could not be used, as text. */
  warnings: string[];
  signed?: {
    version: number;
    country: string;
    issuedAt: number;
    maxAge: number;
    ageSeconds: number;
    stale: boolean;
    csca: string;
    revocations: number;
    problems: TrustListProblem[];
  };
  /** A signed source list: its entries, and what the status line says of it. */
  sources?: SourceListEntry[];
  sourceList?: { version: number; country: string; issuedAt: number; maxAge: number; ageSeconds: number; stale: boolean; csca: string };
}

/**
 * Which list this is, across versions: a newer version of the same list replaces the older one.
 * Our signed lists are one list per kind, country and CSCA; an unsigned DSC list has no identity
 * of its own but where it came from.
 */
export function listIdentity(t: TrustSource): string {
  if (t.signed) return `signed|${t.signed.country}|${t.signed.csca}`;
  if (t.sourceList) return `sources|${t.sourceList.country}|${t.sourceList.csca}`;
  return `dsc|${t.source}`;
}

export class OlderList extends Error {
  constructor(
    readonly incoming: { version: number; issuedAt: number },
    readonly inUse: { version: number; issuedAt: number },
  ) {
    super(`version ${incoming.version} (issued ${iso(incoming.issuedAt)}) is older than version ${inUse.version} (issued ${iso(inUse.issuedAt)}) in use; refused, since an older list could bring back a certificate withdrawn since`);
    this.name = 'OlderList';
  }
}

function iso(s: number): string {
  return new Date(s * 1000).toISOString().replace('.000Z', 'Z');
}

/**
 * The lists in use once `incoming` is added: it replaces the list with the same identity when it is
 * the same version or newer (higher version, or the same version issued later), and is refused as a
 * replay (OlderList) when older. Returns the new set and the list it replaced, if any.
 */
export function mergeTrust(current: readonly TrustSource[], incoming: TrustSource): { trust: TrustSource[]; replaced?: TrustSource } {
  const id = listIdentity(incoming);
  const old = current.find((t) => listIdentity(t) === id);
  const stamp = (t: TrustSource) => t.signed ?? t.sourceList;
  const a = stamp(incoming);
  const b = old && stamp(old);
  if (a && b && (a.version < b.version || (a.version === b.version && a.issuedAt < b.issuedAt))) throw new OlderList(a, b);
  return { trust: current.filter((t) => t !== old).concat(incoming), ...(old ? { replaced: old } : {}) };
}

/** What the officer is shown of each list in use beside a verdict (core/outcome.ts). */
export function trustState(t: TrustSource): TrustListState {
  const kids = t.keys.map((k) => toBase64(k.kid));
  if (t.signed) {
    const s = t.signed;
    return { kind: 'signed', source: t.source, country: s.country, csca: s.csca, version: s.version, issuedAt: s.issuedAt, ageSeconds: s.ageSeconds, maxAge: s.maxAge, stale: s.stale, kids };
  }
  return { kind: 'dsc', source: t.source, stale: false, kids };
}

export class NeedsCsca extends Error {
  constructor() {
    super('a signed trust list needs the CSCA certificate');
    this.name = 'NeedsCsca';
  }
}

/** The testing centres and vaccination sites of every source list loaded, by code (a later list's entry wins). */
export function sourceDirectory(trust: readonly TrustSource[]): SourceDirectory {
  return new SourceDirectory(trust.flatMap((t) => t.sources ?? []));
}

/** Reads a trust list: our signed trust list or source list (checked against `cscas`), or a DSC list / certificates. */
export async function readTrust(text: string, source: string, cscas: readonly Uint8Array[], now: number, crypto: CryptoProvider): Promise<TrustSource> {
  if (text.length > MAX_FILE_BYTES) throw new Error(`the list is ${text.length} characters; at most ${MAX_FILE_BYTES} are read`);
  if (isSignedSourceList(text)) {
    if (!cscas.length) throw new NeedsCsca();
    const v = await verifySourceList(text, { cscas, now, crypto });
    return {
      kind: 'sources',
      source,
      keys: [],
      warnings: v.problems.filter((p) => p.code !== 'STALE').map((p) => `${p.code}: ${p.message}`),
      sources: v.sources.entries(),
      sourceList: { version: v.version, country: v.country, issuedAt: v.issuedAt, maxAge: v.maxAge, ageSeconds: v.ageSeconds, stale: v.stale, csca: v.csca.subject },
    };
  }
  if (isSignedTrustList(text)) {
    if (!cscas.length) throw new NeedsCsca();
    const v = await verifyTrustList(text, { cscas, now, crypto });
    return {
      kind: 'signed',
      source,
      keys: v.keys,
      revocation: v.revocation,
      warnings: v.problems.filter((p) => p.code !== 'STALE').map((p) => `${p.code}: ${p.message}`),
      signed: { version: v.version, country: v.country, issuedAt: v.issuedAt, maxAge: v.maxAge, ageSeconds: v.ageSeconds, stale: v.stale, csca: v.csca.subject, revocations: v.revocationEntries.length, problems: v.problems },
    };
  }
  const r = readDscList(text);
  if (!r.keys.length) throw new Error(r.problems.length ? r.problems.map((p) => p.message).join('; ') : 'no signing certificate in this list');
  return { kind: 'dsc', source, keys: r.keys, warnings: r.problems.map((p) => `${p.code}: ${p.message}`) };
}

/**
 * CSCA certificates from a PEM (bundle), DER or base64 DER file, each parsed as X.509 and required
 * to be a CA certificate: anything else is refused with the reason, and nothing is kept.
 */
export function readCscas(input: string | Uint8Array): Uint8Array[] {
  let ders: Uint8Array[];
  try {
    if (typeof input === 'string') {
      const pems = certificatesFromText(input);
      ders = pems.length ? pems : [certificateDer(input.trim())];
    } else ders = [certificateDer(input)];
  } catch (e) {
    throw new NotCsca(`not an X.509 certificate (PEM or DER): ${e instanceof Error ? e.message : String(e)}`);
  }
  for (const der of ders) {
    let c;
    try {
      c = parseCertificate(der);
    } catch (e) {
      throw new NotCsca(`not an X.509 certificate (PEM or DER): ${e instanceof Error ? e.message : String(e)}`);
    }
    if (!c.ca) throw new NotCsca(`"${c.subject}" is not a CA certificate (its basic constraints do not allow it to certify signers), so it cannot be a CSCA`);
  }
  return ders;
}

export class NotCsca extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotCsca';
  }
}

/**
 * An authority's P-256 private key from PKCS#8 PEM, through WebCrypto (which parses and checks the
 * key): the scalar for opening sealed codes and the kid partners publish (first 8 bytes of SHA-256
 * over the public key's SPKI). The key object stays in memory; nothing is stored.
 */
export async function openingKeyFromPem(pem: string, subtle: SubtleCrypto): Promise<{ key: OpeningKey; kid: string }> {
  const body = pemBodies(pem, PEM_PKCS8)[0];
  if (body === undefined || body === '') {
    throw new Error(pem.includes(`BEGIN ${PEM_SEC1}`) ? `this is a SEC1 "${PEM_SEC1}"; convert it to PKCS#8 (openssl pkcs8 -topk8 -nocrypt)` : `no "BEGIN ${PEM_PKCS8}" (PKCS#8) block found`);
  }
  const der = fromBase64(body);
  let jwk: JsonWebKey;
  try {
    const k = await subtle.importKey('pkcs8', der as BufferSource, { name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits']);
    jwk = await subtle.exportKey('jwk', k);
  } catch {
    throw new Error('not a P-256 private key in PKCS#8');
  }
  if (!jwk.d || !jwk.x || !jwk.y) throw new Error('the key has no private part');
  // fromBase64 reads the JWK's base64url too.
  const kid = authorityKid(p256Spki(concatBytes(Uint8Array.of(4), fromBase64(jwk.x), fromBase64(jwk.y))));
  return { key: { privateKey: fromBase64(jwk.d), kid }, kid: toBase64(kid) };
}

/** CertLogic rules from JSON: an array of rules, or `{rules: [...]}` / `{Rules: [...]}`. */
export function readRules(text: string): { rules: ValidationRule[]; problems: string[] } {
  const parsed = JSON.parse(text) as unknown;
  const list = Array.isArray(parsed) ? parsed : parsed && typeof parsed === 'object' ? ((parsed as Record<string, unknown>).rules ?? (parsed as Record<string, unknown>).Rules) : undefined;
  if (!Array.isArray(list)) throw new Error('expected a JSON array of CertLogic rules');
  const rules: ValidationRule[] = [];
  const problems: string[] = [];
  list.forEach((v, i) => {
    const r = checkRule(v);
    if (r.rule) rules.push(r.rule);
    else problems.push(`rule ${i}: ${r.problems.join('; ')}`);
  });
  return { rules, problems };
}

export interface Holder {
  name: string;
  /** The transliterated name when a native one is shown first. */
  latin?: string;
  dob: string;
  documentNumber?: string;
  sex?: string;
}

export interface CheckResult {
  verdict: Verdict;
  /** Valid, invalid, or cannot check and what is missing (core/outcome.ts). */
  outcome: Outcome;
  /** The lists in use when it was checked, as shown beside the verdict. */
  trust: TrustListState[];
  /** A sealed code and no key to open it: say so, not "damaged". */
  sealedWithoutKey: boolean;
  /** Only from a verified certificate. */
  holder: Holder | null;
  rules: EntryRulesReport | null;
}

export interface CheckContext {
  trust: readonly TrustSource[];
  keys: readonly OpeningKey[];
  rules: readonly ValidationRule[];
  /** Country of arrival for the entry rules. */
  country?: string;
  /** Validation clock, seconds. */
  now: number;
  crypto: CryptoProvider;
}

export async function checkCode(code: string, ctx: CheckContext): Promise<CheckResult> {
  const keys = new KeyStore(ctx.trust.flatMap((t) => t.keys));
  const lists = ctx.trust.map((t) => t.revocation).filter((r): r is RevocationList => !!r);
  const revocation: RevocationList | undefined = lists.length ? { isRevoked: (s) => lists.some((l) => l.isRevoked(s)) } : undefined;
  const trimmed = code.trim();
  const verdict = await verifyCode(trimmed, {
    keys,
    now: ctx.now,
    crypto: ctx.crypto,
    validateDccSchema: validateDccSchemaPrecompiled,
    revocation,
    openSealed: ctx.keys.length ? sealedOpener(ctx.keys) : undefined,
  });
  const trust = ctx.trust.filter((t) => t.kind !== 'sources').map(trustState);
  const outcome = outcomeOf(verdict, { lists: trust, openingKeys: ctx.keys.map((k) => (k.kid ? { kid: toBase64(k.kid) } : {})) });
  const sealedWithoutKey = outcome.missing.some((m) => m.kind === 'authority-key');
  let holder: Holder | null = null;
  const c = verdict.certificate;
  if (c?.format === 'ithc') {
    const h = c.ithc.holder;
    const native = `${h.surname ?? ''}${h.givenName ?? ''}`;
    const latin = [h.surnameLatin, h.givenNameLatin].filter(Boolean).join(' ').replace(/</g, ' ');
    holder = { name: native || latin, latin: native && latin ? latin : undefined, dob: h.dateOfBirth, documentNumber: h.documentNumber, sex: h.sex };
  } else if (c?.format === 'dcc') {
    const n = c.dcc.json.nam ?? ({} as Record<string, string>);
    const native = [n.fn, n.gn].filter(Boolean).join(', ');
    const latin = [n.fnt, n.gnt].filter(Boolean).join(', ').replace(/</g, ' ');
    holder = { name: native || latin, latin: native && latin ? latin : undefined, dob: c.dcc.json.dob };
  }
  let rules: EntryRulesReport | null = null;
  if (c && ctx.country && /^[A-Z]{2}$/.test(ctx.country) && ctx.rules.length) {
    rules = evaluateEntryRules({
      certificate: c,
      rules: ctx.rules,
      country: ctx.country,
      at: ctx.now,
      signature: { issuedAt: verdict.issuedAt, expiresAt: verdict.expiresAt, kid: verdict.kid, issuer: verdict.issuer },
    });
  }
  return { verdict, outcome, trust, sealedWithoutKey, holder, rules };
}

/** Text of a file the officer picked: bounded, strict UTF-8 for text formats. */
export async function readFileText(file: Blob): Promise<string> {
  if (file.size > MAX_FILE_BYTES) throw new Error(`the file is ${file.size} bytes; at most ${MAX_FILE_BYTES} are read`);
  return utf8Decode(new Uint8Array(await file.arrayBuffer()));
}
