// Incremental builds: an output is built again only when something it was made from changed.
//
// Each output is recorded in a manifest (dist/.build-manifest.json; dist/ is git-ignored) with what
// made it: a fingerprint of its build options and of the installed packages (package-lock.json), the
// content hash of every file the build read (esbuild's metafile lists them, node_modules included),
// and the content hash of every file it wrote. A build skips an output whose record still holds and
// rebuilds any other: one never built, one whose options, packages or inputs changed, one whose output
// file is missing or was changed since. Content hashes rather than mtimes: git checkout and copies give
// unchanged files new times (so a touched file builds nothing), and a tool can keep an old mtime on a
// changed file. A file's hash is taken again only when its stat (size, mtime, ctime, inode) changed
// since it was last hashed (readHash): a build with nothing changed then reads ~900 stats instead of
// hashing ~90 MB.
//
// Steps that are not esbuild bundles either record their inputs the same way (BuildCache.run) or
// compute their output every time and write it only when it differs (writeIfChanged).
//
// This module takes the repository root as a parameter (no import.meta), so tests can use it on small
// fixtures.
import { isAscii } from 'node:buffer';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

/** Where the manifest lives, relative to the root. */
export const MANIFEST = 'dist/.build-manifest.json';
/** Bumped when the manifest's shape or meaning changes: an older manifest is then ignored. */
const MANIFEST_VERSION = 1;
/** How long a file must have been unchanged when hashed for its stat to stand for its hash later (readHash). */
const STABLE_MS = 2000;
/** package.json fields that change how esbuild resolves or compiles our own files. */
const PACKAGE_FIELDS = ['type', 'imports', 'exports', 'main', 'module', 'browser', 'sideEffects'];

const sha256 = (data) => createHash('sha256').update(data).digest('hex');

/**
 * JSON with object keys sorted, functions as their source text and regular expressions as their
 * source: two option objects that would build the same thing give the same text.
 */
export function stableJson(value) {
  return JSON.stringify(value, (_key, v) => {
    if (typeof v === 'function') return `function:${String(v)}`;
    if (v instanceof RegExp) return `regexp:${String(v)}`;
    if (v instanceof Uint8Array) return `bytes:${sha256(v)}`;
    if (v && typeof v === 'object' && !Array.isArray(v))
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, v[k]]),
      );
    return v;
  });
}

/** A short digest of `value` (stableJson). */
export const fingerprint = (value) => sha256(stableJson(value));

/**
 * Why an output must be built again, or null when its record still holds. `hashOf` gives a file's
 * current content hash (null when absent). Outputs are checked first: a missing one is the cheap,
 * common case after a clean.
 * @param {{ fingerprint: string, inputs: Record<string, string | null>, outputs: Record<string, string> } | undefined} record
 * @param {string} fp
 * @param {(file: string) => string | null} hashOf
 * @returns {string | null}
 */
export function staleReason(record, fp, hashOf) {
  if (!record) return 'not built before';
  if (record.fingerprint !== fp) return 'build options or packages changed';
  for (const [file, hash] of Object.entries(record.outputs)) {
    const now = hashOf(file);
    if (now !== hash) return now === null ? `${file} is missing` : `${file} was changed`;
  }
  for (const [file, hash] of Object.entries(record.inputs)) {
    const now = hashOf(file);
    if (now !== hash) return hash === null ? `${file} appeared` : now === null ? `${file} was removed` : `${file} changed`;
  }
  return null;
}

/**
 * The files an esbuild build read (its metafile, run from `cwd`), as absolute paths, with the
 * tsconfig.json / jsconfig.json files that govern them: esbuild takes compiler options such as
 * useDefineForClassFields from the nearest one, up to `root`.
 * @param {import('esbuild').Metafile} metafile
 */
export function inputsOf(metafile, cwd, root) {
  const files = Object.keys(metafile.inputs)
    // <stdin> and namespaced modules (a plugin's, "disabled:") are not files: what made them is in the options.
    .filter((f) => !/^<.*>$/.test(f) && !/^[a-z][a-z0-9-]*:/i.test(f))
    .map((f) => resolve(cwd, f));
  const configs = new Set();
  const seen = new Set();
  for (const f of files) {
    const rel = relative(root, f);
    if (rel.startsWith('..') || isAbsolute(rel) || rel.split(sep).includes('node_modules')) continue;
    for (let d = dirname(f); !seen.has(d); d = dirname(d)) {
      seen.add(d);
      for (const n of ['tsconfig.json', 'jsconfig.json']) if (existsSync(join(d, n))) configs.add(join(d, n));
      if (d === root) break;
    }
  }
  return [...files, ...configs];
}

/** Writes a file beside its place and renames it over: a reader sees the old content or the new, never half. */
export function writeFileAtomic(path, data) {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

/** Writes `data` (atomically) unless the file already holds exactly it; returns whether it wrote. */
export function writeIfChanged(path, data) {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  if (existsSync(path) && Buffer.compare(readFileSync(path), bytes) === 0) return false;
  writeFileAtomic(path, bytes);
  return true;
}

/**
 * The manifest of one build run: decides what to build, records what was built, and reports both.
 * Create one per run, pass it to every step, then save() it.
 */
/** How far a file's time may lag behind the clock that read it (a kernel tick, with room). */
const COARSE_CLOCK_MS = 20;

/**
 * A bundle's text with every character outside ASCII written as a `\u{…}` escape. esbuild escapes
 * them in strings, template literals, regular expressions and identifiers (its default charset),
 * where such an escape means the character itself, but not in comments, where it is only text; so
 * only comments change. One non-ASCII character, say a "−" in a dependency's comment, makes V8
 * hold the whole source as two bytes a character, and the loader read it as UTF-8 and hash its
 * text (bin/code-cache.js): 9.2 ms for the CLI's 1.7 MB bundle, against 2.8 ms as ASCII.
 * @param {Uint8Array} bytes  UTF-8
 * @returns {Uint8Array}
 */
export function asciiOnly(bytes) {
  if (isAscii(bytes)) return bytes;
  const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  // These two end a line even inside a // comment, which their escape would not.
  if (/[\u2028\u2029]/u.test(text)) throw new Error('a bundle holds U+2028 or U+2029 outside a string: it cannot be made ASCII by escaping');
  return new TextEncoder().encode(text.replace(/[^\x00-\x7f]/gu, (c) => `\\u{${c.codePointAt(0).toString(16)}}`));
}

export class BuildCache {
  /**
   * @param {string} root  the repository root; recorded paths are relative to it
   * @param {{ force?: boolean, manifest?: string }} [opts]  force: build everything, whatever the manifest says
   */
  constructor(root, opts = {}) {
    this.root = resolve(root);
    this.file = resolve(this.root, opts.manifest ?? MANIFEST);
    this.force = opts.force ?? false;
    /**
     * Taken before any file is hashed: an input changed after it may not be what the build read.
     * With its fraction of a millisecond, so a file written just before the run is not taken for one
     * written during it (file times are finer than Date.now()).
     */
    this.startedAt = performance.timeOrigin + performance.now();
    /** @type {string[]} keys built in this run, in order */
    this.built = [];
    /** @type {string[]} keys found up to date */
    this.skipped = [];
    /** @type {Map<string, string>} why each built key was built */
    this.reasons = new Map();
    /** @type {Map<string, string | null>} content hashes read or written in this run */
    this.hashes = new Map();
    /** Files this run wrote: their new times are ours, not an edit racing the build. */
    this.written = new Set();
    /** @type {Map<string, object | null>} records to store (null: forget) */
    this.changes = new Map();
    const stored = this.load();
    this.records = stored.outputs;
    /** @type {Record<string, { hash: string, size: number, mtimeMs: number, ctimeMs: number, ino: number, hashedAt: number }>} */
    this.stats = stored.files;
    /** Stat entries taken in this run, merged into the manifest on save. */
    this.newStats = new Map();
    const pkg = this.readJson('package.json') ?? {};
    /** What every fingerprint includes: the installed packages and how our own package.json shapes resolution. */
    this.environment = {
      lock: this.hashOf('package-lock.json'),
      package: Object.fromEntries(PACKAGE_FIELDS.filter((k) => k in pkg).map((k) => [k, pkg[k]])),
    };
  }

  /** The manifest as stored: { outputs: records by key, files: hashes by path with the stat they were taken at }. */
  load() {
    try {
      const m = JSON.parse(readFileSync(this.file, 'utf8'));
      if (m && m.version === MANIFEST_VERSION && m.outputs && typeof m.outputs === 'object') return { outputs: m.outputs, files: m.files ?? {} };
    } catch {
      // Missing or unreadable: everything is built, and a new manifest written.
    }
    return { outputs: {}, files: {} };
  }

  readJson(file) {
    try {
      return JSON.parse(readFileSync(this.abs(file), 'utf8'));
    } catch {
      return undefined;
    }
  }

  /** A recorded path: relative to the root with forward slashes, absolute when outside it. */
  key(path) {
    const abs = resolve(this.root, path);
    const rel = relative(this.root, abs);
    return rel.startsWith('..') || isAbsolute(rel) ? abs : rel.split(sep).join('/');
  }

  abs(key) {
    return resolve(this.root, key);
  }

  /** A file's content hash (null when absent), read once per run. */
  hashOf(path) {
    // Most calls pass a recorded key: found without normalising the path again.
    if (this.hashes.has(path)) return this.hashes.get(path);
    const k = this.key(path);
    if (!this.hashes.has(k)) this.hashes.set(k, this.readHash(k));
    return this.hashes.get(k);
  }

  /**
   * A file's content hash, or the one stored with its stat when nothing about the file changed since.
   * The stat includes the change time (ctime), which every write, rename or metadata change moves
   * and no tool can set back (touch -d, cp -p and rsync keep an old mtime, not an old ctime), and the
   * stored hash is trusted only when the file had not changed for STABLE_MS before it was hashed, so
   * a write in the same clock tick as the hashing is caught (git's "racily clean" rule). Hashing
   * everything instead costs ~0.2 s more per build here, mostly the 40 MB of fonts.
   */
  readHash(k) {
    const hashedAt = Date.now();
    const st = statSync(this.abs(k), { throwIfNoEntry: false });
    if (!st || !st.isFile()) return null;
    const known = this.stats[k];
    if (
      known &&
      known.size === st.size &&
      known.mtimeMs === st.mtimeMs &&
      known.ctimeMs === st.ctimeMs &&
      known.ino === st.ino &&
      known.ctimeMs < known.hashedAt - STABLE_MS
    )
      return known.hash;
    let hash;
    try {
      hash = sha256(readFileSync(this.abs(k)));
    } catch (e) {
      if (e.code === 'ENOENT') return null;
      throw e;
    }
    this.newStats.set(k, { hash, size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino, hashedAt });
    return hash;
  }

  /** Records bytes this run wrote to `path` (so later steps that read the file see its new hash). */
  wrote(path, data) {
    const k = this.key(path);
    this.hashes.set(k, sha256(data));
    this.written.add(k);
  }

  /** The fingerprint of `options` together with the environment every build shares. */
  fingerprint(options) {
    return fingerprint({ options, environment: this.environment });
  }

  /** Why `key` must be built (null when up to date); always a reason when forced. */
  staleReason(key, fp) {
    if (this.force) return 'forced';
    return staleReason(this.records[key], fp, (f) => this.hashOf(f));
  }

  /**
   * Records that `key` was built with fingerprint `fp` from `inputs` into `outputs` (paths). When an
   * input was modified while the build ran, what the build read is unknown: the record is dropped,
   * so the next build makes the output again.
   */
  record(key, fp, inputs, outputs) {
    const inputKeys = [...new Set(inputs.map((f) => this.key(f)))].sort();
    // File times come from the kernel's coarse clock, up to a tick (4–10 ms) behind the time read
    // here: a write just after the start can carry a time just before it. Erring early costs one
    // more build; erring late would trust an output built from what is no longer the source.
    const racing = inputKeys.some(
      (k) => !this.written.has(k) && (statSync(this.abs(k), { throwIfNoEntry: false })?.ctimeMs ?? 0) >= this.startedAt - COARSE_CLOCK_MS,
    );
    if (racing) {
      delete this.records[key];
      this.changes.set(key, null);
      return;
    }
    const outputKeys = [...new Set(outputs.map((f) => this.key(f)))].sort();
    // An output the step wrote without writeOutput: its hash read before the step is stale.
    for (const k of outputKeys) if (!this.written.has(k)) this.hashes.delete(k);
    const rec = {
      fingerprint: fp,
      inputs: Object.fromEntries(inputKeys.map((k) => [k, this.hashOf(k)])),
      outputs: Object.fromEntries(outputKeys.map((k) => [k, this.hashOf(k)])),
    };
    this.records[key] = rec;
    this.changes.set(key, rec);
  }

  /**
   * Runs `work` for `key` unless its record holds; resolves to whether it ran. `work` returns the
   * files it read and the files it wrote (it writes them through `this.wrote` or writeOutput).
   * @param {string} key
   * @param {unknown} options  everything besides the input files that decides the output
   * @param {() => Promise<{ inputs: string[], outputs: string[] }> | { inputs: string[], outputs: string[] }} work
   */
  async run(key, options, work) {
    const fp = this.fingerprint(options);
    const why = this.staleReason(key, fp);
    if (!why) {
      this.skipped.push(key);
      return false;
    }
    this.reasons.set(key, why);
    const { inputs, outputs } = await work(why);
    this.record(key, fp, inputs, outputs);
    this.built.push(key);
    return true;
  }

  /** Reports a step that decides for itself (writeIfChanged): `key` as built when it wrote, else as up to date. */
  note(key, wrote) {
    (wrote ? this.built : this.skipped).push(key);
    if (wrote) this.reasons.set(key, 'its content changed');
  }

  /** Writes an output atomically and notes its hash. */
  writeOutput(path, data) {
    writeFileAtomic(path, data);
    this.wrote(path, data);
  }

  /**
   * Builds one esbuild bundle unless its record holds; resolves to whether it built. Inputs are what
   * esbuild's metafile says it read, plus the tsconfig.json files that govern them (esbuild reads
   * compiler options such as target and useDefineForClassFields from the nearest one).
   * @param {string} key  usually the output path
   * @param {import('esbuild').BuildOptions} options  with absWorkingDir and outfile or outdir
   * @param {{ asciiOnly?: boolean }} [post]  asciiOnly: the output in ASCII alone (asciiOnly below)
   */
  bundle(key, options, post = {}) {
    return this.run(key, { ...options, post }, async () => {
      // Imported when something is built: a build with nothing to do never starts esbuild.
      const { build: esbuild } = await import('esbuild');
      const result = await esbuild({ ...options, metafile: true, write: false });
      for (const f of result.outputFiles) this.writeOutput(f.path, post.asciiOnly ? asciiOnly(f.contents) : f.contents);
      return { inputs: inputsOf(result.metafile, options.absWorkingDir ?? process.cwd(), this.root), outputs: result.outputFiles.map((f) => f.path) };
    });
  }

  /** Stores the records of this run, merged into the manifest as it is now (another build may have run meanwhile). */
  save() {
    if (!this.changes.size && !this.newStats.size) return;
    const { outputs, files } = this.load();
    for (const [k, rec] of this.changes) {
      if (rec) outputs[k] = rec;
      else delete outputs[k];
    }
    for (const [k, st] of this.newStats) files[k] = st;
    // Stat entries only for files some record names: the manifest does not grow with every file ever hashed.
    const named = new Set(Object.values(outputs).flatMap((r) => [...Object.keys(r.inputs), ...Object.keys(r.outputs)]));
    const kept = Object.fromEntries(Object.entries(files).filter(([k]) => named.has(k)));
    writeFileAtomic(this.file, JSON.stringify({ version: MANIFEST_VERSION, outputs, files: kept }) + '\n');
    this.changes.clear();
    this.newStats.clear();
  }
}
