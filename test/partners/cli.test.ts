/**
 * `ithc partners list|export|import` on local data folders, in-process through the CLI's main().
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runMain } from '../cli/helpers';
import { openLocalApp } from '../../node/local';
import { seedDemo } from '../../demo/seed';
import { ManualClock } from '../../server/clock';
import type { Doc } from '../../server/store/store';
import { DEMO_PARTNER_RULES } from '../../demo/partner';
import { NOW, tempDir } from './helpers';

const run = (args: string[]) => runMain(args);

/** A data folder as `npm run demo` leaves it (demo partner SG), closed again. */
async function demoFolder(label: string): Promise<string> {
  const data = join(tempDir(label), 'data');
  const app = await openLocalApp(data, { clock: new ManualClock(NOW) });
  await seedDemo(app);
  await app.store.close();
  return data;
}

async function partnersAndAudit(data: string): Promise<{ partners: Doc[]; audit: Doc[] }> {
  const app = await openLocalApp(data, { clock: new ManualClock(NOW) });
  try {
    return {
      partners: await app.store.find('partners', {}, { orderBy: { field: '_id', direction: 'asc' } }),
      audit: await app.store.find('audit', {}, { orderBy: { field: 'at', direction: 'asc' } }),
    };
  } finally {
    await app.store.close();
  }
}

const fr = {
  country: 'FR',
  name: { zh: '法国（测试）', en: 'France (test)' },
  accepts: ['dcc'],
  rules: [{ ...DEMO_PARTNER_RULES[3], Identifier: 'TR-FR-0001', Country: 'FR' }],
};

test('list shows each partner with its formats, keys, rules and signing certificates', async () => {
  const data = await demoFolder('cli-partners-list');
  const r = await run(['partners', 'list', '--data', data]);
  expect(r.code).toBe(0);
  expect(r.stdout).toBe(
    `SG  新加坡（演示） Singapore (demo)\n    accepts 接受: sealed, ithc, dcc · keys 公钥: 1 · rules 规则: ${DEMO_PARTNER_RULES.length} (in force 生效中) · signing certificates 签名证书: 0\n`,
  );
});

test('export writes what import reads back into another installation', async () => {
  const a = await demoFolder('cli-partners-a');
  const file = join(tempDir('cli-partners-file'), 'partners.json');
  const r = await run(['partners', 'export', '--data', a, '--out', file]);
  expect(r).toMatchObject({ code: 0, stdout: '' });
  const exported = JSON.parse(readFileSync(file, 'utf8'));
  expect(exported.format).toBe('ithc-partners');
  const { partners } = await partnersAndAudit(a);
  expect(exported.partners).toEqual(partners.map(({ _id, updatedAt: _updatedAt, ...p }) => p));
  // To standard output as well.
  expect(JSON.parse((await run(['partners', 'export', '--data', a])).stdout).partners).toEqual(exported.partners);

  // Into a second installation, with FR added to the file.
  const b = await demoFolder('cli-partners-b');
  exported.partners.unshift(fr);
  writeFileSync(file, JSON.stringify(exported));
  const imp = await run(['partners', 'import', file, '--data', b]);
  expect(imp.stderr).toBe('');
  expect(imp).toMatchObject({ code: 0, stdout: '已导入 2 个合作方 / imported 2 partners: FR, SG\n' });
  const after = await partnersAndAudit(b);
  expect(after.partners.map((p) => p.country)).toEqual(['FR', 'SG']);
  expect(after.audit.filter((x) => x.action === 'partner.import')).toEqual([
    expect.objectContaining({ countries: ['FR', 'SG'], actor: expect.stringMatching(/^cli/) }),
  ]);
});

test('a refused file: exit 1, each bad field on stderr, nothing written', async () => {
  const data = await demoFolder('cli-partners-refused');
  const before = await partnersAndAudit(data);
  const file = join(tempDir('cli-partners-bad'), 'bad.json');
  writeFileSync(file, JSON.stringify([fr, { ...fr, country: 'DE', accepts: ['sealed'] }]));
  const r = await run(['partners', 'import', file, '--data', data]);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain('partners[1].encryptionKeys: ');
  expect(r.stderr).toContain('partners[1].rules: ');
  expect(await partnersAndAudit(data)).toEqual(before);
});

test.each([
  ['no action', ['partners'], /needs an action/],
  ['an unknown action', ['partners', 'delete'], /unknown partners action "delete"/],
  ['import without a file', ['partners', 'import'], /exactly one FILE/],
  ['--out with list', ['partners', 'list', '--out', 'x.json'], /--out is for partners export/],
  ['an import file that is not JSON', ['partners', 'import', __filename], /is not JSON/],
])('usage error: %s (exit 2)', async (_what, args, message) => {
  const r = await run(args);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(message);
});

test('a folder that is not an installation is not created', async () => {
  const missing = join(tempDir('cli-partners-none'), 'nothing-here');
  const r = await run(['partners', 'list', '--data', missing]);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain(`no ITHC data folder at ${missing}`);
  expect(existsSync(missing)).toBe(false);
});

test('--help', async () => {
  const r = await run(['partners', '--help']);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('ithc partners import FILE [--data DIR]');
});
