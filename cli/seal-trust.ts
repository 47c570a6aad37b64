/**
 * The CLI's side of sealed codes and signed trust lists:
 *
 * - `--key FILE`: a destination authority's P-256 private key (PKCS#8 PEM), which opens sealed
 *   ITHCS1: codes (core/seal.ts);
 * - `--csca FILE`: the CSCA certificate(s) (PEM, PEM bundle or DER) that our signed trust lists
 *   must be signed by, given once for every --trust list;
 * - signed trust lists given with --trust (core/trustlist.ts): verified against --csca, their
 *   signing certificates trusted, their revocation list applied, a warning past their maximum age
 *   (or --max-age);
 * - signed source lists given with --trust (core/sourcelist.ts): verified the same way; their
 *   entries name the testing centres and vaccination sites certificates give by code.
 *
 * Anything here that cannot be used is a usage error: a verifier must not run with a key or trust
 * anchor it was given but silently did not load.
 */
import { createPrivateKey } from 'node:crypto';
import { concatBytes, fromBase64 } from '../core/bytes';
import type { TrustListState } from '../core/outcome';
import { isIthcError } from '../core/errors';
import { PEM_PKCS8, pemBegin } from '../core/pem';
import type { TrustedKey } from '../core/keys';
import type { OpeningKey } from '../core/seal';
import { authorityKid, p256Spki } from '../core/seal-keys';
import { verifyTrustList, type RevocationEntry, type VerifiedTrustList } from '../core/trustlist';
import { listState, newestOfEach, signedSourceList, signedTrustList, type LoadedList } from '../core/verifier';
import { verifySourceList, type SourceListEntry } from '../core/sourcelist';
import { certificatesFromText, parseCertificate } from '../core/x509';
import { nodeCrypto } from '../node/crypto-node';
import { UsageError } from './args';
import { readInputFile } from './trust';

const MAX_KEY_FILE = 64 * 1024;
const MAX_CSCA_FILE = 1024 * 1024;

/** Reads authority private keys (PKCS#8 PEM, P-256; SEC1 PEM is accepted too: node:crypto reads both). */
export function readAuthorityKeys(files: readonly string[]): OpeningKey[] {
  return files.map((f) => {
    const text = new TextDecoder().decode(readInputFile(f, 'authority key', MAX_KEY_FILE));
    let key;
    try {
      key = createPrivateKey({ key: text, format: 'pem' });
    } catch {
      throw new UsageError(`${f} is not a PEM private key (expected PKCS#8, "${pemBegin(PEM_PKCS8)}")`);
    }
    if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
      throw new UsageError(`${f} is not a P-256 key; sealed codes are sealed to P-256 keys`);
    }
    const { d, x, y } = key.export({ format: 'jwk' }) as { d?: string; x?: string; y?: string };
    if (!d || !x || !y) throw new UsageError(`${f} holds no private key`);
    // The kid partners publish for this key: a sealed code for another kid is then "cannot check, needs that key", not "invalid".
    return { privateKey: fromBase64(d), kid: authorityKid(p256Spki(concatBytes(Uint8Array.of(4), fromBase64(x), fromBase64(y)))) };
  });
}

/** Reads the CSCA certificate(s) of --csca. */
export function readCscas(file: string): Uint8Array[] {
  const bytes = readInputFile(file, 'CSCA certificate', MAX_CSCA_FILE);
  let ders: Uint8Array[];
  try {
    ders = bytes[0] === 0x30 ? [bytes] : certificatesFromText(new TextDecoder().decode(bytes));
    for (const der of ders) parseCertificate(der);
  } catch (e) {
    throw new UsageError(`${file} is not a certificate (PEM or DER): ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!ders.length) throw new UsageError(`${file} holds no certificate`);
  for (const der of ders) {
    const c = parseCertificate(der);
    if (!c.ca) throw new UsageError(`${file}: "${c.subject}" is not a CA certificate, so it cannot be the CSCA that signs trust lists`);
  }
  return ders;
}

/** `--max-age`: seconds, or a number with s, m, h or d. */
export function parseMaxAge(text: string): number {
  const m = /^(\d{1,9})([smhd]?)$/.exec(text.trim());
  if (!m) throw new UsageError(`--max-age ${JSON.stringify(text)} is not a duration (e.g. 86400, 36h, 7d)`);
  const n = Number(m[1]) * { '': 1, s: 1, m: 60, h: 3600, d: 86_400 }[m[2] as '' | 's' | 'm' | 'h' | 'd'];
  if (n <= 0) throw new UsageError('--max-age must be more than zero');
  return n;
}

export interface SignedTrust {
  keys: TrustedKey[];
  revocation: RevocationEntry[];
  warnings: string[];
  /** Each list in use at `now`: which, whose, how old, its maximum age (shown beside verdicts; decides cannot-check). */
  lists: TrustListState[];
  /** The lists in use, for the verifier (core/verifier). */
  loaded: LoadedList[];
}

/** Verifies each signed trust list against the CSCAs at `now` (seconds). */
export async function loadSignedTrustLists(
  lists: ReadonlyArray<{ file: string; bytes: Uint8Array }>,
  cscas: readonly Uint8Array[] | undefined,
  now: number,
  maxAge?: number,
): Promise<SignedTrust> {
  const out: SignedTrust = { keys: [], revocation: [], warnings: [], lists: [], loaded: [] };
  const verified = new Map<LoadedList, VerifiedTrustList>();
  for (const { file, bytes } of lists) {
    if (!cscas)
      throw new UsageError(`${file} is a signed ITHC trust list: give the CSCA certificate that signs it with --csca FILE, so its signature can be checked`);
    let list;
    try {
      list = await verifyTrustList(bytes, { cscas, now, crypto: nodeCrypto, maxAge });
    } catch (e) {
      if (isIthcError(e)) throw new UsageError(`${file}: the signed trust list is refused (${e.code}): ${e.message}`);
      throw e;
    }
    verified.set(signedTrustList(list, file, maxAge), list);
  }
  // One list per country and CSCA: a newer version given with an older one replaces it.
  const inUse = newestOfEach([...verified.keys()]);
  for (const { older, newer } of inUse.setAside) {
    out.warnings.push(
      `${older.source}: version ${older.signed!.version} of the ${older.signed!.country} trust list is set aside for version ${newer.signed!.version} (${newer.source})`,
    );
  }
  for (const l of inUse.lists) {
    const list = verified.get(l)!;
    // Staleness is not a warning here: it is shown beside every verdict, which it turns into "cannot check".
    for (const p of list.problems) if (p.code !== 'STALE') out.warnings.push(`${l.source}: ${p.code}: ${p.message}`);
    if (!list.keys.length) out.warnings.push(`${l.source}: no usable signing certificate in this list`);
    out.keys.push(...list.keys);
    out.revocation.push(...list.revocationEntries);
    out.lists.push(listState(l, now));
    out.loaded.push(l);
  }
  return out;
}

/** Verifies each signed source list against the CSCAs at `now` (seconds); later lists' entries win for the same code. */
export async function loadSignedSourceLists(
  lists: ReadonlyArray<{ file: string; bytes: Uint8Array }>,
  cscas: readonly Uint8Array[] | undefined,
  now: number,
): Promise<{ sources: SourceListEntry[]; warnings: string[]; loaded: LoadedList[] }> {
  const byCode = new Map<number, SourceListEntry>();
  const warnings: string[] = [];
  const loaded: LoadedList[] = [];
  for (const { file, bytes } of lists) {
    if (!cscas)
      throw new UsageError(`${file} is a signed ITHC source list: give the CSCA certificate that signs it with --csca FILE, so its signature can be checked`);
    let list;
    try {
      list = await verifySourceList(bytes, { cscas, now, crypto: nodeCrypto });
    } catch (e) {
      if (isIthcError(e)) throw new UsageError(`${file}: the signed source list is refused (${e.code}): ${e.message}`);
      throw e;
    }
    for (const p of list.problems) warnings.push(`${file}: ${p.code}: ${p.message}`);
    for (const e of list.sources.entries()) byCode.set(e.code, e);
    loaded.push(signedSourceList(list, file));
  }
  return { sources: [...byCode.values()], warnings, loaded };
}
