/**
 * Trusted keys from files named on the command line: --cert (signing certificates: PEM, a PEM
 * bundle, DER or base64 DER) and --trust (DSC lists, core/dsc-list.ts; our signed trust and source
 * lists are set aside here and verified against --csca in seal-trust.ts). A file that cannot be read
 * or holds no usable certificate is a usage error; a bad entry inside a list is a warning, because
 * one broken entry among thousands must not stop a border check.
 */
import { closeSync, openSync, readFileSync, readSync, statSync, writeFileSync } from 'node:fs';
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

/**
 * A file named on the command line, read whole and bounded. Besides regular files: "-" (standard
 * input) and pipes, FIFOs and character devices, so that `--trust <(curl -s URL)` works; their size
 * is unknown beforehand, so they are read up to the bound and refused past it.
 */
export function readInputFile(path: string, what: string, maxBytes: number): Uint8Array {
  let size: number;
  try {
    const st = statSync(path === '-' ? '/dev/stdin' : path);
    if (path === '-' || st.isFIFO() || st.isCharacterDevice() || st.isSocket()) return readStream(path, what, maxBytes);
    if (!st.isFile()) throw new UsageError(`${what} ${path} is not a file, a pipe or "-"`);
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

function readStream(path: string, what: string, maxBytes: number): Uint8Array {
  const name = path === '-' ? 'standard input' : path;
  let fd: number;
  let own = true;
  try {
    // /dev/stdin opens a blocking descriptor of its own, whatever mode fd 0 is in; a socket (as a
    // parent process's pipe may be) cannot be opened so, and is read through fd 0 itself.
    fd = openSync(path === '-' ? '/dev/stdin' : path, 'r');
  } catch (e) {
    if (path !== '-' || (e as NodeJS.ErrnoException).code !== 'ENXIO')
      throw new UsageError(`cannot read ${what} ${name}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    fd = 0;
    own = false;
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  try {
    for (;;) {
      const chunk = new Uint8Array(64 * 1024);
      let n: number;
      try {
        n = readSync(fd, chunk, 0, chunk.length, null);
      } catch (e) {
        // A non-blocking descriptor with nothing yet: wait a little and read again.
        if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
        Atomics.wait(pause, 0, 0, 10);
        continue;
      }
      if (n === 0) break;
      total += n;
      if (total > maxBytes) throw new UsageError(`${what} ${name} is more than ${maxBytes} bytes; at most ${maxBytes} are accepted`);
      chunks.push(chunk.subarray(0, n));
    }
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`cannot read ${what} ${name}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  } finally {
    if (own) closeSync(fd);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
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
    if (bytes.length > DEFAULT_DSC_LIST_LIMITS.maxBytes)
      throw new UsageError(`trust list ${f} is ${bytes.length} bytes; at most ${DEFAULT_DSC_LIST_LIMITS.maxBytes} are accepted`);
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
