/**
 * The three answers a verifier gives an officer (web page, CLI, mini program): valid; invalid, with
 * the reason; or cannot check, with what is missing to check it. "Cannot check" is not "invalid":
 * a sealed code nobody here can open, a code whose signer cannot be looked up because no trust list
 * is loaded, or a signature that verifies only against a list past its maximum age (a DSC revoked
 * since would still look good) are not evidence against the traveller; they tell the officer what
 * to load.
 *
 * Pure: the verdict of core/hcert.ts plus what the verifier has loaded, nothing read from a clock.
 */
import { toBase64 } from './bytes';
import { Tag, decodeLenient, mapGet, type CborValue } from './cbor';
import type { Verdict } from './hcert';
import { HEADER } from './cose';

export type VerdictKind = 'valid' | 'invalid' | 'cannot-check';

/** What the verifier lacks to give a verdict. */
export type Missing =
  /** A sealed code: the private key of the authority it is sealed for (recipient kids, base64). */
  | { kind: 'authority-key'; kids: string[] }
  /** No trust list (no signing key at all) is loaded, so the signer cannot be looked up. */
  | { kind: 'trust-list'; kid: string | null }
  /** The list that holds the signer (or, for an unknown signer, a list in use) is past its maximum age. */
  | { kind: 'current-trust-list'; list: TrustListState };

/** A loaded trust list as the officer is shown it beside every verdict. */
export interface TrustListState {
  /** 'signed': our CSCA-signed list; 'dsc': an unsigned list of signing certificates, trusted as loaded. */
  kind: 'signed' | 'dsc';
  /** Where it came from: file name or URL. */
  source: string;
  /** Whose list: the issuing country, when the list states it. */
  country?: string;
  /** The CSCA that signed it (subject), for signed lists. */
  csca?: string;
  version?: number;
  /** Seconds since the epoch (signed lists). */
  issuedAt?: number;
  ageSeconds?: number;
  maxAge?: number;
  stale: boolean;
  /** kids (base64) of the signing certificates it holds. */
  kids: readonly string[];
}

export interface OutcomeContext {
  /** Every trust list in use. */
  lists: readonly TrustListState[];
  /** The authority keys loaded to open sealed codes; a key without a kid is tried on every recipient. */
  openingKeys: ReadonlyArray<{ kid?: string }>;
}

export interface Outcome {
  verdict: VerdictKind;
  /** Empty unless the verdict is cannot-check. */
  missing: Missing[];
}

/**
 * A list's kids as a set, made once per kids array: a verifier asks for each valid code, and a
 * national DSC list holds hundreds of kids (a search through the array for every code otherwise).
 */
const kidSets = new WeakMap<readonly string[], ReadonlySet<string>>();
function kidSet(kids: readonly string[]): ReadonlySet<string> {
  let set = kidSets.get(kids);
  if (!set) kidSets.set(kids, (set = new Set(kids)));
  return set;
}

/** Classifies a verdict given what the verifier had loaded. */
export function outcomeOf(v: Verdict, ctx: OutcomeContext): Outcome {
  const stale = ctx.lists.filter((l) => l.stale);
  if (v.valid) {
    // Valid only against a list past its maximum age: a revocation or a withdrawn DSC since may be missing.
    const holders = v.kid ? ctx.lists.filter((l) => kidSet(l.kids).has(v.kid!)) : [];
    if (holders.length && holders.every((l) => l.stale)) return { verdict: 'cannot-check', missing: [{ kind: 'current-trust-list', list: newest(holders) }] };
    return { verdict: 'valid', missing: [] };
  }
  const codes = new Set(v.errors.map((e) => e.code));
  if (v.format === 'sealed' && codes.has('DECRYPT_FAILED') && !v.stages.sign1) {
    const kids = sealedRecipientKids(v);
    // A key that could open it was tried and failed: the code was altered (or the key is wrong), which is a verdict.
    const tried = ctx.openingKeys.some((k) => k.kid === undefined || kids.length === 0 || kids.includes(k.kid));
    if (!tried) return { verdict: 'cannot-check', missing: [{ kind: 'authority-key', kids }] };
    return { verdict: 'invalid', missing: [] };
  }
  if (codes.size === 1 && codes.has('KID_UNKNOWN')) {
    if (!ctx.lists.some((l) => l.kids.length > 0)) return { verdict: 'cannot-check', missing: [{ kind: 'trust-list', kid: v.kid }] };
    // A signer missing from a list past its maximum age may be in the current one.
    if (stale.length) return { verdict: 'cannot-check', missing: [{ kind: 'current-trust-list', list: newest(stale) }] };
  }
  return { verdict: 'invalid', missing: [] };
}

function newest(lists: readonly TrustListState[]): TrustListState {
  return [...lists].sort((a, b) => (b.issuedAt ?? 0) - (a.issuedAt ?? 0))[0];
}

/**
 * The kids (base64) a sealed code names as its recipients, read from the COSE_Encrypt without
 * opening it (docs/sealed-codes.md: recipient unprotected header 4, or protected). Empty when the
 * code is not sealed or its structure cannot be read.
 */
export function sealedRecipientKids(v: Pick<Verdict, 'format' | 'stages'>): string[] {
  const bytes = v.format === 'sealed' ? v.stages.cose : undefined;
  if (!bytes) return [];
  try {
    let msg: CborValue = decodeLenient(bytes, { maxCborDepth: 8, maxCborItems: 2000 });
    if (msg instanceof Tag) msg = msg.value as CborValue;
    if (!Array.isArray(msg) || !Array.isArray(msg[3])) return [];
    const kids: string[] = [];
    for (const r of msg[3].slice(0, 8)) {
      if (!Array.isArray(r)) continue;
      let kid = mapGet(r[1], HEADER.kid);
      if (!(kid instanceof Uint8Array) && r[0] instanceof Uint8Array && r[0].length) {
        try {
          kid = mapGet(decodeLenient(r[0], { maxCborDepth: 4, maxCborItems: 64 }), HEADER.kid);
        } catch {
          kid = undefined;
        }
      }
      if (kid instanceof Uint8Array && kid.length <= 64) kids.push(toBase64(kid));
    }
    return [...new Set(kids)];
  } catch {
    return [];
  }
}
