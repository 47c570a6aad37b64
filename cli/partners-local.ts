/**
 * The server side of `ithc partners`, bundled on its own (dist/cli-partners.cjs): it opens a local
 * data folder through node/local.ts (SQLite and the whole server), which `ithc verify` never loads.
 */
import { existingDataFolder } from '../node/data-dir';
import { openLocalApp } from '../node/local';
import { isServiceError } from '../server/errors';
import type { App } from '../server/app';

/** A failure to show the operator: a message and, for a refused file, what is wrong field by field. */
export class PartnersFailure extends Error {
  constructor(
    message: string,
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'PartnersFailure';
  }
}

async function withApp<T>(data: string | undefined, fn: (app: App) => Promise<T>): Promise<T> {
  const { dir } = existingDataFolder(data);
  const app = await openLocalApp(dir);
  try {
    return await fn(app);
  } catch (e) {
    if (isServiceError(e)) throw new PartnersFailure(e.message, e.fields ?? {});
    throw e;
  } finally {
    await app.store.close();
  }
}

export interface PartnerLine {
  country: string;
  name: { zh: string; en: string };
  accepts: string[];
  keys: number;
  rules: number;
  rulesInForce: boolean;
  sealed: boolean;
  signingCertificates: number;
}

export function listPartners(data?: string): Promise<PartnerLine[]> {
  return withApp(data, async (app) => {
    const docs = await app.partners.list();
    const summaries = await app.partners.summaries();
    return docs.map((d, i) => ({
      country: d.country,
      name: d.name,
      accepts: d.accepts,
      keys: d.encryptionKeys.length,
      rules: d.rules.length,
      rulesInForce: summaries[i].hasRules,
      sealed: summaries[i].sealed,
      signingCertificates: d.signingCertificates.length,
    }));
  });
}

export function exportPartners(data?: string): Promise<string> {
  return withApp(data, async (app) => JSON.stringify(await app.partners.exportAll(), null, 2));
}

export function importPartners(json: unknown, actor: string, data?: string): Promise<{ imported: number; countries: string[] }> {
  return withApp(data, (app) => app.partners.importAll(json, actor));
}
