/** Where a local installation keeps its data: the folder given, else $ITHC_DATA_DIR, else ./.data. */
import { resolve } from 'node:path';

export function dataDir(explicit?: string): string {
  return resolve(explicit ?? process.env.ITHC_DATA_DIR ?? '.data');
}
