// Typings of build-cache.mjs (the build scripts are plain JavaScript run by node; tests import this one).
import type { BuildOptions, Metafile } from 'esbuild';

export const MANIFEST: string;

export interface BuildRecord {
  fingerprint: string;
  inputs: Record<string, string | null>;
  outputs: Record<string, string>;
}

export function stableJson(value: unknown): string;
export function fingerprint(value: unknown): string;
export function staleReason(record: BuildRecord | undefined, fp: string, hashOf: (file: string) => string | null): string | null;
export function inputsOf(metafile: Metafile, cwd: string, root: string): string[];
export function writeFileAtomic(path: string, data: string | Uint8Array): void;
export function writeIfChanged(path: string, data: string | Uint8Array): boolean;
/** A bundle's UTF-8 text with every character outside ASCII written as a \u{…} escape (build-cache.mjs says why it means the same). */
export function asciiOnly(bytes: Uint8Array): Uint8Array;

export class BuildCache {
  constructor(root: string, opts?: { force?: boolean; manifest?: string });
  readonly root: string;
  readonly file: string;
  readonly force: boolean;
  readonly startedAt: number;
  /** Keys built in this run, in order. */
  readonly built: string[];
  /** Keys found up to date. */
  readonly skipped: string[];
  /** Why each built key was built. */
  readonly reasons: Map<string, string>;
  records: Record<string, BuildRecord>;
  key(path: string): string;
  abs(key: string): string;
  hashOf(path: string): string | null;
  wrote(path: string, data: string | Uint8Array): void;
  fingerprint(options: unknown): string;
  staleReason(key: string, fp: string): string | null;
  record(key: string, fp: string, inputs: string[], outputs: string[]): void;
  run(
    key: string,
    options: unknown,
    work: (why: string) => Promise<{ inputs: string[]; outputs: string[] }> | { inputs: string[]; outputs: string[] },
  ): Promise<boolean>;
  note(key: string, wrote: boolean): void;
  writeOutput(path: string, data: string | Uint8Array): void;
  bundle(key: string, options: BuildOptions, post?: { asciiOnly?: boolean }): Promise<boolean>;
  save(): void;
}
