/**
 * What the web verifier does, without the page: read trust (a DSC list, or our CSCA-signed trust
 * list checked against a CSCA loaded once), an authority's private key for sealed codes and entry
 * rules, and check a code with the core's verifier (core/verifier). The page (main.ts) only
 * collects input and shows results.
 *
 * Everything runs in the browser: signatures with WebCrypto (core/crypto/webcrypto.ts), sealed
 * codes opened with the key in memory. Nothing is sent anywhere; the only network access is a
 * trust list the officer asks to load from a URL.
 */
import { concatBytes, fromBase64, toBase64, utf8Decode } from '../core/bytes';
import type { CryptoProvider } from '../core/crypto/provider';
import { readDscList } from '../core/dsc-list';
import type { Verdict } from '../core/hcert';
import type { TrustedKey } from '../core/keys';
import { checkRule, type EntryRulesReport, type ValidationRule } from '../core/rules';
import { PEM_PKCS8, PEM_SEC1, pemBodies } from '../core/pem';
import { authorityKid, p256Spki, sealedOpener, type OpeningKey } from '../core/seal';
import { isSignedTrustList, verifyTrustList, type TrustListProblem } from '../core/trustlist';
import { SourceDirectory, isSignedSourceList, verifySourceList, type SourceListEntry } from '../core/sourcelist';
import { certificatesFromText, certificateDer, parseCertificate } from '../core/x509';
import type { Outcome, TrustListState } from '../core/outcome';
import { validateDccSchemaPrecompiled } from '../core/dcc-schema-precompiled';
import { entryRules } from '../core/verifier/rules';
import {
  OlderList,
  createVerifier,
  listIdentity,
  listState,
  mergeList,
  signedSourceList,
  signedTrustList,
  type ListStamp,
  type LoadedList,
} from '../core/verifier';

/** Largest trust list, key or rules file the page reads (the EU DSC list is ~5 MB). */
export const MAX_FILE_BYTES = 32 * 1024 * 1024;

/**
 * A list in use (core/verifier LoadedList) with what the trust card says of it: its warnings,
 * and for a signed list its age when it was loaded, its revocations and problems.
 */
export interface TrustSource extends LoadedList {
  keys: TrustedKey[];
  /** Entries of the list that could not be used, as text. */
  warnings: string[];
  signed?: ListStamp & { ageSeconds: number; stale: boolean; revocations: number; problems: TrustListProblem[] };
  sourceList?: ListStamp & { ageSeconds: number; stale: boolean };
  sources?: SourceListEntry[];
}

export { OlderList, listIdentity };

/**
 * The lists in use once `incoming` is added (core/verifier mergeList): a newer version of a list
 * replaces it, an older one is refused as a replay (OlderList).
 */
export function mergeTrust(current: readonly TrustSource[], incoming: TrustSource): { trust: TrustSource[]; replaced?: TrustSource } {
  const { lists, replaced } = mergeList(current, incoming);
  return { trust: lists, ...(replaced ? { replaced } : {}) };
}

/** What the officer is shown of a list in use beside a verdict checked at `now` (core/outcome.ts). */
export function trustState(t: TrustSource, now: number): TrustListState {
  return listState(t, now);
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
    const l = signedSourceList(v, source);
    return {
      kind: 'sources',
      source,
      keys: [],
      warnings: v.problems.filter((p) => p.code !== 'STALE').map((p) => `${p.code}: ${p.message}`),
      sources: v.sources.entries(),
      sourceList: { ...l.sourceList!, ageSeconds: v.ageSeconds, stale: v.stale },
    };
  }
  if (isSignedTrustList(text)) {
    if (!cscas.length) throw new NeedsCsca();
    const v = await verifyTrustList(text, { cscas, now, crypto });
    const l = signedTrustList(v, source);
    return {
      kind: 'signed',
      source,
      keys: v.keys,
      revocation: v.revocationEntries,
      warnings: v.problems.filter((p) => p.code !== 'STALE').map((p) => `${p.code}: ${p.message}`),
      signed: { ...l.signed!, ageSeconds: v.ageSeconds, stale: v.stale, revocations: v.revocationEntries.length, problems: v.problems },
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
    throw new Error(
      pem.includes(`BEGIN ${PEM_SEC1}`)
        ? `this is a SEC1 "${PEM_SEC1}"; convert it to PKCS#8 (openssl pkcs8 -topk8 -nocrypt)`
        : `no "BEGIN ${PEM_PKCS8}" (PKCS#8) block found`,
    );
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
  const list = Array.isArray(parsed)
    ? parsed
    : parsed && typeof parsed === 'object'
      ? ((parsed as Record<string, unknown>).rules ?? (parsed as Record<string, unknown>).Rules)
      : undefined;
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
  // Rules are in force only for a country of arrival and with rules loaded.
  const rules = ctx.country && /^[A-Z]{2}$/.test(ctx.country) && ctx.rules.length ? { country: ctx.country, rules: ctx.rules } : undefined;
  const verifier = createVerifier({
    lists: ctx.trust,
    openingKeys: ctx.keys,
    opener: sealedOpener,
    ...(rules ? { rules: entryRules(rules) } : {}),
    crypto: ctx.crypto,
    validateDccSchema: validateDccSchemaPrecompiled,
  });
  const r = await verifier.verify(code.trim(), ctx.now);
  const { verdict, outcome, trust } = r;
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
  return { verdict, outcome, trust, sealedWithoutKey, holder, rules: r.rules ?? null };
}

/** Text of a file the officer picked: bounded, strict UTF-8 for text formats. */
export async function readFileText(file: Blob): Promise<string> {
  if (file.size > MAX_FILE_BYTES) throw new Error(`the file is ${file.size} bytes; at most ${MAX_FILE_BYTES} are read`);
  return utf8Decode(new Uint8Array(await file.arrayBuffer()));
}
