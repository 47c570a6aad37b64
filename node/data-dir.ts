/** Where a local installation keeps its data: the folder given, else $ITHC_DATA_DIR, else ./.data. */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export function dataDir(explicit?: string): string {
  return resolve(explicit ?? process.env.ITHC_DATA_DIR ?? '.data');
}

const NO_DATA_FOLDER = 'NO_DATA_FOLDER: ';

/** An error saying what is missing from a data folder, which noDataFolder() recognises. */
export function noDataFolderError(message: string): Error {
  return new Error(`${NO_DATA_FOLDER}${message}`);
}

/**
 * The message of a noDataFolderError, or undefined for any other error. Recognised by its text: the
 * CLI's data-folder commands are bundles of their own (cli/apart.ts), each with its own classes.
 */
export function noDataFolder(e: unknown): string | undefined {
  return e instanceof Error && e.message.startsWith(NO_DATA_FOLDER) ? e.message.slice(NO_DATA_FOLDER.length) : undefined;
}

/**
 * The data folder (`data`, or dataDir's default) and its store file, which must exist: opening a
 * folder without one would make a new installation there (keys, a CSCA nobody trusts).
 */
export function existingDataFolder(data?: string): { dir: string; file: string } {
  const dir = dataDir(data);
  const file = join(dir, 'ithc.sqlite');
  if (!existsSync(file)) throw noDataFolderError(`no ITHC data folder at ${dir} (run "npm start" or "npm run demo" first, or give --data DIR)`);
  return { dir, file };
}
