/**
 * The server side of `ithc trustlist export`, bundled on its own (dist/cli-trustlist.cjs): it opens
 * a local data folder through node/local.ts, which brings the whole server (SQLite, PDF fonts, ...).
 * Kept out of dist/cli.cjs so that `ithc verify` starts without parsing any of it.
 */
import { existingDataFolder } from '../node/data-dir';
import { openLocalApp } from '../node/local';
import { publishDscList } from '../server/trust/dsc-list';
import { publishAppTrustList } from '../server/trust/signed-list';
import { publishAppSourceList } from '../server/trust/source-list';

export interface ExportRequest {
  data?: string;
  signed: boolean;
  /** Our signed source list instead of a trust list. */
  sources?: boolean;
}

/** The list as JSON text; throws existingDataFolder's error when there is no data folder. */
export async function exportTrustList(req: ExportRequest): Promise<string> {
  const { dir } = existingDataFolder(req.data);
  const app = await openLocalApp(dir);
  try {
    const value = req.sources
      ? (await publishAppSourceList(app)).envelope
      : req.signed
        ? (await publishAppTrustList(app)).envelope
        : await publishDscList(app.keys, app.config.country, app.clock.now());
    return JSON.stringify(value, null, 2);
  } finally {
    await app.store.close();
  }
}
