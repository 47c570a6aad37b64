/**
 * The verifier the CLI runs, built the same way on the main thread and in each worker from one
 * plain, structured-clonable settings object (so it crosses to worker_threads as is). Later options
 * (--rules, --country, --key) add fields here and to the command's option table.
 */
import { failedVerdict, type Verdict } from '../core/hcert';
import { validateDccSchemaPrecompiled } from '../core/dcc-schema-precompiled';
import { DEFAULT_LIMITS } from '../core/limits';
import { toProblem } from '../core/errors';
import { nodeCrypto, nodeCryptoPooled } from '../node/crypto-node';
import { jsonLine, textLine } from './report';
import type { Lang } from '../core/view';
import type { OpeningKey } from '../core/seal';
import { createVerifier, type LoadedList, type SealedOpenerFactory } from '../core/verifier';
import { entryRules } from '../core/verifier/rules';
import { accepted, type RuledVerdict, type RulesSetting } from './rules';

export interface VerifierSettings {
  /** The lists in use (core/verifier): --cert and DSC lists, signed trust lists, signed source lists. */
  lists: LoadedList[];
  /** Fixed validation clock (--at), seconds since the epoch; absent: the time of each check. */
  at?: number;
  json: boolean;
  /** The officer's language for text lines (--lang); JSON lines are the same in every language. */
  lang?: Lang;
  /** Destination-authority private keys (--key) that open sealed codes. */
  authorityKeys?: OpeningKey[];
  /** A destination's entry rules (--rules, --country), checked on every certificate that verifies. */
  rules?: RulesSetting;
  /** Check signatures on libuv's thread pool (nodeCryptoPooled) rather than on the calling thread. */
  pooled?: boolean;
}

export type VerifyFn = (code: string) => Promise<RuledVerdict>;

/**
 * Opens sealed codes, loading core/seal.ts on the first sealed code: the AES and P-256 code it pulls
 * in builds its tables as it loads, ~15 ms a thread that a batch of open codes never needs
 * (docs/performance.md).
 */
const lazyOpener: SealedOpenerFactory = (keys) => {
  let opener: Promise<(coseEncrypt: Uint8Array) => Promise<Uint8Array>> | undefined;
  return async (coseEncrypt) => {
    opener ??= import('../core/seal').then((m) => m.sealedOpener(keys));
    return (await opener)(coseEncrypt);
  };
};

export function makeVerifier(s: VerifierSettings): VerifyFn {
  const verifier = createVerifier({
    lists: s.lists,
    openingKeys: s.authorityKeys ?? [],
    // Always an opener: without --key a sealed code then says that no matching key was given.
    opener: lazyOpener,
    openWithoutKeys: true,
    ...(s.rules ? { rules: entryRules(s.rules) } : {}),
    crypto: s.pooled ? nodeCryptoPooled : nodeCrypto,
    validateDccSchema: validateDccSchemaPrecompiled,
    // The core's inflater (fflate into one reused buffer), not node:zlib, whose every call builds a
    // stream object and a native zlib state: measured over 20,000 codes, ~10 µs of CPU a code less.
  });
  // The CLI is an adapter: reading the machine's clock is its job, not the core's.
  const clock = s.at !== undefined ? () => s.at! : () => Math.floor(Date.now() / 1000);
  return async (code) => {
    const r = await verifier.verify(code, clock());
    const v: RuledVerdict = r.verdict;
    if (r.sources && v.certificate?.format === 'ithc') v.sources = r.certificateSources;
    v.outcome = r.outcome;
    v.checkedAt = r.now;
    if (r.rules !== undefined) v.rules = r.rules;
    return v;
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
 * Verifies a batch of lines and renders them in order. With `concurrent` (a pooled verifier) the
 * lines are verified at once: each decodes on this thread up to its signature check, which runs on
 * the thread pool, so the signatures of the whole batch are checked on every core while this thread
 * decodes. Otherwise one after the other, each verdict rendered and let go before the next code is
 * decoded, so that a batch's decoded codes are never all alive at once for the collector to copy.
 */
export async function verifyBatch(
  verify: VerifyFn,
  out: Pick<VerifierSettings, 'json' | 'lang'>,
  first: number,
  lines: readonly BatchLine[],
  concurrent = false,
): Promise<BatchResult> {
  let invalid = 0;
  let cannot = 0;
  const render = (v: RuledVerdict, i: number): string => {
    // Not accepted: invalid, or (with --rules) the destination's rules not met; or it could not be checked.
    const o = outcomeKind(v);
    if (o === 'invalid') invalid++;
    else if (o === 'cannot-check') cannot++;
    return (out.json ? jsonLine(v) : textLine(v, first + i, out.lang)) + '\n';
  };
  const one = (line: BatchLine): Promise<RuledVerdict> => (typeof line === 'number' ? Promise.resolve(oversize(line)) : verifySafely(verify, line.trim()));
  let text = '';
  if (concurrent) {
    const rendered = await Promise.all(lines.map(async (line, i) => render(await one(line), i)));
    text = rendered.join('');
  } else {
    for (let i = 0; i < lines.length; i++) text += render(await one(lines[i]), i);
  }
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
    return failedVerdict(toProblem(e));
  }
}

function oversize(length: number): Verdict {
  return failedVerdict({ code: 'SIZE_LIMIT', message: `line is ${length} characters; a code has at most ${DEFAULT_LIMITS.maxCodeLength}` });
}
