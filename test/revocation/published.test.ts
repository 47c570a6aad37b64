/**
 * From outside: a revoked certificate, published in our CSCA-signed trust list (server/trust,
 * which carries app.revocation.hashList()), is reported REVOKED by `ithc verify --trust LIST
 * --csca CSCA` — every open code, and the sealed code opened with the demo authority's key —
 * while a certificate nobody revoked still verifies with the same list.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runMain } from '../cli/helpers';
import { toBase64 } from '../../core/bytes';
import { call } from '../../node/local';
import { DEMO_TRAVELLER_OPENID, demoTravellerFlow, seedDemo } from '../../demo/seed';
import { demoAuthorityPrivateKeyPem } from '../../demo/partner';
import { publishAppTrustList } from '../../server/trust/signed-list';
import { ok, openApp, OPERATOR, tempDir } from '../partners/helpers';

async function verifyJson(args: string[], codes: string[]): Promise<{ code: number; lines: any[]; stderr: string }> {
  const { code, stdout, stderr } = await runMain(['verify', '--json', ...args, '-'], codes.join('\n') + '\n');
  return {
    code,
    lines: stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l)),
    stderr,
  };
}

test('revoked: REVOKED for every code through the signed trust list; the other traveller: valid', async () => {
  const { app } = await openApp('revocation-published');
  await seedDemo(app);
  const mine = await demoTravellerFlow(app);
  const theirs = await demoTravellerFlow(app, 'other-traveller', 1);
  const sealed = await ok<{ sealed: Array<{ code: string }> }>(call(app, 'certificate', DEMO_TRAVELLER_OPENID, { action: 'seal', destination: 'SG' }));
  expect(sealed.sealed.length).toBeGreaterThan(0);
  await ok(call(app, 'admin', OPERATOR, { action: 'revoke', certificateId: mine.id, reason: 'record corrected by the laboratory' }));

  const dir = tempDir('revocation-published-files');
  const list = join(dir, 'trustlist-signed.json');
  writeFileSync(list, JSON.stringify((await publishAppTrustList(app)).envelope));
  const csca = join(dir, 'csca.pem');
  const b64 = toBase64(await app.keys.cscaCertificate())
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '');
  writeFileSync(csca, `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`);
  const key = join(dir, 'authority-demo-key.pem');
  writeFileSync(key, await demoAuthorityPrivateKeyPem(app));
  const at = new Date(app.clock.now()).toISOString();

  const revokedCodes = [mine.codes.ithc, ...mine.codes.dcc.map((d) => d.code), ...sealed.sealed.map((s) => s.code)];
  const r = await verifyJson(['--trust', list, '--csca', csca, '--key', key, '--at', at], revokedCodes);
  expect(r.code).toBe(1);
  expect(r.lines.map((l) => [l.valid, l.errors.map((e: { code: string }) => e.code)])).toEqual(revokedCodes.map(() => [false, ['REVOKED']]));

  const others = [theirs.codes.ithc, ...theirs.codes.dcc.map((d) => d.code)];
  const o = await verifyJson(['--trust', list, '--csca', csca, '--at', at], others);
  expect(o.lines.map((l) => l.valid)).toEqual(others.map(() => true));
  expect(o.code).toBe(0);
});
