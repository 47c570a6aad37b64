/**
 * Runs once before the test files: the SQLite store's writes run in a thread whose script is built
 * (dist/sqlite-writer.cjs from server/store/sqlite-writer.ts), and every test that opens a store
 * from the sources starts it. Builds that one output when it is missing or older than the store.
 */
import { join } from 'node:path';
import { ROOT, ensureBundles } from './build';

export default async function globalSetup(): Promise<void> {
  await ensureBundles([join(ROOT, 'dist/sqlite-writer.cjs')], ['server/store', 'scripts/build.mjs'], ['dist/sqlite-writer.cjs']);
}
