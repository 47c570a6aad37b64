/**
 * The import rules (.dependency-cruiser.cjs, run by `npm test` through scripts/checks.mjs) bite: on
 * a small tree laid out like the repository, with one breach of each rule next to imports the rules
 * allow, dependency-cruiser reports exactly the breaches. Every rule of the configuration has a
 * breach here, so a rule that stops matching, or a new rule without one, fails this test.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ROOT } from '../support/build';

const CONFIG = join(ROOT, '.dependency-cruiser.cjs');
const DEPCRUISE = join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
const RULES: string[] = (require(CONFIG) as { forbidden: Array<{ name: string }> }).forbidden.map((r) => r.name);

/** Imports the rules allow: a layer using one below it, the compositions using demo data, tests using anything. */
const ALLOWED: Record<string, string> = {
  'core/cbor.ts': 'export const cbor = 1;\n',
  'core/hcert.ts': "import { cbor } from './cbor';\nexport const hcert = cbor;\n",
  'server/store/store.ts': "import { hcert } from '../../core/hcert';\nexport const store = hcert;\n",
  'server/cloud/compose/admin.ts': "import { store } from '../../store/store';\nexport const admin = store;\n",
  'node/local.ts': "import { store } from '../server/store/store';\nexport const local = store;\n",
  'node/start.ts': "import { local } from './local';\nimport { seed } from '../demo/seed';\nexport const start = [local, seed];\n",
  'demo/seed.ts': "import { local } from '../node/local';\nimport { store } from '../server/store/store';\nexport const seed = [local, store];\n",
  'cli/keys-local.ts': "import { local } from '../node/local';\nimport { store } from '../server/store/store';\nexport const keys = [local, store];\n",
  'cli/verify.ts': "import { hcert } from '../core/hcert';\nexport const verify = hcert;\n",
  'web/main.ts': "import { hcert } from '../core/hcert';\nexport const main = hcert;\n",
  'miniprogram/lib/ithc-main.d.ts': "export { hcert } from '../../core/hcert';\n",
  'miniprogram/pages/home/index.ts': "import { hcert } from '../../lib/ithc-main';\nexport const home = hcert;\n",
  'cloudfunctions/admin/index.ts': "import { admin } from '../../server/cloud/compose/admin';\nexport const main = admin;\n",
  'test/support/standin.ts': "import { store } from '../../server/store/store';\nexport const standin = store;\n",
  // The other half of the type cycle in BREACHES (reported once, from server/app.ts).
  'server/functions/subject.ts': "import type { App } from '../app';\nexport interface Subject { app: App }\n",
  'test/flow.test.ts':
    "import { standin } from './support/standin';\nimport { seed } from '../demo/seed';\nimport { start } from '../node/start';\nexport const t = [standin, seed, start];\n",
};

/** One breach per rule: file → [its source, the rule it breaks]. */
const BREACHES: Record<string, [string, string]> = {
  // Type-only on both sides: a type cycle counts.
  'server/app.ts': ["import type { Subject } from './functions/subject';\nexport interface App { subject: Subject }\n", 'no-import-cycles'],
  'core/trust.ts': ["import { store } from '../server/store/store';\nexport const trust = store;\n", 'core-imports-outside-core'],
  'core/files.ts': ["import { readFileSync } from 'node:fs';\nexport const files = readFileSync;\n", 'core-imports-node-builtins'],
  'server/keys/service.ts': ["import { local } from '../../node/local';\nexport const keys = local;\n", 'server-imports-node-runtime'],
  'server/report.ts': ["import { verify } from '../cli/verify';\nexport const report = verify;\n", 'server-imports-front-ends'],
  'node/page.ts': ["import { main } from '../web/main';\nexport const page = main;\n", 'node-imports-front-ends'],
  'web/verifier.ts': ["import { verify } from '../cli/verify';\nexport const verifier = verify;\n", 'web-imports-outside-core'],
  'miniprogram/lib/ithc-verify.d.ts': ["export { store } from '../../server/store/store';\n", 'miniprogram-imports-outside-core'],
  'cloudfunctions/identity/index.ts': [
    "import { store } from '../../server/store/store';\nexport const main = store;\n",
    'cloudfunction-imports-outside-server-cloud',
  ],
  'cli/rules-file.ts': ["import { store } from '../server/store/store';\nexport const rules = store;\n", 'cli-imports-server-outside-data-folder-subcommands'],
  'server/identity/citizens.ts': ["import { seed } from '../../demo/seed';\nexport const citizens = seed;\n", 'production-imports-demo'],
  'demo/page.ts': ["import { main } from '../web/main';\nexport const page = main;\n", 'demo-imports-front-ends'],
  'demo/fixture.ts': ["import { standin } from '../test/support/standin';\nexport const fixture = standin;\n", 'production-imports-tests-or-stand-ins'],
  'server/store/cloudbase.ts': [
    "import { standin } from '../../test/support/standin';\nexport const cloudbase = standin;\n",
    'production-imports-tests-or-stand-ins',
  ],
};

interface Violation {
  from: string;
  to: string;
  rule: { name: string };
}

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'ithc-import-rules-'));
  const files = { ...ALLOWED, ...Object.fromEntries(Object.entries(BREACHES).map(([f, [src]]) => [f, src])) };
  for (const [file, src] of Object.entries(files)) {
    mkdirSync(join(root, dirname(file)), { recursive: true });
    writeFileSync(join(root, file), src);
  }
  writeFileSync(join(root, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'preserve', moduleResolution: 'bundler', strict: true, types: [] } }));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Cruise {
  modules: Array<{ source: string; dependencies: Array<{ module: string; couldNotResolve: boolean }> }>;
  summary: { violations: Violation[] };
}

function cruise(): Cruise {
  const roots = [...new Set(Object.keys({ ...ALLOWED, ...BREACHES }).map((f) => f.split('/')[0]))];
  const run = spawnSync(process.execPath, [DEPCRUISE, '--config', CONFIG, '--output-type', 'json', ...roots], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (!run.stdout) throw new Error(`dependency-cruiser printed nothing (exit ${run.status}): ${run.stderr}`);
  return JSON.parse(run.stdout) as Cruise;
}

let result: Cruise;
beforeAll(() => {
  result = cruise();
});

it('resolves every import of the tree (an allowed import that resolved nowhere would prove nothing)', () => {
  const unresolved = result.modules.flatMap((m) => m.dependencies.filter((d) => d.couldNotResolve).map((d) => `${m.source} → ${d.module}`));
  expect(unresolved).toEqual([]);
  expect(result.modules.map((m) => m.source).sort()).toEqual([...Object.keys({ ...ALLOWED, ...BREACHES }), 'fs'].sort());
});

it('reports each breach under its rule and nothing the rules allow', () => {
  const found = result.summary.violations.map((v) => `${v.rule.name}: ${v.from}`);
  const expected = Object.entries(BREACHES).map(([file, [, rule]]) => `${rule}: ${file}`);
  expect([...new Set(found)].sort()).toEqual(expected.sort());
});

it('has a breach for every rule of the configuration', () => {
  expect(new Set(Object.values(BREACHES).map(([, rule]) => rule))).toEqual(new Set(RULES));
});
