/**
 * The data-folder side of `ithc store`, bundled on its own (dist/cli-store.cjs): it brings SQLite,
 * which `ithc verify` never loads.
 */
import { existingDataFolder } from '../node/data-dir';
import { backupStore, BackupError, checkStoreFile, type BackupReport, type IntegrityReport } from '../server/store/sqlite';

export { BackupError };

export function checkDataFolder(data: string | undefined): { file: string; bytes: number; freeBytes?: number; report: IntegrityReport } {
  const { file } = existingDataFolder(data);
  return { file, ...checkStoreFile(file) };
}

export function backupDataFolder(data: string | undefined, out: string): { file: string; report: BackupReport } {
  const { file } = existingDataFolder(data);
  return { file, report: backupStore(file, out) };
}
