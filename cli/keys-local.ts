/**
 * The data-folder side of `ithc keys rotate-kek`, bundled on its own (dist/cli-keys.cjs): it opens
 * the folder's store, which brings SQLite, so dist/cli.cjs stays without it.
 *
 * Rotating the KEK of a local data folder (docs/keys.md): the current KEK becomes `kek-previous`, a
 * new one `kek`; every wrapped key is re-wrapped under the new one; then `kek-previous` is removed.
 * Each step leaves every key readable, and running the command again after a crash finishes the
 * rotation instead of starting another. Stop the local server first: one still running holds the
 * old KEK and would wrap new keys under it.
 */
import { join } from 'node:path';
import { existingDataFolder, noDataFolderError } from '../node/data-dir';
import { systemClock } from '../server/clock';
import { FileSecretStore } from '../server/keys/secrets';
import { KEK_SECRET, KeyVault, PREVIOUS_KEK_SECRET, loadKekRing, newKekText, type RewrapReport } from '../server/keys/vault';
import { openSqliteStore } from '../server/store/sqlite';

export async function rotateLocalKek(data?: string): Promise<RewrapReport> {
  const { dir, file } = existingDataFolder(data);
  const secrets = new FileSecretStore(join(dir, 'secrets'));
  const current = await secrets.get(KEK_SECRET);
  if (current === undefined) throw noDataFolderError(`${dir} has no KEK (secrets/${KEK_SECRET}); it was never started`);
  const previous = await secrets.get(PREVIOUS_KEK_SECRET);
  // No rotation under way (or one that stopped before the new KEK was written): start one.
  if (previous === undefined || previous.trim() === current.trim()) {
    await secrets.put(PREVIOUS_KEK_SECRET, current);
    await secrets.put(KEK_SECRET, newKekText());
  }
  const store = openSqliteStore(file);
  try {
    const report = await new KeyVault(store, await loadKekRing(secrets), systemClock).rewrap();
    if (report.unreadable.length === 0) await secrets.delete(PREVIOUS_KEK_SECRET);
    return report;
  } finally {
    await store.close();
  }
}
