/**
 * Codes for the build to verify before it makes a bundle's V8 code cache (scripts/build.mjs,
 * bin/code-cache.js): a cache holds the bytecode of the functions that ran before it was made, so
 * the CLI exercised on real codes starts its first verification without compiling them.
 *
 *   node dist/build/code-cache-sample.cjs DIR N   writes DIR/codes.txt (N codes) and DIR/dsc.json
 *
 * The key is made now and dies with the process: the codes are valid, signed by a document signer
 * nobody else trusts, and nothing of the key reaches the cache (it holds compiled code, not data).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dscList, makeDsc, sampleDcc, signDcc } from '../bench/fixtures';

const DAY = 86400;

async function main([dir, count]: string[]): Promise<void> {
  const n = Number(count);
  if (!dir || !Number.isInteger(n) || n < 1 || n > 10_000) throw new Error('usage: code-cache-sample DIR N (1..10000)');
  const dsc = makeDsc({ country: 'XX', usage: ['v', 't', 'r'] });
  const now = Math.floor(Date.now() / 1000);
  const codes: string[] = [];
  for (let i = 0; i < n; i++) codes.push(await signDcc(dsc, sampleDcc(i), { iat: now - DAY, exp: now + 30 * DAY }));
  writeFileSync(join(dir, 'codes.txt'), codes.join('\n') + '\n');
  writeFileSync(join(dir, 'dsc.json'), dscList([dsc]));
}

main(process.argv.slice(2)).catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
