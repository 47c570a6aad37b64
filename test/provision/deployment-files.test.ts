/**
 * The deployment's files agree with the code they deploy: cloudbaserc.json (the CloudBase CLI's),
 * the functions' config.json the build writes (timer triggers), .env.example, the database layout
 * admin.init declares (its indexes are the SQLite adapter's), and the operator's documentation.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { systemClock } from '../../server/clock';
import { composeAdmin } from '../../server/cloud/compose/admin';
import { provisionActions } from '../../server/functions/provision';
import { EnvSecretStore } from '../../server/keys/secrets';
import { newKekText } from '../../server/keys/vault';
import { INDEXES, permissionCommands } from '../../server/provision/database';
import { checkCitizenRow, checkDocumentRow } from '../../server/provision/imports';
import { ENVIRONMENT_VARIABLES, FUNCTION_VARIABLES } from '../../server/provision/environment';
import { cloudbaseStore } from '../../server/store/cloudbase';
import { createCloudBaseStandIn } from '../support/cloudbase-standin';
import { openSqliteStore } from '../../server/store/sqlite';
import { COLLECTIONS } from '../../server/store/store';
import { ROOT } from '../support/build';
import { FUNCTIONS, ensureFunctionsBuilt } from '../cloud/deployment/harness';

interface RcFunction {
  name: string;
  runtime: string;
  timeout: number;
  memorySize: number;
  handler: string;
  envVariables: Record<string, string>;
  triggers?: Array<{ name: string; type: string; config: string }>;
}
const rc = JSON.parse(readFileSync(join(ROOT, 'cloudbaserc.json'), 'utf8')) as {
  envId: string;
  functionRoot: string;
  functions: RcFunction[];
  gateway: { routes: Array<{ path: string; target: string; enablePathTransmission?: boolean }> };
};
const read = (f: string) => readFileSync(join(ROOT, f), 'utf8');

test("cloudbaserc.json deploys every function on Node 20 with its own variables, referenced from the operator's .env, never inlined", () => {
  expect(rc.functionRoot).toBe('./cloudfunctions');
  expect(rc.envId).toBe('{{env.ENV_ID}}');
  expect(rc.functions.map((f) => f.name).sort()).toEqual([...FUNCTIONS].sort());
  for (const f of rc.functions) {
    expect([f.name, f.runtime, f.handler]).toEqual([f.name, 'Nodejs20.19', 'index.main']);
    expect(f.timeout).toBeGreaterThanOrEqual(10);
    expect(f.timeout).toBeLessThanOrEqual(60);
    // Least privilege: exactly the variables the function reads, each a reference.
    expect([f.name, Object.keys(f.envVariables)]).toEqual([f.name, FUNCTION_VARIABLES[f.name]]);
    for (const [k, v] of Object.entries(f.envVariables)) expect(v).toBe(`{{env.${k}}}`);
  }
  // The KEK and the AppSecret only where used.
  expect(
    rc.functions
      .filter((f) => 'ITHC_SECRET_KEK' in f.envVariables)
      .map((f) => f.name)
      .sort(),
  ).toEqual(['admin', 'certificate', 'identity', 'ingest', 'relatives', 'trustlist']);
  expect(
    rc.functions
      .filter((f) => 'ITHC_SECRET_WECHAT_APPSECRET' in f.envVariables)
      .map((f) => f.name)
      .sort(),
  ).toEqual(['identity', 'relatives']);
  // .env.example names every variable the file references.
  const example = read('.env.example');
  for (const v of ['ENV_ID', ...ENVIRONMENT_VARIABLES]) expect(example).toMatch(new RegExp(`^${v}=$`, 'm'));
});

test("HTTP access: the trust lists, ingestion and the operators' signed calls, each to its function, the path passed whole", () => {
  expect(rc.gateway.routes).toEqual([
    { path: '/trustlist', target: 'function:trustlist', enablePathTransmission: true },
    { path: '/ingest', target: 'function:ingest', enablePathTransmission: true },
    { path: '/admin', target: 'function:admin', enablePathTransmission: true },
  ]);
});

test("timer triggers: the build's config.json, cloudbaserc.json and the admin function's timers name the same", async () => {
  await ensureFunctionsBuilt();
  const env = { ITHC_SECRET_KEK: newKekText(), ITHC_PUBLIC_BASE_URL: 'https://ithc.example.org' };
  const admin = await composeAdmin({
    store: cloudbaseStore(createCloudBaseStandIn({ throwOnNotFound: false })),
    secrets: new EnvSecretStore(env),
    clock: systemClock,
    env,
    sdk: { uploadFile: async () => ({ fileID: '' }), getTempFileURL: async () => ({ fileList: [] }) },
    operators: [],
  });
  for (const f of rc.functions) {
    let built: { triggers: unknown[] } | undefined;
    try {
      built = JSON.parse(read(`cloudfunctions/${f.name}/config.json`));
    } catch {
      built = undefined;
    }
    expect([f.name, built?.triggers ?? []]).toEqual([f.name, f.triggers ?? []]);
  }
  const triggers = rc.functions.find((f) => f.name === 'admin')!.triggers!;
  expect(triggers.map((t) => t.name)).toEqual(Object.keys(admin.timers ?? {}));
  for (const t of triggers) expect(t.config.split(' ')).toHaveLength(7);
}, 60_000);

test('the indexes admin.init declares for CloudBase are the ones the SQLite adapter makes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ithc-indexes-'));
  try {
    const file = join(dir, 'db.sqlite');
    const store = openSqliteStore(file);
    await store.close();
    const db = new Database(file, { readonly: true });
    const sqls = db.prepare("SELECT tbl_name AS coll, sql FROM sqlite_schema WHERE type = 'index' AND name LIKE 'idx_%'").all() as Array<{
      coll: string;
      sql: string;
    }>;
    db.close();
    const sqlite = sqls.map((r) => `${r.coll}(${[...r.sql.matchAll(/'\$\.([A-Za-z_.]+)'/g)].map((m) => m[1]).join(',')})`).sort();
    const declared = Object.entries(INDEXES)
      .flatMap(([coll, list]) => list.map((fields) => `${coll}(${fields.join(',')})`))
      .sort();
    expect(declared).toEqual(sqlite);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('docs/deploy.md names every collection, variable, permission command and provisioning step; docs/functions.md every provisioning action', () => {
  const deploy = read('docs/deploy.md');
  for (const c of COLLECTIONS) expect([c, deploy.includes(`\`${c}\``)]).toEqual([c, true]);
  for (const v of ENVIRONMENT_VARIABLES) expect([v, deploy.includes(v)]).toEqual([v, true]);
  expect(deploy).toContain(permissionCommands()[0].replace('collection:citizens', 'collection:$c'));
  for (const step of [
    'keygen',
    'init',
    'import-documents',
    'import-citizens',
    'add-source',
    'rotate-source-key',
    'add-operator',
    'remove-operator',
    'install-csca',
    'rotate-key',
    'install-certificate',
  ])
    expect([step, deploy.includes(`ithc provision ${step}`)]).toEqual([step, true]);
  const functions = read('docs/functions.md');
  const admin = functions.slice(functions.indexOf('## admin'));
  for (const action of Object.keys(provisionActions({} as never))) expect([action, admin.includes(`| ${action} |`)]).toEqual([action, true]);
  expect(read('README.md')).toMatch(/## Deploy[\s\S]*docs\/deploy\.md/);
});

test('the export examples in docs/deploy.md are rows the import accepts', () => {
  const deploy = read('docs/deploy.md');
  const [header, row] = /```csv\n([^\n]+)\n([^\n]+)\n```/
    .exec(deploy)!
    .slice(1)
    .map((l) => l.split(','));
  expect(checkDocumentRow(Object.fromEntries(header.map((h, i) => [h, row[i]])), '2026-03-01')).toMatchObject({ ok: true });
  const json = JSON.parse(/```json\n([^\n]+)\n```/.exec(deploy)![1]);
  expect(checkCitizenRow(json, '2026-03-01')).toMatchObject({ ok: true });
});
