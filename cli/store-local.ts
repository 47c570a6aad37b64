/**
 * The data-folder side of `ithc store`, bundled on its own (dist/cli-store.cjs): it brings SQLite,
 * which `ithc verify` never loads.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { dataDir } from '../node/data-dir';
import { backupStore, BackupError, fileSpace, integrityCheck, type BackupReport, type IntegrityReport } from '../server/store/sqlite';

export { BackupError };

/** No data folder where one was expected: a usage problem (exit 2). */
export class NoDataFolder extends Error {
  constructor(dir: string) {
    super(`no ITHC data folder at ${dir} (give --data DIR, or set ITHC_DATA_DIR)`);
    this.name = 'NoDataFolder';
  }
}

/** The store file of the data folder, which must exist: opening a missing one would make a new, empty store. */
function storeFile(data: string | undefined): string {
  const dir = dataDir(data);
  const file = join(dir, 'ithc.sqlite');
  if (!existsSync(file)) throw new NoDataFolder(dir);
  return file;
}

export function checkDataFolder(data: string | undefined): { file: string; bytes: number; freeBytes?: number; report: IntegrityReport } {
  const file = storeFile(data);
  const report = integrityCheck(file);
  // A damaged file may not even say its page count: its size alone, then.
  return { file, ...(report.ok ? fileSpace(file) : { bytes: statSync(file).size }), report };
}

export function backupDataFolder(data: string | undefined, out: string): { file: string; report: BackupReport } {
  const file = storeFile(data);
  return { file, report: backupStore(file, out) };
}
