/**
 * `ithc provision` (cli/provision.ts) against the local gateway wired as `npm start` wires it (the
 * admin function's signed route, POST /admin, beside the gateway's own): an operator key made by
 * keygen, the checks made before anything is sent, and the refusals. Against the built cloud
 * functions: test/cloud/fresh-deployment.test.ts.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLocalApp } from '../../node/local';
import type { App } from '../../server/app';
import { functionsFor } from '../../server/functions/definitions';
import { createGateway } from '../../server/gateway';
import { adminHttpRoute } from '../../server/provision/operator-auth';
import { parseOperatorBootstrap } from '../../server/provision/operators';
import { appRoutes } from '../../server/routes';
import { runMain } from '../cli/helpers';

let dir: string;
let app: App;
let url: string;
let close: () => Promise<void>;
const key = () => join(dir, 'operator.key');
const provision = (...args: string[]) => runMain(['provision', ...args, '--url', url, '--key', key()]);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ithc-provision-cli-'));
  const made = await runMain(['provision', 'keygen', '--key-out', key()]);
  expect(made.code).toBe(0);
  app = await openLocalApp(join(dir, 'data'), { operatorBootstrap: parseOperatorBootstrap({ ITHC_OPERATOR_KEYS: made.stdout.trim() }) });
  const functions = functionsFor(app);
  const gw = createGateway({
    functions,
    localMode: true,
    operators: { has: (o) => app.operators.isOperator(o) },
    routes: [
      ...appRoutes(app),
      adminHttpRoute(
        functions.find((f) => f.name === 'admin')!,
        { directory: app.operators, store: app.store, clock: app.clock },
      ),
    ],
  });
  url = await gw.listen(0);
  close = async () => {
    await gw.close();
    await app.store.close();
  };
}, 60_000);

afterAll(async () => {
  await close?.();
  rmSync(dir, { recursive: true, force: true });
});

test('keygen writes the private key 0600, prints only the public key, and never overwrites', async () => {
  expect(statSync(key()).mode & 0o777).toBe(0o600);
  const again = await runMain(['provision', 'keygen', '--key-out', key()]);
  expect(again.code).toBe(2);
  expect(again.stderr).toMatch(/exists; refusing to overwrite/);
  const pem = readFileSync(key(), 'utf8');
  expect(pem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
});

test("init over the local gateway: the store's collections exist already (SQLite), and no environment is checked", async () => {
  const r = await provision('init');
  expect(r.code).toBe(0);
  const report = JSON.parse(r.stdout);
  expect(report.environment).toBeNull();
  expect(report.collections.every((c: { status: string }) => c.status === 'existed')).toBe(true);
});

test('an export with a bad row is refused before anything is sent, every problem with its line', async () => {
  const file = join(dir, 'citizens.csv');
  writeFileSync(file, '\ufeffidNumber,name,status\r\n110105198805120317,张伟,active\r\n110105198805120318,李娜,active\r\n110105198805120317,张伟,retired\r\n');
  const r = await provision('import-citizens', file);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain(`${file}:3: idNumber: INVALID`);
  expect(r.stderr).toContain(`${file}:4: status: INVALID`);
  expect(r.stderr).toMatch(/2 of 3 rows are invalid: nothing was sent/);
  expect(await app.store.get('citizens', '110105198805120317')).toBeNull();
  // With --skip-invalid the valid row goes.
  const sent = await provision('import-citizens', file, '--skip-invalid');
  expect(sent.stderr).toMatch(/sent 1 rows: 1 created/);
  expect(await app.store.get('citizens', '110105198805120317')).toMatchObject({ name: '张伟' });
});

test("a CSV whose header is not the format's is refused as a usage error", async () => {
  const file = join(dir, 'wrong.csv');
  writeFileSync(file, 'id,name\n1,2\n');
  const r = await provision('import-citizens', file);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/missing idNumber, status; unknown id/);
});

test("refused: plain http to another machine, a missing key, a key not an operator's, an unknown action", async () => {
  expect((await runMain(['provision', 'init', '--url', 'http://ithc.example.org', '--key', key()])).stderr).toMatch(/must be https/);
  expect((await runMain(['provision', 'init', '--url', url])).stderr).toMatch(/give the operator key/);
  const stranger = join(dir, 'stranger.key');
  await runMain(['provision', 'keygen', '--key-out', stranger]);
  const r = await runMain(['provision', 'init', '--url', url, '--key', stranger]);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/UNAUTHENTICATED/);
  expect((await provision('frobnicate')).code).toBe(2);
  expect((await provision('call', 'noSuchAction')).stderr).toMatch(/BAD_REQUEST/);
});
