/**
 * The verifier the CLI runs, built the same way on the main thread and in each worker from one
 * plain, structured-clonable settings object (so it crosses to worker_threads as is). Later options
 * (--rules, --country, --key) add fields here and to the command's option table.
 */
import { verifyCode, type Verdict } from '../core/hcert';
import { KeyStore, type TrustedKey } from '../core/keys';
import { validateDccSchemaPrecompiled } from './dcc-schema-precompiled';
import { DEFAULT_LIMITS } from '../core/limits';
import { toProblem, type Problem } from '../core/errors';
import { nodeCrypto, nodeCryptoPooled } from '../node/crypto-node';
import { jsonLine, textLine } from './report';
import { HashRevocationList } from '../core/revocation';
import type { OpeningKey } from '../core/seal';
import type { RevocationEntry } from '../core/trustlist';
import { SourceDirectory, sourcesOfCertificate, type SourceListEntry } from '../core/sourcelist';
import { accepted, withRules, type RuledVerdict, type RulesSetting } from './rules';
import { outcomeOf, type OutcomeContext } from '../core/outcome';
import { toBase64 } from '../core/bytes';

export interface VerifierSettings {
  keys: TrustedKey[];
  /** Fixed validation clock (--at), seconds since the epoch; absent: the time of each check. */
  at?: number;
  json: boolean;
  /** Destination-authority private keys (--key) that open sealed codes. */
  authorityKeys?: OpeningKey[];
  /** Revocation entries from signed trust lists. */
  revocation?: RevocationEntry[];
  /** A destination's entry rules (--rules, --country), checked on every certificate that verifies. */
  rules?: RulesSetting;
  /** Check signatures on libuv's thread pool (nodeCryptoPooled) rather than on the calling thread. */
  pooled?: boolean;
  /** Entries of signed source lists (--trust): the names of sources certificates give by code. */
  sources?: SourceListEntry[];
  /** The lists in use and the authority keys' kids: what decides valid, invalid or cannot check (core/outcome.ts). */
  outcome?: OutcomeContext;
}

export type VerifyFn = (code: string) => Promise<RuledVerdict>;

export function makeVerifier(s: VerifierSettings): VerifyFn {
  const keys = new KeyStore(s.keys);
  const validateDccSchema = validateDccSchemaPrecompiled;
  // The CLI is an adapter: reading the machine's clock is its job, not the core's.
  const clock = s.at !== undefined ? () => s.at! : () => Math.floor(Date.now() / 1000);
  // Always an opener: without --key a sealed code then says that no matching key was given.
  // Loaded on the first sealed code: the AES and P-256 code it pulls in builds its tables as it
  // loads, ~15 ms a thread that a batch of open codes never needs (docs/performance.md).
  const authorityKeys = s.authorityKeys ?? [];
  let opener: Promise<(coseEncrypt: Uint8Array) => Promise<Uint8Array>> | undefined;
  const openSealed = async (coseEncrypt: Uint8Array): Promise<Uint8Array> => {
    opener ??= import('../core/seal').then((m) => m.sealedOpener(authorityKeys));
    return (await opener)(coseEncrypt);
  };
  const revocation = s.revocation?.length ? new HashRevocationList() : undefined;
  for (const r of s.revocation ?? []) revocation!.add(r.kid, r.type, r.hash);
  const rules = s.rules;
  const crypto = s.pooled ? nodeCryptoPooled : nodeCrypto;
  const sources = s.sources?.length ? new SourceDirectory(s.sources) : undefined;
  // Without a context of the lists (a caller that passes keys alone): the keys as one current list.
  const outcomeContext: OutcomeContext = s.outcome ?? {
    lists: s.keys.length ? [{ kind: 'dsc', source: '--cert/--trust', stale: false, kids: s.keys.map((k) => toBase64(k.kid)) }] : [],
    openingKeys: authorityKeys.map((k) => (k.kid ? { kid: toBase64(k.kid) } : {})),
  };
  return async (code) => {
    const now = clock();
    const v: RuledVerdict = await verifyCode(code, { keys, now, crypto, validateDccSchema, openSealed, revocation });
    // Only a verified certificate's sources are looked up: nothing unverified is shown as content.
    if (sources && v.certificate?.format === 'ithc') v.sources = sourcesOfCertificate(v.certificate.ithc, sources);
    v.outcome = outcomeOf(v, outcomeContext);
    return rules ? withRules(v, rules, now) : v;
  };
}

/**
 * One input line of a batch: its text, or the length of a line too long to keep (the reader drops
 * such a line's content as it streams past, so an endless line cannot fill memory).
 */
export type BatchLine = string | number;

export interface BatchResult {
  /** One output line per input line, each ending in "\n"; UTF-8 bytes when it comes from a worker. */
  output: string | Uint8Array;
  invalid: number;
  /** Not accepted for want of something (a key, a current trust list), none of them invalid. */
  cannot: number;
}

/**
 * Verifies a batch of lines and renders them in order. The lines are verified at once: each
 * decodes on this thread up to its signature check, which runs on the thread pool, so the
 * signatures of the whole batch are checked on every core while this thread decodes.
 */
export async function verifyBatch(verify: VerifyFn, json: boolean, first: number, lines: readonly BatchLine[]): Promise<BatchResult> {
  const verdicts = await Promise.all(lines.map((line) => (typeof line === 'number' ? oversize(line) : verifySafely(verify, line.trim()))));
  let text = '';
  let invalid = 0;
  let cannot = 0;
  verdicts.forEach((v, i) => {
    // Not accepted: invalid, or (with --rules) the destination's rules not met; or it could not be checked.
    const o = outcomeKind(v);
    if (o === 'invalid') invalid++;
    else if (o === 'cannot-check') cannot++;
    text += (json ? jsonLine(v) : textLine(v, first + i)) + '\n';
  });
  return { output: text, invalid, cannot };
}

/** What a code counts as for the exit status: cannot-check only when nothing about it is invalid. */
export function outcomeKind(v: RuledVerdict): 'valid' | 'invalid' | 'cannot-check' {
  const o = v.outcome?.verdict ?? (v.valid ? 'valid' : 'invalid');
  if (o === 'valid') return accepted(v) ? 'valid' : 'invalid';
  return o;
}

/** A batch must go on past a code that trips a bug: that code gets an error of its own instead. */
export async function verifySafely(verify: VerifyFn, code: string): Promise<RuledVerdict> {
  try {
    return await verify(code);
  } catch (e) {
    return failed(toProblem(e));
  }
}

function oversize(length: number): Verdict {
  return failed({ code: 'SIZE_LIMIT', message: `line is ${length} characters; a code has at most ${DEFAULT_LIMITS.maxCodeLength}` });
}

function failed(p: Problem): Verdict {
  return { valid: false, format: null, kid: null, issuer: null, alg: null, issuedAt: null, expiresAt: null, certificate: null, signer: null, errors: [p], stages: { code: '' } };
}
