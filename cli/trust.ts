/**
 * Trusted keys from files named on the command line: --cert (signing certificates: PEM, a PEM
 * bundle, DER or base64 DER) and --trust (DSC lists, core/dsc-list.ts; our signed trust and source
 * lists are set aside here and verified against --csca in seal-trust.ts). A file that cannot be read
 * or holds no usable certificate is a usage error; a bad entry inside a list is a warning, because
 * one broken entry among thousands must not stop a border check.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import type { TrustedKey } from '../core/keys';
import { DEFAULT_DSC_LIST_LIMITS, DscListError, readDscList } from '../core/dsc-list';
import { isSignedTrustList } from '../core/trustlist';
import { DEFAULT_SOURCE_LIST_LIMITS, isSignedSourceList } from '../core/sourcelist';
import { UsageError } from './args';

export interface LoadedTrust {
  keys: TrustedKey[];
  warnings: string[];
  /** Our signed trust lists among the --trust files, verified later against --csca (seal-trust.ts). */
  signed: Array<{ file: string; bytes: Uint8Array }>;
  /** Our signed source lists among the --trust files, verified later against --csca (seal-trust.ts). */
  sourceLists: Array<{ file: string; bytes: Uint8Array }>;
}

/** Writes a command's text output, and a newline, to --out's file when given, else to standard output. */
export function writeOutput(stdout: NodeJS.WritableStream, out: unknown, text: string): void {
  if (typeof out !== 'string') {
    stdout.write(text + '\n');
    return;
  }
  try {
    writeFileSync(out, text + '\n');
  } catch (e) {
    throw new UsageError(`cannot write ${out}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

export function readInputFile(path: string, what: string, maxBytes: number): Uint8Array {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new UsageError(`${what} ${path} is not a file`);
    size = st.size;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`cannot read ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  if (size > maxBytes) throw new UsageError(`${what} ${path} is ${size} bytes; at most ${maxBytes} are accepted`);
  try {
    const b = readFileSync(path);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  } catch (e) {
    throw new UsageError(`cannot read ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

export function loadTrust(certFiles: readonly string[], trustFiles: readonly string[]): LoadedTrust {
  const keys: TrustedKey[] = [];
  const warnings: string[] = [];
  for (const f of certFiles) {
    const bytes = readInputFile(f, 'certificate file', 1024 * 1024);
    const first = firstNonSpace(bytes);
    if (first === '[' || first === '{') throw new UsageError(`${f} looks like a DSC list; pass it with --trust`);
    const r = read(f, bytes);
    if (r.problems.length) throw new UsageError(`${f}: ${r.problems.map((p) => p.message).join('; ')}`);
    if (!r.keys.length) throw new UsageError(`${f} holds no certificate`);
    keys.push(...r.keys);
  }
  const signed: LoadedTrust['signed'] = [];
  const sourceLists: LoadedTrust['sourceLists'] = [];
  for (const f of trustFiles) {
    const bytes = readInputFile(f, 'trust list', Math.max(DEFAULT_DSC_LIST_LIMITS.maxBytes, DEFAULT_SOURCE_LIST_LIMITS.maxBytes));
    if (isSignedSourceList(bytes)) {
      sourceLists.push({ file: f, bytes });
      continue;
    }
    if (bytes.length > DEFAULT_DSC_LIST_LIMITS.maxBytes) throw new UsageError(`trust list ${f} is ${bytes.length} bytes; at most ${DEFAULT_DSC_LIST_LIMITS.maxBytes} are accepted`);
    if (isSignedTrustList(bytes)) {
      signed.push({ file: f, bytes });
      continue;
    }
    const r = read(f, bytes);
    for (const p of r.problems) warnings.push(`${f}: ${p.code}: ${p.message}`);
    if (!r.keys.length) warnings.push(`${f}: no usable signing certificate in this list`);
    keys.push(...r.keys);
  }
  return { keys, warnings, signed, sourceLists };
}

function read(file: string, bytes: Uint8Array): ReturnType<typeof readDscList> {
  try {
    return readDscList(bytes);
  } catch (e) {
    if (e instanceof DscListError) throw new UsageError(`${file}: ${e.message}`);
    throw e;
  }
}

function firstNonSpace(b: Uint8Array): string {
  for (let i = 0; i < b.length && i < 4096; i++) if (b[i] > 0x20) return String.fromCharCode(b[i]);
  return '';
}
