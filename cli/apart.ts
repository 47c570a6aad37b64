/**
 * Parts of the CLI bundled on their own and loaded only by the command that needs them: the
 * server code of `trustlist export`, `partners`, `keys rotate-kek` and `store`, and the image and PDF
 * reader (which imports pdf.js with import(), which the CLI's bundle, loaded with its code cache,
 * may not hold: bin/code-cache.js).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * From dist/cli.cjs, the bundle `bundle` beside it; from source (tests), the TypeScript module
 * `source` of cli/. The computed path keeps esbuild from bundling it into the CLI.
 */
export function loadApart<T>(bundle: string, source: string): T {
  const bundled = join(__dirname, bundle);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on demand from a computed path (above)
  return require(existsSync(bundled) ? bundled : source) as T;
}
