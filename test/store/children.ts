/**
 * Bundles the store's child processes for tests that run them (sqlite.test.ts, the CLI's store
 * test): each with esbuild into `dir`, and beside them the store's writer thread as
 * scripts/build.mjs bundles it for dist/ (better-sqlite3 stays a native module, found through
 * NODE_PATH, see childEnv). Not a test file itself.
 */
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

/** The children, by the name of their bundle. */
const CHILDREN = {
  'crash-child.cjs': { source: 'crash-child.ts', external: [] },
  'crash-batch-child.cjs': { source: 'crash-batch-child.ts', external: [] },
  'exit-child.cjs': { source: 'exit-child.ts', external: [] },
  'writer-kill-points.cjs': { source: 'writer-kill-points.ts', external: ['./sqlite-writer.cjs'] },
} as const;

export type StoreChild = keyof typeof CHILDREN;

export async function bundleStoreChildren(dir: string, children: readonly StoreChild[]): Promise<void> {
  const bundle = (source: string, out: string, external: readonly string[] = []) =>
    build({
      entryPoints: [source],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      outfile: join(dir, out),
      external: ['better-sqlite3', ...external],
      logLevel: 'silent',
    });
  await Promise.all([
    ...children.map((c) => bundle(resolve(__dirname, CHILDREN[c].source), c, CHILDREN[c].external)),
    bundle(resolve(__dirname, '../../server/store/sqlite-writer.ts'), 'sqlite-writer.cjs'),
  ]);
}

/** The environment a bundled child runs in: better-sqlite3 from the project's node_modules. */
export function childEnv(): NodeJS.ProcessEnv {
  return { ...process.env, NODE_PATH: resolve(__dirname, '../../node_modules') };
}
